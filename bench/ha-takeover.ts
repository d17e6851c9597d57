// HA takeover (issue #3's figure): two `berth server` on one etcd; server A leads the controllers. A is stopped
// (SIGTERM: it releases its Leases) or killed (SIGKILL: its Lease must expire, 15 s), and the benchmark measures
// the time until B holds the kube-controller-manager Lease and until a Deployment created through B right after
// A's death has its ReplicaSet.
//   node_modules/.bin/node bench/ha-takeover.ts
import { TestCluster } from "../test/e2e/harness.ts";
import { TestEtcd } from "../test/support/etcd.ts";

const holder = async (c: TestCluster) =>
  (await c.kubectl(["get", "lease", "-n", "kube-system", "kube-controller-manager", "-o", "jsonpath={.spec.holderIdentity}"])).stdout.trim();

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

async function trial(signal: NodeJS.Signals): Promise<void> {
  const etcd = await TestEtcd.start();
  const args = ["--token", "bench", "--datastore-endpoint", etcd.endpoint];
  const a = await TestCluster.start(args);
  await waitFor(async () => (await holder(a)) !== "");
  const b = await TestCluster.start(args);
  try {
    const before = await holder(a);
    const t0 = performance.now();
    await a.stop(signal);
    const name = `after-${signal.toLowerCase()}`;
    await b.ok(["create", "deployment", name, "--image=busybox", "--replicas=1"]);
    await waitFor(async () => {
      const now = await holder(b);
      return now !== "" && now !== before;
    });
    const leaseMs = performance.now() - t0;
    await waitFor(async () => (await b.kubectl(["get", "replicasets", "-l", `app=${name}`, "-o", "name"])).stdout.trim() !== "");
    const actedMs = performance.now() - t0;
    console.log(`${signal.padEnd(7)} A's death → B holds the controller Lease ${(leaseMs / 1000).toFixed(1)} s; → B's controllers made the ReplicaSet ${(actedMs / 1000).toFixed(1)} s`);
  } finally {
    await a.destroy();
    await b.destroy();
    await etcd.stop();
  }
}

await trial("SIGTERM");
await trial("SIGKILL");
