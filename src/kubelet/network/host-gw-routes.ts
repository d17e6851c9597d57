// host-gw: a route to each other node's pod range through that node's address, for nodes on a network this host
// is attached to. Our routes carry a protocol number of their own, so they are found again (stale ones after a
// restart) without touching anyone else's.
import { CommandError } from "../../util/command.ts";
import type { RunCommand } from "../../util/command.ts";
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

/**
 * Which of `ips` are on a network this host is attached to: the kernel routes to them without a gateway. One
 * `ip -batch` run asks for all of them; an address with no route at all fails its line and is simply absent.
 */
export async function directlyReachable(run: RunCommand, ips: readonly string[]): Promise<Set<string>> {
  if (!ips.length) return new Set();
  let out: string;
  try {
    out = await run(["ip", "-j", "-force", "-batch", "-"], ips.map((ip) => `route get ${ip}`).join("\n") + "\n");
  } catch (err) {
    if (!(err instanceof CommandError) || err.exitCode !== 1) throw err;
    out = err.stdout; // -force: the other lines were answered
  }
  const reachable = new Set<string>();
  for (const line of out.split("\n")) {
    if (!line.trim()) continue;
    for (const r of JSON.parse(line) as IpRoute[]) if (r.dst && !r.gateway && (r.type ?? "unicast") === "unicast") reachable.add(r.dst);
  }
  return reachable;
}

/** Applies the changes in one `ip -batch` run; the first failing line fails the whole call. */
export async function applyRouteChanges(run: RunCommand, changes: { replace: PodRoute[]; remove: PodRoute[] }): Promise<void> {
  const lines = [
    ...changes.remove.map((r) => `route del ${r.podCidr} via ${r.via} proto ${ROUTE_PROTOCOL}`),
    ...changes.replace.map((r) => `route replace ${r.podCidr} via ${r.via} proto ${ROUTE_PROTOCOL}`),
  ];
  if (lines.length) await run(["ip", "-batch", "-"], lines.join("\n") + "\n");
}
