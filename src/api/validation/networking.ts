// Upstream's networking/v1 validation: Ingress (rules, paths, backends, TLS), IngressClass and NetworkPolicy.
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass, IngressClassParametersReference, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec } from "kubernetes-types/networking/v1";
import type { FieldError } from "../errors.ts";
import { GoLiteral } from "../errors.ts";
import type { ValidationContext } from "../scheme.ts";
import { forbidden, invalid, invalidEach, notSupported, required, tooLong, validateImmutableField } from "./field.ts";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, maxLenError, regexError, DNS1123_SUBDOMAIN_MAX_LENGTH } from "./names.ts";
import { validateLabelSelector } from "./labelselector.ts";
import { isValidPathSegmentName } from "./rbac.ts";
import { ipBytes, isStrictSubnet, isValidCIDR, parseCIDR } from "./ip.ts";

const WILDCARD_FMT = "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const wildcardRe = new RegExp(`^${WILDCARD_FMT}$`);

export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!wildcardRe.test(value)) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", WILDCARD_FMT, "*.example.com"));
  }
  return errs;
}

const hostErrors = (host: string): string[] => (host.includes("*") ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host));

const INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES = ["/..", "/."];

function validateTypedReference(ref: { apiGroup?: string; kind?: string; name?: string }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup != null) errs.push(...invalidEach(`${path}.apiGroup`, ref.apiGroup, isDNS1123Subdomain(ref.apiGroup)));
  if (!ref.kind) errs.push(required(`${path}.kind`, "kind is required"));
  else errs.push(...invalidEach(`${path}.kind`, ref.kind, isValidPathSegmentName(ref.kind)));
  if (!ref.name) errs.push(required(`${path}.name`, "name is required"));
  else errs.push(...invalidEach(`${path}.name`, ref.name, isValidPathSegmentName(ref.name)));
  return errs;
}

function validateBackend(b: IngressBackend, path: string): FieldError[] {
  if (b.resource && b.service) return [invalid(path, "", "cannot set both resource and service backends")];
  if (b.resource) return validateTypedReference(b.resource, `${path}.resource`);
  if (!b.service) return [invalid(path, "", "resource or service backend is required")];
  const errs: FieldError[] = [];
  const svc = b.service;
  if (!svc.name) errs.push(required(`${path}.service.name`));
  else errs.push(...invalidEach(`${path}.service.name`, svc.name, isDNS1035Label(svc.name)));
  const portName = svc.port?.name ?? "";
  const portNumber = svc.port?.number ?? 0;
  if (portName && portNumber) errs.push(invalid(path, "", "cannot set both port name & port number"));
  else if (portName) errs.push(...invalidEach(`${path}.service.port.name`, portName, isValidPortName(portName)));
  else if (portNumber) errs.push(...invalidEach(`${path}.service.port.number`, portNumber, isValidPortNum(portNumber)));
  else errs.push(required(path, "port name or number is required"));
  return errs;
}

function validatePath(p: HTTPIngressPath, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const value = p.path ?? "";
  switch (p.pathType) {
    case undefined:
    case null:
      return [required(`${path}.pathType`, "pathType must be specified")];
    case "Exact":
    case "Prefix":
      if (!value.startsWith("/")) errs.push(invalid(`${path}.path`, value, "must be an absolute path"));
      for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(invalid(`${path}.path`, value, `must not contain '${seq}'`));
      for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.push(invalid(`${path}.path`, value, `cannot end with '${suffix}'`));
      break;
    case "ImplementationSpecific":
      if (value && !value.startsWith("/")) errs.push(invalid(`${path}.path`, value, "must be an absolute path"));
      break;
    default:
      errs.push(notSupported(`${path}.pathType`, p.pathType, ["Exact", "ImplementationSpecific", "Prefix"]));
  }
  errs.push(...validateBackend(p.backend ?? {}, `${path}.backend`));
  return errs;
}

export function validateIngress(ing: Ingress): FieldError[] {
  const spec = ing.spec ?? {};
  const errs: FieldError[] = [];
  const rules = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) {
    errs.push(invalid("spec", new GoLiteral(spec.rules ? "[]networking.IngressRule{}" : "[]networking.IngressRule(nil)"), "either `defaultBackend` or `rules` must be specified"));
  }
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, "spec.defaultBackend"));
  rules.forEach((rule, i) => {
    const p = `spec.rules[${i}]`;
    if (rule.host) {
      if (ipBytes(rule.host)) errs.push(invalid(`${p}.host`, rule.host, "must be a DNS name, not an IP address"));
      errs.push(...invalidEach(`${p}.host`, rule.host, hostErrors(rule.host)));
    }
    if (rule.http) {
      if (!rule.http.paths?.length) errs.push(required(`${p}.http.paths`));
      (rule.http.paths ?? []).forEach((hp, j) => errs.push(...validatePath(hp, `${p}.http.paths[${j}]`)));
    }
  });
  (spec.tls ?? []).forEach((tls, i) => {
    (tls.hosts ?? []).forEach((h, j) => errs.push(...invalidEach(`spec.tls[${i}].hosts[${j}]`, h, hostErrors(h))));
    if (tls.secretName) errs.push(...invalidEach(`spec.tls[${i}].secretName`, tls.secretName, isDNS1123Subdomain(tls.secretName)));
  });
  if (spec.ingressClassName) errs.push(...invalidEach("spec.ingressClassName", spec.ingressClassName, isDNS1123Subdomain(spec.ingressClassName)));
  return errs;
}

const MAX_CONTROLLER_LENGTH = 250;
const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${HTTP_PATH_FMT}$`);

/** IsDomainPrefixedPath: "example.com/some/path". */
function validateDomainPrefixedPath(value: string, path: string): FieldError[] {
  if (!value) return [required(path)];
  const slash = value.indexOf("/");
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? "" : value.slice(slash + 1);
  if (slash < 0 || !host || !rest) return [invalid(path, value, `must be a domain-prefixed path (such as "acme.io/foo")`)];
  const errs = invalidEach(path, host, isDNS1123Subdomain(host));
  if (!httpPathRe.test(rest)) errs.push(invalid(path, rest, regexError("must be a valid path", HTTP_PATH_FMT)));
  return errs;
}

function validateParameters(p: IngressClassParametersReference | undefined, path: string): FieldError[] {
  if (!p) return [];
  const errs = validateTypedReference(p, path);
  if (p.scope == null) return [...errs, required(`${path}.scope`)];
  if (p.scope !== "Cluster" && p.scope !== "Namespace") return [...errs, notSupported(`${path}.scope`, p.scope, ["Cluster", "Namespace"])];
  if (p.scope === "Namespace") {
    if (p.namespace == null) errs.push(required(`${path}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else errs.push(...invalidEach(`${path}.namespace`, p.namespace, isDNS1123Label(p.namespace)));
  } else if (p.namespace != null) {
    errs.push(forbidden(`${path}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

export function validateIngressClass(ic: IngressClass, ctx: ValidationContext): FieldError[] {
  const spec = ic.spec ?? {};
  const controller = spec.controller ?? "";
  const errs: FieldError[] = [];
  if (ctx.old) errs.push(...validateImmutableField(controller, ctx.old.spec?.controller ?? "", "spec.controller"));
  if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(tooLong("spec.controller", MAX_CONTROLLER_LENGTH));
  errs.push(...validateDomainPrefixedPath(controller, "spec.controller"));
  errs.push(...validateParameters(spec.parameters, "spec.parameters"));
  return errs;
}

function validatePolicyPort(port: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol != null && !["TCP", "UDP", "SCTP"].includes(port.protocol)) errs.push(notSupported(`${path}.protocol`, port.protocol, ["TCP", "UDP", "SCTP"]));
  if (port.port == null) {
    if (port.endPort != null) errs.push(invalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is not specified"));
  } else if (typeof port.port === "number") {
    errs.push(...invalidEach(`${path}.port`, port.port, isValidPortNum(port.port)));
    if (port.endPort != null) {
      if (port.endPort < port.port) errs.push(invalid(`${path}.endPort`, port.port, "must be greater than or equal to `port`"));
      errs.push(...invalidEach(`${path}.endPort`, port.endPort, isValidPortNum(port.endPort)));
    }
  } else {
    if (port.endPort != null) errs.push(invalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is non-numeric"));
    errs.push(...invalidEach(`${path}.port`, port.port, isValidPortName(port.port)));
  }
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  if (peer.podSelector) {
    peers++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    peers++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    peers++;
    const b = peer.ipBlock;
    const p = `${path}.ipBlock`;
    if (!b.cidr) {
      errs.push(required(`${p}.cidr`));
    } else {
      errs.push(...isValidCIDR(b.cidr, `${p}.cidr`));
      const outer = parseCIDR(b.cidr);
      if (outer) {
        (b.except ?? []).forEach((ex, i) => {
          const ep = `${p}.except[${i}]`;
          const errsEx = isValidCIDR(ex, ep);
          errs.push(...errsEx);
          const inner = parseCIDR(ex);
          if (inner && !isStrictSubnet(inner, outer)) errs.push(invalid(ep, ex, "must be a strict subset of `cidr`"));
        });
      }
    }
  }
  if (peers === 0) errs.push(required(path, "must specify a peer"));
  else if (peers > 1 && peer.ipBlock) errs.push(forbidden(path, "may not specify both ipBlock and another peer"));
  return errs;
}

export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  const spec: Partial<NetworkPolicySpec> = np.spec ?? {};
  const errs = validateLabelSelector(spec.podSelector, "spec.podSelector");
  (spec.ingress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((port, j) => errs.push(...validatePolicyPort(port, `spec.ingress[${i}].ports[${j}]`)));
    (rule.from ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, `spec.ingress[${i}].from[${j}]`)));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    (rule.to ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, `spec.egress[${i}].to[${j}]`)));
    (rule.ports ?? []).forEach((port, j) => errs.push(...validatePolicyPort(port, `spec.egress[${i}].ports[${j}]`)));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > 2) {
    errs.push(invalid("spec.policyTypes", new GoLiteral(`[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(", ")}}`), "may not specify more than two policyTypes"));
    return errs;
  }
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress") errs.push(notSupported(`spec.policyTypes[${i}]`, t, ["Ingress", "Egress"]));
  });
  return errs;
}
