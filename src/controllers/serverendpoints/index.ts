// Every API server publishes itself as an endpoint of the Services it serves in process (`kubernetes` for the API,
// `kube-dns` for cluster DNS). Each server holds a Lease in kube-system naming its address and ports and renews it;
// any server rewrites the Services' Endpoints and EndpointSlices (one per port set) from the live Leases, so in HA
// every server is listed and one that dies drops out once its Lease expires. A server that stops cleanly withdraws
// at once.
import { createHash } from "node:crypto";
import type { EndpointPort, EndpointSubset, Endpoints } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Client } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import { isConflict, isNotFound, isAlreadyExists } from "../../client/errors.ts";
import { microTime } from "../../client/node-lease.ts";
import { logger } from "../../util/log.ts";
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "../../api/well-known.ts";

const log = logger("server-endpoints");

/** A Service this server is a backend of: its namespace/name and the ports it serves it on. */
export interface ServedService {
  namespace: string;
  name: string;
  ports: EndpointPort[];
}

export interface ServerEndpointsOptions {
  client: Client;
  /** This server's address, as the nodes reach it. */
  address: string;
  /** Distinguishes servers sharing an address (several on one machine). */
  identity: string;
  services: ServedService[];
  /** Renewal period (ms); Leases last three periods. Default 10 s. */
  periodMs?: number;
  signal: AbortSignal;
  now?: () => Date;
}

const LEASE_LABEL = "berth.dev/server-endpoints";
const SERVES_ANNOTATION = "berth.dev/serves";
const MANAGED_BY = "berth-apiserver";
const NAMESPACE = "kube-system";

interface Member {
  id: string;
  address: string;
  services: Record<string, EndpointPort[]>;
}

const serviceKey = (s: { namespace: string; name: string }) => `${s.namespace}/${s.name}`;
const shortHash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 10);

function liveMembers(leases: Lease[], now: Date): Member[] {
  const members: Member[] = [];
  for (const l of leases) {
    const renewed = Date.parse(l.spec?.renewTime ?? "");
    const ttlMs = (l.spec?.leaseDurationSeconds ?? 0) * 1000;
    if (!(renewed + ttlMs > now.getTime())) continue;
    try {
      const served = JSON.parse(l.metadata?.annotations?.[SERVES_ANNOTATION] ?? "") as { address: string; services: Record<string, EndpointPort[]> };
      members.push({ id: l.metadata!.name!, address: served.address, services: served.services });
    } catch {
      log.warn({ lease: l.metadata?.name }, "ignoring a server Lease without a readable endpoint annotation");
    }
  }
  return members.sort((a, b) => a.id.localeCompare(b.id));
}

/** Endpoints subsets for one Service: members serving the same ports share a subset. */
export function desiredSubsets(members: Member[], key: string): EndpointSubset[] {
  const byPorts = new Map<string, { ports: EndpointPort[]; ips: Set<string> }>();
  for (const m of members) {
    const ports = m.services[key];
    if (!ports) continue;
    const k = JSON.stringify(ports);
    const group = byPorts.get(k) ?? { ports, ips: new Set<string>() };
    group.ips.add(m.address);
    byPorts.set(k, group);
  }
  const subsets = [...byPorts.values()].map((g) => ({ addresses: [...g.ips].sort().map((ip) => ({ ip })), ports: g.ports.map((p) => ({ name: p.name!, port: p.port!, protocol: p.protocol! })) }));
  return subsets.sort((a, b) => a.addresses[0]!.ip.localeCompare(b.addresses[0]!.ip));
}

/** EndpointSlices for one Service: one per port set, the largest named after the Service, as upstream's is. */
export function desiredSlices(svc: ServedService, subsets: EndpointSubset[]): EndpointSlice[] {
  const largestFirst = [...subsets].sort((a, b) => (b.addresses?.length ?? 0) - (a.addresses?.length ?? 0));
  return largestFirst.map((subset, i) => ({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: i === 0 ? svc.name : `${svc.name}-${shortHash(JSON.stringify(subset.ports))}`,
      namespace: svc.namespace,
      labels: { [SERVICE_NAME_LABEL]: svc.name, [MANAGED_BY_LABEL]: MANAGED_BY },
    },
    addressType: "IPv4",
    endpoints: (subset.addresses ?? []).map((a) => ({ addresses: [a.ip], conditions: { ready: true, serving: true, terminating: false } })),
    ports: (subset.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
  }));
}

/** Publishes this server's endpoints until the signal aborts, then withdraws them. */
export async function runServerEndpoints(opts: ServerEndpointsOptions): Promise<void> {
  const periodMs = opts.periodMs ?? 10_000;
  const now = opts.now ?? (() => new Date());
  const leases = opts.client.resource(R.leases);
  const endpoints = opts.client.resource(R.endpoints);
  const slices = opts.client.resource(R.endpointslices);
  const leaseName = `berth-server-${shortHash(opts.identity)}`;
  const serves = JSON.stringify({ address: opts.address, services: Object.fromEntries(opts.services.map((s) => [serviceKey(s), s.ports])) });

  const renew = async () => {
    const spec = { holderIdentity: opts.identity, leaseDurationSeconds: Math.ceil((3 * periodMs) / 1000), renewTime: microTime(now()) };
    const metadata = { name: leaseName, namespace: NAMESPACE, labels: { [LEASE_LABEL]: "true" }, annotations: { [SERVES_ANNOTATION]: serves } };
    try {
      const current = await leases.get(NAMESPACE, leaseName);
      await leases.update({ ...current, metadata: { ...current.metadata, ...metadata }, spec: { ...current.spec, ...spec } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await leases.create({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata, spec });
    }
  };

  const reconcile = async (without?: string) => {
    const all = (await leases.list({ namespace: NAMESPACE, labelSelector: `${LEASE_LABEL}=true` })).items;
    const members = liveMembers(all, now()).filter((m) => m.id !== without);
    for (const svc of opts.services) {
      const subsets = desiredSubsets(members, serviceKey(svc));
      await writeEndpoints(svc, subsets);
      const wanted = new Map(desiredSlices(svc, subsets).map((slice) => [slice.metadata!.name!, slice]));
      const existing = (await slices.list({ namespace: svc.namespace, labelSelector: `${SERVICE_NAME_LABEL}=${svc.name},${MANAGED_BY_LABEL}=${MANAGED_BY}` })).items;
      for (const s of existing) if (!wanted.has(s.metadata!.name!)) await slices.delete(svc.namespace, s.metadata!.name!).catch(ignoreNotFound);
      for (const [name, slice] of wanted) {
        const cur = existing.find((s) => s.metadata!.name === name);
        if (!cur) await slices.create(slice).catch((err) => (isAlreadyExists(err) ? undefined : Promise.reject(err)));
        else if (JSON.stringify([cur.endpoints, cur.ports]) !== JSON.stringify([slice.endpoints, slice.ports])) {
          await slices.update({ ...cur, endpoints: slice.endpoints, ports: slice.ports });
        }
      }
    }
    // Leases of servers long gone are removed so the list stays short.
    for (const l of all) {
      const renewed = Date.parse(l.spec?.renewTime ?? "");
      if (renewed + 10 * periodMs < now().getTime()) await leases.delete(NAMESPACE, l.metadata!.name!).catch(ignoreNotFound);
    }
  };

  const writeEndpoints = async (svc: ServedService, subsets: EndpointSubset[]) => {
    const labels = { "endpointslice.kubernetes.io/skip-mirror": "true" };
    try {
      const cur = await endpoints.get(svc.namespace, svc.name);
      if (JSON.stringify(cur.subsets ?? []) === JSON.stringify(subsets)) return;
      await endpoints.update({ ...cur, subsets } as Endpoints);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await endpoints.create({ apiVersion: "v1", kind: "Endpoints", metadata: { name: svc.name, namespace: svc.namespace, labels }, subsets });
    }
  };

  const step = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      // A conflict means another server wrote first; the next period converges.
      if (!isConflict(err)) log.warn({ err: (err as Error).message }, `${what} failed`);
    }
  };

  while (!opts.signal.aborted) {
    await step("renewing the server lease", renew);
    await step("publishing server endpoints", () => reconcile());
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, periodMs);
      opts.signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
  // The Lease goes first, so that other servers' next rounds leave this one out too.
  await step("withdrawing server endpoints", async () => {
    await leases.delete(NAMESPACE, leaseName).catch(ignoreNotFound);
    await reconcile(leaseName);
  });
}

const ignoreNotFound = (err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err));
