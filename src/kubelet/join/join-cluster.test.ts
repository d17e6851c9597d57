import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { TestApi } from "../../../test/support/api-server.ts";
import { HttpsTransport } from "../../client/https-transport.ts";
import { readAll } from "../../client/transport.ts";
import { Client } from "../../client/rest-client.ts";
import { loadKubeconfig } from "../../client/kubeconfig.ts";
import { CA_CERTS_PATH, CA_SIGNATURE_HEADER, NODE_BOOTSTRAP_USER, NODE_CREDENTIALS_PATH, caSignature } from "../../util/pki/node-join.ts";
import { nodeCredentialsIssuer } from "../../util/pki/node-credentials.ts";
import { joinCluster } from "./join-cluster.ts";
import { JoinError } from "./join-error.ts";
import { requestNodeCredentials } from "./request-credentials.ts";
import { CREDENTIAL_FILES } from "./stored-credentials.ts";

const TOKEN = "join-token-0123456789abcdef";

async function withCluster(fn: (api: TestApi, dir: string, issued: () => number) => Promise<void>): Promise<void> {
  let issued = 0;
  const api = await startTestApi({
    staticTokens: new Map([[TOKEN, { username: NODE_BOOTSTRAP_USER, groups: ["system:bootstrappers"] }], ["other-token", { username: "someone", groups: [] }]]),
    nodeJoin: (pki) => {
      const issue = nodeCredentialsIssuer(pki);
      return { caPem: pki.caCert, token: TOKEN, issueNodeCredentials: (req) => (issued++, issue(req)) };
    },
  });
  const dir = await mkdtemp(join(tmpdir(), "berth-join-"));
  try {
    await fn(api, dir, () => issued);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await api.close();
  }
}

async function request(api: TestApi, path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const t = new HttpsTransport({ server: `https://127.0.0.1:${api.port}`, insecure: true, token: init.token });
  try {
    const res = await t.request({ method: init.method ?? "GET", path, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    return { status: res.status, headers: res.headers, body: await readAll(res.body) };
  } finally {
    t.close();
  }
}

test("cacerts hands out the CA signed with the token, without authentication", () => withCluster(async (api) => {
  const res = await request(api, CA_CERTS_PATH);
  assert.equal(res.status, 200);
  assert.equal(res.body, api.caPem);
  assert.equal(res.headers[CA_SIGNATURE_HEADER], caSignature(TOKEN, api.caPem));
  assert.notEqual(res.headers[CA_SIGNATURE_HEADER], caSignature("wrong", api.caPem));
}));

test("node-credentials: 401 without or with a wrong token, 403 for other users, 400 for a bad request", () => withCluster(async (api, _dir, issued) => {
  const body = { nodeName: "n1", addresses: ["10.0.0.5"], hostnames: ["n1"] };
  assert.equal((await request(api, NODE_CREDENTIALS_PATH, { method: "POST", body })).status, 401);
  assert.equal((await request(api, NODE_CREDENTIALS_PATH, { method: "POST", body, token: "wrong" })).status, 401);
  const other = await request(api, NODE_CREDENTIALS_PATH, { method: "POST", body, token: "other-token" });
  assert.equal(other.status, 403);
  assert.equal(JSON.parse(other.body).reason, "Forbidden");
  for (const bad of [{ ...body, nodeName: "Not_A_Name" }, { ...body, addresses: ["not-an-ip"] }, { ...body, hostnames: "n1" }]) {
    assert.equal((await request(api, NODE_CREDENTIALS_PATH, { method: "POST", body: bad, token: TOKEN })).status, 400, JSON.stringify(bad));
  }
  assert.equal(issued(), 0);
}));

test("joinCluster gets node credentials and a kubeconfig that authenticates as the node", () => withCluster(async (api, dir, issued) => {
  const joined = await joinCluster({ server: `https://127.0.0.1:${api.port}`, token: TOKEN, nodeName: "worker-1", addresses: ["127.0.0.1", "10.1.2.3"], hostnames: ["worker-1", "worker-1.lab"], dir });
  assert.equal(issued(), 1);
  assert.equal(joined.caPem, api.caPem);
  const ca = new X509Certificate(api.caPem);
  const serving = new X509Certificate(joined.servingCert);
  assert.ok(serving.verify(ca.publicKey));
  assert.equal(serving.checkIP("10.1.2.3"), "10.1.2.3");
  assert.equal(serving.checkHost("worker-1.lab", { subject: "never" }), "worker-1.lab");
  assert.deepEqual(serving.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
  const client = new X509Certificate(await readFile(join(dir, CREDENTIAL_FILES.clientCert), "utf8"));
  assert.equal(client.subject, "O=system:nodes\nCN=system:node:worker-1");
  for (const f of [CREDENTIAL_FILES.clientKey, CREDENTIAL_FILES.servingKey]) assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f);
  assert.equal((await stat(joined.kubeconfigPath)).mode & 0o777, 0o600);

  const kc = await loadKubeconfig(joined.kubeconfigPath);
  const transport = new HttpsTransport(kc);
  try {
    const review = await new Client(transport).json<{ status: { userInfo: { username: string; groups: string[] } } }>(
      "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
    assert.equal(review.status.userInfo.username, "system:node:worker-1");
    assert.ok(review.status.userInfo.groups.includes("system:nodes"));
  } finally {
    transport.close();
  }

  // A restart reuses what is stored; a new address needs a new serving certificate.
  const again = await joinCluster({ server: `https://127.0.0.1:${api.port}`, token: TOKEN, nodeName: "worker-1", addresses: ["127.0.0.1", "10.1.2.3"], hostnames: ["worker-1"], dir });
  assert.equal(issued(), 1);
  assert.equal(again.servingCert, joined.servingCert);
  const moved = await joinCluster({ server: `https://127.0.0.1:${api.port}`, token: TOKEN, nodeName: "worker-1", addresses: ["127.0.0.1", "10.9.9.9"], hostnames: ["worker-1"], dir });
  assert.equal(issued(), 2);
  assert.equal(new X509Certificate(moved.servingCert).checkIP("10.9.9.9"), "10.9.9.9");
}));

test("stored credentials from another CA are replaced", () => withCluster(async (api, dir, issued) => {
  const opts = { server: `https://127.0.0.1:${api.port}`, token: TOKEN, nodeName: "w", addresses: ["127.0.0.1"], hostnames: ["w"], dir };
  await joinCluster(opts);
  await writeFile(join(dir, CREDENTIAL_FILES.caCert), "-----BEGIN CERTIFICATE-----\nold\n-----END CERTIFICATE-----\n");
  await joinCluster(opts);
  assert.equal(issued(), 2);
  assert.equal(await readFile(join(dir, CREDENTIAL_FILES.caCert), "utf8"), api.caPem);
}));

test("a wrong token fails on the CA signature before any credentials are asked for", () => withCluster(async (api, dir, issued) => {
  await assert.rejects(
    joinCluster({ server: `https://127.0.0.1:${api.port}`, token: "not-the-token", nodeName: "w", addresses: [], hostnames: [], dir }),
    (err: Error) => err instanceof JoinError && /the CA signature does not match the token/.test(err.message),
  );
  assert.equal(issued(), 0);
}));

test("a token the server does not accept is reported as refused", () => withCluster(async (api) => {
  const req = { nodeName: "w", addresses: [], hostnames: [] };
  for (const token of ["not-the-token", "other-token"]) {
    await assert.rejects(requestNodeCredentials(`https://127.0.0.1:${api.port}`, api.caPem, token, req),
      (err: Error) => err instanceof JoinError && /the server refused the join token/.test(err.message));
  }
}));
