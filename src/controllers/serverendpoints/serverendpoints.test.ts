import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { TestApi } from "../../../test/support/api-server.ts";
import { eventually } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import { microTime } from "../../client/node-lease.ts";
import { runServerEndpoints } from "./index.ts";
import type { ServedService } from "./index.ts";

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(() => api.close());

const services = (apiPort: number): ServedService[] => [
  { namespace: "default", name: "kubernetes", ports: [{ name: "https", port: apiPort, protocol: "TCP" }] },
  { namespace: "kube-system", name: "kube-dns", ports: [{ name: "dns", port: 10053, protocol: "UDP" }, { name: "dns-tcp", port: 10053, protocol: "TCP" }] },
];

test("every running server is an endpoint of the API and DNS Services; a stopped or expired one drops out", async (t) => {
  const { client } = api;
  // A server that died long ago without withdrawing: its Lease has expired.
  await client.resource(R.leases).create({
    metadata: { name: "berth-server-dead", namespace: "kube-system", labels: { "berth.dev/server-endpoints": "true" }, annotations: { "berth.dev/serves": JSON.stringify({ address: "10.9.9.9", services: { "default/kubernetes": [{ name: "https", port: 6443, protocol: "TCP" }] } }) } },
    spec: { holderIdentity: "dead", leaseDurationSeconds: 1, renewTime: microTime(new Date(Date.now() - 5000)) },
  });
  const a = new AbortController();
  const b = new AbortController();
  t.after(() => { a.abort(); b.abort(); });
  const runA = runServerEndpoints({ client, address: "10.0.0.1", identity: "a", services: services(6443), periodMs: 1000, signal: a.signal });
  const runB = runServerEndpoints({ client, address: "10.0.0.2", identity: "b", services: services(7443), periodMs: 1000, signal: b.signal });
  const sliceAddresses = async (ns: string, name: string) =>
    (await client.resource(R.endpointslices).list({ namespace: ns, labelSelector: `kubernetes.io/service-name=${name}` })).items.flatMap((s) => s.endpoints.flatMap((e) => e.addresses)).sort().join(",");

  const subsetsNow = async (ns: string, name: string) => (await client.resource(R.endpoints).get(ns, name).catch(() => undefined))?.subsets ?? [];
  const apiSubsets = [
    { addresses: [{ ip: "10.0.0.1" }], ports: [{ name: "https", port: 6443, protocol: "TCP" }] },
    { addresses: [{ ip: "10.0.0.2" }], ports: [{ name: "https", port: 7443, protocol: "TCP" }] },
  ];
  const dnsSubsets = [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ name: "dns", port: 10053, protocol: "UDP" }, { name: "dns-tcp", port: 10053, protocol: "TCP" }] }];
  // Both servers reconcile every period; wait until the last writes of both are in.
  await eventually(async () => (await sliceAddresses("default", "kubernetes")) === "10.0.0.1,10.0.0.2" || undefined, 5000, "both servers in the API slices");
  await eventually(async () => (await sliceAddresses("kube-system", "kube-dns")) === "10.0.0.1,10.0.0.2" || undefined, 5000, "both servers in the DNS slices");
  await eventually(async () => JSON.stringify(await subsetsNow("default", "kubernetes")) === JSON.stringify(apiSubsets) || undefined, 5000, "both servers, each with its port, in the API Endpoints");
  await eventually(async () => JSON.stringify(await subsetsNow("kube-system", "kube-dns")) === JSON.stringify(dnsSubsets) || undefined, 5000, "both servers in one DNS subset");
  // One slice per port set; the one for most servers carries the Service's own name, as upstream's does.
  const sliceNames = async (ns: string, name: string) =>
    (await client.resource(R.endpointslices).list({ namespace: ns, labelSelector: `kubernetes.io/service-name=${name}` })).items.map((s) => s.metadata!.name!).sort();
  assert.deepEqual(await sliceNames("kube-system", "kube-dns"), ["kube-dns"]);
  assert.equal((await sliceNames("default", "kubernetes")).length, 2);
  assert.ok((await sliceNames("default", "kubernetes")).includes("kubernetes"));

  b.abort();
  await runB;
  // Well within B's Lease (3 s): it withdrew, rather than expired. (A round of A's already under way may still
  // write B back once; its next round corrects that.)
  await eventually(async () => (await sliceAddresses("default", "kubernetes")) === "10.0.0.1" || undefined, 1500, "B withdrawn from the API slices");
  await eventually(async () => JSON.stringify((await subsetsNow("kube-system", "kube-dns"))[0]?.addresses) === JSON.stringify([{ ip: "10.0.0.1" }]) || undefined, 1500, "B withdrawn from DNS");
  a.abort();
  await runA;
});
