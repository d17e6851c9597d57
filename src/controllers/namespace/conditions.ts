// The five status conditions a terminating namespace carries, with upstream's types, reasons and message shapes,
// so `kubectl describe namespace` explains what deletion waits for. Each is True while its problem lasts and
// turns False with an "ok" reason once it is gone.
import type { NamespaceCondition } from "kubernetes-types/core/v1";

/** What one pass of content deletion found. */
export interface DeletionReport {
  /** Client-go's partial discovery message, when some group versions did not answer. */
  discoveryFailure?: string;
  groupVersionParsingFailure?: string;
  /** One message per resource whose content could not be deleted. */
  contentFailures: string[];
  /** Objects left, by resource ("pods.", "deployments.apps"). */
  remainingByResource: Map<string, number>;
  /** Objects left, by each finalizer they carry. */
  remainingByFinalizer: Map<string, number>;
}

type ConditionType =
  | "NamespaceDeletionDiscoveryFailure"
  | "NamespaceDeletionGroupVersionParsingFailure"
  | "NamespaceDeletionContentFailure"
  | "NamespaceContentRemaining"
  | "NamespaceFinalizersRemaining";

const OK: Record<ConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: "ResourcesDiscovered", message: "All resources successfully discovered" },
  NamespaceDeletionGroupVersionParsingFailure: { reason: "ParsedGroupVersions", message: "All legacy kube types successfully parsed" },
  NamespaceDeletionContentFailure: { reason: "ContentDeleted", message: "All content successfully deleted, may be waiting on finalization" },
  NamespaceContentRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
  NamespaceFinalizersRemaining: { reason: "ContentHasNoFinalizers", message: "All content-preserving finalizers finished" },
};

const TYPES = Object.keys(OK) as ConditionType[];

/** The failing conditions a report calls for; types not named here are ok. */
function failures(r: DeletionReport): Partial<Record<ConditionType, { reason: string; message: string }>> {
  const out: Partial<Record<ConditionType, { reason: string; message: string }>> = {};
  if (r.discoveryFailure) {
    out.NamespaceDeletionDiscoveryFailure = { reason: "DiscoveryFailed", message: r.discoveryFailure };
  }
  if (r.groupVersionParsingFailure) {
    out.NamespaceDeletionGroupVersionParsingFailure = { reason: "GroupVersionParsingFailed", message: r.groupVersionParsingFailure };
  }
  if (r.contentFailures.length) {
    const messages = [...r.contentFailures].sort();
    out.NamespaceDeletionContentFailure = {
      reason: "ContentDeletionFailed",
      message: `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(", ")}`,
    };
  }
  const resources = counted(r.remainingByResource, (resource, n) => `${resource} has ${n} resource instances`);
  if (resources.length) {
    out.NamespaceContentRemaining = { reason: "SomeResourcesRemain", message: `Some resources are remaining: ${resources.join(", ")}` };
  }
  const finalizers = counted(r.remainingByFinalizer, (finalizer, n) => `${finalizer} in ${n} resource instances`);
  if (finalizers.length) {
    out.NamespaceFinalizersRemaining = {
      reason: "SomeFinalizersRemain",
      message: `Some content in the namespace has finalizers remaining: ${finalizers.join(", ")}`,
    };
  }
  return out;
}

/** Sorted, so the message (and so the status) only changes when the content does. */
const counted = (m: Map<string, number>, line: (key: string, n: number) => string): string[] =>
  [...m].filter(([, n]) => n > 0).map(([k, n]) => line(k, n)).sort();

/**
 * The namespace's conditions after a report: each of the five set to its failing or ok form, others kept as they
 * are; lastTransitionTime moves only when a status flips. `changed` says whether anything differs.
 */
export function applyReport(current: readonly NamespaceCondition[] | undefined, report: DeletionReport, now: string): { conditions: NamespaceCondition[]; changed: boolean } {
  const failing = failures(report);
  const conditions = (current ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of TYPES) {
    const want = failing[type] ? { status: "True", ...failing[type] } : { status: "False", ...OK[type] };
    const have = conditions.find((c) => c.type === type);
    if (!have) {
      conditions.push({ type, ...want, lastTransitionTime: now });
      changed = true;
    } else if (have.status !== want.status || have.reason !== want.reason || have.message !== want.message) {
      if (have.status !== want.status) have.lastTransitionTime = now;
      Object.assign(have, want);
      changed = true;
    }
  }
  return { conditions, changed };
}
