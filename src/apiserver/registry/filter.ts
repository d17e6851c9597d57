// Label and field selectors of a list or watch, compiled once into a predicate over objects.
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { parseLabelSelector } from "../../api/selectors/labels.ts";
import { parseFieldSelector, checkSupportedFields } from "../../api/selectors/fields.ts";

export interface ObjectFilter {
  matches(obj: KubeObject): boolean;
  /** True when nothing is filtered out (lets LIST report remainingItemCount). */
  everything: boolean;
}

const metadataFields: Record<string, (obj: KubeObject) => string | undefined> = {
  "metadata.name": (o) => o.metadata?.name,
  "metadata.namespace": (o) => o.metadata?.namespace,
};

export function compileFilter(rt: ResourceType, labelSelector: string | undefined, fieldSelector: string | undefined): ObjectFilter {
  const labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
  const getters = { ...metadataFields, ...rt.strategy.fieldSelectors };
  const fields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
  if (fields) checkSupportedFields(fields, Object.keys(getters), rt);
  if (!labels && !fields) return { matches: () => true, everything: true };
  return {
    everything: false,
    matches(obj) {
      if (labels && !labels.matches(obj.metadata?.labels)) return false;
      if (fields && !fields.matches((f) => getters[f]?.(obj))) return false;
      return true;
    },
  };
}
