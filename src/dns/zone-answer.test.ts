import { test } from "node:test";
import assert from "node:assert/strict";
import type { Answer, RecordType } from "dns-packet";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { ClusterRecords } from "./cluster-records.ts";
import { resolveQuestion, SPEC_VERSION, TTL } from "./zone-answer.ts";
import type { Resolution } from "./zone-answer.ts";

const ZONE = "cluster.local";

function service(ns: string, name: string, spec: Service["spec"]): Service {
  return { metadata: { namespace: ns, name }, spec };
}

function slice(ns: string, svc: string, name: string, endpoints: EndpointSlice["endpoints"], ports: EndpointSlice["ports"] = [], addressType = "IPv4"): EndpointSlice {
  return { metadata: { namespace: ns, name, labels: { "kubernetes.io/service-name": svc } }, addressType, endpoints, ports };
}

function cluster(): ClusterRecords {
  const r = new ClusterRecords(ZONE);
  r.setService(service("default", "web", { clusterIP: "10.43.0.10", clusterIPs: ["10.43.0.10"], ports: [{ name: "http", port: 80, protocol: "TCP" }, { port: 9090 }] }));
  r.setService(service("db", "pg", { clusterIP: "None", ports: [{ name: "pg", port: 5432 }] }));
  r.setEndpointSlice(
    slice("db", "pg", "pg-abc", [
      { addresses: ["10.42.0.5"], hostname: "pg-0", conditions: { ready: true } },
      { addresses: ["10.42.1.6"], conditions: {} },
      { addresses: ["10.42.1.7"], hostname: "pg-2", conditions: { ready: false } },
    ], [{ name: "pg", port: 5432, protocol: "TCP" }]),
  );
  r.setService(service("default", "ext", { type: "ExternalName", externalName: "example.com" }));
  return r;
}

function ask(r: ClusterRecords, name: string, type: RecordType): Extract<Resolution, { kind: "answer" }> {
  const res = resolveQuestion(r, { name, type, class: "IN" });
  assert.equal(res.kind, "answer", `${type} ${name} should be answered from the zone`);
  return res as Extract<Resolution, { kind: "answer" }>;
}

const data = (answers: Answer[]): unknown[] => answers.map((a) => (a as { data: unknown }).data);

test("a ClusterIP Service's name has its ClusterIP, TTL 5, the owner name as asked", () => {
  const res = ask(cluster(), "Web.Default.SVC.cluster.local", "A");
  assert.equal(res.rcode, "NOERROR");
  assert.deepEqual(res.answers, [{ type: "A", name: "Web.Default.SVC.cluster.local", ttl: TTL, data: "10.43.0.10" }]);
});

test("a headless Service's name has one A per ready endpoint (ready unset counts as ready)", () => {
  const res = ask(cluster(), "pg.db.svc.cluster.local", "A");
  assert.deepEqual(data(res.answers).sort(), ["10.42.0.5", "10.42.1.6"]);
});

test("headless endpoints are named by hostname, or by their dashed address when they have none", () => {
  const r = cluster();
  assert.deepEqual(data(ask(r, "pg-0.pg.db.svc.cluster.local", "A").answers), ["10.42.0.5"]);
  assert.deepEqual(data(ask(r, "10-42-1-6.pg.db.svc.cluster.local", "A").answers), ["10.42.1.6"]);
  assert.equal(ask(r, "pg-2.pg.db.svc.cluster.local", "A").rcode, "NXDOMAIN", "a not-ready endpoint has no name");
});

test("SRV of a ClusterIP Service's named port targets the Service, with its address in additional", () => {
  const res = ask(cluster(), "_http._tcp.web.default.svc.cluster.local", "SRV");
  assert.deepEqual(data(res.answers), [{ priority: 0, weight: 100, port: 80, target: "web.default.svc.cluster.local" }]);
  assert.deepEqual(res.additionals, [{ type: "A", name: "web.default.svc.cluster.local", ttl: TTL, data: "10.43.0.10" }]);
  assert.equal(ask(cluster(), "_tcp.web.default.svc.cluster.local", "SRV").answers.length, 0, "the _proto parent exists, without records");
  assert.equal(ask(cluster(), "_tcp.web.default.svc.cluster.local", "SRV").rcode, "NOERROR");
  assert.equal(ask(cluster(), "_http._udp.web.default.svc.cluster.local", "SRV").rcode, "NXDOMAIN");
});

test("SRV of a headless Service: one per ready endpoint, slice ports, endpoint names and addresses", () => {
  const res = ask(cluster(), "_pg._tcp.pg.db.svc.cluster.local", "SRV");
  const srv = data(res.answers) as { port: number; target: string; weight: number }[];
  assert.deepEqual(srv.map((s) => `${s.target}:${s.port}`).sort(), ["10-42-1-6.pg.db.svc.cluster.local:5432", "pg-0.pg.db.svc.cluster.local:5432"]);
  assert.deepEqual(srv.map((s) => s.weight), [50, 50]);
  assert.deepEqual(res.additionals.map((a) => `${a.name} ${(a as { data: string }).data}`).sort(), [
    "10-42-1-6.pg.db.svc.cluster.local 10.42.1.6",
    "pg-0.pg.db.svc.cluster.local 10.42.0.5",
  ]);
});

test("ExternalName answers a CNAME whatever the type asked", () => {
  for (const type of ["A", "AAAA", "SRV", "TXT"] as const) {
    assert.deepEqual(ask(cluster(), "ext.default.svc.cluster.local", type).answers, [{ type: "CNAME", name: "ext.default.svc.cluster.local", ttl: TTL, data: "example.com" }]);
  }
});

test("PTR: ClusterIPs name the Service, headless endpoints their own names; unknown addresses go upstream", () => {
  const r = cluster();
  assert.deepEqual(data(ask(r, "10.0.43.10.in-addr.arpa", "PTR").answers), ["web.default.svc.cluster.local"]);
  assert.deepEqual(data(ask(r, "5.0.42.10.in-addr.arpa", "PTR").answers), ["pg-0.pg.db.svc.cluster.local"]);
  assert.deepEqual(data(ask(r, "6.1.42.10.IN-ADDR.ARPA.", "PTR").answers), ["10-42-1-6.pg.db.svc.cluster.local"]);
  assert.equal(resolveQuestion(r, { name: "7.1.42.10.in-addr.arpa", type: "PTR" }).kind, "forward", "not-ready endpoint");
  assert.equal(resolveQuestion(r, { name: "1.1.1.1.in-addr.arpa", type: "PTR" }).kind, "forward");
});

test("pods insecure: a-b-c-d.<ns>.pod.<zone> is the address it spells; malformed is NXDOMAIN", () => {
  const r = cluster();
  assert.deepEqual(ask(r, "10-42-0-9.any.pod.cluster.local", "A").answers, [{ type: "A", name: "10-42-0-9.any.pod.cluster.local", ttl: TTL, data: "10.42.0.9" }]);
  assert.equal(ask(r, "10-42-0-9.any.pod.cluster.local", "AAAA").answers.length, 0);
  assert.equal(ask(r, "10-42-0-9.any.pod.cluster.local", "AAAA").rcode, "NOERROR");
  assert.equal(ask(r, "10-42-0-999.any.pod.cluster.local", "A").rcode, "NXDOMAIN");
  assert.equal(ask(r, "web.any.pod.cluster.local", "A").rcode, "NXDOMAIN");
  assert.deepEqual(data(ask(r, "fd00--1.any.pod.cluster.local", "AAAA").answers), ["fd00::1"]);
});

test("names that do not exist are NXDOMAIN with the SOA; names without that type are NODATA with the SOA", () => {
  const r = cluster();
  const nx = ask(r, "nope.default.svc.cluster.local", "A");
  assert.equal(nx.rcode, "NXDOMAIN");
  assert.equal(nx.authorities[0]?.type, "SOA");
  assert.equal(nx.authorities[0]?.name, ZONE);
  assert.equal(ask(r, "web.nope.svc.cluster.local", "A").rcode, "NXDOMAIN");
  assert.equal(ask(r, "nope.svc.cluster.local", "A").rcode, "NXDOMAIN", "a namespace without Services");
  assert.equal(ask(r, "web.default.foo.cluster.local", "A").rcode, "NXDOMAIN");
  for (const [name, type] of [
    ["web.default.svc.cluster.local", "AAAA"],
    ["web.default.svc.cluster.local", "SRV"],
    ["default.svc.cluster.local", "A"],
    ["svc.cluster.local", "A"],
    ["cluster.local", "A"],
  ] as const) {
    const res = ask(r, name, type);
    assert.equal(res.rcode, "NOERROR", `${type} ${name}`);
    assert.equal(res.answers.length, 0, `${type} ${name}`);
    assert.equal(res.authorities[0]?.type, "SOA", `${type} ${name}`);
  }
});

test("the apex answers its SOA, dns-version its TXT; other names go upstream", () => {
  const r = cluster();
  const soa = ask(r, "cluster.local", "SOA").answers[0] as { type: string; data: { mname: string; minimum: number } };
  assert.equal(soa.type, "SOA");
  assert.equal(soa.data.mname, "ns.dns.cluster.local");
  assert.equal(soa.data.minimum, TTL);
  assert.deepEqual(data(ask(r, "dns-version.cluster.local", "TXT").answers), [SPEC_VERSION]);
  assert.equal(resolveQuestion(r, { name: "example.com", type: "A" }).kind, "forward");
  assert.equal(resolveQuestion(r, { name: "notcluster.local", type: "A" }).kind, "forward");
});

test("updates and deletes change the answers incrementally", () => {
  const r = cluster();
  r.setEndpointSlice(slice("db", "pg", "pg-abc", [{ addresses: ["10.42.2.8"], hostname: "pg-0" }], [{ name: "pg", port: 5432 }]));
  assert.deepEqual(data(ask(r, "pg.db.svc.cluster.local", "A").answers), ["10.42.2.8"]);
  assert.equal(ask(r, "10-42-1-6.pg.db.svc.cluster.local", "A").rcode, "NXDOMAIN");
  assert.equal(resolveQuestion(r, { name: "5.0.42.10.in-addr.arpa", type: "PTR" }).kind, "forward", "old endpoint's PTR gone");

  r.setEndpointSlice(slice("db", "pg", "pg-def", [{ addresses: ["10.42.3.9"] }]));
  assert.deepEqual(data(ask(r, "pg.db.svc.cluster.local", "A").answers).sort(), ["10.42.2.8", "10.42.3.9"], "two slices of one Service");
  r.deleteEndpointSlice(slice("db", "pg", "pg-abc", []));
  assert.deepEqual(data(ask(r, "pg.db.svc.cluster.local", "A").answers), ["10.42.3.9"]);

  r.setService(service("default", "web", { clusterIP: "10.43.0.11", ports: [] }));
  assert.deepEqual(data(ask(r, "web.default.svc.cluster.local", "A").answers), ["10.43.0.11"]);
  assert.equal(ask(r, "_http._tcp.web.default.svc.cluster.local", "SRV").rcode, "NXDOMAIN", "the port is gone");
  assert.equal(resolveQuestion(r, { name: "10.0.43.10.in-addr.arpa", type: "PTR" }).kind, "forward");

  r.deleteService(service("default", "web", {}));
  r.deleteService(service("default", "ext", {}));
  assert.equal(ask(r, "web.default.svc.cluster.local", "A").rcode, "NXDOMAIN");
  assert.equal(ask(r, "default.svc.cluster.local", "A").rcode, "NXDOMAIN", "no Services left in the namespace");
  assert.equal(resolveQuestion(r, { name: "11.0.43.10.in-addr.arpa", type: "PTR" }).kind, "forward");
});

test("slices arriving before their Service count once it exists; a relabelled slice moves", () => {
  const r = new ClusterRecords(ZONE);
  r.setEndpointSlice(slice("ns", "h", "h-1", [{ addresses: ["10.42.0.1"] }]));
  assert.equal(ask(r, "h.ns.svc.cluster.local", "A").rcode, "NXDOMAIN");
  r.setService(service("ns", "h", { clusterIP: "None" }));
  assert.deepEqual(data(ask(r, "h.ns.svc.cluster.local", "A").answers), ["10.42.0.1"]);
  r.setService(service("ns", "g", { clusterIP: "None" }));
  r.setEndpointSlice(slice("ns", "g", "h-1", [{ addresses: ["10.42.0.1"] }]));
  assert.equal(ask(r, "h.ns.svc.cluster.local", "A").answers.length, 0);
  assert.deepEqual(data(ask(r, "g.ns.svc.cluster.local", "A").answers), ["10.42.0.1"]);
});

test("dual-stack and IPv6: AAAA records and ip6.arpa PTRs", () => {
  const r = new ClusterRecords(ZONE);
  r.setService(service("ns", "v6", { clusterIP: "10.43.0.20", clusterIPs: ["10.43.0.20", "fd00:43::20"] }));
  r.setService(service("ns", "h6", { clusterIP: "None" }));
  r.setEndpointSlice(slice("ns", "h6", "h6-1", [{ addresses: ["fd00:42::5"] }], [], "IPv6"));
  assert.deepEqual(data(ask(r, "v6.ns.svc.cluster.local", "AAAA").answers), ["fd00:43::20"]);
  assert.deepEqual(data(ask(r, "v6.ns.svc.cluster.local", "A").answers), ["10.43.0.20"]);
  assert.deepEqual(data(ask(r, "fd00-42--5.h6.ns.svc.cluster.local", "AAAA").answers), ["fd00:42::5"]);
  const rev = "0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.4.0.0.0.0.d.f.ip6.arpa";
  assert.deepEqual(data(ask(r, rev, "PTR").answers), ["v6.ns.svc.cluster.local"]);
});
