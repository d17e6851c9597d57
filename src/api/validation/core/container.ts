// Per-container validation shared by app, init and (restartable) sidecar containers, as upstream's
// validateContainerCommon, probes, lifecycle handlers, env, ports, mounts and securityContext.
import type {
  Container, ContainerPort, EnvFromSource, EnvVar, Lifecycle, LifecycleHandler, ObjectFieldSelector, Probe,
  SecurityContext, VolumeMount,
} from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import { duplicate, forbidden, invalid, invalidEach, notFound, notSupported, required, validateNonnegativeField } from "../field.ts";
import {
  inclusiveRangeError, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isRelaxedEnvVarName,
  isValidPortName, isValidPortNum,
} from "../names.ts";
import { validateResourceRequirements } from "./resources.ts";

export const PORT_PROTOCOLS = ["SCTP", "TCP", "UDP"];
const MAX_ID = 2147483647;

/** Upstream's ValidatePortNumOrName for IntOrString ports. */
export function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (typeof port === "number") return invalidEach(path, port, isValidPortNum(port));
  if (typeof port === "string") return invalidEach(path, port, isValidPortName(port));
  return [required(path)];
}

/** Relative path without "..": subPath, item paths. */
export function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith("/")) errs.push(invalid(path, p, "must be a relative path"));
  if (p.split("/").includes("..")) errs.push(invalid(path, p, "must not contain '..'"));
  return errs;
}

const ENV_FIELD_PATHS = ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"];

/** Downward API field references; volume files allow a different set of paths than env vars. */
export function validateObjectFieldSelector(fs: ObjectFieldSelector, allowed: readonly string[], path: string): FieldError[] {
  if (!fs.apiVersion) return [required(`${path}.apiVersion`)];
  if (!fs.fieldPath) return [required(`${path}.fieldPath`)];
  const m = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/.exec(fs.fieldPath);
  if (m) {
    const key = m[1] === "metadata.annotations" ? m[2].toLowerCase() : m[2];
    return invalidEach(path, key, isQualifiedName(key));
  }
  const sorted = [...allowed].sort();
  return allowed.includes(fs.fieldPath) ? [] : [notSupported(`${path}.fieldPath`, fs.fieldPath, sorted)];
}

const RESOURCE_FIELD_PATHS = ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];

export function validateResourceFieldRef(ref: { resource?: string; containerName?: string }, path: string, requireContainer: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (requireContainer && !ref.containerName) errs.push(required(`${path}.containerName`));
  if (!ref.resource) errs.push(required(`${path}.resource`));
  else if (!RESOURCE_FIELD_PATHS.includes(ref.resource) && !/^(limits|requests)\.hugepages-/.test(ref.resource)) {
    errs.push(notSupported(`${path}.resource`, ref.resource, RESOURCE_FIELD_PATHS));
  }
  return errs;
}

function validateKeySelector(sel: { name?: string; key?: string }, path: string): FieldError[] {
  const errs = invalidEach(`${path}.name`, sel.name ?? "", isDNS1123Subdomain(sel.name ?? ""));
  if (!sel.key) errs.push(required(`${path}.key`));
  else errs.push(...invalidEach(`${path}.key`, sel.key, isConfigMapKey(sel.key)));
  return errs;
}

export function validateEnv(vars: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = `${path}[${i}]`;
    if (!ev.name) errs.push(required(`${p}.name`));
    else errs.push(...invalidEach(`${p}.name`, ev.name, isRelaxedEnvVarName(ev.name)));
    const from = ev.valueFrom;
    if (!from) return;
    const vp = `${p}.valueFrom`;
    let sources = 0;
    if (from.fieldRef) {
      sources++;
      errs.push(...validateObjectFieldSelector(from.fieldRef, ENV_FIELD_PATHS, `${vp}.fieldRef`));
    }
    if (from.resourceFieldRef) {
      sources++;
      errs.push(...validateResourceFieldRef(from.resourceFieldRef, `${vp}.resourceFieldRef`, false));
    }
    if (from.configMapKeyRef) {
      sources++;
      errs.push(...validateKeySelector(from.configMapKeyRef, `${vp}.configMapKeyRef`));
    }
    if (from.secretKeyRef) {
      sources++;
      errs.push(...validateKeySelector(from.secretKeyRef, `${vp}.secretKeyRef`));
    }
    if (sources === 0) errs.push(invalid(vp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
    else if (ev.value) errs.push(invalid(vp, "", "may not be specified when `value` is not empty"));
    else if (sources > 1) errs.push(invalid(vp, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

export function validateEnvFrom(sources: EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((ev, i) => {
    const p = `${path}[${i}]`;
    if (ev.prefix) errs.push(...invalidEach(`${p}.prefix`, ev.prefix, isRelaxedEnvVarName(ev.prefix)));
    let n = 0;
    for (const [key, ref] of [["configMapRef", ev.configMapRef], ["secretRef", ev.secretRef]] as const) {
      if (!ref) continue;
      n++;
      if (!ref.name) errs.push(required(`${p}.${key}.name`));
      else errs.push(...invalidEach(`${p}.${key}.name`, ref.name, isDNS1123Subdomain(ref.name)));
    }
    if (n === 0) errs.push(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (n > 1) errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

export function validateContainerPorts(ports: ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) errs.push(...invalidEach(`${p}.name`, port.name, msgs));
      else if (names.has(port.name)) errs.push(duplicate(`${p}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(`${p}.containerPort`));
    else errs.push(...invalidEach(`${p}.containerPort`, port.containerPort, isValidPortNum(port.containerPort)));
    if (port.hostPort) errs.push(...invalidEach(`${p}.hostPort`, port.hostPort, isValidPortNum(port.hostPort)));
    if (!port.protocol) errs.push(required(`${p}.protocol`));
    else if (!PORT_PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${p}.protocol`, port.protocol, PORT_PROTOCOLS));
  });
  return errs;
}

/** Host ports (hostIP/protocol/port) may be claimed once across the given containers. */
export function checkHostPortConflicts(containers: Container[], path: string, indexOffset = 0): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => (c.ports ?? []).forEach((port, pi) => {
    if (!port.hostPort) return;
    const key = `${port.hostIP ?? ""}/${port.protocol ?? ""}/${port.hostPort}`;
    if (seen.has(key)) errs.push(duplicate(`${path}[${ci + indexOffset}].ports[${pi}].hostPort`, key));
    else seen.add(key);
  }));
  return errs;
}

export function validateVolumeMounts(mounts: VolumeMount[] | undefined, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!m.name) errs.push(required(`${p}.name`));
    if (!volumes.has(m.name ?? "")) errs.push(notFound(`${p}.name`, m.name ?? ""));
    if (!m.mountPath) errs.push(required(`${p}.mountPath`));
    if (mountPoints.has(m.mountPath)) errs.push(invalid(`${p}.mountPath`, m.mountPath, "must be unique"));
    mountPoints.add(m.mountPath);
    // Upstream reports subPath problems at the list path, not the item's.
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${path}.subPath`));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalid(`${p}.subPathExpr`, m.subPathExpr, "subPathExpr and subPath are mutually exclusive"));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, `${path}.subPathExpr`));
    }
    if (m.mountPropagation && !["None", "HostToContainer", "Bidirectional"].includes(m.mountPropagation)) {
      errs.push(notSupported(`${path}.mountPropagation`, m.mountPropagation, ["Bidirectional", "HostToContainer", "None"]));
    }
  });
  return errs;
}

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];

function validatePullPolicy(policy: string | undefined, path: string): FieldError[] {
  if (!policy) return [required(path)];
  return PULL_POLICIES.includes(policy) ? [] : [notSupported(path, policy, PULL_POLICIES)];
}

export const validateID = (id: number, path: string): FieldError[] =>
  id < 0 || id > MAX_ID ? [invalid(path, id, inclusiveRangeError(0, MAX_ID))] : [];

export function validateSecurityContext(sc: SecurityContext | undefined, path: string): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.runAsUser !== undefined) errs.push(...validateID(sc.runAsUser, `${path}.runAsUser`));
  if (sc.runAsGroup !== undefined) errs.push(...validateID(sc.runAsGroup, `${path}.runAsGroup`));
  if (sc.procMount && !["Default", "Unmasked"].includes(sc.procMount)) errs.push(notSupported(`${path}.procMount`, sc.procMount, ["Default", "Unmasked"]));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) errs.push(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    if ((sc.capabilities?.add ?? []).includes("CAP_SYS_ADMIN")) errs.push(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
  }
  return errs;
}

type Handler = Partial<LifecycleHandler & Probe>;
type HandlerKey = "exec" | "httpGet" | "tcpSocket" | "grpc" | "sleep";

/** Exactly one handler; each checked as upstream does. */
function validateHandler(h: Handler, allowed: readonly HandlerKey[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const key of allowed) {
    const v = h[key];
    if (!v) continue;
    if (n > 0) {
      errs.push(forbidden(`${path}.${key}`, "may not specify more than 1 handler type"));
      continue;
    }
    n++;
    const p = `${path}.${key}`;
    if (key === "exec" && !h.exec!.command?.length) errs.push(required(`${p}.command`));
    if (key === "httpGet") {
      const g = h.httpGet!;
      if (!g.path) errs.push(required(`${p}.path`));
      errs.push(...validatePortNumOrName(g.port, `${p}.port`));
      if (!["HTTP", "HTTPS"].includes(g.scheme ?? "")) errs.push(notSupported(`${p}.scheme`, g.scheme ?? "", ["HTTP", "HTTPS"]));
      for (const hdr of g.httpHeaders ?? []) {
        if (!/^[-A-Za-z0-9]+$/.test(hdr.name)) errs.push(invalid(`${p}.httpHeaders`, hdr.name, "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
      }
    }
    if (key === "tcpSocket") errs.push(...validatePortNumOrName(h.tcpSocket!.port, `${p}.port`));
    if (key === "grpc") errs.push(...invalidEach(`${p}.port`, h.grpc!.port, isValidPortNum(h.grpc!.port)));
    if (key === "sleep" && h.sleep!.seconds < 0) errs.push(invalid(`${p}.seconds`, h.sleep!.seconds, "must be greater than or equal to 0"));
  }
  if (n === 0) errs.push(required(path, "must specify a handler type"));
  return errs;
}

export function validateLifecycle(lc: Lifecycle, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (lc.postStart) errs.push(...validateHandler(lc.postStart, ["exec", "httpGet", "tcpSocket", "sleep"], `${path}.postStart`));
  if (lc.preStop) errs.push(...validateHandler(lc.preStop, ["exec", "httpGet", "tcpSocket", "sleep"], `${path}.preStop`));
  return errs;
}

export type ProbeKind = "liveness" | "readiness" | "startup";

export function validateProbe(probe: Probe | undefined, kind: ProbeKind, path: string): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe, ["exec", "httpGet", "tcpSocket", "grpc"], path);
  for (const f of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] as const) {
    errs.push(...validateNonnegativeField(probe[f] ?? 0, `${path}.${f}`));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (tgps !== undefined && tgps !== null && tgps <= 0) errs.push(invalid(`${path}.terminationGracePeriodSeconds`, tgps, "must be greater than 0"));
  if (kind === "readiness" && tgps !== undefined && tgps !== null) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, tgps, "must not be set for readinessProbes"));
  }
  if (kind !== "readiness" && probe.successThreshold !== 1) errs.push(invalid(`${path}.successThreshold`, probe.successThreshold ?? 0, "must be 1"));
  return errs;
}

/** What every kind of container must satisfy (upstream's validateContainerCommon). */
export function validateContainerCommon(c: Container, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`));
  else errs.push(...invalidEach(`${path}.name`, c.name, isDNS1123Label(c.name)));
  if (!c.image) errs.push(required(`${path}.image`));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`, "must be 'File' or 'FallbackToLogsOnError'"));
  else if (tmp !== "File" && tmp !== "FallbackToLogsOnError") errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ["File", "FallbackToLogsOnError"]));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, `${path}.volumeMounts`));
  errs.push(...validatePullPolicy(c.imagePullPolicy, `${path}.imagePullPolicy`));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`));
  return errs;
}

/** Lifecycle and probes, allowed on app containers and restartable init containers. */
export function validateContainerHooks(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (c.lifecycle) errs.push(...validateLifecycle(c.lifecycle, `${path}.lifecycle`));
  errs.push(...validateProbe(c.livenessProbe, "liveness", `${path}.livenessProbe`));
  errs.push(...validateProbe(c.readinessProbe, "readiness", `${path}.readinessProbe`));
  errs.push(...validateProbe(c.startupProbe, "startup", `${path}.startupProbe`));
  return errs;
}
