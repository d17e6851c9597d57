// The CNI network containerd's CRI sets up for each pod sandbox: a bridge with host-local addresses from the
// node's pod CIDR and host ports through portmap. containerd adds the loopback interface itself. Egress
// masquerade is not the bridge plugin's: it would also rewrite pod-to-pod traffic to other nodes, so the agent's
// pod network (../network/) masquerades only what leaves the cluster's pod ranges.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ipv4Cidr } from "../../util/cidr.ts";

export interface CniConfigOptions {
  /** The node's pod range, e.g. 10.42.0.0/24; its first address is the bridge's (the pods' gateway). */
  podCidr: string;
  /** Bridge device name (at most 15 characters). Default "berth0". */
  bridge?: string;
  /** The CNI network name; host-local keeps its allocations per name. Default "berth". */
  name?: string;
  /** Where host-local keeps its allocations; default its own (/var/lib/cni/networks/<name>). */
  ipamDataDir?: string;
}

export const CNI_CONFLIST_FILE = "10-berth.conflist";

export function cniConflist(opts: CniConfigOptions): object {
  const cidr = new Ipv4Cidr(opts.podCidr);
  if (cidr.size < 4) throw new Error(`pod CIDR ${opts.podCidr} is too small for a bridge network`);
  const bridge = opts.bridge ?? "berth0";
  if (bridge.length > 15) throw new Error(`bridge name ${bridge} is longer than 15 characters`);
  return {
    cniVersion: "1.0.0",
    name: opts.name ?? "berth",
    plugins: [
      {
        type: "bridge",
        bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: cidr.toString(), gateway: cidr.at(1) }]],
          routes: [{ dst: "0.0.0.0/0" }],
          ...(opts.ipamDataDir ? { dataDir: opts.ipamDataDir } : {}),
        },
      },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  };
}

/** Writes the conflist into `dir` (created if missing), replacing it atomically: containerd watches the directory. */
export async function writeCniConfig(dir: string, opts: CniConfigOptions): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, CNI_CONFLIST_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(cniConflist(opts), null, 2) + "\n");
  await rename(`${file}.tmp`, file);
  return file;
}
