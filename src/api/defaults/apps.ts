// Upstream's apps/v1 SetDefaults_*: replicas, update strategies, history limits and pod template defaults.
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import { defaultPersistentVolumeClaim, defaultPodSpec } from "./core.ts";

export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {} as Deployment["spec"])!;
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ||= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= "25%";
    ru.maxSurge ??= "25%";
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodSpec(spec.template?.spec);
}

export function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = (rs.spec ??= {} as ReplicaSet["spec"])!;
  spec.replicas ??= 1;
  defaultPodSpec(spec.template?.spec);
}

export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = (sts.spec ??= {} as StatefulSet["spec"])!;
  spec.podManagementPolicy ||= "OrderedReady";
  const us = (spec.updateStrategy ??= {});
  if (!us.type) {
    us.type = "RollingUpdate";
    us.rollingUpdate ??= {};
  }
  if (us.type === "RollingUpdate" && us.rollingUpdate) us.rollingUpdate.partition ??= 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ||= "Retain";
  retention.whenScaled ||= "Retain";
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultPodSpec(spec.template?.spec);
  for (const pvc of spec.volumeClaimTemplates ?? []) defaultPersistentVolumeClaim(pvc);
}

export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = (ds.spec ??= {} as DaemonSet["spec"])!;
  const us = (spec.updateStrategy ??= {});
  us.type ||= "RollingUpdate";
  if (us.type === "RollingUpdate") {
    const ru = (us.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodSpec(spec.template?.spec);
}
