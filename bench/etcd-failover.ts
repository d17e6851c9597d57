// etcd leader failover as Berth sees it: a 3-member etcd on loopback (data on /dev/shm), `berth server` on all
// three endpoints, one client creating ConfigMaps back to back over HTTPS/HTTP2. Each trial kills the etcd
// leader (SIGKILL), measures the time from the kill to the next acknowledged create, restarts the killed member
// and waits for the cluster to be whole again; at the end every acknowledged object must be readable.
//   node_modules/.bin/node bench/etcd-failover.ts [--trials 3]
import http2 from "node:http2";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { TestEtcd } from "../test/support/etcd.ts";
import { freePort } from "../test/support/free-port.ts";

const { values } = parseArgs({ options: { trials: { type: "string", default: "3" } } });
const TRIALS = Number(values.trials);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

function request(s: http2.ClientHttp2Session, method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve) => {
    const r = s.request({ ":method": method, ":path": path, ...(body ? { "content-type": "application/json" } : {}) });
    r.setTimeout(15_000, () => r.close());
    let status = 0;
    r.on("response", (h) => { status = Number(h[":status"]); });
    r.on("data", () => {});
    r.on("close", () => resolve(status));
    r.on("error", () => resolve(0));
    r.end(body);
  });
}

const cluster = await TestEtcd.startCluster(3);
const dataDir = await mkdtemp(join(tmpdir(), "berth-bench-"));
const port = await freePort();
const proc = spawn(join(ROOT, "bin/berth"), ["server", "--data-dir", dataDir, "--https-port", String(port), "--disable-agent", "--bind-address", "127.0.0.1", "--datastore-endpoint", cluster.endpoints], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, BERTH_LOG_LEVEL: "error" } });
try {
  let s: http2.ClientHttp2Session | undefined;
  for (;;) {
    try {
      const kc = parseYaml(await readFile(join(dataDir, "kubeconfig.yaml"), "utf8"));
      const b64 = (x: string) => Buffer.from(x, "base64").toString();
      s = http2.connect(kc.clusters[0].cluster.server, { ca: b64(kc.clusters[0].cluster["certificate-authority-data"]), cert: b64(kc.users[0].user["client-certificate-data"]), key: b64(kc.users[0].user["client-key-data"]) });
      s.on("error", () => {});
      if ((await request(s, "GET", "/readyz")) === 200) break;
      s.close();
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  const acked: string[] = [];
  let n = 0;
  const create = async (): Promise<boolean> => {
    const name = `f${n++}`;
    const status = await request(s!, "POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { n: name } }));
    if (status === 201) acked.push(name);
    return status === 201;
  };
  const results: { ms: number; failed: number; election: number }[] = [];
  for (let t = 0; t < TRIALS; t++) {
    for (let i = 0; i < 50; i++) await create();
    const leader = await cluster.leader();
    await leader.kill();
    const killed = performance.now();
    let failed = 0;
    const electionP = cluster.leader(30_000).then(() => performance.now() - killed);
    while (!(await create())) failed++;
    const ms = performance.now() - killed;
    results.push({ ms, failed, election: await electionP });
    console.log(`trial ${t + 1}: leader kill -> next acknowledged write ${ms.toFixed(0)} ms (${failed} failed attempts; new etcd leader after ${(await electionP).toFixed(0)} ms)`);
    await leader.resume();
    await cluster.leader();
  }
  const list = await new Promise<string>((resolve) => {
    const r = s.request({ ":path": "/api/v1/namespaces/default/configmaps" });
    let d = "";
    r.setEncoding("utf8");
    r.on("data", (x) => { d += x; });
    r.on("end", () => resolve(d));
  });
  const names = new Set((JSON.parse(list) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name));
  const lost = acked.filter((a) => !names.has(a));
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  console.log(`leader kill -> next acknowledged write: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms over ${TRIALS} trials; ${acked.length} writes acknowledged, ${lost.length} lost`);
  s.close();
  if (lost.length > 0) process.exitCode = 1;
} finally {
  proc.kill("SIGTERM");
  await new Promise((r) => proc.once("exit", r));
  await cluster.stop();
  await rm(dataDir, { recursive: true, force: true });
}
