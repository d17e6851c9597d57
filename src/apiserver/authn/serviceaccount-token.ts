// Minting bound service-account tokens: ES256 JWTs with upstream's claim layout, so that anything that reads
// Kubernetes tokens (client libraries, OIDC-discovery consumers) sees what it expects.
import { createHash, createPublicKey, randomUUID } from "node:crypto";
import type { importPKCS8 } from "jose";

export interface ObjectRef {
  name: string;
  uid: string;
}

/** The private "kubernetes.io" claim. */
export interface KubernetesClaims {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  /** For node-bound tokens the node itself; for pod-bound tokens the pod's node (uid absent if it was not found). */
  node?: { name: string; uid?: string };
}

export interface IssueTokenOptions {
  privateKeyPem: string;
  issuer: string;
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef?: { kind: "Pod" | "Secret" | "Node"; name: string; uid: string };
  /** For pod-bound tokens: the node the pod runs on, recorded as upstream does. */
  podNode?: { name: string; uid?: string };
  now?: Date;
}

export const serviceAccountUsername = (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`;

/** RFC 3339 at second precision, the form metav1.Time takes on the wire. */
export const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

// Upstream's key id: unpadded base64url of the SHA-256 of the public key's DER, so verifiers can pick the key.
function keyId(privateKeyPem: string): string {
  const der = createPublicKey(privateKeyPem).export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64url");
}

const signers = new Map<string, Promise<{ key: Awaited<ReturnType<typeof importPKCS8>>; kid: string }>>();
function signerFor(pem: string) {
  let s = signers.get(pem);
  if (!s) {
    s = import("jose").then((jose) => jose.importPKCS8(pem, "ES256")).then((key) => ({ key, kid: keyId(pem) }));
    signers.set(pem, s);
  }
  return s;
}

export async function issueServiceAccountToken(opts: IssueTokenOptions): Promise<{ token: string; expirationTimestamp: string }> {
  const now = opts.now ?? new Date();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + opts.expirationSeconds;
  const k8s: KubernetesClaims = { namespace: opts.namespace, serviceaccount: { name: opts.name, uid: opts.uid } };
  const ref = opts.boundObjectRef;
  if (ref?.kind === "Pod") {
    k8s.pod = { name: ref.name, uid: ref.uid };
    if (opts.podNode) k8s.node = opts.podNode;
  } else if (ref?.kind === "Secret") {
    k8s.secret = { name: ref.name, uid: ref.uid };
  } else if (ref?.kind === "Node") {
    k8s.node = { name: ref.name, uid: ref.uid };
  }
  const { key, kid } = await signerFor(opts.privateKeyPem);
  const { SignJWT } = await import("jose");
  const token = await new SignJWT({ "kubernetes.io": k8s })
    .setProtectedHeader({ alg: "ES256", kid })
    .setIssuer(opts.issuer)
    .setSubject(serviceAccountUsername(opts.namespace, opts.name))
    .setAudience(opts.audiences)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(key);
  return { token, expirationTimestamp: rfc3339(new Date(exp * 1000)) };
}
