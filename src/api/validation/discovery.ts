// Upstream's discovery/v1 EndpointSlice validation: address type, addresses of that type, endpoints and ports.
import type { EndpointSlice, Endpoint, EndpointPort } from "kubernetes-types/discovery/v1";
import type { FieldError } from "../errors.ts";
import type { ValidationContext } from "../scheme.ts";
import { duplicate, invalid, invalidEach, notSupported, required, tooMany, validateImmutableField } from "./field.ts";
import { isDNS1123Label, isDNS1123Subdomain, isIPv4, isIPv6, isQualifiedName, isValidLabelValue } from "./names.ts";
import { validateLabels } from "./meta.ts";
import { validateNonSpecialIP } from "./ip.ts";

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ZONE_HINTS = 8;

/** IsFullyQualifiedDomainName: a subdomain of at least two labels, a trailing dot allowed. */
function validateFQDN(value: string, path: string): FieldError[] {
  if (!value) return [required(path)];
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  const subdomainErrs = isDNS1123Subdomain(name);
  if (subdomainErrs.length) return invalidEach(path, name, subdomainErrs);
  const labels = name.split(".");
  if (labels.length < 2) return [invalid(path, name, "should be a domain with at least two segments separated by dots")];
  return labels.flatMap((l) => invalidEach(path, l, isDNS1123Label(l)));
}

function validateAddress(addr: string, type: string, path: string): FieldError[] {
  switch (type) {
    case "IPv4":
      // ParseIPSloppy also accepts an IPv4-mapped IPv6 form as IPv4.
      if (!isIPv4(addr) && !(isIPv6(addr) && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(addr))) return [invalid(path, addr, "must be a valid IPv4 address")];
      return validateNonSpecialIP(addr, path);
    case "IPv6":
      if (!isIPv6(addr)) return [invalid(path, addr, "must be a valid IPv6 address")];
      return validateNonSpecialIP(addr, path);
    case "FQDN":
      return validateFQDN(addr, path);
    default:
      return [];
  }
}

function validateEndpoint(ep: Endpoint, type: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const addrs = ep.addresses ?? [];
  if (addrs.length === 0) errs.push(required(`${path}.addresses`, "must contain at least 1 address"));
  else if (addrs.length > MAX_ADDRESSES) errs.push(tooMany(`${path}.addresses`, addrs.length, MAX_ADDRESSES));
  addrs.forEach((a, i) => errs.push(...validateAddress(a, type, `${path}.addresses[${i}]`)));
  if (ep.nodeName != null) errs.push(...invalidEach(`${path}.nodeName`, ep.nodeName, isDNS1123Subdomain(ep.nodeName)));
  const topology = ep.deprecatedTopology ?? {};
  if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errs.push(tooMany(`${path}.deprecatedTopology`, Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
  errs.push(...validateLabels(ep.deprecatedTopology, `${path}.deprecatedTopology`));
  if (ep.hostname != null) errs.push(...invalidEach(`${path}.hostname`, ep.hostname, isDNS1123Label(ep.hostname)));
  const zones = ep.hints?.forZones ?? [];
  if (zones.length > MAX_ZONE_HINTS) errs.push(tooMany(`${path}.hints.forZones`, zones.length, MAX_ZONE_HINTS));
  const seen = new Set<string>();
  zones.forEach((z, i) => {
    // Zone names are values of the topology.kubernetes.io/zone label.
    if (seen.has(z.name)) errs.push(duplicate(`${path}.hints.forZones[${i}].name`, z.name));
    seen.add(z.name);
    errs.push(...invalidEach(`${path}.hints.forZones[${i}].name`, z.name, isValidLabelValue(z.name)));
  });
  return errs;
}

function validatePorts(ports: EndpointPort[]): FieldError[] {
  if (ports.length > MAX_PORTS) return [tooMany("ports", ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const path = `ports[${i}]`;
    const name = p.name ?? "";
    if (name) errs.push(...invalidEach(`${path}.name`, name, isDNS1123Label(name)));
    if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
    names.add(name);
    if (p.protocol == null) errs.push(required(`${path}.protocol`));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
    if (p.appProtocol != null) errs.push(...invalidEach(`${path}.appProtocol`, p.appProtocol, isQualifiedName(p.appProtocol)));
  });
  return errs;
}

export function validateEndpointSlice(es: EndpointSlice, ctx: ValidationContext): FieldError[] {
  const errs: FieldError[] = [];
  const type = es.addressType ?? "";
  if (!type) errs.push(required("addressType"));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported("addressType", type, ADDRESS_TYPES));
  const endpoints = es.endpoints ?? [];
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany("endpoints", endpoints.length, MAX_ENDPOINTS));
  else endpoints.forEach((ep, i) => errs.push(...validateEndpoint(ep, type, `endpoints[${i}]`)));
  errs.push(...validatePorts(es.ports ?? []));
  if (ctx.old) errs.push(...validateImmutableField(es.addressType, ctx.old.addressType, "addressType"));
  return errs;
}
