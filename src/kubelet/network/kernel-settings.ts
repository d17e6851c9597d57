// The kernel settings pods need on a node: forwarding between the bridge and the uplink, and bridged traffic seen
// by netfilter (br_netfilter), without which a pod reaching a Service backed by a pod on the same bridge bypasses
// the Service rules. Berth sets them itself rather than asking the operator to.
import type { Logger } from "../../util/log.ts";
import type { RunCommand } from "../../util/command.ts";

export const POD_SYSCTLS: Readonly<Record<string, string>> = {
  "net.bridge.bridge-nf-call-iptables": "1",
  "net.ipv4.ip_forward": "1",
};

export async function applyPodKernelSettings(run: RunCommand, log: Logger): Promise<void> {
  // Built into the kernel, already loaded, or no modprobe at all: the sysctl below tells whether it is there.
  await run(["modprobe", "br_netfilter"]).catch((err: Error) => log.debug({ err: err.message }, "modprobe br_netfilter failed"));
  await run(["sysctl", "-w", ...Object.entries(POD_SYSCTLS).map(([k, v]) => `${k}=${v}`)]);
}
