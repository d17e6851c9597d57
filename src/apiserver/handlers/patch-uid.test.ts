// A uid in a write that names another object than the stored one, as upstream answers it: a PUT fails its uid
// precondition (409), a patch or apply fails validation as the uid is immutable (422), a Scale's uid is checked
// by the scale subresource (409), and an apply that would create an object with a uid given is refused (409).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap, Pod } from "kubernetes-types/core/v1";
import type { Deployment } from "kubernetes-types/apps/v1";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { TestApi } from "../../../test/support/api-server.ts";
import { StatusError } from "../../api/errors.ts";

// Resources named inline: the API server's tests do not import the client layer.
const R = {
  configmaps: { group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true },
  pods: { group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true },
  deployments: { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true },
} as const;

let api: TestApi;
before(async () => { api = await startTestApi(); });
after(() => api.close());

async function failure(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  assert.fail("the write succeeded");
}

async function configMap(name: string): Promise<ConfigMap> {
  return api.client.resource<ConfigMap>(R.configmaps).create({ metadata: { name, namespace: "default" }, data: { a: "1" } });
}

const immutable = (kind: string, name: string, uid: string) => `${kind} "${name}" is invalid: metadata.uid: Invalid value: "${uid}": field is immutable`;

test("merge, strategic and JSON patches with another uid fail validation; the same uid or none passes", async () => {
  const cms = api.client.resource<ConfigMap>(R.configmaps);
  const cm = await configMap("patched");
  const uid = cm.metadata!.uid!;
  for (const [type, body] of [
    ["merge", { metadata: { uid: "bogus" }, data: { a: "2" } }],
    ["strategic", { metadata: { uid: "bogus" }, data: { a: "2" } }],
    ["json", [{ op: "replace", path: "/metadata/uid", value: "bogus" }, { op: "replace", path: "/data/a", value: "2" }]],
  ] as const) {
    const err = await failure(cms.patch("default", "patched", body, type));
    assert.equal(err.code, 422, type);
    assert.equal(err.reason, "Invalid", type);
    assert.equal(err.status.message, immutable("ConfigMap", "patched", "bogus"), type);
    assert.deepEqual(err.status.details?.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "bogus": field is immutable', field: "metadata.uid" }], type);
  }
  assert.equal((await cms.get("default", "patched")).data?.a, "1", "nothing written");

  assert.equal((await cms.patch("default", "patched", { metadata: { uid }, data: { a: "2" } }, "merge")).data?.a, "2");
  // A uid removed by the patch is filled in again from the stored object.
  const removed = await cms.patch("default", "patched", [{ op: "remove", path: "/metadata/uid" }, { op: "replace", path: "/data/a", value: "3" }], "json");
  assert.equal(removed.metadata?.uid, uid);
  assert.equal(removed.data?.a, "3");
});

test("a status patch with another uid fails validation too", async () => {
  const pods = api.client.resource<Pod>(R.pods);
  const pod = await pods.create({ metadata: { name: "status-uid", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
  const err = await failure(pods.patch("default", "status-uid", { metadata: { uid: "bogus" }, status: { phase: "Running" } }, "strategic", { subresource: "status" }));
  assert.equal(err.code, 422);
  assert.equal(err.status.message, immutable("Pod", "status-uid", "bogus"));
  assert.notEqual((await pods.get("default", "status-uid")).status?.phase, "Running");
  const ok = await pods.patch("default", "status-uid", { metadata: { uid: pod.metadata!.uid }, status: { phase: "Running" } }, "strategic", { subresource: "status" });
  assert.equal(ok.status?.phase, "Running");
});

test("server-side apply: another uid fails validation; a uid for an object that does not exist is a conflict", async () => {
  const cms = api.client.resource<ConfigMap>(R.configmaps);
  const cm = await configMap("applied");
  const manifest = (name: string, uid: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", uid }, data: { b: "2" } });
  const err = await failure(cms.patch("default", "applied", manifest("applied", "bogus"), "apply", { fieldManager: "test" }));
  assert.equal(err.code, 422);
  assert.equal(err.status.message, immutable("ConfigMap", "applied", "bogus"));
  assert.equal((await cms.patch("default", "applied", manifest("applied", cm.metadata!.uid!), "apply", { fieldManager: "test" })).data?.b, "2", "the right uid passes");

  const absent = await failure(cms.patch("default", "absent", manifest("absent", "bogus"), "apply", { fieldManager: "test" }));
  assert.equal(absent.code, 409);
  assert.equal(absent.reason, "Conflict");
  assert.equal(absent.status.message, 'Operation cannot be fulfilled on configmaps "absent": uid mismatch: the provided object specified uid bogus, and no existing object was found');
  assert.equal((await failure(cms.get("default", "absent"))).code, 404, "not created");
});

test("an update (PUT) with another uid fails its uid precondition, before the resourceVersion is compared", async () => {
  const cms = api.client.resource<ConfigMap>(R.configmaps);
  const cm = await configMap("put");
  const uid = cm.metadata!.uid!;
  for (const resourceVersion of [cm.metadata!.resourceVersion, "1", undefined]) {
    const err = await failure(cms.update({ ...cm, metadata: { ...cm.metadata, uid: "bogus", resourceVersion }, data: { a: "2" } }));
    assert.equal(err.code, 409);
    assert.equal(err.reason, "Conflict");
    assert.match(err.status.message!, /^Operation cannot be fulfilled on configmaps "put": StorageError: invalid object, Code: 4, Key: \S+, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: bogus, UID in object meta: /);
    assert.ok(err.status.message!.endsWith(`UID in object meta: ${uid}`));
    assert.deepEqual(err.status.details, { name: "put", group: "", kind: "configmaps" });
  }
  assert.equal((await cms.update({ ...cm, data: { a: "2" } })).data?.a, "2", "the right uid passes");

  const pods = api.client.resource<Pod>(R.pods);
  const pod: Pod = await pods.create({ metadata: { name: "put-status", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
  const err = await failure(pods.updateStatus({ ...pod, metadata: { ...pod.metadata, uid: "bogus" }, status: { phase: "Running" } }));
  assert.equal(err.code, 409);
  assert.match(err.status.message!, /Precondition failed: UID in precondition: bogus/);
});

test("scale: a Scale with another uid is a conflict, patched or put", async () => {
  const deployments = api.client.resource<Deployment>(R.deployments);
  const d: Deployment = await deployments.create({
    metadata: { name: "web", namespace: "default" },
    spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
  });
  const uid = d.metadata!.uid!;
  const patched = await failure(deployments.patch("default", "web", { metadata: { uid: "bogus" }, spec: { replicas: 3 } }, "merge", { subresource: "scale" }));
  assert.equal(patched.code, 409);
  assert.equal(patched.status.message, `Operation cannot be fulfilled on deployments/scale.apps "web": Precondition failed: UID in precondition: bogus, UID in object meta: ${uid}`);

  const path = "/apis/apps/v1/namespaces/default/deployments/web/scale";
  const scale = { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web", namespace: "default", uid: "bogus" }, spec: { replicas: 3 } };
  const put = await failure(api.client.json("PUT", path, scale));
  assert.equal(put.code, 409);
  assert.match(put.status.message!, /^Operation cannot be fulfilled on deployments\.apps "web": StorageError: invalid object, .*Precondition failed: UID in precondition: bogus/);
  assert.equal((await deployments.get("default", "web")).spec?.replicas, 1, "nothing written");

  await api.client.json("PUT", path, { ...scale, metadata: { ...scale.metadata, uid } });
  assert.equal((await deployments.get("default", "web")).spec?.replicas, 3);
});
