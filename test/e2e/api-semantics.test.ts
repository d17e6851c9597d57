// End-to-end over raw HTTPS: Status errors for bad input, resourceVersion semantics, paging, watch resume
// and 410 for compacted versions, Table and metadata renderings.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { TestCluster } from "./harness.ts";

let c: TestCluster;
let session: http2.ClientHttp2Session;

before(async () => {
  c = await TestCluster.start();
  const kc = parseYaml(await readFile(c.kubeconfig, "utf8"));
  const b64 = (s: string) => Buffer.from(s, "base64");
  session = http2.connect(kc.clusters[0].cluster.server, {
    ca: b64(kc.clusters[0].cluster["certificate-authority-data"]),
    cert: b64(kc.users[0].user["client-certificate-data"]),
    key: b64(kc.users[0].user["client-key-data"]),
  });
});
after(async () => { session?.close(); await c?.destroy(); });

interface Reply { status: number; body: any; text: string; headers: http2.IncomingHttpHeaders }

function call(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ":method": method, ":path": path, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers });
    let text = "";
    let status = 0;
    let hdrs: http2.IncomingHttpHeaders = {};
    req.setEncoding("utf8");
    req.on("response", (h) => { status = Number(h[":status"]); hdrs = h; });
    req.on("data", (d) => { text += d; });
    req.on("end", () => {
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch { parsed = undefined; }
      resolve({ status, body: parsed, text, headers: hdrs });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const cm = (name: string, data: Record<string, string> = {}) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });
const secret = (name: string) => JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name }, stringData: { k: name } });

test("bad input gets a Status with upstream's code and reason, never a crash", async () => {
  const malformed = await call("POST", "/api/v1/namespaces/default/configmaps", "{not json");
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.kind, "Status");
  assert.equal(malformed.body.reason, "BadRequest");

  const huge = await call("POST", "/api/v1/namespaces/default/configmaps", cm("huge", { a: "x".repeat(3 * 1024 * 1024 + 10) }));
  assert.equal(huge.status, 413);
  assert.equal(huge.body.reason, "RequestEntityTooLarge");

  const unknown = await call("GET", "/api/v1/namespaces/default/widgets");
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.reason, "NotFound");

  const wrongKind = await call("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" } }));
  assert.equal(wrongKind.status, 400);

  const invalid = await call("POST", "/apis/apps/v1/namespaces/default/deployments", JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: -1, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c" }] } } } }));
  assert.equal(invalid.status, 422);
  assert.equal(invalid.body.reason, "Invalid");
  const fields = invalid.body.details.causes.map((x: { field: string }) => x.field).sort();
  assert.deepEqual(fields, ["spec.replicas", "spec.template.spec.containers[0].image"]);
  assert.match(invalid.body.message, /^Deployment\.apps "d" is invalid: \[/);

  const wrongType = await call("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "typed" }, data: { a: 1 } }));
  assert.equal(wrongType.status, 400, wrongType.text);
  assert.equal(wrongType.body.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data.a of type string');
  const stringReplicas = await call("POST", "/apis/apps/v1/namespaces/default/deployments", JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "typed" }, spec: { replicas: "3" } }));
  assert.equal(stringReplicas.status, 400);
  assert.match(stringReplicas.body.message, /cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32/);
  const crds = await call("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
  assert.deepEqual(crds.body.items, []);
  assert.equal((await call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "{}")).status, 405);

  const badPatch = await call("PATCH", "/api/v1/namespaces/default/configmaps/nope", "{}", { "content-type": "application/merge-patch+json" });
  assert.equal(badPatch.status, 404);
  const badType = await call("PATCH", "/api/v1/namespaces/default/configmaps/nope", "{}", { "content-type": "text/plain" });
  assert.equal(badType.status, 415);

  // The server is still healthy after all of the above.
  assert.equal((await call("GET", "/readyz")).status, 200);
});

test("update is compare-and-swap on resourceVersion; dry-run writes nothing", async () => {
  const created = await call("POST", "/api/v1/namespaces/default/configmaps", cm("cas", { v: "1" }));
  assert.equal(created.status, 201);
  const rv = created.body.metadata.resourceVersion;
  const ok = await call("PUT", "/api/v1/namespaces/default/configmaps/cas", JSON.stringify({ ...created.body, data: { v: "2" } }));
  assert.equal(ok.status, 200);
  assert.ok(Number(ok.body.metadata.resourceVersion) > Number(rv));
  const stale = await call("PUT", "/api/v1/namespaces/default/configmaps/cas", JSON.stringify({ ...created.body, data: { v: "3" } }));
  assert.equal(stale.status, 409);
  assert.equal(stale.body.reason, "Conflict");
  const dry = await call("PUT", "/api/v1/namespaces/default/configmaps/cas?dryRun=All", JSON.stringify({ ...ok.body, data: { v: "dry" } }));
  assert.equal(dry.status, 200);
  assert.equal(dry.body.data.v, "dry");
  assert.equal((await call("GET", "/api/v1/namespaces/default/configmaps/cas")).body.data.v, "2");
  const gen = await call("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "gen-" } }));
  assert.match(gen.body.metadata.name, /^gen-[a-z0-9]{5}$/);
});

// Secrets: unlike ConfigMaps (kube-root-ca.crt), controllers add none to a new namespace.
test("paging with limit/continue is consistent at the first page's revision", async () => {
  await call("POST", "/api/v1/namespaces", JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "paging" } }));
  for (let i = 0; i < 10; i++) await call("POST", "/api/v1/namespaces/paging/secrets", secret(`p${i}`));
  const first = await call("GET", "/api/v1/namespaces/paging/secrets?limit=4");
  assert.equal(first.body.items.length, 4);
  assert.ok(first.body.metadata.continue);
  assert.equal(first.body.metadata.remainingItemCount, 6);
  // Changes after the first page do not show up in later pages.
  await call("POST", "/api/v1/namespaces/paging/secrets", secret("p99"));
  await call("DELETE", "/api/v1/namespaces/paging/secrets/p9");
  const names = first.body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
  let token = first.body.metadata.continue;
  while (token) {
    const page = await call("GET", `/api/v1/namespaces/paging/secrets?limit=4&continue=${encodeURIComponent(token)}`);
    assert.equal(page.status, 200);
    assert.equal(page.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
    names.push(...page.body.items.map((i: { metadata: { name: string } }) => i.metadata.name));
    token = page.body.metadata.continue;
  }
  assert.deepEqual(names, Array.from({ length: 10 }, (_, i) => `p${i}`));
  const exact = await call("GET", `/api/v1/namespaces/paging/secrets?resourceVersion=${first.body.metadata.resourceVersion}&resourceVersionMatch=Exact`);
  assert.equal(exact.body.items.length, 10);
  const badToken = await call("GET", "/api/v1/namespaces/paging/secrets?limit=1&continue=garbage");
  assert.equal(badToken.status, 400);
});

test("watch resumes from a resourceVersion with every change after it", async () => {
  const start = await call("GET", "/api/v1/namespaces/default/configmaps");
  const rv = start.body.metadata.resourceVersion;
  await call("POST", "/api/v1/namespaces/default/configmaps", cm("w-a"));
  await call("DELETE", "/api/v1/namespaces/default/configmaps/w-a");
  const events = await new Promise<{ type: string; object: { metadata: { name: string } } }[]>((resolve, reject) => {
    const req = session.request({ ":path": `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=1` });
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (d) => { text += d; });
    req.on("end", () => resolve(text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))));
    req.on("error", reject);
    req.end();
  });
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ["ADDED w-a", "DELETED w-a"]);
});

test("Table and PartialObjectMetadata renderings", async () => {
  const table = await call("GET", "/api/v1/namespaces", undefined, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
  assert.equal(table.body.kind, "Table");
  assert.deepEqual(table.body.columnDefinitions.map((d: { name: string }) => d.name), ["Name", "Status", "Age"]);
  assert.ok(table.body.rows.some((r: { cells: string[] }) => r.cells[0] === "default" && r.cells[1] === "Active"));
  const meta = await call("GET", "/api/v1/namespaces", undefined, { accept: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io" });
  assert.equal(meta.body.kind, "PartialObjectMetadataList");
  assert.equal(meta.body.items[0].kind, "PartialObjectMetadata");
  assert.equal(meta.body.items[0].spec, undefined);
  const refused = await call("GET", "/api/v1/namespaces", undefined, { accept: "application/vnd.kubernetes.protobuf" });
  assert.equal(refused.status, 406);
});

test("aggregated discovery and OpenAPI documents are served with ETags", async () => {
  const agg = await call("GET", "/apis", undefined, { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" });
  assert.equal(agg.body.kind, "APIGroupDiscoveryList");
  assert.match(String(agg.headers["content-type"]), /as=APIGroupDiscoveryList/);
  const apps = agg.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === "apps");
  const deploy = apps.versions[0].resources.find((r: { resource: string }) => r.resource === "deployments");
  assert.deepEqual(deploy.subresources.map((s: { subresource: string }) => s.subresource).sort(), ["scale", "status"]);
  const root = await call("GET", "/openapi/v3");
  const url = root.body.paths["apis/apps/v1"].serverRelativeURL;
  const doc = await call("GET", url);
  assert.ok(doc.body.components.schemas["io.k8s.api.apps.v1.Deployment"]);
  const again = await call("GET", url, undefined, { "if-none-match": String(doc.headers.etag) });
  assert.equal(again.status, 304);
});

test("autoscaling/v1 and v2 are two views of the same HorizontalPodAutoscaler", async () => {
  const v1 = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "web" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 } };
  const created = await call("POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", JSON.stringify(v1));
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.apiVersion, "autoscaling/v1");
  assert.equal(created.body.spec.targetCPUUtilizationPercentage, 70);
  const asV2 = await call("GET", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web");
  assert.equal(asV2.body.apiVersion, "autoscaling/v2");
  assert.deepEqual(asV2.body.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
  assert.equal(asV2.body.metadata.uid, created.body.metadata.uid);
  const patched = await call("PATCH", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web", JSON.stringify({ spec: { maxReplicas: 9 } }), { "content-type": "application/merge-patch+json" });
  assert.equal(patched.status, 200);
  const list = await call("GET", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers");
  assert.equal(list.body.kind, "HorizontalPodAutoscalerList");
  assert.equal(list.body.items[0].apiVersion, "autoscaling/v1");
  assert.equal(list.body.items[0].spec.maxReplicas, 9);
  assert.equal(list.body.items[0].spec.targetCPUUtilizationPercentage, 70);
});

test("events.k8s.io/v1 Events are the core/v1 Events kubectl shows", async () => {
  const ev = {
    apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "web.17a" },
    eventTime: "2026-01-01T00:00:00.000000Z", reportingController: "example.com/controller", reportingInstance: "i-1",
    action: "Scale", reason: "ScalingReplicaSet", note: "Scaled up replica set web-1 to 3", type: "Normal",
    regarding: { kind: "Deployment", namespace: "default", name: "web", apiVersion: "apps/v1" },
  };
  const created = await call("POST", "/apis/events.k8s.io/v1/namespaces/default/events", JSON.stringify(ev));
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.note, ev.note);
  const core = await call("GET", "/api/v1/namespaces/default/events/web.17a");
  assert.equal(core.body.message, ev.note);
  assert.equal(core.body.involvedObject.name, "web");
  assert.equal(core.body.metadata.uid, created.body.metadata.uid);
  const byObject = await call("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb");
  assert.deepEqual(byObject.body.items.map((e: { metadata: { name: string } }) => e.metadata.name), ["web.17a"]);
  const list = await call("GET", "/apis/events.k8s.io/v1/namespaces/default/events");
  assert.equal(list.body.items[0].apiVersion, "events.k8s.io/v1");
  assert.equal(list.body.items[0].regarding.kind, "Deployment");
});
