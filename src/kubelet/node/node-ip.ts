import { networkInterfaces } from "node:os";

/** The node's InternalIP when none is given: the first non-loopback IPv4 address, else 127.0.0.1. */
export function defaultNodeIp(): string {
  const found = Object.values(networkInterfaces()).flat().find((i) => i?.family === "IPv4" && !i.internal);
  return found?.address ?? "127.0.0.1";
}
