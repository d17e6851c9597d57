import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import type { Client } from "../client/rest-client.ts";
import { PodStatusWriter } from "./status-writer.ts";
import { makePod } from "./testing/fixtures.ts";

function fakeClient() {
  const writes: { name: string; body: { status: Record<string, unknown> } }[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const client = { resource: () => ({ patch: async (_ns: string, name: string, body: { status: Record<string, unknown> }) => { writes.push({ name, body }); await gate; return {}; } }) };
  return { client: client as unknown as Client, writes, release };
}

test("writes are coalesced per pod and skipped when the pod already says so", async () => {
  const { client, writes, release } = fakeClient();
  const w = new PodStatusWriter(client, 1);
  w.setUnschedulable(makePod("busy"), { reason: "Unschedulable", message: "first" });
  w.setUnschedulable(makePod("p"), { reason: "Unschedulable", message: "old" });
  w.setUnschedulable(makePod("p"), { reason: "Unschedulable", message: "new", nominatedNodeName: "n1" });
  const already: Pod = { ...makePod("same"), status: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "m" }] } };
  w.setUnschedulable(already, { reason: "Unschedulable", message: "m" });
  release();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(writes.map((x) => x.name), ["busy", "p"]);
  const cond = (writes[1]!.body.status.conditions as { message: string }[])[0]!;
  assert.equal(cond.message, "new");
  assert.equal(writes[1]!.body.status.nominatedNodeName, "n1");
});
