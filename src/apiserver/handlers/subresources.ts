// Subresources with their own semantics: pods/binding (the scheduler's bind), serviceaccounts/token
// (TokenRequest) and namespaces/finalize (the namespace controller's last step).
import type { KubeObject } from "../../api/scheme.ts";
import { badRequest, conflict } from "../../api/errors.ts";
import { handleTokenRequest } from "../authn/token-request.ts";
import type { SubresourceHandler } from "./resources.ts";

export interface SubresourceDeps {
  serviceAccountKeys: { privateKeyPem: string };
  getObject(group: string, kind: string, ns: string | undefined, name: string): Promise<KubeObject | undefined>;
}

export function subresourceHandlers(deps: SubresourceDeps): Map<string, SubresourceHandler> {
  return new Map<string, SubresourceHandler>([
    ["pods/binding", async ({ store, req, body, opts }) => {
      const binding = body as { target?: { kind?: string; name?: string }; metadata?: { name?: string } };
      const node = binding?.target?.name;
      if (!node) throw badRequest("Binding.target.name: Required value");
      await store.update(req.namespace, req.name!, (pod) => {
        const spec = (pod.spec ?? {}) as { nodeName?: string };
        if (spec.nodeName) throw conflict(store.gr, req.name!, `pod ${req.name} is already assigned to node "${spec.nodeName}"`);
        if (pod.metadata?.deletionTimestamp) throw conflict(store.gr, req.name!, `pod ${req.name} is being deleted, cannot be assigned to a host`);
        return { ...pod, spec: { ...spec, nodeName: node } };
      }, { ...opts, subresource: undefined, skipValidation: true });
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
