import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Namespace } from "kubernetes-types/core/v1";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import type { ResourceRef } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { newNamespaceController } from "./index.ts";
import { serviceAccountController } from "../serviceaccount/index.ts";
import { rootCaPublisherController } from "../rootca/index.ts";

let h: ControllerHarness;
// The default ServiceAccount and kube-root-ca.crt controllers run too: they must not refill a terminating namespace.
before(async () => {
  h = await runControllers([newNamespaceController({ recheckMs: 200 }), serviceAccountController, rootCaPublisherController]);
});
after(() => h.close());

const gone = async (p: Promise<unknown>): Promise<boolean> => p.then(() => false, (err) => (isNotFound(err) ? true : Promise.reject(err)));
const condition = (ns: Namespace, type: string) => ns.status?.conditions?.find((c) => c.type === type);

test("deleting a namespace deletes its content, then the namespace", async () => {
  const c = h.api.client;
  await c.resource(R.namespaces).create({ metadata: { name: "doomed" } });
  await c.resource(R.configmaps).create({ metadata: { name: "a", namespace: "doomed" }, data: { k: "v" } });
  await c.resource(R.configmaps).create({ metadata: { name: "b", namespace: "doomed" } });
  await c.resource(R.secrets).create({ metadata: { name: "s", namespace: "doomed" }, stringData: { k: "v" } });
  await c.resource(R.services).create({ metadata: { name: "svc", namespace: "doomed" }, spec: { ports: [{ port: 80 }] } });
  await c.resource(R.pods).create({ metadata: { name: "p", namespace: "doomed" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
  const labels = { app: "web" };
  await c.resource(R.deployments).create({
    metadata: { name: "web", namespace: "doomed" },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
  });
  await eventually(() => c.resource(R.serviceaccounts).get("doomed", "default"), 5000, "default ServiceAccount");

  await c.resource(R.namespaces).delete(undefined, "doomed");
  await eventually(() => gone(c.resource(R.namespaces).get(undefined, "doomed")), 10_000, "namespace deleted");
  for (const r of [R.configmaps, R.secrets, R.services, R.pods, R.deployments, R.serviceaccounts] as ResourceRef[]) {
    assert.deepEqual((await c.resource(r).list({ namespace: "doomed" })).items, [], `${r.resource} left behind`);
  }
});

test("content with a finalizer keeps the namespace terminating, with conditions saying why, until it is removed", async () => {
  const c = h.api.client;
  const cms = c.resource(R.configmaps);
  await c.resource(R.namespaces).create({ metadata: { name: "held" } });
  await cms.create({ metadata: { name: "pinned", namespace: "held", finalizers: ["example.com/hold"] } });
  await cms.create({ metadata: { name: "free", namespace: "held" } });

  await c.resource(R.namespaces).delete(undefined, "held");
  const ns = await eventually(async () => {
    const ns = await c.resource(R.namespaces).get(undefined, "held");
    return condition(ns, "NamespaceFinalizersRemaining")?.status === "True" && ns;
  }, 10_000, "finalizer conditions");
  assert.equal(ns.status?.phase, "Terminating");
  assert.deepEqual(condition(ns, "NamespaceContentRemaining"), {
    type: "NamespaceContentRemaining", status: "True", reason: "SomeResourcesRemain",
    message: "Some resources are remaining: configmaps. has 1 resource instances", lastTransitionTime: condition(ns, "NamespaceContentRemaining")!.lastTransitionTime,
  });
  assert.equal(condition(ns, "NamespaceFinalizersRemaining")?.message, "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances");
  assert.equal(condition(ns, "NamespaceFinalizersRemaining")?.reason, "SomeFinalizersRemain");
  assert.equal(condition(ns, "NamespaceDeletionDiscoveryFailure")?.status, "False");
  assert.equal(condition(ns, "NamespaceDeletionContentFailure")?.reason, "ContentDeleted");
  assert.equal(await gone(cms.get("held", "free")), true);
  assert.ok((await cms.get("held", "pinned")).metadata?.deletionTimestamp);

  // Still there a while later: the controller keeps waiting rather than finalizing.
  await new Promise((r) => setTimeout(r, 600));
  assert.ok(await c.resource(R.namespaces).get(undefined, "held"));

  await cms.patch("held", "pinned", { metadata: { finalizers: null } });
  await eventually(() => gone(c.resource(R.namespaces).get(undefined, "held")), 10_000, "namespace deleted after the finalizer went");
});
