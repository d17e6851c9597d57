// Allocates Service cluster IPs (from --service-cidr) and NodePorts (30000-32767) on create, and checks
// requested ones are in range and free. Allocation is serialized in this process and checked against every
// stored Service, so no value is handed out twice; a value comes free when its Service is deleted.
import type { AdmissionPlugin } from "./types.ts";
import type { KubeObject } from "../../api/scheme.ts";
import { invalid as invalidError } from "../../api/errors.ts";
import type { FieldError } from "../../api/errors.ts";
import { Ipv4Cidr } from "../../util/cidr.ts";

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

interface ServiceShape {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ipFamilies?: string[];
    ipFamilyPolicy?: string;
    ports?: { nodePort?: number; port?: number }[];
  };
}

/** `listServices` reads every stored Service (from storage, not a cache, so allocation sees the latest writes). */
export function serviceIpAllocation(cidr: Ipv4Cidr, listServices: () => Promise<KubeObject[]>): AdmissionPlugin {
  let queue: Promise<unknown> = Promise.resolve();
  const inFlightIps = new Set<string>();
  const inFlightPorts = new Set<number>();
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    name: "ServiceIPAllocation",
    async admit(a) {
      if (a.resource.group !== "" || a.resource.kind !== "Service" || a.operation !== "CREATE") return;
      const svc = a.object as ServiceShape;
      const spec = (svc.spec ??= {});
      if (spec.type === "ExternalName") return;
      await serialized(async () => {
        const existing = (await listServices()) as ServiceShape[];
        const usedIps = new Set([...inFlightIps, ...existing.flatMap((s) => s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : []))]);
        const usedPorts = new Set([...inFlightPorts, ...existing.flatMap((s) => (s.spec?.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p))]);
        const errors: FieldError[] = [];
        if (spec.clusterIP !== "None") {
          const ip = spec.clusterIP || spec.clusterIPs?.[0];
          if (ip) {
            if (!cidr.contains(ip)) errors.push({ type: "FieldValueInvalid", field: "spec.clusterIPs", value: [ip], detail: `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${cidr}` });
            else if (usedIps.has(ip)) errors.push({ type: "FieldValueInvalid", field: "spec.clusterIPs", value: [ip], detail: `failed to allocate IP ${ip}: provided IP is already allocated` });
          } else {
            spec.clusterIP = allocateIp(cidr, usedIps);
          }
          spec.clusterIPs = [spec.clusterIP!];
        } else {
          spec.clusterIPs = ["None"];
        }
        spec.ipFamilies ??= ["IPv4"];
        spec.ipFamilyPolicy ??= "SingleStack";
        if (spec.type === "NodePort" || spec.type === "LoadBalancer") {
          (spec.ports ?? []).forEach((p, i) => {
            if (p.nodePort) {
              if (p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max) {
                errors.push({ type: "FieldValueInvalid", field: `spec.ports[${i}].nodePort`, value: p.nodePort, detail: `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}` });
              } else if (usedPorts.has(p.nodePort)) {
                errors.push({ type: "FieldValueInvalid", field: `spec.ports[${i}].nodePort`, value: p.nodePort, detail: "provided port is already allocated" });
              }
            } else {
              p.nodePort = allocatePort(usedPorts);
            }
            usedPorts.add(p.nodePort!);
          });
        }
        if (errors.length) throw invalidError({ group: "", kind: "Service" }, a.name, errors);
        if (spec.clusterIP && spec.clusterIP !== "None") inFlightIps.add(spec.clusterIP);
        for (const p of spec.ports ?? []) if (p.nodePort) inFlightPorts.add(p.nodePort);
      });
      // Reservations last until the Service is stored (or its create failed); stored Services are seen by the next scan.
      a.onFinish(() => {
        if (spec.clusterIP) inFlightIps.delete(spec.clusterIP);
        for (const p of spec.ports ?? []) if (p.nodePort) inFlightPorts.delete(p.nodePort);
      });
    },
  };
}

function allocateIp(cidr: Ipv4Cidr, used: Set<string>): string {
  const size = cidr.size;
  // Random start spreads allocations; the network address, the first host (the API Service) and the broadcast are skipped.
  const start = 2 + Math.floor(Math.random() * Math.max(1, size - 3));
  for (let i = 0; i < size - 3; i++) {
    const offset = 2 + ((start - 2 + i) % (size - 3));
    const ip = cidr.at(offset);
    if (!used.has(ip)) return ip;
  }
  throw invalidError({ group: "", kind: "Service" }, "", [{ type: "InternalError", field: "spec.clusterIPs", detail: `range is full` }]);
}

function allocatePort(used: Set<number>): number {
  const span = NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = NODE_PORT_RANGE.min + ((start + i) % span);
    if (!used.has(port)) return port;
  }
  throw invalidError({ group: "", kind: "Service" }, "", [{ type: "InternalError", field: "spec.ports", detail: "node port range is full" }]);
}
