import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { invalid } from "../../errors.ts";
import { defaultPod } from "../../defaults/core.ts";
import { validatePod } from "./podkind.ts";
import { validatePodTemplateSpec } from "./pod.ts";

const base = (): any => ({
  apiVersion: "v1", kind: "Pod", metadata: { name: "x", namespace: "default" },
  spec: { containers: [{ name: "app", image: "nginx:1.27" }] },
});

/** Defaults then validates, as the API server does; returns "field:type" for each error. */
function check(mutate: (p: any) => void, old?: Pod): string[] {
  const pod = base();
  mutate(pod);
  defaultPod(pod);
  return validatePod(pod, { old }).map((e) => `${e.field}:${e.type}`);
}

test("a minimal defaulted pod is valid", () => {
  assert.deepEqual(check(() => {}), []);
});

test("invalid pods report upstream's paths and types", () => {
  const cases: Array<[string, (p: any) => void, string[]]> = [
    ["no containers", (p) => { p.spec.containers = []; }, ["spec.containers:FieldValueRequired"]],
    ["no image", (p) => { delete p.spec.containers[0].image; }, ["spec.containers[0].image:FieldValueRequired"]],
    ["bad container name", (p) => { p.spec.containers[0].name = "App_1"; }, ["spec.containers[0].name:FieldValueInvalid"]],
    ["duplicate across init", (p) => { p.spec.initContainers = [{ name: "app", image: "busybox" }]; }, ["spec.initContainers[0].name:FieldValueDuplicate"]],
    ["port out of range", (p) => { p.spec.containers[0].ports = [{ containerPort: 70000 }]; }, ["spec.containers[0].ports[0].containerPort:FieldValueInvalid"]],
    ["bad protocol", (p) => { p.spec.containers[0].ports = [{ containerPort: 80, protocol: "HTTP" }]; }, ["spec.containers[0].ports[0].protocol:FieldValueNotSupported"]],
    ["duplicate port names", (p) => { p.spec.containers[0].ports = [{ name: "web", containerPort: 80 }, { name: "web", containerPort: 81 }]; }, ["spec.containers[0].ports[1].name:FieldValueDuplicate"]],
    ["env with = in name", (p) => { p.spec.containers[0].env = [{ name: "A=B", value: "x" }]; }, ["spec.containers[0].env[0].name:FieldValueInvalid"]],
    ["env value and valueFrom", (p) => { p.spec.containers[0].env = [{ name: "A", value: "x", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }]; }, ["spec.containers[0].env[0].valueFrom:FieldValueInvalid"]],
    ["env bad fieldPath", (p) => { p.spec.containers[0].env = [{ name: "A", valueFrom: { fieldRef: { fieldPath: "spec.bogus" } } }]; }, ["spec.containers[0].env[0].valueFrom.fieldRef.fieldPath:FieldValueNotSupported"]],
    ["envFrom without source", (p) => { p.spec.containers[0].envFrom = [{ prefix: "X_" }]; }, ["spec.containers[0].envFrom:FieldValueInvalid"]],
    ["mount of unknown volume", (p) => { p.spec.containers[0].volumeMounts = [{ name: "data", mountPath: "/d" }]; }, ["spec.containers[0].volumeMounts[0].name:FieldValueNotFound"]],
    ["duplicate volumes", (p) => { p.spec.volumes = [{ name: "v", emptyDir: {} }, { name: "v", emptyDir: {} }]; }, ["spec.volumes[1].name:FieldValueDuplicate"]],
    ["two volume sources", (p) => { p.spec.volumes = [{ name: "v", emptyDir: {}, hostPath: { path: "/x" } }]; }, ["spec.volumes[0].hostPath:FieldValueForbidden"]],
    ["secret volume without name", (p) => { p.spec.volumes = [{ name: "v", secret: {} }]; }, ["spec.volumes[0].secret.secretName:FieldValueRequired"]],
    ["requests above limits", (p) => { p.spec.containers[0].resources = { limits: { cpu: "1" }, requests: { cpu: "2" } }; }, ["spec.containers[0].resources.requests:FieldValueInvalid"]],
    ["unknown resource", (p) => { p.spec.containers[0].resources = { limits: { gpu: "1" } }; }, ["spec.containers[0].resources.limits[gpu]:FieldValueInvalid", "spec.containers[0].resources.limits[gpu]:FieldValueInvalid", "spec.containers[0].resources.requests[gpu]:FieldValueInvalid", "spec.containers[0].resources.requests[gpu]:FieldValueInvalid"]],
    ["bad quantity", (p) => { p.spec.containers[0].resources = { requests: { memory: "1GB" } }; }, ["spec.containers[0].resources.requests[memory]:FieldValueInvalid"]],
    ["probe with two handlers", (p) => { p.spec.containers[0].livenessProbe = { exec: { command: ["true"] }, tcpSocket: { port: 80 } }; }, ["spec.containers[0].livenessProbe.tcpSocket:FieldValueForbidden"]],
    ["probe without handler", (p) => { p.spec.containers[0].readinessProbe = { periodSeconds: 5 }; }, ["spec.containers[0].readinessProbe:FieldValueRequired"]],
    ["liveness successThreshold", (p) => { p.spec.containers[0].livenessProbe = { exec: { command: ["true"] }, successThreshold: 2 }; }, ["spec.containers[0].livenessProbe.successThreshold:FieldValueInvalid"]],
    ["init container probe", (p) => { p.spec.initContainers = [{ name: "init", image: "busybox", readinessProbe: { exec: { command: ["true"] } } }]; }, ["spec.initContainers[0].readinessProbe:FieldValueForbidden"]],
    ["restartPolicy", (p) => { p.spec.restartPolicy = "Sometimes"; }, ["spec.restartPolicy:FieldValueNotSupported"]],
    ["dnsPolicy", (p) => { p.spec.dnsPolicy = "Cluster"; }, ["spec.dnsPolicy:FieldValueNotSupported"]],
    ["dnsPolicy None without config", (p) => { p.spec.dnsPolicy = "None"; }, ["spec.dnsConfig:FieldValueRequired"]],
    ["toleration operator", (p) => { p.spec.tolerations = [{ key: "k", operator: "Is" }]; }, ["spec.tolerations[0].operator:FieldValueNotSupported"]],
    ["toleration effect", (p) => { p.spec.tolerations = [{ key: "k", operator: "Exists", effect: "Never" }]; }, ["spec.tolerations[0].effect:FieldValueNotSupported"]],
    ["empty key needs Exists", (p) => { p.spec.tolerations = [{ operator: "Equal", value: "v" }]; }, ["spec.tolerations[0].operator:FieldValueInvalid"]],
    ["nodeSelector value", (p) => { p.spec.nodeSelector = { disk: "very fast" }; }, ["spec.nodeSelector:FieldValueInvalid"]],
    ["node affinity needs terms", (p) => { p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }; }, ["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms:FieldValueRequired"]],
    ["pod anti-affinity topologyKey", (p) => { p.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { a: "b" } } }] } }; }, ["spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey:FieldValueRequired"]],
    ["hostname", (p) => { p.spec.hostname = "My.Host"; }, ["spec.hostname:FieldValueInvalid"]],
    ["negative grace period", (p) => { p.spec.terminationGracePeriodSeconds = -5; }, ["spec.terminationGracePeriodSeconds:FieldValueInvalid"]],
    ["zero active deadline", (p) => { p.spec.activeDeadlineSeconds = 0; }, ["spec.activeDeadlineSeconds:FieldValueInvalid"]],
    ["runAsUser negative", (p) => { p.spec.containers[0].securityContext = { runAsUser: -1 }; }, ["spec.containers[0].securityContext.runAsUser:FieldValueInvalid"]],
    ["hostNetwork port mismatch", (p) => { p.spec.hostNetwork = true; p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }]; }, ["spec.containers[0].ports[0].containerPort:FieldValueInvalid"]],
    ["image whitespace", (p) => { p.spec.containers[0].image = " nginx"; }, ["spec.containers[0].image:FieldValueInvalid"]],
  ];
  for (const [name, mutate, want] of cases) assert.deepEqual(check(mutate), want, name);
});

test("messages read as kubectl shows them", () => {
  const pod = base();
  delete pod.spec.containers[0].image;
  defaultPod(pod);
  assert.equal(invalid({ group: "", kind: "Pod" }, "x", validatePod(pod, {})).message, 'Pod "x" is invalid: spec.containers[0].image: Required value');
  const p2 = base();
  p2.spec.containers[0].resources = { limits: { cpu: "1" }, requests: { cpu: "1500m" } };
  defaultPod(p2);
  assert.equal(invalid({ group: "", kind: "Pod" }, "x", validatePod(p2, {})).message,
    'Pod "x" is invalid: spec.containers[0].resources.requests: Invalid value: "1500m": must be less than or equal to cpu limit of 1');
});

test("updates may change images, tolerations (additions) and shorten activeDeadlineSeconds", () => {
  const old = base();
  old.spec.tolerations = [{ key: "a", operator: "Exists" }];
  old.spec.activeDeadlineSeconds = 100;
  defaultPod(old);
  assert.deepEqual(check((p) => {
    p.spec.containers[0].image = "nginx:1.28";
    p.spec.tolerations = [{ key: "a", operator: "Exists" }, { key: "b", operator: "Exists" }];
    p.spec.activeDeadlineSeconds = 50;
  }, old), []);
  assert.deepEqual(check((p) => { p.spec.activeDeadlineSeconds = 200; p.spec.tolerations = old.spec.tolerations; }, old), ["spec.activeDeadlineSeconds:FieldValueInvalid"]);
  assert.deepEqual(check((p) => { p.spec.activeDeadlineSeconds = 100; }, old), ["spec.tolerations:FieldValueForbidden"]);
});

test("other spec changes are forbidden with upstream's message and a diff", () => {
  const old = base();
  defaultPod(old);
  const pod = structuredClone(old);
  pod.spec.containers[0].ports = [{ containerPort: 80, protocol: "TCP" }];
  pod.spec.restartPolicy = "Never";
  const errs = validatePod(pod, { old });
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, "spec");
  assert.match(String(errs[0].detail), /^pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/);
  assert.match(String(errs[0].detail), /- \trestartPolicy: "Always",\n\+ \trestartPolicy: "Never",/);
  const removed = structuredClone(old);
  removed.spec.containers.push({ ...old.spec.containers[0], name: "two" });
  assert.deepEqual(validatePod(removed, { old }).map((e) => e.detail), ["pod updates may not add or remove containers"]);
});

test("pod templates check labels and restart policies for workloads", () => {
  const spec = base().spec;
  defaultPod({ spec } as Pod);
  assert.deepEqual(validatePodTemplateSpec({ metadata: { labels: { app: "web" } }, spec }, "spec.template", { allowedRestartPolicies: ["Always"] }), []);
  const errs = validatePodTemplateSpec({ metadata: { labels: { app: "bad value" } }, spec: { ...spec, restartPolicy: "Never" } }, "spec.template", { allowedRestartPolicies: ["Always"] });
  assert.deepEqual(errs.map((e) => `${e.field}:${e.type}`), ["spec.template.labels:FieldValueInvalid", "spec.template.spec.restartPolicy:FieldValueNotSupported"]);
  assert.deepEqual(errs[1].supported, ["Always"]);
  assert.deepEqual(validatePodTemplateSpec(undefined, "spec.template").map((e) => e.type), ["FieldValueRequired"]);
});
