import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R, resourceRef } from "../../client/resources.ts";
import type { ApiObject } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { newGarbageCollectorController } from "./index.ts";

let h: ControllerHarness;
before(async () => {
  h = await runControllers([newGarbageCollectorController()]);
});
after(() => h.close());

const cms = () => h.api.client.resource(R.configmaps);
const ref = (owner: ApiObject, extra: Partial<OwnerReference> = {}): OwnerReference =>
  ({ apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata!.name!, uid: owner.metadata!.uid!, ...extra });
const configMap = (name: string, owners: OwnerReference[] = [], finalizers?: string[]): Promise<ConfigMap> =>
  cms().create({ metadata: { name, namespace: "default", ownerReferences: owners, ...(finalizers ? { finalizers } : {}) } });
const gone = (p: Promise<unknown>): Promise<boolean> => p.then(() => false, (err) => (isNotFound(err) ? true : Promise.reject(err)));
const cmGone = (name: string) => gone(cms().get("default", name));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("background: dependents of a deleted owner go; one with another live owner only loses the reference", async () => {
  const owner = await configMap("bg-owner");
  const other = await configMap("bg-other");
  await configMap("bg-dep", [ref(owner)]);
  await h.api.client.resource(R.secrets).create({ metadata: { name: "bg-secret", namespace: "default", ownerReferences: [ref(owner)] } });
  await configMap("bg-shared", [ref(owner), ref(other)]);
  await configMap("bg-unrelated", [ref(other)]);

  await cms().delete("default", "bg-owner");
  await eventually(() => cmGone("bg-dep"), 10_000, "configmap dependent deleted");
  await eventually(() => gone(h.api.client.resource(R.secrets).get("default", "bg-secret")), 10_000, "secret dependent deleted");
  const shared = await eventually(async () => {
    const cm = await cms().get("default", "bg-shared");
    return cm.metadata?.ownerReferences?.length === 1 && cm;
  }, 10_000, "absent owner reference removed");
  assert.deepEqual(shared.metadata?.ownerReferences?.map((r) => r.name), ["bg-other"]);
  assert.ok(await cms().get("default", "bg-unrelated"));
});

test("an owner replaced by another object of the same name counts as absent", async () => {
  const first = await configMap("re-owner");
  await cms().delete("default", "re-owner");
  await configMap("re-owner");
  await configMap("re-dep", [ref(first)]);
  await eventually(() => cmGone("re-dep"), 10_000, "dependent of the replaced owner deleted");
  assert.ok(await cms().get("default", "re-owner"), "the new owner stays");
});

test("a namespaced owner in another namespace counts as absent", async () => {
  const elsewhere = await cms().create({ metadata: { name: "xns-owner", namespace: "kube-public" } });
  await configMap("xns-dep", [ref(elsewhere)]);
  await eventually(() => cmGone("xns-dep"), 10_000, "dependent with a cross-namespace owner deleted");
  assert.ok(await cms().get("kube-public", "xns-owner"), "the owner itself is untouched");
});

test("a cluster-scoped owner collects namespaced dependents", async () => {
  const roles = h.api.client.resource(resourceRef("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false));
  const role = await roles.create({ metadata: { name: "gc-test-role" } });
  await configMap("cs-dep", [ref(role)]);
  await pause(300);
  assert.ok(await cms().get("default", "cs-dep"), "kept while the owner exists");
  await roles.delete(undefined, "gc-test-role");
  await eventually(() => cmGone("cs-dep"), 10_000, "dependent of the cluster-scoped owner deleted");
});

test("foreground: the owner waits with its finalizer until blocking dependents are gone, however deep", async () => {
  const owner = await configMap("fg-owner");
  const middle = await configMap("fg-middle", [ref(owner, { blockOwnerDeletion: true })]);
  // The leaf holds on with a finalizer of its own, so the chain must wait for it.
  await configMap("fg-leaf", [ref(middle, { blockOwnerDeletion: true })], ["example.com/hold"]);
  await configMap("fg-loose", [ref(owner)]);

  await cms().delete("default", "fg-owner", { propagationPolicy: "Foreground" });
  await eventually(async () => (await cms().get("default", "fg-leaf")).metadata?.deletionTimestamp, 10_000, "leaf being deleted");
  await eventually(() => cmGone("fg-loose"), 10_000, "non-blocking dependent deleted");
  // The middle object has a dependent of its own, so it is deleted in the foreground too.
  const mid = await eventually(async () => {
    const cm = await cms().get("default", "fg-middle");
    return cm.metadata?.finalizers?.includes("foregroundDeletion") && cm;
  }, 10_000, "middle deleted in the foreground");
  assert.ok(mid.metadata?.deletionTimestamp);
  await pause(300);
  const waiting = await cms().get("default", "fg-owner");
  assert.ok(waiting.metadata?.deletionTimestamp);
  assert.deepEqual(waiting.metadata?.finalizers, ["foregroundDeletion"]);

  await cms().patch("default", "fg-leaf", { metadata: { finalizers: null } });
  await eventually(() => cmGone("fg-middle"), 10_000, "middle deleted");
  await eventually(() => cmGone("fg-owner"), 10_000, "owner deleted last");
});

test("orphan: dependents lose the reference to the owner and stay", async () => {
  const owner = await configMap("or-owner");
  const other = await configMap("or-other");
  await configMap("or-dep1", [ref(owner, { blockOwnerDeletion: true })]);
  await configMap("or-dep2", [ref(owner), ref(other)]);

  await cms().delete("default", "or-owner", { propagationPolicy: "Orphan" });
  await eventually(() => cmGone("or-owner"), 10_000, "owner deleted once its dependents are orphaned");
  const dep1 = await cms().get("default", "or-dep1");
  assert.equal(dep1.metadata?.ownerReferences, undefined);
  const dep2 = await cms().get("default", "or-dep2");
  assert.deepEqual(dep2.metadata?.ownerReferences?.map((r) => r.name), ["or-other"]);
  await pause(300);
  assert.ok(await cms().get("default", "or-dep1"), "orphans are not collected afterwards");
});

test("a collector started late finds dependents whose owners went while it was away", async () => {
  const late = await runControllers([]);
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  try {
    const client = late.api.client.resource(R.configmaps);
    const owner = await client.create({ metadata: { name: "late-owner", namespace: "default" } });
    const gone = await client.create({ metadata: { name: "late-gone", namespace: "default" } });
    await client.delete("default", "late-gone");
    await client.create({ metadata: { name: "late-orphan", namespace: "default", ownerReferences: [ref(gone)] } });
    await client.create({ metadata: { name: "late-kept", namespace: "default", ownerReferences: [ref(owner)] } });

    running = newGarbageCollectorController().start({ ...late.ctx, signal: stop.signal });
    await eventually(() => client.get("default", "late-orphan").then(() => false, isNotFound), 10_000, "dependent of a long-gone owner deleted");
    assert.ok(await client.get("default", "late-kept"));
  } finally {
    stop.abort();
    await running;
    await late.close();
  }
});
