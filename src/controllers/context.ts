// What every controller is given: a client, the shared informers, an event recorder factory, and the signal that
// stops it. Controllers talk to the cluster only through these.
import type { Client } from "../client/rest-client.ts";
import type { InformerFactory } from "../client/informer-factory.ts";
import type { EventRecorder } from "../client/events.ts";

export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  /** An event recorder reporting as the named component (e.g. "deployment-controller"). */
  recorder(component: string): EventRecorder;
  signal: AbortSignal;
  /** The cluster CA certificate (PEM), published in every namespace's kube-root-ca.crt ConfigMap. */
  rootCaPem: string;
  now(): Date;
}

/** A controller module: registers its informers and handlers, then runs its workers until ctx.signal aborts. */
export interface ControllerDescriptor {
  name: string;
  start(ctx: ControllerContext): Promise<void>;
}
