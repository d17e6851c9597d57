// API errors as the client sees them: the server's Status, in the same StatusError the server raises, so callers
// test reasons and codes, never messages.
import { StatusError } from "../api/errors.ts";
import type { Status } from "kubernetes-types/meta/v1";

export { StatusError };

export function statusErrorFrom(code: number, body: string): StatusError {
  try {
    const parsed = JSON.parse(body) as Status;
    if (parsed?.kind === "Status") return new StatusError({ ...parsed, code: parsed.code ?? code });
  } catch { /* not JSON: fall through */ }
  return new StatusError({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason: code >= 500 ? "InternalError" : "BadRequest", message: body.slice(0, 500) || `HTTP ${code}` });
}

const reasonOf = (err: unknown): string | undefined => (err instanceof StatusError ? err.reason : undefined);
export const isNotFound = (err: unknown): boolean => reasonOf(err) === "NotFound";
export const isAlreadyExists = (err: unknown): boolean => reasonOf(err) === "AlreadyExists";
export const isConflict = (err: unknown): boolean => reasonOf(err) === "Conflict";
export const isGone = (err: unknown): boolean => reasonOf(err) === "Gone" || reasonOf(err) === "Expired";
export const isInvalid = (err: unknown): boolean => reasonOf(err) === "Invalid";
