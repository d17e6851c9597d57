// A pod's QoS class as upstream derives it from requests and limits (Guaranteed, Burstable, BestEffort).
import type { Container, Pod } from "kubernetes-types/core/v1";
import { parseQuantity } from "../../api/validation/quantity.ts";

export type QosClass = "Guaranteed" | "Burstable" | "BestEffort";
const COMPUTE = ["cpu", "memory"] as const;

const isSet = (v: unknown) => v !== undefined && (parseQuantity(v as string)?.nanos ?? 0n) !== 0n;

export function qosClass(pod: Pod): QosClass {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of COMPUTE) {
      if (isSet(req[r]) || isSet(lim[r])) anySet = true;
      // Requests default to limits, so a limit alone is enough; a differing request breaks the guarantee.
      if (!isSet(lim[r])) guaranteed = false;
      else if (isSet(req[r]) && parseQuantity(req[r] as string)!.nanos !== parseQuantity(lim[r] as string)!.nanos) guaranteed = false;
    }
  }
  if (!anySet) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
