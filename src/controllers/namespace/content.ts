// Deleting everything in a terminating namespace, as upstream's namespaced resources deleter: for each namespaced
// resource discovery reports as deletable, delete the collection (or list and delete each object), then list
// what is left. Objects may linger for good reasons (finalizers, pods terminating gracefully): the estimate says
// how long to wait before looking again; anything else left over is a failure.
import type { Namespace } from "kubernetes-types/core/v1";
import type { Client } from "../../client/rest-client.ts";
import type { ApiObject } from "../../client/resources.ts";
import { R } from "../../client/resources.ts";
import type { ApiResource } from "../../client/discovery.ts";
import { describeFailures, discoverResources, supportsVerbs } from "../../client/discovery.ts";
import { isNotFound } from "../../client/errors.ts";
import type { DeletionReport } from "./conditions.ts";

/** Upstream's allowance for finalizers on remaining content, in seconds. */
const FINALIZER_ESTIMATE_S = 15;

export interface ContentOutcome {
  report: DeletionReport;
  /** Seconds until remaining content should be gone; 0 when none is expected to remain. */
  estimateSeconds: number;
}

interface ResourceOutcome {
  estimateSeconds: number;
  remaining: number;
  finalizers: Map<string, number>;
  failure?: string;
}

/** Deletes what is in the namespace; the report says what failed and what remains. */
export async function deleteNamespaceContent(client: Client, ns: Namespace, now: Date): Promise<ContentOutcome> {
  const namespace = ns.metadata!.name!;
  const deletedAt = Date.parse(ns.metadata!.deletionTimestamp!);
  const report: DeletionReport = { contentFailures: [], remainingByResource: new Map(), remainingByFinalizer: new Map() };
  let resources: ApiResource[] = [];
  try {
    const discovered = await discoverResources(client);
    resources = discovered.resources;
    if (discovered.failures.length) {
      report.discoveryFailure = `Discovery failed for some groups, ${discovered.failures.length} failing: ${describeFailures(discovered.failures)}`;
    }
    if (discovered.unparsable.length) report.groupVersionParsingFailure = discovered.unparsable.map((gv) => `unexpected GroupVersion string: ${gv}`).join(", ");
  } catch (err) {
    report.discoveryFailure = (err as Error).message;
  }

  let estimateSeconds = 0;
  const deletable = resources.filter((r) => r.namespaced && supportsVerbs(r, "delete"));
  const outcomes = await Promise.all(deletable.map(async (r) => {
    try {
      return { r, outcome: await deleteResourceContent(client, r, namespace, (now.getTime() - deletedAt) / 1000) };
    } catch (err) {
      return { r, outcome: { estimateSeconds: 0, remaining: 0, finalizers: new Map<string, number>(), failure: (err as Error).message } };
    }
  }));
  for (const { r, outcome } of outcomes) {
    estimateSeconds = Math.max(estimateSeconds, outcome.estimateSeconds);
    if (outcome.failure) report.contentFailures.push(outcome.failure);
    if (outcome.remaining > 0) report.remainingByResource.set(`${r.resource}.${r.group}`, outcome.remaining);
    for (const [f, n] of outcome.finalizers) report.remainingByFinalizer.set(f, (report.remainingByFinalizer.get(f) ?? 0) + n);
  }
  return { report, estimateSeconds };
}

async function deleteResourceContent(client: Client, r: ApiResource, namespace: string, secondsSinceDeletion: number): Promise<ResourceOutcome> {
  const objects = client.resource(r, { asMetadata: true });
  const estimateSeconds = isPods(r) ? await podTerminationEstimate(client, namespace, secondsSinceDeletion) : 0;
  if (supportsVerbs(r, "deletecollection")) {
    await client.resource(r).deleteCollection(namespace, { propagationPolicy: "Background" });
  } else if (supportsVerbs(r, "list")) {
    const { items } = await objects.list({ namespace });
    await Promise.all(items.map((o) => deleteOne(objects, namespace, o)));
  }
  if (!supportsVerbs(r, "list")) return { estimateSeconds, remaining: 0, finalizers: new Map() };

  const { items } = await objects.list({ namespace });
  const finalizers = new Map<string, number>();
  for (const o of items) for (const f of o.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
  const remaining = items.length;
  if (remaining === 0 || estimateSeconds > 0) return { estimateSeconds, remaining, finalizers };
  if (finalizers.size) return { estimateSeconds: FINALIZER_ESTIMATE_S, remaining, finalizers };
  return { estimateSeconds, remaining, finalizers, failure: `unexpected items still remain in namespace: ${namespace} for gvr: ${r.group}/${r.version}, Resource=${r.resource}` };
}

async function deleteOne(objects: ReturnType<Client["resource"]>, namespace: string, obj: ApiObject): Promise<void> {
  try {
    await objects.delete(namespace, obj.metadata!.name!, { propagationPolicy: "Background" });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

const isPods = (r: ApiResource): boolean => r.group === "" && r.resource === "pods";

/** The longest grace period of the namespace's running pods, until that much time has passed since deletion. */
async function podTerminationEstimate(client: Client, namespace: string, secondsSinceDeletion: number): Promise<number> {
  const { items } = await client.resource(R.pods).list({ namespace });
  let estimate = 0;
  for (const pod of items) {
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
  }
  return secondsSinceDeletion >= estimate ? 0 : estimate;
}
