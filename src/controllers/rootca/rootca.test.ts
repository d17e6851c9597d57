import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import { rootCaPublisherController, ROOT_CA_CONFIGMAP } from "./index.ts";

let h: ControllerHarness;
before(async () => {
  h = await runControllers([rootCaPublisherController]);
});
after(() => h.close());

const DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

test("every namespace gets kube-root-ca.crt with the cluster CA, restored after deletion or edits", async () => {
  const c = h.api.client;
  const cms = c.resource(R.configmaps);
  const ca = h.ctx.rootCaPem;
  await c.resource(R.namespaces).create({ metadata: { name: "app" } });
  const cm = await eventually(() => cms.get("app", ROOT_CA_CONFIGMAP), 5000, "kube-root-ca.crt");
  assert.deepEqual(cm.data, { "ca.crt": ca });
  assert.equal(cm.metadata?.annotations?.["kubernetes.io/description"], DESCRIPTION);
  await eventually(() => cms.get("default", ROOT_CA_CONFIGMAP), 5000, "kube-root-ca.crt in a namespace that existed before");

  await cms.delete("app", ROOT_CA_CONFIGMAP);
  await eventually(async () => (await cms.get("app", ROOT_CA_CONFIGMAP)).metadata?.uid !== cm.metadata?.uid, 5000, "recreated");

  await cms.patch("app", ROOT_CA_CONFIGMAP, { data: { "ca.crt": "tampered", extra: "x" }, metadata: { annotations: { "kubernetes.io/description": null, team: "a" } } });
  const restored = await eventually(async () => {
    const now = await cms.get("app", ROOT_CA_CONFIGMAP);
    return now.data?.["ca.crt"] === ca && now;
  }, 5000, "data restored");
  assert.deepEqual(restored.data, { "ca.crt": ca });
  assert.equal(restored.metadata?.annotations?.["kubernetes.io/description"], DESCRIPTION);
  assert.equal(restored.metadata?.annotations?.team, "a", "other annotations are kept");
});
