import { test } from "node:test";
import assert from "node:assert/strict";
import { CycleState } from "../cycle-state.ts";
import { testFramework } from "../testing/framework.ts";
import { makeNode, makePod, podInfo } from "../testing/fixtures.ts";
import type { ScorePlugin } from "../plugin.ts";

const MB = 1024 * 1024;

test("nodes holding the pod's images score by size, scaled by how widespread each image is", () => {
  const { fwk, cache } = testFramework();
  cache.setNode(makeNode("big", { images: [{ names: ["registry.example/app:1"], sizeBytes: 500 * MB }] }));
  cache.setNode(makeNode("small", { images: [{ names: ["registry.example/app:1"], sizeBytes: 500 * MB }, { names: ["other:1"], sizeBytes: 900 * MB }] }));
  cache.setNode(makeNode("none"));
  cache.setNode(makeNode("none2"));
  const plugin = fwk.plugins.get("ImageLocality") as ScorePlugin;
  const pod = podInfo(makePod("p"));
  const nodes = cache.nodeList();
  const scores = new Float64Array(nodes.length);
  plugin.score(new CycleState(), pod, nodes, scores);
  // 500 MiB on 2 of 4 nodes -> 250 MiB; (250 - 23) / (1000 - 23) of 100 -> 23
  assert.deepEqual(Object.fromEntries(nodes.map((n, i) => [n.name, scores[i]])), { big: 23, small: 23, none: 0, none2: 0 });
  const absent = podInfo(makePod("q", { spec: { containers: [{ name: "c", image: "nowhere:1" }] } }));
  plugin.score(new CycleState(), absent, nodes, scores);
  assert.deepEqual([...scores], [0, 0, 0, 0]);
});
