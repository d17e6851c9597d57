// Where a pod goes: PreFilter, then Filter over nodes from a rotating start until upstream's sample size of
// feasible nodes is found (a nominated node is tried first), then PreScore/Score and the best score wins, ties
// broken at random. Pure computation over the cache: no I/O, nothing awaited.
import type { SchedulerCache } from "./cache.ts";
import type { Nominator } from "./nominator.ts";
import type { Framework } from "./framework.ts";
import type { CycleState } from "./cycle-state.ts";
import type { Diagnosis } from "./plugin.ts";
import type { NodeInfo } from "./node-info.ts";
import type { PodInfo } from "./pod-info.ts";
import type { Status } from "./status.ts";
import { Code, SUCCESS, isRejected, isSuccess, message } from "./status.ts";
import { fitErrorMessage } from "./fit-error.ts";
import { numFeasibleNodesToFind } from "./node-sampling.ts";

/** A placement decision, or why there is none (with the per-node diagnosis when nodes were evaluated). */
export type ScheduleResult =
  | { ok: true; node: string }
  | { ok: false; status: Status; diagnosis?: Diagnosis };

const newDiagnosis = (absentStatus: Status | undefined): Diagnosis => ({ nodeStatuses: new Map(), absentStatus, unschedulablePlugins: new Set(), preFilterMsg: undefined });

export class Placer {
  private readonly cache: SchedulerCache;
  private readonly nominator: Nominator;
  private readonly random: () => number;
  private nextStartNodeIndex = 0;
  private readonly feasible: NodeInfo[] = [];
  private readonly rejected: NodeInfo[] = [];
  private readonly rejectedStatuses: Status[] = [];

  constructor(cache: SchedulerCache, nominator: Nominator, random: () => number = Math.random) {
    this.cache = cache;
    this.nominator = nominator;
    this.random = random;
  }

  /** Picks a node: PreFilter, Filter over a sample of nodes from a rotating start, then PreScore/Score. */
  schedulePod(fwk: Framework, state: CycleState, pod: PodInfo): ScheduleResult {
    if (pod.parseError) return { ok: false, status: { code: Code.Error, reasons: [pod.parseError] } };
    const all = this.cache.nodeList();
    if (all.length === 0) return { ok: false, status: { code: Code.Error, reasons: ["no nodes available to schedule pods"] } };
    const pre = fwk.runPreFilter(state, pod, all);
    if (!isSuccess(pre.status)) {
      if (!isRejected(pre.status)) return { ok: false, status: pre.status };
      const diagnosis = newDiagnosis(pre.status);
      diagnosis.preFilterMsg = message(pre.status);
      if (pre.status.plugin) diagnosis.unschedulablePlugins.add(pre.status.plugin);
      return { ok: false, status: pre.status, diagnosis };
    }
    const nodes = pre.nodeNames ? all.filter((n) => pre.nodeNames!.has(n.name)) : all;

    // A node nominated by an earlier preemption is tried first: its victims were evicted for this pod.
    const nominated = pod.pod.status?.nominatedNodeName;
    const nominatedNode = nominated ? this.cache.node(nominated) : undefined;
    if (nominatedNode && (!pre.nodeNames || pre.nodeNames.has(nominated!))) {
      const s = fwk.runFilterWithNominatedPods(state, pod, nominatedNode, this.nominator.podsOn(nominatedNode.name));
      if (isSuccess(s)) return { ok: true, node: nominatedNode.name };
      if (!isRejected(s)) return { ok: false, status: s };
    }

    const feasible = this.findFeasible(fwk, state, pod, nodes);
    if (feasible.length === 0) {
      const diagnosis = this.diagnosis(pre.narrowedBy);
      const status: Status = { code: Code.Unschedulable, reasons: [fitErrorMessage(all.length, diagnosis)] };
      return { ok: false, status, diagnosis };
    }
    if (feasible.length === 1) return { ok: true, node: feasible[0]!.name };
    const s = fwk.runPreScore(state, pod, feasible);
    if (!isSuccess(s)) return { ok: false, status: s };
    const totals = fwk.runScore(state, pod, feasible);
    return { ok: true, node: feasible[this.selectHost(totals, feasible.length)]!.name };
  }

  /**
   * Filters nodes from a rotating start until enough fit. Rejections are kept in reused buffers, turned into a
   * diagnosis only when no node fits (the only case that reads one).
   */
  private findFeasible(fwk: Framework, state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): NodeInfo[] {
    const n = nodes.length;
    this.rejected.length = 0;
    this.rejectedStatuses.length = 0;
    // A PreFilter may name only nodes that do not exist.
    if (n === 0) return [];
    const want = numFeasibleNodesToFind(fwk.percentageOfNodesToScore, n);
    const feasible = this.feasible;
    const rejected = this.rejected;
    const statuses = this.rejectedStatuses;
    feasible.length = 0;
    const start = this.nextStartNodeIndex % n;
    let processed = 0;
    const hasNominations = this.nominator.size > 0;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const node = nodes[(start + i) % n]!;
      processed++;
      const s = hasNominations ? fwk.runFilterWithNominatedPods(state, pod, node, this.nominator.podsOn(node.name)) : fwk.runFilter(state, pod, node);
      if (s === SUCCESS || isSuccess(s)) {
        feasible.push(node);
      } else if (isRejected(s)) {
        rejected.push(node);
        statuses.push(s);
      } else {
        throw new Error(`running Filter plugin ${JSON.stringify(s.plugin)} on node ${node.name}: ${message(s)}`);
      }
    }
    this.nextStartNodeIndex = (start + processed) % n;
    return feasible;
  }

  /** The last filter pass's rejections; nodes a PreFilter ruled out count under the plugins that did. */
  private diagnosis(narrowedBy: string[] | undefined): Diagnosis {
    const d = newDiagnosis(narrowedBy && { code: Code.UnschedulableAndUnresolvable, reasons: [`node(s) didn't satisfy plugin(s) [${narrowedBy.join(" ")}]`] });
    for (const p of narrowedBy ?? []) d.unschedulablePlugins.add(p);
    for (let i = 0; i < this.rejected.length; i++) {
      const s = this.rejectedStatuses[i]!;
      d.nodeStatuses.set(this.rejected[i]!.name, s);
      if (s.plugin) d.unschedulablePlugins.add(s.plugin);
    }
    return d;
  }

  /** The best score wins; ties are broken uniformly at random (reservoir sampling), as upstream. */
  private selectHost(totals: Float64Array, n: number): number {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < n; i++) {
      if (totals[i]! > totals[best]!) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return best;
  }
}
