// Per-kind steps of upstream's PrepareForCreate/PrepareForUpdate that are not defaulting or validation:
// what the server itself fills in or carries over.
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { carryOverServiceAllocations, dropTypeDependentFields } from "../../api/validation/core/service.ts";
import { generateJobSelector } from "../../api/defaults/batch.ts";
import { qosClass } from "./qos.ts";

const is = (rt: ResourceType, group: string, kind: string) => rt.group === group && rt.kind === kind;

export function prepareKindForCreate(rt: ResourceType, obj: KubeObject): void {
  if (is(rt, "", "Pod")) {
    obj.status = { phase: "Pending", qosClass: qosClass(obj.spec as never) };
  } else if (is(rt, "batch", "Job")) {
    generateJobSelector(obj as never);
  }
}

export function prepareKindForUpdate(rt: ResourceType, next: KubeObject, cur: KubeObject, subresource: string | undefined): void {
  if (is(rt, "", "Namespace") && subresource !== "finalize") {
    // Only namespaces/finalize may change spec.finalizers.
    const finalizers = (cur.spec as { finalizers?: string[] } | undefined)?.finalizers;
    next.spec = { ...(next.spec as object) };
    if (finalizers) (next.spec as { finalizers?: string[] }).finalizers = finalizers;
    else delete (next.spec as { finalizers?: string[] }).finalizers;
  } else if (is(rt, "", "Service")) {
    dropTypeDependentFields(next as never, cur as never);
    carryOverServiceAllocations(next as never, cur as never);
  }
}
