import { after, before, test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import type { Lease } from "kubernetes-types/coordination/v1";
import { startTestApi } from "../../test/support/api-server.ts";
import type { TestApi } from "../../test/support/api-server.ts";
import { eventually } from "../../test/support/controllers.ts";
import { LeaderElector } from "./leader-election.ts";
import { Client } from "./rest-client.ts";
import { R } from "./resources.ts";
import type { Transport, TransportRequest, TransportResponse } from "./transport.ts";

// Short durations: the lease is written as 2 s (1500 ms rounded up), renewals give up after 1 s.
const TIMING = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(() => api.close());

/** Passes requests through until `failing` is set, then rejects them as a dead network would. */
class BreakableTransport implements Transport {
  failing = false;
  private readonly inner: Transport;
  constructor(inner: Transport) {
    this.inner = inner;
  }
  request(req: TransportRequest): Promise<TransportResponse> {
    return this.failing ? Promise.reject(new Error("network unreachable")) : this.inner.request(req);
  }
  close(): void {}
}

interface Candidate {
  identity: string;
  elector: LeaderElector;
  transport: BreakableTransport;
  stop: AbortController;
  /** run()'s promise. */
  done: Promise<void>;
  /** The signal of the latest onStartedLeading call. */
  leadership: AbortSignal | undefined;
  started: number;
  stopped: number;
  leaders: string[];
}

function candidate(t: TestContext, lease: string, identity: string): Candidate {
  const transport = new BreakableTransport(api.client.transport);
  const seen = { leadership: undefined as AbortSignal | undefined, started: 0, stopped: 0, leaders: [] as string[] };
  const elector = new LeaderElector({
    client: new Client(transport, identity),
    name: lease,
    identity,
    ...TIMING,
    onStartedLeading: (signal) => {
      seen.leadership = signal;
      seen.started++;
    },
    onStoppedLeading: () => seen.stopped++,
    onNewLeader: (id) => seen.leaders.push(id),
  });
  const stop = new AbortController();
  const done = elector.run(stop.signal);
  t.after(async () => {
    stop.abort();
    await done;
  });
  return Object.assign(seen, { identity, elector, transport, stop, done });
}

const readLease = (name: string): Promise<Lease> => api.client.resource(R.leases).get("kube-system", name);
const leaderOf = (...cs: Candidate[]) => eventually(() => cs.find((c) => c.elector.isLeader), 5000, "a leader");

test("of two candidates exactly one leads, and keeps renewing the lease", async (t) => {
  const a = candidate(t, "two-candidates", "a");
  const b = candidate(t, "two-candidates", "b");
  const leader = await leaderOf(a, b);
  const follower = leader === a ? b : a;
  const first = await readLease("two-candidates");

  const end = Date.now() + 1000;
  while (Date.now() < end) {
    assert.ok(a.elector.isLeader !== b.elector.isLeader, "exactly one candidate leads at any moment");
    await new Promise((r) => setTimeout(r, 20));
  }

  const lease = await readLease("two-candidates");
  const id = leader.identity;
  assert.equal(lease.spec?.holderIdentity, id);
  assert.equal(lease.spec?.leaseDurationSeconds, 2);
  assert.equal(lease.spec?.leaseTransitions, 0);
  assert.match(lease.spec?.acquireTime ?? "", MICRO_TIME);
  assert.match(lease.spec?.renewTime ?? "", MICRO_TIME);
  assert.equal(lease.spec?.acquireTime, first.spec?.acquireTime, "renewals keep the acquire time");
  assert.ok(lease.spec!.renewTime! > first.spec!.renewTime!, "renewals advance the renew time");
  assert.equal(follower.elector.leader, id);
  assert.deepEqual(follower.leaders, [id]);
  assert.equal(leader.started, 1);
  assert.equal(follower.started, 0);
});

test("a leader stopped cleanly releases the lease and the other candidate leads at once", async (t) => {
  const a = candidate(t, "release", "a");
  await leaderOf(a);
  const b = candidate(t, "release", "b");
  await eventually(() => b.elector.leader === "a", 2000, "b to see a lead");

  const stoppedAt = Date.now();
  a.stop.abort();
  await a.done;
  assert.equal(a.leadership?.aborted, true);
  assert.equal(a.stopped, 1);
  assert.equal(a.elector.isLeader, false);
  await leaderOf(b);
  // Far sooner than the 2 s lease would take to expire: one jittered retry period (at most 440 ms).
  assert.ok(Date.now() - stoppedAt < 1000, `b took over after ${Date.now() - stoppedAt} ms`);

  const lease = await readLease("release");
  assert.equal(lease.spec?.holderIdentity, "b");
  assert.equal(lease.spec?.leaseTransitions, 1);
  assert.equal(lease.spec?.leaseDurationSeconds, 2);
});

test("a leader cut off from the API stops leading after the renew deadline, and the other takes over once the lease expires", async (t) => {
  const a = candidate(t, "partition", "a");
  await leaderOf(a);
  const b = candidate(t, "partition", "b");
  await eventually(() => b.elector.leader === "a", 2000, "b to see a lead");

  const cutAt = Date.now();
  a.transport.failing = true;
  let abortedAfter = -1;
  a.leadership!.addEventListener("abort", () => (abortedAfter = Date.now() - cutAt));
  await leaderOf(b);
  const tookOverAfter = Date.now() - cutAt;

  // Renewals start within a retry period of the cut and give up 1 s later.
  assert.ok(abortedAfter >= 900 && abortedAfter < 1600, `a stopped leading ${abortedAfter} ms after the cut`);
  assert.equal(a.elector.isLeader, false);
  assert.equal(a.stopped, 1);
  // The lease (2 s) counts from when b last saw a renew it, so never before a has stopped leading.
  assert.ok(tookOverAfter >= 1700 && tookOverAfter < 3500, `b took over ${tookOverAfter} ms after the cut`);
  assert.ok(abortedAfter < tookOverAfter);
  const lease = await readLease("partition");
  assert.equal(lease.spec?.holderIdentity, "b");
  assert.equal(lease.spec?.leaseTransitions, 1);
});

test("a leader whose lease is taken from it stops leading after the renew deadline, then leads again once that lease expires", async (t) => {
  const a = candidate(t, "stolen", "a");
  await leaderOf(a);
  const lease = await readLease("stolen");
  const now = new Date().toISOString().replace("Z", "000Z");
  const stolenAt = Date.now();
  await api.client.resource(R.leases).update({ ...lease, spec: { ...lease.spec, holderIdentity: "intruder", renewTime: now, acquireTime: now, leaseTransitions: 1 } });

  const firstLeadership = a.leadership!;
  await eventually(() => firstLeadership.aborted, 3000, "a to stop leading");
  const stoppedAfter = Date.now() - stolenAt;
  assert.ok(stoppedAfter >= 900 && stoppedAfter < 1600, `a stopped leading ${stoppedAfter} ms after the lease was taken`);
  assert.equal(a.stopped, 1);
  assert.equal(a.elector.leader, "intruder");
  assert.deepEqual(a.leaders, ["a", "intruder"]);

  // The intruder never renews: after its 2 s, a takes the lease back as a new holder.
  await leaderOf(a);
  assert.ok(Date.now() - stolenAt >= 1900, "a waited for the intruder's lease to expire");
  assert.equal(a.started, 2);
  assert.notEqual(a.leadership, firstLeadership);
  const retaken = await readLease("stolen");
  assert.equal(retaken.spec?.holderIdentity, "a");
  assert.equal(retaken.spec?.leaseTransitions, 2);
  assert.deepEqual(a.leaders, ["a", "intruder", "a"]);
});

test("timings that would let two candidates lead at once are refused", () => {
  const base = { client: api.client, name: "x", identity: "a", onStartedLeading: () => {} };
  assert.throws(() => new LeaderElector({ ...base, leaseDurationMs: 1000, renewDeadlineMs: 1000 }));
  assert.throws(() => new LeaderElector({ ...base, renewDeadlineMs: 2000, retryPeriodMs: 2000 }));
  assert.doesNotThrow(() => new LeaderElector(base));
});
