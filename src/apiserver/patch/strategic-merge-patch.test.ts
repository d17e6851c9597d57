import { test } from "node:test";
import assert from "node:assert/strict";
import type { Definitions } from "../../api/openapi/types.ts";
import { StatusError } from "../../api/errors.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

// A slice of upstream's definitions, with the patch extensions where upstream has them.
const core = "io.k8s.api.core.v1";
const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const list = (name: string, mergeKey?: string, strategy?: string) => ({
  type: "array" as const,
  items: ref(name),
  ...(mergeKey ? { "x-kubernetes-patch-merge-key": mergeKey } : {}),
  ...(strategy ? { "x-kubernetes-patch-strategy": strategy } : {}),
});
const strings = { type: "array" as const, items: { type: "string" as const } };
const stringMap = { type: "object" as const, additionalProperties: { type: "string" as const } };

const definitions: Definitions = {
  "io.k8s.api.apps.v1.Deployment": { type: "object", properties: { metadata: ref(`${meta}.ObjectMeta`), spec: ref("io.k8s.api.apps.v1.DeploymentSpec") } },
  "io.k8s.api.apps.v1.DeploymentSpec": {
    type: "object",
    properties: {
      replicas: { type: "integer" },
      strategy: { ...ref("io.k8s.api.apps.v1.DeploymentStrategy"), "x-kubernetes-patch-strategy": "retainKeys" },
      template: ref(`${core}.PodTemplateSpec`),
    },
  },
  "io.k8s.api.apps.v1.DeploymentStrategy": {
    type: "object",
    properties: { type: { type: "string" }, rollingUpdate: ref("io.k8s.api.apps.v1.RollingUpdateDeployment") },
  },
  "io.k8s.api.apps.v1.RollingUpdateDeployment": { type: "object", properties: { maxSurge: {}, maxUnavailable: {} } },
  [`${meta}.ObjectMeta`]: {
    type: "object",
    properties: {
      name: { type: "string" },
      labels: stringMap,
      annotations: stringMap,
      finalizers: { ...strings, "x-kubernetes-patch-strategy": "merge" },
      ownerReferences: list(`${meta}.OwnerReference`, "uid", "merge"),
    },
  },
  [`${meta}.OwnerReference`]: { type: "object", properties: { uid: { type: "string" }, name: { type: "string" }, kind: { type: "string" } } },
  [`${core}.PodTemplateSpec`]: { type: "object", properties: { metadata: ref(`${meta}.ObjectMeta`), spec: ref(`${core}.PodSpec`) } },
  [`${core}.PodSpec`]: {
    type: "object",
    properties: {
      containers: list(`${core}.Container`, "name", "merge"),
      volumes: list(`${core}.Volume`, "name", "merge,retainKeys"),
      tolerations: { ...list(`${core}.Toleration`), "x-kubernetes-list-type": "atomic" },
      nodeSelector: stringMap,
    },
  },
  [`${core}.Container`]: {
    type: "object",
    properties: {
      name: { type: "string" },
      image: { type: "string" },
      args: strings,
      ports: list(`${core}.ContainerPort`, "containerPort", "merge"),
      env: list(`${core}.EnvVar`, "name", "merge"),
      volumeMounts: list(`${core}.VolumeMount`, "mountPath", "merge"),
    },
  },
  [`${core}.ContainerPort`]: { type: "object", properties: { containerPort: { type: "integer" }, protocol: { type: "string" }, name: { type: "string" } } },
  [`${core}.EnvVar`]: { type: "object", properties: { name: { type: "string" }, value: { type: "string" } } },
  [`${core}.VolumeMount`]: { type: "object", properties: { name: { type: "string" }, mountPath: { type: "string" } } },
  [`${core}.Volume`]: {
    type: "object",
    properties: { name: { type: "string" }, configMap: { type: "object" }, secret: { type: "object" }, emptyDir: { type: "object" } },
  },
  [`${core}.Toleration`]: { type: "object", properties: { key: { type: "string" }, operator: { type: "string" }, effect: { type: "string" } } },
};
const schema = { definitions, root: "io.k8s.api.apps.v1.Deployment" };

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null) {
    Object.values(v).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
}

/** Applies with frozen inputs, so any attempt to modify them throws. */
const apply = (doc: unknown, patch: unknown) => applyStrategicMergePatch(deepFreeze(doc), deepFreeze(patch), schema);

const c = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: `${name}:1`, ...extra });
const podSpec = (spec: Record<string, unknown>) => ({ spec: { template: { spec } } });
const labels = (l: Record<string, unknown>) => ({ metadata: { name: "web", labels: l } });

interface Case {
  name: string;
  doc: unknown;
  patch: unknown;
  want: unknown;
}

const cases: Case[] = [
  {
    name: "adds a label and removes one with null; unknown nulls are ignored",
    doc: labels({ app: "web", tier: "front" }),
    patch: { metadata: { labels: { tier: null, track: "stable", gone: null } } },
    want: labels({ app: "web", track: "stable" }),
  },
  {
    name: "changes an image by container name, keeping the other containers and their order",
    doc: podSpec({ containers: [c("a"), c("b", { args: ["x"] }), c("c")] }),
    patch: podSpec({ containers: [{ name: "b", image: "b:2" }] }),
    want: podSpec({ containers: [c("a"), { name: "b", image: "b:2", args: ["x"] }, c("c")] }),
  },
  {
    // As in kubectl's "Update API Objects in Place" walkthrough: the new container comes first.
    name: "adds a container without $setElementOrder: new elements go before server-only ones",
    doc: podSpec({ containers: [c("a"), c("b")] }),
    patch: podSpec({ containers: [c("new")] }),
    want: podSpec({ containers: [c("new"), c("a"), c("b")] }),
  },
  {
    name: "adds a container as kubectl apply/edit sends it, with $setElementOrder",
    doc: podSpec({ containers: [c("a"), c("b")] }),
    patch: podSpec({ "$setElementOrder/containers": [{ name: "a" }, { name: "b" }, { name: "new" }], containers: [c("new")] }),
    want: podSpec({ containers: [c("a"), c("b"), c("new")] }),
  },
  {
    name: "elements the patch names take the patch's order, around the server-only ones",
    doc: podSpec({ containers: [c("a"), c("b"), c("c")] }),
    patch: podSpec({ containers: [{ name: "c", image: "c:2" }, { name: "a", image: "a:2" }] }),
    want: podSpec({ containers: [c("b"), { name: "c", image: "c:2" }, { name: "a", image: "a:2" }] }),
  },
  {
    name: "$setElementOrder alone reorders a list",
    doc: podSpec({ containers: [c("a"), c("b"), c("c")] }),
    patch: podSpec({ "$setElementOrder/containers": [{ name: "c" }, { name: "a" }, { name: "b" }] }),
    want: podSpec({ containers: [c("c"), c("a"), c("b")] }),
  },
  {
    name: "$setElementOrder keeps elements it does not name where the server had them",
    doc: podSpec({ containers: [c("a"), c("b")] }),
    patch: podSpec({ "$setElementOrder/containers": [{ name: "a" }, { name: "x" }], containers: [c("x")] }),
    want: podSpec({ containers: [c("a"), c("x"), c("b")] }),
  },
  {
    name: "removes an env var with $patch: delete and edits another",
    doc: podSpec({ containers: [c("a", { env: [{ name: "A", value: "1" }, { name: "B", value: "2" }, { name: "C", value: "3" }] })] }),
    patch: podSpec({ containers: [{ name: "a", env: [{ name: "B", $patch: "delete" }, { name: "C", value: "4" }] }] }),
    want: podSpec({ containers: [c("a", { env: [{ name: "A", value: "1" }, { name: "C", value: "4" }] })] }),
  },
  {
    name: "merges nested lists by their own merge keys (ports by containerPort, volumeMounts by mountPath)",
    doc: podSpec({ containers: [c("a", { ports: [{ containerPort: 80, name: "http" }], volumeMounts: [{ name: "v", mountPath: "/data" }] })] }),
    patch: podSpec({ containers: [{ name: "a", ports: [{ containerPort: 80, protocol: "TCP" }], volumeMounts: [{ mountPath: "/data", name: "w" }] }] }),
    want: podSpec({ containers: [c("a", { ports: [{ containerPort: 80, name: "http", protocol: "TCP" }], volumeMounts: [{ name: "w", mountPath: "/data" }] })] }),
  },
  {
    name: "switches a Deployment from RollingUpdate to Recreate with $retainKeys",
    doc: { spec: { replicas: 2, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } },
    // What kubectl edit/apply sends: retainKeys plus an explicit null for the dropped field.
    patch: { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: null, type: "Recreate" } } },
    want: { spec: { replicas: 2, strategy: { type: "Recreate" } } },
  },
  {
    name: "$retainKeys inside a merged list element switches a volume's source",
    doc: podSpec({ volumes: [{ name: "v", configMap: { name: "cm" } }, { name: "w", emptyDir: {} }] }),
    patch: podSpec({ volumes: [{ name: "v", $retainKeys: ["name", "secret"], secret: { secretName: "s" } }] }),
    want: podSpec({ volumes: [{ name: "v", secret: { secretName: "s" } }, { name: "w", emptyDir: {} }] }),
  },
  {
    name: "adds a finalizer: a primitive merge list is a set and the new value goes first",
    doc: { metadata: { finalizers: ["a", "b"] } },
    patch: { metadata: { finalizers: ["c", "a"] } },
    want: { metadata: { finalizers: ["c", "a", "b"] } },
  },
  {
    name: "adds a finalizer with $setElementOrder, as kubectl sends it",
    doc: { metadata: { finalizers: ["a", "b"] } },
    patch: { metadata: { "$setElementOrder/finalizers": ["a", "b", "c"], finalizers: ["c"] } },
    want: { metadata: { finalizers: ["a", "b", "c"] } },
  },
  {
    name: "$deleteFromPrimitiveList removes finalizers",
    doc: { metadata: { finalizers: ["a", "b", "c"] } },
    patch: { metadata: { "$setElementOrder/finalizers": ["a", "c"], "$deleteFromPrimitiveList/finalizers": ["b", "zzz"] } },
    want: { metadata: { finalizers: ["a", "c"] } },
  },
  {
    name: "$deleteFromPrimitiveList on a missing list changes nothing",
    doc: { metadata: { name: "x" } },
    patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["b"] } },
    want: { metadata: { name: "x" } },
  },
  {
    name: "merges ownerReferences by uid",
    doc: { metadata: { ownerReferences: [{ uid: "1", name: "rs-a", kind: "ReplicaSet" }] } },
    patch: { metadata: { ownerReferences: [{ uid: "1", name: "rs-b" }, { uid: "2", name: "rs-c", kind: "ReplicaSet" }] } },
    want: { metadata: { ownerReferences: [{ uid: "1", name: "rs-b", kind: "ReplicaSet" }, { uid: "2", name: "rs-c", kind: "ReplicaSet" }] } },
  },
  {
    name: "lists without a merge strategy are replaced whole (tolerations, args)",
    doc: podSpec({ tolerations: [{ key: "a" }, { key: "b" }], containers: [c("a", { args: ["1", "2"] })] }),
    patch: podSpec({ tolerations: [{ key: "c", operator: "Exists" }], containers: [{ name: "a", args: ["3"] }] }),
    want: podSpec({ tolerations: [{ key: "c", operator: "Exists" }], containers: [c("a", { args: ["3"] })] }),
  },
  {
    name: "$patch: replace on a map replaces it",
    doc: labels({ app: "web", tier: "front" }),
    patch: { metadata: { labels: { $patch: "replace", only: "this" } } },
    want: labels({ only: "this" }),
  },
  {
    name: "$patch: delete on a map empties it",
    doc: labels({ app: "web" }),
    patch: { metadata: { labels: { $patch: "delete" } } },
    want: labels({}),
  },
  {
    name: "$patch: replace in a list replaces the list with the other elements",
    doc: podSpec({ containers: [c("a"), c("b")] }),
    patch: podSpec({ containers: [{ $patch: "replace" }, c("z", { env: [{ name: "E", value: null }] })] }),
    want: podSpec({ containers: [c("z", { env: [{ name: "E" }] })] }),
  },
  {
    name: "a value the original lacks is stored without its directives and nulls",
    doc: { metadata: { name: "x" } },
    patch: { spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: null }, template: { spec: { containers: [c("a"), { name: "gone", $patch: "delete" }] } } } },
    want: { metadata: { name: "x" }, spec: { strategy: { type: "Recreate" }, template: { spec: { containers: [c("a")] } } } },
  },
  {
    name: "outside the schema it is a JSON merge patch: maps merge, lists replace, null deletes",
    doc: { metadata: { name: "x" }, extra: { keep: 1, drop: 2, list: [1, 2], deep: { a: 1 } } },
    patch: { extra: { drop: null, list: [3], deep: { b: 2 }, added: { x: null, y: 1 } } },
    want: { metadata: { name: "x" }, extra: { keep: 1, list: [3], deep: { a: 1, b: 2 }, added: { y: 1 } } },
  },
  {
    name: "a value of another shape replaces the original",
    doc: { metadata: { name: "x", labels: { a: "b" } }, spec: { replicas: 1 } },
    patch: { metadata: { labels: "odd" }, spec: { replicas: { n: 1 } } },
    want: { metadata: { name: "x", labels: "odd" }, spec: { replicas: { n: 1 } } },
  },
  {
    name: "a whole-object $patch: delete empties the object",
    doc: { metadata: { name: "x" } },
    patch: { $patch: "delete" },
    want: {},
  },
];

for (const t of cases) {
  test(`strategic merge patch: ${t.name}`, () => {
    assert.deepEqual(apply(t.doc, t.patch), t.want);
  });
}

interface ErrorCase {
  name: string;
  doc?: unknown;
  patch: unknown;
  code: number;
  message: string;
}

const errorCases: ErrorCase[] = [
  { name: "unknown $patch on a map", patch: { metadata: { labels: { $patch: "frob", a: "b" } } }, code: 400, message: "unknown patch type: frob in map: map[$patch:frob a:b]" },
  { name: "$patch: merge on a map", patch: { metadata: { labels: { $patch: "merge" } } }, code: 400, message: "unknown patch type: merge in map: map[$patch:merge]" },
  {
    name: "$patch: merge on a list element",
    doc: podSpec({ containers: [c("a")] }),
    patch: podSpec({ containers: [{ name: "a", $patch: "merge" }] }),
    code: 400,
    message: "merging lists cannot yet be specified in the patch",
  },
  {
    name: "unknown $patch on a list element",
    doc: podSpec({ containers: [c("a")] }),
    patch: podSpec({ containers: [{ name: "a", $patch: "nuke" }] }),
    code: 400,
    message: "unknown patch type: nuke in map: map[$patch:nuke name:a]",
  },
  {
    name: "a merge list element without its merge key",
    doc: podSpec({ containers: [c("a")] }),
    patch: podSpec({ containers: [{ image: "nginx" }] }),
    code: 400,
    message: "map: map[image:nginx] does not contain declared merge key: name",
  },
  { name: "$deleteFromPrimitiveList without a list name", patch: { metadata: { $deleteFromPrimitiveList: ["a"] } }, code: 400, message: "invalid patch format of primitive list" },
  { name: "$deleteFromPrimitiveList with a misspelt prefix", patch: { metadata: { "$deleteFromPrimitiveListX/finalizers": ["a"] } }, code: 400, message: "invalid patch format of primitive list" },
  { name: "$deleteFromPrimitiveList that is not a list", patch: { metadata: { "$deleteFromPrimitiveList/finalizers": "a" } }, code: 400, message: "invalid patch format of primitive list" },
  { name: "$setElementOrder that is not a list", patch: { metadata: { "$setElementOrder/finalizers": "a" } }, code: 400, message: "invalid patch format of setElementOrder list" },
  { name: "$setElementOrder with a misspelt prefix", patch: { metadata: { "$setElementOrderfinalizers": [] } }, code: 400, message: "invalid patch format of setElementOrder list" },
  {
    name: "$setElementOrder that contradicts the patch list",
    doc: { metadata: { finalizers: ["a"] } },
    patch: { metadata: { "$setElementOrder/finalizers": ["b", "c"], finalizers: ["c", "b"] } },
    code: 400,
    message: "The order in patch list:\n[c b]\n doesn't match $setElementOrder list:\n[b c]\n",
  },
  { name: "$retainKeys that is not a list", patch: { spec: { strategy: { $retainKeys: "type" } } }, code: 400, message: "invalid patch format of retainKeys" },
  {
    name: "$retainKeys that omits a field the patch sets",
    doc: { spec: { strategy: { type: "RollingUpdate" } } },
    patch: { spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: { maxSurge: 1 } } } },
    code: 400,
    message: "invalid patch format of retainKeys",
  },
  {
    name: "a list of lists",
    doc: { metadata: { finalizers: [] } },
    patch: { metadata: { finalizers: [["b"]] } },
    code: 422,
    message: "the server rejected our request due to an error in our request",
  },
  {
    name: "a merge list mixing element types",
    doc: { metadata: { finalizers: ["a"] } },
    patch: { metadata: { finalizers: [1] } },
    code: 400,
    message: "list element types are not identical: [[a] [1]]",
  },
  { name: "a patch that is not an object", patch: ["x"], code: 400, message: "json: cannot unmarshal array into Go value of type map[string]interface {}" },
];

for (const t of errorCases) {
  test(`strategic merge patch rejects ${t.name}`, () => {
    assert.throws(
      () => apply(t.doc ?? { metadata: { name: "x" }, spec: {} }, t.patch),
      (e: unknown) => e instanceof StatusError && e.code === t.code && e.status.message === t.message,
    );
  });
}

test("strategic merge patch: keys that are not directives pass through, even __proto__", () => {
  const patch = JSON.parse('{"extra": {"$schema": "s", "__proto__": {"polluted": true}}}');
  const got = apply({}, patch) as Record<string, Record<string, unknown>>;
  assert.equal(got.extra.$schema, "s");
  assert.deepEqual(Object.getOwnPropertyDescriptor(got.extra, "__proto__")?.value, { polluted: true });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("strategic merge patch: the result shares no objects with the patch", () => {
  const patch = { metadata: { labels: { a: "b" } } };
  const got = applyStrategicMergePatch({}, patch, schema) as typeof patch;
  got.metadata.labels.a = "changed";
  assert.equal(patch.metadata.labels.a, "b");
});
