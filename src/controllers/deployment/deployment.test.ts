import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import type { Client } from "../../client/rest-client.ts";
import { Informer } from "../../client/informer.ts";
import { replicaset } from "../replicaset/index.ts";
import { createNamespace, runFakeKubelet, template } from "../replicaset/testing.ts";
import { deployment } from "./index.ts";

let h: ControllerHarness;
let client: Client;
before(async () => {
  h = await runControllers([replicaset, deployment]);
  client = h.api.client;
});
after(() => h.close());

const deployments = () => client.resource(R.deployments);
const replicaSets = async (ns: string): Promise<ReplicaSet[]> => (await client.resource(R.replicasets).list({ namespace: ns })).items;
const imageOf = (o: { spec?: { template?: { spec?: { containers: { image?: string }[] } } } }) => o.spec?.template?.spec?.containers[0].image;
const revisionOf = (o: { metadata?: { annotations?: Record<string, string> } }) => o.metadata?.annotations?.["deployment.kubernetes.io/revision"];

function deploymentObject(name: string, replicas: number, image: string, spec: Partial<Deployment["spec"]> = {}): Deployment {
  return { metadata: { name }, spec: { replicas, selector: { matchLabels: { app: name } }, template: template({ app: name }, image), ...spec } };
}

/** kubectl rollout status's test for a finished rollout. */
function rolledOut(d: Deployment): boolean {
  const s = d.status ?? {};
  return (d.metadata?.generation ?? 0) <= (s.observedGeneration ?? 0) && (s.updatedReplicas ?? 0) >= (d.spec?.replicas ?? 1) &&
    (s.replicas ?? 0) <= (s.updatedReplicas ?? 0) && (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0);
}
const waitRolledOut = (ns: string, name: string, ms = 15_000) =>
  eventually(async () => {
    const d = await deployments().get(ns, name);
    return rolledOut(d) && d;
  }, ms, `rollout of ${name}`);

/** The messages of the namespace's events with this reason, once all of `expected` are among them (events are written in the background). */
const eventMessages = (ns: string, reason: string, expected: string[]) =>
  eventually(async () => {
    const messages = (await client.resource(R.events).list({ namespace: ns })).items.filter((e) => e.reason === reason).map((e) => e.message!);
    return expected.every((m) => messages.includes(m)) && messages;
  }, 5_000, `${reason} events: ${expected.join("; ")}`);

/** Checks an invariant over the namespace's live (not terminating) pods after every change; collects violations. */
function watchPods(ns: string, check: (pods: Pod[]) => string | undefined): { violations: string[]; stop(): void } {
  const violations: string[] = [];
  const abort = new AbortController();
  const inf = new Informer(client.resource(R.pods), { namespace: ns });
  const run = () => {
    // The initial list reports pods one at a time: judge only complete pictures.
    if (!inf.hasSynced) return;
    const v = check(inf.store.list().filter((p) => !p.metadata?.deletionTimestamp));
    if (v) violations.push(v);
  };
  inf.addHandlers({ onAdd: run, onUpdate: run, onDelete: run });
  inf.run(abort.signal);
  return { violations, stop: () => abort.abort() };
}
const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");

test("a new Deployment rolls out: hashed ReplicaSet, annotations, conditions, status as kubectl reads it", async () => {
  const ns = "d-create";
  await createNamespace(client, ns);
  const kubelet = runFakeKubelet(client, ns);
  try {
    await deployments().create(deploymentObject("web", 3, "nginx:1"), { namespace: ns });
    const d = await waitRolledOut(ns, "web");
    assert.deepEqual([d.status!.replicas, d.status!.updatedReplicas, d.status!.readyReplicas, d.status!.availableReplicas, d.status!.unavailableReplicas ?? 0], [3, 3, 3, 3, 0]);
    assert.equal(revisionOf(d), "1");
    const byType = Object.fromEntries(d.status!.conditions!.map((c) => [c.type, c]));
    assert.equal(byType.Available.status, "True");
    assert.equal(byType.Available.reason, "MinimumReplicasAvailable");
    assert.equal(byType.Progressing.status, "True");
    assert.equal(byType.Progressing.reason, "NewReplicaSetAvailable");

    const [rs] = await replicaSets(ns);
    const hash = rs.metadata!.labels!["pod-template-hash"];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs.metadata!.name, `web-${hash}`);
    assert.match(byType.Progressing.message!, new RegExp(`ReplicaSet "web-${hash}" has successfully progressed.`));
    assert.deepEqual(rs.spec!.selector, { matchLabels: { app: "web", "pod-template-hash": hash } });
    assert.deepEqual(rs.spec!.template!.metadata!.labels, { app: "web", "pod-template-hash": hash });
    assert.equal(rs.metadata!.ownerReferences![0].uid, d.metadata!.uid);
    assert.equal(rs.metadata!.ownerReferences![0].kind, "Deployment");
    // 25% of 3 surges to 1 (rounded up).
    assert.deepEqual(
      [revisionOf(rs), rs.metadata!.annotations!["deployment.kubernetes.io/desired-replicas"], rs.metadata!.annotations!["deployment.kubernetes.io/max-replicas"]],
      ["1", "3", "4"],
    );
    const pods = (await client.resource(R.pods).list({ namespace: ns })).items;
    assert.ok(pods.every((p) => p.metadata!.labels!["pod-template-hash"] === hash && p.metadata!.name!.startsWith(`web-${hash}-`)));
    const scaleUp = `Scaled up replica set web-${hash} from 0 to 3`;
    assert.deepEqual(await eventMessages(ns, "ScalingReplicaSet", [scaleUp]), [scaleUp]);
  } finally {
    kubelet.stop();
  }
});

for (const c of [
  { name: "ints", replicas: 3, maxSurge: 1 as number | string, maxUnavailable: 0 as number | string, surge: 1, unavailable: 0 },
  // 50% of 3: surge rounds up to 2, unavailability down to 1.
  { name: "percentages", replicas: 3, maxSurge: "50%", maxUnavailable: "50%", surge: 2, unavailable: 1 },
]) {
  test(`an image change rolls to a second ReplicaSet within maxSurge and maxUnavailable (${c.name})`, async () => {
    const ns = `d-rolling-${c.name}`;
    await createNamespace(client, ns);
    const kubelet = runFakeKubelet(client, ns, { delayMs: 30 });
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: c.maxSurge, maxUnavailable: c.maxUnavailable } };
    try {
      await deployments().create(deploymentObject("app", c.replicas, "app:1", { strategy }), { namespace: ns });
      await waitRolledOut(ns, "app");
      let most = 0;
      const watcher = watchPods(ns, (pods) => {
        most = Math.max(most, pods.length);
        if (pods.length > c.replicas + c.surge) return `${pods.length} pods`;
        const ready = pods.filter(isReady).length;
        if (ready < c.replicas - c.unavailable) return `${ready} ready pods`;
      });
      try {
        await new Promise((r) => setTimeout(r, 100)); // let the watcher list first
        await deployments().patch(ns, "app", { spec: { template: { spec: { containers: [{ name: "app", image: "app:2" }] } } } }, "strategic");
        const d = await waitRolledOut(ns, "app");
        assert.equal(revisionOf(d), "2");
      } finally {
        watcher.stop();
      }
      assert.deepEqual(watcher.violations, []);
      assert.equal(most, c.replicas + c.surge, "the surge was used");

      const rss = await replicaSets(ns);
      assert.equal(rss.length, 2);
      const next = rss.find((rs) => imageOf(rs) === "app:2")!;
      const prev = rss.find((rs) => imageOf(rs) === "app:1")!;
      assert.deepEqual([next.spec!.replicas, prev.spec!.replicas, revisionOf(next), revisionOf(prev)], [c.replicas, 0, "2", "1"]);
      const pods = (await client.resource(R.pods).list({ namespace: ns })).items;
      assert.ok(pods.length === c.replicas && pods.every((p) => imageOf({ spec: { template: p } }) === "app:2"));
      // The first steps: the new ReplicaSet takes the whole surge, then the old one gives up what availability allows.
      await eventMessages(ns, "ScalingReplicaSet", [
        `Scaled up replica set ${next.metadata!.name} from 0 to ${c.surge}`,
        `Scaled down replica set ${prev.metadata!.name} from ${c.replicas} to ${c.replicas - Math.max(c.unavailable, 1)}`,
      ]);
    } finally {
      kubelet.stop();
    }
  });
}

test("Recreate removes every old pod before the new ReplicaSet starts any", async () => {
  const ns = "d-recreate";
  await createNamespace(client, ns);
  const kubelet = runFakeKubelet(client, ns, { delayMs: 20 });
  try {
    await deployments().create(deploymentObject("db", 2, "db:1", { strategy: { type: "Recreate" } }), { namespace: ns });
    await waitRolledOut(ns, "db");
    const watcher = watchPods(ns, (pods) => {
      const images = new Set(pods.map((p) => p.spec!.containers[0].image));
      return images.size > 1 ? `old and new pods together: ${[...images]}` : undefined;
    });
    try {
      await new Promise((r) => setTimeout(r, 100));
      await deployments().patch(ns, "db", { spec: { template: { spec: { containers: [{ name: "app", image: "db:2" }] } } } }, "strategic");
      await eventually(async () => {
        const d = await deployments().get(ns, "db");
        return rolledOut(d) && revisionOf(d) === "2";
      }, 15_000, "recreate rollout");
    } finally {
      watcher.stop();
    }
    assert.deepEqual(watcher.violations, []);
    const rss = await replicaSets(ns);
    const next = rss.find((rs) => imageOf(rs) === "db:2")!;
    const prev = rss.find((rs) => imageOf(rs) === "db:1")!;
    const expected = [`Scaled down replica set ${prev.metadata!.name} from 2 to 0`, `Scaled up replica set ${next.metadata!.name} from 0 to 2`];
    const scaling = await eventMessages(ns, "ScalingReplicaSet", expected);
    assert.equal(scaling.length, 3, "one step each: first rollout, scale down, scale up");
  } finally {
    kubelet.stop();
  }
});

/** What kubectl 1.32's `rollout undo --to-revision` does, client-side: the old ReplicaSet's template patched in. */
async function rolloutUndo(ns: string, name: string, toRevision: number): Promise<void> {
  const d = await deployments().get(ns, name);
  const rs = (await replicaSets(ns)).find((r) => revisionOf(r) === String(toRevision))!;
  const template = structuredClone(rs.spec!.template!);
  delete template.metadata!.labels!["pod-template-hash"];
  const skipped = ["kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision", "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to"];
  const annotations: Record<string, string> = {};
  for (const k of skipped) if (d.metadata!.annotations?.[k] !== undefined) annotations[k] = d.metadata!.annotations[k];
  for (const [k, v] of Object.entries(rs.metadata!.annotations ?? {})) if (!skipped.includes(k)) annotations[k] = v;
  await deployments().patch(ns, name, [
    { op: "replace", path: "/spec/template", value: template },
    { op: "replace", path: "/metadata/annotations", value: annotations },
  ], "json");
}

test("rollout undo reuses the old ReplicaSet with the next revision and records the revisions it had", async () => {
  const ns = "d-undo";
  await createNamespace(client, ns);
  const kubelet = runFakeKubelet(client, ns);
  try {
    await deployments().create({ ...deploymentObject("svc", 2, "svc:1"), metadata: { name: "svc", annotations: { "kubernetes.io/change-cause": "v1" } } }, { namespace: ns });
    await waitRolledOut(ns, "svc");
    await deployments().patch(ns, "svc", { metadata: { annotations: { "kubernetes.io/change-cause": "v2" } }, spec: { template: { spec: { containers: [{ name: "app", image: "svc:2" }] } } } }, "strategic");
    await eventually(async () => revisionOf(await deployments().get(ns, "svc")) === "2", 10_000, "revision 2");
    await waitRolledOut(ns, "svc");
    const [v1] = (await replicaSets(ns)).filter((rs) => imageOf(rs) === "svc:1");

    const expectRevisions = async (revision: string, image: string, history: string) => {
      const d = await eventually(async () => {
        const cur = await deployments().get(ns, "svc");
        return revisionOf(cur) === revision && rolledOut(cur) && cur;
      }, 15_000, `revision ${revision}`);
      const rss = await replicaSets(ns);
      assert.equal(rss.length, 2, "no ReplicaSet is created for a template seen before");
      const current = rss.find((rs) => imageOf(rs) === image)!;
      assert.equal(revisionOf(current), revision);
      assert.equal(current.metadata!.annotations!["deployment.kubernetes.io/revision-history"], history);
      assert.equal(current.spec!.replicas, 2);
      assert.equal(imageOf(d), image);
      return current;
    };
    await rolloutUndo(ns, "svc", 1);
    const reused = await expectRevisions("3", "svc:1", "1");
    assert.equal(reused.metadata!.uid, v1.metadata!.uid);
    assert.equal(reused.metadata!.annotations!["kubernetes.io/change-cause"], "v1");
    await rolloutUndo(ns, "svc", 2);
    await expectRevisions("4", "svc:2", "2");
    await rolloutUndo(ns, "svc", 3);
    await expectRevisions("5", "svc:1", "1,3");
  } finally {
    kubelet.stop();
  }
});

test("revisionHistoryLimit keeps only the newest scaled-down ReplicaSets", async () => {
  const ns = "d-history";
  await createNamespace(client, ns);
  const kubelet = runFakeKubelet(client, ns);
  try {
    await deployments().create(deploymentObject("h", 1, "h:1", { revisionHistoryLimit: 1 }), { namespace: ns });
    for (const v of [2, 3, 4]) {
      await waitRolledOut(ns, "h");
      await deployments().patch(ns, "h", { spec: { template: { spec: { containers: [{ name: "app", image: `h:${v}` }] } } } }, "strategic");
    }
    const rss = await eventually(async () => {
      const d = await deployments().get(ns, "h");
      const list = await replicaSets(ns);
      return revisionOf(d) === "4" && rolledOut(d) && list.length === 2 && list;
    }, 15_000, "two ReplicaSets at revision 4");
    assert.deepEqual(rss.map((rs) => [imageOf(rs), revisionOf(rs), rs.spec!.replicas]).sort(), [["h:3", "3", 0], ["h:4", "4", 1]]);
  } finally {
    kubelet.stop();
  }
});

test("adopts matching orphan ReplicaSets; releases one relabelled away, and a name collision bumps collisionCount", async () => {
  const ns = "d-adopt";
  await createNamespace(client, ns);
  const kubelet = runFakeKubelet(client, ns);
  try {
    await client.resource(R.replicasets).create({
      metadata: { name: "stray", labels: { app: "own" } },
      spec: { replicas: 1, selector: { matchLabels: { app: "own", v: "0" } }, template: template({ app: "own", v: "0" }, "own:0") },
    }, { namespace: ns });
    await deployments().create(deploymentObject("own", 1, "own:1"), { namespace: ns });
    const d = await waitRolledOut(ns, "own");
    const stray = await client.resource(R.replicasets).get(ns, "stray");
    assert.equal(stray.metadata!.ownerReferences?.[0]?.uid, d.metadata!.uid, "adopted");
    assert.equal(stray.spec!.replicas, 0, "adopted as an old ReplicaSet and scaled down");

    const first = (await replicaSets(ns)).find((rs) => rs.metadata!.name !== "stray")!;
    await client.resource(R.replicasets).patch(ns, first.metadata!.name!, { metadata: { labels: { app: "elsewhere" } } });
    const replaced = await eventually(async () => {
      const rss = await replicaSets(ns);
      const released = rss.find((rs) => rs.metadata!.name === first.metadata!.name)!;
      const next = rss.find((rs) => rs.metadata!.ownerReferences?.[0]?.uid === d.metadata!.uid && rs.metadata!.name !== "stray");
      return !released.metadata!.ownerReferences?.length && next && next;
    }, 10_000, "release and a new ReplicaSet");
    assert.notEqual(replaced.metadata!.name, first.metadata!.name);
    const after = await waitRolledOut(ns, "own");
    assert.equal(after.status!.collisionCount, 1);
  } finally {
    kubelet.stop();
  }
});

test("without a progress deadline there is no Progressing condition; one set later starts from FoundNewReplicaSet", async () => {
  const ns = "d-found";
  await createNamespace(client, ns);
  const kubelet = runFakeKubelet(client, ns);
  const reasons: string[] = [];
  const abort = new AbortController();
  const inf = new Informer(deployments(), { namespace: ns });
  const record = (d: Deployment) => {
    const r = d.status?.conditions?.find((c) => c.type === "Progressing")?.reason;
    if (r && reasons.at(-1) !== r) reasons.push(r);
  };
  inf.addHandlers({ onAdd: record, onUpdate: (_o, d) => record(d) });
  inf.run(abort.signal);
  try {
    await deployments().create(deploymentObject("found", 2, "found:1", { progressDeadlineSeconds: 2147483647 }), { namespace: ns });
    const d = await waitRolledOut(ns, "found");
    assert.deepEqual(d.status!.conditions!.map((c) => c.type), ["Available"]);
    await deployments().patch(ns, "found", { spec: { progressDeadlineSeconds: 600 } });
    await eventually(() => reasons.at(-1) === "NewReplicaSetAvailable", 10_000, "NewReplicaSetAvailable");
    assert.deepEqual(reasons, ["FoundNewReplicaSet", "NewReplicaSetAvailable"]);
    assert.equal((await replicaSets(ns)).length, 1);
  } finally {
    abort.abort();
    kubelet.stop();
  }
});
