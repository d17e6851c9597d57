import { test } from "node:test";
import assert from "node:assert/strict";
import { fitErrorMessage } from "./fit-error.ts";
import { unresolvable, unschedulable } from "./status.ts";
import type { Diagnosis } from "./plugin.ts";

const diagnosis = (d: Partial<Diagnosis>): Diagnosis => ({ nodeStatuses: new Map(), absentStatus: undefined, unschedulablePlugins: new Set(), preFilterMsg: undefined, ...d });

test("reasons are counted over nodes and sorted as text", () => {
  const d = diagnosis({
    nodeStatuses: new Map([
      ["a", unresolvable("node(s) had untolerated taint {dedicated: gpu}")],
      ["b", unschedulable("Insufficient cpu", "Insufficient memory")],
      ["c", unschedulable("Insufficient cpu")],
      ["d", unschedulable("Insufficient cpu")],
    ]),
  });
  assert.equal(fitErrorMessage(4, d, "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."),
    "0/4 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.");
});

test("nodes not evaluated count under the absent status; a PreFilter message replaces the histogram", () => {
  const d = diagnosis({ nodeStatuses: new Map([["a", unschedulable("Insufficient cpu")]]), absentStatus: unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]") });
  assert.equal(fitErrorMessage(3, d), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  assert.equal(fitErrorMessage(3, diagnosis({ preFilterMsg: "pod affinity terms conflict" }), "preemption: not eligible"), "0/3 nodes are available: pod affinity terms conflict. preemption: not eligible.");
});
