// `kubectl get services` and `kubectl get endpoints`.
import type { Endpoints, Service, ServicePort } from "kubernetes-types/core/v1";
import type { TableDef } from "../scheme.ts";
import { formatLabels } from "../selectors/labels.ts";
import { age, ageColumn, column, loadBalancerIngress, nameColumn } from "./format.ts";

/** "80/TCP", "80:30080/TCP" per port, joined by commas. */
function ports(list: readonly ServicePort[] | undefined): string {
  return (list ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? ""}` : `${p.port}/${p.protocol ?? ""}`)).join(",");
}

function externalIP(svc: Service): string {
  const external = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case "ClusterIP":
    case "NodePort":
      return external.length ? external.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerIngress(svc.status?.loadBalancer?.ingress);
      if (external.length) return [...(lb ? lb.split(",") : []), ...external].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return svc.spec.externalName ?? "";
    default:
      return "<unknown>";
  }
}

export const serviceTable: TableDef = {
  columns: [
    nameColumn,
    column("Type", "string", "How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName."),
    column("Cluster-IP", "string", "The first cluster IP of the service."),
    column("External-IP", "string", "External IPs or load balancer ingress points of the service."),
    column("Port(s)", "string", "The ports the service exposes (port:nodePort/protocol)."),
    ageColumn,
    column("Selector", "string", "The label selector that picks the service's pods.", 1),
  ],
  cells(svc: Service, now: Date) {
    return [
      svc.metadata?.name ?? "",
      svc.spec?.type ?? "",
      svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || "<none>",
      externalIP(svc),
      ports(svc.spec?.ports) || "<none>",
      age(svc.metadata, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};

const hostPort = (ip: string, port: number | undefined): string => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);

/** Up to three ready addresses ("ip:port" for each port), then "+ N more...". */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    // Headless services may have no ports: list bare IPs then.
    const portList = ss.ports?.length ? ss.ports.map((p) => p.port) : [undefined];
    for (const port of portList) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) break;
        list.push(port === undefined ? a.ip : hostPort(a.ip, port));
      }
    }
  }
  const ret = list.join(",");
  return count > max ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsTable: TableDef = {
  columns: [nameColumn, column("Endpoints", "string", "The ready addresses and ports of the endpoints."), ageColumn],
  cells: (ep: Endpoints, now: Date) => [ep.metadata?.name ?? "", formatEndpoints(ep), age(ep.metadata, now)],
};
