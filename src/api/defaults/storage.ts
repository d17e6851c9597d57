// Upstream's storage/v1 StorageClass defaults.
import type { StorageClass } from "kubernetes-types/storage/v1";

export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= "Delete";
  sc.volumeBindingMode ??= "Immediate";
}
