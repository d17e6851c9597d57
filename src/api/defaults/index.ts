// Upstream defaulting (SetDefaults_*) per kind, keyed by "group/Kind".
import type { GroupKindKey } from "../scheme.ts";

export const defaulters: Partial<Record<GroupKindKey, (obj: any) => void>> = {};
