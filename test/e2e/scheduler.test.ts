// End-to-end: the scheduler's decisions as a user sees them through kubectl, on `berth sim` nodes: node selectors
// and affinity, taints, cordon, an unschedulable pod's event, anti-affinity, zone spreading and preemption.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { TestCluster, until } from "./harness.ts";
import type { SimProcess } from "./harness.ts";

let c: TestCluster;
const sims: SimProcess[] = [];
const NODES = ["sim-0", "sim-1", "sim-2", "sim-3"];

before(async () => {
  c = await TestCluster.start();
  // Small nodes, so a few pods fill one and preemption has something to decide.
  sims.push(await c.sim(4, ["--cpu", "2", "--memory", "8Gi"]));
  await until(async () => (await c.kubectl(["wait", "--for=condition=Ready", ...NODES.map((n) => `node/${n}`), "--timeout=20s"])).code === 0, 30_000, "nodes Ready");
  await c.ok(["label", "node", "sim-0", "sim-1", "topology.kubernetes.io/zone=a"]);
  await c.ok(["label", "node", "sim-2", "sim-3", "topology.kubernetes.io/zone=b"]);
  await c.ok(["label", "node", "sim-3", "disk=ssd"]);
});
after(async () => {
  for (const s of sims) await s.stop();
  await c?.destroy();
});

interface PodView { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase: string } }
const pods = async (selector: string): Promise<PodView[]> =>
  (JSON.parse(await c.ok(["get", "pods", "-l", selector, "-o", "json"])).items as PodView[]).filter((p) => !p.metadata.deletionTimestamp);
const nodeOf = async (name: string): Promise<string | undefined> => JSON.parse(await c.ok(["get", "pod", name, "-o", "json"])).spec.nodeName || undefined;
const boundNode = async (name: string): Promise<string> => {
  let node: string | undefined;
  await until(async () => !!(node = await nodeOf(name)), 20_000, `pod ${name} bound`);
  return node!;
};

const pod = (name: string, spec: string, labels = `app: ${name}`) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${labels}}
spec:
${spec}`;
const container = (cpu = "100m") => `  containers: [{name: c, image: busybox, resources: {requests: {cpu: "${cpu}"}}}]\n`;

test("nodeSelector and required node affinity pick the matching node", async () => {
  await c.ok(["apply", "-f", "-"], pod("selected", `  nodeSelector: {disk: ssd}\n${container()}`));
  assert.equal(await boundNode("selected"), "sim-3");
  await c.ok(["apply", "-f", "-"], pod("affine", `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [sim-1]}]}]
${container()}`));
  assert.equal(await boundNode("affine"), "sim-1");
});

test("a NoSchedule taint keeps pods off unless tolerated; cordon and uncordon", async () => {
  await c.ok(["taint", "node", "sim-0", "dedicated=gpu:NoSchedule"]);
  await c.ok(["cordon", "sim-1"]);
  try {
    await c.ok(["create", "deployment", "spread-out", "--image=busybox", "--replicas=6"]);
    await until(async () => (await pods("app=spread-out")).filter((p) => p.spec.nodeName).length === 6, 20_000, "6 pods bound");
    const used = new Set((await pods("app=spread-out")).map((p) => p.spec.nodeName));
    assert.ok(!used.has("sim-0"), "tainted node not used");
    assert.ok(!used.has("sim-1"), "cordoned node not used");
    await c.ok(["apply", "-f", "-"], pod("tolerant", `  nodeSelector: {kubernetes.io/hostname: sim-0}
  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]
${container()}`));
    assert.equal(await boundNode("tolerant"), "sim-0");
  } finally {
    await c.ok(["uncordon", "sim-1"]);
    await c.ok(["taint", "node", "sim-0", "dedicated=gpu:NoSchedule-"]);
    await c.ok(["delete", "deployment", "spread-out"]);
  }
  const printed = await c.ok(["get", "node", "sim-1"]);
  assert.doesNotMatch(printed, /SchedulingDisabled/);
});

test("a pod bigger than every node stays Pending with a FailedScheduling event", async () => {
  await c.ok(["apply", "-f", "-"], pod("huge", container("64")));
  await until(async () => {
    const events = await c.ok(["get", "events", "--field-selector", "involvedObject.name=huge,reason=FailedScheduling", "-o", "jsonpath={.items[*].message}"]);
    return /0\/4 nodes are available: 4 Insufficient cpu\./.test(events);
  }, 20_000, "FailedScheduling event");
  const p = JSON.parse(await c.ok(["get", "pod", "huge", "-o", "json"]));
  assert.equal(p.status.phase, "Pending");
  const cond = p.status.conditions.find((x: { type: string }) => x.type === "PodScheduled");
  assert.equal(cond.status, "False");
  assert.equal(cond.reason, "Unschedulable");
  await c.ok(["delete", "pod", "huge"]);
});

test("required pod anti-affinity on the hostname puts one replica per node", async () => {
  await c.ok(["apply", "-f", "-"], `apiVersion: apps/v1
kind: Deployment
metadata: {name: apart}
spec:
  replicas: 4
  selector: {matchLabels: {app: apart}}
  template:
    metadata: {labels: {app: apart}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: apart}}
            topologyKey: kubernetes.io/hostname
      containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]
`);
  await until(async () => (await pods("app=apart")).filter((p) => p.spec.nodeName).length === 4, 20_000, "4 bound");
  assert.equal(new Set((await pods("app=apart")).map((p) => p.spec.nodeName)).size, 4);
  await c.ok(["delete", "deployment", "apart"]);
});

test("topologySpreadConstraints over zones spread evenly", async () => {
  await c.ok(["apply", "-f", "-"], `apiVersion: apps/v1
kind: Deployment
metadata: {name: zonal}
spec:
  replicas: 6
  selector: {matchLabels: {app: zonal}}
  template:
    metadata: {labels: {app: zonal}}
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector: {matchLabels: {app: zonal}}
      containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]
`);
  await until(async () => (await pods("app=zonal")).filter((p) => p.spec.nodeName).length === 6, 20_000, "6 bound");
  const zoneOf = (n: string | undefined) => (n === "sim-0" || n === "sim-1" ? "a" : "b");
  const perZone = { a: 0, b: 0 };
  for (const p of await pods("app=zonal")) perZone[zoneOf(p.spec.nodeName)]++;
  assert.deepEqual(perZone, { a: 3, b: 3 });
  await c.ok(["delete", "deployment", "zonal"]);
});

test("a high-priority pod preempts a low-priority one on a full node", async () => {
  await c.ok(["apply", "-f", "-"], `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 10
`);
  // Fill sim-2 (2 CPUs) with a low-priority pod, then ask for the same node with a high-priority one.
  await c.ok(["apply", "-f", "-"], pod("low", `  priorityClassName: low
  nodeSelector: {kubernetes.io/hostname: sim-2}
${container("1800m")}`, "tier: low"));
  assert.equal(await boundNode("low"), "sim-2");
  await c.ok(["apply", "-f", "-"], pod("high", `  priorityClassName: high
  nodeSelector: {kubernetes.io/hostname: sim-2}
${container("1500m")}`, "tier: high"));
  assert.equal(await boundNode("high"), "sim-2");
  const low = await c.kubectl(["get", "pod", "low", "-o", "json"]);
  assert.ok(low.code !== 0 || JSON.parse(low.stdout).metadata.deletionTimestamp, "the low-priority pod was preempted");
  const events = await c.ok(["get", "events", "--field-selector", "involvedObject.name=low", "-o", "jsonpath={.items[*].reason}"]);
  assert.match(events, /Preempted/);
});
