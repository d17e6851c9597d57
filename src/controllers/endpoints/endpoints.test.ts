import { test } from "node:test";
import assert from "node:assert/strict";
import type { Endpoints } from "kubernetes-types/core/v1";
import { runControllers, eventually } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { endpointsController } from "./index.ts";
import { createPod, createReadyNode, setPodRunning } from "./test-fixtures.ts";

const ips = (addrs: { ip: string }[] | undefined) => (addrs ?? []).map((a) => a.ip);

test("Endpoints follow the selected pods: ready and not-ready addresses, named ports per pod, terminating pods, headless, deletion", async (t) => {
  const h = await runControllers([endpointsController]);
  t.after(() => h.close());
  const c = h.api.client;
  const services = c.resource(R.services);
  const eps = c.resource(R.endpoints);
  const get = (name: string) => eps.get("default", name);
  await createReadyNode(c, "n1");

  await services.create({
    metadata: { name: "web", namespace: "default", labels: { tier: "front" } },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }, { name: "metrics", port: 9090 }] },
  });
  const httpPort = (n: number) => [{ name: "http", containerPort: n }];
  await createPod(c, "a", { labels: { app: "web" }, nodeName: "n1", ports: httpPort(8080), hostname: "a", subdomain: "web" });
  await createPod(c, "b", { labels: { app: "web" }, nodeName: "n1", ports: httpPort(8081) });
  await createPod(c, "c", { labels: { app: "web" }, nodeName: "n1", ports: httpPort(8080) });
  await createPod(c, "no-ip", { labels: { app: "web" }, nodeName: "n1", ports: httpPort(8080) });
  await createPod(c, "other", { labels: { app: "other" }, nodeName: "n1", ports: httpPort(8080) });
  await setPodRunning(c, "a", "10.1.0.1", true);
  await setPodRunning(c, "b", "10.1.0.2", true);
  await setPodRunning(c, "c", "10.1.0.3", false);
  await setPodRunning(c, "other", "10.1.0.9", true);

  // Subsets group addresses by identical port sets: http is 8080 on a and c but 8081 on b, metrics is 9090 on all.
  const ep = await eventually(async () => {
    const e = await get("web");
    return e.subsets?.length === 3 && e.subsets.some((s) => s.notReadyAddresses?.length) ? e : undefined;
  }, 10_000, "web Endpoints");
  const byPort = (port: number) => ep.subsets!.find((s) => s.ports!.some((p) => p.port === port))!;
  const by8080 = byPort(8080);
  const by8081 = byPort(8081);
  const by9090 = byPort(9090);
  assert.deepEqual(ips(by8080.addresses), ["10.1.0.1"]);
  assert.deepEqual(ips(by8080.notReadyAddresses), ["10.1.0.3"]);
  assert.deepEqual(ips(by8081.addresses), ["10.1.0.2"]);
  assert.equal(by8081.notReadyAddresses, undefined);
  assert.deepEqual(ips(by9090.addresses), ["10.1.0.1", "10.1.0.2"]);
  assert.deepEqual(ips(by9090.notReadyAddresses), ["10.1.0.3"]);
  assert.deepEqual(ep.subsets!.map((s) => s.ports!.map((p) => `${p.name}:${p.port}/${p.protocol}`).join()).sort(), ["http:8080/TCP", "http:8081/TCP", "metrics:9090/TCP"]);
  const a = by8080.addresses![0]!;
  assert.equal(a.hostname, "a");
  assert.equal(a.nodeName, "n1");
  assert.equal(a.targetRef?.kind, "Pod");
  assert.equal(a.targetRef?.name, "a");
  assert.ok(a.targetRef?.uid);
  assert.equal(by8081.addresses![0]!.hostname, undefined, "b names no subdomain");
  assert.equal(ep.metadata?.labels?.tier, "front");
  assert.equal(ep.metadata?.labels?.["service.kubernetes.io/headless"], undefined);
  assert.match(ep.metadata?.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // Nothing relevant changes: no write.
  await c.resource(R.pods).patch("default", "a", { metadata: { annotations: { note: "x" } } });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await get("web")).metadata?.resourceVersion, ep.metadata?.resourceVersion, "an irrelevant pod change writes nothing");

  // c turns ready; a terminates (graceful deletion keeps it, with a deletionTimestamp).
  await setPodRunning(c, "c", "10.1.0.3", true);
  await c.resource(R.pods).delete("default", "a");
  await eventually(async () => {
    const e = await get("web");
    const s9090 = e.subsets?.find((s) => s.ports!.some((p) => p.port === 9090));
    return s9090 && ips(s9090.addresses).join() === "10.1.0.2,10.1.0.3" && !s9090.notReadyAddresses;
  }, 10_000, "c ready, a gone");

  // publishNotReadyAddresses: every pod with an IP is an address, terminating ones included.
  await services.create({ metadata: { name: "pub", namespace: "default" }, spec: { selector: { app: "web" }, publishNotReadyAddresses: true, clusterIP: "None", ports: [{ name: "http", port: 80, targetPort: "http" }] } });
  await setPodRunning(c, "b", "10.1.0.2", false);
  const pub = await eventually(async () => {
    const e = await get("pub");
    return e.subsets?.flatMap((s) => ips(s.addresses)).length === 3 ? e : undefined;
  }, 10_000, "pub Endpoints");
  assert.deepEqual(pub.subsets!.flatMap((s) => ips(s.addresses)).sort(), ["10.1.0.1", "10.1.0.2", "10.1.0.3"]);
  assert.ok(pub.subsets!.every((s) => !s.notReadyAddresses));
  assert.equal(pub.metadata?.labels?.["service.kubernetes.io/headless"], "");

  // The Service goes, and its Endpoints with it.
  await services.delete("default", "web");
  await eventually(async () => get("web").then(() => false, (err) => isNotFound(err)), 10_000, "web Endpoints deleted");
});

test("Services without a selector keep their hand-written Endpoints, and the kubernetes Endpoints stay the API server's", async (t) => {
  const h = await runControllers([endpointsController]);
  t.after(() => h.close());
  const c = h.api.client;
  const eps = c.resource(R.endpoints);
  const apiBefore = await eps.get("default", "kubernetes");
  await c.resource(R.services).create({ metadata: { name: "manual", namespace: "default" }, spec: { ports: [{ port: 80 }] } });
  const manual: Endpoints = { metadata: { name: "manual", namespace: "default" }, subsets: [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 80 }] }] };
  const created = await eps.create(manual);
  // A selector-bearing Service synced after them shows the controller has worked through its queue.
  await c.resource(R.services).create({ metadata: { name: "probe", namespace: "default" }, spec: { selector: { app: "none" }, ports: [{ port: 80 }] } });
  await eventually(() => eps.get("default", "probe"), 10_000, "probe Endpoints");
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await eps.get("default", "manual")).metadata?.resourceVersion, created.metadata?.resourceVersion);
  assert.deepEqual((await eps.get("default", "kubernetes")).subsets, apiBefore.subsets);
  assert.equal((await eps.get("default", "kubernetes")).metadata?.resourceVersion, apiBefore.metadata?.resourceVersion);
  assert.equal((await eps.get("default", "probe")).subsets, undefined, "no pods: no subsets");
});
