import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { CycleState } from "../cycle-state.ts";
import { Code, SUCCESS } from "../status.ts";
import { testFramework } from "../testing/framework.ts";
import { makeNode, makePod, podInfo } from "../testing/fixtures.ts";
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from "../plugin.ts";
import type { NodeOptions } from "../testing/fixtures.ts";
import { labelSelectorMatcher } from "../../api/selectors/labels.ts";

type PTS = PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;
const ZONE = "topology.kubernetes.io/zone";

function cluster(nodes: [string, NodeOptions][], bound: [string, Pod][], defaultSelector?: Record<string, string>) {
  const { fwk, cache } = testFramework({}, [], { defaultSpreadSelector: () => (defaultSelector ? labelSelectorMatcher({ matchLabels: defaultSelector }) : undefined) });
  for (const [n, o] of nodes) cache.setNode(makeNode(n, o));
  for (const [node, pod] of bound) cache.setPod(podInfo(pod), node);
  const plugin = fwk.plugins.get("PodTopologySpread") as PTS;
  const fits = (pod: Pod): string[] => {
    const state = new CycleState();
    const pi = podInfo(pod);
    const pre = plugin.preFilter(state, pi, cache.nodeList());
    if (pre.status.code === Code.Skip) return cache.nodeList().map((n) => n.name).sort();
    return cache.nodeList().filter((n) => plugin.filter(state, pi, n) === SUCCESS).map((n) => n.name).sort();
  };
  return { cache, plugin, fits };
}

const zones = (...spec: [string, string][]): [string, NodeOptions][] => spec.map(([n, z]) => [n, { labels: { [ZONE]: z } }]);
const spread = (c: Partial<TopologySpreadConstraint> = {}, labels: Record<string, string> = { app: "web" }) =>
  makePod("new", { labels, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } }, ...c }] } });
const web = (name: string, labels: Record<string, string> = { app: "web" }) => makePod(name, { labels });

test("DoNotSchedule: only the least populated zones take the next replica", () => {
  const { fits } = cluster(zones(["a1", "a"], ["b1", "b"], ["c1", "c"]), [["a1", web("1")], ["a1", web("2")], ["b1", web("3")]]);
  assert.deepEqual(fits(spread()), ["c1"]);
  assert.deepEqual(fits(spread({ maxSkew: 2 })), ["b1", "c1"]);
  assert.deepEqual(fits(spread({ maxSkew: 3 })), ["a1", "b1", "c1"]);
});

test("nodes without the topology key are ruled out as unresolvable", () => {
  const { cache, plugin } = cluster([...zones(["a1", "a"]), ["bare", {}]], []);
  const state = new CycleState();
  const pod = podInfo(spread());
  plugin.preFilter(state, pod, cache.nodeList());
  const s = plugin.filter(state, pod, cache.node("bare")!);
  assert.equal(s.code, Code.UnschedulableAndUnresolvable);
  assert.deepEqual(s.reasons, ["node(s) didn't match pod topology spread constraints (missing required label)"]);
});

test("minDomains: with fewer domains than asked, the global minimum counts as 0", () => {
  const { fits } = cluster(zones(["a1", "a"], ["b1", "b"]), [["a1", web("1")], ["b1", web("2")]]);
  assert.deepEqual(fits(spread()), ["a1", "b1"]);
  assert.deepEqual(fits(spread({ minDomains: 3 })), [], "both zones already hold one: 1 + 1 - 0 > 1");
});

test("nodeAffinityPolicy Honor counts only nodes the pod may use; Ignore counts all", () => {
  const nodes: [string, NodeOptions][] = [["a1", { labels: { [ZONE]: "a", pool: "x" } }], ["b1", { labels: { [ZONE]: "b", pool: "y" } }]];
  const { fits } = cluster(nodes, [["a1", web("1")]]);
  const pinned = (policy: string) => ({ ...spread({ nodeAffinityPolicy: policy }), spec: { ...spread({ nodeAffinityPolicy: policy }).spec!, nodeSelector: { pool: "x" } } });
  // Honor: zone b is not eligible, so zone a's count (1) is also the minimum.
  assert.deepEqual(fits(pinned("Honor")), ["a1", "b1"]);
  assert.deepEqual(fits(pinned("Ignore")), ["b1"]);
});

test("nodeTaintsPolicy Honor leaves out nodes whose taints the pod does not tolerate", () => {
  const nodes: [string, NodeOptions][] = [["a1", { labels: { [ZONE]: "a" } }], ["b1", { labels: { [ZONE]: "b" }, taints: [{ key: "k", effect: "NoSchedule" }] }]];
  const { fits } = cluster(nodes, [["a1", web("1")]]);
  assert.deepEqual(fits(spread({ nodeTaintsPolicy: "Honor" })), ["a1", "b1"]);
  assert.deepEqual(fits(spread()), ["b1"]);
});

test("matchLabelKeys: only pods with the same values for those keys count", () => {
  const v1 = (n: string) => web(n, { app: "web", rev: "1" });
  const { fits } = cluster(zones(["a1", "a"], ["b1", "b"]), [["a1", v1("1")], ["a1", v1("2")]]);
  assert.deepEqual(fits(spread({}, { app: "web", rev: "1" })), ["b1"]);
  assert.deepEqual(fits(spread({ matchLabelKeys: ["rev"] }, { app: "web", rev: "2" })), ["a1", "b1"]);
});

test("terminating pods and other namespaces do not count", () => {
  const gone = { ...web("gone"), metadata: { ...web("gone").metadata, deletionTimestamp: "2024-01-01T00:00:00Z" } };
  const elsewhere = makePod("x", { namespace: "other", labels: { app: "web" } });
  const { fits } = cluster(zones(["a1", "a"], ["b1", "b"]), [["a1", gone], ["a1", elsewhere]]);
  assert.deepEqual(fits(spread()), ["a1", "b1"]);
});

function softScores(c: ReturnType<typeof cluster>, pod: Pod): Record<string, number> {
  const state = new CycleState();
  const pi = podInfo(pod);
  const nodes = c.cache.nodeList();
  assert.equal(c.plugin.preScore(state, pi, nodes), SUCCESS);
  const scores = new Float64Array(nodes.length);
  c.plugin.score(state, pi, nodes, scores);
  c.plugin.normalizeScore!(state, pi, scores, nodes);
  return Object.fromEntries(nodes.map((n, i) => [n.name, scores[i]!]));
}

test("ScheduleAnyway: fewer matching pods in the domain scores higher", () => {
  const c = cluster(zones(["a1", "a"], ["b1", "b"], ["c1", "c"]), [["a1", web("1")], ["a1", web("2")], ["b1", web("3")]]);
  const scores = softScores(c, spread({ whenUnsatisfiable: "ScheduleAnyway" }));
  // weight ln(3+2); raw: a 2*w, b 1*w, c 0 -> round: a 3, b 2, c 0; normalized 100*(3+0-s)/3
  assert.deepEqual(scores, { a1: 0, b1: 33, c1: 100 });
});

test("system default constraints spread a workload's pods softly over hosts and zones", () => {
  const c = cluster(zones(["a1", "a"], ["a2", "a"], ["b1", "b"]), [["a1", web("1")]], { app: "web" });
  const scores = softScores(c, web("new"));
  assert.ok(scores.b1! > scores.a2! && scores.a2! > scores.a1!, JSON.stringify(scores));
  const none = cluster(zones(["a1", "a"]), [["a1", web("1")]]);
  assert.equal(none.plugin.preScore(new CycleState(), podInfo(web("new")), none.cache.nodeList()).code, "Skip", "no owner selector, no default spreading");
});
