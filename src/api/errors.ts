// The one registry of API errors. Every failure a client can see is a StatusError carrying a metav1.Status,
// built by the constructors below; nothing matches on error message strings.
import type { Status, StatusCause } from "kubernetes-types/meta/v1";

export type StatusReason =
  | "BadRequest" | "Unauthorized" | "Forbidden" | "NotFound" | "AlreadyExists" | "Conflict" | "Gone" | "Expired"
  | "Invalid" | "MethodNotAllowed" | "NotAcceptable" | "RequestEntityTooLarge" | "UnsupportedMediaType"
  | "TooManyRequests" | "InternalError" | "ServiceUnavailable" | "Timeout";

/** Upstream's field.ErrorType values, as they appear in Status.details.causes[].reason. */
export type FieldErrorType =
  | "FieldValueNotFound" | "FieldValueRequired" | "FieldValueDuplicate" | "FieldValueInvalid"
  | "FieldValueNotSupported" | "FieldValueForbidden" | "FieldValueTooLong" | "FieldValueTooMany"
  | "FieldValueTypeInvalid" | "InternalError";

/** One validation failure at a field path such as `spec.template.spec.containers[0].image`. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The offending value, shown in the message for Invalid, NotSupported, Duplicate and TypeInvalid. */
  value?: unknown;
  detail?: string;
  /** For NotSupported: the values that are allowed. */
  supported?: string[];
}

export class StatusError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message);
    this.status = status;
  }
  get code(): number {
    return this.status.code ?? 500;
  }
  get reason(): StatusReason {
    return this.status.reason as StatusReason;
  }
}

/** A group-qualified resource name as upstream prints it: "pods", "deployments.apps". */
export interface GroupResource {
  group: string;
  resource: string;
}
export interface GroupKind {
  group: string;
  kind: string;
}

export const qualified = (g: string, r: string): string => (g ? `${r}.${g}` : r);

function status(code: number, reason: StatusReason, message: string, details?: Status["details"]): StatusError {
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code, ...(details ? { details } : {}) });
}

export const notFound = (gr: GroupResource, name: string) =>
  status(404, "NotFound", `${qualified(gr.group, gr.resource)} "${name}" not found`, { name, group: gr.group, kind: gr.resource });

export const alreadyExists = (gr: GroupResource, name: string) =>
  status(409, "AlreadyExists", `${qualified(gr.group, gr.resource)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource });

export const STALE_OBJECT_MESSAGE = "the object has been modified; please apply your changes to the latest version and try again";

export const conflict = (gr: GroupResource, name: string, why: string = STALE_OBJECT_MESSAGE) =>
  status(409, "Conflict", `Operation cannot be fulfilled on ${qualified(gr.group, gr.resource)} "${name}": ${why}`, { name, group: gr.group, kind: gr.resource });

/** The text upstream gives a uid precondition that names another object than the stored one. */
export const uidPreconditionMessage = (given: string, stored: string | undefined): string =>
  `Precondition failed: UID in precondition: ${given}, UID in object meta: ${stored ?? ""}`;

/** upstream's storage error text for an object failing a precondition (code 4), as an update's Conflict carries it. */
export const storageInvalidObjectMessage = (key: string, detail: string): string =>
  `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: ${detail}`;

/** A plain 409 with a message of its own (server-side apply conflicts use this with causes). */
export const conflictWithCauses = (message: string, causes: StatusCause[], details?: Status["details"]) =>
  status(409, "Conflict", message, { ...details, causes });

/** A bad value already printed as Go's %#v shows it (maps, structs), so 1.32's messages match byte for byte. */
export class GoLiteral {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

function quote(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null) return "null";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The text after "field: " in upstream's messages, e.g. `Invalid value: -1: must be greater than or equal to 0`. */
export function fieldErrorBody(e: FieldError): string {
  const tail = e.detail ? `: ${e.detail}` : "";
  switch (e.type) {
    case "FieldValueRequired": return `Required value${tail}`;
    case "FieldValueForbidden": return `Forbidden${tail}`;
    case "FieldValueNotFound": return `Not found: ${quote(e.value)}`;
    case "FieldValueDuplicate": return `Duplicate value: ${quote(e.value)}`;
    case "FieldValueTooLong": return `Too long${tail || ""}`;
    case "FieldValueTooMany": return `Too many${tail}`;
    case "FieldValueNotSupported": {
      const list = e.supported?.length ? `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(", ")}` : "";
      return `Unsupported value: ${quote(e.value)}${list}`;
    }
    case "FieldValueTypeInvalid": return `Invalid value: ${quote(e.value)}${tail}`;
    case "InternalError": return `Internal error${tail}`;
    default: return `Invalid value: ${quote(e.value)}${tail}`;
  }
}

/** 422 Invalid, worded as upstream: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: ...`. */
export function invalid(gk: GroupKind, name: string, errors: FieldError[]): StatusError {
  const parts = errors.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const list = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return status(422, "Invalid", `${qualified(gk.group, gk.kind)} "${name}" is invalid: ${list}`, { name, group: gk.group, kind: gk.kind, causes });
}

export const badRequest = (message: string, causes?: StatusCause[]) =>
  status(400, "BadRequest", message, causes ? { causes } : undefined);
/** 410 for a resourceVersion or continue token that compaction has removed. */
export const expired = (message: string) => status(410, "Expired", message);
export const gone = (message: string) => status(410, "Gone", message);
export const unauthorized = (message = "Unauthorized") => status(401, "Unauthorized", message);
export const forbidden = (message: string) => status(403, "Forbidden", message);
export const methodNotAllowed = (message: string) => status(405, "MethodNotAllowed", message);
export const notAcceptable = (message: string) => status(406, "NotAcceptable", message);
/** 413; a number is a byte limit, a string says what else was too large (e.g. json patch operations). */
export const tooLarge = (limit: number | string) =>
  status(413, "RequestEntityTooLarge", `Request entity too large: ${typeof limit === "number" ? `limit is ${limit}` : limit}`);
/** 422 as upstream's NewGenericServerResponse words a patch it could not apply: no cause, empty details. */
export const patchRejected = () =>
  status(422, "Invalid", "the server rejected our request due to an error in our request", {});
export const unsupportedMediaType = (message: string) => status(415, "UnsupportedMediaType", message);
export const tooManyRequests = (message: string) => status(429, "TooManyRequests", message);
export const internal = (message: string) => status(500, "InternalError", `Internal error occurred: ${message}`);
export const unavailable = (message: string) => status(503, "ServiceUnavailable", message);
export const timeout = (message: string) => status(504, "Timeout", message);
