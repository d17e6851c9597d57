// Real kubectl against a tiny HTTP server that serves only discovery and these documents: explain must resolve
// fields through OpenAPI v3, and --validate=strict must find fieldValidation support there (not fall back to
// client-side validation, which would fetch /openapi/v2).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { AddressInfo } from "node:net";
import { resourceTypes } from "../../api/resources.ts";
import { apiVersionOf } from "../../api/scheme.ts";
import { openapiV3DocumentBody, openapiV3RootBody } from "./v3.ts";
import { openapiV2Body } from "./v2.ts";

const KUBECTL = "/usr/bin/kubectl";
const run = promisify(execFile);

/** Legacy discovery: enough for kubectl's REST mapper. */
function discovery(url: string): unknown {
  if (url === "/api") return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
  const gvs = [...new Set(resourceTypes.map(apiVersionOf))];
  if (url === "/apis") {
    const groups = [...new Set(resourceTypes.filter((r) => r.group).map((r) => r.group))].map((name) => {
      const versions = gvs.filter((gv) => gv.startsWith(`${name}/`)).map((gv) => ({ groupVersion: gv, version: gv.split("/")[1]! }));
      return { name, versions, preferredVersion: versions[0] };
    });
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }
  const gv = url === "/api/v1" ? "v1" : url.replace(/^\/apis\//, "");
  if (!gvs.includes(gv)) return undefined;
  const resources = resourceTypes.filter((r) => apiVersionOf(r) === gv).flatMap((r) => [
    { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs], shortNames: r.shortNames },
    ...(r.status ? [{ name: `${r.plural}/status`, singularName: "", namespaced: r.namespaced, kind: r.kind, verbs: ["get", "patch", "update"] }] : []),
  ]);
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources };
}

let server: http.Server;
let dir: string;
const requests: string[] = [];
const posted: URL[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    requests.push(url.pathname);
    const send = (code: number, body: Buffer | string) => res.writeHead(code, { "content-type": "application/json" }).end(body);
    if (req.method === "POST") {
      // Echo the object, as a server-side dry-run create answers.
      posted.push(url);
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => send(201, Buffer.concat(chunks)));
      return;
    }
    if (url.pathname === "/openapi/v3") return send(200, openapiV3RootBody(resourceTypes).body);
    if (url.pathname.startsWith("/openapi/v3/")) {
      const doc = openapiV3DocumentBody(resourceTypes, url.pathname.slice("/openapi/v3/".length));
      return doc ? send(200, doc.body) : send(404, "{}");
    }
    if (url.pathname === "/openapi/v2") return send(200, openapiV2Body(resourceTypes).body);
    if (url.pathname === "/version") return send(200, JSON.stringify({ major: "1", minor: "32", gitVersion: "v1.32.0" }));
    const doc = discovery(url.pathname);
    return doc ? send(200, JSON.stringify(doc)) : send(404, JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-openapi-"));
  fs.writeFileSync(path.join(dir, "config"), [
    "apiVersion: v1", "kind: Config", "current-context: t",
    "clusters: [{name: t, cluster: {server: 'http://127.0.0.1:" + port + "'}}]",
    "users: [{name: t, user: {}}]",
    "contexts: [{name: t, context: {cluster: t, user: t, namespace: default}}]",
  ].join("\n"));
});

after(() => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const kubectl = async (...args: string[]) =>
  (await run(KUBECTL, [`--kubeconfig=${path.join(dir, "config")}`, `--cache-dir=${path.join(dir, "cache")}`, ...args], {
    env: { PATH: process.env.PATH, HOME: dir },
    timeout: 60_000,
  })).stdout;

test("kubectl explain deployment.spec.replicas reads the v3 document", { timeout: 60_000 }, async () => {
  const out = await kubectl("explain", "deployment.spec.replicas");
  assert.match(out, /GROUP:\s+apps/);
  assert.match(out, /FIELD:\s+replicas <integer>/);
  assert.match(out, /Number of desired pods/);
  assert.ok(requests.includes("/openapi/v3/apis/apps/v1"), requests.join(" "));
});

test("kubectl explain --recursive walks container fields through refs", { timeout: 60_000 }, async () => {
  const out = await kubectl("explain", "pods.spec.containers", "--recursive");
  assert.match(out, /FIELD:\s+containers <\[\]Container>/);
  assert.match(out, /^\s+containerPort\s+<integer> -required-/m);
  assert.match(out, /^\s+livenessProbe\s+<Probe>/m);
  assert.match(out, /^\s+ports\s+<\[\]ContainerPort>/m);
  assert.match(out, /^\s+limits\s+<map\[string\]Quantity>/m);
});

test("kubectl explain on a cluster-scoped rbac kind and a nested IntOrString", { timeout: 60_000 }, async () => {
  assert.match(await kubectl("explain", "clusterroles.rules.verbs"), /FIELD:\s+verbs <\[\]string>/);
  assert.match(await kubectl("explain", "deploy.spec.strategy.rollingUpdate.maxSurge"), /FIELD:\s+maxSurge <IntOrString>/);
});

test("kubectl sees server-side field validation and dry-run support", { timeout: 60_000 }, async () => {
  const file = path.join(dir, "deploy.yaml");
  fs.writeFileSync(file, [
    "apiVersion: apps/v1", "kind: Deployment", "metadata: {name: web, namespace: default}",
    "spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: nginx}]}}}",
  ].join("\n"));
  requests.length = 0;
  const out = await kubectl("create", "-f", file, "--dry-run=server", "--validate=strict", "-o", "name");
  assert.match(out, /deployment.apps\/web/);
  const post = posted.at(-1)!;
  assert.equal(post.pathname, "/apis/apps/v1/namespaces/default/deployments");
  assert.equal(post.searchParams.get("fieldValidation"), "Strict");
  assert.equal(post.searchParams.get("dryRun"), "All");
  assert.ok(!requests.includes("/openapi/v2"), "no client-side validation fallback");
});
