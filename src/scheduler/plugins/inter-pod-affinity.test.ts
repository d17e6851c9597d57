import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, PodAffinityTerm } from "kubernetes-types/core/v1";
import { CycleState } from "../cycle-state.ts";
import { Code, SUCCESS } from "../status.ts";
import { testFramework } from "../testing/framework.ts";
import { makeNode, makePod, podInfo } from "../testing/fixtures.ts";
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from "../plugin.ts";

type IPA = PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;
const ZONE = "topology.kubernetes.io/zone";
const HOST = "kubernetes.io/hostname";
const term = (labels: Record<string, string>, topologyKey = HOST, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ topologyKey, labelSelector: { matchLabels: labels }, ...extra });

/** A cluster of nodes a1,a2 (zone a) and b1 (zone b) with the given pods bound, and the plugin over it. */
function cluster(bound: [string, Pod][], nsLabels: Record<string, Record<string, string>> = {}) {
  const { fwk, cache } = testFramework({}, [], {
    namespaceLabels: (ns) => nsLabels[ns],
    namespacesMatching: (sel) => Object.entries(nsLabels).filter(([, l]) => sel.matches(l)).map(([n]) => n),
  });
  for (const [n, z] of [["a1", "a"], ["a2", "a"], ["b1", "b"]] as const) cache.setNode(makeNode(n, { labels: { [ZONE]: z } }));
  for (const [node, pod] of bound) cache.setPod(podInfo(pod), node);
  const plugin = fwk.plugins.get("InterPodAffinity") as IPA;
  const fits = (pod: Pod): string[] => {
    const state = new CycleState();
    const pi = podInfo(pod);
    const pre = plugin.preFilter(state, pi, cache.nodeList());
    if (pre.status.code === Code.Skip) return cache.nodeList().map((n) => n.name).sort();
    return cache.nodeList().filter((n) => plugin.filter(state, pi, n) === SUCCESS).map((n) => n.name).sort();
  };
  return { cache, plugin, fits };
}

test("required anti-affinity keeps replicas off nodes (and zones) that already run one", () => {
  const web = (name: string, key = HOST) => makePod(name, { labels: { app: "web" }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: "web" }, key)] } } } });
  const { fits } = cluster([["a1", web("w1")]]);
  assert.deepEqual(fits(web("w2")), ["a2", "b1"]);
  assert.deepEqual(fits(web("w2", ZONE)), ["b1"]);
});

test("existing pods' anti-affinity repels matching newcomers (symmetry)", () => {
  const loner = makePod("loner", { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: "noisy" }, ZONE)] } } } });
  const { fits, plugin, cache } = cluster([["a1", loner]]);
  assert.deepEqual(fits(makePod("n", { labels: { app: "noisy" } })), ["b1"]);
  assert.deepEqual(fits(makePod("q", { labels: { app: "quiet" } })), ["a1", "a2", "b1"]);
  const state = new CycleState();
  const noisy = podInfo(makePod("n", { labels: { app: "noisy" } }));
  plugin.preFilter(state, noisy, cache.nodeList());
  assert.deepEqual(plugin.filter(state, noisy, cache.node("a2")!).reasons, ["node(s) didn't satisfy existing pods anti-affinity rules"]);
});

test("required affinity needs a matching pod in the domain; the first of a self-matching group goes anywhere", () => {
  const withDb = makePod("app", { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: "db" }, ZONE)] } } } });
  const { fits } = cluster([["b1", makePod("db", { labels: { app: "db" } })]]);
  assert.deepEqual(fits(withDb), ["b1"]);
  assert.deepEqual(cluster([]).fits(withDb), [], "no db anywhere and the pod is not a db itself");
  const selfish = makePod("s", { labels: { app: "db" }, spec: { affinity: withDb.spec!.affinity } });
  assert.deepEqual(cluster([]).fits(selfish), ["a1", "a2", "b1"]);
});

test("namespaces and namespaceSelector decide which pods a term sees", () => {
  const other = makePod("x", { namespace: "team-b", labels: { app: "web" } });
  const anti = (extra: Partial<PodAffinityTerm>) => makePod("p", { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: "web" }, HOST, extra)] } } } });
  const { fits } = cluster([["a1", other]], { default: {}, "team-b": { team: "b" } });
  assert.deepEqual(fits(anti({})), ["a1", "a2", "b1"], "own namespace only by default");
  assert.deepEqual(fits(anti({ namespaces: ["team-b"] })), ["a2", "b1"]);
  assert.deepEqual(fits(anti({ namespaceSelector: { matchLabels: { team: "b" } } })), ["a2", "b1"]);
  assert.deepEqual(fits(anti({ namespaceSelector: {} })), ["a2", "b1"], "an empty selector means all namespaces");
});

test("preferred terms and existing pods' terms score domains, normalized to 0..100", () => {
  const cache = makePod("cache", { labels: { app: "cache" } });
  const { plugin, cache: c } = cluster([["a1", cache]]);
  const pod = podInfo(makePod("p", { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: "cache" }, ZONE) }] } } } }));
  const state = new CycleState();
  const nodes = c.nodeList();
  assert.equal(plugin.preScore(state, pod, nodes), SUCCESS);
  const scores = new Float64Array(nodes.length);
  plugin.score(state, pod, nodes, scores);
  plugin.normalizeScore!(state, pod, scores, nodes);
  assert.deepEqual(Object.fromEntries(nodes.map((n, i) => [n.name, scores[i]])), { a1: 100, a2: 100, b1: 0 });
  assert.equal(plugin.preScore(new CycleState(), podInfo(makePod("plain")), nodes).code, Code.Skip);
  // An existing pod that prefers company attracts a matching newcomer (and its required affinity weighs 1).
  const friendly = makePod("f", { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ app: "web" }) }] } } } });
  const { plugin: p2, cache: c2 } = cluster([["b1", friendly]]);
  const web = podInfo(makePod("w", { labels: { app: "web" } }));
  const st2 = new CycleState();
  assert.equal(p2.preScore(st2, web, c2.nodeList()), SUCCESS);
  const s2 = new Float64Array(3);
  p2.score(st2, web, c2.nodeList(), s2);
  assert.deepEqual(Object.fromEntries(c2.nodeList().map((n, i) => [n.name, s2[i]])), { a1: 0, a2: 0, b1: 5 });
});

test("preemption's what-ifs: removing the conflicting pod from the state frees the node", () => {
  const web = makePod("w1", { labels: { app: "web" } });
  const { plugin, cache } = cluster([["a1", web]]);
  const incoming = podInfo(makePod("p", { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: "web" })] } } } }));
  const state = new CycleState();
  plugin.preFilter(state, incoming, cache.nodeList());
  const a1 = cache.node("a1")!;
  assert.equal(plugin.filter(state, incoming, a1).code, Code.Unschedulable);
  const what = state.clone();
  plugin.removePod!(what, incoming, podInfo(web), a1);
  assert.equal(plugin.filter(what, incoming, a1), SUCCESS);
  assert.equal(plugin.filter(state, incoming, a1).code, Code.Unschedulable, "the original state is untouched");
});
