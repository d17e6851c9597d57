import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { StatusError } from "../../api/errors.ts";
import { generateKeyPem, publicKeyPem } from "../../util/pki/keys.ts";
import { bearerToken, createAuthenticator } from "./authenticator.ts";
import { issueServiceAccountToken } from "./serviceaccount-token.ts";
import type { IssueTokenOptions } from "./serviceaccount-token.ts";
import type { UserInfo } from "./user.ts";

const ISSUER = "https://kubernetes.default.svc.cluster.local";
const API_AUD = "https://kubernetes.default.svc.cluster.local";
const privateKeyPem = await generateKeyPem();
const otherKeyPem = await generateKeyPem();

// A tiny fake cluster: service accounts and bound objects keyed by "ns/name", with their uids.
function cluster(now?: () => Date) {
  const serviceAccounts = new Map([["default/builder", "sa-uid-1"]]);
  const objects = new Map([["Pod/default/web-0", "pod-uid-1"], ["Secret/default/s1", "sec-uid-1"], ["Node//n1", "node-uid-1"]]);
  const staticTokens = new Map<string, UserInfo>([["s3cret", { username: "bootstrap", groups: ["system:bootstrappers"] }]]);
  const authn = createAuthenticator({
    saPublicKeyPem: publicKeyPem(privateKeyPem),
    issuer: ISSUER,
    staticTokens,
    lookupServiceAccount: async (ns, name) => {
      const uid = serviceAccounts.get(`${ns}/${name}`);
      return uid ? { uid } : undefined;
    },
    lookupBoundObject: async (kind, ns, name, uid) => objects.get(`${kind}/${ns}/${name}`) === uid,
    ...(now ? { now } : {}),
  });
  const auth = (token: string) => authn.authenticate({ authorization: `Bearer ${token}` });
  return { serviceAccounts, objects, authn, auth };
}

const issue = (o: Partial<IssueTokenOptions> = {}) => issueServiceAccountToken({
  privateKeyPem, issuer: ISSUER, namespace: "default", name: "builder", uid: "sa-uid-1",
  audiences: [API_AUD], expirationSeconds: 3600, ...o,
});

async function assert401(p: Promise<unknown>, message?: string) {
  await assert.rejects(p, (err: unknown) => err instanceof StatusError && err.code === 401 && err.reason === "Unauthorized", message);
}

test("issued tokens carry upstream's claim layout", async () => {
  const now = new Date("2025-01-02T03:04:05.678Z");
  const { token, expirationTimestamp } = await issue({ boundObjectRef: { kind: "Pod", name: "web-0", uid: "pod-uid-1" }, podNode: { name: "n1", uid: "node-uid-1" }, now });
  assert.equal(expirationTimestamp, "2025-01-02T04:04:05Z");
  const header = decodeProtectedHeader(token);
  assert.equal(header.alg, "ES256");
  assert.match(header.kid ?? "", /^[A-Za-z0-9_-]{43}$/);
  const c = decodeJwt(token);
  assert.equal(c.iss, ISSUER);
  assert.equal(c.sub, "system:serviceaccount:default:builder");
  assert.deepEqual(c.aud, [API_AUD]);
  assert.equal(c.iat, Math.floor(now.getTime() / 1000));
  assert.equal(c.nbf, c.iat);
  assert.equal(c.exp, c.iat! + 3600);
  assert.match(c.jti ?? "", /^[0-9a-f-]{36}$/);
  assert.deepEqual(c["kubernetes.io"], {
    namespace: "default",
    serviceaccount: { name: "builder", uid: "sa-uid-1" },
    pod: { name: "web-0", uid: "pod-uid-1" },
    node: { name: "n1", uid: "node-uid-1" },
  });
});

test("a valid pod-bound token authenticates as the service account", async () => {
  const { auth } = cluster();
  const { token } = await issue({ boundObjectRef: { kind: "Pod", name: "web-0", uid: "pod-uid-1" } });
  const user = await auth(token);
  assert.deepEqual(user, {
    username: "system:serviceaccount:default:builder",
    uid: "sa-uid-1",
    groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"],
    extra: {
      "authentication.kubernetes.io/pod-name": ["web-0"],
      "authentication.kubernetes.io/pod-uid": ["pod-uid-1"],
      "authentication.kubernetes.io/credential-id": [`JTI=${decodeJwt(token).jti}`],
    },
  });
});

test("a pod-bound token stops working when the pod is gone or recreated", async () => {
  const { auth, objects } = cluster();
  const { token } = await issue({ boundObjectRef: { kind: "Pod", name: "web-0", uid: "pod-uid-1" } });
  objects.set("Pod/default/web-0", "pod-uid-2");
  await assert401(auth(token));
  objects.delete("Pod/default/web-0");
  await assert401(auth(token));
});

test("secret- and node-bound tokens depend on their objects", async () => {
  const { auth, objects } = cluster();
  const secretBound = (await issue({ boundObjectRef: { kind: "Secret", name: "s1", uid: "sec-uid-1" } })).token;
  const nodeBound = (await issue({ boundObjectRef: { kind: "Node", name: "n1", uid: "node-uid-1" } })).token;
  assert.equal((await auth(secretBound))?.username, "system:serviceaccount:default:builder");
  const nodeUser = await auth(nodeBound);
  assert.deepEqual(nodeUser?.extra?.["authentication.kubernetes.io/node-name"], ["n1"]);
  assert.deepEqual(nodeUser?.extra?.["authentication.kubernetes.io/node-uid"], ["node-uid-1"]);
  objects.delete("Secret/default/s1");
  objects.delete("Node//n1");
  await assert401(auth(secretBound));
  await assert401(auth(nodeBound));
});

test("a deleted or re-created service account invalidates its tokens", async () => {
  const { auth, serviceAccounts } = cluster();
  const { token } = await issue();
  assert.ok(await auth(token));
  serviceAccounts.set("default/builder", "sa-uid-2");
  await assert401(auth(token));
  serviceAccounts.delete("default/builder");
  await assert401(auth(token));
});

test("a token that checked out is reused no longer than its validity: its expiry (with leeway) still ends it", async () => {
  let clock = new Date("2026-03-01T12:00:00Z");
  const { auth } = cluster(() => clock);
  // Issued so that it expired 55 s ago: inside the 60 s leeway for 5 more seconds.
  const { token } = await issue({ now: new Date(clock.getTime() - 3655_000) });
  assert.ok(await auth(token));
  clock = new Date(clock.getTime() + 4_000);
  assert.ok(await auth(token), "still inside the leeway");
  clock = new Date(clock.getTime() + 3_000);
  await assert401(auth(token), "past the leeway, though verified 7 s ago");
  // A fresh token keeps working across the reuse window.
  const fresh = (await issue({ now: clock })).token;
  for (const step of [0, 5_000, 10_000, 20_000]) {
    clock = new Date(clock.getTime() + step);
    assert.ok(await auth(fresh));
  }
});

test("expiry is enforced with a small leeway", async () => {
  const { auth } = cluster();
  const hourAgo = new Date(Date.now() - 3600_000);
  await assert401(auth((await issue({ now: new Date(hourAgo.getTime() - 120_000) })).token));
  assert.ok(await auth((await issue({ now: new Date(hourAgo.getTime() - 20_000) })).token), "20s past exp is within leeway");
  await assert401(auth((await issue({ now: new Date(Date.now() + 600_000) })).token), "not valid yet");
});

test("audience must intersect the API audiences", async () => {
  const { auth } = cluster();
  await assert401(auth((await issue({ audiences: ["vault"] })).token));
  assert.ok(await auth((await issue({ audiences: ["vault", API_AUD] })).token));
});

test("forged, tampered and foreign tokens are refused", async () => {
  const { auth } = cluster();
  await assert401(auth((await issue({ privateKeyPem: otherKeyPem })).token));
  await assert401(auth((await issue({ issuer: "https://elsewhere" })).token));

  const [h, p, s] = (await issue()).token.split(".");
  const claims = JSON.parse(Buffer.from(p, "base64url").toString());
  claims["kubernetes.io"].serviceaccount.name = "admin";
  claims.sub = "system:serviceaccount:default:admin";
  await assert401(auth([h, Buffer.from(JSON.stringify(claims)).toString("base64url"), s].join(".")));
  await assert401(auth("not-a-jwt"));
});

test("static tokens authenticate and gain system:authenticated", async () => {
  const { auth } = cluster();
  assert.deepEqual(await auth("s3cret"), { username: "bootstrap", groups: ["system:bootstrappers", "system:authenticated"] });
});

test("no credential means no user; other schemes are not credentials", async () => {
  const { authn } = cluster();
  assert.equal(await authn.authenticate({}), undefined);
  assert.equal(await authn.authenticate({ authorization: "Basic dTpw" }), undefined);
  assert.equal(await authn.authenticate({ authorization: "Bearer " }), undefined);
});

test("bearerToken parses the header the way upstream does", () => {
  assert.equal(bearerToken("Bearer abc"), "abc");
  assert.equal(bearerToken("  bearer abc  "), "abc");
  assert.equal(bearerToken("BEARER abc extra"), "abc");
  assert.equal(bearerToken("Bearer  abc"), undefined);
  assert.equal(bearerToken("Token abc"), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
