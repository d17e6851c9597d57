// A test host of our own: a network namespace joined to the host by a veth pair with test-only addresses (and no
// route beyond them), so a second node (its own containerd, bridge and pod network) can run on this machine.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const ip = (...args: string[]) => run("ip", args);

export interface TestHost {
  name: string;
  /** The host side's address, reachable from inside. */
  hostAddress: string;
  /** The namespace's address, reachable from the host. */
  address: string;
  /** argv prefix running a command inside the namespace. */
  exec: string[];
  remove(): Promise<void>;
}

export async function createTestHost(name: string, subnet: { host: string; inside: string; prefix: number }): Promise<TestHost> {
  const hostSide = await namespaceWithVeth(name, `${subnet.inside}/${subnet.prefix}`);
  await ip("addr", "add", `${subnet.host}/${subnet.prefix}`, "dev", hostSide);
  await ip("link", "set", hostSide, "up");
  return testHost(name, subnet.host, subnet.inside);
}

/** A fresh namespace `name` whose end of a veth pair holds `addressCidr`; returns the host side's device. */
async function namespaceWithVeth(name: string, addressCidr: string): Promise<string> {
  const hostSide = `${name}-h`;
  const inside = `${name}-a`;
  await ip("netns", "del", name).catch(() => undefined);
  await ip("link", "del", hostSide).catch(() => undefined);
  await ip("netns", "add", name);
  await ip("link", "add", hostSide, "type", "veth", "peer", "name", inside);
  await ip("link", "set", inside, "netns", name);
  await ip("-n", name, "addr", "add", addressCidr, "dev", inside);
  await ip("-n", name, "link", "set", inside, "up");
  await ip("-n", name, "link", "set", "lo", "up");
  return hostSide;
}

function testHost(name: string, hostAddress: string, address: string): TestHost {
  return {
    name,
    hostAddress,
    address,
    // nsenter changes only the network namespace: `ip netns exec` would also remount /sys, hiding the cgroup
    // mounts runc needs.
    exec: ["nsenter", `--net=/run/netns/${name}`],
    async remove() {
      await ip("netns", "del", name).catch(() => undefined);
      await ip("link", "del", `${name}-h`).catch(() => undefined);
    },
  };
}

/** A test-only LAN: a bridge on the host holding `hostAddress`, with hosts (network namespaces) plugged into it, so
 * nodes on it reach each other directly, as machines on one switch do. */
export interface TestNetwork {
  hostAddress: string;
  /** A namespace on the bridge at `address`, routing everything else through the host. */
  addHost(name: string, address: string): Promise<TestHost>;
  remove(): Promise<void>;
}

export async function createTestNetwork(bridge: string, subnet: { host: string; prefix: number }): Promise<TestNetwork> {
  await ip("link", "del", bridge).catch(() => undefined);
  await ip("link", "add", bridge, "type", "bridge");
  await ip("addr", "add", `${subnet.host}/${subnet.prefix}`, "dev", bridge);
  await ip("link", "set", bridge, "up");
  const hosts: TestHost[] = [];
  return {
    hostAddress: subnet.host,
    async addHost(name, address) {
      const hostSide = await namespaceWithVeth(name, `${address}/${subnet.prefix}`);
      await ip("link", "set", hostSide, "master", bridge);
      await ip("link", "set", hostSide, "up");
      await ip("-n", name, "route", "add", "default", "via", subnet.host);
      const host = testHost(name, subnet.host, address);
      hosts.push(host);
      return host;
    },
    async remove() {
      for (const h of hosts) await h.remove();
      await ip("link", "del", bridge).catch(() => undefined);
    },
  };
}
