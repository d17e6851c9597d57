// End-to-end: kubectl's day-to-day workflows against berth: apply (client- and server-side), diff, replace,
// edit, scale, watch and delete.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TestCluster, KUBECTL } from "./harness.ts";

let c: TestCluster;
before(async () => { c = await TestCluster.start(); });
after(async () => { await c?.destroy(); });

const manifest = (mode: string, replicas: number) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: default
data:
  mode: ${mode}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: busybox
        env:
        - {name: A, value: "1"}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
`;

test("apply a multi-document manifest, diff it, apply it changed, then unchanged", async () => {
  const first = await c.kubectl(["apply", "-f", "-"], manifest("fast", 2));
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stderr, "");
  assert.deepEqual(first.stdout.trim().split("\n"), ["configmap/app-config created", "deployment.apps/web created", "service/web created"]);
  const file = join(c.dataDir, "changed.yaml");
  await writeFile(file, manifest("slow", 3));
  const diff = await c.kubectl(["diff", "-f", file]);
  assert.equal(diff.code, 1, diff.stderr); // 1: differences found
  assert.match(diff.stdout, /^-  mode: fast$/m);
  assert.match(diff.stdout, /^\+  mode: slow$/m);
  assert.match(diff.stdout, /^\+  replicas: 3$/m);
  assert.match(diff.stdout, /^\+  generation: 2$/m);
  const second = await c.ok(["apply", "-f", file]);
  assert.deepEqual(second.trim().split("\n"), ["configmap/app-config configured", "deployment.apps/web configured", "service/web unchanged"]);
  const third = await c.ok(["apply", "-f", file]);
  assert.deepEqual(third.trim().split("\n"), ["configmap/app-config unchanged", "deployment.apps/web unchanged", "service/web unchanged"]);
  assert.equal((await c.kubectl(["diff", "-f", file])).code, 0);
  assert.equal(await c.ok(["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}/{.metadata.generation}"]), "3/2");
  const svc = JSON.parse(await c.ok(["get", "svc", "web", "-o", "json"]));
  assert.match(svc.spec.clusterIP, /^10\.43\.\d+\.\d+$/);
  assert.equal(svc.spec.ports[0].protocol, "TCP");
  assert.equal(svc.spec.type, "ClusterIP");
});

test("server-side apply: conflict with another manager, then --force-conflicts", async () => {
  const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: default\ndata:\n  owner: ${v}\n`;
  const created = await c.ok(["apply", "--server-side", "--field-manager=alice", "-f", "-"], cm("alice"));
  assert.equal(created.trim(), "configmap/ssa serverside-applied");
  const conflict = await c.kubectl(["apply", "--server-side", "--field-manager=bob", "-f", "-"], cm("bob"));
  assert.notEqual(conflict.code, 0);
  assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "alice": \.data\.owner/);
  await c.ok(["apply", "--server-side", "--field-manager=bob", "--force-conflicts", "-f", "-"], cm("bob"));
  const live = JSON.parse(await c.ok(["get", "cm", "ssa", "-o", "json", "--show-managed-fields"]));
  assert.equal(live.data.owner, "bob");
  const bob = live.metadata.managedFields.find((m: { manager: string }) => m.manager === "bob");
  assert.equal(bob.operation, "Apply");
  assert.deepEqual(bob.fieldsV1, { "f:data": { "f:owner": {} } });
  // alice lost the field, so she no longer appears as its manager.
  assert.equal(live.metadata.managedFields.some((m: { manager: string }) => m.manager === "alice"), false);
});

test("replace of a stale copy conflicts; edit and scale change the live object", async () => {
  await c.ok(["create", "deployment", "rep", "--image=busybox"]);
  const stale = await c.ok(["get", "deploy", "rep", "-o", "yaml"]);
  await c.ok(["label", "deploy", "rep", "touched=yes"]);
  const r = await c.kubectl(["replace", "-f", "-"], stale);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Operation cannot be fulfilled on deployments\.apps "rep": the object has been modified; please apply your changes to the latest version and try again/);
  await c.ok(["scale", "deploy", "rep", "--replicas=5"]);
  assert.equal(await c.ok(["get", "deploy", "rep", "-o", "jsonpath={.spec.replicas}"]), "5");
  const scale = JSON.parse(await c.ok(["get", "--raw", "/apis/apps/v1/namespaces/default/deployments/rep/scale"]));
  assert.equal(scale.kind, "Scale");
  assert.equal(scale.spec.replicas, 5);
  assert.equal(scale.status.selector, "app=rep");
  const edited = await new Promise<number>((resolve) => {
    const p = spawn(KUBECTL, ["--kubeconfig", c.kubeconfig, "edit", "deploy", "rep"], { env: { ...process.env, KUBE_EDITOR: "sed -i s/replicas:\\ 5/replicas:\\ 7/" }, stdio: "ignore" });
    p.on("exit", (code) => resolve(code ?? 1));
  });
  assert.equal(edited, 0);
  assert.equal(await c.ok(["get", "deploy", "rep", "-o", "jsonpath={.spec.replicas}"]), "7");
});

test("get -w --output-watch-events sees ADDED, MODIFIED and DELETED", async () => {
  await c.ok(["create", "namespace", "watched"]);
  const watcher = spawn(KUBECTL, ["--kubeconfig", c.kubeconfig, "get", "configmaps", "-n", "watched", "-w", "--output-watch-events"]);
  let out = "";
  watcher.stdout.on("data", (d) => { out += d; });
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, re);
  };
  try {
    await waitFor(/No resources found|EVENT/).catch(() => undefined);
    await c.ok(["create", "configmap", "w1", "-n", "watched"]);
    await waitFor(/ADDED\s+w1/);
    await c.ok(["label", "configmap", "w1", "-n", "watched", "k=v"]);
    await waitFor(/MODIFIED\s+w1/);
    await c.ok(["delete", "configmap", "w1", "-n", "watched"]);
    await waitFor(/DELETED\s+w1/);
    assert.match(out, /^EVENT\s+NAME\s+DATA\s+AGE$/m);
  } finally {
    watcher.kill();
  }
});

test("delete removes objects; deletecollection by label; a finalizer holds deletion", async () => {
  await c.ok(["create", "namespace", "del"]);
  for (const n of ["a", "b", "c"]) await c.ok(["create", "configmap", n, "-n", "del"]);
  await c.ok(["label", "cm", "a", "b", "-n", "del", "group=ab"]);
  assert.equal((await c.ok(["delete", "configmap", "c", "-n", "del"])).trim(), 'configmap "c" deleted');
  await c.ok(["delete", "configmap", "-n", "del", "-l", "group=ab"]);
  // Only the root CA ConfigMap the controllers publish in every namespace is left.
  assert.deepEqual((await c.ok(["get", "cm", "-n", "del", "-o", "name"])).trim().split("\n"), ["configmap/kube-root-ca.crt"]);
  await c.ok(["apply", "-f", "-"], "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: del\n  finalizers: [example.com/hold]\n");
  await c.ok(["delete", "configmap", "held", "-n", "del", "--wait=false"]);
  const held = JSON.parse(await c.ok(["get", "cm", "held", "-n", "del", "-o", "json"]));
  assert.ok(held.metadata.deletionTimestamp, "deletionTimestamp set while a finalizer remains");
  await c.ok(["patch", "configmap", "held", "-n", "del", "--type", "merge", "-p", '{"metadata":{"finalizers":null}}']);
  const gone = await c.kubectl(["get", "cm", "held", "-n", "del"]);
  assert.match(gone.stderr, /configmaps "held" not found/);
});
