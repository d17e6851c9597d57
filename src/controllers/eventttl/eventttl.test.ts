import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "kubernetes-types/core/v1";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { lastSeen, newEventTtlController } from "./index.ts";

const TTL_MS = 3000;
let h: ControllerHarness;
before(async () => {
  h = await runControllers([newEventTtlController({ ttlMs: TTL_MS })]);
});
after(() => h.close());

const stamp = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, "Z");
const event = (name: string, extra: Partial<Event>): Event => ({
  metadata: { name, namespace: "default" },
  involvedObject: { kind: "Pod", name: "p", namespace: "default" },
  reason: "Test",
  message: name,
  ...extra,
});

test("events expire a TTL after they last happened; younger ones stay until their time", async () => {
  const events = h.api.client.resource(R.events);
  await events.create(event("old", { firstTimestamp: stamp(60_000), lastTimestamp: stamp(10_000) }));
  await events.create(event("old-series", { eventTime: new Date(Date.now() - 10_000).toISOString().replace("Z", "000Z"), action: "A", reportingComponent: "c", reportingInstance: "i" }));
  // An old first occurrence does not matter: it happened again just now.
  await events.create(event("repeated", { firstTimestamp: stamp(60_000), lastTimestamp: stamp(0) }));

  await eventually(() => events.get("default", "old").then(() => false, isNotFound), 5000, "old event deleted");
  await eventually(() => events.get("default", "old-series").then(() => false, isNotFound), 5000, "old eventTime event deleted");
  assert.equal((await events.get("default", "repeated")).message, "repeated", "a recent event is kept");

  await eventually(() => events.get("default", "repeated").then(() => false, isNotFound), 5000, "recent event deleted once due");
});

test("lastSeen prefers lastTimestamp, then eventTime, then creationTimestamp", () => {
  assert.equal(lastSeen(event("a", { lastTimestamp: "2024-01-01T00:00:10Z", eventTime: "2024-01-01T00:00:20.000000Z" })), Date.parse("2024-01-01T00:00:10Z"));
  assert.equal(lastSeen(event("a", { eventTime: "2024-01-01T00:00:20.000000Z" })), Date.parse("2024-01-01T00:00:20Z"));
  assert.equal(lastSeen({ ...event("a", {}), metadata: { creationTimestamp: "2024-01-01T00:00:30Z" } }), Date.parse("2024-01-01T00:00:30Z"));
});
