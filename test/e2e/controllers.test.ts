// End-to-end: the control loops as a user sees them through kubectl, on `berth server --disable-agent` with
// `berth sim` nodes: Deployments roll out, roll back, pause, scale and heal; deletion cascades; namespaces empty
// and go; Services get Endpoints and EndpointSlices; nodes whose simulator stops turn NotReady and unreachable.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { TestCluster, until } from "./harness.ts";
import type { SimProcess } from "./harness.ts";

let c: TestCluster;
let sim: SimProcess;
before(async () => {
  c = await TestCluster.start(["--node-monitor-grace-period", "6s"]);
  sim = await c.sim(3);
  await until(async () => (await c.kubectl(["wait", "--for=condition=Ready", "node/sim-0", "node/sim-1", "node/sim-2", "--timeout=20s"])).code === 0, 30_000, "sim nodes Ready");
});
after(async () => {
  await sim?.stop();
  await c?.destroy();
});

const jsonOf = async (args: string[]) => JSON.parse(await c.ok([...args, "-o", "json"]));
const rollout = (name: string, ns = "default") => c.ok(["rollout", "status", `deployment/${name}`, "-n", ns, "--timeout=60s"]);
const podsOf = async (selector: string, ns = "default") =>
  ((await jsonOf(["get", "pods", "-n", ns, "-l", selector])).items as { metadata: { name: string; deletionTimestamp?: string }; status: { phase: string; podIP?: string } }[])
    .filter((p) => !p.metadata.deletionTimestamp);

test("a Deployment rolls out, updates to a second ReplicaSet, shows history and rolls back", async () => {
  await c.ok(["create", "deployment", "web", "--image=busybox", "--replicas=5"]);
  const status = await rollout("web");
  assert.match(status, /successfully rolled out/);
  const running = await podsOf("app=web");
  assert.equal(running.length, 5);
  assert.ok(running.every((p) => p.status.phase === "Running" && p.status.podIP), "pods run with IPs on sim nodes");

  await c.ok(["set", "image", "deployment/web", "busybox=busybox:1.36"]);
  await rollout("web");
  const rsList = (await jsonOf(["get", "rs", "-l", "app=web"])).items as { metadata: { annotations: Record<string, string> }; spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }[];
  assert.equal(rsList.length, 2);
  const byRevision = Object.fromEntries(rsList.map((rs) => [rs.metadata.annotations["deployment.kubernetes.io/revision"], rs]));
  assert.equal(byRevision["1"]!.spec.replicas, 0);
  assert.equal(byRevision["2"]!.spec.replicas, 5);
  assert.equal(byRevision["2"]!.spec.template.spec.containers[0]!.image, "busybox:1.36");

  const history = await c.ok(["rollout", "history", "deployment/web"]);
  assert.match(history, /^1\s/m);
  assert.match(history, /^2\s/m);
  await c.ok(["rollout", "undo", "deployment/web"]);
  await rollout("web");
  const dep = await jsonOf(["get", "deployment", "web"]);
  assert.equal(dep.spec.template.spec.containers[0].image, "busybox");
  assert.equal(dep.metadata.annotations["deployment.kubernetes.io/revision"], "3");
  assert.equal((await jsonOf(["get", "rs", "-l", "app=web"])).items.length, 2, "undo reuses the first ReplicaSet");
});

test("scale, replacement of a deleted pod, pause and resume", async () => {
  await c.ok(["create", "deployment", "scaled", "--image=busybox", "--replicas=2"]);
  await rollout("scaled");
  await c.ok(["scale", "deployment/scaled", "--replicas=4"]);
  await rollout("scaled");
  assert.equal((await podsOf("app=scaled")).length, 4);

  const victim = (await podsOf("app=scaled"))[0]!.metadata.name;
  await c.ok(["delete", "pod", victim, "--wait=true"]);
  await until(async () => {
    const pods = await podsOf("app=scaled");
    return pods.length === 4 && !pods.some((p) => p.metadata.name === victim) && pods.every((p) => p.status.phase === "Running");
  }, 30_000, "replacement pod");

  await c.ok(["rollout", "pause", "deployment/scaled"]);
  await c.ok(["set", "image", "deployment/scaled", "busybox=busybox:paused"]);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await jsonOf(["get", "rs", "-l", "app=scaled"])).items.length, 1, "a paused Deployment does not roll out");
  await c.ok(["rollout", "resume", "deployment/scaled"]);
  await rollout("scaled");
  assert.equal((await jsonOf(["get", "rs", "-l", "app=scaled"])).items.length, 2);
});

test("Recreate strategy replaces all pods", async () => {
  await c.ok(["apply", "-f", "-"], `apiVersion: apps/v1
kind: Deployment
metadata: {name: recreate}
spec:
  replicas: 3
  strategy: {type: Recreate}
  selector: {matchLabels: {app: recreate}}
  template:
    metadata: {labels: {app: recreate}}
    spec: {containers: [{name: c, image: busybox}]}
`);
  await rollout("recreate");
  const before = new Set((await podsOf("app=recreate")).map((p) => p.metadata.name));
  await c.ok(["set", "image", "deployment/recreate", "c=busybox:2"]);
  await rollout("recreate");
  const afterPods = await podsOf("app=recreate");
  assert.equal(afterPods.length, 3);
  assert.ok(afterPods.every((p) => !before.has(p.metadata.name)));
});

test("deleting a Deployment cascades; --cascade=orphan leaves the ReplicaSet without owner", async () => {
  await c.ok(["create", "deployment", "gone", "--image=busybox", "--replicas=2"]);
  await rollout("gone");
  await c.ok(["delete", "deployment", "gone"]);
  await until(async () => (await jsonOf(["get", "rs,pods", "-l", "app=gone"])).items.length === 0, 30_000, "dependents deleted");

  await c.ok(["create", "deployment", "orphans", "--image=busybox", "--replicas=2"]);
  await rollout("orphans");
  await c.ok(["delete", "deployment", "orphans", "--cascade=orphan"]);
  await until(async () => {
    const rs = (await jsonOf(["get", "rs", "-l", "app=orphans"])).items as { metadata: { ownerReferences?: unknown[] } }[];
    return rs.length === 1 && !rs[0]!.metadata.ownerReferences?.length;
  }, 30_000, "orphaned ReplicaSet");
  assert.equal((await podsOf("app=orphans")).length, 2, "the orphaned ReplicaSet keeps its pods");
});

test("a Service's Endpoints and EndpointSlices list its pods' IPs", async () => {
  await c.ok(["create", "deployment", "api", "--image=busybox", "--replicas=3", "--port=8080"]);
  await c.ok(["expose", "deployment", "api", "--port=80", "--target-port=8080"]);
  await rollout("api");
  const ips = (await podsOf("app=api")).map((p) => p.status.podIP!).sort();
  await until(async () => {
    const ep = await jsonOf(["get", "endpoints", "api"]);
    const addrs = (ep.subsets?.[0]?.addresses ?? []).map((a: { ip: string }) => a.ip).sort();
    return JSON.stringify(addrs) === JSON.stringify(ips) && ep.subsets[0].ports[0].port === 8080;
  }, 20_000, "Endpoints");
  // The two controllers work independently: the slices may trail the Endpoints by a moment.
  await until(async () => {
    const slices = (await jsonOf(["get", "endpointslices", "-l", "kubernetes.io/service-name=api"])).items as { endpoints?: { addresses: string[]; conditions: { ready: boolean } }[] }[];
    const sliceIps = slices.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions.ready).flatMap((e) => e.addresses)).sort();
    return JSON.stringify(sliceIps) === JSON.stringify(ips);
  }, 20_000, "EndpointSlices");
});

test("kubectl delete namespace empties and removes it", async () => {
  await c.ok(["create", "namespace", "scratch"]);
  await until(async () => (await c.kubectl(["get", "serviceaccount", "default", "-n", "scratch"])).code === 0, 10_000, "default ServiceAccount");
  assert.equal((await c.kubectl(["get", "configmap", "kube-root-ca.crt", "-n", "scratch"])).code, 0);
  await c.ok(["create", "deployment", "inner", "--image=busybox", "--replicas=2", "-n", "scratch"]);
  await c.ok(["create", "configmap", "cfg", "--from-literal=a=b", "-n", "scratch"]);
  await rollout("inner", "scratch");
  await c.ok(["delete", "namespace", "scratch", "--timeout=60s"]);
  const r = await c.kubectl(["get", "namespace", "scratch"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /NotFound/);
});

test("stopping the simulator turns its nodes NotReady with the unreachable taint", async () => {
  await sim.stop();
  await until(async () => {
    const node = await jsonOf(["get", "node", "sim-0"]);
    const ready = node.status.conditions.find((x: { type: string }) => x.type === "Ready");
    const taints = (node.spec.taints ?? []).map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`);
    // Every node is silent, so as upstream (full disruption) only the NoSchedule taint is kept: nothing is evicted.
    return ready.status === "Unknown" && taints.includes("node.kubernetes.io/unreachable:NoSchedule");
  }, 60_000, "node unreachable");
  const printed = await c.ok(["get", "nodes"]);
  assert.match(printed, /sim-0\s+NotReady/);
});
