// The REST operations of one group version, in a neutral form that the v2 and v3 renderers both read:
// paths, verbs, upstream's operation ids, x-kubernetes-action, the kind each operation works on, and the query
// parameters the API server accepts (kubectl reads fieldValidation off PATCH to decide on server-side validation).
import type { ResourceType } from "../../api/scheme.ts";
import { definitionName } from "../../api/openapi/definitions.ts";

export interface Param {
  name: string;
  in: "query" | "path";
  type: "string" | "integer" | "boolean";
  description: string;
  required?: boolean;
}

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

export type Action = "get" | "list" | "post" | "put" | "patch" | "delete" | "deletecollection" | "watch" | "watchlist";

export interface Operation {
  method: "get" | "put" | "post" | "patch" | "delete";
  operationId: string;
  description: string;
  /** Absent on the discovery operation (APIResourceList), as upstream. */
  action?: Action;
  gvk?: GVK;
  params: Param[];
  /** Definition name of the request body; patches take meta.v1.Patch in any of the patch content types. */
  body?: string;
  /** Status code -> definition name of the response body. */
  responses: Record<string, string>;
  /** Streams watch events. */
  watch?: boolean;
  tag: string;
}

export interface PathItem {
  path: string;
  /** Parameters shared by every operation of the path (path segments and pretty). */
  params: Param[];
  operations: Operation[];
}

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
export const STATUS = `${META}.Status`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const WATCH_EVENT = `${META}.WatchEvent`;
export const PATCH = `${META}.Patch`;
export const API_RESOURCE_LIST = `${META}.APIResourceList`;
export const SCALE = "io.k8s.api.autoscaling.v1.Scale";

const q = (name: string, type: Param["type"], description: string): Param => ({ name, in: "query", type, description });

const P = {
  name: (kind: string): Param => ({ name: "name", in: "path", type: "string", required: true, description: `name of the ${kind}` }),
  namespace: { name: "namespace", in: "path", type: "string", required: true, description: "object name and auth scope, such as for teams and projects" } as Param,
  pretty: q("pretty", "string", "If 'true', the output is indented for reading. Defaults to 'false' unless the client looks like a browser or a command-line HTTP tool."),
  dryRun: q("dryRun", "string", "When present, the request is processed fully (admission, validation, defaulting) but nothing is persisted. The only valid value is: - All: every dry-run stage is processed"),
  fieldManager: q("fieldManager", "string", "A name for the actor making this change, recorded in managedFields. At most 128 printable characters. Required for apply patches (application/apply-patch), optional otherwise."),
  fieldValidation: q("fieldValidation", "string", "How the server treats unknown or duplicate fields in the request body. Valid values are: - Ignore: drop them silently. - Warn: drop them and return a warning header for each (the default). - Strict: reject the request with an error listing them."),
  force: q("force", "boolean", "Re-acquire fields owned by other managers when they conflict with this apply request. Must be unset for patches that are not apply patches."),
  labelSelector: q("labelSelector", "string", "Restrict the returned objects to those whose labels match this selector. Defaults to everything."),
  fieldSelector: q("fieldSelector", "string", "Restrict the returned objects to those whose fields match this selector. Defaults to everything."),
  limit: q("limit", "integer", "The most items to return in one response; when more exist, metadata.continue is set and can be passed back as the continue parameter to fetch the next chunk."),
  continue: q("continue", "string", "The continue token from a previous chunked list response, to fetch the next chunk. Expires once the revision it names has been compacted (410 Gone)."),
  resourceVersion: q("resourceVersion", "string", "The resource version the served data must be at least as new as (or exactly, with resourceVersionMatch=Exact). Unset means the most recent data."),
  resourceVersionMatch: q("resourceVersionMatch", "string", "How resourceVersion applies to list calls: NotOlderThan or Exact. Only valid together with resourceVersion."),
  watch: q("watch", "boolean", "Watch for changes to the described resources and stream add, update and delete events instead of returning a list."),
  allowWatchBookmarks: q("allowWatchBookmarks", "boolean", "Ask for BOOKMARK watch events, which carry only a newer resourceVersion. Ignored for plain lists."),
  timeoutSeconds: q("timeoutSeconds", "integer", "Upper bound on the duration of a list or watch call, regardless of activity."),
  sendInitialEvents: q("sendInitialEvents", "boolean", "With watch=true, first send synthetic ADDED events for every current object, then a bookmark marking the end of that initial state."),
  gracePeriodSeconds: q("gracePeriodSeconds", "integer", "Seconds before the object is deleted; zero means immediately. Unset uses the kind's default."),
  orphanDependents: q("orphanDependents", "boolean", "Deprecated: use propagationPolicy. Whether dependents are orphaned rather than garbage collected."),
  propagationPolicy: q("propagationPolicy", "string", "Whether and how garbage collection removes dependents: Orphan, Background or Foreground."),
  ignoreStoreReadErrorWithClusterBreakingPotential: q("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean", "Delete an object whose stored data cannot be read or decoded, skipping finalizers and preconditions. Dangerous; off by default."),
};

const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadErrorWithClusterBreakingPotential, P.orphanDependents, P.propagationPolicy];

/** "rbac.authorization.k8s.io" -> "RbacAuthorization", "" -> "Core": the group part of upstream operation ids. */
export function groupIdPart(group: string): string {
  if (group === "") return "Core";
  return group.replace(/\.k8s\.io$/, "").split(".").map((s) => s[0]!.toUpperCase() + s.slice(1)).join("");
}

/** "rbac.authorization.k8s.io", "v1" -> "rbacAuthorization_v1": upstream's operation tag. */
export function tagOf(group: string, version: string): string {
  const g = groupIdPart(group);
  return `${g[0]!.toLowerCase()}${g.slice(1)}_${version}`;
}

export function gvPrefix(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** Every path of the group version's resources, in path order. */
export function groupVersionPaths(resources: readonly ResourceType[], group: string, version: string): PathItem[] {
  const prefix = gvPrefix(group, version);
  const id = groupIdPart(group) + version[0]!.toUpperCase() + version.slice(1);
  const tag = tagOf(group, version);
  const paths = new Map<string, PathItem>();
  const add = (path: string, params: Param[], op: Omit<Operation, "tag">): void => {
    let item = paths.get(path);
    if (!item) paths.set(path, (item = { path, params, operations: [] }));
    item.operations.push({ ...op, tag });
  };

  add(`${prefix}/`, [], {
    method: "get", operationId: `get${id}APIResources`, description: "get available resources", params: [], responses: { "200": API_RESOURCE_LIST },
  });

  for (const r of resources) {
    if (r.group !== group || r.version !== version) continue;
    const can = (verb: string): boolean => r.verbs.includes(verb);
    const gvk = { group, version, kind: r.kind };
    const kindDef = definitionName(group, version, r.kind);
    const listDef = definitionName(group, version, r.listKind);
    const ns = r.namespaced ? "Namespaced" : "";
    const nsPath = r.namespaced ? "/namespaces/{namespace}" : "";
    const nsParams = r.namespaced ? [P.namespace] : [];
    const collection = `${prefix}${nsPath}/${r.plural}`;
    const item = `${collection}/{name}`;
    const itemParams = [P.name(r.kind), ...nsParams, P.pretty];

    if (can("list")) {
      add(collection, [...nsParams, P.pretty], {
        method: "get", operationId: `list${id}${ns}${r.kind}`, description: `list or watch objects of kind ${r.kind}`,
        action: "list", gvk, params: LIST_PARAMS, responses: { "200": listDef }, watch: true,
      });
    }
    if (can("create")) {
      add(collection, [...nsParams, P.pretty], {
        method: "post", operationId: `create${id}${ns}${r.kind}`, description: `create a ${r.kind}`,
        action: "post", gvk, params: WRITE_PARAMS, body: kindDef, responses: { "200": kindDef, "201": kindDef, "202": kindDef },
      });
    }
    if (can("deletecollection")) {
      add(collection, [...nsParams, P.pretty], {
        method: "delete", operationId: `delete${id}Collection${ns}${r.kind}`, description: `delete collection of ${r.kind}`,
        action: "deletecollection", gvk, params: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p !== P.watch && p !== P.allowWatchBookmarks)],
        body: DELETE_OPTIONS, responses: { "200": STATUS },
      });
    }
    if (can("get")) {
      add(item, itemParams, {
        method: "get", operationId: `read${id}${ns}${r.kind}`, description: `read the specified ${r.kind}`,
        action: "get", gvk, params: [], responses: { "200": kindDef },
      });
    }
    if (can("update")) {
      add(item, itemParams, {
        method: "put", operationId: `replace${id}${ns}${r.kind}`, description: `replace the specified ${r.kind}`,
        action: "put", gvk, params: WRITE_PARAMS, body: kindDef, responses: { "200": kindDef, "201": kindDef },
      });
    }
    if (can("patch")) {
      add(item, itemParams, {
        method: "patch", operationId: `patch${id}${ns}${r.kind}`, description: `partially update the specified ${r.kind}`,
        action: "patch", gvk, params: [...WRITE_PARAMS, P.force], body: PATCH, responses: { "200": kindDef, "201": kindDef },
      });
    }
    if (can("delete")) {
      add(item, itemParams, {
        method: "delete", operationId: `delete${id}${ns}${r.kind}`, description: `delete a ${r.kind}`,
        action: "delete", gvk, params: DELETE_PARAMS, body: DELETE_OPTIONS, responses: { "200": STATUS, "202": STATUS },
      });
    }
    const subresource = (name: string, suffix: string, def: string, subGvk: GVK): void => {
      add(`${item}/${name}`, [P.name(r.kind), ...nsParams, P.pretty], {
        method: "get", operationId: `read${id}${ns}${r.kind}${suffix}`, description: `read ${name} of the specified ${r.kind}`,
        action: "get", gvk: subGvk, params: [], responses: { "200": def },
      });
      add(`${item}/${name}`, [P.name(r.kind), ...nsParams, P.pretty], {
        method: "put", operationId: `replace${id}${ns}${r.kind}${suffix}`, description: `replace ${name} of the specified ${r.kind}`,
        action: "put", gvk: subGvk, params: WRITE_PARAMS, body: def, responses: { "200": def, "201": def },
      });
      add(`${item}/${name}`, [P.name(r.kind), ...nsParams, P.pretty], {
        method: "patch", operationId: `patch${id}${ns}${r.kind}${suffix}`, description: `partially update ${name} of the specified ${r.kind}`,
        action: "patch", gvk: subGvk, params: [...WRITE_PARAMS, P.force], body: PATCH, responses: { "200": def, "201": def },
      });
    };
    if (r.scale) subresource("scale", "Scale", SCALE, { group: "autoscaling", version: "v1", kind: "Scale" });
    if (r.status) subresource("status", "Status", kindDef, gvk);
    if (r.namespaced && can("list")) {
      add(`${prefix}/${r.plural}`, [P.pretty], {
        method: "get", operationId: `list${id}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`,
        action: "list", gvk, params: LIST_PARAMS, responses: { "200": listDef }, watch: true,
      });
    }
    if (can("watch")) {
      add(`${prefix}/watch${nsPath}/${r.plural}`, [...nsParams, P.pretty], {
        method: "get", operationId: `watch${id}${ns}${r.kind}List`, description: `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
        action: "watchlist", gvk, params: LIST_PARAMS, responses: { "200": WATCH_EVENT }, watch: true,
      });
      add(`${prefix}/watch${nsPath}/${r.plural}/{name}`, itemParams, {
        method: "get", operationId: `watch${id}${ns}${r.kind}`, description: `watch changes to an object of kind ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
        action: "watch", gvk, params: LIST_PARAMS, responses: { "200": WATCH_EVENT }, watch: true,
      });
      if (r.namespaced) {
        add(`${prefix}/watch/${r.plural}`, [P.pretty], {
          method: "get", operationId: `watch${id}${r.kind}ListForAllNamespaces`, description: `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
          action: "watchlist", gvk, params: LIST_PARAMS, responses: { "200": WATCH_EVENT }, watch: true,
        });
      }
    }
  }
  return [...paths.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** Every (group, version) the resources serve, core first, then groups in order. */
export function groupVersions(resources: readonly ResourceType[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resources) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()].sort((a, b) => (a.group === "" ? -1 : b.group === "" ? 1 : a.group.localeCompare(b.group) || a.version.localeCompare(b.version)));
}
