// End-to-end: two `berth server` processes on one 3-member etcd cluster form one cluster. They share the CA through the datastore
// (sealed under --token), so one server's kubeconfig works against the other; watches on one see writes through
// the other; a wrong or missing token is refused; writes go on when the etcd leader is killed; when one server
// stops cleanly the other's controllers take over.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BERTH, KUBECTL, TestCluster, until } from "./harness.ts";
import { TestEtcd } from "../support/etcd.ts";
import type { TestEtcdCluster } from "../support/etcd.ts";
import { EtcdStorage } from "../../src/storage/etcd/etcd-storage.ts";
import { CLUSTER_SECRETS_KEY } from "../../src/cmd/server/shared-secrets.ts";

const TOKEN = "ha-test-token";
let etcd: TestEtcdCluster;
let a: TestCluster;
let b: TestCluster;

const holder = async (c: TestCluster) =>
  (await c.kubectl(["get", "lease", "-n", "kube-system", "kube-controller-manager", "-o", "jsonpath={.spec.holderIdentity}"])).stdout.trim();

before(async () => {
  etcd = await TestEtcd.startCluster(3);
  const args = ["--token", TOKEN, "--datastore-endpoint", etcd.endpoints];
  a = await TestCluster.start(args);
  // A leads before B exists, so stopping A later must move the leadership.
  await until(async () => (await holder(a)) !== "", 10_000, "A to lead the controllers");
  b = await TestCluster.start(args);
});
after(async () => {
  await a?.destroy();
  await b?.destroy();
  await etcd?.stop();
});

/** Runs a server expected to refuse to start; returns its exit code and output. */
async function refusedServer(args: string[]): Promise<{ code: number | null; logs: string }> {
  const dir = await mkdtemp(join(tmpdir(), "berth-e2e-"));
  try {
    const proc = spawn(BERTH, ["server", "--data-dir", dir, "--https-port", "0", "--disable-agent", "--bind-address", "127.0.0.1", "--datastore-endpoint", etcd.endpoints, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let logs = "";
    proc.stdout.on("data", (d) => { logs += d; });
    proc.stderr.on("data", (d) => { logs += d; });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((r) => proc.once("exit", (c) => r(c)));
    clearTimeout(timer);
    return { code, logs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The ports the `kubernetes` Service's endpoints list: one per running server (they share this host's address). */
const apiEndpointPorts = async (c: TestCluster) =>
  JSON.parse(await c.ok(["get", "endpoints", "kubernetes", "-o", "json"])).subsets.flatMap((s: { ports: { port: number }[] }) => s.ports.map((p) => p.port)).sort();

test("a kubeconfig from A works against B; B serves A's writes and its watches see them", async () => {
  await until(async () => (await apiEndpointPorts(a)).join() === [a.port, b.port].sort().join(), 15_000, "both servers in the kubernetes endpoints");
  await a.ok(["create", "configmap", "ha1", "--from-literal=k=v"]);
  const viaB = JSON.parse(await a.ok(["--server", `https://127.0.0.1:${b.port}`, "get", "configmap", "ha1", "-o", "json"]));
  assert.deepEqual(viaB.data, { k: "v" });
  // And the other way round: B's own kubeconfig (pointing at B) against A.
  await b.ok(["--server", `https://127.0.0.1:${a.port}`, "get", "configmap", "ha1"]);

  const watch = spawn(KUBECTL, ["--kubeconfig", b.kubeconfig, "get", "configmaps", "-w", "-o", "jsonpath={.metadata.name}={.data.k}{\"\\n\"}"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  watch.stdout.on("data", (d) => { out += d; });
  try {
    await until(async () => out.includes("ha1=v\n"), 10_000, "B's watch to list ha1");
    await a.ok(["create", "configmap", "ha2", "--from-literal=k=2"]);
    await a.ok(["patch", "configmap", "ha1", "--type=merge", "-p", '{"data":{"k":"w"}}']);
    await until(async () => out.includes("ha2=2\n") && out.includes("ha1=w\n"), 10_000, "B's watch to see A's writes");
  } finally {
    watch.kill();
  }

  // The secrets sit in etcd sealed, not as PEM.
  const direct = await EtcdStorage.open({ endpoints: etcd.endpoints.split(","), compactIntervalMs: 0 });
  try {
    const kv = await direct.get(CLUSTER_SECRETS_KEY);
    assert.ok(kv, "the cluster secrets are in the datastore");
    assert.doesNotMatch(kv.value, /BEGIN/);
  } finally {
    await direct.close();
  }
});

test("a server with a wrong token, or none, is refused with a clear message", async () => {
  const [wrong, missing] = await Promise.all([refusedServer(["--token", "not-the-token"]), refusedServer([])]);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.logs, /--token does not match the cluster stored in the datastore/);
  assert.notEqual(missing.code, 0);
  assert.match(missing.logs, /--token is required to join/);
});

test("killing the etcd leader: writes through both servers resume and nothing acknowledged is lost", async () => {
  const leader = await etcd.leader();
  await leader.kill();
  try {
    const written: string[] = [];
    for (let i = 0; i < 6; i++) {
      const server = i % 2 ? b : a;
      const name = `after-kill-${i}`;
      await until(async () => (await server.kubectl(["create", "configmap", name])).code === 0 || (await server.kubectl(["get", "configmap", name])).code === 0, 30_000, `${name} written`);
      written.push(name);
    }
    const names = (await b.ok(["get", "configmaps", "-o", "name"])).split("\n");
    for (const n of written) assert.ok(names.includes(`configmap/${n}`), n);
  } finally {
    await leader.resume();
  }
});

test("when A stops, B's controllers take over", async () => {
  const before = await holder(a);
  assert.notEqual(before, "");
  assert.equal(await a.stop("SIGTERM"), 0);
  assert.deepEqual(await apiEndpointPorts(b), [b.port], "a server withdraws from the kubernetes endpoints as it stops");
  let now = "";
  await until(async () => { now = await holder(b); return now !== "" && now !== before; }, 20_000, "B to take the controller-manager Lease");

  await b.ok(["create", "deployment", "after-a", "--image=registry.example/app:1", "--replicas=1"]);
  await until(async () => {
    const rs = JSON.parse(await b.ok(["get", "replicasets", "-l", "app=after-a", "-o", "json"]));
    return rs.items.some((r: { metadata: { ownerReferences?: { name: string }[] } }) => r.metadata.ownerReferences?.[0]?.name === "after-a");
  }, 20_000, "the Deployment's ReplicaSet, made by B's controllers");
});
