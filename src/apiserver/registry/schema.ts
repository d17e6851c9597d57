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

/** What each $ref names, per set of definitions: resolving runs for every node of every object checked. */
const resolved = new WeakMap<Definitions, Map<string, SchemaObject>>();

/** Follows $refs to the schema they name. */
export function resolveSchema(defs: Definitions, s: SchemaObject | undefined): SchemaObject | undefined {
  if (!s?.$ref) return s;
  let byRef = resolved.get(defs);
  if (!byRef) resolved.set(defs, (byRef = new Map()));
  const known = byRef.get(s.$ref);
  if (known) return known;
  let cur: SchemaObject | undefined = s;
  for (let i = 0; cur?.$ref && i < 32; i++) cur = defs[cur.$ref.slice(REF.length)];
  if (cur) byRef.set(s.$ref, cur);
  return cur;
}
