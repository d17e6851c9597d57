import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "kubernetes-types/core/v1";
import { startTestApi } from "../../test/support/api-server.ts";
import { EventCorrelator } from "./event-correlator.ts";
import type { Correlation } from "./event-correlator.ts";
import { ApiEventRecorder, eventName } from "./events.ts";
import { R } from "./resources.ts";
import { Client } from "./rest-client.ts";
import type { Transport } from "./transport.ts";

const MINUTE = 60_000;

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse("2026-01-01T00:00:00Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

let serial = 0;
function makeEvent(clock: { now(): number }, over: { object?: string; reason?: string; message?: string; type?: string } = {}): Event {
  const object = over.object ?? "web-1";
  const stamp = new Date(clock.now()).toISOString();
  return {
    metadata: { name: `${object}.${(serial++).toString(16)}`, namespace: "default" },
    involvedObject: { apiVersion: "v1", kind: "Pod", namespace: "default", name: object, uid: `uid-${object}` },
    source: { component: "kubelet", host: "node-1" },
    type: over.type ?? "Warning",
    reason: over.reason ?? "BackOff",
    message: over.message ?? "Back-off restarting failed container",
    count: 1,
    firstTimestamp: stamp,
    lastTimestamp: stamp,
  };
}

const nameOf = (c: Correlation) => (c.action === "drop" ? undefined : c.event.metadata?.name);

test("a repeat of an event patches the first one: count + 1, lastTimestamp now, first timestamp kept", () => {
  const clock = fakeClock();
  const correlator = new EventCorrelator({ now: clock.now });
  const first = correlator.correlate(makeEvent(clock));
  assert.equal(first.action, "create");

  clock.advance(30_000);
  const second = correlator.correlate(makeEvent(clock));
  clock.advance(30_000);
  const third = correlator.correlate(makeEvent(clock));
  assert.equal(second.action, "patch");
  assert.equal(third.action, "patch");
  if (third.action !== "patch" || first.action !== "create") return;
  assert.deepEqual(third.patch, { count: 3, lastTimestamp: "2026-01-01T00:01:00.000Z", message: "Back-off restarting failed container" });
  assert.equal(nameOf(second), nameOf(first));
  assert.equal(nameOf(third), nameOf(first));
  assert.equal(third.event.count, 3);
  assert.equal(third.event.firstTimestamp, first.event.firstTimestamp);
});

test("events differing in message, reason, type, object or source are separate events", () => {
  const clock = fakeClock();
  const correlator = new EventCorrelator({ now: clock.now });
  const base = makeEvent(clock);
  const variants: Event[] = [
    base,
    { ...makeEvent(clock), message: "other" },
    { ...makeEvent(clock), reason: "Failed" },
    { ...makeEvent(clock), type: "Normal" },
    makeEvent(clock, { object: "web-2" }),
    { ...makeEvent(clock), source: { component: "kubelet", host: "node-2" } },
    { ...makeEvent(clock), involvedObject: { ...base.involvedObject, fieldPath: "spec.containers{app}" } },
  ];
  for (const ev of variants) assert.equal(correlator.correlate(ev).action, "create");
  // The object's resourceVersion is not part of what makes events identical.
  const bumped = { ...makeEvent(clock), involvedObject: { ...base.involvedObject, resourceVersion: "42" } };
  assert.equal(correlator.correlate(bumped).action, "patch");
});

test("the tenth distinct message of similar events in ten minutes starts one combined event, which later ones update", () => {
  const clock = fakeClock();
  const correlator = new EventCorrelator({ now: clock.now });
  for (let i = 1; i <= 9; i++) {
    const c = correlator.correlate(makeEvent(clock, { message: `pull failed: attempt ${i}` }));
    assert.equal(c.action, "create");
    if (c.action === "create") assert.equal(c.event.message, `pull failed: attempt ${i}`);
    clock.advance(MINUTE);
  }
  const tenth = correlator.correlate(makeEvent(clock, { message: "pull failed: attempt 10" }));
  assert.equal(tenth.action, "create");
  if (tenth.action !== "create") return;
  assert.equal(tenth.event.message, "(combined from similar events): pull failed: attempt 10");

  clock.advance(MINUTE);
  const eleventh = correlator.correlate(makeEvent(clock, { message: "pull failed: attempt 11" }));
  assert.equal(eleventh.action, "patch");
  if (eleventh.action !== "patch") return;
  assert.equal(eleventh.event.metadata?.name, tenth.event.metadata?.name);
  assert.deepEqual(eleventh.patch, { count: 2, lastTimestamp: new Date(clock.now()).toISOString(), message: "(combined from similar events): pull failed: attempt 11" });

  // Another reason on the same object is not similar.
  const other = correlator.correlate(makeEvent(clock, { reason: "Killing", message: "stopping" }));
  assert.equal(other.action === "create" && other.event.message, "stopping");

  // Ten quiet minutes close the window: messages pass through unchanged again.
  clock.advance(10 * MINUTE + 1);
  const after = correlator.correlate(makeEvent(clock, { message: "pull failed: attempt 12" }));
  assert.equal(after.action === "create" && after.event.message, "pull failed: attempt 12");
});

test("a source may record 25 events about one object at once, then one per five minutes; the rest are dropped", () => {
  const clock = fakeClock();
  const correlator = new EventCorrelator({ now: clock.now });
  const actions = Array.from({ length: 30 }, () => correlator.correlate(makeEvent(clock)).action);
  assert.deepEqual(actions, ["create", ...Array(24).fill("patch"), ...Array(5).fill("drop")]);

  // Other objects have their own bucket.
  assert.equal(correlator.correlate(makeEvent(clock, { object: "web-2" })).action, "create");

  clock.advance(5 * MINUTE - 1);
  assert.equal(correlator.correlate(makeEvent(clock)).action, "drop");
  clock.advance(1);
  const allowed = correlator.correlate(makeEvent(clock));
  assert.equal(allowed.action, "patch");
  // Dropped repeats were still counted.
  if (allowed.action === "patch") assert.equal(allowed.patch.count, 32);
  assert.equal(correlator.correlate(makeEvent(clock)).action, "drop");

  // The bucket never holds more than the burst, however long it was idle.
  clock.advance(24 * 60 * MINUTE);
  const burst = Array.from({ length: 26 }, () => correlator.correlate(makeEvent(clock)).action);
  assert.equal(burst.filter((a) => a !== "drop").length, 25);
});

test("caches forget the least recently used keys beyond their size", () => {
  const clock = fakeClock();
  const correlator = new EventCorrelator({ now: clock.now, cacheSize: 2 });
  const on = (object: string) => correlator.correlate(makeEvent(clock, { object })).action;
  assert.deepEqual([on("a"), on("b"), on("a"), on("c")], ["create", "create", "patch", "create"]);
  // "a" was used after "b", so "b" went when "c" came.
  assert.deepEqual([on("a"), on("b")], ["patch", "create"]);
});

test("event names are the object's name and the time in hex nanoseconds, unique within a millisecond", () => {
  // Later than any name made so far in this process, so no earlier name pushes it up.
  const ms = Date.now() + 1000;
  const a = eventName("web-1", ms);
  const b = eventName("web-1", ms);
  assert.equal(a, `web-1.${(BigInt(ms) * 1_000_000n).toString(16)}`);
  assert.notEqual(a, b);
  assert.ok(BigInt(`0x${b.split(".")[1]}`) > BigInt(`0x${a.split(".")[1]}`));
});

test("recording the same event three times leaves one Event with count 3; a deleted one is written anew", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const recorder = new ApiEventRecorder(api.client, { component: "test-controller" });
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web-1", namespace: "default", uid: "u-1" } };
  for (let i = 0; i < 3; i++) recorder.event(pod, "Warning", "FailedMount", "volume not ready");
  recorder.event(pod, "Normal", "Scheduled", "assigned to node-1");
  await recorder.flush();

  const events = api.client.resource(R.events);
  const listed = (await events.list({ namespace: "default" })).items;
  const mounts = listed.filter((e) => e.reason === "FailedMount");
  assert.equal(mounts.length, 1);
  assert.equal(mounts[0]!.count, 3);
  assert.equal(mounts[0]!.message, "volume not ready");
  assert.equal(mounts[0]!.involvedObject.uid, "u-1");
  assert.equal(mounts[0]!.source?.component, "test-controller");
  assert.match(mounts[0]!.metadata!.name!, /^web-1\.[0-9a-f]+$/);
  assert.equal(listed.filter((e) => e.reason === "Scheduled").length, 1);

  await events.delete("default", mounts[0]!.metadata!.name!);
  recorder.event(pod, "Warning", "FailedMount", "volume not ready");
  await recorder.flush();
  const again = await events.get("default", mounts[0]!.metadata!.name!);
  assert.equal(again.count, 4);
});

test("recording never throws or waits; while the API server does not answer, writes beyond maxPending are dropped", async () => {
  const unanswered: (() => void)[] = [];
  const transport: Transport = {
    request: () => new Promise((_resolve, reject) => unanswered.push(() => reject(new Error("unreachable")))),
    close() {},
  };
  const recorder = new ApiEventRecorder(new Client(transport), { component: "test-controller" }, { maxPending: 2 });
  for (let i = 0; i < 5; i++) {
    recorder.event({ kind: "Pod", metadata: { name: `web-${i}`, namespace: "default" } }, "Normal", "Started", "started");
  }
  // One write is in flight and one waits behind it; the other three were dropped.
  for (let answered = 0; answered < 2; answered++) {
    while (unanswered.length <= answered) await new Promise((r) => setImmediate(r));
    unanswered[answered]!();
  }
  await recorder.flush();
  assert.equal(unanswered.length, 2);
});
