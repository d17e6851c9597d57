import { test } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { runControllers, eventually } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import type { Client } from "../../client/rest-client.ts";
import { endpointSliceController } from "./index.ts";
import { createPod, createReadyNode, setPodRunning } from "../endpoints/test-fixtures.ts";

const slicesOf = async (c: Client, svc: string): Promise<EndpointSlice[]> =>
  (await c.resource(R.endpointslices).list({ namespace: "default", labelSelector: `kubernetes.io/service-name=${svc}` })).items;
const byPod = (slices: EndpointSlice[]) => Object.fromEntries(slices.flatMap((s) => s.endpoints ?? []).map((e) => [e.targetRef!.name!, e]));

test("EndpointSlices list pods with ready/serving/terminating conditions, zone, ports and owner", async (t) => {
  const h = await runControllers([endpointSliceController]);
  t.after(() => h.close());
  const c = h.api.client;
  await createReadyNode(c, "n1", { "topology.kubernetes.io/zone": "zone-a" });
  const svc = await c.resource(R.services).create({
    metadata: { name: "web", namespace: "default", labels: { tier: "front" } },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
  });
  const ports = [{ name: "http", containerPort: 8080 }];
  for (const name of ["a", "b", "c"]) await createPod(c, name, { labels: { app: "web" }, nodeName: "n1", ports, hostname: name, subdomain: "web" });
  await setPodRunning(c, "a", "10.1.0.1", true);
  await setPodRunning(c, "b", "10.1.0.2", false);
  await setPodRunning(c, "c", "10.1.0.3", true);
  await c.resource(R.pods).delete("default", "c");

  const slices = await eventually(async () => {
    const s = await slicesOf(c, "web");
    const eps = byPod(s);
    return s.length === 1 && Object.keys(eps).length === 3 && eps.c!.conditions?.terminating ? s : undefined;
  }, 10_000, "web slices");
  const slice = slices[0]!;
  assert.match(slice.metadata!.name!, /^web-[a-z0-9]{5}$/);
  assert.equal(slice.addressType, "IPv4");
  assert.equal(slice.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
  assert.equal(slice.metadata?.labels?.tier, "front");
  assert.deepEqual(slice.metadata?.ownerReferences, [{ apiVersion: "v1", kind: "Service", name: "web", uid: svc.metadata!.uid!, controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(slice.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
  const eps = byPod(slices);
  assert.deepEqual(eps.a!.conditions, { ready: true, serving: true, terminating: false });
  assert.deepEqual(eps.b!.conditions, { ready: false, serving: false, terminating: false });
  assert.deepEqual(eps.c!.conditions, { ready: false, serving: true, terminating: true });
  assert.deepEqual(eps.a!.addresses, ["10.1.0.1"]);
  assert.equal(eps.a!.nodeName, "n1");
  assert.equal(eps.a!.zone, "zone-a");
  assert.equal(eps.a!.hostname, "a");
  assert.equal(eps.a!.targetRef?.uid !== undefined, true);

  // publishNotReadyAddresses: every endpoint is ready, serving still tells the truth.
  await c.resource(R.services).create({ metadata: { name: "pub", namespace: "default" }, spec: { selector: { app: "web" }, publishNotReadyAddresses: true, ports: [{ name: "http", port: 80, targetPort: "http" }] } });
  const pub = byPod(await eventually(async () => { const s = await slicesOf(c, "pub"); return Object.keys(byPod(s)).length === 3 ? s : undefined; }, 10_000, "pub slices"));
  assert.deepEqual(pub.b!.conditions, { ready: true, serving: false, terminating: false });
  assert.deepEqual(pub.c!.conditions, { ready: true, serving: true, terminating: true });

  // b turns ready: the one slice is updated in place.
  await setPodRunning(c, "b", "10.1.0.2", true);
  const after = await eventually(async () => { const s = await slicesOf(c, "web"); return byPod(s).b?.conditions?.ready ? s : undefined; }, 10_000, "b ready");
  assert.equal(after[0]!.metadata!.name, slice.metadata!.name);

  // Without a selector the controller writes no slices; with no pods there is one empty placeholder.
  await c.resource(R.services).create({ metadata: { name: "manual", namespace: "default" }, spec: { ports: [{ port: 80 }] } });
  await c.resource(R.services).create({ metadata: { name: "empty", namespace: "default" }, spec: { selector: { app: "none" }, ports: [{ port: 80 }] } });
  const placeholder = await eventually(async () => { const s = await slicesOf(c, "empty"); return s.length === 1 ? s[0] : undefined; }, 10_000, "placeholder");
  assert.equal(placeholder.endpoints?.length ?? 0, 0);
  assert.equal(placeholder.ports?.length ?? 0, 0);
  assert.equal((await slicesOf(c, "manual")).length, 0);
  assert.equal((await slicesOf(c, "kubernetes")).length, 0);

  // A pod on a node the cache does not know waits for the node.
  await createPod(c, "late", { labels: { app: "web" }, nodeName: "n2", ports });
  await setPodRunning(c, "late", "10.1.0.4", true);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(byPod(await slicesOf(c, "web")).late, undefined);
  await createReadyNode(c, "n2", { "topology.kubernetes.io/zone": "zone-b" });
  await eventually(async () => byPod(await slicesOf(c, "web")).late?.zone === "zone-b", 10_000, "late pod listed once its node exists");

  await c.resource(R.services).delete("default", "web");
  await eventually(async () => (await slicesOf(c, "web")).length === 0, 10_000, "web slices deleted");
});

test("more than 100 endpoints split into slices; a change rewrites only the slice holding it", async (t) => {
  const h = await runControllers([endpointSliceController]);
  t.after(() => h.close());
  const c = h.api.client;
  await createReadyNode(c, "n1");
  await c.resource(R.services).create({ metadata: { name: "big", namespace: "default" }, spec: { selector: { app: "big" }, ports: [{ port: 80, targetPort: 8080 }] } });
  const n = 130;
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    await createPod(c, `p${i}`, { labels: { app: "big" }, nodeName: "n1" });
    await setPodRunning(c, `p${i}`, `10.2.${i >> 8}.${(i & 255) + 1}`, true);
  }));
  const slices = await eventually(async () => {
    const s = await slicesOf(c, "big");
    return s.reduce((k, x) => k + (x.endpoints?.length ?? 0), 0) === n ? s : undefined;
  }, 20_000, "130 endpoints");
  assert.deepEqual(slices.map((s) => s.endpoints!.length).sort((a, b) => a - b), [30, 100]);
  assert.equal(new Set(slices.flatMap((s) => s.endpoints!.map((e) => e.addresses[0]))).size, n);

  const holder = slices.find((s) => s.endpoints!.some((e) => e.targetRef!.name === "p7"))!;
  const other = slices.find((s) => s !== holder)!;
  await setPodRunning(c, "p7", "10.2.0.8", false);
  await eventually(async () => {
    const s = await slicesOf(c, "big");
    return byPod(s).p7?.conditions?.ready === false;
  }, 10_000, "p7 not ready");
  const now = await slicesOf(c, "big");
  assert.equal(now.length, 2);
  assert.equal(now.find((s) => s.metadata!.name === other.metadata!.name)!.metadata!.resourceVersion, other.metadata!.resourceVersion, "the other slice is not rewritten");
});
