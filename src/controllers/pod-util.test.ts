import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { StatusError } from "../client/errors.ts";
import { parseLabelSelector } from "../api/selectors/labels.ts";
import { claim, isPodActive, isPodAvailable } from "./pod-util.ts";

const readyPod = (since: string): Pod => ({ status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: since }] } });

test("active pods exclude finished and terminating ones", () => {
  assert.ok(isPodActive({ status: { phase: "Running" } }));
  assert.ok(isPodActive({}));
  assert.ok(!isPodActive({ status: { phase: "Failed" } }));
  assert.ok(!isPodActive({ status: { phase: "Succeeded" } }));
  assert.ok(!isPodActive({ metadata: { deletionTimestamp: "2024-01-01T00:00:00Z" } }));
});

test("available means ready for more than minReadySeconds", () => {
  const now = new Date("2024-01-01T00:00:10Z");
  assert.ok(isPodAvailable(readyPod("2024-01-01T00:00:10Z"), 0, now));
  assert.ok(isPodAvailable(readyPod("2024-01-01T00:00:00Z"), 5, now));
  assert.ok(!isPodAvailable(readyPod("2024-01-01T00:00:05Z"), 5, now), "exactly minReadySeconds is not yet available");
  assert.ok(!isPodAvailable({ status: { conditions: [{ type: "Ready", status: "False" }] } }, 0, now));
});

test("claim keeps, adopts and releases by selector and controller reference", async () => {
  const owner = { metadata: { name: "rs", namespace: "ns", uid: "owner" } };
  const ref = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "owner", controller: true };
  const pod = (name: string, labels: Record<string, string>, ownerUid?: string, extra: Pod["metadata"] = {}): Pod => ({
    metadata: { name, namespace: "ns", uid: `u-${name}`, labels, ...extra, ...(ownerUid ? { ownerReferences: [{ ...ref, uid: ownerUid }] } : {}) },
  });
  const patches: [string, unknown][] = [];
  const claimed = await claim([
    pod("mine", { app: "a" }, "owner"),
    pod("stale", { app: "b" }, "owner"),
    pod("theirs", { app: "a" }, "someone-else"),
    pod("orphan", { app: "a" }),
    pod("gone", { app: "a" }),
    pod("unmatched", { app: "b" }),
    pod("dying", { app: "a" }, undefined, { deletionTimestamp: "2024-01-01T00:00:00Z" }),
  ], {
    owner,
    ownerRef: ref,
    selector: parseLabelSelector("app=a"),
    readOwner: async () => owner,
    patch: async (p, patch) => {
      if (p.metadata!.name === "gone") throw new StatusError({ reason: "NotFound", code: 404 });
      patches.push([p.metadata!.name!, patch]);
      return { ...p, metadata: { ...p.metadata, resourceVersion: "patched" } };
    },
  });
  assert.deepEqual(claimed.map((p) => p.metadata!.name), ["mine", "orphan"]);
  assert.equal(claimed[1].metadata!.resourceVersion, "patched", "adopted pods are answered as written");
  assert.deepEqual(patches, [
    ["stale", { metadata: { ownerReferences: [{ $patch: "delete", uid: "owner" }], uid: "u-stale" } }],
    ["orphan", { metadata: { ownerReferences: [ref], uid: "u-orphan" } }],
  ]);
});

test("claim adopts nothing when the owner was replaced or is being deleted", async () => {
  const owner = { metadata: { name: "rs", namespace: "ns", uid: "owner" } };
  const opts = (fresh: object) => ({
    owner, ownerRef: { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "owner" }, selector: parseLabelSelector("app=a"),
    readOwner: async () => fresh, patch: async () => assert.fail("must not patch"),
  });
  const orphan: Pod = { metadata: { name: "p", namespace: "ns", labels: { app: "a" } } };
  await assert.rejects(claim([orphan], opts({ metadata: { uid: "new" } })), /is gone/);
  await assert.rejects(claim([orphan], opts({ metadata: { uid: "owner", deletionTimestamp: "2024-01-01T00:00:00Z" } })), /has just been deleted/);
});
