// Scheduler throughput (issue #5's figures): N Ready nodes and P pods created through the API, timed until every
// pod is bound. By default the API server and the scheduler run in this process (as in `berth server`); with
// --kubeconfig (or $KUBECONFIG) the benchmark only drives a running cluster over HTTPS and its own scheduler binds
// (nodes get a per-run name prefix and are deleted afterwards). Workloads:
//   basic         pods request 100m CPU
//   spread        plus a DoNotSchedule zone topology spread constraint (maxSkew 1)
//   antiaffinity  plus required pod anti-affinity on kubernetes.io/hostname within groups of pods
//   node_modules/.bin/node bench/scheduler-throughput.ts [--nodes 1000,5000] [--pods 3000] [--workloads basic,spread,antiaffinity]
// --minimal runs a profile with only PrioritySort and DefaultBinder: the cost of the API path without decisions.
// Prints pods/s from the first create to the last binding seen by a watch, the process's CPU time per pod (API
// server, scheduler and benchmark client together; steadier than wall time on a shared machine), per-pod latency
// percentiles (create answered -> binding seen), and a check that the placement honours the workload's constraints.
import { parseArgs } from "node:util";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { Client } from "../src/client/rest-client.ts";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { InformerFactory } from "../src/client/informer-factory.ts";
import { Informer } from "../src/client/informer.ts";
import { ApiEventRecorder } from "../src/client/events.ts";
import { R } from "../src/client/resources.ts";
import { schedulerWith } from "../src/scheduler/index.ts";
import { startTestApi } from "../test/support/api-server.ts";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "1000,5000" },
    pods: { type: "string", default: "3000" },
    workloads: { type: "string", default: "basic,spread,antiaffinity" },
    zones: { type: "string", default: "5" },
    groups: { type: "string", default: "10" },
    concurrency: { type: "string", default: "64" },
    kubeconfig: { type: "string", default: process.env.KUBECONFIG },
    minimal: { type: "boolean", default: false },
  },
});
const ZONES = Number(values.zones);
const GROUPS = Number(values.groups);
const CONCURRENCY = Number(values.concurrency);

type Workload = "basic" | "spread" | "antiaffinity";

const MINIMAL = { profiles: [{ plugins: { multiPoint: { disabled: [{ name: "*" }], enabled: [{ name: "PrioritySort" }, { name: "DefaultBinder" }] } } }] };

const zoneOf = (i: number): string => `zone-${i % ZONES}`;

function node(prefix: string, i: number): Node {
  const name = `${prefix}node-${i}`;
  const allocatable = { cpu: "32", memory: "256Gi", pods: "110" };
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": name, "topology.kubernetes.io/zone": zoneOf(i) } },
    status: { capacity: allocatable, allocatable, conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }] },
  };
}

function pod(i: number, w: Workload, ns: string): Pod {
  const labels: Record<string, string> = { app: "bench", group: `g${i % GROUPS}` };
  const p: Pod = {
    metadata: { name: `pod-${i}`, namespace: ns, labels },
    spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu: "100m" } } }] },
  };
  if (w === "spread") {
    p.spec!.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "bench" } } }];
  } else if (w === "antiaffinity") {
    p.spec!.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { group: labels.group! } } }] } };
  }
  return p;
}

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, async () => {
    while (next < n) await fn(next++);
  }));
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** Checks the placement against the workload: max zone skew for spread, no two group members per node for anti-affinity. */
function verify(w: Workload, pods: Pod[], nodes: number): string {
  if (w === "spread") {
    const perZone = new Map<string, number>();
    for (const p of pods) {
      const z = zoneOf(Number(p.spec!.nodeName!.split("node-").at(-1)));
      perZone.set(z, (perZone.get(z) ?? 0) + 1);
    }
    const counts = [...perZone.values()];
    return `zone skew ${Math.max(...counts) - Math.min(...counts)} (max allowed 1)`;
  }
  if (w === "antiaffinity") {
    const seen = new Set<string>();
    let clashes = 0;
    for (const p of pods) {
      const k = `${p.metadata!.labels!.group}/${p.spec!.nodeName}`;
      if (seen.has(k)) clashes++;
      seen.add(k);
    }
    return `${clashes} anti-affinity violations`;
  }
  return `${new Set(pods.map((p) => p.spec!.nodeName)).size} of ${nodes} nodes used`;
}

async function run(w: Workload, nodes: number, podCount: number): Promise<void> {
  const api = values.kubeconfig ? undefined : await startTestApi();
  const client = api ? api.client : new Client(new HttpsTransport(await loadKubeconfig(values.kubeconfig!)), "berth-bench");
  const run = Date.now().toString(36);
  const ns = `bench-${w}-${run}`;
  const prefix = api ? "" : `bench-${run}-`;
  await client.resource(R.namespaces).create({ metadata: { name: ns } });
  const t0 = performance.now();
  await pool(nodes, CONCURRENCY, async (i) => {
    const n = node(prefix, i);
    await client.resource(R.nodes).create({ metadata: n.metadata });
    await client.resource(R.nodes).patch(undefined, n.metadata!.name!, { status: n.status }, "merge", { subresource: "status" });
  });
  const nodesMs = performance.now() - t0;

  const abort = new AbortController();
  let started: Promise<void> | undefined;
  if (api) {
    const informers = new InformerFactory(client);
    started = schedulerWith(values.minimal ? { config: MINIMAL } : {}).start({ client, informers, recorder: (component) => new ApiEventRecorder(client, { component }), signal: abort.signal });
    informers.start(abort.signal);
    await informers.waitForSync();
  }

  // The benchmark's own watch sees each binding as any client would.
  const created = new Map<string, number>();
  const latencies: number[] = [];
  let lastBound = 0;
  let allBound!: () => void;
  const done = new Promise<void>((r) => (allBound = r));
  const watch = new Informer(client.resource(R.pods), { namespace: ns });
  watch.addHandlers({
    onUpdate(old, p) {
      if (old.spec?.nodeName || !p.spec?.nodeName) return;
      const t = performance.now();
      latencies.push(t - created.get(p.metadata!.name!)!);
      lastBound = t;
      if (latencies.length === podCount) allBound();
    },
  });
  watch.run(abort.signal);
  await watch.waitForSync();

  const start = performance.now();
  const cpu0 = process.cpuUsage();
  await pool(podCount, CONCURRENCY, async (i) => {
    const p = pod(i, w, ns);
    await client.resource(R.pods).create(p);
    created.set(p.metadata!.name!, performance.now());
  });
  const timeout = setTimeout(() => allBound(), 120_000);
  await done;
  clearTimeout(timeout);
  const seconds = (lastBound - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerPod = (cpu.user + cpu.system) / 1000 / podCount;
  const placed = watch.store.list().filter((p) => p.spec?.nodeName);
  console.log(
    `${w.padEnd(12)} nodes=${String(nodes).padEnd(5)} pods=${podCount}: ${(latencies.length / seconds).toFixed(0).padStart(5)} pods/s ` +
    `(${latencies.length} bound in ${seconds.toFixed(2)} s, ${cpuMsPerPod.toFixed(2)} ms ${api ? "" : "client "}CPU per pod), latency p50 ${pct(latencies, 50).toFixed(0)} ms p99 ${pct(latencies, 99).toFixed(0)} ms; ` +
    `${verify(w, placed, nodes)}; nodes created in ${(nodesMs / 1000).toFixed(1)} s`,
  );
  abort.abort();
  await started;
  if (api) return api.close();
  await client.resource(R.namespaces).delete(undefined, ns);
  await pool(nodes, CONCURRENCY, (i) => client.resource(R.nodes).delete(undefined, `${prefix}node-${i}`));
  client.transport.close();
}

for (const w of values.workloads!.split(",") as Workload[]) {
  for (const n of values.nodes!.split(",").map(Number)) await run(w, n, Number(values.pods));
}
