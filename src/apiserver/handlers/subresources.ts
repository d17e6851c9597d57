// Subresources with their own semantics: pods/binding (the scheduler's bind), serviceaccounts/token
// (TokenRequest) and namespaces/finalize (the namespace controller's last step).
import type { Binding, PodCondition, PodSpec, PodStatus } from "kubernetes-types/core/v1";
import type { KubeObject } from "../../api/scheme.ts";
import { badRequest, conflict, storageInvalidObjectMessage, uidPreconditionMessage } from "../../api/errors.ts";
import { rfc3339 } from "../registry/metadata.ts";
import { handleTokenRequest } from "../authn/token-request.ts";
import type { SubresourceHandler } from "./resources.ts";

export interface SubresourceDeps {
  serviceAccountKeys: { privateKeyPem: string };
  getObject(group: string, kind: string, ns: string | undefined, name: string): Promise<KubeObject | undefined>;
  now(): Date;
}

/** Binding refusals name the subresource, as upstream's. */
const BINDING = { group: "", resource: "pods/binding" };

/**
 * The conditions with PodScheduled=True, as upstream's UpdatePodCondition sets it: the condition is replaced (no
 * reason or message), and its lastTransitionTime is `now` unless it was already True.
 */
function scheduledCondition(conditions: PodCondition[], now: string): PodCondition[] {
  const old = conditions.find((c) => c.type === "PodScheduled");
  const cond: PodCondition = { type: "PodScheduled", status: "True", lastTransitionTime: old?.status === "True" && old.lastTransitionTime ? old.lastTransitionTime : now };
  return old ? conditions.map((c) => (c === old ? cond : c)) : [...conditions, cond];
}

export function subresourceHandlers(deps: SubresourceDeps): Map<string, SubresourceHandler> {
  return new Map<string, SubresourceHandler>([
    ["pods/binding", async ({ store, req, body, opts }) => {
      const binding = body as Binding | undefined;
      const name = req.name!;
      if (binding?.metadata?.name && binding.metadata.name !== name) throw badRequest("name in URL does not match name in Binding object");
      const node = binding?.target?.name;
      if (!node) throw badRequest("Binding.target.name: Required value");
      const uid = binding.metadata?.uid;
      const resourceVersion = binding.metadata?.resourceVersion;
      const key = store.key(req.namespace, name);
      await store.update(req.namespace, name, (pod) => {
        // The Binding's uid and resourceVersion are preconditions on the pod, failing as upstream's storage does.
        const meta = pod.metadata!;
        if (uid && uid !== meta.uid) throw conflict(store.gr, name, storageInvalidObjectMessage(key, uidPreconditionMessage(uid, meta.uid)));
        if (resourceVersion && resourceVersion !== meta.resourceVersion) {
          throw conflict(store.gr, name, storageInvalidObjectMessage(key, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`));
        }
        const spec = (pod.spec ?? {}) as PodSpec;
        if (meta.deletionTimestamp) throw conflict(BINDING, name, `pod ${name} is being deleted, cannot be assigned to a host`);
        if (spec.nodeName) throw conflict(BINDING, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
        if (spec.schedulingGates?.length) throw conflict(BINDING, name, `pod ${name} has non-empty .spec.schedulingGates`);
        const annotations = binding.metadata?.annotations;
        const status = (pod.status ?? {}) as PodStatus;
        return {
          ...pod,
          metadata: annotations ? { ...meta, annotations: { ...meta.annotations, ...annotations } } : meta,
          spec: { ...spec, nodeName: node },
          status: { ...status, conditions: scheduledCondition(status.conditions ?? [], rfc3339(deps.now())) },
        };
      }, { ...opts, subresource: undefined, skipValidation: true, withStatus: true });
      return { code: 201, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 } };
    }],
    ["serviceaccounts/token", async ({ store, req, body }) => {
      const sa = await store.get(req.namespace, req.name!);
      const result = await handleTokenRequest(body, sa as never, {
        privateKeyPem: deps.serviceAccountKeys.privateKeyPem,
        getBoundObject: async (kind: string, ns: string, name: string) => {
          const obj = await deps.getObject("", kind, kind === "Node" ? undefined : ns, name);
          if (!obj) return undefined;
          const spec = obj.spec as { serviceAccountName?: string; nodeName?: string } | undefined;
          return { uid: obj.metadata!.uid!, ...(spec?.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}), ...(spec?.nodeName ? { nodeName: spec.nodeName } : {}) };
        },
      });
      return { code: 201, body: result };
    }],
    ["namespaces/finalize", async ({ store, req, body, opts }) => {
      const finalizers = ((body as { spec?: { finalizers?: string[] } })?.spec?.finalizers ?? []);
      const updated = await store.update(undefined, req.name!, (ns) => ({ ...ns, spec: { ...(ns.spec as object), finalizers } }), { ...opts, subresource: "finalize", skipValidation: true });
      return { code: 200, body: updated };
    }],
  ]);
}
