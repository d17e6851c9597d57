// Prefers nodes that already have the pod's images: each image present counts its size, scaled by the share of
// nodes that have it (so a ubiquitous image does not pull pods together), mapped between 23 MiB and 1000 MiB per
// container onto 0..100.
import type { Handle, ScorePlugin } from "../plugin.ts";
import { normalizedImageName } from "../cache.ts";
import { MAX_NODE_SCORE } from "../framework.ts";

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export const imageLocality = (_args: unknown, handle: Handle): ScorePlugin => ({
  name: "ImageLocality",
  score(_state, pod, nodes, out) {
    const containers = [...(pod.pod.spec?.initContainers ?? []), ...(pod.pod.spec?.containers ?? [])];
    const images = containers.map((c) => normalizedImageName(c.image ?? ""));
    const total = handle.cache.nodeCount;
    const max = MAX_CONTAINER_THRESHOLD * containers.length;
    // No node has any of the images: every node scores 0 (the usual case for a new workload).
    if (images.every((img) => handle.cache.imageNodeCount(img) === 0)) {
      out.fill(0, 0, nodes.length);
      return;
    }
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      let sum = 0;
      if (node.images.size) {
        for (const img of images) {
          const size = node.images.get(img);
          if (size !== undefined) sum += Math.trunc(size * (handle.cache.imageNodeCount(img) / total));
        }
      }
      const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
      out[n] = Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
    }
  },
});
