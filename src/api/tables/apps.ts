// `kubectl get` for apps/v1: deployments, replicasets, statefulsets, daemonsets, controllerrevisions.
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { TableDef } from "../scheme.ts";
import { formatLabelSelector, formatLabels, labelSelectorAsString } from "../selectors/labels.ts";
import {
  age, ageColumn, column, containerCells, containersColumn, controllerOf, imagesColumn, kindName, nameColumn, selectorColumn,
} from "./format.ts";

const readyColumn = column("Ready", "string", "Ready pods out of the desired replicas.");
const wide = [containersColumn, imagesColumn, selectorColumn];

export const deploymentTable: TableDef = {
  columns: [
    nameColumn,
    readyColumn,
    column("Up-to-date", "integer", "Pods already running the current pod template."),
    column("Available", "integer", "Pods ready for at least minReadySeconds."),
    ageColumn,
    ...wide,
  ],
  cells(d: Deployment, now: Date) {
    const s = d.status;
    // The deployment printer shows the raw selector string (empty, not <none>) and <invalid> on errors.
    let selector: string;
    try {
      selector = labelSelectorAsString(d.spec?.selector);
    } catch {
      selector = "<invalid>";
    }
    return [
      d.metadata?.name ?? "",
      `${s?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      s?.updatedReplicas ?? 0,
      s?.availableReplicas ?? 0,
      age(d.metadata, now),
      ...containerCells(d.spec?.template?.spec?.containers),
      selector,
    ];
  },
};

export const replicaSetTable: TableDef = {
  columns: [
    nameColumn,
    column("Desired", "integer", "Replicas asked for in the spec."),
    column("Current", "integer", "Replicas that currently exist."),
    column("Ready", "integer", "Replicas whose pods are ready."),
    ageColumn,
    ...wide,
  ],
  cells: (rs: ReplicaSet, now: Date) => [
    rs.metadata?.name ?? "",
    rs.spec?.replicas ?? 1,
    rs.status?.replicas ?? 0,
    rs.status?.readyReplicas ?? 0,
    age(rs.metadata, now),
    ...containerCells(rs.spec?.template?.spec?.containers),
    formatLabelSelector(rs.spec?.selector),
  ],
};

export const statefulSetTable: TableDef = {
  columns: [nameColumn, readyColumn, ageColumn, containersColumn, imagesColumn],
  cells: (ss: StatefulSet, now: Date) => [
    ss.metadata?.name ?? "",
    `${ss.status?.readyReplicas ?? 0}/${ss.spec?.replicas ?? 1}`,
    age(ss.metadata, now),
    ...containerCells(ss.spec?.template?.spec?.containers),
  ],
};

export const daemonSetTable: TableDef = {
  columns: [
    nameColumn,
    column("Desired", "integer", "Nodes that should run the daemon pod."),
    column("Current", "integer", "Eligible nodes that run the daemon pod."),
    column("Ready", "integer", "Nodes whose daemon pod is ready."),
    column("Up-to-date", "integer", "Nodes running the current pod template."),
    column("Available", "integer", "Nodes whose daemon pod has been ready for minReadySeconds."),
    column("Node Selector", "string", "The node selector of the pod template."),
    ageColumn,
    ...wide,
  ],
  cells(ds: DaemonSet, now: Date) {
    const s = ds.status;
    return [
      ds.metadata?.name ?? "",
      s?.desiredNumberScheduled ?? 0,
      s?.currentNumberScheduled ?? 0,
      s?.numberReady ?? 0,
      s?.updatedNumberScheduled ?? 0,
      s?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(ds.metadata, now),
      ...containerCells(ds.spec?.template?.spec?.containers),
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

export const controllerRevisionTable: TableDef = {
  columns: [
    nameColumn,
    column("Controller", "string", "The owner that controls this revision (kind.group/name)."),
    column("Revision", "string", "The revision number of the stored state."),
    ageColumn,
  ],
  cells(cr: ControllerRevision, now: Date) {
    const ref = controllerOf(cr.metadata);
    return [cr.metadata?.name ?? "", ref ? kindName(ref.apiVersion, ref.kind, ref.name) : "<none>", cr.revision ?? 0, age(cr.metadata, now)];
  },
};
