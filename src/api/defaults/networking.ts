// Upstream's networking/v1 defaults: NetworkPolicy ports and policy types, IngressClass parameter scope.
import type { IngressClass, NetworkPolicy } from "kubernetes-types/networking/v1";

export function defaultNetworkPolicy(np: NetworkPolicy): void {
  const spec = (np.spec ??= { podSelector: {} });
  // A Go struct, so always present upstream: an empty selector (all pods) when not given.
  spec.podSelector ??= {};
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const p of rule.ports ?? []) p.protocol ??= "TCP";
  }
  // A policy that names no types is at least an Ingress policy, and an Egress one when it has egress rules.
  if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ["Ingress", "Egress"] : ["Ingress"];
}

export function defaultIngressClass(ic: IngressClass): void {
  const params = ic.spec?.parameters;
  if (params) params.scope ??= "Cluster";
}
