import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate, createPublicKey, createSign, createVerify } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLUSTER_DNS_NAMES, PKI_FILES, ensureClusterPki } from "./cluster.ts";

const DAY = 86_400_000;

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), "berth-pki-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("first call creates a CA and leaves that verify against it", () => withDir(async (dir) => {
  const now = new Date();
  const pki = await ensureClusterPki(dir, { hostnames: ["Node-1.example"], ips: ["127.0.0.1", "10.43.0.1", "::1"], now });
  const ca = new X509Certificate(pki.caCert);
  assert.equal(ca.ca, true);
  assert.equal(ca.subject, `CN=berth-ca@${Math.floor(now.getTime() / 1000)}`);
  assert.ok(ca.verify(ca.publicKey), "CA is self-signed");
  const caYears = (new Date(ca.validTo).getTime() - now.getTime()) / (365 * DAY);
  assert.ok(caYears > 9.9 && caYears < 10.1, `CA lifetime ${caYears}y`);

  const serving = new X509Certificate(pki.servingCert);
  assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
  assert.equal(serving.ca, false);
  for (const h of [...CLUSTER_DNS_NAMES, "node-1.example"]) assert.equal(serving.checkHost(h, { subject: "never" }), h);
  for (const ip of ["127.0.0.1", "10.43.0.1", "::1"]) assert.equal(serving.checkIP(ip), ip);
  assert.equal(serving.checkHost("evil.example"), undefined);
  assert.equal(serving.checkIP("10.43.0.2"), undefined);
  assert.deepEqual(serving.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
  const leafDays = (new Date(serving.validTo).getTime() - now.getTime()) / DAY;
  assert.ok(leafDays > 364 && leafDays < 366, `serving lifetime ${leafDays}d`);

  const admin = new X509Certificate(pki.adminCert);
  assert.ok(admin.verify(ca.publicKey));
  assert.equal(admin.subject, "O=system:masters\nCN=system:admin");
  assert.deepEqual(admin.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
  assert.ok(admin.publicKey.equals(new X509Certificate(pki.adminCert).publicKey));

  for (const f of [PKI_FILES.caKey, PKI_FILES.servingKey, PKI_FILES.adminKey, PKI_FILES.saPrivateKey]) {
    assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f);
  }
  const sig = createSign("SHA256").update("x").sign(pki.saPrivateKey);
  assert.ok(createVerify("SHA256").update("x").verify(pki.saPublicKey, sig), "SA key pair matches");
}));

test("a later call reloads everything unchanged", () => withDir(async (dir) => {
  const opts = { hostnames: ["h"], ips: ["127.0.0.1"] };
  const a = await ensureClusterPki(dir, opts);
  const b = await ensureClusterPki(dir, opts);
  for (const k of ["caCert", "caKey", "servingCert", "servingKey", "adminCert", "adminKey", "saPrivateKey", "saPublicKey"] as const) {
    assert.equal(b[k], a[k], k);
  }
}));

test("leaves nearing expiry are renewed under the same CA", () => withDir(async (dir) => {
  const opts = { hostnames: [], ips: ["127.0.0.1"] };
  const a = await ensureClusterPki(dir, { ...opts, now: new Date() });
  const early = await ensureClusterPki(dir, { ...opts, now: new Date(Date.now() + 200 * DAY) });
  assert.equal(early.servingCert, a.servingCert, "not renewed with 165 days left");

  const later = new Date(Date.now() + 300 * DAY);
  const b = await ensureClusterPki(dir, { ...opts, now: later });
  assert.equal(b.caCert, a.caCert);
  assert.equal(b.saPrivateKey, a.saPrivateKey);
  assert.notEqual(b.servingCert, a.servingCert);
  assert.notEqual(b.adminCert, a.adminCert);
  const ca = new X509Certificate(b.caCert);
  for (const pem of [b.servingCert, b.adminCert]) {
    const c = new X509Certificate(pem);
    assert.ok(c.verify(ca.publicKey));
    assert.ok(new Date(c.validTo).getTime() > later.getTime() + 360 * DAY);
  }
  const again = await ensureClusterPki(dir, { ...opts, now: later });
  assert.equal(again.servingCert, b.servingCert, "renewed certs are written back");
}));

test("the serving cert is reissued when a requested name is not covered", () => withDir(async (dir) => {
  const a = await ensureClusterPki(dir, { hostnames: [], ips: ["127.0.0.1"] });
  const b = await ensureClusterPki(dir, { hostnames: ["new-name"], ips: ["127.0.0.1", "192.168.1.5"] });
  assert.notEqual(b.servingCert, a.servingCert);
  assert.equal(b.adminCert, a.adminCert);
  const serving = new X509Certificate(b.servingCert);
  assert.equal(serving.checkHost("new-name", { subject: "never" }), "new-name");
  assert.equal(serving.checkIP("192.168.1.5"), "192.168.1.5");
}));

test("a lost CA is recreated and every leaf reissued under it", () => withDir(async (dir) => {
  const opts = { hostnames: [], ips: ["127.0.0.1"] };
  const a = await ensureClusterPki(dir, opts);
  await rm(join(dir, PKI_FILES.caKey));
  const b = await ensureClusterPki(dir, opts);
  assert.notEqual(b.caCert, a.caCert);
  const ca = new X509Certificate(b.caCert);
  assert.ok(new X509Certificate(b.servingCert).verify(ca.publicKey));
  assert.ok(new X509Certificate(b.adminCert).verify(ca.publicKey));
}));

test("issue mints client certificates under the cluster CA", () => withDir(async (dir) => {
  const pki = await ensureClusterPki(dir, { hostnames: [], ips: ["127.0.0.1"] });
  const [{ certPem, keyPem }] = await pki.issue([{ client: { commonName: "system:node:n1", organizations: ["system:nodes"], days: 30 } }]) as [{ certPem: string; keyPem: string }];
  const cert = new X509Certificate(certPem);
  assert.ok(cert.verify(new X509Certificate(pki.caCert).publicKey));
  assert.equal(cert.subject, "O=system:nodes\nCN=system:node:n1");
  const days = (new Date(cert.validTo).getTime() - Date.now()) / DAY;
  assert.ok(days > 29 && days < 31);
  assert.match(keyPem, /BEGIN PRIVATE KEY/);
  assert.notEqual(keyPem, pki.adminKey);
}));

test("the kubelet client certificate is issued with the others, kept across restarts, reissued under a new CA", () => withDir(async (dir) => {
  const opts = { hostnames: [], ips: ["127.0.0.1"] };
  const a = await ensureClusterPki(dir, opts);
  const cert = new X509Certificate(a.kubeletClientCert);
  assert.equal(cert.subject, "O=system:masters\nCN=kube-apiserver-kubelet-client");
  assert.ok(cert.verify(new X509Certificate(a.caCert).publicKey));
  assert.equal((await ensureClusterPki(dir, opts)).kubeletClientCert, a.kubeletClientCert);
  await rm(join(dir, PKI_FILES.caKey));
  const b = await ensureClusterPki(dir, opts);
  assert.notEqual(b.kubeletClientCert, a.kubeletClientCert);
  assert.ok(new X509Certificate(b.kubeletClientCert).verify(new X509Certificate(b.caCert).publicKey));
}));

test("issue mints several certificates in one go, each with its own key", () => withDir(async (dir) => {
  const pki = await ensureClusterPki(dir, { hostnames: [], ips: ["127.0.0.1"] });
  const [client, serving] = await pki.issue([
    { client: { commonName: "system:node:n1", organizations: ["system:nodes"], days: 30 } },
    { serving: { commonName: "n1", dnsNames: ["n1"], ips: ["10.0.0.5"], days: 30 } },
  ]);
  const ca = new X509Certificate(pki.caCert);
  const c = new X509Certificate(client!.certPem);
  const s = new X509Certificate(serving!.certPem);
  assert.ok(c.verify(ca.publicKey) && s.verify(ca.publicKey));
  assert.equal(c.subject, "O=system:nodes\nCN=system:node:n1");
  assert.equal(s.checkIP("10.0.0.5"), "10.0.0.5");
  assert.deepEqual(s.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
  assert.ok(c.publicKey.equals(createPublicKey(client!.keyPem)) && s.publicKey.equals(createPublicKey(serving!.keyPem)));
  assert.notEqual(client!.keyPem, serving!.keyPem);
}));
