// CPU cost of the scheduling cycle alone (no API server): N nodes in the cache, P pods placed one after another
// with the default profile (PreFilter, Filter, Score, assume), as µs per pod for each workload.
//   node_modules/.bin/node bench/scheduler-cycle.ts [--nodes 1000] [--pods 3000] [--workloads basic,spread,antiaffinity]
import { parseArgs } from "node:util";
import type { Pod } from "kubernetes-types/core/v1";
import { SchedulerCache } from "../src/scheduler/cache.ts";
import { Nominator } from "../src/scheduler/nominator.ts";
import { Framework } from "../src/scheduler/framework.ts";
import type { HandleBase } from "../src/scheduler/framework.ts";
import { resolveConfiguration } from "../src/scheduler/config.ts";
import { inTreePlugins } from "../src/scheduler/registry.ts";
import { Placer } from "../src/scheduler/placement.ts";
import { CycleState } from "../src/scheduler/cycle-state.ts";
import { makeNode, makePod, podInfo } from "../src/scheduler/testing/fixtures.ts";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "1000" },
    pods: { type: "string", default: "3000" },
    workloads: { type: "string", default: "basic,spread,antiaffinity" },
  },
});

function pod(i: number, w: string): Pod {
  const labels = { app: "bench", group: `g${i % 10}` };
  const p = makePod(`pod-${i}`, { cpu: "100m", labels });
  if (w === "spread") p.spec!.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "bench" } } }];
  if (w === "antiaffinity") p.spec!.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { group: labels.group } } }] } };
  return p;
}

for (const w of values.workloads!.split(",")) {
  const cache = new SchedulerCache();
  const nominator = new Nominator();
  for (let i = 0; i < Number(values.nodes); i++) cache.setNode(makeNode(`node-${i}`, { cpu: "32", memory: "256Gi", labels: { "topology.kubernetes.io/zone": `zone-${i % 5}` } }));
  const base = { cache, nominator, namespaceLabels: () => ({}), namespacesMatching: () => [], podDisruptionBudgets: () => [], defaultSpreadSelector: () => undefined, preemptionPolicyOf: () => "PreemptLowerPriority", random: Math.random } as unknown as HandleBase;
  const fwk = new Framework(resolveConfiguration({}).profiles[0]!, inTreePlugins, base);
  const placer = new Placer(cache, nominator);
  const pods = Array.from({ length: Number(values.pods) }, (_, i) => podInfo(pod(i, w)));
  const t0 = performance.now();
  let failed = 0;
  for (const p of pods) {
    const r = placer.schedulePod(fwk, new CycleState(), p);
    if (r.ok) cache.assume(p, r.node);
    else failed++;
  }
  const us = ((performance.now() - t0) * 1000) / pods.length;
  console.log(`${w.padEnd(12)} nodes=${values.nodes} pods=${pods.length}: ${us.toFixed(0)} µs per pod${failed ? `, ${failed} unschedulable` : ""}`);
}
