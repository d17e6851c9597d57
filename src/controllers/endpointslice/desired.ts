// The endpoints a Service's slices should hold for one address type, grouped by the port set each pod serves
// (slices hold endpoints sharing one port list). Terminating pods stay, marked terminating and not ready, so
// consumers can drain them; `serving` still reports the pod's readiness.
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointPort } from "kubernetes-types/discovery/v1";
import { findPort, hostnameFor, podIpsOfFamily, shouldPodBeInEndpoints } from "../endpoints/service-pods.ts";
import { isPodReady } from "../pod-util.ts";

export const ZONE_LABEL = "topology.kubernetes.io/zone";

export interface PortGroup {
  ports: EndpointPort[];
  /** By endpointKey, in pod-name order. */
  endpoints: Map<string, Endpoint>;
}

export interface DesiredEndpoints {
  /** By portsKey. */
  groups: Map<string, PortGroup>;
  /** Nodes that pods name but the cache does not hold; such pods are left out until the node shows up. */
  missingNodes: string[];
}

/** Identifies the same endpoint across syncs: its addresses, hostname and pod. */
export const endpointKey = (ep: Endpoint): string =>
  JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? "", ep.targetRef?.namespace ?? "", ep.targetRef?.name ?? ""]);

/** A port set's identity, whatever the order of its ports. */
export const portsKey = (ports: EndpointPort[] | undefined): string =>
  JSON.stringify((ports ?? []).map((p) => [p.name ?? "", p.port ?? 0, p.protocol ?? "TCP", p.appProtocol ?? ""]).sort());

function portsFor(svc: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP" };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    ports.push(ep);
  }
  return ports;
}

function endpointFor(pod: Pod, node: Node | undefined, svc: Service, addresses: string[]): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  // A terminating pod is never "ready", unless the Service publishes every address regardless.
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const m = pod.metadata!;
  const ep: Endpoint = {
    addresses,
    conditions: { ready, serving, terminating },
    targetRef: { kind: "Pod", namespace: m.namespace, name: m.name, uid: m.uid },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  const hostname = hostnameFor(pod, svc);
  if (hostname) ep.hostname = hostname;
  return ep;
}

export function desiredEndpoints(svc: Service, pods: Pod[], nodeOf: (name: string) => Node | undefined, addressType: string): DesiredEndpoints {
  const groups = new Map<string, PortGroup>();
  const missingNodes = new Set<string>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const nodeName = pod.spec?.nodeName ?? "";
    const node = nodeOf(nodeName);
    if (!node && !svc.spec?.publishNotReadyAddresses) {
      missingNodes.add(nodeName);
      continue;
    }
    const addresses = podIpsOfFamily(pod, addressType);
    if (!addresses.length) continue;
    const ports = portsFor(svc, pod);
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: new Map() }));
    const ep = endpointFor(pod, node, svc, addresses);
    group.endpoints.set(endpointKey(ep), ep);
  }
  return { groups, missingNodes: [...missingNodes] };
}
