import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "kubernetes-types/core/v1";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import { serviceLbController } from "./index.ts";

let h: ControllerHarness;
before(async () => {
  h = await runControllers([serviceLbController]);
});
after(() => h.close());

async function readyNode(name: string, addresses: { type: string; address: string }[]): Promise<Node> {
  const nodes = h.api.client.resource(R.nodes);
  const n = await nodes.create({ metadata: { name } });
  return nodes.updateStatus({ ...n, status: { addresses, conditions: [{ type: "Ready", status: "True" }] } });
}

test("LoadBalancer Services get the Ready nodes' addresses as ingress; others and other classes get none", async () => {
  const services = h.api.client.resource(R.services);
  const nodes = h.api.client.resource(R.nodes);
  await readyNode("n1", [{ type: "InternalIP", address: "10.0.0.2" }]);
  await readyNode("n2", [{ type: "InternalIP", address: "10.0.0.3" }, { type: "ExternalIP", address: "192.0.2.3" }]);
  await nodes.create({ metadata: { name: "not-ready" } });
  await services.create({ metadata: { name: "lb", namespace: "default" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } });
  await services.create({ metadata: { name: "other", namespace: "default" }, spec: { type: "LoadBalancer", loadBalancerClass: "example.com/lb", ports: [{ port: 80 }] } });
  await services.create({ metadata: { name: "plain", namespace: "default" }, spec: { ports: [{ port: 80 }] } });
  const ips = async () => ((await services.get("default", "lb")).status?.loadBalancer?.ingress ?? []).map((i) => i.ip).join(",");
  await eventually(async () => (await ips()) === "10.0.0.2,192.0.2.3" || undefined, 5000, "ingress on both ready nodes");

  // A node going away drops out; the Service turning into a ClusterIP loses its ingress.
  await nodes.delete(undefined, "n1");
  await eventually(async () => (await ips()) === "192.0.2.3" || undefined, 5000, "ingress without n1");
  const lb = await services.get("default", "lb");
  // As `kubectl edit` does: only the type changes; the API drops the node ports and traffic policy with it.
  await services.update({ ...lb, spec: { ...lb.spec, type: "ClusterIP" } });
  await eventually(async () => (await ips()) === "" || undefined, 5000, "ingress cleared");
  assert.equal((await services.get("default", "other")).status?.loadBalancer?.ingress, undefined);
  assert.equal((await services.get("default", "plain")).status?.loadBalancer?.ingress, undefined);
});
