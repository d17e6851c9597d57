// UDP has no connection to reset: conntrack keeps steering a client's packets to an endpoint that is gone until
// the entry times out, so DNS clients would stay stuck. Entries DNATed to a removed endpoint are deleted.
import type { EndpointModel, ServicePortModel } from "./service-model.ts";
import { CommandError } from "../util/command.ts";
import type { RunCommand } from "../util/command.ts";

/** UDP endpoints (ip:port) that `old` sent traffic to and `next` no longer does. */
export function removedUdpEndpoints(old: readonly ServicePortModel[], next: readonly ServicePortModel[]): EndpointModel[] {
  const kept = new Set<string>();
  for (const m of next) if (m.protocol === "udp") for (const ep of [...m.clusterEndpoints, ...m.localEndpoints]) kept.add(`${ep.ip}:${ep.port}`);
  const removed = new Map<string, EndpointModel>();
  for (const m of old) {
    if (m.protocol !== "udp") continue;
    for (const ep of [...m.clusterEndpoints, ...m.localEndpoints]) {
      const key = `${ep.ip}:${ep.port}`;
      if (!kept.has(key)) removed.set(key, ep);
    }
  }
  return [...removed.values()];
}

/** Deletes UDP flows DNATed to the endpoint. conntrack exits 1 when there were none, which is not a failure. */
export async function clearUdpFlows(run: RunCommand, ep: EndpointModel): Promise<void> {
  try {
    await run(["conntrack", "-D", "-p", "udp", "--dst-nat", ep.ip, "--reply-port-src", String(ep.port)]);
  } catch (err) {
    if (!(err instanceof CommandError) || err.exitCode !== 1) throw err;
  }
}
