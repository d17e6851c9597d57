// Upstream defaulting (SetDefaults_*) per kind, keyed by "group/Kind".
import type { GroupKindKey } from "../scheme.ts";
import { groupDefaulters } from "./groups.ts";
import { coreDefaulters } from "./core.ts";

export const defaulters: Partial<Record<GroupKindKey, (obj: any) => void>> = {
  ...groupDefaulters,
  ...coreDefaulters,
};
