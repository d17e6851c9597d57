import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, DeploymentCondition, ReplicaSet } from "kubernetes-types/apps/v1";
import { eventually, runControllers } from "../../../test/support/controllers.ts";
import type { ControllerHarness } from "../../../test/support/controllers.ts";
import { R } from "../../client/resources.ts";
import type { Client } from "../../client/rest-client.ts";
import { Informer } from "../../client/informer.ts";
import { replicaset } from "../replicaset/index.ts";
import { createNamespace, runFakeKubelet, setPodStatus, template } from "../replicaset/testing.ts";
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
const imageOf = (rs: ReplicaSet) => rs.spec?.template?.spec?.containers[0].image;
const condition = (d: Deployment, type: string): DeploymentCondition | undefined => d.status?.conditions?.find((c) => c.type === type);
const setImage = (ns: string, name: string, image: string) =>
  deployments().patch(ns, name, { spec: { template: { spec: { containers: [{ name: "app", image }] } } } }, "strategic");

function deploymentObject(name: string, replicas: number, image: string, spec: Partial<Deployment["spec"]> = {}): Deployment {
  return { metadata: { name }, spec: { replicas, selector: { matchLabels: { app: name } }, template: template({ app: name }, image), ...spec } };
}
const waitFor = <T>(ns: string, name: string, what: string, check: (d: Deployment) => T | undefined | false, ms = 15_000) =>
  eventually(async () => check(await deployments().get(ns, name)), ms, what);
const complete = (d: Deployment) => condition(d, "Progressing")?.reason === "NewReplicaSetAvailable" &&
  (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && d.status?.updatedReplicas === d.spec?.replicas && d.status?.replicas === d.spec?.replicas;

test("a paused Deployment scales but does not roll out; resuming rolls out, with the Progressing reasons to match", async () => {
  const ns = "d-pause";
  await createNamespace(client, ns);
  const kubelet = runFakeKubelet(client, ns);
  const reasons: string[] = [];
  const abort = new AbortController();
  const inf = new Informer(deployments(), { namespace: ns });
  const record = (d: Deployment) => {
    const r = condition(d, "Progressing")?.reason;
    if (r && reasons.at(-1) !== r) reasons.push(r);
  };
  inf.addHandlers({ onAdd: record, onUpdate: (_o, d) => record(d) });
  inf.run(abort.signal);
  try {
    await deployments().create(deploymentObject("p", 2, "p:1"), { namespace: ns });
    await waitFor(ns, "p", "first rollout", complete);
    await deployments().patch(ns, "p", { spec: { paused: true } });
    const paused = await waitFor(ns, "p", "paused condition", (d) => condition(d, "Progressing")?.reason === "DeploymentPaused" && d);
    assert.equal(condition(paused, "Progressing")!.status, "Unknown");
    assert.equal(condition(paused, "Progressing")!.message, "Deployment is paused");

    await setImage(ns, "p", "p:2");
    await deployments().patch(ns, "p", { spec: { replicas: 4 } });
    await waitFor(ns, "p", "scaled while paused", (d) => d.status?.observedGeneration === d.metadata?.generation && d.status?.availableReplicas === 4);
    const whilePaused = await replicaSets(ns);
    assert.deepEqual(whilePaused.map((rs) => [imageOf(rs), rs.spec!.replicas]), [["p:1", 4]], "no rollout while paused");

    await deployments().patch(ns, "p", { spec: { paused: false } });
    const done = await waitFor(ns, "p", "rollout after resume", (d) => complete(d) && d.metadata?.annotations?.["deployment.kubernetes.io/revision"] === "2" && d);
    assert.equal(done.status!.availableReplicas, 4);
    const rss = await replicaSets(ns);
    assert.deepEqual(rss.map((rs) => [imageOf(rs), rs.spec!.replicas]).sort(), [["p:1", 0], ["p:2", 4]]);
    const from = reasons.indexOf("DeploymentPaused");
    assert.ok(from > 0, reasons.join(","));
    assert.equal(reasons[from + 1], "DeploymentResumed", reasons.join(","));
    assert.equal(reasons.at(-1), "NewReplicaSetAvailable");
  } finally {
    abort.abort();
    kubelet.stop();
  }
});

test("resizing a Deployment mid-rollout scales its ReplicaSets in proportion", async () => {
  const ns = "d-proportional";
  await createNamespace(client, ns);
  // Version 2 never becomes ready, so the rollout stalls with pods in both ReplicaSets.
  const kubelet = runFakeKubelet(client, ns, { ready: (pod) => pod.spec!.containers[0].image === "s:1" });
  try {
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
    await deployments().create(deploymentObject("s", 10, "s:1", { strategy }), { namespace: ns });
    await waitFor(ns, "s", "first rollout", complete);
    await setImage(ns, "s", "s:2");
    // 10 + 3 surge = 13 pods: 3 new ones, 2 old ones may go (2 unavailable), then 2 more new ones.
    const sizes = async () => Object.fromEntries((await replicaSets(ns)).map((rs) => [imageOf(rs)!, rs.spec!.replicas!]));
    await eventually(async () => {
      const s = await sizes();
      return s["s:1"] === 8 && s["s:2"] === 5;
    }, 15_000, "the stalled rollout at 8 + 5");

    await deployments().patch(ns, "s", { spec: { replicas: 15 } });
    // 18 allowed now: 5 more, split 8:5 as 3 and 2.
    await eventually(async () => {
      const s = await sizes();
      return s["s:1"] === 11 && s["s:2"] === 7;
    }, 15_000, "11 + 7 after scaling to 15");
    const rss = await replicaSets(ns);
    for (const rs of rss) {
      assert.equal(rs.metadata!.annotations!["deployment.kubernetes.io/desired-replicas"], "15");
      assert.equal(rs.metadata!.annotations!["deployment.kubernetes.io/max-replicas"], "18");
    }
    const name = (image: string) => rss.find((rs) => imageOf(rs) === image)!.metadata!.name;
    const expected = [`Scaled up replica set ${name("s:1")} from 8 to 11`, `Scaled up replica set ${name("s:2")} from 5 to 7`];
    await eventually(async () => {
      const messages = (await client.resource(R.events).list({ namespace: ns })).items.map((e) => e.message);
      return expected.every((m) => messages.includes(m));
    }, 5_000, "proportional scaling events");
    // And it stays there: no step of the stalled rollout is possible.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await sizes(), { "s:1": 11, "s:2": 7 });
  } finally {
    kubelet.stop();
  }
});

test("a rollout without progress for progressDeadlineSeconds is reported as ProgressDeadlineExceeded, until it completes", async () => {
  const ns = "d-deadline";
  await createNamespace(client, ns);
  await deployments().create(deploymentObject("late", 1, "late:1", { progressDeadlineSeconds: 1 }), { namespace: ns });
  const d = await waitFor(ns, "late", "deadline exceeded", (cur) => condition(cur, "Progressing")?.reason === "ProgressDeadlineExceeded" && cur, 10_000);
  const [rs] = await replicaSets(ns);
  assert.equal(condition(d, "Progressing")!.status, "False");
  assert.equal(condition(d, "Progressing")!.message, `ReplicaSet "${rs.metadata!.name}" has timed out progressing.`);
  assert.equal(condition(d, "Available")!.status, "False");
  assert.equal(condition(d, "Available")!.reason, "MinimumReplicasUnavailable");

  const [pod] = (await client.resource(R.pods).list({ namespace: ns })).items;
  await setPodStatus(client, pod);
  const done = await waitFor(ns, "late", "completion after the deadline", (cur) => complete(cur) && cur);
  assert.equal(condition(done, "Available")!.reason, "MinimumReplicasAvailable");
});

test("pod creation failures of the new ReplicaSet show as the Deployment's ReplicaFailure condition", async () => {
  const ns = "d-failure";
  await createNamespace(client, ns);
  const kubelet = runFakeKubelet(client, ns);
  try {
    await deployments().create(deploymentObject("broken", 2, "broken:1 "), { namespace: ns });
    const d = await waitFor(ns, "broken", "ReplicaFailure", (cur) => condition(cur, "ReplicaFailure"));
    assert.equal(d.status, "True");
    assert.equal(d.reason, "FailedCreate");
    assert.match(d.message!, /must not have leading or trailing whitespace/);
    // The fixed template rolls out; the broken ReplicaSet, scaled away, no longer fails.
    await setImage(ns, "broken", "broken:1");
    await waitFor(ns, "broken", "condition cleared", (cur) => !condition(cur, "ReplicaFailure") && complete(cur));
  } finally {
    kubelet.stop();
  }
});
