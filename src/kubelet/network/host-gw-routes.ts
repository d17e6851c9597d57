// host-gw: a route to each other node's pod range through that node's address, for nodes on a network this host
// is attached to. Our routes carry a protocol number of their own, so they are found again (stale ones after a
// restart) without touching anyone else's.
import type { RunCommand } from "./commands.ts";
import type { PodRoute } from "./desired-state.ts";

/** 0x42: unassigned in iproute2's rt_protos. */
export const ROUTE_PROTOCOL = "66";

interface IpRoute {
  dst?: string;
  gateway?: string;
  type?: string;
}

/** Our routes in the main table, as pod range -> gateway. */
export async function listPodRoutes(run: RunCommand): Promise<Map<string, string>> {
  const routes = JSON.parse((await run(["ip", "-j", "route", "show", "proto", ROUTE_PROTOCOL])) || "[]") as IpRoute[];
  const out = new Map<string, string>();
  for (const r of routes) if (r.dst && r.gateway) out.set(r.dst, r.gateway);
  return out;
}

/** Whether `ip` is on a network this host is attached to: the kernel routes to it without a gateway. */
export async function isDirectlyReachable(run: RunCommand, ip: string): Promise<boolean> {
  let routes: IpRoute[];
  try {
    routes = JSON.parse(await run(["ip", "-j", "route", "get", ip])) as IpRoute[];
  } catch {
    return false; // no route at all ("Network is unreachable")
  }
  const r = routes[0];
  return !!r && !r.gateway && (r.type ?? "unicast") === "unicast";
}

/** Applies the changes in one `ip -batch` run; the first failing line fails the whole call. */
export async function applyRouteChanges(run: RunCommand, changes: { replace: PodRoute[]; remove: PodRoute[] }): Promise<void> {
  const lines = [
    ...changes.remove.map((r) => `route del ${r.podCidr} via ${r.via} proto ${ROUTE_PROTOCOL}`),
    ...changes.replace.map((r) => `route replace ${r.podCidr} via ${r.via} proto ${ROUTE_PROTOCOL}`),
  ];
  if (lines.length) await run(["ip", "-batch", "-"], lines.join("\n") + "\n");
}
