import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRequestInfo } from "./request-info.ts";

const info = (method: string, path: string) => parseRequestInfo(method, path, new URLSearchParams());

test("namespaced collections, objects and subresources", () => {
  assert.deepEqual(info("GET", "/api/v1/namespaces/ns/pods/p/status"), { kind: "resource", verb: "get", group: "", version: "v1", namespace: "ns", resource: "pods", name: "p", subresource: "status" });
  assert.deepEqual(info("DELETE", "/apis/apps/v1/namespaces/ns/deployments"), { kind: "resource", verb: "deletecollection", group: "apps", version: "v1", namespace: "ns", resource: "deployments", name: undefined, subresource: undefined });
});

test("a Namespace's status and finalize are its own subresources", () => {
  assert.deepEqual(info("PUT", "/api/v1/namespaces/team/finalize"), { kind: "resource", verb: "update", group: "", version: "v1", namespace: undefined, resource: "namespaces", name: "team", subresource: "finalize" });
  assert.deepEqual(info("PUT", "/api/v1/namespaces/team/status"), { kind: "resource", verb: "update", group: "", version: "v1", namespace: undefined, resource: "namespaces", name: "team", subresource: "status" });
  assert.equal((info("GET", "/api/v1/namespaces/team/configmaps") as { namespace?: string }).namespace, "team");
});
