// The Service kind (upstream's ValidateService / ValidateServiceUpdate). Cluster IP and node port allocation
// belong to the API server; these checks run on the object as the client sent it, after defaulting.
import type { Service, ServicePort } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import type { ValidationContext } from "../../scheme.ts";
import { duplicate, forbidden, invalid, invalidEach, notSupported, required } from "../field.ts";
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidCIDR, isValidIP, isValidPortNum } from "../names.ts";
import { validateLabels } from "../meta.ts";
import { PORT_PROTOCOLS, validatePortNumOrName } from "./container.ts";

export const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;
const KUBELET_PORT = 10250;

/** The primary cluster IP as upstream sees it after normalizing clusterIP into clusterIPs. */
const primaryClusterIP = (svc: Service): string => svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP ?? "";
const isHeadless = (svc: Service): boolean => (svc.spec?.type ?? "ClusterIP") === "ClusterIP" && primaryClusterIP(svc) === "None";
const externallyAccessible = (svc: Service): boolean => {
  const t = svc.spec?.type;
  return t === "LoadBalancer" || t === "NodePort" || (t === "ClusterIP" && (svc.spec?.externalIPs?.length ?? 0) > 0);
};

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(required(`${path}.name`));
  else if (sp.name) {
    errs.push(...invalidEach(`${path}.name`, sp.name, isDNS1123Label(sp.name)));
    if (names.has(sp.name)) errs.push(duplicate(`${path}.name`, sp.name));
    else names.add(sp.name);
  }
  errs.push(...invalidEach(`${path}.port`, sp.port, isValidPortNum(sp.port)));
  if (!sp.protocol) errs.push(required(`${path}.protocol`));
  else if (!PORT_PROTOCOLS.includes(sp.protocol)) errs.push(notSupported(`${path}.protocol`, sp.protocol, PORT_PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, `${path}.targetPort`));
  if (sp.appProtocol) errs.push(...invalidEach(`${path}.appProtocol`, sp.appProtocol, isQualifiedName(sp.appProtocol)));
  return errs;
}

function validateClusterIPs(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP && ips.length && spec.clusterIP !== ips[0]) errs.push(invalid("spec.clusterIPs", ips, "first value must match `clusterIP`"));
  if (ips.length > 2) errs.push(invalid("spec.clusterIPs", ips, "may only hold up to 2 values"));
  const list = ips.length ? ips : spec.clusterIP ? [spec.clusterIP] : [];
  const path = ips.length ? "spec.clusterIPs" : "spec.clusterIP";
  list.forEach((ip, i) => {
    const p = ips.length ? `${path}[${i}]` : path;
    if (ip === "None") {
      if (i !== 0) errs.push(invalid(p, ip, "'None' must be the first and only value"));
      return;
    }
    errs.push(...invalidEach(p, ip, isValidIP(ip)));
  });
  return errs;
}

function validateTrafficPolicies(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  if (!externallyAccessible(svc)) {
    if (spec.externalTrafficPolicy) errs.push(invalid("spec.externalTrafficPolicy", spec.externalTrafficPolicy, "may only be set for externally-accessible services"));
  } else if (!spec.externalTrafficPolicy) {
    errs.push(required("spec.externalTrafficPolicy"));
  } else if (!["Cluster", "Local"].includes(spec.externalTrafficPolicy)) {
    errs.push(notSupported("spec.externalTrafficPolicy", spec.externalTrafficPolicy, ["Cluster", "Local"]));
  }
  const needsHealthCheck = spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
  if (!needsHealthCheck && spec.healthCheckNodePort) {
    errs.push(invalid("spec.healthCheckNodePort", spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  }
  if (!spec.internalTrafficPolicy) {
    if (["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type ?? "")) errs.push(required("spec.internalTrafficPolicy"));
  } else if (!["Cluster", "Local"].includes(spec.internalTrafficPolicy)) {
    errs.push(notSupported("spec.internalTrafficPolicy", spec.internalTrafficPolicy, ["Cluster", "Local"]));
  }
  return errs;
}

function validateServiceSpec(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const ports = spec.ports ?? [];
  const errs: FieldError[] = [];
  if (ports.length === 0 && !isHeadless(svc) && spec.type !== "ExternalName") errs.push(required("spec.ports"));
  switch (spec.type) {
    case "LoadBalancer":
      if (primaryClusterIP(svc) === "None") errs.push(invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for LoadBalancer services"));
      ports.forEach((p, i) => {
        if (p.port === KUBELET_PORT) errs.push(invalid(`spec.ports[${i}]`, p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
      });
      break;
    case "NodePort":
      if (primaryClusterIP(svc) === "None") errs.push(invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services"));
      break;
    case "ExternalName": {
      if (spec.clusterIPs?.length || spec.clusterIP) errs.push(forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
      if (spec.ipFamilies?.length) errs.push(forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
      if (spec.ipFamilyPolicy) errs.push(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
      // A trailing dot marks the CNAME as fully qualified.
      const cname = (spec.externalName ?? "").replace(/\.$/, "");
      if (cname) errs.push(...invalidEach("spec.externalName", cname, isDNS1123Subdomain(cname)));
      else errs.push(required("spec.externalName"));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  errs.push(...validateLabels(spec.selector, "spec.selector"));
  if (!spec.sessionAffinity) errs.push(required("spec.sessionAffinity"));
  else if (!["ClientIP", "None"].includes(spec.sessionAffinity)) errs.push(notSupported("spec.sessionAffinity", spec.sessionAffinity, ["ClientIP", "None"]));
  if (spec.sessionAffinity === "ClientIP") {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t === undefined || t === null) errs.push(required("spec.sessionAffinityConfig.clientIP.timeoutSeconds"));
    else if (t <= 0 || t > 86400) errs.push(invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", t, "must be greater than 0 and less than 86400"));
  } else if (spec.sessionAffinity === "None" && spec.sessionAffinityConfig) {
    errs.push(forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
  }
  if (spec.type !== "ExternalName") errs.push(...validateClusterIPs(svc));
  (spec.externalIPs ?? []).forEach((ip, i) => errs.push(...invalidEach(`spec.externalIPs[${i}]`, ip, isValidIP(ip))));
  if (!spec.type) errs.push(required("spec.type"));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(notSupported("spec.type", spec.type, SERVICE_TYPES));
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    if (p.nodePort) {
      if (spec.type === "ClusterIP") errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else if (p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max) {
        // Upstream's node port allocator words this; Berth checks it here so it fails before allocation.
        errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
      }
      const key = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      nodePorts.add(key);
    }
    const key = `${p.protocol}/${p.port}`;
    if (portKeys.has(key)) errs.push(duplicate(`spec.ports[${i}]`, { port: p.port, protocol: p.protocol }));
    portKeys.add(key);
  });
  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length) {
    if (spec.type !== "LoadBalancer") errs.push(forbidden("spec.LoadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...invalidEach(`spec.LoadBalancerSourceRanges[${i}]`, r.trim(), isValidCIDR(r.trim()))));
  }
  errs.push(...validateTrafficPolicies(svc));
  return errs;
}

/** Once allocated, the primary cluster IP stays (except when the type moves to or from ExternalName). */
function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  if (svc.spec?.type === "ExternalName" || old.spec?.type === "ExternalName") return [];
  const prev = primaryClusterIP(old);
  const next = primaryClusterIP(svc);
  if (prev && next && prev !== next) {
    return [invalid("spec.clusterIPs[0]", svc.spec?.clusterIPs ?? [next], "may not change once set")];
  }
  return [];
}

export function validateService(svc: Service, ctx: ValidationContext): FieldError[] {
  const errs = ctx.old ? validateServiceUpdate(svc, ctx.old as Service) : [];
  return [...errs, ...validateServiceSpec(svc)];
}

/**
 * Upstream's patchAllocatedValues: an update that omits allocated values (clusterIP(s), node ports, health
 * check port) keeps the stored ones, so `kubectl replace` and apply without them are not changes. Mutates svc.
 */
/**
 * When an update changes a Service's type, the fields the new type does not use are dropped if the client left them
 * as they were (as upstream's registry does), so `kubectl edit` from NodePort to ClusterIP needs no other change.
 */
export function dropTypeDependentFields(svc: Service, old: Service): void {
  const spec = svc.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec || spec.type === oldSpec.type) return;
  const type = spec.type ?? "ClusterIP";
  const usesNodePorts = type === "NodePort" || type === "LoadBalancer";
  const sameNodePorts = (spec.ports ?? []).every((p) => !p.nodePort || (oldSpec.ports ?? []).some((o) => o.nodePort === p.nodePort));
  if (!usesNodePorts && sameNodePorts) for (const p of spec.ports ?? []) delete p.nodePort;
  const externallyAccessible = usesNodePorts || (spec.externalIPs?.length ?? 0) > 0;
  if (!externallyAccessible && spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (type !== "LoadBalancer") {
    if (spec.healthCheckNodePort === oldSpec.healthCheckNodePort) delete spec.healthCheckNodePort;
    if (spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === oldSpec.loadBalancerClass) delete spec.loadBalancerClass;
    if (JSON.stringify(svc.status?.loadBalancer) === JSON.stringify(old.status?.loadBalancer) && svc.status?.loadBalancer) svc.status.loadBalancer = {};
  }
}

export function carryOverServiceAllocations(svc: Service, old: Service): void {
  const spec = svc.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return;
  const needsClusterIP = (t: string | undefined) => t !== "ExternalName";
  if (needsClusterIP(spec.type) && needsClusterIP(oldSpec.type)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!spec.clusterIPs?.length && oldSpec.clusterIPs?.length && spec.clusterIP === oldSpec.clusterIPs[0]) spec.clusterIPs = [...oldSpec.clusterIPs];
  }
  if (spec.type === "NodePort" || spec.type === "LoadBalancer") {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const match = (oldSpec.ports ?? []).find((o) => o.nodePort && o.port === p.port && o.protocol === p.protocol);
      if (match) p.nodePort = match.nodePort;
    }
  }
  if (spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local" && !spec.healthCheckNodePort && oldSpec.healthCheckNodePort) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}
