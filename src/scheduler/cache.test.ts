import { test } from "node:test";
import assert from "node:assert/strict";
import { SchedulerCache, normalizedImageName } from "./cache.ts";
import { makeNode, makePod, podInfo } from "./testing/fixtures.ts";

test("assumed pods hold capacity until confirmed or forgotten", () => {
  const c = new SchedulerCache();
  c.setNode(makeNode("n1"));
  const p = podInfo(makePod("p", { cpu: "500m" }));
  c.assume(p, "n1");
  assert.equal(c.node("n1")!.requestedCPU, 500);
  assert.ok(c.isAssumed(p.key));
  assert.throws(() => c.assume(p, "n1"), /already in the cache/);
  c.forget(p.key);
  assert.equal(c.node("n1")!.requestedCPU, 0);
  assert.equal(c.node("n1")!.podCount, 0);
  c.assume(p, "n1");
  c.setPod(podInfo(makePod("p", { cpu: "500m", nodeName: "n1" })), "n1");
  assert.equal(c.isAssumed(p.key), false);
  c.forget(p.key); // a confirmed pod is not forgotten
  assert.equal(c.node("n1")!.requestedCPU, 500);
  c.removePod(p.key);
  assert.equal(c.node("n1")!.requestedCPU, 0);
});

test("a newer object of a cached pod replaces the old one without re-accounting it", () => {
  const c = new SchedulerCache();
  c.setNode(makeNode("n1"));
  const p = podInfo(makePod("p", { cpu: "500m" }));
  c.assume(p, "n1");
  const bound = { ...makePod("p", { cpu: "500m", nodeName: "n1" }), metadata: { ...p.pod.metadata, resourceVersion: "2" } };
  assert.equal(c.confirm(p.key, bound, "7"), false, "the pod changed since it was placed");
  const placedAt = { ...p.pod, metadata: { ...p.pod.metadata, resourceVersion: "7" } };
  c.forget(p.key);
  c.assume(podInfo(placedAt), "n1");
  assert.equal(c.confirm(p.key, bound, "7"), true);
  assert.equal(c.isAssumed(p.key), false);
  assert.equal(c.node("n1")!.pods.get(p.key)!.pod, bound);
  const running = { ...bound, status: { phase: "Running" } };
  c.replaceObject(p.key, running);
  assert.equal(c.node("n1")!.pods.get(p.key)!.pod, running);
  assert.equal(c.node("n1")!.requestedCPU, 500);
  assert.equal(c.node("n1")!.podCount, 1);
});

test("the node list interleaves zones so a prefix samples all of them", () => {
  const c = new SchedulerCache();
  for (const [n, z] of [["a1", "a"], ["a2", "a"], ["a3", "a"], ["b1", "b"], ["c1", "c"], ["c2", "c"]]) c.setNode(makeNode(n!, { labels: { "topology.kubernetes.io/zone": z! } }));
  assert.deepEqual(c.nodeList().map((n) => n.name), ["a1", "b1", "c1", "a2", "c2", "a3"]);
  c.removeNode("b1");
  c.setNode(makeNode("a2", { labels: { "topology.kubernetes.io/zone": "c" } }));
  assert.deepEqual(c.nodeList().map((n) => n.name), ["a1", "c1", "a3", "c2", "a2"]);
});

test("pods on a node not (or no longer) known are kept, but the node is not offered", () => {
  const c = new SchedulerCache();
  c.setPod(podInfo(makePod("early", { nodeName: "late" })), "late");
  assert.equal(c.node("late"), undefined);
  assert.equal(c.nodeList().length, 0);
  c.setNode(makeNode("late"));
  assert.equal(c.node("late")!.podCount, 1);
  c.removeNode("late");
  assert.equal(c.nodeList().length, 0);
  assert.equal(c.nodeOf("default/early"), "late");
});

test("image sizes per node and the number of nodes holding each image", () => {
  const c = new SchedulerCache();
  c.setNode(makeNode("n1", { images: [{ names: ["nginx", "nginx@sha256:abc"], sizeBytes: 100 }] }));
  c.setNode(makeNode("n2", { images: [{ names: ["docker.io/library/nginx:1.25"], sizeBytes: 200 }, { names: ["nginx:latest"], sizeBytes: 100 }] }));
  assert.equal(c.imageNodeCount("nginx:latest"), 2);
  assert.equal(c.node("n1")!.images.get("nginx@sha256:abc"), 100);
  c.setNode(makeNode("n2"));
  assert.equal(c.imageNodeCount("nginx:latest"), 1);
  assert.equal(c.imageNodeCount("docker.io/library/nginx:1.25"), 0);
  assert.equal(normalizedImageName("registry:5000/app"), "registry:5000/app:latest");
});

test("pods are grouped by labels and by affinity term, with counts per node", () => {
  const c = new SchedulerCache();
  c.setNode(makeNode("n1"));
  c.setNode(makeNode("n2"));
  const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "web" } } }] } };
  c.setPod(podInfo(makePod("a", { labels: { app: "web", tier: "1" }, spec: { affinity: anti } })), "n1");
  c.setPod(podInfo(makePod("b", { labels: { tier: "1", app: "web" }, spec: { affinity: anti } })), "n2");
  c.setPod(podInfo(makePod("c", { labels: { app: "web", tier: "1" }, spec: { affinity: anti } })), "n2");
  c.setPod(podInfo(makePod("d", { labels: { app: "db" } })), "n1");
  c.setPod(podInfo(makePod("e", { namespace: "other", labels: { app: "web", tier: "1" } })), "n1");
  const web = [...c.groups.labelGroups("default")].find((g) => g.labels.app === "web")!;
  assert.deepEqual([...web.nodes].map(([n, k]) => [n.name, k]), [["n1", 1], ["n2", 2]]);
  assert.equal([...c.groups.labelGroups("default")].length, 2);
  assert.equal([...c.groups.allLabelGroups()].length, 3);
  const terms = [...c.groups.termGroups("requiredAntiAffinity")];
  assert.equal(terms.length, 1);
  assert.deepEqual([...terms[0]!.nodes].map(([n, k]) => [n.name, k]), [["n1", 1], ["n2", 2]]);
  for (const k of ["a", "b", "c"]) c.removePod(`default/${k}`);
  assert.equal(c.groups.hasTerms("requiredAntiAffinity"), false);
  assert.equal([...c.groups.labelGroups("default")].length, 1);
});
