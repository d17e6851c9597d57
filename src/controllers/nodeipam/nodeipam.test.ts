import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import { nodeIpamController } from "./index.ts";

let h: ControllerHarness;
before(async () => {
  h = await runControllers([nodeIpamController({ clusterCidr: "10.42.0.0/16" })]);
});
after(() => h.close());

test("nodes get distinct /24 pod subnets; subnets already set are respected; simulated nodes are left alone", async () => {
  const nodes = h.api.client.resource(R.nodes);
  await nodes.create({ metadata: { name: "has" }, spec: { podCIDR: "10.42.0.0/24", podCIDRs: ["10.42.0.0/24"] } });
  await nodes.create({ metadata: { name: "a" } });
  await nodes.create({ metadata: { name: "b" } });
  await nodes.create({ metadata: { name: "sim", annotations: { "berth.dev/simulated": "true" } } });
  const a = await eventually(async () => (await nodes.get(undefined, "a")).spec?.podCIDR, 5000, "a's subnet");
  const b = await eventually(async () => (await nodes.get(undefined, "b")).spec?.podCIDR, 5000, "b's subnet");
  assert.notEqual(a, b);
  assert.ok(![a, b].includes("10.42.0.0/24"), "the subnet node 'has' holds is not handed out again");
  assert.match(a!, /^10\.42\.\d+\.0\/24$/);
  assert.deepEqual((await nodes.get(undefined, "a")).spec?.podCIDRs, [a]);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await nodes.get(undefined, "sim")).spec?.podCIDR, undefined);
});
