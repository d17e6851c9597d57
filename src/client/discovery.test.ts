import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { startTestApi } from "../../test/support/api-server.ts";
import type { TestApi } from "../../test/support/api-server.ts";
import { Client } from "./rest-client.ts";
import type { Transport, TransportRequest } from "./transport.ts";
import { readAll } from "./transport.ts";
import { describeFailures, discoverResources, groupResource, parseGroupVersion, supportsVerbs } from "./discovery.ts";

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(() => api.close());

test("discovers served resources once each, in their preferred version, without subresources", async () => {
  const { resources, failures, unparsable } = await discoverResources(api.client);
  assert.deepEqual(failures, []);
  assert.deepEqual(unparsable, []);
  const byName = new Map(resources.map((r) => [groupResource(r), r]));
  assert.equal(byName.size, resources.length, "each resource once");
  const pods = byName.get("pods")!;
  assert.deepEqual({ ...pods, verbs: [...pods.verbs].sort() }, {
    group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true,
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  });
  assert.equal(byName.get("namespaces")?.namespaced, false);
  assert.equal(byName.get("deployments.apps")?.version, "v1");
  assert.equal(byName.get("horizontalpodautoscalers.autoscaling")?.version, "v2");
  assert.ok(!resources.some((r) => r.resource.includes("/")), "no subresources");
  assert.ok(supportsVerbs(byName.get("customresourcedefinitions.apiextensions.k8s.io")!, "list", "watch"));
  assert.ok(!supportsVerbs(byName.get("customresourcedefinitions.apiextensions.k8s.io")!, "delete"));
});

/** Answers /apis with two extra groups: one whose version fails, one with a malformed group version. */
class ExtraGroups implements Transport {
  private readonly inner: Transport;
  constructor(inner: Transport) {
    this.inner = inner;
  }
  async request(req: TransportRequest) {
    const res = await this.inner.request(req);
    if (req.path !== "/apis") return res;
    const list = JSON.parse(await readAll(res.body));
    list.groups.push(
      { name: "broken.example", versions: [{ groupVersion: "broken.example/v1", version: "v1" }], preferredVersion: { groupVersion: "broken.example/v1", version: "v1" } },
      { name: "odd", versions: [{ groupVersion: "odd/v1/extra", version: "v1" }] },
    );
    return { ...res, body: Readable.from([JSON.stringify(list)]) };
  }
  close() {}
}

test("group versions that fail or cannot be parsed are reported beside the rest", async () => {
  const client = new Client(new ExtraGroups(api.client.transport), "test");
  const { resources, failures, unparsable } = await discoverResources(client);
  assert.ok(resources.some((r) => r.resource === "configmaps"));
  assert.deepEqual(failures.map((f) => f.groupVersion), ["broken.example/v1"]);
  assert.deepEqual(unparsable, ["odd/v1/extra"]);
  assert.match(describeFailures(failures), /^unable to retrieve the complete list of server APIs: broken\.example\/v1: /);
});

test("parseGroupVersion", () => {
  assert.deepEqual(parseGroupVersion("v1"), { group: "", version: "v1" });
  assert.deepEqual(parseGroupVersion("apps/v1"), { group: "apps", version: "v1" });
  assert.equal(parseGroupVersion("a/b/c"), undefined);
  assert.equal(parseGroupVersion(""), undefined);
});
