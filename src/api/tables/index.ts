// Table output (kubectl get) per kind, keyed by "group/Kind". Kinds without one get NAME and AGE.
import type { GroupKindKey, TableDef } from "../scheme.ts";

export const tables: Partial<Record<GroupKindKey, TableDef>> = {};
