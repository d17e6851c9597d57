// Upstream validation per kind, keyed by "group/Kind". Object metadata is validated by the API server itself.
import type { FieldError } from "../errors.ts";
import type { GroupKindKey, ValidationContext } from "../scheme.ts";
import { groupValidators } from "./groups.ts";
import { coreValidators } from "./core/index.ts";

export const validators: Partial<Record<GroupKindKey, (obj: any, ctx: ValidationContext) => FieldError[]>> = {
  ...groupValidators,
  ...coreValidators,
};
