// Scheduling constraints of a pod spec: tolerations, node/pod affinity and topology spread, as upstream checks them.
import type {
  Affinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, Taint, Toleration, TopologySpreadConstraint,
  WeightedPodAffinityTerm,
} from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import { duplicate, forbidden, invalid, invalidEach, notSupported, required } from "../field.ts";
import { isDNS1123Label, isQualifiedName, isValidLabelValue } from "../names.ts";
import { validateLabelSelector } from "../labelselector.ts";

export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

export function validateTaintEffect(effect: string | undefined, allowEmpty: boolean, path: string): FieldError[] {
  if (!effect) return allowEmpty ? [] : [required(path)];
  return TAINT_EFFECTS.includes(effect) ? [] : [notSupported(path, effect, TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (t.key) errs.push(...invalidEach(`${p}.key`, t.key, isQualifiedName(t.key)));
    if (!t.key && t.operator !== "Exists") {
      errs.push(invalid(`${p}.operator`, t.operator ?? "", "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== "NoExecute") {
      errs.push(invalid(`${p}.effect`, t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? "") {
      case "":
      case "Equal": {
        const msgs = isValidLabelValue(t.value ?? "");
        if (msgs.length) errs.push(invalid(`${p}.operator`, t.value ?? "", msgs.join(";")));
        break;
      }
      case "Exists":
        if (t.value) errs.push(invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(`${p}.operator`, t.operator, ["Equal", "Exists"]));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, true, `${p}.effect`));
  });
  return errs;
}

/** Node taints: key required, value a label value, effect required, and key+effect unique. */
export function validateTaints(taints: Taint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = `${path}[${i}]`;
    errs.push(...invalidEach(`${p}.key`, t.key ?? "", isQualifiedName(t.key ?? "")));
    if (t.value) errs.push(...invalidEach(`${p}.value`, t.value, isValidLabelValue(t.value)));
    errs.push(...validateTaintEffect(t.effect, false, `${p}.effect`));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) errs.push(duplicate(p, t));
    seen.add(key);
  });
  return errs;
}

function validateNodeSelectorRequirement(rq: NodeSelectorRequirement, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  switch (rq.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(`${path}.operator`, rq.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...invalidEach(`${path}.key`, rq.key ?? "", isQualifiedName(rq.key ?? "")));
  return errs;
}

function validateNodeSelectorTerm(term: NodeSelectorTerm, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (term.matchExpressions ?? []).forEach((rq, j) => errs.push(...validateNodeSelectorRequirement(rq, `${path}.matchExpressions[${j}]`)));
  (term.matchFields ?? []).forEach((rq, j) => {
    const p = `${path}.matchFields[${j}]`;
    if (rq.key !== "metadata.name") errs.push(invalid(`${p}.key`, rq.key, "not a valid field selector key"));
    if ((rq.operator === "In" || rq.operator === "NotIn") && (rq.values ?? []).length !== 1) {
      errs.push(required(`${p}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else if (rq.operator !== "In" && rq.operator !== "NotIn") {
      errs.push(invalid(`${p}.operator`, rq.operator, "not a valid selector operator"));
    }
  });
  return errs;
}

function validateNodeSelector(sel: NodeSelector, path: string): FieldError[] {
  const terms = sel.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [required(`${path}.nodeSelectorTerms`, "must have at least one node selector term")];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, `${path}.nodeSelectorTerms[${i}]`));
}

const validateWeight = (w: number, path: string): FieldError[] =>
  w <= 0 || w > 100 ? [invalid(path, w, "must be in the range 1-100")] : [];

function validatePodAffinityTerm(term: PodAffinityTerm, path: string): FieldError[] {
  const errs = validateLabelSelector(term.labelSelector, `${path}.labelSelector`);
  errs.push(...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`));
  for (const ns of term.namespaces ?? []) errs.push(...invalidEach(`${path}.namespace`, ns, isDNS1123Label(ns)));
  if (!term.topologyKey) errs.push(required(`${path}.topologyKey`, "can not be empty"));
  else errs.push(...invalidEach(`${path}.topologyKey`, term.topologyKey, isQualifiedName(term.topologyKey)));
  return errs;
}

function validatePodAffinityTerms(required_: PodAffinityTerm[] | undefined, preferred: WeightedPodAffinityTerm[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (required_ ?? []).forEach((t, i) => errs.push(...validatePodAffinityTerm(t, `${path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)));
  (preferred ?? []).forEach((w, i) => {
    const p = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    errs.push(...validateWeight(w.weight, `${p}.weight`));
    errs.push(...validatePodAffinityTerm(w.podAffinityTerm ?? ({} as PodAffinityTerm), `${p}.podAffinityTerm`));
  });
  return errs;
}

export function validateAffinity(affinity: Affinity | undefined, path: string): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const na = affinity.nodeAffinity;
  if (na) {
    const p = `${path}.nodeAffinity`;
    if (na.requiredDuringSchedulingIgnoredDuringExecution) {
      errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, `${p}.requiredDuringSchedulingIgnoredDuringExecution`));
    }
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = `${p}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(t.weight, `${tp}.weight`));
      errs.push(...validateNodeSelectorTerm(t.preference ?? {}, `${tp}.preference`));
    });
  }
  if (affinity.podAffinity) {
    const pa = affinity.podAffinity;
    errs.push(...validatePodAffinityTerms(pa.requiredDuringSchedulingIgnoredDuringExecution, pa.preferredDuringSchedulingIgnoredDuringExecution, `${path}.podAffinity`));
  }
  if (affinity.podAntiAffinity) {
    const pa = affinity.podAntiAffinity;
    errs.push(...validatePodAffinityTerms(pa.requiredDuringSchedulingIgnoredDuringExecution, pa.preferredDuringSchedulingIgnoredDuringExecution, `${path}.podAntiAffinity`));
  }
  return errs;
}

const UNSATISFIABLE_ACTIONS = ["DoNotSchedule", "ScheduleAnyway"];

export function validateTopologySpreadConstraints(constraints: TopologySpreadConstraint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (constraints ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if ((c.maxSkew ?? 0) <= 0) errs.push(invalid(`${p}.maxSkew`, c.maxSkew ?? 0, "must be greater than zero"));
    if (!c.topologyKey) errs.push(required(`${p}.topologyKey`, "can not be empty"));
    else errs.push(...invalidEach(`${p}.topologyKey`, c.topologyKey, isQualifiedName(c.topologyKey)));
    if (!UNSATISFIABLE_ACTIONS.includes(c.whenUnsatisfiable)) errs.push(notSupported(`${p}.whenUnsatisfiable`, c.whenUnsatisfiable ?? "", UNSATISFIABLE_ACTIONS));
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (c.minDomains <= 0) errs.push(invalid(`${p}.minDomains`, c.minDomains, "must be greater than 0"));
      else if (c.whenUnsatisfiable !== "DoNotSchedule") errs.push(invalid(`${p}.minDomains`, c.minDomains, "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"));
    }
    const key = `${c.topologyKey}/${c.whenUnsatisfiable}`;
    if (seen.has(key)) errs.push(duplicate(p, `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    seen.add(key);
    errs.push(...validateLabelSelector(c.labelSelector, `${p}.labelSelector`));
  });
  return errs;
}
