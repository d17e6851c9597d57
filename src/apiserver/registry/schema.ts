// The schema (OpenAPI definitions) of each kind, as patch and apply need it.
import type { ResourceType } from "../../api/scheme.ts";
import type { Definitions } from "../../api/openapi/types.ts";
import { definitionName, definitions } from "../../api/openapi/definitions.ts";

export interface KindSchema {
  definitions: Definitions;
  root: string;
}

export function schemaFor(rt: ResourceType): KindSchema {
  return { definitions: definitions(), root: definitionName(rt.group, rt.version, rt.kind) };
}
