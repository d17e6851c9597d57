// How far a rolling update may go above (maxSurge) and below (maxUnavailable) the desired replicas, resolved
// from ints or percentages as upstream: surge rounds up, unavailability rounds down.
import type { Deployment } from "kubernetes-types/apps/v1";

type IntOrString = number | string;

/** An int, or a percentage of `total`; malformed values (which validation rejects) count as 0. */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const m = typeof v === "string" ? /^(\d+)%$/.exec(v) : null;
  if (!m) return 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

const desired = (d: Deployment): number => d.spec?.replicas ?? 1;
const isRollingUpdate = (d: Deployment): boolean => (d.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate";

/** Both limits; when both round to 0, one pod may be unavailable, since a surge may be impossible (quota). */
function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge ?? 0, desired(d), true);
  const unavailable = scaledValue(ru?.maxUnavailable ?? 0, desired(d), false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || desired(d) === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired(d));
}
