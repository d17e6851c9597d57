// End-to-end robustness: garbled versions of valid objects, for every kind a client can create, must get a
// Status (4xx) or succeed — never a 5xx, never a dead server. Seeded, bounded, repeatable.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { TestCluster } from "./harness.ts";
import { resourceTypes } from "../../src/api/resources.ts";

let c: TestCluster;
let session: http2.ClientHttp2Session;
before(async () => {
  c = await TestCluster.start();
  const kc = parseYaml(await readFile(c.kubeconfig, "utf8"));
  const b64 = (s: string) => Buffer.from(s, "base64");
  session = http2.connect(kc.clusters[0].cluster.server, { ca: b64(kc.clusters[0].cluster["certificate-authority-data"]), cert: b64(kc.users[0].user["client-certificate-data"]), key: b64(kc.users[0].user["client-key-data"]) });
});
after(async () => { session?.close(); await c?.destroy(); });

function post(path: string, body: string, contentType = "application/json", method = "POST"): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ":method": method, ":path": path, "content-type": contentType });
    let text = "";
    let status = 0;
    req.setEncoding("utf8");
    req.on("response", (h) => { status = Number(h[":status"]); });
    req.on("data", (d) => { text += d; });
    req.on("end", () => resolve({ status, text }));
    req.on("error", reject);
    req.end(body);
  });
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK: unknown[] = [null, 0, -1, 1.5, 2 ** 53, "", "x", "🙂", true, [], {}, [1, "a"], { a: { b: [] } }, "9999999999999999999999", "10.0.0.1/33",
  [{}], [{ name: "" }], [{ name: "c", image: "i", ports: [{}] }], [{ key: "k", operator: "In" }], "50%", "-5%", [null]];
const FIELDS = ["metadata", "spec", "status", "data", "metadata.labels", "metadata.annotations", "metadata.finalizers", "metadata.ownerReferences",
  "spec.replicas", "spec.selector", "spec.template", "spec.template.spec.containers", "spec.ports", "spec.rules", "spec.type", "spec.clusterIP",
  "metadata.name", "metadata.generateName", "spec.jobTemplate", "spec.schedule", "subsets", "roleRef", "subjects", "value", "rules", "provisioner",
  "spec.containers", "spec.volumes", "spec.template.metadata.labels", "spec.strategy.rollingUpdate.maxSurge", "spec.selector.matchExpressions",
  "spec.template.spec.volumes", "spec.template.spec.initContainers", "spec.minAvailable", "spec.metrics", "spec.backoffLimit", "endpoints", "ports"];

function garble(base: Record<string, unknown>, r: () => number): Record<string, unknown> {
  const obj = structuredClone(base);
  for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
    const path = FIELDS[Math.floor(r() * FIELDS.length)]!.split(".");
    let o = obj as Record<string, unknown>;
    for (const k of path.slice(0, -1)) {
      if (typeof o[k] !== "object" || o[k] === null || Array.isArray(o[k])) o[k] = {};
      o = o[k] as Record<string, unknown>;
    }
    o[path[path.length - 1]!] = structuredClone(JUNK[Math.floor(r() * JUNK.length)]);
  }
  return obj;
}

test("garbled objects of every writable kind never get a 5xx", async () => {
  const r = rng(Number(process.env.FUZZ_SEED ?? 20261122)); // FUZZ_SEED explores other inputs
  const writable = resourceTypes.filter((t) => t.verbs.includes("create"));
  let sent = 0;
  for (const rt of writable) {
    const apiVersion = rt.group ? `${rt.group}/${rt.version}` : rt.version;
    const path = `${rt.group ? `/apis/${rt.group}` : "/api"}/${rt.version}${rt.namespaced ? "/namespaces/default" : ""}/${rt.plural}`;
    for (let i = 0; i < 12; i++) {
      const obj = garble({ apiVersion, kind: rt.kind, metadata: { name: `fuzz-${i}` } }, r);
      const res = await post(path, JSON.stringify(obj));
      sent++;
      assert.ok(res.status < 500, `${rt.kind} ${JSON.stringify(obj)} -> ${res.status} ${res.text}`);
      if (res.status >= 400) assert.equal(JSON.parse(res.text).kind, "Status", res.text);
    }
    // Raw garbage in every accepted encoding.
    for (const [body, type] of [["{\"a\":", "application/json"], ["- : -\n\t:", "application/yaml"], ["k8s\u0000\u0001\u0002", "application/vnd.kubernetes.protobuf"]] as const) {
      const res = await post(path, body, type);
      sent++;
      assert.ok(res.status >= 400 && res.status < 500, `${rt.kind} ${type} garbage -> ${res.status} ${res.text}`);
    }
  }
  assert.ok(sent > 500, `sent ${sent}`);
  assert.equal((await c.kubectl(["get", "--raw", "/readyz"])).code, 0);
});

test("garbled patches of every kind (merge, JSON, strategic, apply) never get a 5xx", async () => {
  const r = rng(Number(process.env.FUZZ_SEED ?? 20261122) + 1);
  // Live objects to patch, made by kubectl so they are valid.
  await c.ok(["create", "deployment", "fz", "--image=busybox"]);
  await c.ok(["create", "configmap", "fz", "--from-literal=a=b"]);
  await c.ok(["create", "service", "clusterip", "fz", "--tcp=80:8080"]);
  await c.ok(["create", "role", "fz", "--verb=get", "--resource=pods"]);
  const targets = ["/apis/apps/v1/namespaces/default/deployments/fz", "/api/v1/namespaces/default/configmaps/fz", "/api/v1/namespaces/default/services/fz", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/fz"];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const patchBodies = (): [string, string][] => {
    const merge = garble({}, r);
    const ops = [pick(["add", "remove", "replace", "move", "copy", "test", "bogus"])].map((op) => ({ op, path: pick(["/spec", "/spec/replicas", "/metadata/labels/x", "/spec/ports/0", "/data/a", "/rules/0/verbs/-", "", "/a~1b", "/spec/template/spec/containers/5"]), from: "/metadata/name", value: structuredClone(pick(JUNK)) }));
    const directives = { spec: { template: { spec: { containers: [{ name: pick(["busybox", "x", ""]), $patch: pick(["delete", "replace", "merge", "nope"]) }] } } }, [`$setElementOrder/${pick(["ports", "containers"])}`]: [pick(JUNK)], $retainKeys: pick(JUNK) };
    return [
      [JSON.stringify(merge), "application/merge-patch+json"],
      [JSON.stringify(ops), "application/json-patch+json"],
      [JSON.stringify(pick([merge, directives])), "application/strategic-merge-patch+json"],
      [JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fz" }, ...garble({}, r) }), "application/apply-patch+yaml"],
    ];
  };
  let sent = 0;
  for (let i = 0; i < 60; i++) {
    for (const target of targets) {
      for (const [body, type] of patchBodies()) {
        const q = type === "application/apply-patch+yaml" ? "?fieldManager=fuzz&force=true" : "";
        const res = await post(target + q, body, type, "PATCH");
        sent++;
        assert.ok(res.status < 500, `${target} ${type} ${body} -> ${res.status} ${res.text}`);
      }
    }
  }
  assert.ok(sent >= 900, `sent ${sent}`);
  assert.equal((await c.kubectl(["get", "--raw", "/readyz"])).code, 0);
});
