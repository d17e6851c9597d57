// Shares one informer per resource (and selector) among all the components of a process, so five controllers
// watching pods cost one watch and one cache.
import type { Client } from "./rest-client.ts";
import type { ApiObject, ResourceRef } from "./resources.ts";
import { Informer } from "./informer.ts";
import type { InformerOptions } from "./informer.ts";

type SharedOptions = Pick<InformerOptions<never>, "namespace" | "labelSelector" | "fieldSelector" | "resyncMs">;

export class InformerFactory {
  private readonly client: Client;
  private readonly informers = new Map<string, Informer<ApiObject>>();
  private signal: AbortSignal | undefined;

  constructor(client: Client) {
    this.client = client;
  }

  informer<T extends ApiObject>(ref: ResourceRef<T>, opts: SharedOptions = {}): Informer<T> {
    const key = `${ref.group}/${ref.version}/${ref.resource}?${opts.namespace ?? ""}&${opts.labelSelector ?? ""}&${opts.fieldSelector ?? ""}`;
    let inf = this.informers.get(key) as Informer<T> | undefined;
    if (!inf) {
      inf = new Informer<T>(this.client.resource(ref), opts);
      this.informers.set(key, inf as unknown as Informer<ApiObject>);
      if (this.signal) inf.run(this.signal);
    }
    return inf;
  }

  /** Starts every informer made so far, and any made later, until the signal aborts. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const inf of this.informers.values()) inf.run(signal);
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }
}
