// A container's environment as the runtime gets it: envFrom first, then env (each value expanded against what
// came before it and the Service variables, or read from its source), then Service variables not already set.
import type { ConfigMap, Container, EnvFromSource, Pod, Secret, Service } from "kubernetes-types/core/v1";
import type { KeyValue } from "../cri/types.ts";
import { EnvError } from "./errors.ts";
import { expandVars } from "./expand.ts";
import { podFieldValue, resourceFieldValue } from "./field-ref.ts";
import type { Allocatable } from "./field-ref.ts";
import { serviceEnv } from "./service-env.ts";

export interface EnvDeps {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /** The pod's namespace's Services and the `kubernetes` Service of `default`. */
  services: readonly Service[];
  podIP?: string;
  podIPs?: string[];
  hostIP?: string;
  nodeName: string;
  /** The node's allocatable amounts: limits a container leaves unset read as these. */
  allocatable?: Allocatable;
  /** Told of envFrom keys skipped as invalid variable names (upstream's InvalidEnvironmentVariableNames event). */
  warn?(reason: string, message: string): void;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

const decode = (b64: string): string => Buffer.from(b64, "base64").toString("utf8");

/** Reads each ConfigMap and Secret once per resolution, remembering absence too. */
function sourceReader(ns: string, deps: EnvDeps) {
  const cms = new Map<string, Promise<ConfigMap | undefined>>();
  const secrets = new Map<string, Promise<Secret | undefined>>();
  return {
    configMap(name: string) {
      if (!cms.has(name)) cms.set(name, deps.getConfigMap(ns, name));
      return cms.get(name)!;
    },
    secret(name: string) {
      if (!secrets.has(name)) secrets.set(name, deps.getSecret(ns, name));
      return secrets.get(name)!;
    },
  };
}

async function envFromEntries(src: EnvFromSource, ns: string, read: ReturnType<typeof sourceReader>): Promise<[string, string][] | undefined> {
  if (src.configMapRef) {
    const cm = await read.configMap(src.configMapRef.name ?? "");
    if (!cm) {
      if (src.configMapRef.optional) return undefined;
      throw new EnvError(`configmap "${src.configMapRef.name}" not found`);
    }
    return Object.entries(cm.data ?? {});
  }
  if (src.secretRef) {
    const s = await read.secret(src.secretRef.name ?? "");
    if (!s) {
      if (src.secretRef.optional) return undefined;
      throw new EnvError(`secret "${src.secretRef.name}" not found`);
    }
    return Object.entries(s.data ?? {}).map(([k, v]) => [k, decode(v)]);
  }
  return undefined;
}

export async function resolveEnv(pod: Pod, container: Container, deps: EnvDeps): Promise<KeyValue[]> {
  const ns = pod.metadata?.namespace ?? "";
  const read = sourceReader(ns, deps);
  const services = new Map(serviceEnv(deps.services, ns, pod.spec?.enableServiceLinks !== false).map((kv) => [kv.key, kv.value]));
  const env = new Map<string, string>();

  for (const src of container.envFrom ?? []) {
    const entries = await envFromEntries(src, ns, read);
    if (!entries) continue;
    const invalid: string[] = [];
    for (const [k, v] of entries) {
      const key = (src.prefix ?? "") + k;
      if (ENV_NAME.test(key)) env.set(key, v);
      else invalid.push(key);
    }
    if (invalid.length) {
      const kind = src.configMapRef ? "configMap" : "secret";
      const name = src.configMapRef?.name ?? src.secretRef?.name;
      deps.warn?.("InvalidEnvironmentVariableNames", `Keys [${invalid.sort().join(", ")}] from the EnvFrom ${kind} ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
    }
  }

  const lookup = (name: string) => env.get(name) ?? services.get(name);
  const addrs = {
    podIPs: deps.podIPs ?? (deps.podIP ? [deps.podIP] : undefined),
    hostIPs: deps.hostIP ? [deps.hostIP] : undefined,
  };
  const withNode: Pod = { ...pod, spec: { containers: [], ...pod.spec, nodeName: pod.spec?.nodeName || deps.nodeName } };
  for (const v of container.env ?? []) {
    const from = v.valueFrom;
    let value: string | undefined = v.value ?? "";
    if (v.value) value = expandVars(v.value, lookup);
    else if (from?.fieldRef) value = podFieldValue(from.fieldRef, withNode, addrs);
    else if (from?.resourceFieldRef) {
      const target = from.resourceFieldRef.containerName
        ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === from.resourceFieldRef!.containerName)
        : container;
      if (!target) throw new EnvError(`container ${from.resourceFieldRef.containerName} not found`);
      value = resourceFieldValue(from.resourceFieldRef, target, deps.allocatable);
    } else if (from?.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const cm = await read.configMap(ref.name ?? "");
      if (!cm && !ref.optional) throw new EnvError(`configmap "${ref.name}" not found`);
      value = cm?.data?.[ref.key];
      if (cm && value === undefined && !ref.optional) throw new EnvError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
    } else if (from?.secretKeyRef) {
      const ref = from.secretKeyRef;
      const s = await read.secret(ref.name ?? "");
      if (!s && !ref.optional) throw new EnvError(`secret "${ref.name}" not found`);
      const raw = s?.data?.[ref.key];
      if (s && raw === undefined && !ref.optional) throw new EnvError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
      value = raw === undefined ? undefined : decode(raw);
    }
    // An optional reference whose source or key is missing leaves the variable out.
    if (value !== undefined) env.set(v.name, value);
  }

  const out: KeyValue[] = [...env].map(([key, value]) => ({ key, value }));
  for (const [key, value] of services) if (!env.has(key)) out.push({ key, value });
  return out;
}
