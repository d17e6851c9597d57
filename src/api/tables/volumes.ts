// `kubectl get persistentvolumes` and `kubectl get persistentvolumeclaims`.
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import type { TableDef } from "../scheme.ts";
import { age, ageColumn, column, nameColumn, quantity } from "./format.ts";

const MODES: [string, string][] = [["ReadWriteOnce", "RWO"], ["ReadOnlyMany", "ROX"], ["ReadWriteMany", "RWX"], ["ReadWriteOncePod", "RWOP"]];

/** Access modes abbreviated in a fixed order, duplicates dropped. */
export const accessModes = (modes: readonly string[] | undefined): string =>
  MODES.filter(([m]) => modes?.includes(m)).map(([, short]) => short).join(",");

/** The beta annotation still wins over spec.storageClassName upstream. */
const storageClass = (meta: ObjectMeta | undefined, name: string | undefined): string =>
  meta?.annotations?.["volume.beta.kubernetes.io/storage-class"] ?? name ?? "";

const storageClassColumn = (what: string) => column("StorageClass", "string", `StorageClass of the ${what}`);
const vacColumn = (what: string) => column("VolumeAttributesClass", "string", `VolumeAttributesClass of the ${what}`);
const volumeModeColumn = column("VolumeMode", "string", "Filesystem or Block.", 1);

export const persistentVolumeTable: TableDef = {
  columns: [
    nameColumn,
    column("Capacity", "string", "The storage capacity of the volume."),
    column("Access Modes", "string", "The ways the volume can be mounted."),
    column("Reclaim Policy", "string", "What happens to the volume when it is released from its claim."),
    column("Status", "string", "The phase of the volume."),
    column("Claim", "string", "The claim bound to the volume (namespace/name)."),
    storageClassColumn("pv"),
    vacColumn("pv"),
    column("Reason", "string", "Why the volume is in its phase, if it failed."),
    ageColumn,
    volumeModeColumn,
  ],
  cells(pv: PersistentVolume, now: Date) {
    const ref = pv.spec?.claimRef;
    return [
      pv.metadata?.name ?? "",
      quantity(pv.spec?.capacity?.storage),
      accessModes(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? "",
      pv.metadata?.deletionTimestamp ? "Terminating" : pv.status?.phase ?? "",
      ref ? `${ref.namespace ?? ""}/${ref.name ?? ""}` : "",
      storageClass(pv.metadata, pv.spec?.storageClassName),
      pv.spec?.volumeAttributesClassName ?? "<unset>",
      pv.status?.reason ?? "",
      age(pv.metadata, now),
      pv.spec?.volumeMode ?? "<unset>",
    ];
  },
};

export const persistentVolumeClaimTable: TableDef = {
  columns: [
    nameColumn,
    column("Status", "string", "The phase of the claim."),
    column("Volume", "string", "The volume bound to the claim."),
    column("Capacity", "string", "The capacity of the bound volume."),
    column("Access Modes", "string", "The access modes of the bound volume."),
    storageClassColumn("pvc"),
    vacColumn("pvc"),
    ageColumn,
    volumeModeColumn,
  ],
  cells(pvc: PersistentVolumeClaim, now: Date) {
    // Capacity and modes describe the bound volume, so they stay empty until the claim is bound.
    const bound = Boolean(pvc.spec?.volumeName);
    return [
      pvc.metadata?.name ?? "",
      pvc.metadata?.deletionTimestamp ? "Terminating" : pvc.status?.phase ?? "",
      pvc.spec?.volumeName ?? "",
      bound ? quantity(pvc.status?.capacity?.storage) : "",
      bound ? accessModes(pvc.status?.accessModes) : "",
      storageClass(pvc.metadata, pvc.spec?.storageClassName),
      pvc.spec?.volumeAttributesClassName ?? "<unset>",
      age(pvc.metadata, now),
      pvc.spec?.volumeMode ?? "<unset>",
    ];
  },
};
