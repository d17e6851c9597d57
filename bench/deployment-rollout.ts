// Control-loop benchmark (issue #4's figures): a Deployment of R replicas on N simulated nodes, end to end through
// the real server (controllers + scheduler) and `berth sim`.
//   node_modules/.bin/node bench/deployment-rollout.ts [--nodes 1000] [--replicas 3000]
// Prints the time until the Deployment is fully available, the server's CPU time per 1000 pods, and the RSS of the
// server and of the simulator per 1000 nodes.
import { parseArgs } from "node:util";
import { readFile } from "node:fs/promises";
import { TestCluster } from "../test/e2e/harness.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { Client } from "../src/client/rest-client.ts";
import { R } from "../src/client/resources.ts";

const { values } = parseArgs({ options: { nodes: { type: "string", default: "1000" }, replicas: { type: "string", default: "3000" } } });
const NODES = Number(values.nodes);
const REPLICAS = Number(values.replicas);

/** CPU seconds (user + system) a process has used, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cluster = await TestCluster.start();
try {
  const client = new Client(new HttpsTransport(await loadKubeconfig(cluster.kubeconfig)), "bench");
  const sim = await cluster.sim(NODES);
  const t0 = performance.now();
  for (;;) {
    const nodes = await client.resource(R.nodes).list();
    const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
    if (ready >= NODES) break;
    await sleep(200);
  }
  console.log(`${NODES} simulated nodes Ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await sleep(2000);
  const serverPid = cluster.pid!;
  const cpu0 = await cpuSeconds(serverPid);
  const start = performance.now();
  await client.resource(R.deployments).create({
    metadata: { name: "bench", namespace: "default" },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: "bench" } },
      template: { metadata: { labels: { app: "bench" } }, spec: { containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "100m" } } }] } },
    },
  });
  for (;;) {
    const d = await client.resource(R.deployments).get("default", "bench");
    if ((d.status?.availableReplicas ?? 0) >= REPLICAS && d.status?.updatedReplicas === REPLICAS) break;
    await sleep(100);
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = (await cpuSeconds(serverPid)) - cpu0;
  console.log(`Deployment of ${REPLICAS} replicas on ${NODES} nodes fully available in ${seconds.toFixed(1)} s (${Math.round(REPLICAS / seconds)} pods/s)`);
  console.log(`server CPU: ${cpu.toFixed(1)} s in total, ${(cpu / (REPLICAS / 1000)).toFixed(2)} s per 1000 pods (API + controllers + scheduler; the simulator runs apart)`);
  console.log(`RSS: server ${(await rssMb(serverPid)).toFixed(0)} MB; simulator ${(await rssMb(sim.pid!)).toFixed(0)} MB for ${NODES} nodes and ${REPLICAS} pods`);
  await sim.stop();
} finally {
  await cluster.destroy();
}
