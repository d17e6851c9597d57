// The scheduler's configuration, shaped like upstream's KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1):
// profiles with plugin sets per extension point (or multiPoint), weights and plugin args. A user's sets are merged
// over the defaults the way upstream merges them, so `disabled: [{name: "*"}]` and re-enabling with a new weight
// behave the same.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";

export const EXTENSION_POINTS = ["preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore", "score", "reserve", "permit", "preBind", "bind", "postBind"] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export interface PluginRef {
  name: string;
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}

export type Plugins = Partial<Record<ExtensionPoint | "multiPoint", PluginSet>>;

export interface PluginConfig {
  name: string;
  args?: Record<string, unknown>;
}

export interface Profile {
  schedulerName?: string;
  /** Overrides the top-level value for this profile. */
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface SchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  /** 0 (default): upstream's adaptive share, 50% minus 1% per 125 nodes, at least 5%. */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: Profile[];
}

export const DEFAULT_SCHEDULER_NAME = "default-scheduler";
export const API_VERSION = "kubescheduler.config.k8s.io/v1";

/** Upstream 1.32's default plugins (the ones Berth has), all through multiPoint, with their score weights. */
export const DEFAULT_PLUGINS: PluginRef[] = [
  { name: "SchedulingGates" },
  { name: "PrioritySort" },
  { name: "NodeUnschedulable" },
  { name: "NodeName" },
  { name: "TaintToleration", weight: 3 },
  { name: "NodeAffinity", weight: 2 },
  { name: "NodePorts" },
  { name: "NodeResourcesFit", weight: 1 },
  { name: "PodTopologySpread", weight: 2 },
  { name: "InterPodAffinity", weight: 2 },
  { name: "DefaultPreemption" },
  { name: "NodeResourcesBalancedAllocation", weight: 1 },
  { name: "ImageLocality", weight: 1 },
  { name: "DefaultBinder" },
];

export class ConfigError extends Error {}

/** A profile with defaults applied and its plugin sets merged over the default ones. */
export interface ResolvedProfile {
  schedulerName: string;
  percentageOfNodesToScore: number;
  /** Default and custom multiPoint plugins, merged. */
  multiPoint: PluginRef[];
  plugins: Plugins;
  args: Map<string, Record<string, unknown>>;
}

export interface ResolvedConfiguration {
  podInitialBackoffMs: number;
  podMaxBackoffMs: number;
  profiles: ResolvedProfile[];
}

export function resolveConfiguration(cfg: SchedulerConfiguration): ResolvedConfiguration {
  if (cfg.apiVersion !== undefined && cfg.apiVersion !== API_VERSION) throw new ConfigError(`apiVersion must be ${API_VERSION}, not ${JSON.stringify(cfg.apiVersion)}`);
  if (cfg.kind !== undefined && cfg.kind !== "KubeSchedulerConfiguration") throw new ConfigError(`kind must be KubeSchedulerConfiguration, not ${JSON.stringify(cfg.kind)}`);
  checkPercentage(cfg.percentageOfNodesToScore, "percentageOfNodesToScore");
  const initial = cfg.podInitialBackoffSeconds ?? 1;
  const max = cfg.podMaxBackoffSeconds ?? 10;
  if (!(initial > 0)) throw new ConfigError("podInitialBackoffSeconds must be greater than 0");
  if (!(max >= initial)) throw new ConfigError("podMaxBackoffSeconds must be greater than or equal to podInitialBackoffSeconds");
  const profiles = (cfg.profiles?.length ? cfg.profiles : [{}]).map((p, i) => resolveProfile(p, i, cfg.percentageOfNodesToScore ?? 0));
  const names = new Set<string>();
  for (const p of profiles) {
    if (names.has(p.schedulerName)) throw new ConfigError(`profiles: duplicate schedulerName ${JSON.stringify(p.schedulerName)}`);
    names.add(p.schedulerName);
  }
  return { podInitialBackoffMs: initial * 1000, podMaxBackoffMs: max * 1000, profiles };
}

function checkPercentage(v: number | undefined, field: string): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 100)) throw new ConfigError(`${field} must be an integer between 0 and 100`);
}

function resolveProfile(p: Profile, i: number, globalPercentage: number): ResolvedProfile {
  checkPercentage(p.percentageOfNodesToScore, `profiles[${i}].percentageOfNodesToScore`);
  const args = new Map<string, Record<string, unknown>>();
  for (const pc of p.pluginConfig ?? []) {
    if (args.has(pc.name)) throw new ConfigError(`profiles[${i}].pluginConfig: repeated config for plugin ${pc.name}`);
    args.set(pc.name, pc.args ?? {});
  }
  return {
    schedulerName: p.schedulerName || DEFAULT_SCHEDULER_NAME,
    percentageOfNodesToScore: p.percentageOfNodesToScore ?? globalPercentage,
    multiPoint: mergePluginSet({ enabled: DEFAULT_PLUGINS }, p.plugins?.multiPoint).enabled ?? [],
    plugins: p.plugins ?? {},
    args,
  };
}

/** Every plugin the profile enables somewhere. */
export const enabledPluginNames = (p: ResolvedProfile): Set<string> =>
  new Set([...p.multiPoint, ...EXTENSION_POINTS.flatMap((pt) => p.plugins[pt]?.enabled ?? [])].map((r) => r.name));

/**
 * The plugins of each extension point in run order, with score weights. `pointsOf` names the extension points a
 * plugin implements. Upstream's order: plugins also set explicitly at a point come first (with their explicit
 * settings), then the rest of multiPoint, then the other explicit ones.
 */
export function expandPlugins(p: ResolvedProfile, pointsOf: (name: string) => ReadonlySet<ExtensionPoint>): Record<ExtensionPoint, PluginRef[]> {
  const points = {} as Record<ExtensionPoint, PluginRef[]>;
  for (const point of EXTENSION_POINTS) {
    const explicit = p.plugins[point]?.enabled ?? [];
    for (const ref of explicit) {
      if (!pointsOf(ref.name).has(point)) throw new ConfigError(`plugins.${point}: plugin ${JSON.stringify(ref.name)} does not extend ${point}`);
    }
    const disabled = new Set((p.plugins[point]?.disabled ?? []).map((r) => r.name));
    if (disabled.has("*")) {
      points[point] = [...explicit];
      continue;
    }
    const overrides: PluginRef[] = [];
    const fromMultiPoint: PluginRef[] = [];
    for (const ref of p.multiPoint) {
      if (!pointsOf(ref.name).has(point) || disabled.has(ref.name)) continue;
      const own = explicit.find((r) => r.name === ref.name);
      if (own) overrides.push(own);
      else if (fromMultiPoint.some((r) => r.name === ref.name)) throw new ConfigError(`plugins.multiPoint: plugin ${JSON.stringify(ref.name)} enabled twice`);
      else fromMultiPoint.push(ref);
    }
    points[point] = [...overrides, ...fromMultiPoint, ...explicit.filter((r) => !overrides.includes(r))];
  }
  for (const ref of points.score) {
    if (ref.weight !== undefined && !(Number.isInteger(ref.weight) && ref.weight >= 0)) throw new ConfigError(`plugins.score: weight of ${ref.name} must be a non-negative integer`);
  }
  points.score = points.score.map((r) => ({ name: r.name, weight: r.weight || p.multiPoint.find((m) => m.name === r.name)?.weight || 1 }));
  if (points.queueSort.length !== 1) throw new ConfigError(`plugins.queueSort: exactly one plugin must be enabled, found ${points.queueSort.length}`);
  if (points.bind.length === 0) throw new ConfigError("plugins.bind: at least one plugin must be enabled");
  return points;
}

/** Upstream's mergePluginSet: custom enabled entries replace defaults in place, new ones are appended. */
function mergePluginSet(defaults: PluginSet, custom: PluginSet | undefined): PluginSet {
  if (!custom) return defaults;
  const disabled = new Set((custom.disabled ?? []).map((r) => r.name));
  const customEnabled = custom.enabled ?? [];
  const replaced = new Set<PluginRef>();
  const enabled: PluginRef[] = [];
  if (!disabled.has("*")) {
    for (const d of defaults.enabled ?? []) {
      if (disabled.has(d.name)) continue;
      const c = customEnabled.find((r) => r.name === d.name);
      if (c) replaced.add(c);
      enabled.push(c ?? d);
    }
  }
  for (const c of customEnabled) if (!replaced.has(c)) enabled.push(c);
  return { enabled, disabled: custom.disabled };
}

/** Reads a KubeSchedulerConfiguration from a YAML or JSON file. */
export async function loadConfiguration(path: string): Promise<SchedulerConfiguration> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new ConfigError(`${path}: not a KubeSchedulerConfiguration object`);
  return doc as SchedulerConfiguration;
}

