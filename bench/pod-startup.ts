// Node agent benchmark (issue #6's figures): real busybox pods on the server's own node agent and containerd.
//   node_modules/.bin/node bench/pod-startup.ts [--rounds 1,20,100] [--idle-pods 50]
// Prints create-to-Ready latency (p50/p99/max) for each round of concurrent pods, the time until the node is Ready
// again after a restart on the existing data dir, and the RSS of Berth's process (containerd and its shims apart)
// idle and with --idle-pods pods running.
import { parseArgs } from "node:util";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { TestCluster } from "../test/e2e/harness.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { Client } from "../src/client/rest-client.ts";
import { R } from "../src/client/resources.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "1,20,100" }, "idle-pods": { type: "string", default: "50" } } });
const ROUNDS = values.rounds.split(",").map(Number);
const IDLE_PODS = Number(values["idle-pods"]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** CPU seconds (user + system) a process has used, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

function podSpec(name: string): Pod {
  return {
    metadata: { name, namespace: "default", labels: { bench: "startup" } },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: "c", image: "busybox", imagePullPolicy: "IfNotPresent", command: ["sleep", "3600"] }] },
  };
}

/** Creates `n` pods at once and resolves with each one's create-to-Ready time (ms), seen through a watch. */
async function startPods(client: Client, prefix: string, n: number): Promise<number[]> {
  const pods = client.resource(R.pods);
  const created = new Map<string, number>();
  const latencies: number[] = [];
  const abort = new AbortController();
  const rv = (await pods.list({ namespace: "default", labelSelector: "bench=startup" })).metadata?.resourceVersion;
  const done = (async () => {
    for await (const ev of pods.watch({ namespace: "default", labelSelector: "bench=startup", resourceVersion: rv, signal: abort.signal })) {
      const p = ev.object as Pod;
      const t0 = created.get(p.metadata?.name ?? "");
      if (t0 !== undefined && isReady(p)) {
        latencies.push(performance.now() - t0);
        created.delete(p.metadata!.name!);
        if (latencies.length === n) return;
      }
    }
  })().catch((err) => { if (!abort.signal.aborted) throw err; });
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const name = `${prefix}-${i}`;
    created.set(name, performance.now());
    await pods.create(podSpec(name));
  }));
  const deadline = setTimeout(() => abort.abort(), 120_000);
  await done;
  clearTimeout(deadline);
  abort.abort();
  if (latencies.length < n) throw new Error(`only ${latencies.length} of ${n} pods became Ready within 120 s`);
  return latencies.sort((a, b) => a - b);
}

async function deleteAll(client: Client): Promise<void> {
  const pods = client.resource(R.pods);
  await pods.deleteCollection("default", { labelSelector: "bench=startup" });
  for (;;) {
    if ((await pods.list({ namespace: "default", labelSelector: "bench=startup" })).items.length === 0) return;
    await sleep(200);
  }
}

const cluster = await TestCluster.start([], { agent: true });
try {
  const transport = new HttpsTransport(await loadKubeconfig(cluster.kubeconfig));
  const client = new Client(transport, "bench");
  await cluster.ok(["wait", "--for=condition=Ready", "node", "--all", "--timeout=60s"]);
  await sleep(2000);
  console.log(`Berth RSS idle (no pods, first start): ${(await rssMb(cluster.pid!)).toFixed(0)} MB`);
  const containerdPid = Number(await readFile(join(cluster.dataDir, "agent/containerd/containerd.pid"), "utf8"));
  for (const n of ROUNDS) {
    const cpu0 = [await cpuSeconds(cluster.pid!), await cpuSeconds(containerdPid)];
    const l = await startPods(client, `r${n}`, n);
    const cpu = [(await cpuSeconds(cluster.pid!)) - cpu0[0]!, (await cpuSeconds(containerdPid)) - cpu0[1]!];
    console.log(`${n} concurrent pods: create -> Ready p50 ${quantile(l, 0.5).toFixed(0)} ms, p99 ${quantile(l, 0.99).toFixed(0)} ms, max ${l[l.length - 1]!.toFixed(0)} ms; CPU: Berth ${cpu[0]!.toFixed(1)} s, containerd ${cpu[1]!.toFixed(1)} s (shims and runc apart)`);
    await deleteAll(client);
  }
  await startPods(client, "idle", IDLE_PODS);
  await sleep(15_000);
  console.log(`RSS with ${IDLE_PODS} pods running: Berth ${(await rssMb(cluster.pid!)).toFixed(0)} MB; containerd ${(await rssMb(containerdPid)).toFixed(0)} MB (shims apart)`);
  await deleteAll(client);
  transport.close();

  // Node Ready after a restart on the existing data dir: the first heartbeat newer than the restart.
  await cluster.stop("SIGTERM");
  const restartedAt = Date.now();
  await cluster.launch();
  const restarted = new Client(new HttpsTransport(await loadKubeconfig(cluster.kubeconfig)), "bench");
  for (;;) {
    const node = (await restarted.resource(R.nodes).list()).items[0];
    const ready = node?.status?.conditions?.find((c) => c.type === "Ready");
    if (ready?.status === "True" && Date.parse(ready.lastHeartbeatTime!) >= Math.floor(restartedAt / 1000) * 1000) break;
    await sleep(50);
  }
  console.log(`node Ready again ${((Date.now() - restartedAt) / 1000).toFixed(2)} s after a restart on the existing data dir`);
} finally {
  await cluster.destroy();
}
