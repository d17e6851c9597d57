// `kubectl get events`, for core/v1 and events.k8s.io/v1 (upstream prints both from one internal type, so the
// newer shape is mapped onto the core one). Upstream's column order is kept: NAME is a wide column at the end.
import type { Event } from "kubernetes-types/core/v1";
import type { Event as EventV1 } from "kubernetes-types/events/v1";
import type { TableDef } from "../scheme.ts";
import { column } from "./format.ts";
import { since } from "./duration.ts";

function eventCells(e: Event, now: Date): unknown[] {
  const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
  let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
  let count = e.count ?? 0;
  if (e.series) {
    last = since(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    // Singleton events carry no count in the new API.
    count = 1;
  }
  const obj = e.involvedObject;
  const kind = (obj?.kind ?? "").toLowerCase();
  const target = obj?.name ? `${kind}/${obj.name}` : kind;
  const component = e.source?.component || e.reportingComponent || "";
  const instance = e.source?.host || e.reportingInstance || "";
  return [
    last,
    e.type ?? "",
    e.reason ?? "",
    target,
    obj?.fieldPath ?? "",
    instance ? `${component}, ${instance}` : component,
    (e.message ?? "").trim(),
    first,
    count,
    e.metadata?.name ?? "",
  ];
}

const columns = [
  column("Last Seen", "string", "When the event was last observed."),
  column("Type", "string", "Type of this event (Normal, Warning)."),
  column("Reason", "string", "Why the action was taken, short and machine-readable."),
  column("Object", "string", "The object this event is about."),
  column("Subobject", "string", "The part of the object the event is about (a field path).", 1),
  column("Source", "string", "The component (and host) reporting this event.", 1),
  column("Message", "string", "A human-readable description of the event."),
  column("First Seen", "string", "When the event was first observed.", 1),
  column("Count", "string", "The number of times this event has occurred.", 1),
  { ...column("Name", "string", "Name of the event object.", 1), format: "name" },
];

export const eventTable: TableDef = { columns, cells: (e: Event, now: Date) => eventCells(e, now) };

/** events.k8s.io/v1 fields under their core/v1 names, as upstream's conversion maps them. */
export function toCoreEvent(e: EventV1): Event {
  return {
    metadata: e.metadata ?? {},
    involvedObject: e.regarding ?? {},
    reason: e.reason,
    message: e.note,
    type: e.type,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    eventTime: e.eventTime,
    series: e.series,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  };
}

export const eventV1Table: TableDef = { columns, cells: (e: EventV1, now: Date) => eventCells(toCoreEvent(e), now) };
