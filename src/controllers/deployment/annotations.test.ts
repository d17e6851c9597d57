import { test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { REVISION, REVISION_HISTORY, setNewReplicaSetAnnotations } from "./annotations.ts";

const d: Deployment = {
  metadata: { annotations: { "kubernetes.io/change-cause": "edit", [REVISION]: "7", "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
  spec: { replicas: 4, selector: {}, template: {}, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
};

test("a ReplicaSet about to be created gets the Deployment's annotations, the revision and its sizes", () => {
  const rs: ReplicaSet = {};
  assert.ok(setNewReplicaSetAnnotations(d, rs, 3, false));
  assert.deepEqual(rs.metadata!.annotations, {
    "kubernetes.io/change-cause": "edit",
    [REVISION]: "3",
    "deployment.kubernetes.io/desired-replicas": "4",
    "deployment.kubernetes.io/max-replicas": "5",
  });
  assert.ok(!setNewReplicaSetAnnotations(d, rs, 3, true), "nothing left to change");
});

test("a reused ReplicaSet moves to the new revision and remembers its old ones; the revision never goes down", () => {
  const rs: ReplicaSet = { metadata: { annotations: { "kubernetes.io/change-cause": "edit", [REVISION]: "2" } } };
  assert.ok(setNewReplicaSetAnnotations(d, rs, 5, true));
  assert.deepEqual([rs.metadata!.annotations![REVISION], rs.metadata!.annotations![REVISION_HISTORY]], ["5", "2"]);
  assert.ok(setNewReplicaSetAnnotations(d, rs, 8, true));
  assert.equal(rs.metadata!.annotations![REVISION_HISTORY], "2,5");
  assert.ok(!setNewReplicaSetAnnotations(d, rs, 6, true));
  assert.equal(rs.metadata!.annotations![REVISION], "8");
});

test("the revision history drops its oldest entries to stay within 2000 characters", () => {
  const long = Array.from({ length: 400 }, (_, i) => String(1000 + i)).join(","); // 1999 characters
  const rs: ReplicaSet = { metadata: { annotations: { [REVISION]: "9999", [REVISION_HISTORY]: long } } };
  setNewReplicaSetAnnotations({ spec: d.spec }, rs, 10000, true);
  const history = rs.metadata!.annotations![REVISION_HISTORY].split(",");
  assert.equal(history[0], "1001");
  assert.equal(history.at(-1), "9999");
  assert.ok(history.join(",").length <= 2000);
});
