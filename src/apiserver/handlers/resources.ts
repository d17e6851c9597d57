// Resource requests: maps a parsed request (verb, resource, name, subresource) onto the resource's store,
// decoding bodies, applying patches, and rendering results (object, list, Table, metadata) as negotiated.
import type { Request } from "../http/request.ts";
import type { KubeObject } from "../../api/scheme.ts";
import { apiVersionOf } from "../../api/scheme.ts";
import { badRequest, methodNotAllowed, notFound } from "../../api/errors.ts";
import type { ResourceRequest } from "../request-info.ts";
import type { Registry } from "../registry/registry.ts";
import type { ResourceStore, WriteOptions } from "../registry/store.ts";
import type { Lister } from "../registry/lister.ts";
import type { WatchCache } from "../watchcache/watch-cache.ts";
import { compileFilter } from "../registry/filter.ts";
import { parseListOptions } from "../registry/list-options.ts";
import { schemaFor } from "../registry/schema.ts";
import { storedJsonOf } from "../registry/codec.ts";
import { checkAgainstSchema } from "../registry/schema-check.ts";
import { decodeObject, mediaType, readBody } from "../http/body.ts";
import { negotiate } from "../http/negotiate.ts";
import type { Rendering } from "../http/negotiate.ts";
import { sendJson } from "../http/respond.ts";
import type { Response } from "../http/respond.ts";
import type { UserInfo } from "../authn/user.ts";
import { parseIncludeObject, partialMetadata, toTable } from "./table.ts";
import { serveWatch } from "./watch.ts";
import { applyPatch } from "./patch.ts";
import { scaleOf, applyScale } from "./scale.ts";

export interface ResourceContext {
  registry: Registry;
  lister: Lister;
  cache: WatchCache;
  /** The store's current revision when it is known without a round trip (see Storage.revisionNow). */
  storeRevision: () => number | undefined;
  /** Extra handlers for subresources such as pods/binding and serviceaccounts/token, keyed "plural/sub". */
  subresourceHandlers: ReadonlyMap<string, SubresourceHandler>;
  signal: AbortSignal;
}

export type SubresourceHandler = (args: { store: ResourceStore; req: ResourceRequest; body: unknown; opts: WriteOptions }) => Promise<{ code: number; body: unknown }>;


export async function handleResource(ctx: ResourceContext, info: ResourceRequest, req: Request, res: Response, query: URLSearchParams, user: UserInfo | undefined): Promise<void> {
  const store = ctx.registry.store(info.group, info.version, info.resource);
  if (!store) throw notFound({ group: info.group, resource: info.resource }, info.name ?? "");
  const rt = store.rt;
  if (rt.namespaced && info.name && !info.namespace && info.verb !== "list" && info.verb !== "watch") {
    throw notFound({ group: rt.group, resource: rt.plural }, info.name);
  }
  const namespace = rt.namespaced ? info.namespace : undefined;
  const list = !info.name;
  const rendering = negotiate(req.headers.accept, { list });
  const format = rendering.as === "object" ? rendering.format : "json";
  const warnings: string[] = [];
  const out = { format, warnings } as const;

  if (info.subresource && info.subresource !== "status" && info.subresource !== "scale") {
    const handler = ctx.subresourceHandlers.get(`${rt.plural}/${info.subresource}`);
    if (!handler || !info.name) throw notFound({ group: rt.group, resource: `${rt.plural}/${info.subresource}` }, info.name ?? "");
    const body = req.method === "POST" || req.method === "PUT" ? await decodeObject(await readBody(req), req.headers["content-type"]) : undefined;
    const result = await handler({ store, req: info, body, opts: writeOptions(query, req, user, info.subresource) });
    sendJson(res, result.code, result.body, out);
    return;
  }
  if (info.subresource === "status" && !rt.status) throw notFound({ group: rt.group, resource: `${rt.plural}/status` }, info.name ?? "");
  if (info.subresource === "scale" && !rt.scale) throw notFound({ group: rt.group, resource: `${rt.plural}/scale` }, info.name ?? "");
  if (!rt.verbs.includes(info.verb) && !info.subresource) throw methodNotAllowed(`the server does not allow this method on the requested resource`);

  const render = (obj: KubeObject, code = 200) => sendJson(res, code, renderObject(store, obj, rendering, query), out);

  switch (info.verb) {
    case "get": {
      // Answered from the watch cache, as its stored text, when the cache has every write the store has.
      if (rendering.as === "object" && info.subresource !== "scale" && !rt.conversion) {
        const current = ctx.cache.current(store.key(namespace, info.name!), ctx.storeRevision());
        if (current === null) throw notFound(store.gr, info.name!);
        if (current) {
          sendJson(res, 200, current.json, out);
          return;
        }
      }
      const obj = await store.get(namespace, info.name!);
      render(info.subresource === "scale" ? scaleOf(store.rt, obj) : obj);
      return;
    }
    case "list": {
      const opts = parseListOptions(query);
      const listed = await ctx.lister.list(rt, namespace, opts, compileFilter(rt, opts.labelSelector, opts.fieldSelector));
      const page = rt.conversion ? { ...listed, items: listed.items.map((i) => ({ key: i.key, obj: rt.conversion!.fromStorage(i.obj), json: undefined })) } : listed;
      const meta = {
        resourceVersion: String(page.resourceVersion),
        ...(page.continueToken ? { continue: page.continueToken } : {}),
        ...(page.remaining !== undefined ? { remainingItemCount: page.remaining } : {}),
      };
      if (rendering.as === "Table") {
        sendJson(res, 200, toTable(rt, page.items.map((i) => i.obj), meta, parseIncludeObject(query)), out);
      } else if (rendering.as === "PartialObjectMetadataList") {
        sendJson(res, 200, { kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata: meta, items: page.items.map((i) => partialMetadata(i.obj)) }, out);
      } else {
        const items = page.items.map((i) => i.json ?? JSON.stringify(i.obj)).join(",");
        sendJson(res, 200, `{"kind":"${rt.listKind}","apiVersion":"${apiVersionOf(rt)}","metadata":${JSON.stringify(meta)},"items":[${items}]}`, out);
      }
      return;
    }
    case "watch": {
      const opts = parseListOptions(query);
      let fieldSelector = opts.fieldSelector;
      if (info.name) fieldSelector = fieldSelector ? `${fieldSelector},metadata.name=${info.name}` : `metadata.name=${info.name}`;
      serveWatch(ctx.cache, res, {
        rt, namespace, opts, rendering, includeObject: parseIncludeObject(query), signal: ctx.signal,
        filter: compileFilter(rt, opts.labelSelector, fieldSelector),
      });
      return;
    }
    case "create": {
      if (info.name && !info.subresource) throw methodNotAllowed("the server does not allow this method on the requested resource");
      const body = asObject(await decodeObject(await readBody(req), req.headers["content-type"]));
      checkFields(store, body, query, warnings);
      const created = await store.create(namespace, body, writeOptions(query, req, user));
      render(created, 201);
      return;
    }
    case "update": {
      const body = asObject(await decodeObject(await readBody(req), req.headers["content-type"]));
      const opts = writeOptions(query, req, user, info.subresource);
      if (info.subresource === "scale") {
        const updated = await store.update(namespace, info.name!, (cur) => applyScale(store.rt, cur, body), opts);
        render(scaleOf(store.rt, updated));
        return;
      }
      if (!info.subresource) checkFields(store, body, query, warnings);
      const updated = await store.update(namespace, info.name!, () => body, opts);
      render(updated);
      return;
    }
    case "patch": {
      const type = mediaType(req.headers["content-type"]);
      const bytes = await readBody(req);
      const opts = writeOptions(query, req, user, info.subresource);
      const result = await applyPatch({ store, namespace, name: info.name!, type, bytes, query, opts, warnings, checkFields: (o) => checkFields(store, o, query, warnings) });
      render(result.object, result.created ? 201 : 200);
      return;
    }
    case "delete": {
      const bytes = await readBody(req);
      const body = bytes.length ? asObject(await decodeObject(bytes, req.headers["content-type"])) : {};
      const result = await store.delete(namespace, info.name!, deleteOptions(query, body, user));
      if (result.deleted && rt.kind !== "Pod") {
        sendJson(res, 200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name: info.name, group: rt.group, kind: rt.plural, uid: result.object.metadata?.uid } }, out);
      } else {
        render(result.object);
      }
      return;
    }
    case "deletecollection": {
      const opts = parseListOptions(query);
      const page = await ctx.lister.list(rt, namespace, { ...opts, limit: 0, continueToken: undefined }, compileFilter(rt, opts.labelSelector, opts.fieldSelector));
      const delOpts = deleteOptions(query, {}, user);
      const deleted: KubeObject[] = [];
      for (const item of page.items) {
        try {
          deleted.push((await store.delete(item.obj.metadata?.namespace, item.obj.metadata!.name!, delOpts)).object);
        } catch (err) {
          if ((err as { code?: number }).code !== 404) throw err;
        }
      }
      sendJson(res, 200, { kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata: {}, items: deleted }, out);
      return;
    }
  }
}

function renderObject(store: ResourceStore, obj: KubeObject, rendering: Rendering, query: URLSearchParams): unknown {
  if (rendering.as === "Table" && obj.kind === store.rt.kind) return toTable(store.rt, [obj], { resourceVersion: obj.metadata?.resourceVersion }, parseIncludeObject(query));
  if (rendering.as === "PartialObjectMetadata") return partialMetadata(obj);
  return storedJsonOf(obj) ?? obj;
}

function asObject(v: unknown): KubeObject {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw badRequest("the object provided is unrecognized: expected a JSON object");
  return v as KubeObject;
}

type FieldValidation = "Strict" | "Warn" | "Ignore";

function fieldValidation(query: URLSearchParams): FieldValidation {
  const v = query.get("fieldValidation");
  if (v === null || v === "") return "Warn";
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}`);
}

export function checkFields(store: ResourceStore, obj: unknown, query: URLSearchParams, warnings: string[]): void {
  const mode = fieldValidation(query);
  const check = checkAgainstSchema(obj, schemaFor(store.rt));
  const m = check.mismatch;
  if (m) {
    const { kind, version } = store.rt;
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${m.got} into Go struct field ${m.struct}.${m.path} of type ${m.want}`);
  }
  if (mode === "Ignore" || !check.unknown.length) return;
  const unknown = check.unknown.map((p) => `unknown field "${p}"`);
  if (mode === "Strict") throw badRequest(`strict decoding error: ${unknown.join(", ")}`);
  warnings.push(...unknown);
}

function writeOptions(query: URLSearchParams, req: Request, user: UserInfo | undefined, subresource?: string): WriteOptions {
  const dryRun = query.getAll("dryRun");
  for (const d of dryRun) if (d !== "All") throw badRequest(`Invalid dryRun: ${JSON.stringify(d)}: supported values: "All"`);
  const fieldManager = query.get("fieldManager") ?? defaultManager(req.headers["user-agent"]);
  if (fieldManager.length > 128) throw badRequest("fieldManager: Too long: may not be more than 128 bytes");
  return { dryRun: dryRun.length > 0, fieldManager, user, ...(subresource ? { subresource } : {}) };
}

/** Upstream names an unnamed manager after the client's User-Agent program name. */
function defaultManager(userAgent: string | string[] | undefined): string {
  const ua = Array.isArray(userAgent) ? userAgent[0] : userAgent;
  return (ua ?? "unknown").split("/")[0]!.slice(0, 128) || "unknown";
}

function deleteOptions(query: URLSearchParams, body: KubeObject, user: UserInfo | undefined) {
  const b = body as { gracePeriodSeconds?: number; propagationPolicy?: string; orphanDependents?: boolean; preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: string[] };
  const graceQ = query.get("gracePeriodSeconds");
  const grace = graceQ !== null ? Number(graceQ) : b.gracePeriodSeconds;
  if (grace !== undefined && !Number.isInteger(grace)) throw badRequest(`invalid gracePeriodSeconds: ${graceQ}`);
  const orphan = query.get("orphanDependents") ?? (b.orphanDependents === undefined ? null : String(b.orphanDependents));
  const policy = query.get("propagationPolicy") ?? b.propagationPolicy ?? (orphan === "true" ? "Orphan" : orphan === "false" ? "Background" : undefined);
  if (policy !== undefined && policy !== "Orphan" && policy !== "Background" && policy !== "Foreground") {
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const dryRun = [...query.getAll("dryRun"), ...(b.dryRun ?? [])];
  return {
    dryRun: dryRun.includes("All"),
    ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
    ...(policy ? { propagationPolicy: policy as "Orphan" | "Background" | "Foreground" } : {}),
    ...(b.preconditions ? { preconditions: b.preconditions } : {}),
    user,
  };
}
