import { test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { SchedulingQueue } from "./queue.ts";
import type { QueueOptions, QueuedPodInfo } from "./queue.ts";
import { prioritySort } from "./plugins/priority-sort.ts";
import { makePod, podInfo } from "./testing/fixtures.ts";
import { Action } from "./cluster-event.ts";

function queue(t: TestContext, o: Partial<QueueOptions> = {}) {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"], now: 1_000_000 });
  const q = new SchedulingQueue({
    less: prioritySort().less,
    gate: (p) => (p.pod.spec?.schedulingGates?.length ? "SchedulingGates" : undefined),
    worthRetrying: (qp, ev) => ev.resource === "Node" && qp.unschedulablePlugins.has("NodeResourcesFit"),
    ...o,
  });
  t.after(() => q.close());
  return q;
}

const pod = (name: string, priority = 0, spec = {}) => podInfo(makePod(name, { priority, spec }));

/** Pops what is active right now (pop never waits here because the queue is checked first). */
function drain(q: SchedulingQueue): Promise<string[]> {
  const n = q.counts.active;
  return Promise.all(Array.from({ length: n }, () => q.pop())).then((xs) => xs.map((x) => x!.podInfo.name));
}

test("active queue: higher priority first, then first come first served", async (t) => {
  const q = queue(t);
  q.add(pod("low-1", 1));
  q.add(pod("high", 10));
  q.add(pod("low-2", 1));
  q.add(pod("mid", 5));
  assert.deepEqual(await drain(q), ["high", "mid", "low-1", "low-2"]);
});

test("pop waits for the next pod and ends when the queue closes", async (t) => {
  const q = queue(t);
  const next = q.pop();
  q.add(pod("later"));
  assert.equal((await next)!.podInfo.name, "later");
  const pending = q.pop();
  q.close();
  assert.equal(await pending, undefined);
});

test("backoff doubles from 1 s up to 10 s", (t) => {
  const q = queue(t);
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => q.backoffDuration(a)), [1000, 2000, 4000, 8000, 10000, 10000]);
});

test("a failed pod backs off, then returns to the active queue", async (t) => {
  const q = queue(t);
  q.add(pod("p"));
  const first = (await q.pop())!;
  q.addUnschedulable(first, true);
  assert.deepEqual(q.counts, { active: 0, backoff: 1, unschedulable: 0 });
  t.mock.timers.tick(999);
  assert.equal(q.counts.backoff, 1);
  t.mock.timers.tick(1);
  assert.deepEqual(q.counts, { active: 1, backoff: 0, unschedulable: 0 });
  const second = (await q.pop())!;
  assert.equal(second.attempts, 2);
  q.addUnschedulable(second, true);
  t.mock.timers.tick(1999);
  assert.equal(q.counts.backoff, 1);
  t.mock.timers.tick(1);
  assert.equal(q.counts.active, 1);
});

test("unschedulable pods move only on events their rejecting plugin cares about", async (t) => {
  const q = queue(t);
  q.add(pod("fit"));
  q.add(pod("taint"));
  const a = (await q.pop())!;
  const b = (await q.pop())!;
  a.unschedulablePlugins = new Set(["NodeResourcesFit"]);
  b.unschedulablePlugins = new Set(["TaintToleration"]);
  q.addUnschedulable(a);
  q.addUnschedulable(b);
  q.moveOnEvent({ resource: "AssignedPod", actions: Action.Delete });
  assert.deepEqual(q.counts, { active: 0, backoff: 0, unschedulable: 2 });
  // Still within its 1 s backoff: it goes to the backoff queue first.
  q.moveOnEvent({ resource: "Node", actions: Action.Add });
  assert.deepEqual(q.counts, { active: 0, backoff: 1, unschedulable: 1 });
  t.mock.timers.tick(1000);
  assert.deepEqual(await drain(q), ["fit"]);
});

test("unschedulable pods are retried after 5 minutes without any event", async (t) => {
  const q = queue(t);
  q.add(pod("p"));
  const p = (await q.pop())!;
  p.unschedulablePlugins = new Set(["TaintToleration"]);
  q.addUnschedulable(p);
  t.mock.timers.tick(4 * 60_000 + 30_000);
  assert.equal(q.counts.unschedulable, 1);
  t.mock.timers.tick(30_000);
  assert.deepEqual(q.counts, { active: 1, backoff: 0, unschedulable: 0 });
});

test("a status-only update leaves an unschedulable pod waiting; a spec change retries it", async (t) => {
  const q = queue(t);
  const info = pod("p");
  q.add(info);
  const p: QueuedPodInfo = (await q.pop())!;
  p.unschedulablePlugins = new Set(["TaintToleration"]);
  q.addUnschedulable(p);
  t.mock.timers.tick(2000);
  const withStatus = { ...info.pod, status: { conditions: [{ type: "PodScheduled", status: "False" }] } };
  q.update(info.pod, podInfo(withStatus));
  assert.equal(q.counts.unschedulable, 1);
  const tolerating = { ...withStatus, spec: { ...withStatus.spec!, tolerations: [{ operator: "Exists" }] } };
  q.update(withStatus, podInfo(tolerating));
  assert.deepEqual(q.counts, { active: 1, backoff: 0, unschedulable: 0 });
  assert.deepEqual((await q.pop())!.podInfo.pod.spec?.tolerations, [{ operator: "Exists" }]);
});

test("gated pods wait until their gates are removed, whatever else happens", async (t) => {
  const q = queue(t);
  const gated = pod("gated", 0, { schedulingGates: [{ name: "example.com/wait" }] });
  q.add(gated);
  assert.deepEqual(q.counts, { active: 0, backoff: 0, unschedulable: 1 });
  q.moveOnEvent({ resource: "Node", actions: Action.Add });
  t.mock.timers.tick(10 * 60_000);
  assert.equal(q.counts.unschedulable, 1);
  q.update(gated.pod, pod("gated"));
  assert.deepEqual(await drain(q), ["gated"]);
});

test("delete removes a pod from whichever queue holds it", async (t) => {
  const q = queue(t);
  q.add(pod("a"));
  q.add(pod("b"));
  const b = (await q.pop())!;
  q.addUnschedulable(b, true);
  q.delete("default/a");
  q.delete("default/b");
  assert.deepEqual(q.counts, { active: 0, backoff: 0, unschedulable: 0 });
});
