// Bound service account tokens for projected volumes, from the TokenRequest API. A token is reused until 80% of
// its lifetime has passed (measured on the local clock from when it was requested), then replaced; should the
// request fail, a token not yet expired is kept.
import type { TokenRequest } from "kubernetes-types/authentication/v1";
import type { Client } from "../../client/rest-client.ts";

export interface TokenSpec {
  namespace: string;
  serviceAccount: string;
  /** Empty: the API server's own audiences. */
  audiences: string[];
  expirationSeconds: number;
  pod: { name: string; uid: string };
}

interface Cached { token: string; issuedAt: number; expiresAt: number }

const REFRESH_AT = 0.8;

export class TokenManager {
  private readonly client: Client;
  private readonly now: () => number;
  private readonly tokens = new Map<string, Cached>();

  constructor(client: Client, now: () => number = Date.now) {
    this.client = client;
    this.now = now;
  }

  private static key(s: TokenSpec): string {
    return JSON.stringify([s.pod.uid, s.namespace, s.serviceAccount, s.audiences, s.expirationSeconds]);
  }

  async get(spec: TokenSpec): Promise<string> {
    const key = TokenManager.key(spec);
    const cached = this.tokens.get(key);
    const now = this.now();
    if (cached && now < cached.issuedAt + (cached.expiresAt - cached.issuedAt) * REFRESH_AT) return cached.token;
    try {
      const path = `/api/v1/namespaces/${encodeURIComponent(spec.namespace)}/serviceaccounts/${encodeURIComponent(spec.serviceAccount)}/token`;
      const res = await this.client.json<TokenRequest>("POST", path, {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: {
          audiences: spec.audiences,
          expirationSeconds: spec.expirationSeconds,
          boundObjectRef: { apiVersion: "v1", kind: "Pod", name: spec.pod.name, uid: spec.pod.uid },
        },
      }, "application/json");
      const token = res.status?.token ?? "";
      const expiresAt = Date.parse(res.status?.expirationTimestamp ?? "");
      // The server's clock may differ from ours: the lifetime it granted is what counts, from our now.
      const lifetime = Number.isFinite(expiresAt) ? expiresAt - Date.parse(res.metadata?.creationTimestamp ?? "") : NaN;
      const ttl = Number.isFinite(lifetime) && lifetime > 0 ? lifetime : spec.expirationSeconds * 1000;
      this.tokens.set(key, { token, issuedAt: now, expiresAt: now + ttl });
      return token;
    } catch (err) {
      if (cached && now < cached.expiresAt) return cached.token;
      throw err;
    }
  }

  /** Drops the tokens of a pod that is gone. */
  forget(podUid: string): void {
    for (const key of this.tokens.keys()) if ((JSON.parse(key) as string[])[0] === podUid) this.tokens.delete(key);
  }
}
