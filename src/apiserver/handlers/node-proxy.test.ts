import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, Node } from "kubernetes-types/core/v1";
import { NodeProxy } from "./node-proxy.ts";
import { parseRequestInfo } from "../request-info.ts";
import type { ResourceRequest } from "../request-info.ts";
import { StatusError } from "../../api/errors.ts";

const pods: Record<string, Pod> = {
  unbound: { metadata: { name: "unbound", namespace: "ns" }, spec: { containers: [{ name: "c", image: "i" }] } },
  one: { metadata: { name: "one", namespace: "ns" }, spec: { nodeName: "n1", containers: [{ name: "c", image: "i" }] } },
  two: { metadata: { name: "two", namespace: "ns" }, spec: { nodeName: "n1", initContainers: [{ name: "init", image: "i" }], containers: [{ name: "a", image: "i" }, { name: "b", image: "i" }] } },
};
const nodes: Record<string, Node> = {
  n1: { metadata: { name: "n1" }, status: { addresses: [{ type: "Hostname", address: "n1" }, { type: "InternalIP", address: "10.0.0.5" }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } },
};
const proxy = new NodeProxy({ getObject: async (_g, kind, _ns, name) => (kind === "Pod" ? pods[name] : nodes[name]) as never });

function target(url: string) {
  const [path, q = ""] = url.split("?");
  const query = new URLSearchParams(q);
  const info = parseRequestInfo("GET", path!, query);
  assert.ok(proxy.handles(info), url);
  return proxy.target(info as ResourceRequest, query);
}

const rejects = (p: Promise<unknown>, code: number, message: string) =>
  assert.rejects(p, (e) => e instanceof StatusError && e.code === code && e.status.message === message);

test("pod subresources served on nodes are recognized, others are not", () => {
  const info = (p: string) => parseRequestInfo("GET", p, new URLSearchParams());
  assert.ok(proxy.handles(info("/api/v1/namespaces/ns/pods/p/exec")));
  assert.ok(proxy.handles(info("/api/v1/namespaces/ns/pods/p/portforward")));
  assert.ok(!proxy.handles(info("/api/v1/namespaces/ns/pods/p/status")));
  assert.ok(!proxy.handles(info("/api/v1/namespaces/ns/pods/p")));
  assert.ok(!proxy.handles(info("/apis/x/v1/namespaces/ns/pods/p/log")));
});

test("requests go to the node's InternalIP and kubelet port, with the agent's parameter names", async () => {
  assert.deepEqual(await target("/api/v1/namespaces/ns/pods/one/log?tailLines=5&timestamps=true&follow=true&pretty=1"),
    { host: "10.0.0.5", port: 10250, path: "/containerLogs/ns/one/c?follow=true&timestamps=true&tailLines=5" });
  assert.deepEqual(await target("/api/v1/namespaces/ns/pods/two/exec?container=b&command=sh&command=-c&command=exit+7&stdin=true&stdout=true&stderr=true"),
    { host: "10.0.0.5", port: 10250, path: "/exec/ns/two/b?command=sh&command=-c&command=exit+7&input=1&output=1&error=1" });
  assert.deepEqual(await target("/api/v1/namespaces/ns/pods/one/attach?stdout=true&tty=true"),
    { host: "10.0.0.5", port: 10250, path: "/attach/ns/one/c?output=1&tty=1" });
  assert.deepEqual(await target("/api/v1/namespaces/ns/pods/one/portforward?ports=8080,9090"),
    { host: "10.0.0.5", port: 10250, path: "/portForward/ns/one?port=8080&port=9090" });
  assert.equal((await target("/api/v1/namespaces/ns/pods/two/log?container=init")).path, "/containerLogs/ns/two/init");
});

test("missing pod 404, unbound pod 400, container choice as upstream words it", async () => {
  await rejects(target("/api/v1/namespaces/ns/pods/nope/log"), 404, 'pods "nope" not found');
  await rejects(target("/api/v1/namespaces/ns/pods/unbound/log"), 400, "pod unbound does not have a host assigned");
  await rejects(target("/api/v1/namespaces/ns/pods/two/log"), 400, "a container name must be specified for pod two, choose one of: [a b] or one of the init containers: [init]");
  await rejects(target("/api/v1/namespaces/ns/pods/one/exec?container=x&command=ls"), 400, "container x is not valid for pod one");
});
