// The schema model shared by OpenAPI serving, strategic merge patch and server-side apply: OpenAPI v2
// "definitions" keyed by upstream's definition names (io.k8s.api.core.v1.PodSpec), with upstream's
// x-kubernetes-* extensions that say how lists and maps merge.

export interface SchemaObject {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  description?: string;
  /** "#/definitions/<name>" */
  $ref?: string;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: SchemaObject | boolean;
  items?: SchemaObject;
  required?: string[];
  enum?: unknown[];
  /** The value a non-pointer Go field decodes to when absent ({} for structs, "" or 0 for scalars). */
  default?: unknown;
  "x-kubernetes-patch-merge-key"?: string;
  /** "merge", "replace", "retainKeys", "merge,retainKeys" */
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-unions"?: unknown[];
  "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[];
}

export type Definitions = Record<string, SchemaObject>;
