// Validation of a whole object: generic metadata rules plus the kind's own validation.
import type { FieldError } from "../../api/errors.ts";
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "../../api/validation/meta.ts";

// Upstream's per-kind name rules: Namespaces are DNS-1123 labels, Services DNS-1035 labels, the rest subdomains.
const metaOptions = (rt: ResourceType) => ({
  namespaced: rt.namespaced,
  nameIsDNSLabel: rt.group === "" && rt.kind === "Namespace",
  nameIsDNS1035Label: rt.group === "" && rt.kind === "Service",
});

export function validateForCreate(rt: ResourceType, obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, metaOptions(rt)), ...(rt.strategy.validate?.(obj, {}) ?? [])];
}

export function validateForUpdate(rt: ResourceType, obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateObjectMeta(obj.metadata, metaOptions(rt)),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...(rt.strategy.validate?.(obj, { old }) ?? []),
  ];
}
