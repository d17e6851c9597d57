import { test } from "node:test";
import assert from "node:assert/strict";
import { invalid } from "../errors.ts";
import { defaultIngressClass, defaultNetworkPolicy } from "../defaults/networking.ts";
import { validateIngress, validateIngressClass, validateNetworkPolicy } from "./networking.ts";

const backend = { service: { name: "web", port: { number: 80 } } };
const ingress = (paths: unknown[], host?: string): any => ({ metadata: { name: "i" }, spec: { rules: [{ ...(host ? { host } : {}), http: { paths } }] } });
const msg = (errs: ReturnType<typeof validateIngress>) => invalid({ group: "networking.k8s.io", kind: "Ingress" }, "i", errs).message;

test("Ingress: valid rules pass", () => {
  assert.deepEqual(validateIngress(ingress([{ path: "/", pathType: "Prefix", backend }], "*.example.com")), []);
  assert.deepEqual(validateIngress(ingress([{ pathType: "ImplementationSpecific", backend: { service: { name: "web", port: { name: "http" } } } }])), []);
  assert.deepEqual(validateIngress({ spec: { defaultBackend: backend } }), []);
});

test("Ingress: paths, path types and backends as upstream words them", () => {
  const cases: [unknown, string][] = [
    [{ path: "/", backend }, 'Ingress.networking.k8s.io "i" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'],
    [{ path: "api", pathType: "Exact", backend }, 'Ingress.networking.k8s.io "i" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'],
    [{ path: "/a//b", pathType: "Prefix", backend }, `Ingress.networking.k8s.io "i" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "/a//b": must not contain '//'`],
    [{ path: "/", pathType: "Regex", backend }, 'Ingress.networking.k8s.io "i" is invalid: spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
    [{ path: "/", pathType: "Prefix", backend: {} }, 'Ingress.networking.k8s.io "i" is invalid: spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required'],
    [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: {} } } }, 'Ingress.networking.k8s.io "i" is invalid: spec.rules[0].http.paths[0].backend: Required value: port name or number is required'],
    [{ path: "/", pathType: "Prefix", backend: { ...backend, resource: { kind: "Bucket", name: "b" } } }, 'Ingress.networking.k8s.io "i" is invalid: spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends'],
  ];
  for (const [path, want] of cases) assert.equal(msg(validateIngress(ingress([path]))), want);
  assert.equal(msg(validateIngress({ spec: {} })), 'Ingress.networking.k8s.io "i" is invalid: spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified');
  assert.deepEqual(validateIngress(ingress([{ path: "/", pathType: "Prefix", backend }], "10.0.0.1")).map((e) => e.detail), ["must be a DNS name, not an IP address"]);
  assert.equal(validateIngress(ingress([{ path: "/", pathType: "Prefix", backend }], "*.Bad")).length, 1);
});

test("IngressClass: controller required, domain-prefixed and immutable", () => {
  const ic: any = { metadata: {}, spec: { controller: "example.com/ingress", parameters: { kind: "Params", name: "p" } } };
  defaultIngressClass(ic);
  assert.equal(ic.spec.parameters.scope, "Cluster");
  assert.deepEqual(validateIngressClass(ic, {}), []);
  assert.deepEqual(validateIngressClass({ spec: {} }, {}).map((e) => [e.field, e.type]), [["spec.controller", "FieldValueRequired"]]);
  assert.deepEqual(validateIngressClass({ spec: { controller: "nginx" } }, {}).map((e) => e.detail), ['must be a domain-prefixed path (such as "acme.io/foo")']);
  const changed = { spec: { ...ic.spec, controller: "other.io/x" } };
  assert.deepEqual(validateIngressClass(changed, { old: ic }).map((e) => [e.field, e.detail]), [["spec.controller", "field is immutable"]]);
  const nsScope = { spec: { controller: "a.io/b", parameters: { kind: "P", name: "p", scope: "Namespace" } } };
  assert.deepEqual(validateIngressClass(nsScope, {}).map((e) => e.field), ["spec.parameters.namespace"]);
});

test("NetworkPolicy: defaults policy types and protocols", () => {
  const np: any = { metadata: {}, spec: { egress: [{ ports: [{ port: 53 }] }] } };
  defaultNetworkPolicy(np);
  assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
  assert.equal(np.spec.egress[0].ports[0].protocol, "TCP");
  assert.deepEqual(np.spec.podSelector, {});
  const ingressOnly: any = { metadata: {}, spec: { podSelector: {} } };
  defaultNetworkPolicy(ingressOnly);
  assert.deepEqual(ingressOnly.spec.policyTypes, ["Ingress"]);
});

test("NetworkPolicy: ports, peers and ipBlocks", () => {
  const peer = (p: unknown): any => ({ spec: { podSelector: {}, ingress: [{ from: [p] }] } });
  assert.deepEqual(validateNetworkPolicy(peer({ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } })), []);
  assert.deepEqual(validateNetworkPolicy(peer({ ipBlock: { cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] } })).map((e) => e.detail), ["must be a strict subset of `cidr`"]);
  assert.deepEqual(validateNetworkPolicy(peer({ ipBlock: { cidr: "10.0.0.0/33" } })).map((e) => e.detail), ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]);
  assert.deepEqual(validateNetworkPolicy(peer({})).map((e) => [e.field, e.detail]), [["spec.ingress[0].from[0]", "must specify a peer"]]);
  assert.deepEqual(validateNetworkPolicy(peer({ podSelector: {}, ipBlock: { cidr: "10.0.0.0/8" } })).map((e) => e.type), ["FieldValueForbidden"]);
  const ports = (p: unknown): any => ({ spec: { podSelector: {}, egress: [{ ports: [p] }] } });
  assert.deepEqual(validateNetworkPolicy(ports({ protocol: "ICMP", port: 80 })).map((e) => e.type), ["FieldValueNotSupported"]);
  assert.deepEqual(validateNetworkPolicy(ports({ port: 90, endPort: 80 })).map((e) => e.detail), ["must be greater than or equal to `port`"]);
  assert.deepEqual(validateNetworkPolicy(ports({ port: "http", endPort: 80 })).map((e) => e.detail), ["may not be specified when `port` is non-numeric"]);
  assert.deepEqual(validateNetworkPolicy({ spec: { podSelector: {}, policyTypes: ["Ingress", "Sideways"] } }).map((e) => e.field), ["spec.policyTypes[1]"]);
});
