// End-to-end: a server killed with SIGKILL comes back with every acknowledged write and the same
// resourceVersions; a clean restart on an existing data dir is fast.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { TestCluster } from "./harness.ts";

let c: TestCluster | undefined;
after(async () => { await c?.destroy(); });

test("SIGKILL loses no acknowledged write", async () => {
  c = await TestCluster.start();
  const docs = Array.from({ length: 40 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d-${i}\n  namespace: default\ndata:\n  i: "${i}"\n`).join("---\n");
  await c.ok(["apply", "-f", "-"], docs);
  await c.ok(["label", "cm", "d-7", "after=yes"]);
  const before = JSON.parse(await c.ok(["get", "cm", "-n", "default", "-o", "json"]));
  const versions = new Map(before.items.map((i: { metadata: { name: string; resourceVersion: string; uid: string } }) => [i.metadata.name, `${i.metadata.resourceVersion}/${i.metadata.uid}`]));
  assert.equal(await c.stop("SIGKILL"), null);
  await c.launch();
  const afterList = JSON.parse(await c.ok(["get", "cm", "-n", "default", "-o", "json"]));
  const again = new Map(afterList.items.map((i: { metadata: { name: string; resourceVersion: string; uid: string } }) => [i.metadata.name, `${i.metadata.resourceVersion}/${i.metadata.uid}`]));
  assert.deepEqual(again, versions);
  assert.equal(await c.ok(["get", "cm", "d-7", "-o", "jsonpath={.metadata.labels.after}"]), "yes");
  // New writes continue from a higher revision than any acknowledged one.
  await c.ok(["create", "cm", "post-crash"]);
  const rv = Number(await c.ok(["get", "cm", "post-crash", "-o", "jsonpath={.metadata.resourceVersion}"]));
  const maxBefore = Math.max(...before.items.map((i: { metadata: { resourceVersion: string } }) => Number(i.metadata.resourceVersion)));
  assert.ok(rv > maxBefore, `${rv} > ${maxBefore}`);
});

test("SIGTERM stops cleanly and a restart reuses the data dir", async () => {
  assert.ok(c);
  assert.equal(await c.stop("SIGTERM"), 0);
  await c.launch();
  assert.equal(await c.ok(["get", "cm", "post-crash", "-o", "name"]), "configmap/post-crash\n");
});

test("a watch from before the restart's history answers 410 Expired, so clients relist", async () => {
  assert.ok(c);
  const out = await c.ok(["get", "--raw", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&timeoutSeconds=1"]);
  const event = JSON.parse(out.trim().split("\n")[0]!);
  assert.equal(event.type, "ERROR");
  assert.equal(event.object.code, 410);
  assert.equal(event.object.reason, "Expired");
  assert.match(event.object.message, /^too old resource version: 2 \(\d+\)$/);
});
