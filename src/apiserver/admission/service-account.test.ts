import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, PodSpec, ServiceAccount } from "kubernetes-types/core/v1";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { serviceAccountAdmission, tokenVolume, TOKEN_MOUNT_PATH } from "./service-account.ts";

async function admit(spec: PodSpec, opts: { accounts?: ServiceAccount[]; operation?: "CREATE" | "UPDATE"; annotations?: Record<string, string> } = {}): Promise<PodSpec> {
  const pod = { metadata: { name: "p", namespace: "ns", annotations: opts.annotations }, spec } as KubeObject;
  const plugin = serviceAccountAdmission(async (ns, name) => opts.accounts?.find((a) => a.metadata?.namespace === ns && a.metadata?.name === name));
  await plugin.admit!({
    operation: opts.operation ?? "CREATE", resource: { group: "", kind: "Pod" } as ResourceType, subresource: undefined,
    namespace: "ns", name: "p", object: pod, old: undefined, user: undefined, dryRun: false, onFinish: () => undefined,
  });
  return (pod as Pod).spec!;
}

const sa = (name: string, extra: Partial<ServiceAccount> = {}): ServiceAccount => ({ metadata: { name, namespace: "ns" }, ...extra });

test("defaults the account and mounts a kube-api-access volume in every container and init container", async () => {
  const spec = await admit({ initContainers: [{ name: "i" }], containers: [{ name: "a" }, { name: "b", volumeMounts: [{ name: "x", mountPath: "/x" }] }] });
  assert.equal(spec.serviceAccountName, "default");
  assert.equal((spec as { serviceAccount?: string }).serviceAccount, "default");
  assert.equal(spec.volumes?.length, 1);
  const vol = spec.volumes![0];
  assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(vol, tokenVolume(vol.name));
  assert.deepEqual(vol.projected, {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
    ],
  });
  const mount = { name: vol.name, readOnly: true, mountPath: TOKEN_MOUNT_PATH };
  assert.deepEqual(spec.initContainers![0].volumeMounts, [mount]);
  assert.deepEqual(spec.containers[0].volumeMounts, [mount]);
  assert.deepEqual(spec.containers[1].volumeMounts, [{ name: "x", mountPath: "/x" }, mount]);
});

test("automount false on the pod or (when the pod is silent) on the account leaves the pod without a token", async () => {
  assert.equal((await admit({ automountServiceAccountToken: false, containers: [{ name: "a" }] })).volumes, undefined);
  const off = [sa("robot", { automountServiceAccountToken: false })];
  assert.equal((await admit({ serviceAccountName: "robot", containers: [{ name: "a" }] }, { accounts: off })).volumes, undefined);
  // The pod's own true wins over the account's false.
  const on = await admit({ serviceAccountName: "robot", automountServiceAccountToken: true, containers: [{ name: "a" }] }, { accounts: off });
  assert.equal(on.volumes?.length, 1);
});

test("containers that already mount the path are left alone; only creates of non-mirror pods change", async () => {
  const own = { name: "mine", mountPath: TOKEN_MOUNT_PATH };
  const spec = await admit({ containers: [{ name: "a", volumeMounts: [own] }] });
  assert.equal(spec.volumes, undefined);
  assert.deepEqual(spec.containers[0].volumeMounts, [own]);
  assert.equal((await admit({ containers: [{ name: "a" }] }, { operation: "UPDATE" })).serviceAccountName, undefined);
  assert.equal((await admit({ containers: [{ name: "a" }] }, { annotations: { "kubernetes.io/config.mirror": "x" } })).volumes, undefined);
});

test("the deprecated serviceAccount field names the account; imagePullSecrets come from the account", async () => {
  const accounts = [sa("builder", { imagePullSecrets: [{ name: "regcred" }] })];
  const spec = await admit({ serviceAccount: "builder", containers: [{ name: "a" }] } as PodSpec, { accounts });
  assert.equal(spec.serviceAccountName, "builder");
  assert.deepEqual(spec.imagePullSecrets, [{ name: "regcred" }]);
  const own = await admit({ serviceAccountName: "builder", imagePullSecrets: [{ name: "mine" }], containers: [{ name: "a" }] }, { accounts });
  assert.deepEqual(own.imagePullSecrets, [{ name: "mine" }]);
});

test("the API server applies it to pods it creates", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const pod = await api.client.resource<Pod>({ group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true }).create({ metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
  assert.equal(pod.spec?.serviceAccountName, "default");
  assert.match(pod.spec?.volumes?.[0].name ?? "", /^kube-api-access-/);
  assert.equal(pod.spec?.containers[0].volumeMounts?.[0].mountPath, TOKEN_MOUNT_PATH);
});
