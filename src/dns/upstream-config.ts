// Where names outside the cluster go: upstream specs ("ip" or "ip:port", IPv6 as "[ip]:port") and the resolver's
// nameservers from /etc/resolv.conf as the default.
import { isIP } from "node:net";

export interface Upstream {
  address: string;
  port: number;
}

const DNS_PORT = 53;

export function parseUpstream(spec: string): Upstream {
  const s = spec.trim();
  if (isIP(s)) return { address: s, port: DNS_PORT };
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  const port = Number(m?.[2]);
  if (!m || !isIP(m[1]!) || !(port > 0 && port < 65536)) throw new Error(`upstream ${JSON.stringify(spec)}: want "ip" or "ip:port"`);
  return { address: m[1]!, port };
}

/** The `nameserver` lines of a resolv.conf, in order (a zone index such as `%eth0` dropped). */
export function resolvConfNameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const [key, value] = line.replace(/[#;].*$/, "").trim().split(/\s+/);
    if (key !== "nameserver" || !value) continue;
    const address = value.replace(/%.*$/, "");
    if (isIP(address)) out.push(address);
  }
  return out;
}
