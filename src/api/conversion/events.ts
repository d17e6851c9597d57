// events.k8s.io/v1 Event <-> core/v1 Event: two views of the same stored objects, as upstream serves them.
// Field correspondences are upstream's (note <-> message, regarding <-> involvedObject, deprecated* <-> the
// legacy counters).
import type { KubeObject } from "../scheme.ts";

type Obj = Record<string, unknown>;

/** [events.k8s.io/v1 field, core/v1 field] */
const FIELDS: [string, string][] = [
  ["eventTime", "eventTime"],
  ["series", "series"],
  ["reportingController", "reportingComponent"],
  ["reportingInstance", "reportingInstance"],
  ["action", "action"],
  ["reason", "reason"],
  ["regarding", "involvedObject"],
  ["related", "related"],
  ["note", "message"],
  ["type", "type"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
];

function copy(from: Obj, to: Obj, pairs: [string, string][]): void {
  for (const [a, b] of pairs) if (from[a] !== undefined) to[b] = from[a];
}

export function eventsV1ToCore(ev: KubeObject): KubeObject {
  const out: Obj = { apiVersion: "v1", kind: "Event", metadata: ev.metadata };
  copy(ev as Obj, out, FIELDS);
  return out as KubeObject;
}

export function coreToEventsV1(ev: KubeObject): KubeObject {
  const out: Obj = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: ev.metadata };
  copy(ev as Obj, out, FIELDS.map(([a, b]) => [b, a]));
  return out as KubeObject;
}
