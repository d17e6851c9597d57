// `kubectl get` for networking.k8s.io/v1: ingresses, ingressclasses, networkpolicies.
import type { Ingress, IngressClass, IngressRule, NetworkPolicy } from "kubernetes-types/networking/v1";
import type { TableDef } from "../scheme.ts";
import { formatLabelSelector } from "../selectors/labels.ts";
import { age, ageColumn, column, loadBalancerIngress, nameColumn } from "./format.ts";

/** Up to three rule hosts, "*" when no rule names one. */
function hosts(rules: readonly IngressRule[] | undefined): string {
  const max = 3;
  const list = (rules ?? []).slice(0, max).map((r) => r.host).filter((h): h is string => Boolean(h));
  if (list.length === 0) return "*";
  const total = rules?.length ?? 0;
  return total > max ? `${list.join(",")} + ${total - max} more...` : list.join(",");
}

export const ingressTable: TableDef = {
  columns: [
    nameColumn,
    column("Class", "string", "The IngressClass that handles this ingress."),
    column("Hosts", "string", "Hosts named by the rules (up to three)."),
    column("Address", "string", "Load balancer ingress points."),
    column("Ports", "string", "Ports served: 80, plus 443 when TLS is configured."),
    ageColumn,
  ],
  cells: (ing: Ingress, now: Date) => [
    ing.metadata?.name ?? "",
    ing.spec?.ingressClassName ?? "<none>",
    hosts(ing.spec?.rules),
    loadBalancerIngress(ing.status?.loadBalancer?.ingress),
    ing.spec?.tls?.length ? "80, 443" : "80",
    age(ing.metadata, now),
  ],
};

export const ingressClassTable: TableDef = {
  columns: [
    nameColumn,
    column("Controller", "string", "The controller that implements this class."),
    column("Parameters", "string", "The parameters object of the class (kind.group/name)."),
    ageColumn,
  ],
  cells(ic: IngressClass, now: Date) {
    const p = ic.spec?.parameters;
    const params = p ? `${p.kind}${p.apiGroup !== undefined ? `.${p.apiGroup}` : ""}/${p.name}` : "<none>";
    return [ic.metadata?.name ?? "", ic.spec?.controller ?? "", params, age(ic.metadata, now)];
  },
};

export const networkPolicyTable: TableDef = {
  columns: [nameColumn, column("Pod-Selector", "string", "The pods the policy applies to."), ageColumn],
  // podSelector is a value, not a pointer, upstream: an absent one is the empty selector.
  cells: (np: NetworkPolicy, now: Date) => [np.metadata?.name ?? "", formatLabelSelector(np.spec?.podSelector ?? {}), age(np.metadata, now)],
};
