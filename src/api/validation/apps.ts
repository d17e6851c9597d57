// Upstream's apps/v1 validation: Deployment, ReplicaSet, StatefulSet, DaemonSet and ControllerRevision.
import type { ControllerRevision, DaemonSet, DaemonSetUpdateStrategy, Deployment, DeploymentStrategy, ReplicaSet, StatefulSet, StatefulSetSpec } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import type { FieldError } from "../errors.ts";
import { GoLiteral } from "../errors.ts";
import type { ValidationContext } from "../scheme.ts";
import { forbidden, invalid, isEqual, notSupported, required, validateImmutableField, validateNonnegativeField } from "./field.ts";
import { validatePodTemplateSpec } from "./core/pod.ts";
import { validateLabelSelector } from "./labelselector.ts";
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from "./intorpercent.ts";
import { goIntOrString, goLabelSelector } from "./gofmt.ts";
import { isEmptySelector, selectorMatcher, selectorMismatch, validateWorkloadSelector } from "./selectors.ts";

const ALWAYS = { allowedRestartPolicies: ["Always"] };

/** ValidatePodTemplateSpecForReplicaSet: the template of a Deployment or ReplicaSet. */
function validateReplicaSetTemplate(template: PodTemplateSpec | undefined, sel: LabelSelector | undefined, path: string): FieldError[] {
  const m = selectorMatcher(sel);
  if (!m) return [invalid("spec.selector", goLabelSelector(sel), "invalid label selector")];
  if (!template) return [required(path)];
  const errs: FieldError[] = [];
  if (!m.empty) errs.push(...selectorMismatch(m, template.metadata?.labels, `${path}.metadata.labels`));
  errs.push(...validatePodTemplateSpec(template, path, ALWAYS));
  const ads = template.spec?.activeDeadlineSeconds;
  if (ads != null) errs.push(invalid(`${path}.spec.activeDeadlineSeconds`, ads, "activeDeadlineSeconds in ReplicaSet is not Supported"));
  return errs;
}

function validateDeploymentStrategy(s: DeploymentStrategy | undefined, path: string): FieldError[] {
  const type = s?.type ?? "";
  if (type === "Recreate") {
    return s?.rollingUpdate ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type === "RollingUpdate") {
    const ru = s?.rollingUpdate;
    if (!ru) return [required(`${path}.rollingUpdate`, "this should be defaulted and never be nil")];
    const errs = [
      ...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`),
      ...validatePositiveIntOrPercent(ru.maxSurge, `${path}.rollingUpdate.maxSurge`),
    ];
    if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
      errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, goIntOrString(ru.maxUnavailable), "may not be 0 when `maxSurge` is 0"));
    }
    errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`));
    return errs;
  }
  const ru = s?.rollingUpdate ? "(*apps.RollingUpdateDeployment)(0xc000000000)" : "(*apps.RollingUpdateDeployment)(nil)";
  return [notSupported(path, new GoLiteral(`apps.DeploymentStrategy{Type:${JSON.stringify(type)}, RollingUpdate:${ru}}`), ["Recreate", "RollingUpdate"])];
}

/** apps/v1 makes the selector immutable once created (its strategy adds this on update). */
function selectorImmutable(sel: unknown, oldSel: unknown): FieldError[] {
  return isEqual(sel, oldSel) ? [] : [invalid("spec.selector", goLabelSelector(sel as any), "field is immutable")];
}

export function validateDeployment(d: Deployment, ctx: ValidationContext): FieldError[] {
  const spec: Partial<Deployment["spec"]> = d.spec ?? {};
  const errs = validateNonnegativeField(spec.replicas ?? 0, "spec.replicas");
  errs.push(...validateWorkloadSelector(spec.selector, "spec.selector", "deployment"));
  errs.push(...validateReplicaSetTemplate(spec.template, spec.selector, "spec.template"));
  errs.push(...validateDeploymentStrategy(spec.strategy, "spec.strategy"));
  const minReady = spec.minReadySeconds ?? 0;
  errs.push(...validateNonnegativeField(minReady, "spec.minReadySeconds"));
  if (spec.revisionHistoryLimit != null) errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  const pds = spec.progressDeadlineSeconds;
  if (pds != null) {
    errs.push(...validateNonnegativeField(pds, "spec.progressDeadlineSeconds"));
    if (pds <= minReady) errs.push(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"));
  }
  if (ctx.old) errs.push(...selectorImmutable(spec.selector, ctx.old.spec?.selector));
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet, ctx: ValidationContext): FieldError[] {
  const spec: Partial<ReplicaSet["spec"]> = rs.spec ?? {};
  const errs = validateNonnegativeField(spec.replicas ?? 0, "spec.replicas");
  errs.push(...validateNonnegativeField(spec.minReadySeconds ?? 0, "spec.minReadySeconds"));
  // Upstream's ReplicaSet check reuses the Deployment wording.
  errs.push(...validateWorkloadSelector(spec.selector, "spec.selector", "deployment"));
  errs.push(...validateReplicaSetTemplate(spec.template, spec.selector, "spec.template"));
  if (ctx.old) errs.push(...selectorImmutable(spec.selector, ctx.old.spec?.selector));
  return errs;
}

const goStsRollingUpdate = (ru: { partition?: number; maxUnavailable?: number | string }): GoLiteral =>
  new GoLiteral(`apps.RollingUpdateStatefulSetStrategy{Partition:${ru.partition ?? 0}, MaxUnavailable:(*intstr.IntOrString)(${ru.maxUnavailable == null ? "nil" : "0xc000000000"})}`);

function validateStatefulSetSpec(spec: Partial<StatefulSetSpec>): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy ?? "";
  if (pmp === "") errs.push(required("spec.podManagementPolicy"));
  else if (pmp !== "OrderedReady" && pmp !== "Parallel") errs.push(invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = spec.updateStrategy ?? {};
  const ru = us.rollingUpdate;
  switch (us.type ?? "") {
    case "":
      errs.push(required("spec.updateStrategy"));
      break;
    case "OnDelete":
      if (ru) errs.push(invalid("spec.updateStrategy.rollingUpdate", goStsRollingUpdate(ru), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case "RollingUpdate":
      if (ru) {
        const p = "spec.updateStrategy.rollingUpdate";
        errs.push(...validateNonnegativeField(ru.partition ?? 0, `${p}.partition`));
        if (ru.maxUnavailable != null) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
          if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(`${p}.maxUnavailable`, goIntOrString(ru.maxUnavailable), "cannot be 0"));
          errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
        }
      }
      break;
    default:
      errs.push(invalid("spec.updateStrategy", new GoLiteral(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(us.type)}, RollingUpdate:${ru ? `(*apps.RollingUpdateStatefulSetStrategy)(0xc000000000)` : "(*apps.RollingUpdateStatefulSetStrategy)(nil)"}}`), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    for (const f of ["whenDeleted", "whenScaled"] as const) {
      const v = retention[f] ?? "";
      if (v !== "Retain" && v !== "Delete") errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, ["Retain", "Delete"]));
    }
  }
  if (spec.ordinals) errs.push(...validateNonnegativeField(spec.ordinals.start ?? 0, "spec.ordinals.start"));
  errs.push(...validateNonnegativeField(spec.replicas ?? 0, "spec.replicas"));
  errs.push(...validateNonnegativeField(spec.minReadySeconds ?? 0, "spec.minReadySeconds"));
  errs.push(...validateWorkloadSelector(spec.selector, "spec.selector", "statefulset"));
  const m = selectorMatcher(spec.selector);
  if (!m) {
    errs.push(invalid("spec.selector", goLabelSelector(spec.selector), ""));
  } else {
    errs.push(...selectorMismatch(m, spec.template?.metadata?.labels, "spec.template.metadata.labels"));
    errs.push(...validatePodTemplateSpec(spec.template, "spec.template", ALWAYS));
    if (spec.template?.spec?.activeDeadlineSeconds != null) {
      errs.push(forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in StatefulSet is not Supported"));
    }
  }
  if (spec.revisionHistoryLimit != null) errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  return errs;
}

/** The spec fields a StatefulSet update may change; anything else is upstream's one Forbidden error. */
const STS_MUTABLE = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"] as const;

export function validateStatefulSet(sts: StatefulSet, ctx: ValidationContext): FieldError[] {
  const spec: Partial<StatefulSetSpec> = sts.spec ?? {};
  const errs = validateStatefulSetSpec(spec);
  if (ctx.old) {
    const strip = (s: Partial<StatefulSetSpec> | undefined) => {
      const c: Record<string, unknown> = { ...s };
      for (const k of STS_MUTABLE) delete c[k];
      return c;
    };
    if (!isEqual(strip(spec), strip(ctx.old.spec))) {
      errs.push(forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
  }
  return errs;
}

function validateDaemonSetUpdateStrategy(s: DaemonSetUpdateStrategy | undefined, path: string): FieldError[] {
  const type = s?.type ?? "";
  if (type === "OnDelete") return [];
  if (type !== "RollingUpdate") {
    const ru = s?.rollingUpdate ? "(*apps.RollingUpdateDaemonSet)(0xc000000000)" : "(*apps.RollingUpdateDaemonSet)(nil)";
    return [notSupported(path, new GoLiteral(`apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(type)}, RollingUpdate:${ru}}`), ["RollingUpdate", "OnDelete"])];
  }
  const ru = s?.rollingUpdate;
  if (!ru) return [required(`${path}.rollingUpdate`)];
  const p = `${path}.rollingUpdate`;
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
    ...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`),
    ...isNotMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`),
  ];
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalid(`${p}.maxSurge`, goIntOrString(ru.maxSurge), "may not be set when maxUnavailable is non-zero"));
  if (!hasUnavailable && !hasSurge) errs.push(required(`${p}.maxUnavailable`, "cannot be 0 when maxSurge is 0"));
  return errs;
}

export function validateDaemonSet(ds: DaemonSet, ctx: ValidationContext): FieldError[] {
  const spec: Partial<DaemonSet["spec"]> = ds.spec ?? {};
  const errs = validateLabelSelector(spec.selector, "spec.selector");
  const m = selectorMatcher(spec.selector);
  if (m) errs.push(...selectorMismatch(m, spec.template?.metadata?.labels, "spec.template.metadata.labels"));
  if (spec.selector && isEmptySelector(spec.selector)) {
    errs.push(invalid("spec.selector", goLabelSelector(spec.selector), "empty selector is invalid for daemonset"));
  }
  errs.push(...validatePodTemplateSpec(spec.template, "spec.template", ALWAYS));
  const ads = spec.template?.spec?.activeDeadlineSeconds;
  if (ads != null) errs.push(invalid("spec.template.spec.activeDeadlineSeconds", ads, "activeDeadlineSeconds in DaemonSet is not Supported"));
  errs.push(...validateNonnegativeField(spec.minReadySeconds ?? 0, "spec.minReadySeconds"));
  errs.push(...validateDaemonSetUpdateStrategy(spec.updateStrategy, "spec.updateStrategy"));
  if (spec.revisionHistoryLimit != null) errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  if (ctx.old) errs.push(...selectorImmutable(spec.selector, ctx.old.spec?.selector));
  return errs;
}

export function validateControllerRevision(cr: ControllerRevision, ctx: ValidationContext): FieldError[] {
  const errs: FieldError[] = [];
  if (cr.data == null) errs.push(required("data", "data is mandatory"));
  errs.push(...validateNonnegativeField(cr.revision ?? 0, "revision"));
  if (ctx.old) errs.push(...validateImmutableField(cr.data, ctx.old.data, "data"));
  return errs;
}
