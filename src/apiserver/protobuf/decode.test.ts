import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { StatusError } from "../../api/errors.ts";
import { resourceTypes } from "../../api/resources.ts";
import { decodeObject } from "../http/body.ts";
import { decodeKubernetesProtobuf } from "./decode.ts";
import { messageOfKind } from "./schema.ts";
import { bool, bytes, entry, envelope, int, msg, str, tag, varint } from "./testdata/wire-writer.ts";

const TESTDATA = new URL("./testdata/", import.meta.url);

/** ObjectMeta as gogo writes it: every non-pointer field, zero or not (creationTimestamp an empty Time). */
const meta = (name: string, ...more: Buffer[]) =>
  msg(1, str(1, name), str(2, ""), str(3, ""), str(4, ""), str(5, ""), str(6, ""), int(7, 0), msg(8), ...more);

function rejects(body: Buffer, message: RegExp): void {
  assert.throws(() => decodeKubernetesProtobuf(body), (err: unknown) => {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.code, 400);
    assert.match(err.message, message);
    return true;
  });
}

// Bodies recorded from kubectl 1.32 (`kubectl create ...` against a stub server); each .json beside them is
// the object `kubectl create ... --dry-run=client -o json` printed for the same command.
test("bodies captured from kubectl decode to the JSON kubectl prints for them", () => {
  const names = fs.readdirSync(TESTDATA).filter((f) => f.endsWith(".pb")).map((f) => f.slice(0, -3));
  assert.deepEqual(names.sort(), [
    "can-i", "configmap", "cronjob", "deployment", "job", "namespace", "poddisruptionbudget", "role", "rolebinding",
    "secret", "service", "serviceaccount", "whoami",
  ]);
  for (const name of names) {
    const body = fs.readFileSync(new URL(`${name}.pb`, TESTDATA));
    const expected = JSON.parse(fs.readFileSync(new URL(`${name}.json`, TESTDATA), "utf8"));
    assert.deepEqual(decodeKubernetesProtobuf(body), expected, name);
  }
});

test("a Namespace: zero non-pointer fields vanish, empty structs stay {}", () => {
  const body = envelope("v1", "Namespace", meta("foo"), msg(2), msg(3, str(1, "")));
  assert.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: "v1", kind: "Namespace", metadata: { name: "foo", creationTimestamp: null }, spec: {}, status: {},
  });
});

test("a ConfigMap with data and binaryData; a pointer bool keeps its false", () => {
  const body = envelope("v1", "ConfigMap",
    meta("cm", msg(11, str(1, "app"), str(2, "web"))),
    entry(2, "a", str(2, "b")), entry(2, "empty", str(2, "")), entry(2, "novalue", Buffer.alloc(0)),
    entry(3, "bin", bytes(2, Buffer.from([0, 1, 0xfe, 0xff]))),
    bool(4, false));
  assert.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: "v1", kind: "ConfigMap",
    metadata: { name: "cm", creationTimestamp: null, labels: { app: "web" } },
    data: { a: "b", empty: "", novalue: "" },
    binaryData: { bin: "AAH+/w==" },
    immutable: false,
  });
});

test("a Secret: data values are base64, type and stringData as sent", () => {
  const body = envelope("v1", "Secret", meta("s", str(3, "ns1")),
    entry(2, "password", bytes(2, Buffer.from("hunter2"))), str(3, "Opaque"), entry(4, "user", str(2, "admin")));
  assert.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: "v1", kind: "Secret",
    metadata: { name: "s", namespace: "ns1", creationTimestamp: null },
    data: { password: "aHVudGVyMg==" }, type: "Opaque", stringData: { user: "admin" },
  });
});

/** A Deployment touching pointers, maps, repeated messages, quantities, int-or-strings and inlined structs. */
function deployment(containers = 1): Buffer {
  const container = (i: number) => msg(2,
    str(1, `app${i}`), str(2, "busybox:1.36"), str(5, ""),
    msg(6, str(1, "http"), int(2, 0), int(3, 8080), str(4, "TCP"), str(5, "")),
    msg(7, str(1, "MODE"), str(2, "fast")),
    msg(7, str(1, "LEVEL"), str(2, ""), msg(3, msg(3, msg(1, str(1, "settings")), str(2, "level")))),
    msg(8, entry(1, "cpu", msg(2, str(1, "500m"))), entry(2, "memory", msg(2, str(1, "64Mi")))),
    msg(10, msg(1, msg(2, str(1, "/healthz"), msg(2, int(1, 0), int(2, 8080), str(3, "")))), int(2, 0), int(3, 1)),
    msg(15),
    bool(16, false));
  return envelope("apps/v1", "Deployment",
    meta("web", msg(11, str(1, "app"), str(2, "web"))),
    msg(2,
      int(1, 0),
      msg(2, entry(1, "app", str(2, "web")), msg(2, str(1, "tier"), str(2, "In"), str(3, "a"), str(3, "b"))),
      msg(3,
        msg(1, str(1, ""), msg(8), msg(11, str(1, "app"), str(2, "web"))),
        msg(2, msg(1, str(1, "cache"), msg(2, msg(2))), ...Array.from({ length: containers }, (_, i) => container(i)), str(3, "Always"))),
      msg(4, str(1, "RollingUpdate"), msg(2, msg(1, int(1, 1), int(2, 0), str(3, "25%")), msg(2, int(1, 0), int(2, 1), str(3, "")))),
      int(5, 0), int(6, 10), bool(7, false)),
    msg(3));
}

test("a Deployment decodes to the JSON kubectl would send", () => {
  assert.deepEqual(decodeKubernetesProtobuf(deployment()), {
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name: "web", creationTimestamp: null, labels: { app: "web" } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] },
      template: {
        metadata: { creationTimestamp: null, labels: { app: "web" } },
        spec: {
          volumes: [{ name: "cache", emptyDir: {} }],
          containers: [{
            name: "app0", image: "busybox:1.36",
            ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
            env: [{ name: "MODE", value: "fast" }, { name: "LEVEL", valueFrom: { configMapKeyRef: { name: "settings", key: "level" } } }],
            resources: { limits: { cpu: "500m" }, requests: { memory: "64Mi" } },
            livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, timeoutSeconds: 1 },
            securityContext: {},
          }],
          restartPolicy: "Always",
        },
      },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: 1 } },
      revisionHistoryLimit: 10,
    },
    status: {},
  });
});

test("a SelfSubjectAccessReview keeps the required allowed=false", () => {
  const body = envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", meta(""),
    msg(2, msg(1, str(1, "kube-system"), str(2, "create"), str(3, ""), str(5, "pods"), str(7, ""))),
    msg(3, bool(1, false), bool(4, false), str(2, "")));
  assert.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview",
    metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: "kube-system", verb: "create", resource: "pods" } },
    status: { allowed: false },
  });
});

test("times: Time to the second, MicroTime with six digits (nanos carried over), the zero time as null", () => {
  const time = (seconds: number | bigint, nanos = 0) => [int(1, seconds), int(2, nanos)];
  const body = envelope("events.k8s.io/v1", "Event",
    meta("e", msg(9, ...time(1704164645, 999_000_000)),
      msg(17, str(1, "kubectl"), msg(4, ...time(-62135596800)), str(6, "FieldsV1"), msg(7, str(1, '{"f:data":{}}')))),
    msg(2, ...time(1704164644, 1_123_456_789)),
    msg(13, ...time(0)),
    msg(14, ...time(-62135596800, 5)));
  assert.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: "events.k8s.io/v1", kind: "Event",
    metadata: {
      name: "e", creationTimestamp: null, deletionTimestamp: "2024-01-02T03:04:05Z",
      managedFields: [{ manager: "kubectl", time: null, fieldsType: "FieldsV1", fieldsV1: { "f:data": {} } }],
    },
    eventTime: "2024-01-02T03:04:05.123456Z",
    deprecatedFirstTimestamp: "1970-01-01T00:00:00Z",
    deprecatedLastTimestamp: null,
  });
});

test("negative int32 and int64 values (ten-byte varints) come out exact", () => {
  const body = envelope("v1", "DeleteOptions", int(1, -1), str(4, "Foreground"), str(5, "All"));
  assert.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: -1, propagationPolicy: "Foreground", dryRun: ["All"],
  });
  const scale = envelope("apps/v1", "Deployment", msg(2, int(1, -2)));
  assert.deepEqual(decodeKubernetesProtobuf(scale), { apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: -2 } });
});

test("names that differ from the proto name, and ExtraValue maps as arrays", () => {
  const token = envelope("authentication.k8s.io/v1", "TokenRequest",
    msg(2, str(1, "api"), int(4, 3600), msg(3, str(1, "Pod"), str(2, "v1"), str(3, "p"), str(4, "1234"))));
  assert.deepEqual(decodeKubernetesProtobuf(token), {
    apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest",
    spec: { audiences: ["api"], expirationSeconds: 3600, boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "p", uid: "1234" } },
  });
  const sar = envelope("authorization.k8s.io/v1", "SubjectAccessReview",
    msg(2, str(3, "alice"), entry(5, "scopes", msg(2, str(1, "a"), str(1, "b"))), entry(5, "none", Buffer.alloc(0))));
  assert.deepEqual(decodeKubernetesProtobuf(sar), {
    apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview",
    spec: { user: "alice", extra: { scopes: ["a", "b"], none: [] } },
  });
});

test("raw JSON in a RawExtension is parsed; an empty one is null", () => {
  const body = (raw: Buffer) => envelope("apps/v1", "ControllerRevision", msg(2, raw), int(3, 0));
  assert.deepEqual(decodeKubernetesProtobuf(body(str(1, '{"spec":{"x":1}}'))), {
    apiVersion: "apps/v1", kind: "ControllerRevision", data: { spec: { x: 1 } }, revision: 0,
  });
  assert.equal((decodeKubernetesProtobuf(body(Buffer.alloc(0))) as { data: unknown }).data, null);
  rejects(body(str(1, "{nope")), /embedded raw JSON is invalid/);
});

test("fields the schema does not know are skipped, whatever their wire type", () => {
  const unknown = [int(90, 7), str(91, "x"), Buffer.concat([tag(92, 1), Buffer.alloc(8)]), Buffer.concat([tag(93, 5), Buffer.alloc(4)])];
  const body = envelope("v1", "ConfigMap", ...unknown, entry(2, "a", str(2, "b")), msg(1, ...unknown, str(1, "cm")));
  assert.deepEqual(decodeKubernetesProtobuf(body), { apiVersion: "v1", kind: "ConfigMap", data: { a: "b" }, metadata: { name: "cm" } });
});

test("malformed bodies are 400s, never crashes", () => {
  rejects(Buffer.from('{"kind":"Namespace"}'), /"k8s\\0" protobuf prefix/);
  rejects(Buffer.from("k8s"), /prefix/);
  rejects(envelope("v1", "Widget"), /no kind "Widget" is registered for version "v1"/);
  rejects(envelope("v1", ""), /'Kind' is missing/);
  rejects(envelope("v1", "Namespace", int(1, 5)), /wrong wire type 0 for field core.v1.Namespace.metadata/);
  rejects(envelope("v1", "Namespace", Buffer.concat([tag(1, 2), varint(1000), Buffer.from("short")])), /unexpected end of data/);
  rejects(envelope("v1", "Namespace", Buffer.concat([tag(50, 3)])), /unsupported wire type 3/);
  rejects(Buffer.concat([Buffer.from("k8s\0", "latin1"), Buffer.alloc(11, 0xff)]), /varint longer than 10 bytes/);
  rejects(envelope("v1", "Namespace", meta("n", msg(9, int(1, 253402300800)))), /outside years 0000-9999/);

  // Every cut inside the raw object fails cleanly (cuts between envelope fields are well-formed); random
  // bytes, after the prefix or written over a real body, either decode or fail as a 400.
  const full = fs.readFileSync(new URL("deployment.pb", TESTDATA));
  const rawTag = 4 + 2 + full[5]!; // prefix, then typeMeta (tag, one-byte length, bytes), then raw
  const rawEnd = full.length - 4; // contentEncoding "" and contentType "" (2 bytes each) follow raw
  for (let n = rawTag + 1; n < rawEnd; n++) rejects(full.subarray(0, n), /unexpected end of data/);
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
  for (let i = 0; i < 2000; i++) {
    const noise = Buffer.from(Array.from({ length: 1 + (i % 64) }, random));
    const mutated = Buffer.from(full);
    mutated.set(noise.subarray(0, 4), 4 + (i % (full.length - 8)));
    for (const body of [Buffer.concat([full.subarray(0, 4), noise]), mutated]) {
      try {
        decodeKubernetesProtobuf(body);
      } catch (err) {
        assert.ok(err instanceof StatusError && err.code === 400, `crash on ${body.toString("hex")}: ${String(err)}`);
      }
    }
  }
});

test("decodeObject decodes protobuf bodies by Content-Type", async () => {
  const body = envelope("v1", "Namespace", meta("foo"));
  assert.deepEqual(await decodeObject(body, "application/vnd.kubernetes.protobuf"), {
    apiVersion: "v1", kind: "Namespace", metadata: { name: "foo", creationTimestamp: null },
  });
});

test("every kind clients can write has a protobuf message", () => {
  for (const r of resourceTypes.filter((t) => t.verbs.includes("create"))) {
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    assert.ok(messageOfKind(apiVersion, r.kind), `${apiVersion} ${r.kind}`);
  }
  for (const [apiVersion, kind] of [["autoscaling/v1", "Scale"], ["policy/v1", "Eviction"], ["authentication.k8s.io/v1", "TokenRequest"], ["authorization.k8s.io/v1", "LocalSubjectAccessReview"]]) {
    assert.ok(messageOfKind(apiVersion!, kind!), `${apiVersion} ${kind}`);
  }
});
