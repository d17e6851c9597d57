import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "../../storage/sqlite/sqlite-storage.ts";
import { ensureClusterPki } from "../../util/pki/cluster.ts";
import type { ClusterSecrets } from "./shared-secrets.ts";
import { CLUSTER_SECRETS_KEY, ClusterSecretsError, installPkiSecrets, loadOrStoreClusterSecrets, openSecrets, sealSecrets } from "./shared-secrets.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), "berth-secrets-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const SECRETS: ClusterSecrets = { caCert: "CERT", caKey: "CAKEY", saPrivateKey: "SAKEY" };
const rejectsWith = (p: Promise<unknown>, reason: string, message: RegExp) =>
  assert.rejects(p, (err: unknown) => err instanceof ClusterSecretsError && err.reason === reason && message.test(err.message));

test("sealed secrets open with the same token only, and carry no plaintext", async () => {
  const sealed = await sealSecrets(SECRETS, "T");
  assert.ok(!sealed.includes("CAKEY") && !sealed.includes("SAKEY"));
  assert.deepEqual(await openSecrets(sealed, "T"), SECRETS);
  await rejectsWith(openSecrets(sealed, "T2"), "TokenMismatch", /--token does not match the cluster stored in the datastore/);
  // Random salt and IV: sealing twice gives different blobs.
  assert.notEqual(await sealSecrets(SECRETS, "T"), sealed);
  // A tampered ciphertext fails like a wrong token.
  const s = JSON.parse(sealed);
  s.data = Buffer.from(Buffer.from(s.data, "base64").map((b, i) => (i === 0 ? b ^ 1 : b))).toString("base64");
  await rejectsWith(openSecrets(JSON.stringify(s), "T"), "TokenMismatch", /does not match/);
  await rejectsWith(openSecrets("not json", "T"), "Malformed", /not readable/);
});

test("the first server stores its secrets; later ones with the token load them; wrong or missing tokens are refused", () => withDir(async (dir) => {
  const storage = SqliteStorage.open(join(dir, "state.db"));
  try {
    const first = await loadOrStoreClusterSecrets({ storage, token: "T", local: async () => SECRETS });
    assert.equal(first.origin, "stored");
    assert.deepEqual(first.secrets, SECRETS);
    assert.ok(await storage.get(CLUSTER_SECRETS_KEY));

    const other: ClusterSecrets = { caCert: "X", caKey: "Y", saPrivateKey: "Z" };
    const second = await loadOrStoreClusterSecrets({ storage, token: "T", local: async () => assert.fail("not asked") });
    assert.deepEqual(second, { secrets: SECRETS, token: "T", origin: "joined" });
    await rejectsWith(loadOrStoreClusterSecrets({ storage, token: "wrong", local: async () => other }), "TokenMismatch", /--token does not match/);
    await rejectsWith(loadOrStoreClusterSecrets({ storage, token: undefined, local: async () => other }), "TokenRequired", /--token is required to join/);
  } finally {
    await storage.close();
  }
}));

test("without a token the first server makes one; servers racing on an empty datastore agree on one winner", () => withDir(async (dir) => {
  const storage = SqliteStorage.open(join(dir, "state.db"));
  try {
    const made = await loadOrStoreClusterSecrets({ storage, token: undefined, local: async () => SECRETS });
    assert.equal(made.origin, "stored");
    assert.match(made.token, /^[0-9a-f]{48}$/);
    await storage.delete(CLUSTER_SECRETS_KEY);

    const mine = (n: number): ClusterSecrets => ({ caCert: `C${n}`, caKey: `K${n}`, saPrivateKey: `S${n}` });
    const results = await Promise.all([1, 2, 3].map((n) => loadOrStoreClusterSecrets({ storage, token: "T", local: async () => mine(n) })));
    assert.equal(results.filter((r) => r.origin === "stored").length, 1);
    for (const r of results) assert.deepEqual(r.secrets, results.find((x) => x.origin === "stored")!.secrets);
  } finally {
    await storage.close();
  }
}));

test("installing another cluster's CA into a PKI dir makes ensureClusterPki reissue its leaves under that CA", () => withDir(async (dir) => {
  const names = { hostnames: [], ips: ["127.0.0.1"] };
  const a = await ensureClusterPki(join(dir, "a"), names);
  const b = await ensureClusterPki(join(dir, "b"), names);
  assert.equal(await installPkiSecrets(join(dir, "b"), { caCert: a.caCert, caKey: a.caKey, saPrivateKey: a.saPrivateKey }), true);
  assert.equal(await installPkiSecrets(join(dir, "b"), { caCert: a.caCert, caKey: a.caKey, saPrivateKey: a.saPrivateKey }), false);
  const b2 = await ensureClusterPki(join(dir, "b"), names);
  assert.equal(b2.caCert, a.caCert);
  assert.equal(b2.saPublicKey, a.saPublicKey);
  assert.notEqual(b2.servingKey, a.servingKey, "each server keeps its own serving key");
  const ca = new X509Certificate(a.caCert);
  assert.ok(new X509Certificate(b2.servingCert).verify(ca.publicKey));
  assert.ok(new X509Certificate(b2.adminCert).verify(ca.publicKey));
  assert.ok(!new X509Certificate(b.servingCert).verify(ca.publicKey));
}));
