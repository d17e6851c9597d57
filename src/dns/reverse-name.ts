// The in-addr.arpa / ip6.arpa name of an IP address (RFC 1035 3.5, RFC 3596 2.5), so PTR lookups key on the name
// a client asks for and IPv6's many spellings of one address meet in one form.
import { isIPv4, isIPv6 } from "node:net";

/** Lower-case reverse name without the trailing dot; undefined for anything that is not an IP address. */
export function reverseName(ip: string): string | undefined {
  if (isIPv4(ip)) return `${ip.split(".").reverse().join(".")}.in-addr.arpa`;
  if (!isIPv6(ip)) return undefined;
  const nibbles = ipv6Groups(ip.toLowerCase().replace(/%.*$/, ""))
    .map((g) => g.toString(16).padStart(4, "0"))
    .join("");
  return `${[...nibbles].reverse().join(".")}.ip6.arpa`;
}

/** The eight 16-bit groups of a valid IPv6 address, "::" expanded and a trailing dotted IPv4 part converted. */
function ipv6Groups(ip: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    ip = `${ip.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = ip.split("::") as [string, string | undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
