// What to write for one Service's slices: per address type, slices not owned by the Service (or of another
// address type) go, each desired port set is packed into slices with minimal churn, a placeholder slice stands in
// when there are no endpoints at all, and slices that would be deleted are reused for ones that would be created.
import { isDeepStrictEqual } from "node:util";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { isHeadless } from "../endpoints/service-pods.ts";
import { formatRfc3339Nano } from "../endpoints/trigger-time.ts";
import { desiredEndpoints, portsKey } from "./desired.ts";
import { packEndpoints } from "./pack.ts";
import type { SliceChanges } from "./pack.ts";
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "../../api/well-known.ts";

export const CONTROLLER_NAME = "endpointslice-controller.k8s.io";
const HEADLESS_LABEL = "service.kubernetes.io/headless";
const TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
const RESERVED_LABELS = [SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL];

export interface PlanInput {
  service: Service;
  pods: Pod[];
  /** This controller's slices labelled for the Service. */
  slices: EndpointSlice[];
  nodeOf(name: string): Node | undefined;
  triggerTime: Date | undefined;
}

export interface Plan extends SliceChanges {
  missingNodes: string[];
}

/** The Service's labels (bar the reserved ones) plus the ones that tie a slice to the Service and controller. */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!RESERVED_LABELS.includes(k)) labels[k] = v;
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = "";
  labels[SERVICE_NAME_LABEL] = svc.metadata!.name!;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

export const ownedBy = (slice: EndpointSlice, svc: Service): boolean =>
  (slice.metadata?.ownerReferences ?? []).some((r) => r.uid === svc.metadata?.uid && r.kind === "Service" && r.apiVersion === "v1");

function newSlice(svc: Service, addressType: string, ports: EndpointSlice["ports"]): EndpointSlice {
  const m = svc.metadata!;
  return {
    metadata: {
      generateName: `${m.name}-`,
      namespace: m.namespace,
      labels: sliceLabels(svc),
      ownerReferences: [{ apiVersion: "v1", kind: "Service", name: m.name!, uid: m.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

export function planSlices(input: PlanInput): Plan {
  const { service: svc } = input;
  const plan: Plan = { create: [], update: [], delete: [], missingNodes: [] };
  const addressTypes = svc.spec?.ipFamilies?.length ? svc.spec.ipFamilies : ["IPv4"];
  plan.delete.push(...input.slices.filter((s) => !addressTypes.includes(s.addressType)));
  const labels = sliceLabels(svc);
  const labelsChanged = (s: EndpointSlice) => !isDeepStrictEqual(s.metadata?.labels ?? {}, labels);

  for (const addressType of addressTypes) {
    const ofType = input.slices.filter((s) => s.addressType === addressType);
    const changes: SliceChanges = { create: [], update: [], delete: ofType.filter((s) => !ownedBy(s, svc)) };
    const byPorts = new Map<string, EndpointSlice[]>();
    for (const s of ofType) {
      if (!ownedBy(s, svc)) continue;
      const key = portsKey(s.ports);
      byPorts.set(key, [...(byPorts.get(key) ?? []), s]);
    }
    const desired = desiredEndpoints(svc, input.pods, input.nodeOf, addressType);
    plan.missingNodes.push(...desired.missingNodes);
    for (const [key, group] of desired.groups) {
      const packed = packEndpoints(byPorts.get(key) ?? [], group.endpoints, () => newSlice(svc, addressType, group.ports), labelsChanged);
      changes.create.push(...packed.create);
      changes.update.push(...packed.update);
      changes.delete.push(...packed.delete);
    }
    for (const [key, slices] of byPorts) if (!desired.groups.has(key)) changes.delete.push(...slices);

    // No endpoints at all: one empty slice still says the Service has been seen (upstream's placeholder).
    if (changes.delete.length === ofType.length && changes.create.length === 0) {
      const [only] = changes.delete;
      if (changes.delete.length === 1 && isPlaceholder(only!, svc, addressType)) {
        // Keep the placeholder there is rather than delete and recreate it.
        changes.delete = [];
        if (labelsChanged(only!)) changes.update.push({ ...only! });
      } else {
        changes.create.push(newSlice(svc, addressType, []));
      }
    }
    reuseDeletedSlices(changes, svc);
    plan.create.push(...changes.create);
    plan.update.push(...changes.update);
    plan.delete.push(...changes.delete);
  }

  for (const s of [...plan.create, ...plan.update]) {
    const annotations = { ...s.metadata?.annotations };
    if (input.triggerTime) annotations[TRIGGER_TIME] = formatRfc3339Nano(input.triggerTime);
    else delete annotations[TRIGGER_TIME];
    s.metadata = { ...s.metadata, labels, annotations };
  }
  return plan;
}

const isPlaceholder = (s: EndpointSlice, svc: Service, addressType: string): boolean =>
  ownedBy(s, svc) && s.addressType === addressType && !s.endpoints?.length && !s.ports?.length;

/** A slice about to be deleted is rewritten in place of one about to be created: one update instead of two writes. */
function reuseDeletedSlices(changes: SliceChanges, svc: Service): void {
  for (let i = 0; i < changes.delete.length && changes.create.length > 0;) {
    const old = changes.delete[i]!;
    const fresh = changes.create[changes.create.length - 1]!;
    if (old.addressType === fresh.addressType && ownedBy(old, svc)) {
      changes.create.pop();
      changes.delete.splice(i, 1);
      changes.update.push({ ...old, endpoints: fresh.endpoints, ports: fresh.ports });
    } else {
      i++;
    }
  }
}
