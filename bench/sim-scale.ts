// Simulator at scale: `berth sim --nodes 5000` against a fresh `berth server` (or the cluster of --kubeconfig).
//   node_modules/.bin/node bench/sim-scale.ts [--nodes 5000] [--seconds 60] [--probe-rate 50] [--kubeconfig PATH]
// Prints the time to register every node, Lease renewals per second as the API server saw them (a watch on
// kube-node-lease, per-second min and max too), the latency of another client's GETs and creates at a modest rate
// meanwhile (a third of the creates are pods bound to simulated nodes, so the pod path is loaded as well), whether
// those pods ran, and the RSS of the simulator (per 1000 nodes) and of the server.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import type { Pod } from "kubernetes-types/core/v1";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { Client } from "../src/client/rest-client.ts";
import { R } from "../src/client/resources.ts";
import { freePort } from "../test/support/free-port.ts";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "5000" },
    seconds: { type: "string", default: "60" },
    "probe-rate": { type: "string", default: "50" },
    kubeconfig: { type: "string" },
  },
});
const NODES = Number(values.nodes);
const SECONDS = Number(values.seconds);
const PROBE_RATE = Number(values["probe-rate"]);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BERTH = join(ROOT, "bin/berth");
const NS = "sim-bench";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** bin/berth execs node, so a child's pid is the measured process. */
async function rssMb(pid: number): Promise<number> {
  return Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
}

async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

function exited(proc: ChildProcess): Promise<number | null> {
  return proc.exitCode !== null ? Promise.resolve(proc.exitCode) : new Promise((r) => proc.once("exit", (code) => r(code)));
}

async function startServer(dataDir: string): Promise<{ proc: ChildProcess; kubeconfig: string }> {
  const proc = spawn(BERTH, ["server", "--data-dir", dataDir, "--https-port", String(await freePort()), "--disable-agent", "--bind-address", "127.0.0.1"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, BERTH_LOG_LEVEL: "warn" },
  });
  const kubeconfig = join(dataDir, "kubeconfig.yaml");
  for (let i = 0; i < 600; i++) {
    try {
      const t = new HttpsTransport(await loadKubeconfig(kubeconfig));
      try {
        if ((await t.request({ method: "GET", path: "/readyz" })).status === 200) return { proc, kubeconfig };
      } finally {
        t.close();
      }
    } catch { /* not up yet */ }
    await sleep(50);
  }
  proc.kill("SIGKILL");
  throw new Error("berth server did not become ready");
}

/** Starts the simulator; resolves with its own count of the time it took to register every node. */
function startSim(kubeconfig: string): { proc: ChildProcess; registered: Promise<number> } {
  const proc = spawn(BERTH, ["sim", "--nodes", String(NODES)], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, KUBECONFIG: kubeconfig, BERTH_LOG_LEVEL: "info" } });
  const registered = new Promise<number>((resolve, reject) => {
    let pending = "";
    proc.stdout!.on("data", (d: Buffer) => {
      pending += d.toString();
      for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.includes("all nodes registered")) resolve(JSON.parse(line).ms);
      }
    });
    proc.once("exit", (code) => reject(new Error(`berth sim exited with ${code}`)));
  });
  return { proc, registered };
}

interface Renewals {
  /** Lease updates per second of the window, as the API server's watch delivered them. */
  delivered: number[];
  /** The same updates by the second of their renewTime: when the simulator sent them. */
  sent: number[];
}

/** Counts Lease updates in kube-node-lease until the signal aborts. */
async function countRenewals(client: Client, signal: AbortSignal): Promise<Renewals> {
  const leases = client.resource(R.leases);
  const { metadata } = await leases.list({ namespace: "kube-node-lease", limit: 1 });
  const delivered: number[] = [];
  const sent: number[] = [];
  const t0 = performance.now();
  const wall0 = Date.now();
  const bump = (xs: number[], s: number) => { if (s >= 0 && s < SECONDS) xs[s] = (xs[s] ?? 0) + 1; };
  try {
    for await (const ev of leases.watch({ namespace: "kube-node-lease", resourceVersion: metadata.resourceVersion, signal })) {
      if (ev.type !== "MODIFIED") continue;
      bump(delivered, Math.floor((performance.now() - t0) / 1000));
      bump(sent, Math.floor((Date.parse(ev.object.spec!.renewTime!) - wall0) / 1000));
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
  const full = (xs: number[]) => Array.from({ length: SECONDS }, (_, i) => xs[i] ?? 0);
  return { delivered: full(delivered), sent: full(sent) };
}

interface ProbeResult { kind: string; ms: number }

/** GETs of nodes, creates of ConfigMaps and of pods bound to simulated nodes, at PROBE_RATE per second. */
async function probe(client: Client, signal: AbortSignal): Promise<{ results: ProbeResult[]; pods: string[] }> {
  const results: ProbeResult[] = [];
  const pods: string[] = [];
  const pending: Promise<void>[] = [];
  const timed = (kind: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    pending.push(fn().then(() => { results.push({ kind, ms: performance.now() - t }); }, (err) => { console.error(`${kind} failed: ${err.message}`); }));
  };
  const t0 = performance.now();
  for (let i = 0; !signal.aborted; i++) {
    const node = `sim-${Math.floor(Math.random() * NODES)}`;
    if (i % 2 === 0) timed("GET node", () => client.resource(R.nodes).get(undefined, node));
    else if (i % 4 === 1) timed("create ConfigMap", () => client.resource(R.configmaps).create({ metadata: { name: `cm-${i}`, namespace: NS }, data: { k: "v".repeat(256) } }));
    else {
      pods.push(`pod-${i}`);
      timed("create Pod", () => client.resource(R.pods).create({ metadata: { name: `pod-${i}`, namespace: NS, labels: { app: "probe" } }, spec: { nodeName: node, containers: [{ name: "app", image: "nginx:1.27" }] } }));
    }
    // Paced by the clock, so slow answers do not lower the offered rate.
    const due = t0 + ((i + 1) * 1000) / PROBE_RATE;
    await sleep(Math.max(0, due - performance.now()));
  }
  await Promise.all(pending);
  return { results, pods };
}

const dataDir = await mkdtemp(join(tmpdir(), "berth-sim-bench-"));
const server = values.kubeconfig ? undefined : await startServer(dataDir);
const kubeconfig = values.kubeconfig ?? server!.kubeconfig;
const transport = new HttpsTransport(await loadKubeconfig(kubeconfig));
const client = new Client(transport, "sim-bench");
let sim: ReturnType<typeof startSim> | undefined;
try {
  await client.resource(R.namespaces).create({ metadata: { name: NS } });
  console.log(`nodes ${NODES}, window ${SECONDS} s, probe ${PROBE_RATE} requests/s; ${server ? "fresh berth server" : kubeconfig}`);
  const started = performance.now();
  sim = startSim(kubeconfig);
  const simMs = await sim.registered;
  const registeredMs = performance.now() - started;
  const nodes = await client.resource(R.nodes).list({ labelSelector: "type=berth-sim" });
  const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
  console.log(`register ${NODES} nodes      ${(registeredMs / 1000).toFixed(1)} s from spawn (${(simMs / 1000).toFixed(1)} s by the simulator's clock); ${ready} Ready`);

  const window = new AbortController();
  const cpu0 = { sim: await cpuSeconds(sim.proc.pid!), server: server ? await cpuSeconds(server.proc.pid!) : 0 };
  // A connection of its own, so the watch does not share flow control with the probe.
  const watchTransport = new HttpsTransport(await loadKubeconfig(kubeconfig));
  const renewals = countRenewals(new Client(watchTransport, "sim-bench-watch"), window.signal);
  const probed = probe(client, window.signal);
  await sleep(SECONDS * 1000);
  window.abort();
  const { delivered, sent } = await renewals;
  watchTransport.close();
  const { results, pods } = await probed;
  const cpu1 = { sim: await cpuSeconds(sim.proc.pid!), server: server ? await cpuSeconds(server.proc.pid!) : 0 };
  const total = delivered.reduce((a, b) => a + b, 0);
  // The first and last seconds are partial.
  const spread = (xs: number[]) => `min ${Math.min(...xs.slice(1, -1))} max ${Math.max(...xs.slice(1, -1))}`;
  console.log(`lease renewals             ${(total / SECONDS).toFixed(0)} /s over ${SECONDS} s (ideal ${(NODES / 10).toFixed(0)}); per second sent ${spread(sent)}, delivered ${spread(delivered)}`);
  for (const kind of [...new Set(results.map((r) => r.kind)), "all"]) {
    const ms = results.filter((r) => kind === "all" || r.kind === kind).map((r) => r.ms);
    console.log(`probe ${kind.padEnd(18)}   n ${String(ms.length).padStart(5)}   p50 ${pct(ms, 50).toFixed(1)} ms   p99 ${pct(ms, 99).toFixed(1)} ms   max ${Math.max(...ms).toFixed(1)} ms`);
  }
  await sleep(2000);
  const running = (await client.resource(R.pods).list({ namespace: NS })).items.filter((p: Pod) => p.status?.phase === "Running" && p.status.podIP).length;
  console.log(`probe pods Running 2 s after the window: ${running} of ${pods.length}`);
  const simRss = await rssMb(sim.proc.pid!);
  console.log(`sim RSS ${simRss.toFixed(0)} MB (${(simRss / (NODES / 1000)).toFixed(1)} MB per 1000 nodes); CPU ${(100 * (cpu1.sim - cpu0.sim) / SECONDS).toFixed(0)}% of a core`);
  if (server) console.log(`server RSS ${(await rssMb(server.proc.pid!)).toFixed(0)} MB; CPU ${(100 * (cpu1.server - cpu0.server) / SECONDS).toFixed(0)}% of a core`);
  const stopping = performance.now();
  sim.proc.kill("SIGTERM");
  console.log(`sim stopped (exit ${await exited(sim.proc)}) in ${(performance.now() - stopping).toFixed(0)} ms`);
} finally {
  if (sim && sim.proc.exitCode === null) sim.proc.kill("SIGKILL");
  transport.close();
  if (server) {
    server.proc.kill("SIGTERM");
    await exited(server.proc);
  }
  await rm(dataDir, { recursive: true, force: true });
}
