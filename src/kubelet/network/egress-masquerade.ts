// Pod egress masquerade in a table of our own: traffic from this node's pod range to anything outside the
// cluster's pod ranges leaves with the node's address; pod-to-pod traffic, on this node or across nodes, keeps
// its source. The set of pod ranges changes element by element as nodes come and go.
import type { RunCommand } from "../../util/command.ts";

export const NETWORK_TABLE = "berth-network";
export const POD_RANGES_SET = "pod-ranges";

const elements = (cidrs: Iterable<string>): string => [...cidrs].join(", ");

/** A script replacing any earlier table of ours in one transaction (declaring it first makes the delete safe). */
export function masqueradeTableScript(podCidr: string, podRanges: Iterable<string>): string {
  const ranges = elements(podRanges);
  return [
    `table ip ${NETWORK_TABLE}`,
    `delete table ip ${NETWORK_TABLE}`,
    `table ip ${NETWORK_TABLE} {`,
    `  set ${POD_RANGES_SET} {`,
    `    type ipv4_addr; flags interval;`,
    ...(ranges ? [`    elements = { ${ranges} }`] : []),
    `  }`,
    `  chain egress {`,
    `    type nat hook postrouting priority srcnat; policy accept;`,
    // fully-random: pods behind one address would otherwise race for the same source ports
    `    ip saddr ${podCidr} ip daddr != @${POD_RANGES_SET} masquerade fully-random`,
    `  }`,
    `}`,
    "",
  ].join("\n");
}

export async function writeMasqueradeTable(run: RunCommand, podCidr: string, podRanges: Iterable<string>): Promise<void> {
  await run(["nft", "-f", "-"], masqueradeTableScript(podCidr, podRanges));
}

/** Adds and removes pod ranges in one transaction. */
export async function updatePodRanges(run: RunCommand, changes: { add: string[]; remove: string[] }): Promise<void> {
  const lines = [];
  if (changes.remove.length) lines.push(`delete element ip ${NETWORK_TABLE} ${POD_RANGES_SET} { ${elements(changes.remove)} }`);
  if (changes.add.length) lines.push(`add element ip ${NETWORK_TABLE} ${POD_RANGES_SET} { ${elements(changes.add)} }`);
  if (lines.length) await run(["nft", "-f", "-"], lines.join("\n") + "\n");
}

export async function deleteMasqueradeTable(run: RunCommand): Promise<void> {
  // Declaring it first makes deleting an absent table a no-op.
  await run(["nft", "-f", "-"], `table ip ${NETWORK_TABLE}\ndelete table ip ${NETWORK_TABLE}\n`);
}
