// Upstream's batch/v1 validation: Job (generated selector, counts, completion mode, template restart policy,
// what may change after creation) and CronJob (schedule, time zone, job template).
import type { CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec } from "kubernetes-types/batch/v1";
import type { FieldError } from "../errors.ts";
import type { ValidationContext } from "../scheme.ts";
import { forbidden, invalid, notSupported, required, validateImmutableField, validateNonnegativeField } from "./field.ts";
import { validatePodTemplateSpec } from "./core/pod.ts";
import { validateLabelSelector } from "./labelselector.ts";
import { isDNS1123Label } from "./names.ts";
import { goLabelSelector, goMap } from "./gofmt.ts";
import { selectorMatcher, selectorMismatch } from "./selectors.ts";
import { CronSyntaxError, isKnownTimeZone, parseCronSchedule } from "./cron.ts";

export const CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
export const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
export const LEGACY_CONTROLLER_UID_LABEL = "controller-uid";
export const LEGACY_JOB_NAME_LABEL = "job-name";

const MAX_PARALLELISM_INDEXED = 100_000;
const MAX_FAILED_INDEXES = 100_000;
const MAX_COMPLETIONS_PER_INDEX_BACKOFF = 100_000;
const POD_FAILURE_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"];
const MAX_POD_FAILURE_RULES = 20;

function validatePodFailurePolicy(spec: Partial<JobSpec>, path: string): FieldError[] {
  const rules = spec.podFailurePolicy?.rules ?? [];
  if (rules.length > MAX_POD_FAILURE_RULES) return [{ type: "FieldValueTooMany", field: `${path}.rules`, value: rules.length, detail: `must have at most ${MAX_POD_FAILURE_RULES} items` }];
  const errs: FieldError[] = [];
  rules.forEach((r, i) => {
    const p = `${path}.rules[${i}]`;
    if (!POD_FAILURE_ACTIONS.includes(r.action)) errs.push(notSupported(`${p}.action`, r.action, POD_FAILURE_ACTIONS));
    if (r.onExitCodes && r.onPodConditions?.length) errs.push(invalid(p, "", "specifying both OnExitCodes and OnPodConditions is not supported"));
    else if (!r.onExitCodes && !r.onPodConditions?.length) errs.push(invalid(p, "", "specifying one of OnExitCodes and OnPodConditions is required"));
  });
  return errs;
}

/** validateJobSpec: everything but the selector, shared by Jobs and CronJob job templates. */
function validateJobSpecCommon(spec: Partial<JobSpec>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"] as const) {
    if (spec[f] != null) errs.push(...validateNonnegativeField(spec[f]!, `${path}.${f}`));
  }
  const indexed = spec.completionMode === "Indexed";
  if (spec.backoffLimitPerIndex != null) {
    errs.push(...validateNonnegativeField(spec.backoffLimitPerIndex, `${path}.backoffLimitPerIndex`));
    if (!indexed) errs.push(forbidden(`${path}.backoffLimitPerIndex`, "requires indexed completion mode"));
  }
  if (spec.maxFailedIndexes != null) {
    errs.push(...validateNonnegativeField(spec.maxFailedIndexes, `${path}.maxFailedIndexes`));
    if (spec.backoffLimitPerIndex == null) errs.push(required(`${path}.backoffLimitPerIndex`, "when maxFailedIndexes is specified"));
    if (spec.completions != null && spec.maxFailedIndexes > spec.completions) {
      errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, "must be less than or equal to completions"));
    }
    if (spec.maxFailedIndexes > MAX_FAILED_INDEXES) errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
  }
  if (spec.completionMode != null) {
    if (spec.completionMode !== "NonIndexed" && !indexed) errs.push(notSupported(`${path}.completionMode`, spec.completionMode, ["NonIndexed", "Indexed"]));
    if (indexed) {
      if (spec.completions == null) errs.push(required(`${path}.completions`, "when completion mode is Indexed"));
      if (spec.parallelism != null && spec.parallelism > MAX_PARALLELISM_INDEXED) {
        errs.push(invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
      }
      if (spec.completions != null && spec.backoffLimitPerIndex != null && spec.completions > MAX_COMPLETIONS_PER_INDEX_BACKOFF) {
        errs.push(invalid(`${path}.completions`, spec.completions, `must be less than or equal to ${MAX_COMPLETIONS_PER_INDEX_BACKOFF} when backoffLimitPerIndex is specified`));
      }
    }
  }
  if (spec.podFailurePolicy) errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (spec.podReplacementPolicy != null) {
    if (spec.podFailurePolicy) {
      if (spec.podReplacementPolicy !== "Failed") errs.push(notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ["Failed"]));
    } else if (!["Failed", "TerminatingOrFailed"].includes(spec.podReplacementPolicy)) {
      errs.push(notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ["Failed", "TerminatingOrFailed"]));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const policy = spec.template?.spec?.restartPolicy ?? "";
  const rp = `${path}.template.spec.restartPolicy`;
  // Pod defaulting turns an unset policy into Always, so both mean "not chosen" here.
  if (policy === "Always" || policy === "") errs.push(required(rp, `valid values: "OnFailure", "Never"`));
  else if (policy !== "OnFailure" && policy !== "Never") errs.push(notSupported(rp, policy, ["OnFailure", "Never"]));
  else if (spec.podFailurePolicy && policy !== "Never") errs.push(invalid(rp, policy, `only "Never" is supported when podFailurePolicy is specified`));
  return errs;
}

/** ValidateJobSpec: the common checks plus the selector and its match with the template. */
function validateJobSpec(spec: Partial<JobSpec>, path: string): FieldError[] {
  const errs = validateJobSpecCommon(spec, path);
  if (spec.selector == null) errs.push(required(`${path}.selector`));
  else errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  const m = selectorMatcher(spec.selector);
  if (m) errs.push(...selectorMismatch(m, spec.template?.metadata?.labels, `${path}.template.metadata.labels`));
  return errs;
}

/** With a generated selector, the template must carry the job's own uid and name labels. */
function validateGeneratedSelector(job: Job): FieldError[] {
  if (job.spec?.manualSelector) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata?.uid ?? "";
  const name = job.metadata?.name ?? "";
  if (!uid) errs.push(required("metadata.uid"));
  const labels = job.spec?.template?.metadata?.labels;
  const hasLabel = (key: string, want: string) => {
    const p = `spec.template.metadata.labels[${key}]`;
    if (!labels || !(key in labels)) errs.push(required(p, want));
    else if (labels[key] !== want) errs.push(invalid(p, goMap(labels), `must be '${want}'`));
  };
  hasLabel(LEGACY_CONTROLLER_UID_LABEL, uid);
  hasLabel(LEGACY_JOB_NAME_LABEL, name);
  hasLabel(CONTROLLER_UID_LABEL, uid);
  hasLabel(JOB_NAME_LABEL, name);
  const m = selectorMatcher(job.spec?.selector);
  if (m && !m.matches({ [CONTROLLER_UID_LABEL]: uid })) {
    errs.push(invalid("spec.selector", goLabelSelector(job.spec?.selector), "`selector` not auto-generated"));
  }
  return errs;
}

/** A suspended Job that never started may still change its template's scheduling directives. */
function schedulingDirectivesMutable(old: Job): boolean {
  return old.spec?.suspend === true && old.status?.startTime == null;
}

function validateTemplateUpdate(spec: Partial<JobSpec>, old: Job): FieldError[] {
  const template = spec.template;
  let oldTemplate = old.spec?.template;
  if (schedulingDirectivesMutable(old) && oldTemplate && template) {
    const nodeAffinity = template.spec?.affinity?.nodeAffinity;
    const oldAffinity = { ...oldTemplate.spec?.affinity, nodeAffinity };
    if (nodeAffinity === undefined) delete oldAffinity.nodeAffinity;
    const affinity = template.spec?.affinity === undefined && Object.keys(oldAffinity).length === 0 ? undefined : oldAffinity;
    oldTemplate = {
      ...oldTemplate,
      metadata: { ...oldTemplate.metadata, labels: template.metadata?.labels, annotations: template.metadata?.annotations },
      spec: {
        ...oldTemplate.spec!,
        affinity,
        nodeSelector: template.spec?.nodeSelector,
        tolerations: template.spec?.tolerations,
        schedulingGates: template.spec?.schedulingGates,
      },
    };
  }
  return validateImmutableField(template, oldTemplate, "spec.template");
}

/** Completions may change only on Indexed Jobs, and only together with parallelism (elastic indexed Jobs). */
function validateCompletionsUpdate(spec: Partial<JobSpec>, oldSpec: Partial<JobSpec>): FieldError[] {
  if (spec.completionMode !== "Indexed") return validateImmutableField(spec.completions, oldSpec.completions, "spec.completions");
  if (spec.completions === oldSpec.completions || spec.completions == null) return [];
  return spec.completions === spec.parallelism ? [] : [invalid("spec.completions", spec.completions, "can only be modified in tandem with spec.parallelism")];
}

export function validateJob(job: Job, ctx: ValidationContext): FieldError[] {
  const spec: Partial<JobSpec> = job.spec ?? {};
  const errs = ctx.old ? [] : validateGeneratedSelector(job);
  errs.push(...validateJobSpec(spec, "spec"));
  if (spec.completionMode === "Indexed" && (spec.completions ?? 0) > 0) {
    const name = job.metadata?.name ?? "";
    const hostname = `${name}-${spec.completions! - 1}`;
    if (isDNS1123Label(hostname).length) errs.push(invalid("metadata.name", name, `will not able to create pod with invalid DNS label: ${hostname}`));
  }
  const old: Job | undefined = ctx.old;
  if (old) {
    const oldSpec: Partial<JobSpec> = old.spec ?? {};
    errs.push(...validateCompletionsUpdate(spec, oldSpec));
    errs.push(...validateImmutableField(spec.selector, oldSpec.selector, "spec.selector").map((e) => ({ ...e, value: goLabelSelector(spec.selector) })));
    errs.push(...validateTemplateUpdate(spec, old));
    for (const f of ["completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"] as const) {
      errs.push(...validateImmutableField(spec[f], oldSpec[f], `spec.${f}`));
    }
  }
  return errs;
}

// ---- CronJob ----

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

export function validateTimeZone(tz: string | undefined | null, path: string): FieldError[] {
  if (tz == null) return [];
  if (tz === "") return [invalid(path, tz, "timeZone must be nil or non-empty string")];
  for (const part of tz.split("/")) {
    if (part === "." || part === ".." || part.startsWith("-") || !TZ_PART.test(part)) return [invalid(path, tz, `unknown time zone ${tz}`)];
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === "local") errs.push(invalid(path, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
  else if (!isKnownTimeZone(tz)) errs.push(invalid(path, tz, `unknown time zone ${tz}`));
  return errs;
}

function validateSchedule(schedule: string, allowTZ: boolean, timeZone: string | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  try {
    parseCronSchedule(schedule);
  } catch (e) {
    if (!(e instanceof CronSyntaxError)) throw e;
    errs.push(invalid(path, schedule, e.message));
  }
  if (allowTZ && schedule.includes("TZ") && timeZone != null) {
    errs.push(invalid(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
  } else if (!allowTZ && schedule.includes("TZ")) {
    errs.push(invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
  }
  return errs;
}

/** ValidateJobTemplateSpec: a Job spec whose selector the CronJob controller will generate. */
function validateJobTemplate(t: Partial<JobTemplateSpec>, path: string): FieldError[] {
  const spec: Partial<JobSpec> = t.spec ?? {};
  const errs = validateJobSpecCommon(spec, `${path}.spec`);
  if (spec.selector != null) errs.push(invalid(`${path}.spec.selector`, goLabelSelector(spec.selector), "`selector` will be auto-generated"));
  if (spec.manualSelector) errs.push(notSupported(`${path}.spec.manualSelector`, true, ["nil", "false"]));
  return errs;
}

export function validateCronJob(cj: CronJob, ctx: ValidationContext): FieldError[] {
  const spec: Partial<CronJobSpec> = cj.spec ?? {};
  const oldSpec: Partial<CronJobSpec> | undefined = ctx.old?.spec;
  const errs: FieldError[] = [];
  const name = cj.metadata?.name ?? "";
  // Jobs get an 11-character suffix and must stay a valid DNS-1035 label.
  if (!ctx.old && name.length > 52) errs.push(invalid("metadata.name", name, "must be no more than 52 characters"));
  if (!spec.schedule) errs.push(required("spec.schedule"));
  else errs.push(...validateSchedule(spec.schedule, oldSpec?.schedule?.includes("TZ") ?? false, spec.timeZone, "spec.schedule"));
  if (spec.startingDeadlineSeconds != null) errs.push(...validateNonnegativeField(spec.startingDeadlineSeconds, "spec.startingDeadlineSeconds"));
  if (!oldSpec || oldSpec.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, "spec.timeZone"));
  const cp = spec.concurrencyPolicy ?? "";
  if (cp === "") errs.push(required("spec.concurrencyPolicy"));
  else if (!["Allow", "Forbid", "Replace"].includes(cp)) errs.push(notSupported("spec.concurrencyPolicy", cp, ["Allow", "Forbid", "Replace"]));
  errs.push(...validateJobTemplate(spec.jobTemplate ?? {}, "spec.jobTemplate"));
  if (spec.successfulJobsHistoryLimit != null) errs.push(...validateNonnegativeField(spec.successfulJobsHistoryLimit, "spec.successfulJobsHistoryLimit"));
  if (spec.failedJobsHistoryLimit != null) errs.push(...validateNonnegativeField(spec.failedJobsHistoryLimit, "spec.failedJobsHistoryLimit"));
  return errs;
}
