import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { Node, Service } from "kubernetes-types/core/v1";

// Plain resource names: the API server's tests do not import the client's resource table.
const nodes = { group: "", version: "v1", resource: "nodes", kind: "Node", namespaced: false } as { group: string; version: string; resource: string; kind: string; namespaced: boolean; _type?: Node };
const services = { group: "", version: "v1", resource: "services", kind: "Service", namespaced: true } as { group: string; version: string; resource: string; kind: string; namespaced: boolean; _type?: Service };

test("a Node keeps the status it is created with (as a kubelet registers); a Service does not", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const node = await api.client.resource(nodes).create({ metadata: { name: "n1" }, status: { capacity: { cpu: "4" }, allocatable: { cpu: "4" } } });
  assert.equal(node.status?.capacity?.cpu, "4");
  const svc = await api.client.resource(services).create({ metadata: { name: "s", namespace: "default" }, spec: { ports: [{ port: 80 }] }, status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } } });
  assert.equal(svc.status?.loadBalancer?.ingress, undefined);
});
