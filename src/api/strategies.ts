// Joins each kind's per-concern hooks (defaults, validation, table, field selectors) into one Strategy,
// keyed by "group/Kind". Each concern lives in its own folder and exports a map by the same key.
import type { GroupKindKey, Strategy } from "./scheme.ts";
import { defaulters } from "./defaults/index.ts";
import { validators } from "./validation/index.ts";
import { tables } from "./tables/index.ts";
import { fieldSelectors } from "./fields/index.ts";

const keys = new Set<GroupKindKey>([
  ...(Object.keys(defaulters) as GroupKindKey[]),
  ...(Object.keys(validators) as GroupKindKey[]),
  ...(Object.keys(tables) as GroupKindKey[]),
  ...(Object.keys(fieldSelectors) as GroupKindKey[]),
]);

export const strategies: Record<GroupKindKey, Strategy> = Object.fromEntries(
  [...keys].map((k) => [k, {
    ...(defaulters[k] ? { defaults: defaulters[k] } : {}),
    ...(validators[k] ? { validate: validators[k] } : {}),
    ...(tables[k] ? { table: tables[k] } : {}),
    ...(fieldSelectors[k] ? { fieldSelectors: fieldSelectors[k] } : {}),
  }]),
);
