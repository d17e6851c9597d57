// One profile's plugins, instantiated by name from the registry and run at each extension point in configured
// order. Scoring reuses its buffers, and filtering a node allocates nothing when the node fits.
import type { BindPlugin, Diagnosis, FilterPlugin, Handle, PermitPlugin, Plugin, PluginFactory, PostBindPlugin, PostFilterPlugin, PostFilterResult, PreBindPlugin, PreEnqueuePlugin, PreFilterPlugin, PreScorePlugin, QueueSortPlugin, ReservePlugin, ScorePlugin, WaitingPod } from "./plugin.ts";
import type { ExtensionPoint, ResolvedProfile } from "./config.ts";
import { ConfigError, EXTENSION_POINTS, enabledPluginNames, expandPlugins } from "./config.ts";
import type { CycleState } from "./cycle-state.ts";
import type { NodeInfo } from "./node-info.ts";
import type { PodInfo } from "./pod-info.ts";
import type { QueuedPodInfo } from "./queue.ts";
import type { ClusterEvent, EventRegistration } from "./cluster-event.ts";
import { eventMatches } from "./cluster-event.ts";
import type { Status } from "./status.ts";
import { Code, SUCCESS, errorStatus, isRejected, isSuccess, unschedulable, withPlugin } from "./status.ts";

export const MAX_NODE_SCORE = 100;

/** The method that marks a plugin as extending each point. */
const METHOD: Record<ExtensionPoint, string> = {
  preEnqueue: "preEnqueue", queueSort: "less", preFilter: "preFilter", filter: "filter", postFilter: "postFilter", preScore: "preScore",
  score: "score", reserve: "reserve", permit: "permit", preBind: "preBind", bind: "bind", postBind: "postBind",
};

export type HandleBase = Omit<Handle, "framework" | "profileName" | "waitingPod">;

export interface PreFilterRun {
  status: Status;
  /** Only these nodes can fit (when some PreFilter narrowed them), and the plugins that narrowed them. */
  nodeNames?: ReadonlySet<string>;
  narrowedBy?: string[];
}

export class Framework {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number;
  readonly plugins = new Map<string, Plugin>();
  readonly queueSort: QueueSortPlugin;
  private readonly preEnqueue: PreEnqueuePlugin[];
  private readonly preFilter: PreFilterPlugin[];
  private readonly filter: FilterPlugin[];
  private readonly postFilter: PostFilterPlugin[];
  private readonly preScore: PreScorePlugin[];
  private readonly score: { plugin: ScorePlugin; weight: number }[];
  private readonly reserve: ReservePlugin[];
  private readonly permit: PermitPlugin[];
  private readonly preBind: PreBindPlugin[];
  private readonly bind: BindPlugin[];
  private readonly postBind: PostBindPlugin[];
  private readonly events = new Map<string, EventRegistration[] | undefined>();
  private readonly waiting = new Map<string, PermitWait>();
  /** Plugin-tagged copies of the constant statuses plugins return, so rejecting a node allocates nothing. */
  private readonly tagged = new WeakMap<Status, Status>();
  private scratch = new Float64Array(0);
  private totals = new Float64Array(0);

  constructor(profile: ResolvedProfile, registry: ReadonlyMap<string, PluginFactory>, base: HandleBase) {
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    const handle: Handle = { ...base, framework: this, profileName: profile.schedulerName, waitingPod: (key) => this.waiting.get(key) };
    for (const name of enabledPluginNames(profile)) {
      const factory = registry.get(name);
      if (!factory) throw new ConfigError(`profile ${profile.schedulerName}: unknown plugin ${JSON.stringify(name)}`);
      const plugin = factory(profile.args.get(name), handle);
      this.plugins.set(name, plugin);
      this.events.set(name, plugin.events?.());
    }
    const pointsOf = (name: string): ReadonlySet<ExtensionPoint> => {
      const p = this.plugins.get(name) as unknown as Record<string, unknown>;
      return new Set(EXTENSION_POINTS.filter((pt) => typeof p[METHOD[pt]] === "function"));
    };
    const points = expandPlugins(profile, pointsOf);
    const at = <T>(pt: ExtensionPoint): T[] => points[pt].map((r) => this.plugins.get(r.name) as T);
    this.queueSort = at<QueueSortPlugin>("queueSort")[0]!;
    this.preEnqueue = at("preEnqueue");
    this.preFilter = at("preFilter");
    this.filter = at("filter");
    this.postFilter = at("postFilter");
    this.preScore = at("preScore");
    this.score = points.score.map((r) => ({ plugin: this.plugins.get(r.name) as ScorePlugin, weight: r.weight! }));
    this.reserve = at("reserve");
    this.permit = at("permit");
    this.preBind = at("preBind");
    this.bind = at("bind");
    this.postBind = at("postBind");
  }

  /** The PreEnqueue plugin that keeps the pod out of the active queue, if any. */
  runPreEnqueue(pod: PodInfo): string | undefined {
    for (const p of this.preEnqueue) if (!isSuccess(p.preEnqueue(pod))) return p.name;
    return undefined;
  }

  runPreFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterRun {
    let nodeNames: Set<string> | undefined;
    const narrowing: string[] = [];
    for (const p of this.preFilter) {
      const out = p.preFilter(state, pod, nodes);
      if (out.status.code === Code.Skip) {
        state.skipFilter.add(p.name);
        continue;
      }
      if (!isSuccess(out.status)) return { status: withPlugin(out.status, p.name) };
      if (!out.nodeNames) continue;
      narrowing.push(p.name);
      nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => out.nodeNames!.has(n))) : new Set(out.nodeNames);
      if (nodeNames.size === 0) {
        const msg = narrowing.length === 1 ? `node(s) didn't satisfy plugin ${narrowing[0]}` : `node(s) didn't satisfy plugin(s) [${narrowing.join(" ")}] simultaneously`;
        return { status: { code: Code.UnschedulableAndUnresolvable, reasons: [msg], plugin: p.name } };
      }
    }
    return { status: SUCCESS, nodeNames, narrowedBy: nodeNames && narrowing };
  }

  /** Runs the filters in order; the first that rejects the node answers (with its name attached). */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const filters = (state.filters ??= this.filter.filter((p) => !state.skipFilter.has(p.name)));
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i]!;
      const s = p.filter(state, pod, node);
      if (s !== SUCCESS && !isSuccess(s)) return this.tag(s, p.name);
    }
    return SUCCESS;
  }

  private tag(s: Status, plugin: string): Status {
    if (s.plugin === plugin) return s;
    let t = this.tagged.get(s);
    if (t?.plugin !== plugin) this.tagged.set(s, (t = withPlugin(s, plugin)));
    return t;
  }

  /**
   * Filters with the higher-or-equal priority pods nominated to this node counted in, and — when they fit too —
   * once more without them (a nominated pod that never arrives must not make the node look better).
   */
  runFilterWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo, nominated: readonly PodInfo[] | undefined): Status {
    let added: { state: CycleState; node: NodeInfo } | undefined;
    if (nominated) {
      for (const np of nominated) {
        if (np.priority < pod.priority || np.key === pod.key || node.pods.has(np.key)) continue;
        added ??= { state: state.clone(), node: node.clone() };
        added.node.addPod(np);
        this.addPodToState(added.state, pod, np, added.node);
      }
    }
    if (added) {
      const s = this.runFilter(added.state, pod, added.node);
      if (!isSuccess(s)) return s;
    }
    return this.runFilter(state, pod, node);
  }

  addPodToState(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    for (const p of this.preFilter) if (p.addPod && !state.skipFilter.has(p.name)) p.addPod(state, pod, added, node);
  }

  removePodFromState(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    for (const p of this.preFilter) if (p.removePod && !state.skipFilter.has(p.name)) p.removePod(state, pod, removed, node);
  }

  runPostFilter(state: CycleState, pod: PodInfo, diagnosis: Diagnosis): PostFilterResult {
    let last: PostFilterResult = { status: unschedulable() };
    for (const p of this.postFilter) {
      const r = p.postFilter(state, pod, diagnosis);
      if (isSuccess(r.status) || r.status.code === Code.Error) return { ...r, status: withPlugin(r.status, p.name) };
      last = { ...r, status: withPlugin(r.status, p.name) };
    }
    return last;
  }

  get hasPostFilter(): boolean {
    return this.postFilter.length > 0;
  }

  runPreScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    for (const p of this.preScore) {
      const s = p.preScore(state, pod, nodes);
      if (s.code === Code.Skip) state.skipScore.add(p.name);
      else if (!isSuccess(s)) return withPlugin(s, p.name);
    }
    return SUCCESS;
  }

  /** Weighted sum of every score plugin's normalized scores; the array is reused by the next call. */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Float64Array {
    const n = nodes.length;
    if (this.totals.length < n) {
      this.totals = new Float64Array(n);
      this.scratch = new Float64Array(n);
    }
    const totals = this.totals;
    const scores = this.scratch;
    totals.fill(0, 0, n);
    for (const { plugin, weight } of this.score) {
      if (state.skipScore.has(plugin.name)) continue;
      plugin.score(state, pod, nodes, scores);
      plugin.normalizeScore?.(state, pod, scores, nodes);
      for (let i = 0; i < n; i++) {
        const s = scores[i]!;
        if (!(s >= 0 && s <= MAX_NODE_SCORE)) throw new Error(`plugin ${plugin.name} returned an invalid score ${s} for node ${nodes[i]!.name}`);
        totals[i]! += s * weight;
      }
    }
    return totals;
  }

  runReserve(state: CycleState, pod: PodInfo, node: string): Status {
    for (const p of this.reserve) {
      const s = p.reserve(state, pod, node);
      if (!isSuccess(s)) return withPlugin(s, p.name);
    }
    return SUCCESS;
  }

  /** Unreserve runs in reverse order, for every reserve plugin. */
  runUnreserve(state: CycleState, pod: PodInfo, node: string): void {
    for (let i = this.reserve.length - 1; i >= 0; i--) this.reserve[i]!.unreserve(state, pod, node);
  }

  /** Success, a rejection, or — when a plugin says Wait — the pod is held until waitOnPermit settles. */
  runPermit(state: CycleState, pod: PodInfo, node: string): Status {
    const waits = new Map<string, number>();
    for (const p of this.permit) {
      const out = p.permit(state, pod, node);
      if (out.status.code === Code.Wait) waits.set(p.name, out.timeoutMs ?? 0);
      else if (!isSuccess(out.status)) return withPlugin(isRejected(out.status) || out.status.code === Code.Error ? out.status : errorStatus(`unexpected permit status ${out.status.code}`), p.name);
    }
    if (waits.size === 0) return SUCCESS;
    this.waiting.set(pod.key, new PermitWait(pod, waits, () => this.waiting.delete(pod.key)));
    return { code: Code.Wait, reasons: [] };
  }

  /** Resolves once every waiting permit plugin allowed the pod, one rejected it, or one timed out. */
  waitOnPermit(pod: PodInfo): Promise<Status> {
    return this.waiting.get(pod.key)?.result ?? Promise.resolve(SUCCESS);
  }

  waitingPod(key: string): WaitingPod | undefined {
    return this.waiting.get(key);
  }

  /** Rejects every held pod (shutdown). */
  rejectWaitingPods(message: string): void {
    for (const w of [...this.waiting.values()]) w.reject("", message);
  }

  async runPreBind(state: CycleState, pod: PodInfo, node: string): Promise<Status> {
    for (const p of this.preBind) {
      const s = await p.preBind(state, pod, node);
      if (!isSuccess(s)) return withPlugin(s, p.name);
    }
    return SUCCESS;
  }

  async runBind(state: CycleState, pod: PodInfo, node: string): Promise<Status> {
    for (const p of this.bind) {
      const s = await p.bind(state, pod, node);
      if (s.code === Code.Skip) continue;
      return withPlugin(s, p.name);
    }
    return errorStatus("no bind plugin bound the pod");
  }

  runPostBind(state: CycleState, pod: PodInfo, node: string): void {
    for (const p of this.postBind) p.postBind(state, pod, node);
  }

  /** Whether a cluster change may help a pod this profile rejected (plugins without registrations care about all). */
  worthRetrying(q: QueuedPodInfo, ev: ClusterEvent, oldObj: unknown, newObj: unknown): boolean {
    if (q.unschedulablePlugins.size === 0) return true;
    for (const name of q.unschedulablePlugins) {
      const regs = this.events.get(name);
      if (!regs) return true;
      for (const r of regs) if (eventMatches(r.event, ev) && (!r.hint || r.hint(q.podInfo.pod, oldObj, newObj))) return true;
    }
    return false;
  }
}

/** A pod held at Permit until every waiting plugin allows it. */
class PermitWait implements WaitingPod {
  readonly pod: PodInfo;
  readonly result: Promise<Status>;
  private readonly pending = new Map<string, NodeJS.Timeout | undefined>();
  private settle!: (s: Status) => void;

  constructor(pod: PodInfo, waits: Map<string, number>, done: () => void) {
    this.pod = pod;
    this.result = new Promise<Status>((resolve) => {
      this.settle = (s) => {
        for (const t of this.pending.values()) clearTimeout(t);
        this.pending.clear();
        done();
        resolve(s);
      };
    });
    for (const [plugin, ms] of waits) {
      const t = ms > 0 ? setTimeout(() => this.reject(plugin, `rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`), ms) : undefined;
      t?.unref();
      this.pending.set(plugin, t);
    }
  }

  allow(plugin: string): void {
    if (!this.pending.has(plugin)) return;
    clearTimeout(this.pending.get(plugin));
    this.pending.delete(plugin);
    if (this.pending.size === 0) this.settle(SUCCESS);
  }

  reject(plugin: string, message: string): void {
    this.settle({ code: Code.Unschedulable, reasons: [message], plugin: plugin || undefined });
  }
}
