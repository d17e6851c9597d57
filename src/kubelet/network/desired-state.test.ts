import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "kubernetes-types/core/v1";
import { nodePodCidr } from "../../api/node-network.ts";
import { candidateRoutes, clusterPodRanges, nodeInternalIp, routeChanges, setChanges } from "./desired-state.ts";

const node = (name: string, podCIDR?: string, ip?: string, extra: Partial<Node> = {}): Node => ({
  metadata: { name },
  spec: podCIDR ? { podCIDR } : {},
  status: ip ? { addresses: [{ type: "Hostname", address: name }, { type: "InternalIP", address: ip }] } : {},
  ...extra,
});

describe("nodePodCidr and nodeInternalIp", () => {
  it("take the IPv4 pod range (normalised) and the first IPv4 InternalIP", () => {
    assert.equal(nodePodCidr(node("a", "10.42.1.7/24")), "10.42.1.0/24");
    assert.equal(nodePodCidr({ metadata: { name: "a" }, spec: { podCIDRs: ["fd00::/64", "10.42.2.0/24"] } }), "10.42.2.0/24");
    assert.equal(nodePodCidr(node("a")), undefined);
    const n: Node = { status: { addresses: [{ type: "ExternalIP", address: "203.0.113.1" }, { type: "InternalIP", address: "fd00::1" }, { type: "InternalIP", address: "10.0.0.2" }] } };
    assert.equal(nodeInternalIp(n), "10.0.0.2");
    assert.equal(nodeInternalIp({ status: { addresses: [{ type: "InternalIP", address: "10.0.0.300" }] } }), undefined);
    assert.equal(nodeInternalIp({ status: { addresses: [{ type: "InternalIP", address: "10.0.0.07" }] } }), "10.0.0.7");
  });
});

describe("candidateRoutes", () => {
  it("routes every other node's pod range through its InternalIP", () => {
    const routes = candidateRoutes(
      [node("self", "10.42.0.0/24", "10.0.0.1"), node("b", "10.42.1.0/24", "10.0.0.2"), node("c", "10.42.2.0/24", "10.0.0.3")],
      "self",
      "10.42.0.0/24",
    );
    assert.deepEqual([...routes.values()], [
      { podCidr: "10.42.1.0/24", via: "10.0.0.2", node: "b" },
      { podCidr: "10.42.2.0/24", via: "10.0.0.3", node: "c" },
    ]);
  });

  it("skips nodes without a range or address, our own range, and second claims on a range", () => {
    const routes = candidateRoutes(
      [node("d", "10.42.1.0/24", "10.0.0.4"), node("b", "10.42.1.0/24", "10.0.0.2"), node("x", "10.42.0.0/24", "10.0.0.9"), node("y", undefined, "10.0.0.5"), node("z", "10.42.5.0/24")],
      "self",
      "10.42.0.0/24",
    );
    assert.deepEqual([...routes.values()], [{ podCidr: "10.42.1.0/24", via: "10.0.0.2", node: "b" }]);
  });
});

describe("clusterPodRanges", () => {
  it("holds our own range and every node's, leaving out overlapping ones", () => {
    const ranges = clusterPodRanges([node("b", "10.42.1.0/24"), node("c", "10.42.1.128/25"), node("d", "10.42.0.0/16"), node("e")], "10.42.0.0/24");
    assert.deepEqual([...ranges].sort(), ["10.42.0.0/24", "10.42.1.0/24"]);
    assert.deepEqual([...clusterPodRanges([], "10.42.9.0/24")], ["10.42.9.0/24"]);
  });
});

describe("routeChanges and setChanges", () => {
  it("replace what is new or moved, remove what is no longer wanted, leave the rest", () => {
    const current = new Map([["10.42.1.0/24", "10.0.0.2"], ["10.42.2.0/24", "10.0.0.3"], ["10.42.3.0/24", "10.0.0.4"]]);
    const wanted = new Map([["10.42.1.0/24", "10.0.0.2"], ["10.42.2.0/24", "10.0.0.9"], ["10.42.4.0/24", "10.0.0.5"]]);
    assert.deepEqual(routeChanges(current, wanted), {
      replace: [{ podCidr: "10.42.2.0/24", via: "10.0.0.9" }, { podCidr: "10.42.4.0/24", via: "10.0.0.5" }],
      remove: [{ podCidr: "10.42.3.0/24", via: "10.0.0.4" }],
    });
    assert.deepEqual(routeChanges(wanted, wanted), { replace: [], remove: [] });
    assert.deepEqual(setChanges(new Set(["a", "b"]), new Set(["b", "c"])), { add: ["c"], remove: ["a"] });
  });
});
