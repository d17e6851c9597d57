// Records which field manager set which fields on every non-apply write (metadata.managedFields).
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { apiVersionOf } from "../../api/scheme.ts";
import { rfc3339 } from "./metadata.ts";
import { schemaFor } from "./schema.ts";
import { updateManagedFields } from "../apply/index.ts";

export function trackManagedFields(rt: ResourceType, old: KubeObject | undefined, updated: KubeObject, manager: string, subresource: string | undefined, now: Date): void {
  const managedFields = updateManagedFields({
    old,
    updated,
    manager,
    apiVersion: apiVersionOf(rt),
    ...(subresource ? { subresource } : {}),
    time: rfc3339(now),
    schema: schemaFor(rt),
  });
  updated.metadata = { ...updated.metadata };
  if (managedFields.length) updated.metadata.managedFields = managedFields;
  else delete updated.metadata.managedFields;
}
