import { test } from "node:test";
import assert from "node:assert/strict";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";
import { endpointKey } from "./desired.ts";
import { packEndpoints } from "./pack.ts";

const ep = (i: number, ready = true): Endpoint => ({ addresses: [`10.0.${i >> 8}.${i & 255}`], conditions: { ready }, targetRef: { kind: "Pod", namespace: "ns", name: `p${i}` } });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => ep(from + k));
const slice = (name: string, eps: Endpoint[]): EndpointSlice => ({ metadata: { name }, addressType: "IPv4", endpoints: eps });
const desiredOf = (eps: Endpoint[]) => new Map(eps.map((e) => [endpointKey(e), e]));
const fresh = () => slice("", []);
const noLabelChange = () => false;

test("removals and additions reuse slices being written, then the best-fitting unchanged slice", () => {
  const full = slice("full", range(0, 100));
  const half = slice("half", range(100, 150));
  // p0 goes; p150..p152 arrive.
  const desired = desiredOf([...range(1, 150), ...range(150, 153)]);
  const out = packEndpoints([full, half], desired, fresh, noLabelChange);
  assert.equal(out.create.length, 0);
  assert.equal(out.delete.length, 0);
  assert.deepEqual(out.update.map((s) => [s.metadata!.name, s.endpoints!.length]), [["full", 100], ["half", 52]]);
});

test("unchanged slices are not written; a changed endpoint updates its slice; emptied slices are deleted; overflow makes new slices", () => {
  const a = slice("a", range(0, 10));
  const b = slice("b", range(10, 20));
  const desired = desiredOf([...range(0, 5), ep(5, false), ...range(6, 10), ...range(20, 130)]);
  const out = packEndpoints([a, b], desired, fresh, noLabelChange);
  assert.deepEqual(out.delete.map((s) => s.metadata!.name), ["b"]);
  assert.deepEqual(out.update.map((s) => [s.metadata!.name, s.endpoints!.length]), [["a", 100]]);
  assert.equal(out.update[0]!.endpoints![5]!.conditions!.ready, false);
  assert.deepEqual(out.create.map((s) => s.endpoints!.length), [20]);

  const same = packEndpoints([slice("a", range(0, 10))], desiredOf(range(0, 10)), fresh, noLabelChange);
  assert.deepEqual([same.create.length, same.update.length, same.delete.length], [0, 0, 0]);
});
