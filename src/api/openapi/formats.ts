// Wire formats kubernetes-types cannot express: TypeScript has one `number`, and Go's []byte is a base64 string.
// Upstream declares most integers int32; the int64 ones follow from a few field names, with exceptions by
// definition. These are facts of the upstream API, checked by the generator against the definitions it emits.

/** Field names upstream declares int64 wherever they appear (unless listed in INT32_EXCEPTIONS). */
const INT64_FIELDS = new Set([
  "generation",
  "observedGeneration",
  "remainingItemCount",
  "deletionGracePeriodSeconds",
  "gracePeriodSeconds",
  "terminationGracePeriodSeconds",
  "activeDeadlineSeconds",
  "startingDeadlineSeconds",
  "tolerationSeconds",
  "expirationSeconds",
  "runAsUser",
  "runAsGroup",
  "fsGroup",
  "supplementalGroups",
  "sizeBytes",
]);

/** Fields that are int64 only in the named definitions. */
const INT64_BY_DEFINITION: Record<string, readonly string[]> = {
  "io.k8s.api.apps.v1.ControllerRevision": ["revision"],
  "io.k8s.api.core.v1.SleepAction": ["seconds"],
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps": [
    "maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties",
  ],
  "io.k8s.api.resource.v1alpha2.NamedResourcesAttribute": ["int"],
  "io.k8s.api.resource.v1alpha2.NamedResourcesIntSlice": ["ints"],
};

/** Fields named in INT64_FIELDS that upstream nevertheless declares int32. */
const INT32_EXCEPTIONS: Record<string, readonly string[]> = {
  "io.k8s.api.certificates.v1.CertificateSigningRequestSpec": ["expirationSeconds"],
};

/** Floating-point fields (format double). */
const DOUBLE_FIELDS: Record<string, readonly string[]> = {
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps": ["maximum", "minimum", "multipleOf"],
};

/** Go []byte fields (or maps of them): strings with format byte. */
export const BYTE_FIELDS: Record<string, readonly string[]> = {
  "io.k8s.api.core.v1.Secret": ["data"],
  "io.k8s.api.core.v1.ConfigMap": ["binaryData"],
  "io.k8s.api.certificates.v1.CertificateSigningRequestSpec": ["request"],
  "io.k8s.api.certificates.v1.CertificateSigningRequestStatus": ["certificate"],
  "io.k8s.api.admissionregistration.v1.WebhookClientConfig": ["caBundle"],
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookClientConfig": ["caBundle"],
};

export type NumberFormat = { type: "integer"; format: "int32" | "int64" } | { type: "number"; format: "double" };

/** The OpenAPI type and format of a TypeScript `number` field (or of the items of a number array). */
export function numberFormat(definition: string, field: string): NumberFormat {
  if (DOUBLE_FIELDS[definition]?.includes(field)) return { type: "number", format: "double" };
  if (INT32_EXCEPTIONS[definition]?.includes(field)) return { type: "integer", format: "int32" };
  if (INT64_FIELDS.has(field) || INT64_BY_DEFINITION[definition]?.includes(field)) return { type: "integer", format: "int64" };
  return { type: "integer", format: "int32" };
}

/** Every (definition, field) pair the tables name, so the generator can reject entries that match nothing. */
export function namedFormatFields(): [string, string][] {
  const out: [string, string][] = [];
  for (const table of [INT64_BY_DEFINITION, INT32_EXCEPTIONS, DOUBLE_FIELDS, BYTE_FIELDS]) {
    for (const [def, fields] of Object.entries(table)) for (const f of fields) out.push([def, f]);
  }
  return out;
}
