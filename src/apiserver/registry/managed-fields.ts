// Records which field manager set which fields on every non-apply write (metadata.managedFields).
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { apiVersionOf } from "../../api/scheme.ts";
import { rfc3339 } from "./metadata.ts";
import { schemaFor } from "./schema.ts";
import { updateManagedFields } from "../apply/index.ts";

/** Fields a write through this endpoint cannot own: status on the main resource, everything else on /status. */
export function resetFieldsFor(rt: ResourceType, subresource: string | undefined): string[][] {
  if (!rt.status) return [];
  return subresource === "status" ? [["spec"], ["metadata"]] : [["status"]];
}

export function trackManagedFields(rt: ResourceType, old: KubeObject | undefined, updated: KubeObject, manager: string, subresource: string | undefined, now: Date): void {
  const managedFields = updateManagedFields({
    old,
    updated,
    manager,
    apiVersion: apiVersionOf(rt),
    ...(subresource ? { subresource } : {}),
    time: rfc3339(now),
    schema: schemaFor(rt),
    resetFields: resetFieldsFor(rt, subresource),
  });
  updated.metadata = { ...updated.metadata };
  if (managedFields.length) updated.metadata.managedFields = managedFields;
  else delete updated.metadata.managedFields;
}
