// PATCH: JSON patch, merge patch, strategic merge patch and server-side apply, applied to the stored object
// inside the store's compare-and-swap loop (so a lost race re-applies the patch to the newer object). A uid the
// patched object carries is data, not a precondition: a different one fails validation as immutable (422), as
// upstream; only the scale subresource and an apply that would create answer a uid mismatch with 409 Conflict.
import type { KubeObject } from "../../api/scheme.ts";
import { apiVersionOf } from "../../api/scheme.ts";
import { StatusError, conflict, uidPreconditionMessage, unsupportedMediaType } from "../../api/errors.ts";
import type { ResourceStore, WriteOptions } from "../registry/store.ts";
import { schemaFor } from "../registry/schema.ts";
import { resetFieldsFor } from "../registry/managed-fields.ts";
import { rfc3339 } from "../registry/metadata.ts";
import { parseYamlBody } from "../http/body.ts";
import { applyJsonPatch } from "../patch/json-patch.ts";
import { applyMergePatch } from "../patch/merge-patch.ts";
import { applyStrategicMergePatch } from "../patch/strategic-merge-patch.ts";
import { parsePatchBody } from "../patch/parse.ts";
import { requireApplyManager, serverSideApply } from "../apply/index.ts";
import { applyScale, scaleOf } from "./scale.ts";

export interface PatchRequest {
  store: ResourceStore;
  namespace: string | undefined;
  name: string;
  type: string;
  bytes: Buffer;
  query: URLSearchParams;
  opts: WriteOptions;
  warnings: string[];
  checkFields: (obj: unknown) => void;
}

const PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];

export async function applyPatch(p: PatchRequest): Promise<{ object: KubeObject; created: boolean }> {
  const { store, namespace, name, opts } = p;
  if (p.type === "application/apply-patch+yaml") return apply(p);
  let patchFn: (doc: unknown) => unknown;
  if (p.type === "application/json-patch+json") {
    const ops = parsePatchBody(p.bytes, "json");
    patchFn = (doc) => applyJsonPatch(doc, ops);
  } else if (p.type === "application/merge-patch+json") {
    const patch = parsePatchBody(p.bytes, "merge");
    patchFn = (doc) => applyMergePatch(doc, patch);
  } else if (p.type === "application/strategic-merge-patch+json") {
    const patch = parsePatchBody(p.bytes, "strategic");
    const schema = p.opts.subresource === "scale" ? { definitions: schemaFor(store.rt).definitions, root: "io.k8s.api.autoscaling.v1.Scale" } : schemaFor(store.rt);
    patchFn = (doc) => applyStrategicMergePatch(doc, patch, schema);
  } else {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(", ")}`);
  }
  const object = await store.update(namespace, name, (cur) => {
    if (opts.subresource === "scale") {
      const scale = patchFn(scaleOf(store.rt, cur)) as KubeObject;
      // Upstream's scale subresources check the Scale's uid themselves, as a precondition.
      const uid = scale?.metadata?.uid;
      if (uid && uid !== cur.metadata?.uid) throw conflict({ group: store.gr.group, resource: `${store.gr.resource}/scale` }, name, uidPreconditionMessage(uid, cur.metadata?.uid));
      return applyScale(store.rt, cur, unpin(scaleOf(store.rt, cur), scale));
    }
    const patched = patchFn(cur) as KubeObject;
    if (!opts.subresource) p.checkFields(patched);
    return unpin(cur, patched);
  }, { ...opts, patched: true });
  return { object: opts.subresource === "scale" ? scaleOf(store.rt, object) : object, created: false };
}

/** A patch pins the resourceVersion only if it changed it; otherwise it retries on conflicts. */
function unpin(before: KubeObject, after: KubeObject): KubeObject {
  if (after?.metadata && after.metadata.resourceVersion === before.metadata?.resourceVersion) {
    const { resourceVersion: _rv, ...meta } = after.metadata;
    return { ...after, metadata: meta };
  }
  return after;
}

async function apply(p: PatchRequest): Promise<{ object: KubeObject; created: boolean }> {
  const { store, namespace, name, opts } = p;
  const manager = requireApplyManager(p.query.get("fieldManager") ?? undefined);
  const applied = (await parseYamlBody(p.bytes)) as KubeObject;
  p.checkFields(applied);
  const force = p.query.get("force") === "true";
  const run = (live: KubeObject | undefined) => serverSideApply({
    live, applied, manager, force, apiVersion: apiVersionOf(store.rt), ...(opts.subresource ? { subresource: opts.subresource } : {}),
    time: rfc3339(new Date()), schema: schemaFor(store.rt), resetFields: resetFieldsFor(store.rt, opts.subresource),
  }).object as KubeObject;
  const applyOpts = { ...opts, fieldManager: manager, applied: true, patched: true };
  try {
    const object = await store.update(namespace, name, (cur) => unpin(cur, run(cur)), applyOpts);
    return { object, created: false };
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  }
  const uid = applied?.metadata?.uid;
  if (uid) throw conflict(store.gr, name, `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`);
  const object = await store.create(namespace, run(undefined), applyOpts);
  return { object, created: true };
}
