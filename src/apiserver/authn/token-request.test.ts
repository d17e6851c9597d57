import { test } from "node:test";
import assert from "node:assert/strict";
import type { ServiceAccount } from "kubernetes-types/core/v1";
import { decodeJwt } from "jose";
import { StatusError } from "../../api/errors.ts";
import { generateKeyPem, publicKeyPem } from "../../util/pki/keys.ts";
import { createAuthenticator } from "./authenticator.ts";
import { handleTokenRequest } from "./token-request.ts";
import type { BoundObject, TokenRequestOptions } from "./token-request.ts";

const privateKeyPem = await generateKeyPem();
const sa: ServiceAccount = { metadata: { name: "builder", namespace: "ci", uid: "sa-uid" } };
const objects = new Map<string, BoundObject>([
  ["Pod/ci/runner", { uid: "pod-uid", serviceAccountName: "builder", nodeName: "n1" }],
  ["Pod/ci/other", { uid: "pod-uid-2", serviceAccountName: "default" }],
  ["Node//n1", { uid: "node-uid" }],
]);
const opts: TokenRequestOptions = {
  privateKeyPem,
  getBoundObject: async (kind, ns, name) => objects.get(`${kind}/${ns}/${name}`),
};
const authn = createAuthenticator({
  saPublicKeyPem: publicKeyPem(privateKeyPem),
  lookupServiceAccount: async (ns, name) => (ns === "ci" && name === "builder" ? { uid: "sa-uid" } : undefined),
  lookupBoundObject: async (kind, ns, name, uid) => objects.get(`${kind}/${ns}/${name}`)?.uid === uid,
});

function rejectsWith(code: number, check: (e: StatusError) => void = () => {}) {
  return (err: unknown) => {
    assert.ok(err instanceof StatusError, String(err));
    assert.equal(err.code, code, err.message);
    check(err);
    return true;
  };
}

test("an empty request gets the defaults and a token the API server accepts", async () => {
  const now = new Date("2030-05-06T07:08:09Z");
  const out = await handleTokenRequest({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} }, sa, { ...opts, now });
  assert.equal(out.kind, "TokenRequest");
  assert.deepEqual(out.metadata, { name: "builder", namespace: "ci", creationTimestamp: "2030-05-06T07:08:09Z" });
  assert.equal(out.spec.expirationSeconds, 3600);
  assert.deepEqual(out.spec.audiences, ["https://kubernetes.default.svc.cluster.local"]);
  assert.equal(out.status?.expirationTimestamp, "2030-05-06T08:08:09Z");
  assert.equal(decodeJwt(out.status!.token).exp, Date.parse("2030-05-06T08:08:09Z") / 1000);

  const live = await handleTokenRequest({}, sa, opts);
  const user = await authn.authenticate({ authorization: `Bearer ${live.status!.token}` });
  assert.equal(user?.username, "system:serviceaccount:ci:builder");
  assert.equal(user?.uid, "sa-uid");
});

test("expirationSeconds below 10 minutes or above 2^32 is a 422 on spec.expirationSeconds", async () => {
  await assert.rejects(handleTokenRequest({ spec: { expirationSeconds: 599 } }, sa, opts), rejectsWith(422, (e) => {
    assert.equal(e.reason, "Invalid");
    assert.equal(e.status.details?.kind, "TokenRequest");
    assert.equal(e.status.details?.group, "authentication.k8s.io");
    assert.deepEqual(e.status.details?.causes, [{
      reason: "FieldValueInvalid", field: "spec.expirationSeconds",
      message: "Invalid value: 599: may not specify a duration less than 10 minutes",
    }]);
  }));
  await assert.rejects(handleTokenRequest({ spec: { expirationSeconds: 2 ** 32 + 1 } }, sa, opts),
    rejectsWith(422, (e) => assert.match(e.message, /may not specify a duration larger than 2\^32 seconds/)));
  assert.equal((await handleTokenRequest({ spec: { expirationSeconds: 600 } }, sa, opts)).spec.expirationSeconds, 600);
  assert.equal((await handleTokenRequest({ spec: { expirationSeconds: 2 ** 32 } }, sa, opts)).spec.expirationSeconds, 2 ** 32);
});

test("requested audiences are kept", async () => {
  const out = await handleTokenRequest({ spec: { audiences: ["vault"] } }, sa, opts);
  assert.deepEqual(decodeJwt(out.status!.token).aud, ["vault"]);
  assert.equal(await authn.authenticate({ authorization: `Bearer ${out.status!.token}` }).catch((e) => e.code), 401);
});

test("a name or namespace in the body must match the service account", async () => {
  await assert.rejects(handleTokenRequest({ metadata: { name: "other" }, spec: {} }, sa, opts),
    rejectsWith(422, (e) => assert.equal(e.status.details?.causes?.[0].field, "metadata.name")));
  await assert.rejects(handleTokenRequest({ metadata: { namespace: "prod" }, spec: {} }, sa, opts),
    rejectsWith(422, (e) => assert.equal(e.status.details?.causes?.[0].field, "metadata.namespace")));
  await assert.rejects(handleTokenRequest("nope", sa, opts), rejectsWith(400));
});

test("binding to a pod records the pod and its node, and the token dies with the pod", async () => {
  const out = await handleTokenRequest({ spec: { boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "runner" } } }, sa, opts);
  assert.deepEqual(decodeJwt(out.status!.token)["kubernetes.io"], {
    namespace: "ci", serviceaccount: { name: "builder", uid: "sa-uid" },
    pod: { name: "runner", uid: "pod-uid" }, node: { name: "n1", uid: "node-uid" },
  });
  const user = await authn.authenticate({ authorization: `Bearer ${out.status!.token}` });
  assert.deepEqual(user?.extra?.["authentication.kubernetes.io/pod-name"], ["runner"]);
  assert.deepEqual(user?.extra?.["authentication.kubernetes.io/node-name"], ["n1"]);
  const saved = objects.get("Pod/ci/runner")!;
  objects.delete("Pod/ci/runner");
  try {
    await assert.rejects(authn.authenticate({ authorization: `Bearer ${out.status!.token}` }), rejectsWith(401));
  } finally {
    objects.set("Pod/ci/runner", saved);
  }
});

test("bad bindings are refused the way upstream refuses them", async () => {
  const bind = (ref: object) => handleTokenRequest({ spec: { boundObjectRef: ref } }, sa, opts);
  await assert.rejects(bind({ kind: "Pod", apiVersion: "v1", name: "missing" }), rejectsWith(404, (e) => assert.equal(e.message, 'pods "missing" not found')));
  await assert.rejects(bind({ kind: "Pod", apiVersion: "v1", name: "other" }), rejectsWith(400, (e) =>
    assert.equal(e.message, 'cannot bind token for serviceaccount "builder" to pod running with different serviceaccount name.')));
  await assert.rejects(bind({ kind: "Pod", apiVersion: "v1", name: "runner", uid: "stale" }), rejectsWith(409));
  await assert.rejects(bind({ kind: "ConfigMap", apiVersion: "v1", name: "x" }), rejectsWith(400, (e) =>
    assert.equal(e.message, "cannot bind token to object of type /v1, Kind=ConfigMap")));
  await assert.rejects(bind({ kind: "Pod", apiVersion: "apps/v1", name: "runner" }), rejectsWith(400));
  const nodeBound = await bind({ kind: "Node", apiVersion: "v1", name: "n1", uid: "node-uid" });
  assert.deepEqual(decodeJwt(nodeBound.status!.token)["kubernetes.io"], {
    namespace: "ci", serviceaccount: { name: "builder", uid: "sa-uid" }, node: { name: "n1", uid: "node-uid" },
  });
});
