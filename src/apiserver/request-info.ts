// Parses a request path into what it addresses (upstream's RequestInfo): /api/v1/namespaces/ns/pods/name/status,
// /apis/apps/v1/deployments, ... and the Kubernetes verb (get, list, watch, create, update, patch, delete,
// deletecollection) derived from the HTTP method and the query.

export interface ResourceRequest {
  kind: "resource";
  verb: "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string | undefined;
}

export interface NonResourceRequest {
  kind: "nonresource";
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split("/").filter((p) => p !== "").map((p) => (p.includes("%") ? decodeURIComponent(p) : p));
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { kind: "nonresource", path };
  }
  let namespace: string | undefined;
  // "namespaces/<ns>/<resource>..." addresses a namespaced collection; "namespaces[/<name>[/<sub>]]" the namespace
  // itself, where status and finalize are the Namespace's own subresources (as upstream special-cases them).
  const namespaceSubresource = rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize");
  if (rest[0] === "namespaces" && rest.length >= 3 && !namespaceSubresource) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return { kind: "nonresource", path };
  const isWatch = query.get("watch") === "true" || query.get("watch") === "1";
  let verb: ResourceRequest["verb"];
  switch (method) {
    case "GET":
    case "HEAD":
      verb = name ? (isWatch ? "watch" : "get") : (isWatch ? "watch" : "list");
      break;
    case "POST": verb = "create"; break;
    case "PUT": verb = "update"; break;
    case "PATCH": verb = "patch"; break;
    case "DELETE": verb = name ? "delete" : "deletecollection"; break;
    default: return { kind: "nonresource", path };
  }
  return { kind: "resource", verb, group, version, namespace, resource, name, subresource };
}
