// Service environment variables (the docker-links style a container gets for each Service of its namespace):
// FOO_SERVICE_HOST, FOO_SERVICE_PORT(_<NAME>), FOO_PORT, FOO_PORT_<port>_<PROTO>(_PROTO|_PORT|_ADDR).
import type { Service } from "kubernetes-types/core/v1";
import type { KeyValue } from "../cri/types.ts";

const MASTER_SERVICE = { namespace: "default", name: "kubernetes" };

const envName = (s: string): string => s.replaceAll("-", "_").toUpperCase();
const hasClusterIP = (s: Service): boolean => !!s.spec?.clusterIP && s.spec.clusterIP !== "None";
const hostPort = (ip: string, port: number): string => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);

function serviceVars(svc: Service): KeyValue[] {
  const ports = svc.spec?.ports ?? [];
  const ip = svc.spec!.clusterIP!;
  const prefix = envName(svc.metadata?.name ?? "");
  if (!ports.length) return [];
  const out: KeyValue[] = [
    { key: `${prefix}_SERVICE_HOST`, value: ip },
    { key: `${prefix}_SERVICE_PORT`, value: String(ports[0].port) },
  ];
  for (const p of ports) if (p.name) out.push({ key: `${prefix}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
  ports.forEach((p, i) => {
    const proto = (p.protocol || "TCP").toLowerCase();
    const url = `${proto}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push({ key: `${prefix}_PORT`, value: url });
    const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push({ key: pp, value: url }, { key: `${pp}_PROTO`, value: proto }, { key: `${pp}_PORT`, value: String(p.port) }, { key: `${pp}_ADDR`, value: ip });
  });
  return out;
}

/**
 * The variables for a pod in `namespace`: the `kubernetes` Service of `default` always, the namespace's other
 * Services only when `enableServiceLinks`. Services without a cluster IP (headless) give none.
 */
export function serviceEnv(services: readonly Service[], namespace: string, enableServiceLinks: boolean): KeyValue[] {
  const chosen = new Map<string, Service>();
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const name = svc.metadata?.name ?? "";
    const ns = svc.metadata?.namespace;
    if (ns === MASTER_SERVICE.namespace && name === MASTER_SERVICE.name) {
      if (!chosen.has(name)) chosen.set(name, svc);
    } else if (ns === namespace && enableServiceLinks) {
      chosen.set(name, svc);
    }
  }
  return [...chosen.values()].flatMap(serviceVars);
}
