// PodSpec and PodTemplateSpec validation (upstream's ValidatePodSpec / ValidatePodTemplateSpec), used by Pod,
// PodTemplate and every workload kind.
import type { Container, PodDNSConfig, PodSecurityContext, PodSpec, PodTemplateSpec } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import { duplicate, forbidden, invalid, invalidEach, notSupported, required, validateNonnegativeField } from "../field.ts";
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP } from "../names.ts";
import { validateAnnotations, validateLabels } from "../meta.ts";
import { checkHostPortConflicts, validateContainerCommon, validateContainerHooks, validateID } from "./container.ts";
import { validateVolumes } from "./volumes.ts";
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from "./scheduling.ts";

export const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
export const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const MAX_INT32 = 2147483647;

function validateContainers(containers: Container[] | undefined, volumes: ReadonlySet<string>, path: string): FieldError[] {
  if (!containers?.length) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, p));
    if (names.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
    else names.add(c.name);
    errs.push(...validateContainerHooks(c, p));
    if (c.restartPolicy) errs.push(forbidden(`${p}.restartPolicy`, "may not be set for non-init containers"));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

function validateInitContainers(inits: Container[] | undefined, regular: Container[] | undefined, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  // Init container names must also differ from app container names.
  const names = new Set((regular ?? []).map((c) => c.name));
  (inits ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, p));
    if (c.restartPolicy && c.restartPolicy !== "Always") errs.push(notSupported(`${p}.restartPolicy`, c.restartPolicy, ["Always"]));
    if (names.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
    else if (c.name) names.add(c.name);
    // Init containers run one at a time, so host ports only conflict within one of them.
    errs.push(...checkHostPortConflicts([c], path, i));
    if (c.restartPolicy === "Always") {
      errs.push(...validateContainerHooks(c, p));
    } else {
      const why = "may not be set for init containers without restartPolicy=Always";
      if (c.lifecycle) errs.push(forbidden(`${p}.lifecycle`, why));
      if (c.livenessProbe) errs.push(forbidden(`${p}.livenessProbe`, why));
      if (c.readinessProbe) errs.push(forbidden(`${p}.readinessProbe`, "may not be set for init containers"));
      if (c.startupProbe) errs.push(forbidden(`${p}.startupProbe`, why));
    }
  });
  return errs;
}

function validateEnumRequired(value: string | undefined, allowed: string[], path: string): FieldError[] {
  if (!value) return [required(path)];
  return allowed.includes(value) ? [] : [notSupported(path, value, allowed)];
}

/** With hostNetwork, each container port is the host port. */
function validateHostNetworkPorts(spec: PodSpec, path: string): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  for (const [key, list] of [["containers", spec.containers], ["initContainers", spec.initContainers]] as const) {
    (list ?? []).forEach((c, i) => (c.ports ?? []).forEach((port, j) => {
      if (port.hostPort !== port.containerPort) {
        errs.push(invalid(`${path}.${key}[${i}].ports[${j}].containerPort`, port.containerPort, "must match `hostPort` when `hostNetwork` is true"));
      }
    }));
  }
  return errs;
}

function validatePodSecurityContext(sc: PodSecurityContext | undefined, spec: PodSpec, path: string): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.fsGroup !== undefined) errs.push(...validateID(sc.fsGroup, `${path}.fsGroup`));
  if (sc.runAsUser !== undefined) errs.push(...validateID(sc.runAsUser, `${path}.runAsUser`));
  if (sc.runAsGroup !== undefined) errs.push(...validateID(sc.runAsGroup, `${path}.runAsGroup`));
  (sc.supplementalGroups ?? []).forEach((g, i) => errs.push(...validateID(g, `${path}.supplementalGroups[${i}]`)));
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(invalid(`${path}.shareProcessNamespace`, true, "ShareProcessNamespace and HostPID cannot both be enabled"));
  }
  if (sc.fsGroupChangePolicy && !["OnRootMismatch", "Always"].includes(sc.fsGroupChangePolicy)) {
    errs.push(notSupported(`${path}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ["OnRootMismatch", "Always"]));
  }
  (sc.sysctls ?? []).forEach((s, i) => {
    const p = `${path}.sysctls[${i}]`;
    if (!s.name) errs.push(required(`${p}.name`));
    else if (!/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(s.name) || s.name.length > 253) {
      errs.push(invalid(`${p}.name`, s.name, "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"));
    }
  });
  return errs;
}

function validateDNSConfig(cfg: PodDNSConfig | undefined, policy: string | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (policy === "None") {
    if (!cfg) return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
    if (!cfg.nameservers?.length) errs.push(required(`${path}.nameservers`, "must provide at least one DNS nameserver when `dnsPolicy` is None"));
  }
  if (!cfg) return errs;
  const ns = cfg.nameservers ?? [];
  if (ns.length > 3) errs.push(invalid(`${path}.nameservers`, ns, "must not have more than 3 nameservers"));
  ns.forEach((n, i) => errs.push(...invalidEach(`${path}.nameservers[${i}]`, n, isValidIP(n))));
  const searches = cfg.searches ?? [];
  if (searches.length > 32) errs.push(invalid(`${path}.searches`, searches, "must not have more than 32 search paths"));
  searches.forEach((s, i) => {
    // A trailing dot makes the search path fully qualified; upstream allows it.
    const name = s.endsWith(".") ? s.slice(0, -1) : s;
    errs.push(...invalidEach(`${path}.searches[${i}]`, s, isDNS1123Subdomain(name)));
  });
  (cfg.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(required(`${path}.options[${i}]`, "Option.Name must not be empty"));
  });
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  if (!spec) return [required(path)];
  const errs: FieldError[] = [];
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    errs.push(required(`${path}.terminationGracePeriodSeconds`));
  } else {
    errs.push(...validateNonnegativeField(spec.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`));
  }
  const vols = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...vols.errs);
  errs.push(...validateContainers(spec.containers, vols.names, `${path}.containers`));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, vols.names, `${path}.initContainers`));
  errs.push(...validateHostNetworkPorts(spec, path));
  errs.push(...validateEnumRequired(spec.restartPolicy, RESTART_POLICIES, `${path}.restartPolicy`));
  errs.push(...validateEnumRequired(spec.dnsPolicy, DNS_POLICIES, `${path}.dnsPolicy`));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(spec.securityContext, spec, `${path}.securityContext`));
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateDNSConfig(spec.dnsConfig, spec.dnsPolicy, `${path}.dnsConfig`));
  (spec.readinessGates ?? []).forEach((g, i) => {
    errs.push(...invalidEach(`${path}.readinessGates[${i}].conditionType`, g.conditionType, isQualifiedName(g.conditionType ?? "")));
  });
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  for (const key of ["serviceAccountName", "nodeName", "priorityClassName"] as const) {
    const v = spec[key];
    if (v) errs.push(...invalidEach(`${path}.${key}`, v, isDNS1123Subdomain(v)));
  }
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null && (ads < 1 || ads > MAX_INT32)) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, ads, inclusiveRangeError(1, MAX_INT32)));
  }
  if (spec.hostname) errs.push(...invalidEach(`${path}.hostname`, spec.hostname, isDNS1123Label(spec.hostname)));
  if (spec.subdomain) errs.push(...invalidEach(`${path}.subdomain`, spec.subdomain, isDNS1123Label(spec.subdomain)));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  (spec.hostAliases ?? []).forEach((a, i) => {
    const p = `${path}.hostAliases[${i}]`;
    errs.push(...invalidEach(`${p}.ip`, a.ip ?? "", isValidIP(a.ip ?? "")));
    (a.hostnames ?? []).forEach((h, j) => errs.push(...invalidEach(`${p}.hostnames[${j}]`, h, isDNS1123Subdomain(h))));
  });
  if (spec.preemptionPolicy && !["PreemptLowerPriority", "Never"].includes(spec.preemptionPolicy)) {
    errs.push(notSupported(`${path}.preemptionPolicy`, spec.preemptionPolicy, ["Never", "PreemptLowerPriority"]));
  }
  if (spec.os && !["linux", "windows"].includes(spec.os.name)) errs.push(notSupported(`${path}.os.name`, spec.os.name, ["linux", "windows"]));
  (spec.schedulingGates ?? []).forEach((g, i) => errs.push(...invalidEach(`${path}.schedulingGates[${i}].name`, g.name, isQualifiedName(g.name ?? ""))));
  return errs;
}

export interface PodTemplateOptions {
  /** Workload kinds restrict restartPolicy (Deployments: ["Always"]; Jobs: ["OnFailure", "Never"]). */
  allowedRestartPolicies?: string[];
}

/** A pod template inside PodTemplate or a workload. Its labels are reported at `<path>.labels`, as upstream. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: string, opts: PodTemplateOptions = {}): FieldError[] {
  if (!template) return [required(path)];
  const errs = validateLabels(template.metadata?.labels, `${path}.labels`);
  errs.push(...validateAnnotations(template.metadata?.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(template.spec, `${path}.spec`));
  const allowed = opts.allowedRestartPolicies;
  const policy = template.spec?.restartPolicy ?? "";
  if (allowed && !allowed.includes(policy)) errs.push(notSupported(`${path}.spec.restartPolicy`, policy, allowed));
  if (template.spec?.ephemeralContainers?.length) {
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, "ephemeral containers not allowed in pod template"));
  }
  return errs;
}
