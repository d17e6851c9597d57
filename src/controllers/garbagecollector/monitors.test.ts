import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { TestApi } from "../../../test/support/api-server.ts";
import { discoverResources } from "../../client/discovery.ts";
import type { DiscoveryResult } from "../../client/discovery.ts";
import { R } from "../../client/resources.ts";
import { Monitors } from "./monitors.ts";

let api: TestApi;
const stop = new AbortController();
before(async () => {
  api = await startTestApi();
});
after(async () => {
  stop.abort();
  await api.close();
});

test("monitors follow discovery: new resources are watched, removed ones dropped, failed groups kept", async () => {
  const added: string[] = [];
  const monitors = new Monitors(api.client, { onAdd: (t) => added.push(`${t.resource.resource}/${t.obj.metadata?.name}`), onUpdate() {}, onDelete() {} }, stop.signal);
  const all = await discoverResources(api.client);
  const without = (d: DiscoveryResult, resource: string): DiscoveryResult => ({ ...d, resources: d.resources.filter((r) => r.resource !== resource) });

  const owner = await api.client.resource(R.configmaps).create({ metadata: { name: "m-owner", namespace: "default" } });
  await api.client.resource(R.configmaps).create({
    metadata: { name: "m-dep", namespace: "default", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "m-owner", uid: owner.metadata!.uid! }] },
  });

  monitors.update(without(all, "configmaps"));
  assert.equal(monitors.resource("configmaps"), undefined);
  assert.ok(monitors.resource("deployments.apps"));
  assert.equal(monitors.resource("events"), undefined, "events are never monitored");
  assert.equal(monitors.mapping("v1", "ConfigMap"), undefined);

  monitors.update(all);
  await monitors.waitForSync();
  assert.ok(added.includes("configmaps/m-dep"), "a resource that appears is listed");
  assert.deepEqual(monitors.dependentsOf(owner.metadata!.uid!).map((t) => t.obj.metadata?.name), ["m-dep"]);
  const cached = monitors.cached("configmaps", "default", "m-dep") as { kind?: string; data?: unknown };
  assert.equal(cached.kind, "PartialObjectMetadata", "monitors hold metadata only");
  assert.equal(cached.data, undefined);
  assert.equal(monitors.cachedOwner({ apiVersion: "v1", kind: "ConfigMap", name: "m-owner", uid: owner.metadata!.uid! }, "default")?.obj.metadata?.name, "m-owner");
  assert.equal(monitors.cachedOwner({ apiVersion: "v1", kind: "ConfigMap", name: "m-owner", uid: "other" }, "default"), undefined, "same name, other uid");
  assert.equal(monitors.mapping("autoscaling/v1", "HorizontalPodAutoscaler")?.version, "v2", "any version of a kind maps to its served resource");

  const hpa = monitors.resource("horizontalpodautoscalers.autoscaling");
  monitors.update({ ...all, resources: all.resources.map((r) => (r.resource === "horizontalpodautoscalers" ? { ...r, version: "v1" } : r)) });
  assert.equal(monitors.resource("horizontalpodautoscalers.autoscaling")?.version, "v1", "a new preferred version replaces the monitor");
  assert.notEqual(monitors.resource("horizontalpodautoscalers.autoscaling"), hpa);

  monitors.update({ ...without(all, "deployments"), failures: [{ groupVersion: "apps/v1", error: new Error("unavailable") }] });
  assert.ok(monitors.resource("deployments.apps"), "kept while its group does not answer");
  monitors.update(without(all, "deployments"));
  assert.equal(monitors.resource("deployments.apps"), undefined, "dropped once the group answers without it");
});
