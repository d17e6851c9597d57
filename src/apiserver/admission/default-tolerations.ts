// DefaultTolerationSeconds (upstream's admission plugin of the same name): every pod written (create or update,
// not subresources) gets tolerations of 300 s for the node.kubernetes.io/not-ready and node.kubernetes.io/unreachable
// NoExecute taints, unless it already has a toleration with that key (or no key) and effect NoExecute (or none),
// so pods ride out a short node outage before taint-based eviction moves them.
import type { Toleration } from "kubernetes-types/core/v1";
import type { AdmissionPlugin } from "./types.ts";

export const DEFAULT_TOLERATION_SECONDS = 300;
const TAINT_KEYS = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"];

/** Whether some toleration covers the key's NoExecute taint by key and effect alone, as upstream checks. */
const covers = (tolerations: Toleration[], key: string): boolean =>
  tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === "NoExecute"));

export function defaultTolerationSeconds(seconds = DEFAULT_TOLERATION_SECONDS): AdmissionPlugin {
  return {
    name: "DefaultTolerationSeconds",
    admit(a) {
      if (a.resource.group !== "" || a.resource.kind !== "Pod" || a.subresource) return;
      if (a.operation !== "CREATE" && a.operation !== "UPDATE") return;
      const spec = ((a.object as { spec?: { tolerations?: Toleration[] } }).spec ??= {});
      const tolerations = spec.tolerations ?? [];
      const added = TAINT_KEYS.filter((key) => !covers(tolerations, key)).map((key) => ({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds }));
      if (added.length) spec.tolerations = [...tolerations, ...added];
    },
  };
}
