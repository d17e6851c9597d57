import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import type { Client } from "../../client/rest-client.ts";
import { replicaset } from "./index.ts";
import { createNamespace, setPodStatus, template } from "./testing.ts";

let h: ControllerHarness;
let client: Client;
before(async () => {
  h = await runControllers([replicaset]);
  client = h.api.client;
});
after(() => h.close());

const rsc = () => client.resource(R.replicasets);
const podsOf = async (ns: string): Promise<Pod[]> => (await client.resource(R.pods).list({ namespace: ns })).items;
const rsObject = (name: string, replicas: number, labels = { app: name }, extra: Partial<ReplicaSet["spec"]> = {}): ReplicaSet => ({
  metadata: { name },
  spec: { replicas, selector: { matchLabels: labels }, template: template(labels), ...extra },
});
async function podCount(ns: string, n: number): Promise<Pod[]> {
  return eventually(async () => {
    const pods = await podsOf(ns);
    return pods.length === n && pods;
  }, 10_000, `${n} pods in ${ns}`);
}
const eventsFor = async (ns: string, name: string) =>
  (await client.resource(R.events).list({ namespace: ns })).items.filter((e) => e.involvedObject.name === name);

test("scales up from the template with owner references, events and status; replaces a deleted pod", async () => {
  const ns = "rs-up";
  await createNamespace(client, ns);
  const rs = await rsc().create({
    ...rsObject("web", 3),
    spec: { ...rsObject("web", 3).spec!, template: { metadata: { labels: { app: "web", tier: "x" }, annotations: { note: "n" } }, spec: template({}).spec } },
  }, { namespace: ns });
  const pods = await podCount(ns, 3);
  for (const p of pods) {
    assert.match(p.metadata!.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(p.metadata!.labels, { app: "web", tier: "x" });
    assert.deepEqual(p.metadata!.annotations, { note: "n" });
    assert.deepEqual(p.metadata!.ownerReferences, [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(p.spec!.containers[0].image, "nginx:1");
  }
  const status = await eventually(async () => {
    const cur = await rsc().get(ns, "web");
    return cur.status?.replicas === 3 && cur.status?.fullyLabeledReplicas === 3 && cur.status;
  }, 10_000, "status.replicas 3");
  assert.equal(status.observedGeneration, 1);
  assert.equal(status.readyReplicas ?? 0, 0);

  await setPodStatus(client, pods[0]);
  await setPodStatus(client, pods[1]);
  await setPodStatus(client, pods[2], { ready: false });
  await eventually(async () => {
    const s = (await rsc().get(ns, "web")).status;
    return s?.readyReplicas === 2 && s.availableReplicas === 2;
  }, 10_000, "2 ready and available");

  const created = await eventually(async () => {
    const messages = (await eventsFor(ns, "web")).filter((e) => e.reason === "SuccessfulCreate").map((e) => e.message).sort();
    return messages.length >= 3 && messages;
  }, 5_000, "create events");
  assert.deepEqual(created, pods.map((p) => `Created pod: ${p.metadata!.name}`).sort());

  await client.resource(R.pods).delete(ns, pods[0].metadata!.name!);
  const replaced = await eventually(async () => {
    const now = await podsOf(ns);
    return now.length === 3 && !now.some((p) => p.metadata!.name === pods[0].metadata!.name) && now;
  }, 10_000, "a replacement pod");
  assert.equal(replaced.filter((p) => !pods.some((o) => o.metadata!.uid === p.metadata!.uid)).length, 1);
});

test("scaling down deletes the least useful pods first and never more than needed", async () => {
  const ns = "rs-down";
  await createNamespace(client, ns);
  await rsc().create(rsObject("api", 4), { namespace: ns });
  const pods = await podCount(ns, 4);
  const hourAgo = new Date(Date.now() - 3600_000);
  const [longReady, recentReady, notReady, pending] = pods;
  await setPodStatus(client, longReady, { readySince: hourAgo });
  await setPodStatus(client, recentReady);
  await setPodStatus(client, notReady, { ready: false });
  await setPodStatus(client, pending, { phase: "Pending", ready: false });
  await eventually(async () => (await rsc().get(ns, "api")).status?.readyReplicas === 2, 10_000, "2 ready");

  await rsc().patch(ns, "api", { spec: { replicas: 2 } });
  let left = await podCount(ns, 2);
  assert.deepEqual(left.map((p) => p.metadata!.name).sort(), [longReady, recentReady].map((p) => p.metadata!.name).sort());
  await rsc().patch(ns, "api", { spec: { replicas: 1 } });
  left = await podCount(ns, 1);
  assert.equal(left[0].metadata!.name, longReady.metadata!.name);

  // Events are written in the background.
  const want = [pending, notReady, recentReady].map((p) => `Deleted pod: ${p.metadata!.name}`).sort();
  const deleted = await eventually(async () => {
    const messages = (await eventsFor(ns, "api")).filter((e) => e.reason === "SuccessfulDelete").map((e) => e.message).sort();
    return messages.length >= want.length && messages;
  }, 5_000, "delete events");
  assert.deepEqual(deleted, want);
  // No extra creates after the deletions settle.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await podsOf(ns)).length, 1);
  const s = await eventually(async () => {
    const cur = await rsc().get(ns, "api");
    return cur.status?.replicas === 1 && cur.status;
  }, 10_000, "status.replicas 1");
  assert.equal(s.observedGeneration, 3);
});

test("adopts matching orphans, releases pods whose labels stop matching, ignores finished pods", async () => {
  const ns = "rs-adopt";
  await createNamespace(client, ns);
  const pods = client.resource(R.pods);
  const orphan = (name: string, labels: Record<string, string>) => pods.create({ metadata: { name, namespace: ns, labels }, spec: template({}).spec }, { namespace: ns });
  await orphan("o1", { app: "db" });
  await orphan("o2", { app: "db" });
  await orphan("other", { app: "cache" });
  const done = await orphan("done", { app: "db" });
  await setPodStatus(client, done, { phase: "Succeeded", ready: false });

  const rs = await rsc().create(rsObject("db", 2), { namespace: ns });
  const adopted = await eventually(async () => {
    const all = await podsOf(ns);
    const owned = all.filter((p) => p.metadata!.ownerReferences?.some((r) => r.uid === rs.metadata!.uid));
    return owned.length === 2 && owned;
  }, 10_000, "2 adopted pods");
  assert.deepEqual(adopted.map((p) => p.metadata!.name).sort(), ["o1", "o2"]);
  assert.deepEqual(adopted[0].metadata!.ownerReferences, [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "db", uid: rs.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
  // Adoption filled the ReplicaSet: nothing was created, the finished and the unmatched pods were left alone.
  await new Promise((r) => setTimeout(r, 300));
  const all = await podsOf(ns);
  assert.deepEqual(all.map((p) => p.metadata!.name).sort(), ["done", "o1", "o2", "other"]);
  assert.equal(all.find((p) => p.metadata!.name === "done")!.metadata!.ownerReferences, undefined);

  await pods.patch(ns, "o1", { metadata: { labels: { app: "debug" } } });
  const replacement = await eventually(async () => {
    const now = await podsOf(ns);
    const o1 = now.find((p) => p.metadata!.name === "o1")!;
    const fresh = now.find((p) => p.metadata!.name!.startsWith("db-"));
    return !o1.metadata!.ownerReferences?.length && fresh;
  }, 10_000, "o1 released and replaced");
  assert.equal(replacement.metadata!.ownerReferences![0].uid, rs.metadata!.uid);
});

test("availableReplicas waits for minReadySeconds, then the ReplicaSet requeues itself", async () => {
  const ns = "rs-minready";
  await createNamespace(client, ns);
  await rsc().create(rsObject("slow", 1, { app: "slow" }, { minReadySeconds: 1 }), { namespace: ns });
  const [pod] = await podCount(ns, 1);
  await setPodStatus(client, pod);
  const early = await eventually(async () => {
    const s = (await rsc().get(ns, "slow")).status;
    return s?.readyReplicas === 1 && s;
  }, 10_000, "ready");
  assert.equal(early.availableReplicas ?? 0, 0);
  await eventually(async () => (await rsc().get(ns, "slow")).status?.availableReplicas === 1, 5_000, "available after minReadySeconds");
});

test("pod creation errors: FailedCreate events and a ReplicaFailure condition until the template is fixed", async () => {
  const ns = "rs-fail";
  await createNamespace(client, ns);
  const bad = rsObject("bad", 2);
  bad.spec!.template!.spec!.containers[0].image = "nginx:1 "; // pods reject surrounding whitespace; templates do not
  await rsc().create(bad, { namespace: ns });
  const cond = await eventually(async () => (await rsc().get(ns, "bad")).status?.conditions?.find((c) => c.type === "ReplicaFailure"), 10_000, "ReplicaFailure");
  assert.equal(cond.status, "True");
  assert.equal(cond.reason, "FailedCreate");
  assert.match(cond.message!, /must not have leading or trailing whitespace/);
  const failed = (await eventsFor(ns, "bad")).filter((e) => e.reason === "FailedCreate");
  assert.ok(failed.length >= 1);
  assert.match(failed[0].message!, /^Error creating: /);
  assert.equal(failed[0].type, "Warning");

  await rsc().patch(ns, "bad", { spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1" }] } } } }, "strategic");
  await podCount(ns, 2);
  await eventually(async () => {
    const s = (await rsc().get(ns, "bad")).status;
    return s?.replicas === 2 && !s.conditions?.length;
  }, 10_000, "condition cleared");
});
