// The cluster's PKI on disk: created on first start, reloaded later, leaf certificates renewed well before they
// expire (expired certs after a year are a top complaint about k3s) or when the requested names grow.
import { X509Certificate, createPublicKey } from "node:crypto";
import { join } from "node:path";
import type { LeafSpec } from "./certs.ts";
import { readIfExists, writeFileAtomic } from "./files.ts";
import { generateKeyPem, publicKeyPem } from "./keys.ts";
import { mint } from "./mint.ts";

export interface ClusterPkiOptions {
  /** Extra DNS names for the serving certificate (the host's names). */
  hostnames: string[];
  /** IP SANs for the serving certificate: 127.0.0.1, the host's addresses, the API Service IP. */
  ips: string[];
  /** The clock; tests move it to exercise renewal. Default: the current time. */
  now?: Date;
}

export interface ClientCertRequest {
  commonName: string;
  organizations?: string[];
  days: number;
}

export interface ServingCertRequest {
  commonName: string;
  dnsNames: string[];
  ips: string[];
  days: number;
}

/** The client certificate the API server presents to node agents (logs, exec, port-forward). */
export const KUBELET_CLIENT_CN = "kube-apiserver-kubelet-client";

export interface ClusterPki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  kubeletClientCert: string;
  kubeletClientKey: string;
  saPrivateKey: string;
  saPublicKey: string;
  /**
   * Client and serving certificates (e.g. for a node agent's own HTTPS endpoint) under the cluster CA, each with a
   * fresh key, minted together: one minting process for the lot.
   */
  issue(reqs: ({ client: ClientCertRequest } | { serving: ServingCertRequest })[]): Promise<{ certPem: string; keyPem: string }[]>;
}

export const CLUSTER_DNS_NAMES = [
  "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
];

export const PKI_FILES = {
  caCert: "ca.crt", caKey: "ca.key",
  servingCert: "serving.crt", servingKey: "serving.key",
  adminCert: "admin.crt", adminKey: "admin.key",
  kubeletClientCert: "kubelet-client.crt", kubeletClientKey: "kubelet-client.key",
  saPrivateKey: "sa.key", saPublicKey: "sa.pub",
} as const;

const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const RENEW_WITHIN_DAYS = 90;
// Backdating covers modest clock skew between the host and its clients.
const BACKDATE_MS = 5 * 60_000;
const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

const validity = (now: Date, days: number) => ({
  notBefore: new Date(now.getTime() - BACKDATE_MS),
  notAfter: new Date(now.getTime() + days * DAY_MS),
});

async function ensureKey(path: string): Promise<string> {
  const existing = await readIfExists(path);
  if (existing) return existing;
  const pem = await generateKeyPem();
  await writeFileAtomic(path, pem, KEY_MODE);
  return pem;
}

function parse(pem: string | undefined): X509Certificate | undefined {
  if (!pem) return undefined;
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

const ownsKey = (cert: X509Certificate, keyPem: string) => cert.publicKey.equals(createPublicKey(keyPem));

/** Whether a leaf still fits: signed by this CA, carries this key, far from expiry, covers every requested name. */
export function leafIsCurrent(
  cert: X509Certificate, ca: X509Certificate, keyPem: string, now: Date, names: { dnsNames?: string[]; ips?: string[] },
): boolean {
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey) || !ownsKey(cert, keyPem)) return false;
  if (new Date(cert.validTo).getTime() - now.getTime() <= RENEW_WITHIN_DAYS * DAY_MS) return false;
  if (new Date(cert.validFrom).getTime() > now.getTime() + BACKDATE_MS) return false;
  return (names.dnsNames ?? []).every((n) => cert.checkHost(n, { subject: "never" }) !== undefined)
    && (names.ips ?? []).every((ip) => cert.checkIP(ip) !== undefined);
}

export async function ensureClusterPki(dir: string, opts: ClusterPkiOptions): Promise<ClusterPki> {
  const now = opts.now ?? new Date();
  const path = (f: keyof typeof PKI_FILES) => join(dir, PKI_FILES[f]);

  const caKey = await ensureKey(path("caKey"));
  const storedCa = await readIfExists(path("caCert"));
  const loadedCa = parse(storedCa);
  // A CA is only replaced when unusable; replacing it invalidates every kubeconfig and node credential.
  const caUsable = !!loadedCa && ownsKey(loadedCa, caKey) && new Date(loadedCa.validTo) > now;

  const leaves: { certFile: keyof typeof PKI_FILES; keyFile: keyof typeof PKI_FILES; spec: Omit<LeafSpec, "notBefore" | "notAfter"> }[] = [
    { certFile: "servingCert", keyFile: "servingKey", spec: {
      commonName: "kube-apiserver",
      usage: "server",
      dnsNames: [...new Set([...CLUSTER_DNS_NAMES, ...opts.hostnames.map((h) => h.toLowerCase())])],
      ips: [...new Set(opts.ips)],
    } },
    { certFile: "adminCert", keyFile: "adminKey", spec: { commonName: "system:admin", organizations: ["system:masters"], usage: "client" } },
    { certFile: "kubeletClientCert", keyFile: "kubeletClientKey", spec: { commonName: KUBELET_CLIENT_CN, organizations: ["system:masters"], usage: "client" } },
  ];
  const current: { cert: string | undefined; key: string }[] = [];
  for (const leaf of leaves) {
    const key = await ensureKey(path(leaf.keyFile));
    const existing = await readIfExists(path(leaf.certFile));
    const loaded = parse(existing);
    const fits = caUsable && !!loaded && leafIsCurrent(loaded, loadedCa!, key, now, leaf.spec);
    current.push({ cert: fits ? existing : undefined, key });
  }
  // Whatever must be (re)issued is minted in one go.
  let caCert = storedCa!;
  const missing = leaves.map((_, i) => i).filter((i) => current[i]!.cert === undefined);
  if (!caUsable || missing.length) {
    const minted = await mint({
      ca: caUsable ? { certPem: caCert, keyPem: caKey } : { create: { keyPem: caKey, commonName: `berth-ca@${Math.floor(now.getTime() / 1000)}`, ...validity(now, CA_DAYS) } },
      leaves: missing.map((i) => ({ keyPem: current[i]!.key, spec: { ...leaves[i]!.spec, ...validity(now, LEAF_DAYS) } })),
    });
    if (!caUsable) {
      caCert = minted.caCert;
      await writeFileAtomic(path("caCert"), caCert, CERT_MODE);
    }
    for (const [n, i] of missing.entries()) {
      current[i]!.cert = minted.leaves[n]!;
      await writeFileAtomic(path(leaves[i]!.certFile), minted.leaves[n]!, CERT_MODE);
    }
  }
  const ca = { certPem: caCert, keyPem: caKey };
  const [serving, admin, kubeletClient] = current as { cert: string; key: string }[];

  const saPrivateKey = await ensureKey(path("saPrivateKey"));
  const saPublicKey = publicKeyPem(saPrivateKey);
  if ((await readIfExists(path("saPublicKey"))) !== saPublicKey) {
    await writeFileAtomic(path("saPublicKey"), saPublicKey, CERT_MODE);
  }

  const issue: ClusterPki["issue"] = async (reqs) => {
    const when = opts.now ?? new Date();
    const keys = await Promise.all(reqs.map(() => generateKeyPem()));
    const specs = reqs.map((r): LeafSpec => ("client" in r
      ? { commonName: r.client.commonName, organizations: r.client.organizations, usage: "client", ...validity(when, r.client.days) }
      : { commonName: r.serving.commonName, usage: "server", dnsNames: r.serving.dnsNames, ips: r.serving.ips, ...validity(when, r.serving.days) }));
    const minted = await mint({ ca, leaves: specs.map((spec, i) => ({ keyPem: keys[i]!, spec })) });
    return minted.leaves.map((certPem, i) => ({ certPem, keyPem: keys[i]! }));
  };

  return {
    caCert, caKey,
    servingCert: serving!.cert, servingKey: serving!.key,
    adminCert: admin!.cert, adminKey: admin!.key,
    kubeletClientCert: kubeletClient!.cert, kubeletClientKey: kubeletClient!.key,
    saPrivateKey, saPublicKey,
    issue,
  };
}
