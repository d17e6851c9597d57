import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import type { Status } from "kubernetes-types/meta/v1";
import { startTestApi } from "../../../test/support/api-server.ts";

// Plain resource names: the API server's tests do not import the client's resource table.
const pods = { group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true } as { group: string; version: string; resource: string; kind: string; namespaced: boolean; _type?: Pod };
const podOf = (name: string, spec: Partial<NonNullable<Pod["spec"]>> = {}): Pod => ({ metadata: { name, namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox" }], ...spec } });
const bindingOf = (name: string, node: string, metadata: Record<string, unknown> = {}) =>
  ({ apiVersion: "v1", kind: "Binding", metadata: { name, namespace: "default", ...metadata }, target: { apiVersion: "v1", kind: "Node", name: node } });
const statusOf = (err: unknown): Status => (err as { status: Status }).status;

test("binding sets nodeName and PodScheduled=True in one write; a bound pod is a 409 on pods/binding", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const client = api.client.resource(pods);
  const created = await client.create(podOf("p"));
  // The scheduler had found no node at first.
  const unschedulable = await client.patch("default", "p", { status: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/0 nodes are available", lastTransitionTime: "2020-01-01T00:00:00Z" }] } }, "strategic", { subresource: "status" });

  const before = Date.now();
  const answer = await client.createSubresource("default", "p", "binding", bindingOf("p", "n1", { uid: created.metadata?.uid, annotations: { "example.com/by": "test" } }));
  assert.deepEqual(answer, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
  const bound = await client.get("default", "p");
  assert.equal(bound.spec?.nodeName, "n1");
  assert.equal(bound.metadata?.annotations?.["example.com/by"], "test");
  assert.equal(bound.status?.phase, "Pending");
  const scheduled = (bound.status?.conditions ?? []).filter((c) => c.type === "PodScheduled");
  assert.equal(scheduled.length, 1);
  assert.equal(scheduled[0]!.status, "True");
  assert.equal(scheduled[0]!.reason, undefined);
  assert.equal(scheduled[0]!.message, undefined);
  assert.ok(Date.parse(scheduled[0]!.lastTransitionTime!) >= Math.floor(before / 1000) * 1000);
  // One write: the first change after the status patch already has both.
  const abort = new AbortController();
  for await (const ev of client.watch({ namespace: "default", resourceVersion: unschedulable.metadata?.resourceVersion, signal: abort.signal })) {
    const changed = ev.object as Pod;
    assert.equal(changed.spec?.nodeName, "n1");
    assert.equal(changed.status?.conditions?.find((c) => c.type === "PodScheduled")?.status, "True");
    assert.equal(changed.metadata?.resourceVersion, bound.metadata?.resourceVersion);
    break;
  }
  abort.abort();

  await assert.rejects(client.createSubresource("default", "p", "binding", bindingOf("p", "n2")), (err) => {
    const s = statusOf(err);
    assert.equal(s.code, 409);
    assert.equal(s.reason, "Conflict");
    assert.equal(s.message, 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"');
    assert.deepEqual(s.details, { name: "p", group: "", kind: "pods/binding" });
    return true;
  });
  assert.equal((await client.get("default", "p")).spec?.nodeName, "n1");
});

test("binding's preconditions and refusals", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const client = api.client.resource(pods);
  const pod = await client.create(podOf("q"));
  await assert.rejects(client.createSubresource("default", "q", "binding", bindingOf("q", "n1", { uid: "00000000-0000-0000-0000-000000000000" })), (err) => {
    const s = statusOf(err);
    assert.equal(s.code, 409);
    assert.match(s.message!, /^Operation cannot be fulfilled on pods "q": StorageError: invalid object, Code: 4, Key: .*AdditionalErrorMsg: Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000, UID in object meta: /);
    return true;
  });
  await assert.rejects(client.createSubresource("default", "q", "binding", bindingOf("q", "n1", { resourceVersion: "1" })), (err) => {
    assert.match(statusOf(err).message!, /Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: /);
    return true;
  });
  await assert.rejects(client.createSubresource("default", "q", "binding", bindingOf("other", "n1")), (err) => {
    assert.equal(statusOf(err).code, 400);
    assert.equal(statusOf(err).message, "name in URL does not match name in Binding object");
    return true;
  });
  // The right preconditions bind.
  await client.createSubresource("default", "q", "binding", bindingOf("q", "n1", { uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion }));
  assert.equal((await client.get("default", "q")).spec?.nodeName, "n1");

  await client.create(podOf("gated", { schedulingGates: [{ name: "example.com/wait" }] }));
  await assert.rejects(client.createSubresource("default", "gated", "binding", bindingOf("gated", "n1")), (err) => {
    assert.equal(statusOf(err).message, 'Operation cannot be fulfilled on pods/binding "gated": pod gated has non-empty .spec.schedulingGates');
    return true;
  });
});
