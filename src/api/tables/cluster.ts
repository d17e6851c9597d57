// `kubectl get` for the remaining one-kind groups: leases (coordination), priorityclasses (scheduling) and
// storageclasses (storage).
import type { Lease } from "kubernetes-types/coordination/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import type { TableDef } from "../scheme.ts";
import { age, ageColumn, column, nameColumn } from "./format.ts";

export const leaseTable: TableDef = {
  columns: [nameColumn, column("Holder", "string", "The identity of the lease's current holder."), ageColumn],
  cells: (l: Lease, now: Date) => [l.metadata?.name ?? "", l.spec?.holderIdentity ?? "", age(l.metadata, now)],
};

export const priorityClassTable: TableDef = {
  columns: [
    nameColumn,
    column("Value", "integer", "The priority pods of this class receive."),
    column("Global-Default", "boolean", "Whether this class is the default for pods without one."),
    ageColumn,
    column("PreemptionPolicy", "string", "Whether pods of this class may preempt lower-priority pods."),
  ],
  cells: (pc: PriorityClass, now: Date) => [
    pc.metadata?.name ?? "",
    pc.value ?? 0,
    pc.globalDefault ?? false,
    age(pc.metadata, now),
    pc.preemptionPolicy ?? "<unset>",
  ],
};

const DEFAULT_CLASS_ANNOTATIONS = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];

export const storageClassTable: TableDef = {
  columns: [
    nameColumn,
    column("Provisioner", "string", "The provisioner of volumes of this class."),
    column("ReclaimPolicy", "string", "The reclaim policy of dynamically provisioned volumes."),
    column("VolumeBindingMode", "string", "When volumes are provisioned and bound."),
    column("AllowVolumeExpansion", "string", "Whether claims of this class may be expanded."),
    ageColumn,
  ],
  cells(sc: StorageClass, now: Date) {
    const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((a) => sc.metadata?.annotations?.[a] === "true");
    return [
      `${sc.metadata?.name ?? ""}${isDefault ? " (default)" : ""}`,
      sc.provisioner ?? "",
      sc.reclaimPolicy ?? "Delete",
      sc.volumeBindingMode ?? "Immediate",
      sc.allowVolumeExpansion ?? false,
      age(sc.metadata, now),
    ];
  },
};
