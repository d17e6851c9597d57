// ConfigMaps and Secrets that volumes read, by GET through the API client. A read is kept for a short while
// (1 s by default) so every volume and pod referencing one object in a sync shares one request, while each
// periodic refresh (every ~10 s) sees the object afresh: one GET per referenced object per refresh.
import type { ConfigMap, Secret } from "kubernetes-types/core/v1";
import type { Client } from "../../client/rest-client.ts";
import { isNotFound } from "../../client/errors.ts";
import { R } from "../../client/resources.ts";
import type { ResourceRef } from "../../client/resources.ts";

interface Entry<T> { at: number; value: Promise<T | undefined> }

export class SourceCache {
  private readonly client: Client;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry<ConfigMap | Secret>>();

  constructor(client: Client, opts: { ttlMs?: number; now?: () => number } = {}) {
    this.client = client;
    this.ttlMs = opts.ttlMs ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  private read<T extends ConfigMap | Secret>(kind: "configmaps" | "secrets", namespace: string, name: string): Promise<T | undefined> {
    const key = `${kind}/${namespace}/${name}`;
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T | undefined>;
    for (const [k, e] of this.entries) if (now - e.at >= this.ttlMs) this.entries.delete(k);
    const ref = R[kind] as ResourceRef<ConfigMap | Secret>;
    const value = (this.client.resource(ref).get(namespace, name) as Promise<T>).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      this.entries.delete(key); // errors other than absence are not remembered
      throw err;
    });
    this.entries.set(key, { at: now, value });
    return value;
  }

  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.read<ConfigMap>("configmaps", namespace, name);
  }

  getSecret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.read<Secret>("secrets", namespace, name);
  }
}
