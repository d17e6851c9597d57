// Resource amounts as the scheduler adds them up: CPU in millicores, everything else in whole units, as plain
// numbers (exact up to 2^53, far past any node). A pod's request follows upstream's rules: app containers add
// up, a regular init container runs alone (plus the sidecars started before it), sidecars (init containers with
// restartPolicy Always) keep running, so they add to the app containers too; overhead comes on top.
import type { Container, Pod } from "kubernetes-types/core/v1";
import { parseQuantity } from "../api/validation/quantity.ts";

type ResourceList = { [name: string]: string };

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources, hugepages and other scalar resources, by name; undefined while there are none. */
  scalar: Map<string, number> | undefined;
}

const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined });

/** Upstream's defaults for containers without a request, used where spreading by load needs a non-zero guess. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const NANOS_PER_MILLI = 1_000_000n;
const NANOS_PER_UNIT = 1_000_000_000n;
const divCeil = (a: bigint, b: bigint): bigint => (a % b === 0n || a < 0n ? a / b : a / b + 1n);

// The same few strings ("100m", "1Gi") come back for every pod; parsing them once keeps BigInt work off the hot path.
const parsed = new Map<string, number>();
function amount(q: string | number, milli: boolean): number {
  const key = milli ? `m${q}` : `u${q}`;
  let v = parsed.get(key);
  if (v === undefined) {
    const n = parseQuantity(q)?.nanos ?? 0n;
    v = Number(divCeil(n, milli ? NANOS_PER_MILLI : NANOS_PER_UNIT));
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(key, v);
  }
  return v;
}

export const milliValue = (q: string | number | undefined): number => (q === undefined ? 0 : amount(q, true));
export const value = (q: string | number | undefined): number => (q === undefined ? 0 : amount(q, false));

/** Resources the scheduler tracks per name besides cpu, memory and ephemeral-storage (upstream's IsScalarResourceName). */
export function isScalarResource(name: string): boolean {
  if (name.startsWith("hugepages-") || name.startsWith("attachable-volumes-")) return true;
  return name.includes("/") && !name.startsWith("requests.");
}

/** Extended resources are the scalar ones outside kubernetes.io; only they may be ignored by configuration. */
export const isExtendedResource = (name: string): boolean =>
  name.includes("/") && !name.includes("kubernetes.io/") && !name.startsWith("requests.");

export function fromResourceList(list: ResourceList | undefined): Resources {
  const r = emptyResources();
  if (list) addList(r, list);
  return r;
}

function addList(r: Resources, list: ResourceList): void {
  for (const name in list) {
    const q = list[name]!;
    switch (name) {
      case "cpu": r.milliCPU += milliValue(q); break;
      case "memory": r.memory += value(q); break;
      case "ephemeral-storage": r.ephemeralStorage += value(q); break;
      default:
        if (isScalarResource(name)) (r.scalar ??= new Map()).set(name, (r.scalar.get(name) ?? 0) + value(q));
    }
  }
}

function addResources(into: Resources, r: Resources): void {
  into.milliCPU += r.milliCPU;
  into.memory += r.memory;
  into.ephemeralStorage += r.ephemeralStorage;
  if (r.scalar) for (const [k, v] of r.scalar) (into.scalar ??= new Map()).set(k, (into.scalar.get(k) ?? 0) + v);
}

function maxResources(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar) for (const [k, v] of r.scalar) (into.scalar ??= new Map()).set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

/** A container's requests; with `nonZero`, missing cpu/memory requests count as upstream's defaults. */
function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = fromResourceList(c.resources?.requests);
  if (nonZero) {
    if (c.resources?.requests?.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (c.resources?.requests?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/** What the pod needs on a node while it runs (upstream's resourcehelper.PodRequests). */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const spec = pod.spec;
  const total = emptyResources();
  for (const c of spec?.containers ?? []) addResources(total, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initPeak = emptyResources();
  for (const c of spec?.initContainers ?? []) {
    const req = containerRequests(c, nonZero);
    if (c.restartPolicy === "Always") {
      addResources(total, req);
      addResources(sidecars, req);
      maxResources(initPeak, sidecars);
    } else {
      addResources(req, sidecars);
      maxResources(initPeak, req);
    }
  }
  maxResources(total, initPeak);
  if (spec?.overhead) addList(total, spec.overhead);
  return total;
}
