import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "kubernetes-types/core/v1";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";
import { lastWritten, newEventTtlController } from "./index.ts";

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

test("events expire a TTL after their last write, whatever timestamps they carry", async () => {
  const events = h.api.client.resource(R.events);
  await events.create(event("old-timestamps", { firstTimestamp: stamp(3_600_000), lastTimestamp: stamp(3_600_000) }));
  await events.create(event("rewritten", {}));
  await new Promise((r) => setTimeout(r, TTL_MS / 2));
  await events.patch("default", "rewritten", { count: 2 });
  await eventually(() => events.get("default", "old-timestamps").then(() => false, isNotFound), TTL_MS + 3000, "event deleted a TTL after its write");
  assert.equal((await events.get("default", "rewritten")).count, 2, "a rewritten event lives a TTL from its last write");
  await eventually(() => events.get("default", "rewritten").then(() => false, isNotFound), TTL_MS + 3000, "rewritten event deleted once due");
});

test("lastWritten is the latest managedFields time, else creation", () => {
  const base = event("a", {});
  assert.equal(lastWritten({ ...base, metadata: { creationTimestamp: "2024-01-01T00:00:30Z" } }), Date.parse("2024-01-01T00:00:30Z"));
  assert.equal(lastWritten({ ...base, metadata: { creationTimestamp: "2024-01-01T00:00:30Z", managedFields: [{ time: "2024-01-01T00:05:00Z" }, { time: "2024-01-01T00:01:00Z" }] } }), Date.parse("2024-01-01T00:05:00Z"));
  assert.equal(lastWritten(base), undefined);
});
