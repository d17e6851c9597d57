// Endpoints hold at most 1000 addresses (upstream's maxCapacity); beyond that the controller keeps a proportional
// share of each subset, ready addresses first, and says so with the over-capacity annotation.
import type { EndpointSubset } from "kubernetes-types/core/v1";

export const MAX_ENDPOINT_ADDRESSES = 1000;

/** The subsets cut down to `max` addresses, or undefined when they fit. */
export function truncateSubsets(subsets: EndpointSubset[], max = MAX_ENDPOINT_ADDRESSES): EndpointSubset[] | undefined {
  const ready = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const notReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (ready + notReady <= max) return undefined;
  // With more ready addresses than room, not-ready ones all go and ready ones are shared out; otherwise only
  // not-ready ones are cut, into the room the ready ones leave.
  const cutReady = ready > max;
  const total = cutReady ? ready : notReady;
  const room = cutReady ? max : max - ready;
  let left = room;
  const out: EndpointSubset[] = [];
  for (const s of subsets) {
    const list = (cutReady ? s.addresses : s.notReadyAddresses) ?? [];
    const share = Math.min(left, Math.ceil((list.length / total) * room));
    left -= share;
    const kept = list.slice(0, share);
    const next: EndpointSubset = { ...s };
    if (cutReady) {
      delete next.notReadyAddresses;
      if (kept.length) next.addresses = kept;
      else delete next.addresses;
    } else if (kept.length) next.notReadyAddresses = kept;
    else delete next.notReadyAddresses;
    // A subset needs at least one address to be valid.
    if (next.addresses?.length || next.notReadyAddresses?.length) out.push(next);
  }
  return out;
}
