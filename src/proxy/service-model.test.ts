import { test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { servicePortModels } from "./service-model.ts";
import { podCidrsOf } from "./pod-cidrs.ts";

const svc = (spec: Service["spec"], status?: Service["status"]): Service => ({
  metadata: { name: "web", namespace: "ns" },
  spec: { clusterIP: "10.43.0.5", ports: [{ name: "http", port: 80, protocol: "TCP" }], ...spec },
  status,
});

type Ep = { ip: string; node?: string; ready?: boolean; serving?: boolean; terminating?: boolean };
const slice = (eps: Ep[], ports = [{ name: "http", port: 8080, protocol: "TCP" }], addressType = "IPv4"): EndpointSlice => ({
  metadata: { name: "web-x", namespace: "ns" },
  addressType,
  endpoints: eps.map((e) => ({ addresses: [e.ip], nodeName: e.node ?? "n1", conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating } })),
  ports,
});

test("one model per port, with the slice's port resolved by name and protocol", () => {
  const s = svc({ type: "NodePort", ports: [{ name: "http", port: 80, protocol: "TCP", nodePort: 30080 }, { name: "dns", port: 53, protocol: "UDP", nodePort: 30053 }] });
  const models = servicePortModels(s, [slice([{ ip: "10.0.0.1" }], [{ name: "http", port: 8080, protocol: "TCP" }, { name: "dns", port: 5353, protocol: "UDP" }])], "n1");
  assert.deepEqual(
    models.map((m) => [m.id, m.protocol, m.port, m.nodePort, m.clusterEndpoints]),
    [
      ["ns/web/tcp/http", "tcp", 80, 30080, [{ ip: "10.0.0.1", port: 8080 }]],
      ["ns/web/udp/dns", "udp", 53, 30053, [{ ip: "10.0.0.1", port: 5353 }]],
    ],
  );
});

test("ExternalName, headless and IPv6-only Services are not programmed", () => {
  assert.deepEqual(servicePortModels(svc({ type: "ExternalName", externalName: "x.example" }), [], "n1"), []);
  assert.deepEqual(servicePortModels(svc({ clusterIP: "None" }), [], "n1"), []);
  assert.deepEqual(servicePortModels(svc({ clusterIP: "fd00::1" }), [], "n1"), []);
});

test("only ready endpoints; terminating-but-serving ones only when none is ready", () => {
  const mixed = slice([{ ip: "10.0.0.1" }, { ip: "10.0.0.2", ready: false, serving: true, terminating: true }, { ip: "10.0.0.3", ready: false }]);
  assert.deepEqual(servicePortModels(svc({}), [mixed], "n1")[0]!.clusterEndpoints, [{ ip: "10.0.0.1", port: 8080 }]);
  const draining = slice([{ ip: "10.0.0.2", ready: false, serving: true, terminating: true }, { ip: "10.0.0.3", ready: false, serving: false, terminating: true }]);
  assert.deepEqual(servicePortModels(svc({}), [draining], "n1")[0]!.clusterEndpoints, [{ ip: "10.0.0.2", port: 8080 }]);
});

test("local endpoints are this node's, chosen on their own (ready, else draining)", () => {
  const s = slice([{ ip: "10.0.0.1", node: "n2" }, { ip: "10.0.0.2", node: "n1", ready: false, serving: true, terminating: true }]);
  const [m] = servicePortModels(svc({ internalTrafficPolicy: "Local", externalTrafficPolicy: "Local" }), [s], "n1");
  assert.deepEqual(m!.clusterEndpoints, [{ ip: "10.0.0.1", port: 8080 }]);
  assert.deepEqual(m!.localEndpoints, [{ ip: "10.0.0.2", port: 8080 }]);
  assert.equal(m!.internalLocal, true);
  assert.equal(m!.externalLocal, true);
});

test("endpoints in several slices are merged once per address; IPv6 slices and unknown ports are skipped", () => {
  const a = slice([{ ip: "10.0.0.2" }, { ip: "10.0.0.1" }]);
  const b = slice([{ ip: "10.0.0.1" }, { ip: "10.0.0.3" }]);
  const v6 = slice([{ ip: "fd00::1" }], undefined, "IPv6");
  const otherPort = slice([{ ip: "10.0.0.9" }], [{ name: "metrics", port: 9090, protocol: "TCP" }]);
  const [m] = servicePortModels(svc({}), [a, b, v6, otherPort], "n1");
  assert.deepEqual(m!.clusterEndpoints.map((e) => e.ip), ["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
});

test("external IPs and load balancer ingress IPs; NodePorts only for NodePort and LoadBalancer types", () => {
  const s = svc({ type: "LoadBalancer", externalIPs: ["192.0.2.9"], ports: [{ name: "http", port: 80, protocol: "TCP", nodePort: 31000 }] }, { loadBalancer: { ingress: [{ ip: "192.0.2.1" }, { hostname: "lb.example" }] } });
  const [m] = servicePortModels(s, [], "n1");
  assert.deepEqual(m!.externalIPs, ["192.0.2.1", "192.0.2.9"]);
  assert.equal(m!.nodePort, 31000);
  assert.equal(servicePortModels(svc({ type: "ClusterIP", ports: [{ port: 80, nodePort: 31000 }] }), [], "n1")[0]!.nodePort, undefined);
});

test("ClientIP affinity defaults to 10800 s", () => {
  assert.equal(servicePortModels(svc({ sessionAffinity: "ClientIP" }), [], "n1")[0]!.affinitySeconds, 10800);
  assert.equal(servicePortModels(svc({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), [], "n1")[0]!.affinitySeconds, 60);
  assert.equal(servicePortModels(svc({}), [], "n1")[0]!.affinitySeconds, undefined);
});

test("unnamed ports are named by number", () => {
  const [m] = servicePortModels(svc({ ports: [{ port: 443, protocol: "SCTP" }] }), [], "n1");
  assert.equal(m!.id, "ns/web/sctp/443");
});

test("pod CIDRs come from every node, IPv4 only, once each", () => {
  const nodes = [{ spec: { podCIDRs: ["10.42.1.0/24", "fd00:42::/64"] } }, { spec: { podCIDR: "10.42.0.0/24" } }, { spec: { podCIDRs: ["10.42.1.0/24"] } }, {}];
  assert.deepEqual(podCidrsOf(nodes), ["10.42.0.0/24", "10.42.1.0/24"]);
});
