import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { serviceAccountController } from "./index.ts";

let h: ControllerHarness;
before(async () => {
  h = await runControllers([serviceAccountController]);
});
after(() => h.close());

test("a new namespace gets a default ServiceAccount, which comes back when deleted", async () => {
  const c = h.api.client;
  const accounts = c.resource(R.serviceaccounts);
  await c.resource(R.namespaces).create({ metadata: { name: "team" } });
  const first = await eventually(() => accounts.get("team", "default"), 5000, "default ServiceAccount");

  await accounts.delete("team", "default");
  const second = await eventually(async () => {
    const sa = await accounts.get("team", "default");
    return sa.metadata?.uid !== first.metadata?.uid && sa;
  }, 5000, "default ServiceAccount recreated");
  assert.equal(second.metadata?.namespace, "team");
});

test("namespaces that existed before the controller started get one too; other accounts are left alone", async () => {
  const c = h.api.client;
  await eventually(() => c.resource(R.serviceaccounts).get("kube-system", "default"), 5000, "kube-system default ServiceAccount");
  await c.resource(R.serviceaccounts).create({ metadata: { name: "builder", namespace: "kube-system" } });
  await c.resource(R.serviceaccounts).delete("kube-system", "builder");
  await new Promise((r) => setTimeout(r, 200));
  await assert.rejects(c.resource(R.serviceaccounts).get("kube-system", "builder"), isNotFound);
});
