// The Endpoints kind: every subset has addresses, addresses are real unicast IPs, ports as a service's.
import type { EndpointAddress, EndpointPort, Endpoints } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import { invalid, invalidEach, notSupported, required } from "../field.ts";
import { isDNS1123Label, isDNS1123Subdomain, isIPv4, isQualifiedName, isValidIP, isValidPortNum } from "../names.ts";
import { PORT_PROTOCOLS } from "./container.ts";

/** The address as 4 bytes (IPv4 or IPv4-mapped IPv6) or 8 16-bit groups (IPv6). Assumes a valid IP. */
function ipParts(ip: string): { v4?: number[]; v6?: number[] } {
  if (isIPv4(ip)) return { v4: ip.split(".").map(Number) };
  let text = ip.toLowerCase();
  const tail = text.slice(text.lastIndexOf(":") + 1);
  if (tail.includes(".")) {
    const b = tail.split(".").map(Number);
    text = `${text.slice(0, text.lastIndexOf(":") + 1)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, rest] = text.split("::");
  const hs = head ? head.split(":") : [];
  const ts = rest ? rest.split(":") : [];
  const groups = [...hs, ...Array(8 - hs.length - ts.length).fill("0"), ...ts].map((g) => parseInt(g, 16));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return { v4: [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255] };
  }
  return { v6: groups };
}

/** Upstream's ValidateNonSpecialIP: endpoints may not point at unspecified, loopback or link-local addresses. */
export function validateNonSpecialIP(ip: string, path: string): FieldError[] {
  if (isValidIP(ip).length) return [invalid(path, ip, "must be a valid IP address")];
  const { v4, v6 } = ipParts(ip);
  const unspecified = v4 ? v4.every((b) => b === 0) : v6!.every((g) => g === 0);
  const loopback = v4 ? v4[0] === 127 : v6!.slice(0, 7).every((g) => g === 0) && v6![7] === 1;
  const linkLocal = v4 ? v4[0] === 169 && v4[1] === 254 : (v6![0] & 0xffc0) === 0xfe80;
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : (v6![0] & 0xff0f) === 0xff02;
  if (unspecified) return [invalid(path, ip, `may not be unspecified (${ip})`)];
  if (loopback) return [invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)")];
  if (linkLocal) return [invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")];
  if (linkLocalMulticast) return [invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")];
  return [];
}

function validateAddress(a: EndpointAddress, path: string): FieldError[] {
  const errs = invalidEach(`${path}.ip`, a.ip, isValidIP(a.ip ?? ""));
  if (a.hostname) errs.push(...invalidEach(`${path}.hostname`, a.hostname, isDNS1123Label(a.hostname)));
  if (a.nodeName) errs.push(...invalidEach(`${path}.nodeName`, a.nodeName, isDNS1123Subdomain(a.nodeName)));
  errs.push(...validateNonSpecialIP(a.ip ?? "", `${path}.ip`));
  return errs;
}

function validatePort(p: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(required(`${path}.name`));
  else if (p.name) errs.push(...invalidEach(`${path}.name`, p.name, isDNS1123Label(p.name)));
  errs.push(...invalidEach(`${path}.port`, p.port, isValidPortNum(p.port)));
  if (!p.protocol) errs.push(required(`${path}.protocol`));
  else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, PORT_PROTOCOLS));
  if (p.appProtocol) errs.push(...invalidEach(`${path}.appProtocol`, p.appProtocol, isQualifiedName(p.appProtocol)));
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = `subsets[${i}]`;
    if (!ss.addresses?.length && !ss.notReadyAddresses?.length) errs.push(required(p, "must specify `addresses` or `notReadyAddresses`"));
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${p}.addresses[${j}]`)));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${p}.notReadyAddresses[${j}]`)));
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => errs.push(...validatePort(port, ports.length > 1, `${p}.ports[${j}]`)));
  });
  return errs;
}
