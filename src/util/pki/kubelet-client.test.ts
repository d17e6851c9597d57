import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { ensureClusterPki } from "./cluster.ts";
import { ensureKubeletClientCert } from "./kubelet-client.ts";

test("the kubelet client certificate is issued once under the CA and reused, then reissued for a new CA", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kc-"));
  try {
    const pki = await ensureClusterPki(join(dir, "a"), { hostnames: [], ips: ["127.0.0.1"] });
    const first = await ensureKubeletClientCert(pki, dir);
    const cert = new X509Certificate(first.certPem);
    assert.match(cert.subject, /CN=kube-apiserver-kubelet-client/);
    assert.match(cert.subject, /O=system:masters/);
    assert.ok(cert.checkIssued(new X509Certificate(pki.caCert)));
    assert.equal((await ensureKubeletClientCert(pki, dir)).certPem, first.certPem);
    const other = await ensureClusterPki(join(dir, "b"), { hostnames: [], ips: ["127.0.0.1"] });
    assert.notEqual((await ensureKubeletClientCert(other, dir)).certPem, first.certPem);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
