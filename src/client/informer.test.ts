import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestApi } from "../../test/support/api-server.ts";
import { R } from "./resources.ts";
import { Informer, objectOf } from "./informer.ts";
import type { ConfigMap } from "kubernetes-types/core/v1";
import { isNotFound, isConflict } from "./errors.ts";

for (const transport of ["in-process", "https"] as const) {
  test(`rest client and informer over ${transport}`, async (t) => {
    const api = await startTestApi();
    t.after(() => api.close());
    const client = transport === "https" ? api.httpsClient() : api.client;
    const cms = client.resource(R.configmaps);
    await cms.create({ metadata: { name: "a", namespace: "default" }, data: { k: "1" } });

    const events: string[] = [];
    const inf = new Informer(cms, { namespace: "default" });
    inf.addHandlers({
      onAdd: (o) => events.push(`add ${o.metadata!.name}`),
      onUpdate: (o, n) => events.push(`update ${n.metadata!.name} ${o.data?.k}->${n.data?.k}`),
      onDelete: (o) => events.push(`delete ${objectOf(o).metadata!.name}`),
    });
    const abort = new AbortController();
    t.after(() => abort.abort());
    inf.run(abort.signal);
    await inf.waitForSync();
    assert.equal(inf.store.getByName("default", "a")?.data?.k, "1");

    const b = await cms.create({ metadata: { name: "b", namespace: "default" } });
    await cms.patch("default", "a", { data: { k: "2" } });
    await assert.rejects(cms.update({ ...b, data: { x: "y" }, metadata: { ...b.metadata, resourceVersion: "1" } }), isConflict);
    await cms.delete("default", "b");
    await assert.rejects(cms.get("default", "b"), isNotFound);
    await waitFor(() => events.length >= 4);
    assert.deepEqual(events, ["add a", "add b", "update a 1->2", "delete b"]);
    const listed = await cms.list({ namespace: "default" });
    assert.deepEqual(listed.items.map((c: ConfigMap) => c.metadata!.name), ["a"]);
  });
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
