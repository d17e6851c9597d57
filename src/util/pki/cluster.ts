// The cluster's PKI on disk: created on first start, reloaded later, leaf certificates renewed well before they
// expire (expired certs after a year are a top complaint about k3s) or when the requested names grow.
import { X509Certificate, createPublicKey } from "node:crypto";
import { join } from "node:path";
import type { LeafSpec } from "./certs.ts";
import { readIfExists, writeFileAtomic } from "./files.ts";
import { generateKeyPem, publicKeyPem } from "./keys.ts";

// The X.509 library is only needed to issue certificates (first start, renewal): loading it lazily keeps
// ordinary restarts ~0.2 s faster and ~20 MB smaller.
const certs = () => import("./certs.ts");

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

export interface ClusterPki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  saPrivateKey: string;
  saPublicKey: string;
  issueClientCert(req: ClientCertRequest): Promise<{ certPem: string; keyPem: string }>;
  /** A serving certificate (and fresh key) under the cluster CA, e.g. for a node agent's own HTTPS endpoint. */
  issueServingCert(req: ServingCertRequest): Promise<{ certPem: string; keyPem: string }>;
}

export const CLUSTER_DNS_NAMES = [
  "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
];

export const PKI_FILES = {
  caCert: "ca.crt", caKey: "ca.key",
  servingCert: "serving.crt", servingKey: "serving.key",
  adminCert: "admin.crt", adminKey: "admin.key",
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
  let caCert = await readIfExists(path("caCert"));
  const loadedCa = parse(caCert);
  // A CA is only replaced when unusable; replacing it invalidates every kubeconfig and node credential.
  if (!loadedCa || !ownsKey(loadedCa, caKey) || new Date(loadedCa.validTo) <= now) {
    caCert = await (await certs()).createCaCert(caKey, `berth-ca@${Math.floor(now.getTime() / 1000)}`, validity(now, CA_DAYS));
    await writeFileAtomic(path("caCert"), caCert, CERT_MODE);
  }
  const ca = { certPem: caCert!, keyPem: caKey };
  const caX509 = new X509Certificate(caCert!);

  async function ensureLeaf(certFile: "servingCert" | "adminCert", keyFile: "servingKey" | "adminKey",
    spec: Omit<LeafSpec, "notBefore" | "notAfter">): Promise<{ cert: string; key: string }> {
    const key = await ensureKey(path(keyFile));
    const existing = await readIfExists(path(certFile));
    const loaded = parse(existing);
    if (existing && loaded && leafIsCurrent(loaded, caX509, key, now, spec)) return { cert: existing, key };
    const cert = await (await certs()).issueLeafCert(ca, key, { ...spec, ...validity(now, LEAF_DAYS) });
    await writeFileAtomic(path(certFile), cert, CERT_MODE);
    return { cert, key };
  }

  const serving = await ensureLeaf("servingCert", "servingKey", {
    commonName: "kube-apiserver",
    usage: "server",
    dnsNames: [...new Set([...CLUSTER_DNS_NAMES, ...opts.hostnames.map((h) => h.toLowerCase())])],
    ips: [...new Set(opts.ips)],
  });
  const admin = await ensureLeaf("adminCert", "adminKey", {
    commonName: "system:admin", organizations: ["system:masters"], usage: "client",
  });

  const saPrivateKey = await ensureKey(path("saPrivateKey"));
  const saPublicKey = publicKeyPem(saPrivateKey);
  if ((await readIfExists(path("saPublicKey"))) !== saPublicKey) {
    await writeFileAtomic(path("saPublicKey"), saPublicKey, CERT_MODE);
  }

  return {
    caCert: caCert!, caKey,
    servingCert: serving.cert, servingKey: serving.key,
    adminCert: admin.cert, adminKey: admin.key,
    saPrivateKey, saPublicKey,
    async issueClientCert(req) {
      const keyPem = await generateKeyPem();
      const certPem = await (await certs()).issueLeafCert(ca, keyPem, {
        commonName: req.commonName, organizations: req.organizations, usage: "client",
        ...validity(opts.now ?? new Date(), req.days),
      });
      return { certPem, keyPem };
    },
    async issueServingCert(req) {
      const keyPem = await generateKeyPem();
      const certPem = await (await certs()).issueLeafCert(ca, keyPem, {
        commonName: req.commonName, usage: "server", dnsNames: req.dnsNames, ips: req.ips,
        ...validity(opts.now ?? new Date(), req.days),
      });
      return { certPem, keyPem };
    },
  };
}
