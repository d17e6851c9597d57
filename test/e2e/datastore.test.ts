// End-to-end: `berth datastore migrate` moves a cluster from SQLite to etcd and back; objects keep content and uids.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { BERTH, TestCluster } from "./harness.ts";
import { TestEtcd } from "../support/etcd.ts";

let etcd: TestEtcd;
let c: TestCluster;
before(async () => {
  etcd = await TestEtcd.start();
  c = await TestCluster.start();
});
after(async () => {
  await c?.destroy();
  await etcd?.stop();
});

function berth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(BERTH, args, { env: { ...process.env, BERTH_LOG_LEVEL: "warn" } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

type Obj = { metadata: { uid: string; name: string; namespace?: string; labels?: Record<string, string> }; data?: Record<string, string> };
async function snapshot(): Promise<Map<string, Obj>> {
  const out = new Map<string, Obj>();
  const list = JSON.parse(await c.ok(["get", "namespaces,configmaps,secrets,serviceaccounts", "-A", "-l", "mig=1", "-o", "json"])) as { items: (Obj & { kind: string })[] };
  for (const o of list.items) out.set(`${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`, o);
  return out;
}

function assertSame(got: Map<string, Obj>, want: Map<string, Obj>): void {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [k, w] of want) {
    const g = got.get(k)!;
    assert.equal(g.metadata.uid, w.metadata.uid, `${k} keeps its uid`);
    assert.deepEqual(g.data, w.data, `${k} keeps its data`);
    assert.deepEqual(g.metadata.labels, w.metadata.labels);
  }
}

test("migrate SQLite -> etcd -> SQLite keeps every object and uid; a non-empty target is refused without --force", async () => {
  await c.ok(["create", "namespace", "mig"]);
  await c.ok(["label", "namespace", "mig", "mig=1"]);
  for (let i = 0; i < 20; i++) {
    await c.ok(["create", "configmap", `cm${i}`, "-n", "mig", `--from-literal=i=${i}`, "--from-literal=text=héllo ✓"]);
  }
  await c.ok(["label", "configmaps", ...Array.from({ length: 20 }, (_, i) => `cm${i}`), "-n", "mig", "mig=1"]);
  await c.ok(["create", "secret", "generic", "s1", "-n", "mig", "--from-literal=password=p4ss"]);
  await c.ok(["label", "secret", "s1", "-n", "mig", "mig=1"]);
  await c.ok(["create", "serviceaccount", "robot", "-n", "mig"]);
  await c.ok(["label", "serviceaccount", "robot", "-n", "mig", "mig=1"]);
  const before = await snapshot();
  assert.equal(before.size, 23);

  await c.stop();
  const sqlite = `sqlite://${join(c.dataDir, "state.db")}`;
  const toEtcd = await berth(["datastore", "migrate", "--from", sqlite, "--to", etcd.endpoint]);
  assert.equal(toEtcd.code, 0, toEtcd.stderr);
  assert.match(toEtcd.stdout, /copied \d+ keys .* in [\d.]+ s/);
  assert.match(toEtcd.stdout, /clients must relist/);

  // A second run into the now non-empty etcd is refused, and --force replaces its contents.
  const again = await berth(["datastore", "migrate", "--from", sqlite, "--to", etcd.endpoint]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /not empty.*--force/);
  const forced = await berth(["datastore", "migrate", "--from", sqlite, "--to", etcd.endpoint, "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /deleted \d+ keys/);

  await c.launch(["--datastore-endpoint", etcd.endpoint]);
  assertSame(await snapshot(), before);
  // The cluster works on the new datastore: writes succeed after the migrated objects.
  await c.ok(["create", "configmap", "after-etcd", "-n", "mig"]);
  await c.ok(["label", "configmap", "after-etcd", "-n", "mig", "mig=1"]);
  const onEtcd = await snapshot();
  await c.stop();

  const back = `sqlite://${join(c.dataDir, "back", "state.db")}`;
  const toSqlite = await berth(["datastore", "migrate", "--from", etcd.endpoint, "--to", back]);
  assert.equal(toSqlite.code, 0, toSqlite.stderr);
  await c.launch(["--datastore-endpoint", back]);
  assertSame(await snapshot(), onEtcd);
  const cm = JSON.parse(await c.ok(["get", "configmap", "cm7", "-n", "mig", "-o", "json"])) as Obj;
  assert.deepEqual(cm.data, { i: "7", text: "héllo ✓" });
});

test("3-member etcd: kill the leader while writing with kubectl; writes resume under a new leader, none acknowledged is lost", async () => {
  const cluster = await TestEtcd.startCluster(3);
  let srv: TestCluster | undefined;
  try {
    srv = await TestCluster.start(["--datastore-endpoint", cluster.endpoints]);
    const acked: string[] = [];
    let n = 0;
    const write = async (): Promise<boolean> => {
      const name = `w${n++}`;
      const r = await srv!.kubectl(["create", "configmap", name, "--from-literal=n=" + name, "--request-timeout=10s"]);
      if (r.code === 0) acked.push(name);
      return r.code === 0;
    };
    for (let i = 0; i < 5; i++) assert.ok(await write(), "writes succeed before the fault");
    const leader = await cluster.leader();
    await leader.kill();
    const killedAt = Date.now();
    let failures = 0;
    while (!(await write())) {
      failures++;
      assert.ok(Date.now() - killedAt < 30_000, "writes resume within 30 s of the leader's death");
    }
    const resumedMs = Date.now() - killedAt;
    for (let i = 0; i < 5; i++) assert.ok(await write(), "writes keep succeeding under the new leader");
    const newLeader = await cluster.leader();
    assert.notEqual(newLeader, leader);
    const names = new Set((JSON.parse(await srv.ok(["get", "configmaps", "-o", "json"])) as { items: Obj[] }).items.map((o) => o.metadata.name));
    for (const a of acked) assert.ok(names.has(a), `acknowledged write ${a} survives the leader's death`);
    process.stdout.write(`# etcd leader kill -> next acknowledged write: ${resumedMs} ms (${failures} failed attempts)\n`);
  } finally {
    await srv?.destroy();
    await cluster.stop();
  }
});
