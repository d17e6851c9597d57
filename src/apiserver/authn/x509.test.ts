import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer } from "node:tls";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { StatusError } from "../../api/errors.ts";
import { ensureClusterPki } from "../../util/pki/cluster.ts";
import type { ClusterPki } from "../../util/pki/cluster.ts";
import { generateKeyPem, publicKeyPem } from "../../util/pki/keys.ts";
import { createAuthenticator } from "./authenticator.ts";

const dir = await mkdtemp(join(tmpdir(), "berth-authn-"));
const foreignDir = await mkdtemp(join(tmpdir(), "berth-authn-foreign-"));
test.after(() => Promise.all([rm(dir, { recursive: true, force: true }), rm(foreignDir, { recursive: true, force: true })]));

const pki = await ensureClusterPki(dir, { hostnames: [], ips: ["127.0.0.1"] });
const authn = createAuthenticator({
  saPublicKeyPem: publicKeyPem(await generateKeyPem()),
  staticTokens: new Map([["tok", { username: "someone", groups: [] }]]),
  lookupServiceAccount: async () => undefined,
  lookupBoundObject: async () => false,
});

// One real handshake against a server that asks for client certs but, like the API server, lets cert-less
// clients through so they can present bearer tokens; resolves what the server saw of the client.
async function handshake(server: ClusterPki, client?: { certPem: string; keyPem: string }) {
  const srv = createServer({ key: server.servingKey, cert: server.servingCert, ca: server.caCert, requestCert: true, rejectUnauthorized: false });
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  try {
    const accepted = once(srv, "secureConnection") as Promise<[TLSSocket]>;
    const sock = connect({
      port: (srv.address() as AddressInfo).port, host: "127.0.0.1", servername: "localhost", ca: server.caCert,
      ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
    });
    await once(sock, "secureConnect");
    const [serverSide] = await accepted;
    const seen = { authorized: serverSide.authorized, peer: serverSide.getPeerX509Certificate() };
    sock.destroy();
    serverSide.destroy();
    return seen;
  } finally {
    srv.close();
  }
}

test("the admin certificate authenticates as system:admin in system:masters over real TLS", async () => {
  const conn = await handshake(pki, { certPem: pki.adminCert, keyPem: pki.adminKey });
  assert.equal(conn.authorized, true);
  assert.ok(conn.peer);
  assert.deepEqual(await authn.authenticate({ peerCertificate: conn.peer }), {
    username: "system:admin", groups: ["system:masters", "system:authenticated"],
  });
});

test("issued client certificates map CN and every O", async () => {
  const [node] = await pki.issue([{ client: { commonName: "system:node:n1", organizations: ["system:nodes", "extra"], days: 1 } }]);
  const conn = await handshake(pki, node);
  assert.equal(conn.authorized, true);
  const user = await authn.authenticate({ peerCertificate: conn.peer! });
  assert.deepEqual(user, { username: "system:node:n1", groups: ["system:nodes", "extra", "system:authenticated"] });
});

test("names with commas and plus signs come through as written, not escaped", async () => {
  const [odd] = await pki.issue([{ client: { commonName: "dev, ops+qa", organizations: ["team+a, b/c"], days: 1 } }]);
  const user = await authn.authenticate({ peerCertificate: new X509Certificate(odd.certPem) });
  assert.deepEqual(user, { username: "dev, ops+qa", groups: ["team+a, b/c", "system:authenticated"] });
});

test("a client certificate from another CA fails the handshake's verification", async () => {
  const foreign = await ensureClusterPki(foreignDir, { hostnames: [], ips: [] });
  const conn = await handshake(pki, { certPem: foreign.adminCert, keyPem: foreign.adminKey });
  assert.ok(conn.peer, "the certificate was presented");
  assert.equal(conn.authorized, false);
});

test("a certificate without a common name is a 401 unless a token succeeds", async () => {
  const anon = new X509Certificate((await pki.issue([{ client: { commonName: "", organizations: ["g"], days: 1 } }]))[0]!.certPem);
  await assert.rejects(authn.authenticate({ peerCertificate: anon }), (e: unknown) => e instanceof StatusError && e.code === 401);
  assert.equal((await authn.authenticate({ peerCertificate: anon, authorization: "Bearer tok" }))?.username, "someone");
});

test("a valid certificate wins over a bad token", async () => {
  const admin = new X509Certificate(pki.adminCert);
  assert.equal((await authn.authenticate({ peerCertificate: admin, authorization: "Bearer nope" }))?.username, "system:admin");
});
