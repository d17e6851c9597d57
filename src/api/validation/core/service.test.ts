import { test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "kubernetes-types/core/v1";
import { invalid } from "../../errors.ts";
import { defaultService } from "../../defaults/core.ts";
import { carryOverServiceAllocations, dropTypeDependentFields, validateService } from "./service.ts";

const base = (): any => ({ metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } });

function check(mutate: (s: any) => void, old?: Service): string[] {
  const svc = base();
  mutate(svc);
  defaultService(svc);
  return validateService(svc, { old }).map((e) => `${e.field}:${e.type}`);
}

test("valid services of each type", () => {
  assert.deepEqual(check(() => {}), []);
  assert.deepEqual(check((s) => { s.spec.type = "NodePort"; s.spec.ports[0].nodePort = 30080; }), []);
  assert.deepEqual(check((s) => { s.spec.type = "LoadBalancer"; }), []);
  assert.deepEqual(check((s) => { s.spec = { type: "ExternalName", externalName: "example.com." }; }), []);
  assert.deepEqual(check((s) => { s.spec.clusterIP = "None"; s.spec.ports = []; }), []);
});

test("invalid services", () => {
  const cases: Array<[string, (s: any) => void, string[]]> = [
    ["no ports", (s) => { s.spec.ports = []; }, ["spec.ports:FieldValueRequired"]],
    ["port 0", (s) => { s.spec.ports[0].port = 0; s.spec.ports[0].targetPort = 8080; }, ["spec.ports[0].port:FieldValueInvalid"]],
    ["names required with two ports", (s) => { s.spec.ports.push({ port: 443 }); }, ["spec.ports[0].name:FieldValueRequired", "spec.ports[1].name:FieldValueRequired"]],
    ["duplicate names", (s) => { s.spec.ports = [{ name: "a", port: 80 }, { name: "a", port: 81 }]; }, ["spec.ports[1].name:FieldValueDuplicate"]],
    ["duplicate port", (s) => { s.spec.ports = [{ name: "a", port: 80 }, { name: "b", port: 80 }]; }, ["spec.ports[1]:FieldValueDuplicate"]],
    ["bad protocol", (s) => { s.spec.ports[0].protocol = "HTTP"; }, ["spec.ports[0].protocol:FieldValueNotSupported"]],
    ["bad targetPort name", (s) => { s.spec.ports[0].targetPort = "Web_Port"; }, ["spec.ports[0].targetPort:FieldValueInvalid"]],
    ["bad type", (s) => { s.spec.type = "Internal"; }, ["spec.type:FieldValueNotSupported"]],
    ["nodePort on ClusterIP", (s) => { s.spec.ports[0].nodePort = 30001; }, ["spec.ports[0].nodePort:FieldValueForbidden"]],
    ["nodePort out of range", (s) => { s.spec.type = "NodePort"; s.spec.ports[0].nodePort = 80; }, ["spec.ports[0].nodePort:FieldValueInvalid"]],
    ["externalName missing", (s) => { s.spec = { type: "ExternalName" }; }, ["spec.externalName:FieldValueRequired"]],
    ["externalName bad", (s) => { s.spec = { type: "ExternalName", externalName: "Not_A_Host" }; }, ["spec.externalName:FieldValueInvalid"]],
    ["headless NodePort", (s) => { s.spec.type = "NodePort"; s.spec.clusterIP = "None"; }, ["spec.clusterIPs[0]:FieldValueInvalid"]],
    ["sessionAffinity", (s) => { s.spec.sessionAffinity = "Cookie"; }, ["spec.sessionAffinity:FieldValueNotSupported"]],
    ["clusterIP not an IP", (s) => { s.spec.clusterIP = "10.0.0.300"; }, ["spec.clusterIP:FieldValueInvalid"]],
    ["externalTrafficPolicy on ClusterIP", (s) => { s.spec.externalTrafficPolicy = "Local"; }, ["spec.externalTrafficPolicy:FieldValueInvalid"]],
    ["selector value", (s) => { s.spec.selector = { app: "a b" }; }, ["spec.selector:FieldValueInvalid"]],
  ];
  for (const [name, mutate, want] of cases) assert.deepEqual(check(mutate), want, name);
});

test("the message for a missing port matches kubectl", () => {
  const svc = base();
  svc.spec.ports = [];
  defaultService(svc);
  assert.equal(invalid({ group: "", kind: "Service" }, "web", validateService(svc, {})).message, 'Service "web" is invalid: spec.ports: Required value');
});

test("the allocated cluster IP may not change, and omitted allocations carry over", () => {
  const old = base();
  defaultService(old);
  old.spec.clusterIP = "10.96.0.10";
  old.spec.clusterIPs = ["10.96.0.10"];
  const errs = check((s) => { s.spec.clusterIP = "10.96.0.11"; s.spec.clusterIPs = ["10.96.0.11"]; }, old);
  assert.deepEqual(errs, ["spec.clusterIPs[0]:FieldValueInvalid"]);
  const replaced = base();
  defaultService(replaced);
  carryOverServiceAllocations(replaced, old);
  assert.equal(replaced.spec.clusterIP, "10.96.0.10");
  assert.deepEqual(replaced.spec.clusterIPs, ["10.96.0.10"]);
  assert.deepEqual(validateService(replaced, { old }), []);
  assert.deepEqual(check((s) => { s.spec = { type: "ExternalName", externalName: "example.com" }; }, old), []);
});

test("changing the type drops the fields the new type does not use, unless the client changed them", () => {
  const old: Service = {
    metadata: { name: "web", namespace: "default" },
    spec: { type: "LoadBalancer", ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }], externalTrafficPolicy: "Local", healthCheckNodePort: 31000, allocateLoadBalancerNodePorts: true, clusterIP: "10.43.0.5" },
  };
  const edited: Service = structuredClone(old);
  edited.spec!.type = "ClusterIP";
  dropTypeDependentFields(edited, old);
  assert.deepEqual(edited.spec, { type: "ClusterIP", ports: [{ port: 80, protocol: "TCP" }], clusterIP: "10.43.0.5" });

  // A node port the client set anew is kept, and refused for a ClusterIP Service as upstream does.
  const changed: Service = structuredClone(old);
  changed.spec!.type = "ClusterIP";
  changed.spec!.ports![0]!.nodePort = 30099;
  dropTypeDependentFields(changed, old);
  assert.equal(changed.spec!.ports![0]!.nodePort, 30099);

  // The same type: nothing is dropped.
  const same: Service = structuredClone(old);
  dropTypeDependentFields(same, old);
  assert.deepEqual(same, old);
});
