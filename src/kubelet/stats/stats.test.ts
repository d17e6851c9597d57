// The stats endpoints against a real containerd: a busybox container burning a CPU in a pod cgroup shows up in
// /stats/summary and /metrics/resource with CPU time, a CPU rate and a working set; /metrics counts it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { mkdtemp, rm, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { startTestContainerd } from "../../../test/support/containerd.ts";
import type { TestContainerd } from "../../../test/support/containerd.ts";
import type { PodSandboxConfig } from "../cri/types.ts";
import { nodeServerPki } from "../../../test/support/node-server-pki.ts";
import { startNodeServer } from "../streaming/server.ts";
import type { NodeServer } from "../streaming/server.ts";
import { AgentMetrics } from "./agent-metrics.ts";
import { StatsCollector } from "./collector.ts";
import { statsEndpoints } from "./endpoints.ts";
import type { Summary } from "./summary-types.ts";

describe("stats endpoints on containerd", { timeout: 120_000 }, () => {
  let ctrd: TestContainerd;
  let server: NodeServer;
  let dir: string;
  let client: { cert: string; key: string; ca: string };
  let stranger: { cert: string; key: string; ca: string };
  const stop = new AbortController();
  const uid = randomUUID();
  const podCgroup = `/kubepods/besteffort/pod${uid}`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-stats-"));
    const pki = await nodeServerPki(dir);
    ({ client, stranger } = pki);
    ctrd = await startTestContainerd();
    const sc: PodSandboxConfig = { metadata: { name: "burner", uid, namespace: "ns", attempt: 0 }, hostname: "burner", logDirectory: join(dir, "logs"), linux: { cgroupParent: podCgroup } };
    const sandbox = await ctrd.cri.runPodSandbox(sc);
    const container = await ctrd.cri.createContainer(sandbox, {
      metadata: { name: "spin", attempt: 0 }, image: { image: "busybox" }, logPath: "spin.log",
      command: ["sh", "-c", "while :; do :; done"],
    }, sc);
    await ctrd.cri.startContainer(container);
    const collector = new StatsCollector({ cri: ctrd.cri, nodeName: "node-a", dataDir: dir });
    collector.run(stop.signal, 500);
    server = await startNodeServer({
      bindAddress: "127.0.0.1", port: 0, tls: pki.serving, cri: ctrd.cri,
      pods: { sandboxId: () => undefined, containerId: () => undefined, logPath: () => undefined },
      stats: statsEndpoints(collector, new AgentMetrics({ cri: ctrd.cri, nodeName: "node-a" })),
      signal: stop.signal,
    });
  });

  after(async () => {
    stop.abort();
    await server?.close();
    await ctrd?.stop();
    // runc leaves the pod's cgroup (the agent's to remove); take it out of every hierarchy.
    for (const h of ["blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "hugetlb", "memory", "net_cls", "perf_event", "pids", "systemd"]) {
      await rmdir(join("/sys/fs/cgroup", h, podCgroup)).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  });

  const get = (path: string, who = client) => new Promise<{ code: number; type: string; body: string }>((resolve, reject) => {
    https.get({ host: "127.0.0.1", port: server.port, path, ...who, checkServerIdentity: () => undefined }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ code: res.statusCode!, type: String(res.headers["content-type"]), body }));
    }).on("error", reject);
  });

  /** The summary once the burner's CPU rate is known (two samples a second apart). */
  async function summaryWithRates(): Promise<Summary> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await get("/stats/summary");
      assert.equal(r.code, 200, r.body);
      const summary = JSON.parse(r.body) as Summary;
      const pod = summary.pods.find((p) => p.podRef.uid === uid);
      if (pod?.containers[0]?.cpu?.usageNanoCores !== undefined && pod.cpu?.usageNanoCores !== undefined) return summary;
      if (Date.now() > deadline) throw new Error(`no CPU rate in time: ${r.body}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  it("summarizes the node, the pod from its cgroup and the container from the runtime", async () => {
    const summary = await summaryWithRates();
    const { node } = summary;
    assert.equal(node.nodeName, "node-a");
    assert.ok(Date.parse(node.startTime) < Date.now());
    assert.ok(node.cpu!.usageCoreNanoSeconds! > 0 && node.cpu!.usageNanoCores! > 0);
    assert.ok(node.memory!.workingSetBytes! > 0 && node.memory!.availableBytes! > 0 && node.memory!.rssBytes! > 0);
    assert.ok(node.fs!.capacityBytes > 0 && node.fs!.usedBytes > 0);
    assert.ok(node.runtime?.imageFs?.capacityBytes, "the runtime's image filesystem");

    const pod = summary.pods.find((p) => p.podRef.uid === uid)!;
    assert.deepEqual(pod.podRef, { name: "burner", namespace: "ns", uid });
    assert.deepEqual(pod.containers.map((c) => c.name), ["spin"]);
    const spin = pod.containers[0]!;
    // A shell spinning takes most of a core (the machine has two, others may be busy).
    assert.ok(spin.cpu!.usageNanoCores! > 0.3e9, `container rate ${spin.cpu!.usageNanoCores}`);
    assert.ok(spin.cpu!.usageCoreNanoSeconds! > 0);
    assert.ok(spin.memory!.workingSetBytes! > 0, "container working set");
    assert.ok(pod.cpu!.usageNanoCores! > 0.3e9, `pod rate ${pod.cpu!.usageNanoCores}`);
    // The pod cgroup holds the container (and the sandbox's pause process).
    assert.ok(pod.cpu!.usageCoreNanoSeconds! >= spin.cpu!.usageCoreNanoSeconds! * 0.9);
    assert.ok(pod.memory!.workingSetBytes! > 0);

    const lean = JSON.parse((await get("/stats/summary?only_cpu_and_memory=true")).body) as Summary;
    assert.equal(lean.node.fs, undefined);
    assert.ok(lean.node.cpu);
  });

  it("serves /metrics/resource with timestamped series for the container, pod and node", async () => {
    await summaryWithRates();
    const r = await get("/metrics/resource");
    assert.equal(r.code, 200);
    assert.match(r.type, /^text\/plain; version=0\.0\.4/);
    const value = (re: RegExp) => {
      const m = re.exec(r.body);
      assert.ok(m, `${re} in\n${r.body}`);
      assert.ok(Math.abs(Number(m[2]) - Date.now()) < 60_000, "sample timestamp is recent");
      return Number(m[1]);
    };
    assert.ok(value(/^container_cpu_usage_seconds_total\{container="spin",namespace="ns",pod="burner"\} (\S+) (\d+)$/m) > 0);
    assert.ok(value(/^container_memory_working_set_bytes\{container="spin",namespace="ns",pod="burner"\} (\S+) (\d+)$/m) > 0);
    assert.ok(value(/^pod_cpu_usage_seconds_total\{namespace="ns",pod="burner"\} (\S+) (\d+)$/m) > 0);
    assert.ok(value(/^pod_memory_working_set_bytes\{namespace="ns",pod="burner"\} (\S+) (\d+)$/m) > 0);
    assert.ok(value(/^node_cpu_usage_seconds_total (\S+) (\d+)$/m) > 0);
    assert.ok(value(/^node_memory_working_set_bytes (\S+) (\d+)$/m) > 0);
    assert.match(r.body, /^scrape_error 0$/m);
  });

  it("serves /metrics with process metrics and running counts", async () => {
    const r = await get("/metrics");
    assert.equal(r.code, 200);
    assert.match(r.body, /^process_cpu_seconds_total \S+$/m);
    assert.match(r.body, /^kubelet_running_pods 1$/m);
    assert.match(r.body, /^kubelet_running_containers\{container_state="running"\} 1$/m);
    assert.match(r.body, /^kubelet_node_name\{node="node-a"\} 1$/m);
  });

  it("refuses clients other than the API server", async () => {
    for (const path of ["/stats/summary", "/metrics/resource", "/metrics"]) assert.equal((await get(path, stranger)).code, 403, path);
  });
});
