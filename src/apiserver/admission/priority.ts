// Priority (upstream's admission plugin of the same name). A new pod's spec.priorityClassName resolves to
// spec.priority and spec.preemptionPolicy; a pod naming no class gets the globalDefault class (and its name), or
// priority 0 when there is none. A pod may not set a priority other than the one its class gives. Updates keep
// what creation set. For PriorityClasses: at most one may be globalDefault, and the built-in system classes
// cannot be deleted (upstream's PriorityClass registry refuses that).
import type { PodSpec } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { forbidden, qualified } from "../../api/errors.ts";
import { SYSTEM_PRIORITY_CLASSES } from "../../api/validation/scheduling.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "./types.ts";

/** Upstream's scheduling.DefaultPriorityWhenNoDefaultClassExists. */
export const DEFAULT_PRIORITY = 0;
export const DEFAULT_PREEMPTION_POLICY = "PreemptLowerPriority";

export interface PriorityClassLookup {
  get(name: string): Promise<PriorityClass | undefined>;
  /**
   * Every PriorityClass. `consistent` asks for the latest writes (storage); otherwise a cache may answer, as
   * upstream's informer lister does for pods.
   */
  list(consistent: boolean): Promise<PriorityClass[]>;
}

/** The globalDefault class; should a race have made several, the one with the lowest value, as upstream. */
export function globalDefaultClass(classes: readonly PriorityClass[]): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const pc of classes) if (pc.globalDefault && (!best || pc.value < best.value)) best = pc;
  return best;
}

/** upstream's admission.NewForbidden: `<resource> "<name>" is forbidden: <why>`. */
function refuse(a: AdmissionAttributes, why: string) {
  return forbidden(`${qualified(a.resource.group, a.resource.plural)} "${a.name}" is forbidden: ${why}`);
}

const isPod = (a: AdmissionAttributes) => a.resource.group === "" && a.resource.kind === "Pod";
const isPriorityClass = (a: AdmissionAttributes) => a.resource.group === "scheduling.k8s.io" && a.resource.kind === "PriorityClass";

export function priorityAdmission(lookup: PriorityClassLookup): AdmissionPlugin {
  async function admitCreate(a: AdmissionAttributes, spec: PodSpec): Promise<void> {
    let value: number;
    let policy: string | undefined;
    if (spec.priorityClassName) {
      const pc = await lookup.get(spec.priorityClassName);
      if (!pc) throw refuse(a, `no PriorityClass with name ${spec.priorityClassName} was found`);
      value = pc.value;
      policy = pc.preemptionPolicy ?? DEFAULT_PREEMPTION_POLICY;
    } else {
      const pc = globalDefaultClass(await lookup.list(false));
      if (pc) spec.priorityClassName = pc.metadata!.name!;
      value = pc ? pc.value : DEFAULT_PRIORITY;
      policy = pc ? (pc.preemptionPolicy ?? DEFAULT_PREEMPTION_POLICY) : DEFAULT_PREEMPTION_POLICY;
    }
    if (spec.priority != null && spec.priority !== value) {
      throw refuse(a, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
    }
    spec.priority = value;
    if (spec.preemptionPolicy != null && spec.preemptionPolicy !== policy) {
      throw refuse(a, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = policy;
  }

  return {
    name: "Priority",
    async admit(a) {
      if (!isPod(a) || a.subresource) return;
      const spec = ((a.object as { spec?: PodSpec }).spec ??= { containers: [] });
      if (a.operation === "CREATE") return admitCreate(a, spec);
      if (a.operation === "UPDATE") {
        // Creation set both; a replaced spec that leaves them out keeps them (validation forbids changing them).
        const old = (a.old as { spec?: PodSpec } | undefined)?.spec;
        if (spec.priority == null && old?.priority != null) spec.priority = old.priority;
        if (spec.preemptionPolicy == null && old?.preemptionPolicy != null) spec.preemptionPolicy = old.preemptionPolicy;
      }
    },
    async validate(a) {
      if (!isPriorityClass(a) || a.subresource) return;
      if (a.operation === "DELETE") {
        if (SYSTEM_PRIORITY_CLASSES.some((c) => c.name === a.name)) throw refuse(a, "this is a system priority class and cannot be deleted");
        return;
      }
      const pc = a.object as unknown as PriorityClass;
      if (!pc.globalDefault) return;
      const current = globalDefaultClass(await lookup.list(true));
      // A second default, or another class becoming default while one exists.
      if (current && (a.operation === "CREATE" || current.metadata?.name !== a.name)) {
        throw refuse(a, `PriorityClass ${current.metadata?.name} is already marked as default. Only one default can exist`);
      }
    },
  };
}
