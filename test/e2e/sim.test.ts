// End-to-end: `berth sim --nodes 3` joins a real `berth server` through its kubeconfig; the real kubectl sees the
// nodes Ready, their Leases renewed, a bound pod Running and Ready, a deletion finish promptly, and user labels and
// taints survive a simulator restart. Whether nodes turn NotReady after the simulator stops is the node lifecycle
// controller's business, not asserted here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { BERTH, TestCluster } from "./harness.ts";

class Sim {
  readonly proc: ChildProcess;
  logs = "";
  constructor(kubeconfig: string) {
    this.proc = spawn(BERTH, ["sim", "--nodes", "3", "--labels", "zone=e2e"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, KUBECONFIG: kubeconfig, BERTH_LOG_LEVEL: "info" },
    });
    this.proc.stdout!.on("data", (d) => { this.logs += d; });
    this.proc.stderr!.on("data", (d) => { this.logs += d; });
  }

  /** SIGTERM; answers the exit code. */
  stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.proc.exitCode !== null) return Promise.resolve(this.proc.exitCode);
    const exited = new Promise<number | null>((r) => this.proc.once("exit", (code) => r(code)));
    this.proc.kill(signal);
    return exited;
  }
}

let c: TestCluster;
let sim: Sim;
before(async () => {
  c = await TestCluster.start();
  sim = new Sim(c.kubeconfig);
});
after(async () => {
  await sim?.stop("SIGKILL");
  await c?.destroy();
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nsim logs:\n${sim.logs}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const simNodes = async (): Promise<Node[]> =>
  (JSON.parse(await c.ok(["get", "nodes", "-l", "type=berth-sim", "-o", "json"])).items as Node[]);
const ready = (n: Node) => n.status?.conditions?.find((x) => x.type === "Ready")?.status === "True";
const lease = async (name: string): Promise<Lease> => JSON.parse(await c.ok(["get", "lease", name, "-n", "kube-node-lease", "-o", "json"]));

let firstRenewal = "";

test("the simulated nodes register Ready, with a Lease each", async () => {
  await eventually("3 Ready nodes", async () => ((await simNodes()).filter(ready).length === 3 ? true : undefined));
  const table = await c.ok(["get", "nodes", "-o", "wide"]);
  for (const [i, ip] of ["198.18.0.1", "198.18.0.2", "198.18.0.3"].entries()) {
    assert.match(table, new RegExp(`^sim-${i}\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.32\\.0-berth-sim\\s+${ip.replaceAll(".", "\\.")}\\s`, "m"));
  }
  const node = (await simNodes()).find((n) => n.metadata!.name === "sim-1")!;
  assert.equal(node.metadata!.labels!["kubernetes.io/hostname"], "sim-1");
  assert.equal(node.metadata!.labels!.zone, "e2e");
  assert.equal(node.metadata!.annotations!["berth.dev/simulated"], "true");
  assert.deepEqual(node.status!.capacity, { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "100Gi" });
  const l = await lease("sim-1");
  assert.equal(l.spec!.holderIdentity, "sim-1");
  assert.equal(l.spec!.leaseDurationSeconds, 40);
  assert.deepEqual(l.metadata!.ownerReferences!.map((r) => [r.kind, r.name, r.uid]), [["Node", "sim-1", node.metadata!.uid]]);
  firstRenewal = l.spec!.renewTime!;
});

test("a pod bound to sim-1 runs and becomes Ready with an address from sim-1's range", async () => {
  const manifest = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default" }, spec: { nodeName: "sim-1", containers: [{ name: "nginx", image: "nginx:1.27" }] } };
  await c.ok(["apply", "-f", "-"], JSON.stringify(manifest));
  await c.ok(["wait", "pod/web", "--for=condition=Ready", "--timeout=10s"]);
  const pod: Pod = JSON.parse(await c.ok(["get", "pod", "web", "-o", "json"]));
  assert.equal(pod.status!.phase, "Running");
  assert.match(pod.status!.podIP!, /^10\.64\.1\.\d+$/);
  assert.equal(pod.status!.hostIP, "198.18.0.2");
  assert.equal(pod.status!.containerStatuses![0]!.ready, true);
  assert.match(pod.status!.containerStatuses![0]!.containerID!, /^sim:\/\//);
  assert.match(await c.ok(["get", "pod", "web"]), /^web\s+1\/1\s+Running\s+0\s/m);
});

test("kubectl delete pod completes promptly (well within the 30 s grace period)", async () => {
  const started = Date.now();
  await c.ok(["delete", "pod", "web", "--timeout=10s"]);
  assert.ok(Date.now() - started < 5000, `delete took ${Date.now() - started} ms`);
  const r = await c.kubectl(["get", "pod", "web"]);
  assert.match(r.stderr, /NotFound/);
});

test("the Lease renewTime advances", async () => {
  assert.ok(firstRenewal);
  const renewed = await eventually("a renewal of sim-1's Lease", async () => {
    const t = (await lease("sim-1")).spec!.renewTime!;
    return t > firstRenewal ? t : undefined;
  }, 12_000);
  assert.ok(Date.parse(renewed) - Date.parse(firstRenewal) <= 11_000);
});

test("stopping leaves the nodes; user labels and taints survive a restart", async () => {
  await c.ok(["label", "node", "sim-0", "team=blue", "type=custom", "--overwrite"]);
  await c.ok(["taint", "node", "sim-0", "dedicated=ops:NoSchedule"]);
  const bootBefore = (await simNodes()).find((n) => n.metadata!.name === "sim-2")!.status!.nodeInfo!.bootID;
  assert.equal(await sim.stop(), 0, sim.logs);
  assert.match(await c.ok(["get", "nodes", "-o", "name"]), /^node\/sim-0\nnode\/sim-1\nnode\/sim-2$/m);

  sim = new Sim(c.kubeconfig);
  // A restart is a reboot: every node reports a new boot id once the new simulator has registered it.
  await eventually("sim-2 re-registered", async () => {
    const n = (await simNodes()).find((x) => x.metadata!.name === "sim-2");
    return n && n.status!.nodeInfo!.bootID !== bootBefore ? true : undefined;
  });
  const node: Node = JSON.parse(await c.ok(["get", "node", "sim-0", "-o", "json"]));
  assert.equal(node.metadata!.labels!.team, "blue");
  assert.equal(node.metadata!.labels!.type, "custom");
  assert.equal(node.metadata!.labels!["kubernetes.io/hostname"], "sim-0");
  assert.deepEqual(node.spec!.taints, [{ key: "dedicated", value: "ops", effect: "NoSchedule" }]);
  assert.ok(ready(node));
});
