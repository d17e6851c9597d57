// The secrets every server of one cluster shares (the cluster CA, the service-account signing key), kept in the
// datastore so that several `berth server` processes on one etcd form one cluster. They live under a key outside
// /registry/, which the API never reads or serves, sealed with AES-256-GCM under a key derived from --token by
// scrypt with a random salt stored beside the ciphertext. Each server keeps its own serving and admin
// certificates, issued locally under the shared CA.
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Storage } from "../../storage/interface.ts";
import { StorageError } from "../../storage/interface.ts";
import { PKI_FILES } from "../../util/pki/cluster.ts";
import { readIfExists, writeFileAtomic } from "../../util/pki/files.ts";

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** The datastore key of the sealed secrets: outside /registry/, so neither the watch cache nor any handler sees it. */
export const CLUSTER_SECRETS_KEY = "/bootstrap/cluster-secrets";

export interface ClusterSecrets {
  caCert: string;
  caKey: string;
  saPrivateKey: string;
}

/** Why a server may not use the secrets in the datastore; the message is meant for the operator. */
export class ClusterSecretsError extends Error {
  readonly reason: "TokenMismatch" | "TokenRequired" | "Malformed";
  constructor(reason: "TokenMismatch" | "TokenRequired" | "Malformed", message: string) {
    super(message);
    this.reason = reason;
  }
}

interface Sealed {
  version: 1;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: string };
  cipher: "aes-256-gcm";
  iv: string;
  tag: string;
  data: string;
}

// scrypt at N=2^15, r=8 costs ~32 MiB and ~0.1 s once per start; enough to make guessing a token offline slow.
const KDF = { N: 1 << 15, r: 8, p: 1 } as const;
const MAXMEM = 64 * 1024 * 1024;
// Binds the ciphertext to its purpose: a blob moved to another key, or another version's layout, fails to open.
const AAD = Buffer.from(`berth ${CLUSTER_SECRETS_KEY} v1`);

const deriveKey = (token: string, salt: Buffer, kdf: { N: number; r: number; p: number }) =>
  scryptAsync(token, salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: MAXMEM });

export async function sealSecrets(secrets: ClusterSecrets, token: string): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(token, salt, KDF);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(AAD);
  const plain = JSON.stringify({ caCert: secrets.caCert, caKey: secrets.caKey, saPrivateKey: secrets.saPrivateKey });
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const sealed: Sealed = {
    version: 1,
    kdf: { name: "scrypt", ...KDF, salt: salt.toString("base64") },
    cipher: "aes-256-gcm",
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    data: data.toString("base64"),
  };
  return JSON.stringify(sealed);
}

const MISMATCH = "--token does not match the cluster stored in the datastore";

export async function openSecrets(value: string, token: string): Promise<ClusterSecrets> {
  let sealed: Sealed;
  try {
    sealed = JSON.parse(value) as Sealed;
  } catch {
    throw new ClusterSecretsError("Malformed", `the cluster secrets at ${CLUSTER_SECRETS_KEY} in the datastore are not readable`);
  }
  if (sealed?.version !== 1 || sealed.kdf?.name !== "scrypt" || sealed.cipher !== "aes-256-gcm") {
    throw new ClusterSecretsError("Malformed", `the cluster secrets at ${CLUSTER_SECRETS_KEY} in the datastore have an unknown format (written by a newer Berth?)`);
  }
  const { N, r, p } = sealed.kdf;
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20 || 128 * N * r > MAXMEM) {
    throw new ClusterSecretsError("Malformed", `the cluster secrets at ${CLUSTER_SECRETS_KEY} in the datastore have invalid key-derivation parameters`);
  }
  const key = await deriveKey(token, Buffer.from(sealed.kdf.salt, "base64"), { N, r, p });
  let plain: string;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
    plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString("utf8");
  } catch {
    // GCM authentication fails for any other token: the one answer that needs no string matching.
    throw new ClusterSecretsError("TokenMismatch", MISMATCH);
  }
  const s = JSON.parse(plain) as ClusterSecrets;
  return { caCert: s.caCert, caKey: s.caKey, saPrivateKey: s.saPrivateKey };
}

export interface SharedSecretsOptions {
  storage: Storage;
  /** --token, or the token remembered in the data dir; undefined when neither exists (a new one is made if this
   * server is the first; the caller remembers the returned token). */
  token: string | undefined;
  /** This server's own secrets (its data dir's CA and keys, created if absent): offered when the datastore has none. */
  local: () => Promise<ClusterSecrets>;
}

export interface SharedSecrets {
  secrets: ClusterSecrets;
  token: string;
  /** Whether this server stored them (first server on the datastore) or found them (joined). */
  origin: "stored" | "joined";
}

/**
 * Loads the cluster's secrets from the datastore, or stores this server's if there are none yet. Several servers
 * starting at once race on the datastore's create-if-absent; the losers load the winner's.
 */
export async function loadOrStoreClusterSecrets(opts: SharedSecretsOptions): Promise<SharedSecrets> {
  let existing = await opts.storage.get(CLUSTER_SECRETS_KEY);
  if (!existing) {
    const token = opts.token ?? randomBytes(24).toString("hex");
    const secrets = await opts.local();
    try {
      await opts.storage.create(CLUSTER_SECRETS_KEY, await sealSecrets(secrets, token));
      return { secrets, token, origin: "stored" };
    } catch (err) {
      if (!(err instanceof StorageError && err.code === "KeyExists")) throw err;
      existing = await opts.storage.get(CLUSTER_SECRETS_KEY);
      if (!existing) throw err;
    }
  }
  if (opts.token === undefined) {
    throw new ClusterSecretsError("TokenRequired",
      "the datastore already holds a cluster: --token is required to join it (the token of its first server, in that server's <data-dir>/token)");
  }
  return { secrets: await openSecrets(existing.value, opts.token), token: opts.token, origin: "joined" };
}

/**
 * Writes the shared secrets into a PKI directory, replacing what differs; returns whether anything changed.
 * ensureClusterPki then reissues the leaf certificates the new CA did not sign.
 */
export async function installPkiSecrets(dir: string, secrets: ClusterSecrets): Promise<boolean> {
  let changed = false;
  for (const [f, mode] of [["caCert", 0o644], ["caKey", 0o600], ["saPrivateKey", 0o600]] as const) {
    const path = join(dir, PKI_FILES[f]);
    if ((await readIfExists(path)) === secrets[f]) continue;
    await writeFileAtomic(path, secrets[f], mode);
    changed = true;
  }
  return changed;
}
