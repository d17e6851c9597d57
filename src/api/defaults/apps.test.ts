import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultDaemonSet, defaultDeployment, defaultStatefulSet } from "./apps.ts";

const template = () => ({ metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } });

test("Deployment defaults", () => {
  const d: any = { spec: { template: template() } };
  defaultDeployment(d);
  const { replicas, strategy, revisionHistoryLimit, progressDeadlineSeconds } = d.spec;
  assert.deepEqual({ replicas, strategy, revisionHistoryLimit, progressDeadlineSeconds },
    { replicas: 1, strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
  assert.equal(d.spec.template.spec.restartPolicy, "Always");
  const recreate: any = { spec: { replicas: 0, strategy: { type: "Recreate" }, template: template() } };
  defaultDeployment(recreate);
  assert.deepEqual(recreate.spec.strategy, { type: "Recreate" });
  assert.equal(recreate.spec.replicas, 0);
});

test("StatefulSet defaults", () => {
  const s: any = { spec: { template: template(), volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }] } };
  defaultStatefulSet(s);
  const { podManagementPolicy, updateStrategy, persistentVolumeClaimRetentionPolicy, replicas, revisionHistoryLimit } = s.spec;
  assert.deepEqual({ podManagementPolicy, updateStrategy, persistentVolumeClaimRetentionPolicy, replicas, revisionHistoryLimit }, {
    podManagementPolicy: "OrderedReady", updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" }, replicas: 1, revisionHistoryLimit: 10,
  });
  assert.equal(s.spec.volumeClaimTemplates[0].spec.volumeMode, "Filesystem");
  const onDelete: any = { spec: { updateStrategy: { type: "OnDelete" }, template: template() } };
  defaultStatefulSet(onDelete);
  assert.deepEqual(onDelete.spec.updateStrategy, { type: "OnDelete" });
});

test("DaemonSet defaults", () => {
  const d: any = { spec: { template: template() } };
  defaultDaemonSet(d);
  assert.deepEqual(d.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(d.spec.revisionHistoryLimit, 10);
});
