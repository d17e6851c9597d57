// Downward API values: a pod field (fieldRef) or a container's resource amount (resourceFieldRef), shared by
// environment variables and downwardAPI volume files.
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from "kubernetes-types/core/v1";
import { parseQuantity } from "../../api/validation/quantity.ts";
import { EnvError } from "./errors.ts";

/** Go's %q for the strings labels and annotations hold: `"` and `\` escaped, control characters as escapes. */
function quote(s: string): string {
  const named: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", '"': '\\"', "\\": "\\\\" };
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (named[ch]) out += named[ch];
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

/** A whole label or annotation map as downward API files show it: sorted `key="value"` lines. */
export const formatMap = (m: Record<string, string> | undefined): string =>
  Object.keys(m ?? {}).sort().map((k) => `${k}=${quote(m![k])}`).join("\n");

export interface PodAddresses {
  podIPs?: string[];
  hostIPs?: string[];
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** The value of a pod field; the addresses given win over the pod's status (the agent knows them first). */
export function podFieldValue(ref: ObjectFieldSelector, pod: Pod, addrs: PodAddresses = {}): string {
  const meta = pod.metadata ?? {};
  const podIPs = addrs.podIPs ?? pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  const hostIPs = addrs.hostIPs ?? pod.status?.hostIPs?.map((h) => h.ip) ?? (pod.status?.hostIP ? [pod.status.hostIP] : []);
  const path = ref.fieldPath;
  switch (path) {
    case "metadata.name": return meta.name ?? "";
    case "metadata.namespace": return meta.namespace ?? "";
    case "metadata.uid": return meta.uid ?? "";
    case "metadata.labels": return formatMap(meta.labels);
    case "metadata.annotations": return formatMap(meta.annotations);
    case "spec.nodeName": return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName": return pod.spec?.serviceAccountName ?? "";
    case "status.podIP": return podIPs[0] ?? "";
    case "status.podIPs": return podIPs.join(",");
    case "status.hostIP": return hostIPs[0] ?? "";
    case "status.hostIPs": return hostIPs.join(",");
  }
  const m = SUBSCRIPT.exec(path);
  if (m) return (m[1] === "labels" ? meta.labels : meta.annotations)?.[m[2]] ?? "";
  throw new EnvError(`unsupported fieldPath: ${path}`);
}

/** Node allocatable amounts, which stand in for limits a container leaves unset. */
export type Allocatable = Record<string, string>;

/** Rounds up, as the downward API does, so a fraction of a unit never reads as zero. */
const ceilDiv = (a: bigint, b: bigint): bigint => (a % b === 0n ? a / b : a / b + (a > 0n ? 1n : 0n));

/** A container's resource amount in units of the divisor ("1" by default), rounded up. */
export function resourceFieldValue(ref: ResourceFieldSelector, container: Container, allocatable: Allocatable = {}): string {
  const dot = ref.resource.indexOf(".");
  const kind = ref.resource.slice(0, dot);
  const name = ref.resource.slice(dot + 1);
  if (kind !== "limits" && kind !== "requests") throw new EnvError(`unsupported container resource : ${ref.resource}`);
  const res = container.resources ?? {};
  // An unset request reads as zero; an unset limit is the node's allocatable amount.
  const raw = kind === "limits" ? (res.limits?.[name] ?? allocatable[name]) : res.requests?.[name];
  const amount = parseQuantity(raw ?? "0");
  const divisor = parseQuantity(ref.divisor ?? "1");
  if (!amount || !divisor || divisor.nanos === 0n) throw new EnvError(`invalid resource quantity for ${ref.resource}`);
  // CPU is counted in whole millicores first, as upstream does.
  if (name === "cpu") return String(ceilDiv(ceilDiv(amount.nanos, 1_000_000n), ceilDiv(divisor.nanos, 1_000_000n)));
  return String(ceilDiv(amount.nanos, divisor.nanos));
}
