// Field selectors per kind beyond metadata.name/metadata.namespace, keyed by "group/Kind".
import type { GroupKindKey } from "../scheme.ts";

export const fieldSelectors: Partial<Record<GroupKindKey, Record<string, (obj: any) => string | undefined>>> = {};
