import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, Toleration } from "kubernetes-types/core/v1";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { defaultTolerationSeconds } from "./default-tolerations.ts";

const notReady = { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };
const unreachable = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };

function admit(tolerations: Toleration[] | undefined, opts: { subresource?: string; kind?: string; operation?: "CREATE" | "UPDATE" | "DELETE" } = {}): Toleration[] | undefined {
  const pod = { spec: { containers: [], tolerations } } as KubeObject;
  void defaultTolerationSeconds().admit!({
    operation: opts.operation ?? "CREATE", resource: { group: "", kind: opts.kind ?? "Pod" } as ResourceType, subresource: opts.subresource,
    namespace: "default", name: "p", object: pod, old: undefined, user: undefined, dryRun: false, onFinish: () => undefined,
  });
  return (pod as Pod).spec!.tolerations;
}

test("pods get 300 s not-ready and unreachable NoExecute tolerations unless they already tolerate those taints", () => {
  assert.deepEqual(admit(undefined), [notReady, unreachable]);
  const own = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 };
  assert.deepEqual(admit([own]), [own, notReady]);
  // Key and effect decide, not operator or value; an empty key or effect matches.
  const equal = { key: "node.kubernetes.io/not-ready", operator: "Equal", value: "x" };
  assert.deepEqual(admit([equal]), [equal, unreachable]);
  assert.deepEqual(admit([{ operator: "Exists" }]), [{ operator: "Exists" }]);
  const noSchedule = { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" };
  assert.deepEqual(admit([noSchedule]), [noSchedule, notReady, unreachable]);
  // Updates too, as upstream: a replaced spec cannot drop them.
  assert.deepEqual(admit(undefined, { operation: "UPDATE" }), [notReady, unreachable]);
  assert.equal(admit(undefined, { operation: "DELETE" }), undefined);
  assert.equal(admit(undefined, { subresource: "status" }), undefined);
  assert.equal(admit(undefined, { kind: "PodTemplate" }), undefined);
});

test("the API server applies it to pods it creates", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const pods = api.client.resource<Pod>({ group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true });
  const pod = await pods.create({ metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
  assert.deepEqual(pod.spec?.tolerations, [notReady, unreachable]);
});
