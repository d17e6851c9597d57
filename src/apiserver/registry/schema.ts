// The schema (OpenAPI definitions) of each kind, as patch and apply need it.
import type { ResourceType } from "../../api/scheme.ts";
import type { Definitions, SchemaObject } from "../../api/openapi/types.ts";
import { definitionName, definitions } from "../../api/openapi/definitions.ts";

export interface KindSchema {
  definitions: Definitions;
  root: string;
}

export function schemaFor(rt: ResourceType): KindSchema {
  return { definitions: definitions(), root: definitionName(rt.group, rt.version, rt.kind) };
}

const REF = "#/definitions/";

/** Follows $refs to the schema they name. */
export function resolveSchema(defs: Definitions, s: SchemaObject | undefined): SchemaObject | undefined {
  let cur = s;
  for (let i = 0; cur?.$ref && i < 32; i++) cur = defs[cur.$ref.slice(REF.length)];
  return cur;
}
