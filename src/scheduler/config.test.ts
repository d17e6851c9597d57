import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, expandPlugins, loadConfiguration, resolveConfiguration } from "./config.ts";
import type { ExtensionPoint, SchedulerConfiguration } from "./config.ts";

// Extension points of a few plugins, as the framework would find them on the instances.
const POINTS: Record<string, ExtensionPoint[]> = {
  PrioritySort: ["queueSort"],
  SchedulingGates: ["preEnqueue"],
  NodeUnschedulable: ["filter"],
  NodeName: ["filter"],
  TaintToleration: ["filter", "preScore", "score"],
  NodeAffinity: ["preFilter", "filter", "preScore", "score"],
  NodePorts: ["preFilter", "filter"],
  NodeResourcesFit: ["filter", "preScore", "score"],
  PodTopologySpread: ["preFilter", "filter", "preScore", "score"],
  InterPodAffinity: ["preFilter", "filter", "preScore", "score"],
  NodeResourcesBalancedAllocation: ["preScore", "score"],
  ImageLocality: ["score"],
  DefaultPreemption: ["postFilter"],
  DefaultBinder: ["bind"],
  Custom: ["filter", "score"],
};
const pointsOf = (name: string) => new Set(POINTS[name] ?? []);
const expand = (cfg: SchedulerConfiguration) => expandPlugins(resolveConfiguration(cfg).profiles[0]!, pointsOf);
const names = (refs: { name: string }[]) => refs.map((r) => r.name);

test("defaults: every default plugin at its extension points, with upstream's weights", () => {
  const p = expand({});
  assert.deepEqual(names(p.filter), ["NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity"]);
  assert.deepEqual(p.score, [
    { name: "TaintToleration", weight: 3 }, { name: "NodeAffinity", weight: 2 }, { name: "NodeResourcesFit", weight: 1 }, { name: "PodTopologySpread", weight: 2 },
    { name: "InterPodAffinity", weight: 2 }, { name: "NodeResourcesBalancedAllocation", weight: 1 }, { name: "ImageLocality", weight: 1 },
  ]);
  assert.deepEqual(names(p.queueSort), ["PrioritySort"]);
  assert.deepEqual(names(p.bind), ["DefaultBinder"]);
  const r = resolveConfiguration({});
  assert.equal(r.profiles[0]!.schedulerName, "default-scheduler");
  assert.equal(r.podInitialBackoffMs, 1000);
  assert.equal(r.podMaxBackoffMs, 10_000);
});

test("disabling at one extension point, re-weighting, and adding a plugin", () => {
  const p = expand({
    profiles: [{
      plugins: {
        score: { disabled: [{ name: "NodeResourcesBalancedAllocation" }], enabled: [{ name: "NodeResourcesFit", weight: 5 }, { name: "Custom", weight: 2 }] },
        filter: { disabled: [{ name: "TaintToleration" }] },
      },
    }],
  });
  assert.deepEqual(names(p.score), ["NodeResourcesFit", "TaintToleration", "NodeAffinity", "PodTopologySpread", "InterPodAffinity", "ImageLocality", "Custom"]);
  assert.equal(p.score[0]!.weight, 5);
  assert.equal(p.score.at(-1)!.weight, 2);
  assert.ok(!names(p.filter).includes("TaintToleration"));
  assert.ok(names(p.preScore).includes("NodeResourcesBalancedAllocation"), "only the score point was disabled");
});

test("multiPoint: disable all defaults and enable a few", () => {
  const p = expand({ profiles: [{ plugins: { multiPoint: { disabled: [{ name: "*" }], enabled: [{ name: "PrioritySort" }, { name: "NodeName" }, { name: "DefaultBinder" }] } } }] });
  assert.deepEqual(names(p.filter), ["NodeName"]);
  assert.deepEqual(p.score, []);
});

test("invalid configurations are refused", () => {
  assert.throws(() => expand({ profiles: [{ plugins: { multiPoint: { enabled: [{ name: "Custom" }, { name: "Custom" }] } } }] }), ConfigError);
  assert.throws(() => expand({ profiles: [{ plugins: { queueSort: { disabled: [{ name: "*" }] } } }] }), /exactly one/);
  assert.throws(() => expand({ profiles: [{ plugins: { bind: { enabled: [{ name: "NodeName" }] } } }] }), /does not extend bind/);
  assert.throws(() => resolveConfiguration({ percentageOfNodesToScore: 101 }), ConfigError);
  assert.throws(() => resolveConfiguration({ apiVersion: "kubescheduler.config.k8s.io/v1beta3" }), ConfigError);
  assert.throws(() => resolveConfiguration({ profiles: [{}, { schedulerName: "default-scheduler" }] }), /duplicate/);
  assert.throws(() => resolveConfiguration({ podInitialBackoffSeconds: 5, podMaxBackoffSeconds: 2 }), ConfigError);
});

test("a KubeSchedulerConfiguration loads from a YAML file", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "sched-config-"));
  t.after(() => rm(dir, { recursive: true }));
  const path = join(dir, "config.yaml");
  await writeFile(path, [
    "apiVersion: kubescheduler.config.k8s.io/v1",
    "kind: KubeSchedulerConfiguration",
    "percentageOfNodesToScore: 30",
    "profiles:",
    "- schedulerName: bin-packer",
    "  pluginConfig:",
    "  - name: NodeResourcesFit",
    "    args:",
    "      scoringStrategy: {type: MostAllocated}",
  ].join("\n"));
  const r = resolveConfiguration(await loadConfiguration(path));
  assert.equal(r.profiles[0]!.schedulerName, "bin-packer");
  assert.equal(r.profiles[0]!.percentageOfNodesToScore, 30);
  assert.deepEqual(r.profiles[0]!.args.get("NodeResourcesFit"), { scoringStrategy: { type: "MostAllocated" } });
  await writeFile(path, "- not a map");
  await assert.rejects(loadConfiguration(path), ConfigError);
});
