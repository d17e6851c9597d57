// Constructors for FieldErrors mirroring upstream's field.Required/Invalid/... so validators read like upstream's.
import type { FieldError } from "../errors.ts";

export const required = (field: string, detail = ""): FieldError => ({ type: "FieldValueRequired", field, ...(detail ? { detail } : {}) });
export const invalid = (field: string, value: unknown, detail = ""): FieldError => ({ type: "FieldValueInvalid", field, value, ...(detail ? { detail } : {}) });
export const forbidden = (field: string, detail = ""): FieldError => ({ type: "FieldValueForbidden", field, ...(detail ? { detail } : {}) });
export const duplicate = (field: string, value: unknown): FieldError => ({ type: "FieldValueDuplicate", field, value });
export const notFound = (field: string, value: unknown): FieldError => ({ type: "FieldValueNotFound", field, value });
export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldError =>
  ({ type: "FieldValueNotSupported", field, value, supported: [...supported] });
export const tooLong = (field: string, maxBytes: number): FieldError =>
  ({ type: "FieldValueTooLong", field, detail: `may not be more than ${maxBytes} bytes` });
export const tooMany = (field: string, actual: number, max: number): FieldError =>
  ({ type: "FieldValueTooMany", field, value: actual, detail: `must have at most ${max} items` });

/** Wraps each message of a name check as an Invalid error at `field`. */
export const invalidEach = (field: string, value: unknown, msgs: string[]): FieldError[] => msgs.map((m) => invalid(field, value, m));

export const FIELD_IMMUTABLE = "field is immutable";

// Most values compared are equal strings (names, uids, timestamps): those need no encoding.
export const isEqual = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** Key-sorted copy so deep equality ignores property order; absent and undefined are the same. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as any)[k] !== undefined).map((k) => [k, canonical((v as any)[k])]));
  }
  return v;
}

/** Upstream's ValidateImmutableField. */
export const validateImmutableField = (newVal: unknown, oldVal: unknown, field: string): FieldError[] =>
  isEqual(newVal, oldVal) ? [] : [invalid(field, newVal ?? null, FIELD_IMMUTABLE)];

export const validateNonnegativeField = (value: number, field: string): FieldError[] =>
  value < 0 ? [invalid(field, value, "must be greater than or equal to 0")] : [];

