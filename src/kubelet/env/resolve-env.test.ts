import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap, Container, Pod, Secret, Service } from "kubernetes-types/core/v1";
import { resolveEnv } from "./resolve-env.ts";
import type { EnvDeps } from "./resolve-env.ts";
import { EnvError } from "./errors.ts";
import { expandVars } from "./expand.ts";
import { etcHosts } from "./etc-hosts.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const configMaps: ConfigMap[] = [{ metadata: { name: "cfg", namespace: "ns" }, data: { A: "from-cm", B: "b", "bad key": "x", "1num": "y" } }];
const secrets: Secret[] = [{ metadata: { name: "sec", namespace: "ns" }, data: { PASSWORD: b64("hunter2"), "x.y": b64("dots ok") } }];
const services: Service[] = [
  { metadata: { name: "kubernetes", namespace: "default" }, spec: { clusterIP: "10.43.0.1", ports: [{ name: "https", port: 443, protocol: "TCP" }] } },
  { metadata: { name: "my-db", namespace: "ns" }, spec: { clusterIP: "10.43.0.9", ports: [{ port: 5432 }, { name: "metrics", port: 9187, protocol: "UDP" }] } },
  { metadata: { name: "headless", namespace: "ns" }, spec: { clusterIP: "None", ports: [{ port: 80 }] } },
  { metadata: { name: "elsewhere", namespace: "other" }, spec: { clusterIP: "10.43.0.7", ports: [{ port: 80 }] } },
];

const pod = (c: Container, extra: Partial<Pod["spec"]> = {}): Pod => ({
  metadata: { name: "web-1", namespace: "ns", uid: "u-1", labels: { app: "web" }, annotations: { note: "hi" } },
  spec: { containers: [c], serviceAccountName: "robot", ...extra },
  status: { hostIP: "192.0.2.10" },
});

const deps = (extra: Partial<EnvDeps> = {}): EnvDeps => ({
  getConfigMap: async (ns, name) => configMaps.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
  getSecret: async (ns, name) => secrets.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
  services,
  podIP: "10.42.0.5",
  nodeName: "node-a",
  allocatable: { cpu: "2", memory: "4Gi", "ephemeral-storage": "10Gi" },
  ...extra,
});

const asMap = (kvs: { key: string; value: string }[]) => Object.fromEntries(kvs.map((kv) => [kv.key, kv.value]));

test("$(VAR) expansion: defined names replaced, unknown kept, $$ escapes, stray $ kept", () => {
  const vars: Record<string, string> = { A: "1", B: "two" };
  const cases: [string, string][] = [
    ["$(A)-$(B)", "1-two"], ["$(C)", "$(C)"], ["$$(A)", "$(A)"], ["$$$(A)", "$1"], ["a$b", "a$b"], ["$", "$"], ["x$(A", "x$(A"], ["$()", "$()"], ["$(A)$", "1$"],
  ];
  for (const [input, want] of cases) assert.equal(expandVars(input, (n) => vars[n]), want, input);
});

test("env values, sources and envFrom resolve in upstream's order", async () => {
  const c: Container = {
    name: "app",
    resources: { limits: { memory: "512Mi" }, requests: { cpu: "250m", memory: "256Mi" } },
    envFrom: [{ configMapRef: { name: "cfg" } }, { prefix: "S_", secretRef: { name: "sec" } }, { configMapRef: { name: "nope", optional: true } }],
    env: [
      { name: "A", value: "overridden" },
      { name: "REF", value: "$(A)/$(B)/$(MY_DB_SERVICE_HOST)/$(LATER)/$$(A)" },
      { name: "LATER", value: "late" },
      { name: "NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
      { name: "UID", valueFrom: { fieldRef: { fieldPath: "metadata.uid" } } },
      { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: "NOTE", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
      { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      { name: "SA", valueFrom: { fieldRef: { fieldPath: "spec.serviceAccountName" } } },
      { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "POD_IPS", valueFrom: { fieldRef: { fieldPath: "status.podIPs" } } },
      { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
      { name: "MEM_LIMIT_MI", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
      { name: "CPU_LIMIT", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
      { name: "CPU_REQ_M", valueFrom: { resourceFieldRef: { resource: "requests.cpu", divisor: "1m" } } },
      { name: "CPU_REQ", valueFrom: { resourceFieldRef: { resource: "requests.cpu" } } },
      { name: "EPH", valueFrom: { resourceFieldRef: { resource: "limits.ephemeral-storage", divisor: "1Gi" } } },
      { name: "CM", valueFrom: { configMapKeyRef: { name: "cfg", key: "B" } } },
      { name: "PW", valueFrom: { secretKeyRef: { name: "sec", key: "PASSWORD" } } },
      { name: "OPT_KEY", valueFrom: { configMapKeyRef: { name: "cfg", key: "missing", optional: true } } },
      { name: "OPT_CM", valueFrom: { secretKeyRef: { name: "gone", key: "k", optional: true } } },
      { name: "EMPTY", value: "" },
    ],
  };
  const warnings: string[] = [];
  const env = await resolveEnv(pod(c), c, deps({ warn: (reason, msg) => warnings.push(`${reason}: ${msg}`) }));
  const m = asMap(env);
  assert.equal(m.A, "overridden");
  assert.equal(m.B, "b");
  assert.equal(m.S_PASSWORD, "hunter2");
  assert.equal(m["S_x.y"], "dots ok");
  assert.equal(m["bad key"], undefined);
  assert.deepEqual(warnings, ["InvalidEnvironmentVariableNames: Keys [1num, bad key] from the EnvFrom configMap ns/cfg were skipped since they are considered invalid environment variable names."]);
  // Only names defined before (or Service variables) expand.
  assert.equal(m.REF, "overridden/b/10.43.0.9/$(LATER)/$(A)");
  assert.deepEqual(
    [m.NAME, m.NS, m.UID, m.APP, m.NOTE, m.NODE, m.SA, m.POD_IP, m.POD_IPS, m.HOST_IP],
    ["web-1", "ns", "u-1", "web", "hi", "node-a", "robot", "10.42.0.5", "10.42.0.5", "192.0.2.10"],
  );
  assert.deepEqual([m.MEM_LIMIT_MI, m.CPU_LIMIT, m.CPU_REQ_M, m.CPU_REQ, m.EPH], ["512", "2", "250", "1", "10"]);
  assert.equal(m.CM, "b");
  assert.equal(m.PW, "hunter2");
  assert.ok(!("OPT_KEY" in m) && !("OPT_CM" in m));
  assert.equal(m.EMPTY, "");
  // Declared variables first, in order; Service variables after.
  assert.deepEqual(env.slice(0, 2).map((kv) => kv.key), ["A", "B"]);
});

test("Service variables: the namespace's services with cluster IPs, and the kubernetes service always", async () => {
  const c: Container = { name: "app" };
  const m = asMap(await resolveEnv(pod(c), c, deps()));
  assert.deepEqual(m, {
    KUBERNETES_SERVICE_HOST: "10.43.0.1", KUBERNETES_SERVICE_PORT: "443", KUBERNETES_SERVICE_PORT_HTTPS: "443",
    KUBERNETES_PORT: "tcp://10.43.0.1:443", KUBERNETES_PORT_443_TCP: "tcp://10.43.0.1:443", KUBERNETES_PORT_443_TCP_PROTO: "tcp",
    KUBERNETES_PORT_443_TCP_PORT: "443", KUBERNETES_PORT_443_TCP_ADDR: "10.43.0.1",
    MY_DB_SERVICE_HOST: "10.43.0.9", MY_DB_SERVICE_PORT: "5432", MY_DB_SERVICE_PORT_METRICS: "9187",
    MY_DB_PORT: "tcp://10.43.0.9:5432", MY_DB_PORT_5432_TCP: "tcp://10.43.0.9:5432", MY_DB_PORT_5432_TCP_PROTO: "tcp",
    MY_DB_PORT_5432_TCP_PORT: "5432", MY_DB_PORT_5432_TCP_ADDR: "10.43.0.9",
    MY_DB_PORT_9187_UDP: "udp://10.43.0.9:9187", MY_DB_PORT_9187_UDP_PROTO: "udp", MY_DB_PORT_9187_UDP_PORT: "9187", MY_DB_PORT_9187_UDP_ADDR: "10.43.0.9",
  });
  const off = asMap(await resolveEnv(pod(c, { enableServiceLinks: false }), c, deps()));
  assert.deepEqual(Object.keys(off).filter((k) => !k.startsWith("KUBERNETES_")), []);
  assert.equal(off.KUBERNETES_SERVICE_HOST, "10.43.0.1");
  // A declared variable wins over a Service one of the same name.
  const own: Container = { name: "app", env: [{ name: "MY_DB_SERVICE_HOST", value: "db.local" }] };
  const env = await resolveEnv(pod(own), own, deps());
  assert.deepEqual(env.filter((kv) => kv.key === "MY_DB_SERVICE_HOST"), [{ key: "MY_DB_SERVICE_HOST", value: "db.local" }]);
});

test("missing non-optional sources fail with upstream's messages", async () => {
  const cases: [Container["env"] | undefined, Container["envFrom"] | undefined, string][] = [
    [[{ name: "X", valueFrom: { configMapKeyRef: { name: "x", key: "k" } } }], undefined, 'configmap "x" not found'],
    [[{ name: "X", valueFrom: { configMapKeyRef: { name: "cfg", key: "k" } } }], undefined, "couldn't find key k in ConfigMap ns/cfg"],
    [[{ name: "X", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }], undefined, 'secret "s" not found'],
    [[{ name: "X", valueFrom: { secretKeyRef: { name: "sec", key: "k" } } }], undefined, "couldn't find key k in Secret ns/sec"],
    [undefined, [{ configMapRef: { name: "x" } }], 'configmap "x" not found'],
    [undefined, [{ secretRef: { name: "y" } }], 'secret "y" not found'],
    [[{ name: "X", valueFrom: { fieldRef: { fieldPath: "spec.bogus" } } }], undefined, "unsupported fieldPath: spec.bogus"],
  ];
  for (const [env, envFrom, message] of cases) {
    const c: Container = { name: "app", env, envFrom };
    await assert.rejects(resolveEnv(pod(c), c, deps()), (err: unknown) => err instanceof EnvError && err.message === message, message);
  }
});

test("/etc/hosts: loopback, the pod's name (FQDN with a subdomain), hostAliases", () => {
  const head = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";
  const p: Pod = { metadata: { name: "web-1", namespace: "ns" }, spec: { containers: [] } };
  assert.equal(etcHosts(p, "10.42.0.5"), head + "10.42.0.5\tweb-1\n");
  const sub: Pod = { metadata: { name: "web-1", namespace: "ns" }, spec: { containers: [], hostname: "db-0", subdomain: "db", hostAliases: [{ ip: "127.0.0.1", hostnames: ["foo.local", "bar.local"] }] } };
  assert.equal(etcHosts(sub, "10.42.0.5"), head + "10.42.0.5\tdb-0.db.ns.svc.cluster.local\tdb-0\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n");
  const long: Pod = { metadata: { name: "a".repeat(62) + "-b", namespace: "ns" }, spec: { containers: [] } };
  assert.ok(etcHosts(long, "10.42.0.5").endsWith(`10.42.0.5\t${"a".repeat(62)}\n`));
});
