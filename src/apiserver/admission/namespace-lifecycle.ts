// NamespaceLifecycle: no new objects in a namespace that does not exist or is being deleted, and the
// system namespaces cannot be deleted (upstream's admission plugin of the same name).
import type { AdmissionPlugin } from "./types.ts";
import { forbidden, notFound } from "../../api/errors.ts";
import type { KubeObject } from "../../api/scheme.ts";

export const IMMORTAL_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export function namespaceLifecycle(lookup: (name: string) => Promise<KubeObject | undefined>): AdmissionPlugin {
  return {
    name: "NamespaceLifecycle",
    async validate(a) {
      const isNamespace = a.resource.group === "" && a.resource.kind === "Namespace";
      if (isNamespace && a.operation === "DELETE" && IMMORTAL_NAMESPACES.includes(a.name)) {
        throw forbidden(`namespaces "${a.name}" is forbidden: this namespace may not be deleted`);
      }
      if (a.operation !== "CREATE" || !a.resource.namespaced || !a.namespace) return;
      const ns = await lookup(a.namespace);
      if (!ns) throw notFound({ group: "", resource: "namespaces" }, a.namespace);
      if (ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === "Terminating") {
        const gr = a.resource.group ? `${a.resource.plural}.${a.resource.group}` : a.resource.plural;
        throw forbidden(`${gr} "${a.name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`);
      }
    },
  };
}
