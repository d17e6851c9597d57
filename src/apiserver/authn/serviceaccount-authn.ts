// Verifying bound service-account tokens as upstream does: signature, issuer, audience intersection, time window,
// then the service account and the bound object must still exist with the UIDs the token names.
import { unauthorized } from "../../api/errors.ts";
import { logger } from "../../util/log.ts";
import { serviceAccountUsername } from "./serviceaccount-token.ts";
import type { KubernetesClaims, ObjectRef } from "./serviceaccount-token.ts";
import type { UserInfo } from "./user.ts";

export const DEFAULT_API_AUDIENCES = ["https://kubernetes.default.svc.cluster.local"];
export const DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";

export const EXTRA_POD_NAME = "authentication.kubernetes.io/pod-name";
export const EXTRA_POD_UID = "authentication.kubernetes.io/pod-uid";
export const EXTRA_NODE_NAME = "authentication.kubernetes.io/node-name";
export const EXTRA_NODE_UID = "authentication.kubernetes.io/node-uid";
export const EXTRA_CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

// go-jose's default leeway, which upstream relies on for exp and nbf.
const LEEWAY_SECONDS = 60;

const log = logger("authn");

export interface ServiceAccountLookups {
  lookupServiceAccount(namespace: string, name: string): Promise<{ uid: string } | undefined>;
  /** Whether the object still exists with this uid (and is not being deleted). Namespace is "" for nodes. */
  lookupBoundObject(kind: string, namespace: string, name: string, uid: string): Promise<boolean>;
}

export interface ServiceAccountVerifierOptions extends ServiceAccountLookups {
  saPublicKeyPem: string;
  issuer: string;
  apiAudiences: string[];
  /** The clock, for tests. Default: the current time. */
  now?: () => Date;
}

const isRef = (v: unknown): v is ObjectRef =>
  typeof v === "object" && v !== null && typeof (v as ObjectRef).name === "string" && (v as ObjectRef).name !== ""
  && typeof (v as ObjectRef).uid === "string";

function parseClaims(v: unknown): KubernetesClaims | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const c = v as KubernetesClaims;
  if (typeof c.namespace !== "string" || !c.namespace || !isRef(c.serviceaccount)) return undefined;
  for (const r of [c.pod, c.secret]) if (r !== undefined && !isRef(r)) return undefined;
  if (c.node !== undefined && (typeof c.node?.name !== "string" || !c.node.name)) return undefined;
  return c;
}

function reject(why: string): never {
  log.debug({ why }, "service account token rejected");
  throw unauthorized();
}

/** How long a verified token's claims are reused (upstream caches token authentication successes for 10 s). */
const VERIFIED_TTL_MS = 10_000;
/** At most this many verified tokens are remembered; the oldest go first. */
const VERIFIED_MAX = 1024;

/**
 * Tokens whose signature and claims checked out recently, with their payload. Checking an ES256 signature costs
 * ~300 µs of CPU, as much as serving a whole write, and a client sends the same token with every request; what
 * can change meanwhile (the service account and bound objects) is still looked up on every request.
 */
class VerifiedTokens {
  readonly #entries = new Map<string, { payload: Record<string, unknown>; until: number }>();

  get(token: string, now: number): Record<string, unknown> | undefined {
    const e = this.#entries.get(token);
    if (e && now < e.until) return e.payload;
    if (e) this.#entries.delete(token);
    return undefined;
  }

  set(token: string, payload: Record<string, unknown>, now: number): void {
    // Never past the token's own expiry (plus the leeway its verification allowed).
    const exp = typeof payload.exp === "number" ? (payload.exp + LEEWAY_SECONDS) * 1000 : now;
    if (this.#entries.size >= VERIFIED_MAX) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, { payload, until: Math.min(now + VERIFIED_TTL_MS, exp) });
  }
}

/** Returns a function that maps a token to its service-account user or throws a 401 StatusError. */
export function createServiceAccountVerifier(opts: ServiceAccountVerifierOptions): (token: string) => Promise<UserInfo> {
  // The JOSE library loads on the first token, not at start: most servers see only client certificates.
  let verifier: Promise<{ jose: typeof import("jose"); key: Awaited<ReturnType<typeof import("jose").importSPKI>> }> | undefined;
  const load = () => (verifier ??= import("jose").then(async (jose) => ({ jose, key: await jose.importSPKI(opts.saPublicKeyPem, "ES256") })));
  const verified = new VerifiedTokens();
  const verify = async (token: string, now: Date | undefined): Promise<Record<string, unknown>> => {
    const { jose, key } = await load();
    try {
      const { payload } = await jose.jwtVerify(token, key, {
        issuer: opts.issuer,
        audience: opts.apiAudiences,
        algorithms: ["ES256"],
        clockTolerance: LEEWAY_SECONDS,
        requiredClaims: ["exp"],
        ...(now ? { currentDate: now } : {}),
      });
      return payload;
    } catch (err) {
      if (err instanceof jose.errors.JOSEError) reject(err.code);
      throw err;
    }
  };
  return async (token) => {
    const now = opts.now?.();
    const nowMs = (now ?? new Date()).getTime();
    let payload = verified.get(token, nowMs);
    if (!payload) {
      payload = await verify(token, now);
      verified.set(token, payload, nowMs);
    }
    const k8s = parseClaims(payload["kubernetes.io"]);
    if (!k8s) reject("missing or malformed kubernetes.io claims");
    const { namespace, serviceaccount: sa, pod, secret, node } = k8s;

    const current = await opts.lookupServiceAccount(namespace, sa.name);
    if (!current) reject(`service account ${namespace}/${sa.name} not found`);
    if (current.uid !== sa.uid) reject(`service account ${namespace}/${sa.name} uid ${current.uid} != claim ${sa.uid}`);
    if (secret && !(await opts.lookupBoundObject("Secret", namespace, secret.name, secret.uid))) reject("bound secret gone");
    if (pod && !(await opts.lookupBoundObject("Pod", namespace, pod.name, pod.uid))) reject("bound pod gone");
    // A pod-bound token's node claim is informational; only node-bound tokens depend on the node.
    if (node && !pod && !(node.uid && await opts.lookupBoundObject("Node", "", node.name, node.uid))) reject("bound node gone");

    const extra: Record<string, string[]> = {};
    if (pod && pod.uid) {
      extra[EXTRA_POD_NAME] = [pod.name];
      extra[EXTRA_POD_UID] = [pod.uid];
    }
    if (node) {
      extra[EXTRA_NODE_NAME] = [node.name];
      if (node.uid) extra[EXTRA_NODE_UID] = [node.uid];
    }
    if (typeof payload.jti === "string" && payload.jti) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${payload.jti}`];
    return {
      username: serviceAccountUsername(namespace, sa.name),
      uid: sa.uid,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
      ...(Object.keys(extra).length ? { extra } : {}),
    };
  };
}
