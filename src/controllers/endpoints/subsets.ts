// The subsets a Service's Endpoints should hold: one address per pod that should be an endpoint, with the port
// numbers this pod serves for each Service port, then repacked into groups of identical port sets.
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from "kubernetes-types/core/v1";
import { findPort, hostnameFor, podIpsOfFamily, primaryFamily, shouldPodBeInEndpoints } from "./service-pods.ts";
import { isPodReady } from "../pod-util.ts";
import { repackSubsets } from "./repack.ts";

function addressOf(pod: Pod, svc: Service): EndpointAddress | undefined {
  const ip = podIpsOfFamily(pod, primaryFamily(svc))[0];
  if (!ip) return undefined;
  const m = pod.metadata!;
  const addr: EndpointAddress = { ip };
  const hostname = hostnameFor(pod, svc);
  if (hostname) addr.hostname = hostname;
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: "Pod", namespace: m.namespace, name: m.name, uid: m.uid };
  return addr;
}

export function desiredSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  const add = (pod: Pod, addr: EndpointAddress, port: EndpointPort | undefined) => {
    const subset: EndpointSubset = publishNotReady || isPodReady(pod) ? { addresses: [addr] } : { notReadyAddresses: [addr] };
    if (port) subset.ports = [port];
    subsets.push(subset);
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = addressOf(pod, svc);
    if (!addr) continue;
    const servicePorts = svc.spec?.ports ?? [];
    // A headless Service without ports still lists its pods.
    if (servicePorts.length === 0 && svc.spec?.clusterIP === "None") add(pod, addr, undefined);
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      // A pod that does not serve this port (no such named port) is not its endpoint.
      if (port === undefined) continue;
      const ep: EndpointPort = { port, protocol: sp.protocol ?? "TCP" };
      if (sp.name) ep.name = sp.name;
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      add(pod, addr, ep);
    }
  }
  return repackSubsets(subsets);
}
