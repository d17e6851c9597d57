// End-to-end: the real kubectl 1.32 against `berth server --disable-agent`: discovery, CRUD, output formats,
// labels, selectors, dry-run, explain, auth, chunked lists and validation errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { TestCluster } from "./harness.ts";

let c: TestCluster;
before(async () => { c = await TestCluster.start(); });
after(async () => { await c?.destroy(); });

/** kubectl's stderr must carry no warnings for ordinary use (upstream prints none). */
function assertNoWarnings(stderr: string): void {
  assert.doesNotMatch(stderr, /warning/i, stderr);
}

test("version, api-resources and api-versions", async () => {
  const v = JSON.parse(await c.ok(["version", "-o", "json"]));
  assert.equal(v.serverVersion.major, "1");
  assert.equal(v.serverVersion.minor, "32");
  const r = await c.kubectl(["api-resources"]);
  assert.equal(r.code, 0, r.stderr);
  assertNoWarnings(r.stderr);
  assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  assert.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
  assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  const versions = await c.ok(["api-versions"]);
  for (const gv of ["v1", "apps/v1", "batch/v1", "coordination.k8s.io/v1", "rbac.authorization.k8s.io/v1", "networking.k8s.io/v1"]) {
    assert.match(versions, new RegExp(`^${gv.replace(/\./g, "\\.")}$`, "m"));
  }
});

test("system namespaces and the kubernetes Service exist", async () => {
  const ns = await c.ok(["get", "namespaces", "-o", "name"]);
  for (const n of ["default", "kube-system", "kube-public", "kube-node-lease"]) assert.match(ns, new RegExp(`^namespace/${n}$`, "m"));
  const svc = JSON.parse(await c.ok(["get", "service", "kubernetes", "-n", "default", "-o", "json"]));
  assert.equal(svc.spec.clusterIP, "10.43.0.1");
  assert.equal(svc.spec.ports[0].port, 443);
});

test("create namespace, configmap, secret and deployment; get in every output format", async () => {
  await c.ok(["create", "namespace", "shop"]);
  const r = await c.kubectl(["create", "configmap", "settings", "-n", "shop", "--from-literal=color=blue", "--from-literal=size=10"]);
  assert.equal(r.code, 0, r.stderr);
  assertNoWarnings(r.stderr);
  assert.equal(r.stdout.trim(), "configmap/settings created");
  await c.ok(["create", "secret", "generic", "creds", "-n", "shop", "--from-literal=password=hunter2"]);
  await c.ok(["create", "deployment", "web", "-n", "shop", "--image=busybox", "--replicas=2"]);

  const cm = JSON.parse(await c.ok(["get", "configmap", "settings", "-n", "shop", "-o", "json", "--show-managed-fields"]));
  assert.deepEqual(cm.data, { color: "blue", size: "10" });
  assert.match(cm.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.match(cm.metadata.resourceVersion, /^\d+$/);
  assert.match(cm.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(cm.metadata.managedFields[0].manager, "kubectl-create");

  const secret = JSON.parse(await c.ok(["get", "secret", "creds", "-n", "shop", "-o", "json"]));
  assert.equal(Buffer.from(secret.data.password, "base64").toString(), "hunter2");
  assert.equal(secret.type, "Opaque");

  const yaml = await c.ok(["get", "deployment", "web", "-n", "shop", "-o", "yaml"]);
  assert.match(yaml, /replicas: 2/);
  assert.match(yaml, /image: busybox/);
  assert.match(yaml, /type: RollingUpdate/); // defaulted
  assert.match(yaml, /generation: 1/);

  const table = await c.ok(["get", "deployments", "-n", "shop"]);
  assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
  // No nodes: the controllers make the pods (UP-TO-DATE 0 or 2, depending on timing) but none can run.
  assert.match(table, /^web\s+0\/2\s+[02]\s+0\s+\d+s$/m);
  const wide = await c.ok(["get", "deployments", "-n", "shop", "-o", "wide"]);
  assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
  assert.match(wide, /busybox\s+busybox\s+app=web/);
  assert.equal((await c.ok(["get", "deploy", "web", "-n", "shop", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])), "busybox");
  const cols = await c.ok(["get", "cm", "-n", "shop", "-o", "custom-columns=NAME:.metadata.name,COLOR:.data.color", "--no-headers"]);
  assert.match(cols, /^settings\s+blue$/m);
  assert.equal((await c.ok(["get", "cm", "settings", "-n", "shop", "-o", "name"])).trim(), "configmap/settings");
});

test("labels, annotations and selectors", async () => {
  await c.ok(["create", "namespace", "sel"]);
  for (const [name, tier] of [["a", "front"], ["b", "back"], ["c", "front"]]) {
    await c.ok(["create", "configmap", name!, "-n", "sel"]);
    await c.ok(["label", "configmap", name!, "-n", "sel", `tier=${tier}`]);
  }
  await c.ok(["annotate", "configmap", "a", "-n", "sel", "note=hello"]);
  assert.equal(await c.ok(["get", "cm", "a", "-n", "sel", "-o", "jsonpath={.metadata.annotations.note}"]), "hello");
  const front = await c.ok(["get", "cm", "-n", "sel", "-l", "tier=front", "-o", "name"]);
  assert.deepEqual(front.trim().split("\n"), ["configmap/a", "configmap/c"]);
  const notFront = await c.ok(["get", "cm", "-n", "sel", "-l", "tier!=front,tier", "-o", "name"]);
  assert.deepEqual(notFront.trim().split("\n"), ["configmap/b"]);
  const setBased = await c.ok(["get", "cm", "-n", "sel", "-l", "tier in (back,middle)", "-o", "name"]);
  assert.deepEqual(setBased.trim().split("\n"), ["configmap/b"]);
  const byName = await c.ok(["get", "cm", "-n", "sel", "--field-selector", "metadata.name=c", "-o", "name"]);
  assert.deepEqual(byName.trim().split("\n"), ["configmap/c"]);
  await c.ok(["label", "configmap", "a", "-n", "sel", "tier-"]);
  assert.equal(await c.ok(["get", "cm", "a", "-n", "sel", "-o", "jsonpath={.metadata.labels}"]), "");
  const bad = await c.kubectl(["get", "cm", "-n", "sel", "--field-selector", "spec.nope=1"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /"spec\.nope" is not a known field selector: only "metadata\.name", "metadata\.namespace"/);
  const badPod = await c.kubectl(["get", "pods", "-n", "sel", "--field-selector", "spec.nope=1"]);
  assert.match(badPod.stderr, /field label not supported: spec\.nope/);
  assert.equal((await c.kubectl(["get", "pods", "-n", "sel", "--field-selector", "spec.nodeName=n1,status.phase=Running"])).code, 0);
});

test("patch: merge, json and strategic", async () => {
  await c.ok(["create", "namespace", "patch"]);
  await c.ok(["create", "deployment", "app", "-n", "patch", "--image=busybox"]);
  await c.ok(["patch", "deployment", "app", "-n", "patch", "--type", "merge", "-p", '{"spec":{"replicas":3}}']);
  assert.equal(await c.ok(["get", "deploy", "app", "-n", "patch", "-o", "jsonpath={.spec.replicas}"]), "3");
  await c.ok(["patch", "deployment", "app", "-n", "patch", "--type", "json", "-p", '[{"op":"replace","path":"/spec/replicas","value":4}]']);
  assert.equal(await c.ok(["get", "deploy", "app", "-n", "patch", "-o", "jsonpath={.spec.replicas}"]), "4");
  // Strategic merge: add a second container by name without replacing the first.
  await c.ok(["patch", "deployment", "app", "-n", "patch", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.35"}]}}}}']);
  const names = await c.ok(["get", "deploy", "app", "-n", "patch", "-o", "jsonpath={.spec.template.spec.containers[*].name}"]);
  // Upstream's strategic merge puts a newly added list element before the existing ones (kubectl patch docs).
  assert.equal(names, "sidecar busybox");
  assert.equal(await c.ok(["get", "deploy", "app", "-n", "patch", "-o", "jsonpath={.metadata.generation}"]), "4");
  const bad = await c.kubectl(["patch", "deployment", "app", "-n", "patch", "--type", "json", "-p", '[{"op":"test","path":"/spec/replicas","value":99}]']);
  assert.notEqual(bad.code, 0);
});

test("create --dry-run=server does not persist; invalid objects get upstream's messages", async () => {
  const out = await c.ok(["create", "configmap", "ghost", "--from-literal=a=b", "--dry-run=server", "-o", "yaml"]);
  assert.match(out, /name: ghost/);
  const r = await c.kubectl(["get", "configmap", "ghost"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /configmaps "ghost" not found/);
  const invalid = await c.kubectl(["create", "deployment", "Bad_Name", "--image=busybox"]);
  assert.notEqual(invalid.code, 0);
  assert.match(invalid.stderr, /Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/);
  const dup = await c.kubectl(["create", "namespace", "default"]);
  assert.match(dup.stderr, /namespaces "default" already exists/);
  const missingNs = await c.kubectl(["create", "configmap", "x", "-n", "nowhere"]);
  assert.match(missingNs.stderr, /namespaces "nowhere" not found/);
});

test("unknown fields are refused with strict validation", async () => {
  const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\ndata:\n  a: b\nbogus: 1\n`;
  const r = await c.kubectl(["apply", "-f", "-"], manifest);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown field "bogus"/);
});

test("get --chunk-size pages through a large list", async () => {
  await c.ok(["create", "namespace", "many"]);
  const docs = Array.from({ length: 25 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${String(i).padStart(2, "0")}\n  namespace: many\n`).join("---\n");
  await c.ok(["apply", "-f", "-"], docs);
  const out = await c.ok(["get", "cm", "-n", "many", "--chunk-size=4", "-o", "name", "-v=6"]);
  assert.equal(out.trim().split("\n").filter((l) => l.startsWith("configmap/cm-")).length, 25);
  const r = await c.kubectl(["get", "cm", "-n", "many", "--chunk-size=4", "-v=6"]);
  const pages = (r.stderr.match(/GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/many\/configmaps\?\S*limit=4/g) ?? []).length;
  assert.ok(pages >= 7, `expected at least 7 paged requests, saw ${pages}`);
});

test("explain uses the server's OpenAPI", async () => {
  const out = await c.ok(["explain", "deployment.spec.replicas"]);
  assert.match(out, /KIND:\s+Deployment/);
  assert.match(out, /FIELD:\s+replicas <integer>/);
  const pods = await c.ok(["explain", "pods.spec.containers"]);
  assert.match(pods, /image\s+<string>/);
});

test("auth can-i and auth whoami", async () => {
  assert.equal((await c.ok(["auth", "can-i", "create", "pods"])).trim(), "yes");
  const who = await c.ok(["auth", "whoami", "-o", "json"]);
  const review = JSON.parse(who);
  assert.equal(review.status.userInfo.username, "system:admin");
  assert.ok(review.status.userInfo.groups.includes("system:masters"));
});

test("unauthenticated requests get 401 except public paths", async () => {
  const url = `https://127.0.0.1:${c.port}`;
  const insecure = { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: "0" };
  const { execFileSync } = await import("node:child_process");
  const probe = (path: string) => execFileSync(process.execPath, ["-e", `fetch(${JSON.stringify(url + path)}).then(r => console.log(r.status))`], { env: insecure }).toString().trim();
  assert.equal(probe("/api/v1/namespaces"), "401");
  assert.equal(probe("/healthz"), "200");
  assert.equal(probe("/version"), "200");
});
