// Query parameters of list and watch requests, and continue tokens (opaque to clients; they carry the
// revision the first page was read at and the last key returned, as upstream's do).
import { badRequest } from "../../api/errors.ts";

export interface ListOptions {
  labelSelector: string | undefined;
  fieldSelector: string | undefined;
  limit: number;
  continueToken: string | undefined;
  resourceVersion: string | undefined;
  resourceVersionMatch: "Exact" | "NotOlderThan" | undefined;
  allowWatchBookmarks: boolean;
  timeoutSeconds: number | undefined;
  sendInitialEvents: boolean | undefined;
}

function nonNegativeInt(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid value for ${name}: ${JSON.stringify(raw)}`);
  return n;
}

export function parseListOptions(q: URLSearchParams): ListOptions {
  const rvm = q.get("resourceVersionMatch") || undefined;
  if (rvm !== undefined && rvm !== "Exact" && rvm !== "NotOlderThan") {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${rvm}": supported values: "Exact", "NotOlderThan"`);
  }
  const rv = q.get("resourceVersion") ?? undefined;
  if (rv !== undefined && rv !== "" && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  if (rvm && !rv) throw badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
  const sie = q.get("sendInitialEvents");
  return {
    labelSelector: q.get("labelSelector") || undefined,
    fieldSelector: q.get("fieldSelector") || undefined,
    limit: nonNegativeInt(q, "limit") ?? 0,
    continueToken: q.get("continue") || undefined,
    resourceVersion: rv || undefined,
    resourceVersionMatch: rvm,
    allowWatchBookmarks: q.get("allowWatchBookmarks") === "true",
    timeoutSeconds: nonNegativeInt(q, "timeoutSeconds"),
    sendInitialEvents: sie === null ? undefined : sie === "true",
  };
}

export interface ContinueToken {
  rv: number;
  /** The last key already returned; the next page starts after it. */
  after: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: t.rv, start: t.after })).toString("base64url");
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const data = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { v?: string; rv?: number; start?: string };
    if (data.v !== "meta.k8s.io/v1" || typeof data.rv !== "number" || typeof data.start !== "string") throw new Error("bad token");
    return { rv: data.rv, after: data.start };
  } catch {
    throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
}
