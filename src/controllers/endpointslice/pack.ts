// Upstream's minimal-churn packing of one port set's endpoints into slices: existing slices keep the endpoints
// still desired (updated in place where they changed) and lose the rest; new endpoints first fill slices that are
// being written anyway, fullest first, then the one unchanged slice they fit best, and only then new slices.
// Slices left empty are deleted. Nothing is written for slices whose content stays the same.
import { isDeepStrictEqual } from "node:util";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";
import { endpointKey } from "./desired.ts";

export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface SliceChanges {
  /** New slices (no name yet), holding their endpoints. */
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

/**
 * `desired` is consumed. `newSlice` makes an empty slice for this port set; `labelsChanged` says whether an
 * existing slice needs writing for its labels alone.
 */
export function packEndpoints(
  existing: EndpointSlice[],
  desired: Map<string, Endpoint>,
  newSlice: () => EndpointSlice,
  labelsChanged: (slice: EndpointSlice) => boolean,
  max = MAX_ENDPOINTS_PER_SLICE,
): SliceChanges {
  const toUpdate: EndpointSlice[] = [];
  const unchanged: EndpointSlice[] = [];
  const toDelete: EndpointSlice[] = [];

  for (const slice of existing) {
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of slice.endpoints ?? []) {
      const key = endpointKey(ep);
      const want = desired.get(key);
      if (!want) continue;
      kept.push(want);
      if (!isDeepStrictEqual(normalize(want), normalize(ep))) changed = true;
      desired.delete(key);
    }
    if (changed || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.push(slice);
      else toUpdate.push({ ...slice, endpoints: kept });
    } else if (labelsChanged(slice)) {
      toUpdate.push({ ...slice, endpoints: kept });
    } else {
      unchanged.push(slice);
    }
  }

  // What no existing slice kept, in order.
  const queue = [...desired.values()];
  let next = 0;
  const fill = (slice: EndpointSlice) => {
    const eps = slice.endpoints!;
    while (eps.length < max && next < queue.length) eps.push(queue[next++]!);
  };

  // Slices written anyway take new endpoints first, fullest first.
  for (const slice of [...toUpdate].sort((a, b) => b.endpoints!.length - a.endpoints!.length)) fill(slice);

  const create: EndpointSlice[] = [];
  while (next < queue.length) {
    const left = queue.length - next;
    // Fewer than a slice's worth left: add them to the unchanged slice they fill closest to full, if one has room.
    const target = left < max ? bestFit(unchanged, left, max) : undefined;
    if (target) {
      unchanged.splice(unchanged.indexOf(target), 1);
      const slice = { ...target, endpoints: [...target.endpoints!] };
      toUpdate.push(slice);
      fill(slice);
    } else {
      const slice = newSlice();
      create.push(slice);
      fill(slice);
    }
  }
  return { create, update: toUpdate, delete: toDelete };
}

/** The slice that ends closest to full with `n` more endpoints, among those with room for them. */
function bestFit(slices: EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  for (const s of slices) {
    const len = s.endpoints?.length ?? 0;
    if (len + n <= max && (!best || len > (best.endpoints?.length ?? 0))) best = s;
  }
  return best;
}

const normalize = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
