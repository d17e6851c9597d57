// Queue order: higher priority first, then the pod that has waited longest.
import type { QueueSortPlugin } from "../plugin.ts";

export const prioritySort = (): QueueSortPlugin => ({
  name: "PrioritySort",
  less: (a, b) => a.podInfo.priority > b.podInfo.priority || (a.podInfo.priority === b.podInfo.priority && a.timestamp < b.timestamp),
});
