// End-to-end: the official @kubernetes/client-node informer (list + watch) runs against berth and sees adds,
// updates and deletes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { TestCluster } from "./harness.ts";

let c: TestCluster;
before(async () => { c = await TestCluster.start(); });
after(async () => { await c?.destroy(); });

test("client-node informer lists and watches ConfigMaps", async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: "inf" } } });
  await core.createNamespacedConfigMap({ namespace: "inf", body: { metadata: { name: "pre" }, data: { a: "1" } } });
  const informer = k8s.makeInformer(kc, "/api/v1/namespaces/inf/configmaps", () => core.listNamespacedConfigMap({ namespace: "inf" }));
  const seen: string[] = [];
  informer.on("add", (o) => seen.push(`add:${o.metadata?.name}`));
  informer.on("update", (o) => seen.push(`update:${o.metadata?.name}:${o.data?.a}`));
  informer.on("delete", (o) => seen.push(`delete:${o.metadata?.name}`));
  await informer.start();
  try {
    await core.createNamespacedConfigMap({ namespace: "inf", body: { metadata: { name: "live" }, data: { a: "1" } } });
    await core.patchNamespacedConfigMap({ namespace: "inf", name: "live", body: { data: { a: "2" } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ namespace: "inf", name: "live" });
    const want = ["add:pre", "add:live", "update:live:2", "delete:live"];
    for (let i = 0; i < 100 && want.some((w) => !seen.includes(w)); i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(want.filter((w) => !seen.includes(w)), []);
    assert.ok(informer.list("inf").some((o) => o.metadata?.name === "pre"));
    assert.equal(informer.list("inf").some((o) => o.metadata?.name === "live"), false);
  } finally {
    await informer.stop();
  }
});
