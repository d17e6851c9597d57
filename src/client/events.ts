// Kubernetes Events for what users should see in `kubectl describe`: reason and message about an object, from a
// component. Recording never blocks or throws: events are best effort.
import type { Event, ObjectReference } from "kubernetes-types/core/v1";
import { logger } from "../util/log.ts";
import type { Client } from "./rest-client.ts";
import type { ApiObject } from "./resources.ts";
import { R } from "./resources.ts";

export type EventType = "Normal" | "Warning";

export interface EventRecorder {
  event(obj: ApiObject, type: EventType, reason: string, message: string): void;
}

export interface EventSource {
  component: string;
  host?: string;
}

export function referenceTo(obj: ApiObject): ObjectReference {
  const m = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion };
}

/** Writes each event as a core/v1 Event in the object's namespace ("default" for cluster-scoped objects). */
export class ApiEventRecorder implements EventRecorder {
  private readonly client: Client;
  private readonly source: EventSource;
  private readonly log = logger("events");

  constructor(client: Client, source: EventSource) {
    this.client = client;
    this.source = source;
  }

  event(obj: ApiObject, type: EventType, reason: string, message: string): void {
    const ref = referenceTo(obj);
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const namespace = ref.namespace || "default";
    const ev: Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${ref.name}.${Date.now().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: this.source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? "",
    };
    this.client.resource(R.events).create(ev).catch((err: Error) => this.log.debug({ err: err.message, reason }, "event not recorded"));
  }
}
