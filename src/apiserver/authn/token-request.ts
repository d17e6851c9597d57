// POST serviceaccounts/<name>/token: validate and default a TokenRequest, resolve what the token is bound to,
// and answer with the minted token. Pure logic; the handler looks the service account up (404) and wires lookups.
import type { BoundObjectReference, TokenRequest } from "kubernetes-types/authentication/v1";
import type { ServiceAccount } from "kubernetes-types/core/v1";
import { badRequest, conflict, invalid, notFound } from "../../api/errors.ts";
import type { FieldError } from "../../api/errors.ts";
import { DEFAULT_API_AUDIENCES, DEFAULT_ISSUER } from "./serviceaccount-authn.ts";
import { issueServiceAccountToken, rfc3339 } from "./serviceaccount-token.ts";

const GK = { group: "authentication.k8s.io", kind: "TokenRequest" };
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;
const BINDABLE = ["Pod", "Secret", "Node"] as const;
type BindableKind = (typeof BINDABLE)[number];
const RESOURCE: Record<BindableKind, string> = { Pod: "pods", Secret: "secrets", Node: "nodes" };

export interface BoundObject {
  uid: string;
  /** Pods only: spec.serviceAccountName. */
  serviceAccountName?: string;
  /** Pods only: spec.nodeName. */
  nodeName?: string;
}

export interface TokenRequestOptions {
  privateKeyPem: string;
  /** Default "https://kubernetes.default.svc.cluster.local". */
  issuer?: string;
  /** Audiences used when the request names none. Default ["https://kubernetes.default.svc.cluster.local"]. */
  apiAudiences?: string[];
  /** Reads a Pod or Secret in the service account's namespace, or a Node (namespace ""). */
  getBoundObject(kind: BindableKind, namespace: string, name: string): Promise<BoundObject | undefined>;
  now?: Date;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function validateExpiration(seconds: number): FieldError[] {
  const field = "spec.expirationSeconds";
  const errs: FieldError[] = [];
  if (seconds < MIN_EXPIRATION_SECONDS) {
    errs.push({ type: "FieldValueInvalid", field, value: seconds, detail: "may not specify a duration less than 10 minutes" });
  }
  if (seconds > MAX_EXPIRATION_SECONDS) {
    errs.push({ type: "FieldValueInvalid", field, value: seconds, detail: "may not specify a duration larger than 2^32 seconds" });
  }
  return errs;
}

// Upstream prints the rejected kind as a GroupVersionKind: "/v1, Kind=ConfigMap", "apps/v1, Kind=Deployment".
function splitApiVersion(apiVersion = ""): { group: string; version: string } {
  const i = apiVersion.indexOf("/");
  return i < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

interface Binding {
  boundObjectRef: { kind: BindableKind; name: string; uid: string };
  podNode?: { name: string; uid?: string };
}

async function resolveBinding(ref: BoundObjectReference, sa: { namespace: string; name: string }, opts: TokenRequestOptions): Promise<Binding> {
  const { group, version } = splitApiVersion(ref.apiVersion);
  const kind = BINDABLE.find((k) => k === ref.kind);
  if (group !== "" || !kind) throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ""}`);
  if (!ref.name) throw badRequest("spec.boundObjectRef.name is required");
  const namespace = kind === "Node" ? "" : sa.namespace;
  const obj = await opts.getBoundObject(kind, namespace, ref.name);
  if (!obj) throw notFound({ group: "", resource: RESOURCE[kind] }, ref.name);
  if (kind === "Pod" && obj.serviceAccountName !== sa.name) {
    throw badRequest(`cannot bind token for serviceaccount "${sa.name}" to pod running with different serviceaccount name.`);
  }
  if (ref.uid && ref.uid !== obj.uid) {
    throw conflict({ group: "", resource: kind }, ref.name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  const binding: Binding = { boundObjectRef: { kind, name: ref.name, uid: obj.uid } };
  if (kind === "Pod" && obj.nodeName) {
    // A missing node still leaves its name in the token, as upstream does.
    const node = await opts.getBoundObject("Node", "", obj.nodeName);
    binding.podNode = node ? { name: obj.nodeName, uid: node.uid } : { name: obj.nodeName };
  }
  return binding;
}

export async function handleTokenRequest(body: unknown, sa: ServiceAccount, opts: TokenRequestOptions): Promise<TokenRequest> {
  const saName = sa.metadata?.name ?? "";
  const saNamespace = sa.metadata?.namespace ?? "";
  const saUid = sa.metadata?.uid ?? "";
  if (!isObject(body)) throw badRequest("the request body must be a TokenRequest object");
  const req: Partial<TokenRequest> = body;
  const meta = isObject(req.metadata) ? req.metadata : {};
  const spec = isObject(req.spec) ? req.spec : { audiences: [] };

  if (meta.name && meta.name !== saName) {
    throw invalid(GK, saName, [{ type: "FieldValueInvalid", field: "metadata.name", value: meta.name, detail: "must match the service account name if specified" }]);
  }
  if (meta.namespace && meta.namespace !== saNamespace) {
    throw invalid(GK, saName, [{ type: "FieldValueInvalid", field: "metadata.namespace", value: meta.namespace, detail: "must match the service account namespace if specified" }]);
  }

  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (!Number.isSafeInteger(expirationSeconds)) throw badRequest("spec.expirationSeconds must be an integer");
  if (spec.audiences !== undefined && spec.audiences !== null
    && (!Array.isArray(spec.audiences) || spec.audiences.some((a) => typeof a !== "string"))) {
    throw badRequest("spec.audiences must be a list of strings");
  }
  const audiences = spec.audiences?.length ? spec.audiences : (opts.apiAudiences ?? DEFAULT_API_AUDIENCES);
  const now = opts.now ?? new Date();
  const errs = validateExpiration(expirationSeconds);
  if (errs.length) throw invalid(GK, "", errs);

  const binding = spec.boundObjectRef ? await resolveBinding(spec.boundObjectRef, { namespace: saNamespace, name: saName }, opts) : undefined;
  const { token, expirationTimestamp } = await issueServiceAccountToken({
    privateKeyPem: opts.privateKeyPem,
    issuer: opts.issuer ?? DEFAULT_ISSUER,
    namespace: saNamespace,
    name: saName,
    uid: saUid,
    audiences,
    expirationSeconds,
    ...binding,
    now,
  });
  return {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    metadata: { ...meta, name: saName, namespace: saNamespace, creationTimestamp: rfc3339(now) },
    spec: { ...spec, audiences, expirationSeconds },
    status: { token, expirationTimestamp },
  };
}
