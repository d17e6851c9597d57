// IP and CIDR checks as upstream 1.32 words them for EndpointSlices and NetworkPolicies.
import type { FieldError } from "../errors.ts";
import { invalid } from "./field.ts";
import { isIPv4, isIPv6 } from "./names.ts";

/** Expands an IPv6 address to its 16 bytes (IPv4-mapped tails included). */
function ipv6Bytes(s: string): number[] {
  let v = s;
  const tail: number[] = [];
  const lastColon = v.lastIndexOf(":");
  if (v.slice(lastColon + 1).includes(".")) {
    const [a, b, c, d] = v.slice(lastColon + 1).split(".").map(Number);
    tail.push(a, b, c, d);
    v = v.slice(0, lastColon + 1) + "0";
  }
  const [head, rest] = v.includes("::") ? v.split("::") : [v, undefined];
  const groups = (x: string) => (x === "" ? [] : x.split(":").map((g) => parseInt(g, 16)));
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const total = tail.length ? 7 : 8;
  const all = [...h, ...Array(total - h.length - r.length).fill(0), ...r];
  if (tail.length) all.pop();
  const bytes = all.flatMap((g) => [g >> 8, g & 255]);
  return tail.length ? [...bytes.slice(0, 12), ...tail] : bytes;
}

/** The address as 4 or 16 bytes, or undefined when it is not an IP. IPv4-mapped IPv6 counts as IPv4. */
export function ipBytes(s: string): number[] | undefined {
  if (isIPv4(s)) return s.split(".").map(Number);
  if (!isIPv6(s)) return undefined;
  const b = ipv6Bytes(s);
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255;
  return mapped ? b.slice(12) : b;
}

export function validateNonSpecialIP(ip: string, path: string): FieldError[] {
  const b = ipBytes(ip);
  if (!b) return [invalid(path, ip, "must be a valid IP address")];
  const errs: FieldError[] = [];
  const v4 = b.length === 4;
  if (b.every((x) => x === 0)) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if (v4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1) errs.push(invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  if (v4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80) errs.push(invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  if (v4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02) errs.push(invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  return errs;
}

export interface Cidr {
  bytes: number[];
  prefix: number;
}

/** ParseCIDRSloppy: "addr/prefix", leading zeros tolerated in IPv4 octets. */
export function parseCIDR(s: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const addr = m[1].includes(".") && !m[1].includes(":") ? m[1].split(".").map((o) => String(Number(o))).join(".") : m[1];
  const bytes = ipBytes(addr);
  const prefix = Number(m[2]);
  if (!bytes) return undefined;
  const bits = isIPv4(addr) ? 32 : 128;
  if (prefix > bits) return undefined;
  return { bytes: bits === 32 ? bytes.slice(-4) : ipv6Bytes(addr), prefix };
}

export function isValidCIDR(s: string, path: string): FieldError[] {
  return parseCIDR(s) ? [] : [invalid(path, s, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")];
}

/** Whether `inner` lies in `outer` and is strictly narrower. */
export function isStrictSubnet(inner: Cidr, outer: Cidr): boolean {
  if (inner.bytes.length !== outer.bytes.length || inner.prefix <= outer.prefix) return false;
  for (let bit = 0; bit < outer.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((inner.bytes[bit >> 3] & mask) !== (outer.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}
