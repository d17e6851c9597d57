import { test } from "node:test";
import assert from "node:assert/strict";
import { runControllers, eventually } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { podGcController } from "./index.ts";
import { createPod, createReadyNode, setPodRunning } from "../endpoints/test-fixtures.ts";

test("pods on a deleted node are force-deleted after the quarantine; the oldest terminated pods beyond the threshold go", async (t) => {
  const h = await runControllers([podGcController({ quarantineMs: 800, terminatedPodThreshold: 2 })]);
  t.after(() => h.close());
  const c = h.api.client;
  const pods = c.resource(R.pods);
  const gone = (name: string) => pods.get("default", name).then(() => false, (err) => isNotFound(err));
  await createReadyNode(c, "doomed");
  await createReadyNode(c, "stays");
  await createPod(c, "running", { nodeName: "doomed" });
  await setPodRunning(c, "running", "10.1.0.1", true);
  await createPod(c, "terminating", { nodeName: "doomed" });
  await setPodRunning(c, "terminating", "10.1.0.2", true);
  await pods.delete("default", "terminating");
  await createPod(c, "ghost", { nodeName: "never-existed" });
  await createPod(c, "safe", { nodeName: "stays" });

  await c.resource(R.nodes).delete(undefined, "doomed");
  const deletedAt = Date.now();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await gone("running"), false, "still in quarantine");
  await eventually(async () => (await gone("running")) && (await gone("terminating")) && (await gone("ghost")), 5000, "orphans deleted");
  assert.ok(Date.now() - deletedAt >= 700, "not before the quarantine ends");
  assert.equal(await gone("safe"), false);

  for (const name of ["t1", "t2", "t3", "t4"]) {
    await createPod(c, name, { nodeName: "stays" });
    await pods.patch("default", name, { status: { phase: "Succeeded" } }, "merge", { subresource: "status" });
  }
  await eventually(async () => (await gone("t1")) && (await gone("t2")), 5000, "oldest terminated pods deleted");
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual([await gone("t3"), await gone("t4"), await gone("safe")], [false, false, false]);
});
