import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { startTestApi } from "../../../test/support/api-server.ts";
import { StatusError } from "../../api/errors.ts";
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import { priorityAdmission } from "./priority.ts";
import type { PriorityClassLookup } from "./priority.ts";

const POD = { group: "", kind: "Pod", plural: "pods", namespaced: true } as ResourceType;
const PC = { group: "scheduling.k8s.io", kind: "PriorityClass", plural: "priorityclasses", namespaced: false } as ResourceType;

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ metadata: { name }, value, ...extra });

function lookupOf(classes: PriorityClass[]): PriorityClassLookup {
  return {
    get: async (name) => classes.find((c) => c.metadata?.name === name),
    list: async () => classes,
  };
}

async function admitPod(classes: PriorityClass[], spec: Pod["spec"], opts: { operation?: "CREATE" | "UPDATE"; old?: Pod; subresource?: string } = {}): Promise<Pod> {
  const pod = { metadata: { name: "p" }, spec } as KubeObject;
  await priorityAdmission(lookupOf(classes)).admit!({
    operation: opts.operation ?? "CREATE", resource: POD, subresource: opts.subresource, namespace: "default", name: "p",
    object: pod, old: opts.old as KubeObject | undefined, user: undefined, dryRun: false, onFinish: () => undefined,
  });
  return pod as Pod;
}

async function validateClass(classes: PriorityClass[], obj: PriorityClass, operation: "CREATE" | "UPDATE" | "DELETE"): Promise<void> {
  const name = obj.metadata!.name!;
  await priorityAdmission(lookupOf(classes)).validate!({
    operation, resource: PC, subresource: undefined, namespace: undefined, name,
    object: obj as unknown as KubeObject, old: undefined, user: undefined, dryRun: false, onFinish: () => undefined,
  });
}

const forbiddenWith = (message: string) => (err: unknown) =>
  err instanceof StatusError && err.code === 403 && err.reason === "Forbidden" && err.message === message;

test("a named class sets priority and preemption policy; a missing one is Forbidden", async () => {
  const classes = [pc("high", 1000, { preemptionPolicy: "Never" }), pc("plain", 5)];
  const high = await admitPod(classes, { containers: [], priorityClassName: "high" });
  assert.equal(high.spec?.priority, 1000);
  assert.equal(high.spec?.preemptionPolicy, "Never");
  // A class without a policy (as stored classes always have one, this is only defensive) preempts lower ones.
  const plain = await admitPod(classes, { containers: [], priorityClassName: "plain" });
  assert.equal(plain.spec?.preemptionPolicy, "PreemptLowerPriority");
  await assert.rejects(admitPod(classes, { containers: [], priorityClassName: "nope" }), forbiddenWith('pods "p" is forbidden: no PriorityClass with name nope was found'));
});

test("no class: the globalDefault one (lowest value if several), else priority 0", async () => {
  const none = await admitPod([pc("x", 7)], { containers: [] });
  assert.equal(none.spec?.priority, 0);
  assert.equal(none.spec?.preemptionPolicy, "PreemptLowerPriority");
  assert.equal(none.spec?.priorityClassName, undefined);
  const classes = [pc("d1", 300, { globalDefault: true, preemptionPolicy: "Never" }), pc("d2", 200, { globalDefault: true, preemptionPolicy: "Never" })];
  const dflt = await admitPod(classes, { containers: [] });
  assert.equal(dflt.spec?.priorityClassName, "d2");
  assert.equal(dflt.spec?.priority, 200);
  assert.equal(dflt.spec?.preemptionPolicy, "Never");
});

test("a priority or policy in the pod must agree with the computed one", async () => {
  const classes = [pc("high", 1000)];
  const same = await admitPod(classes, { containers: [], priorityClassName: "high", priority: 1000, preemptionPolicy: "PreemptLowerPriority" });
  assert.equal(same.spec?.priority, 1000);
  await assert.rejects(admitPod(classes, { containers: [], priorityClassName: "high", priority: 5 }),
    forbiddenWith('pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name'));
  await assert.rejects(admitPod([], { containers: [], priority: 5 }),
    forbiddenWith('pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name'));
  await assert.rejects(admitPod(classes, { containers: [], priorityClassName: "high", preemptionPolicy: "Never" }),
    forbiddenWith('pods "p" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name'));
});

test("updates keep the values creation set; subresources are left alone", async () => {
  const old = { spec: { containers: [], priority: 1000, preemptionPolicy: "Never" } } as Pod;
  const updated = await admitPod([], { containers: [] }, { operation: "UPDATE", old });
  assert.equal(updated.spec?.priority, 1000);
  assert.equal(updated.spec?.preemptionPolicy, "Never");
  const status = await admitPod([], { containers: [] }, { subresource: "status" });
  assert.equal(status.spec?.priority, undefined);
});

test("only one globalDefault PriorityClass; system classes cannot be deleted", async () => {
  const classes = [pc("d", 10, { globalDefault: true })];
  await assert.rejects(validateClass(classes, pc("e", 20, { globalDefault: true }), "CREATE"),
    forbiddenWith('priorityclasses.scheduling.k8s.io "e" is forbidden: PriorityClass d is already marked as default. Only one default can exist'));
  await assert.rejects(validateClass([...classes, pc("e", 20)], pc("e", 20, { globalDefault: true }), "UPDATE"), forbiddenWith('priorityclasses.scheduling.k8s.io "e" is forbidden: PriorityClass d is already marked as default. Only one default can exist'));
  await validateClass(classes, pc("d", 10, { globalDefault: true, description: "changed" }), "UPDATE");
  await validateClass(classes, pc("e", 20), "CREATE");
  await validateClass([], pc("e", 20, { globalDefault: true }), "CREATE");
  await assert.rejects(validateClass([], pc("system-node-critical", 2_000_001_000), "DELETE"),
    forbiddenWith('priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted'));
  await validateClass([], pc("user", 1), "DELETE");
});

// Plain resource names: the API server's tests do not import the client's resource table.
const pods = { group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true } as { group: string; version: string; resource: string; kind: string; namespaced: boolean; _type?: Pod };
const priorityClasses = { group: "scheduling.k8s.io", version: "v1", resource: "priorityclasses", kind: "PriorityClass", namespaced: false } as { group: string; version: string; resource: string; kind: string; namespaced: boolean; _type?: PriorityClass };
const podOf = (name: string, spec: Partial<NonNullable<Pod["spec"]>> = {}): Pod => ({ metadata: { name, namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox" }], ...spec } });

test("the API server bootstraps the system classes and resolves pods' priority", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const classes = api.client.resource(priorityClasses);
  const node = await classes.get(undefined, "system-node-critical");
  assert.equal(node.value, 2_000_001_000);
  assert.equal(node.description, "Used for system critical pods that must not be moved from their current node.");
  assert.equal(node.preemptionPolicy, "PreemptLowerPriority");
  const cluster = await classes.get(undefined, "system-cluster-critical");
  assert.equal(cluster.value, 2_000_000_000);
  assert.equal(cluster.description, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.");

  const critical = await api.client.resource(pods).create(podOf("critical", { priorityClassName: "system-cluster-critical" }));
  assert.equal(critical.spec?.priority, 2_000_000_000);
  assert.equal(critical.spec?.preemptionPolicy, "PreemptLowerPriority");
  const plain = await api.client.resource(pods).create(podOf("plain"));
  assert.equal(plain.spec?.priority, 0);
  assert.equal(plain.spec?.priorityClassName, undefined);
  await assert.rejects(api.client.resource(pods).create(podOf("missing", { priorityClassName: "gold" })),
    (err: Error) => (err as { status?: { code?: number; reason?: string } }).status?.code === 403 && err.message === 'pods "missing" is forbidden: no PriorityClass with name gold was found');
  await assert.rejects(api.client.resource(pods).create(podOf("own", { priority: 10 })),
    (err: Error) => (err as { status?: { code?: number } }).status?.code === 403 && /must not be provided in pod spec; priority admission controller computed 0 /.test(err.message));

  // Reserved names, the single default, and the system classes' protection.
  await assert.rejects(classes.create({ metadata: { name: "system-mine" }, value: 10 }),
    (err: Error) => (err as { status?: { code?: number } }).status?.code === 422 && err.message.includes("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"));
  await classes.create({ metadata: { name: "default-low" }, value: 100, globalDefault: true, preemptionPolicy: "Never" });
  await assert.rejects(classes.create({ metadata: { name: "second" }, value: 5, globalDefault: true }),
    (err: Error) => (err as { status?: { code?: number } }).status?.code === 403 && err.message === 'priorityclasses.scheduling.k8s.io "second" is forbidden: PriorityClass default-low is already marked as default. Only one default can exist');
  await assert.rejects(classes.delete(undefined, "system-node-critical"),
    (err: Error) => (err as { status?: { code?: number } }).status?.code === 403);

  // The pods' cache-backed lookup of the default class follows the write shortly.
  let dflt: Pod | undefined;
  for (let i = 0; i < 100 && dflt?.spec?.priorityClassName !== "default-low"; i++) {
    if (dflt) await new Promise((r) => setTimeout(r, 10));
    dflt = await api.client.resource(pods).create({ ...podOf(`dflt-${i}`) });
  }
  assert.equal(dflt?.spec?.priorityClassName, "default-low");
  assert.equal(dflt?.spec?.priority, 100);
  assert.equal(dflt?.spec?.preemptionPolicy, "Never");
});
