import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { BY_NODE_NAME, Store, byNamespace, byNodeName } from "./store.ts";

const pod = (name: string, nodeName?: string): Pod => ({ metadata: { name, namespace: "default" }, spec: { nodeName, containers: [] } });

test("byNodeName indexes bound pods by node; unbound pods are not indexed", () => {
  const store = new Store<Pod>();
  store.addIndex(BY_NODE_NAME, byNodeName);
  store.put(pod("a", "n1"));
  store.put(pod("b", "n1"));
  store.put(pod("c"));
  assert.deepEqual(byNodeName(pod("c")), []);
  assert.deepEqual(store.byIndex(BY_NODE_NAME, "n1").map((p) => p.metadata!.name).sort(), ["a", "b"]);
  store.put(pod("b", "n2"));
  assert.deepEqual(store.byIndex(BY_NODE_NAME, "n1").map((p) => p.metadata!.name), ["a"]);
  assert.deepEqual(store.byIndex(BY_NODE_NAME, "n2").map((p) => p.metadata!.name), ["b"]);
});

test("addIndex: the same function under a taken name is a no-op; a different one throws", () => {
  const store = new Store<Pod>();
  let calls = 0;
  const counting = (p: Pod) => { calls++; return byNodeName(p); };
  store.put(pod("a", "n1"));
  store.addIndex(BY_NODE_NAME, counting);
  assert.equal(calls, 1);
  store.addIndex(BY_NODE_NAME, counting);
  assert.equal(calls, 1, "not indexed again");
  store.put(pod("b", "n1"));
  assert.equal(calls, 2, "one registration, one call per put");
  assert.equal(store.byIndex(BY_NODE_NAME, "n1").length, 2);
  assert.throws(() => store.addIndex(BY_NODE_NAME, byNodeName), /already registered with a different function/);
  assert.throws(() => store.addIndex(BY_NODE_NAME, byNamespace));
  store.addIndex("namespace", byNamespace);
  store.addIndex("namespace", byNamespace);
  assert.equal(store.byIndex("namespace", "default").length, 2);
});
