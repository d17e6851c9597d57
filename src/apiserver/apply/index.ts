// Server-side apply and managedFields tracking, as pure functions over JSON objects.
export { serverSideApply, requireApplyManager, type ServerSideApplyOptions, type ServerSideApplyResult } from "./apply.ts";
export { updateManagedFields, type UpdateManagedFieldsOptions } from "./update.ts";
export { fieldSetOf } from "./fieldset-of.ts";
export { FieldSet, toFieldsV1, fromFieldsV1, formatPath, type FieldsV1 } from "./fieldset.ts";
export type { ApplySchema } from "./schema.ts";
