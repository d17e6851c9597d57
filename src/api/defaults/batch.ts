// Upstream's batch/v1 SetDefaults_Job and SetDefaults_CronJob, and the Job selector the API server generates
// on create (the Job strategy's PrepareForCreate).
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import { defaultPodSpec } from "./core.ts";
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from "../validation/batch.ts";

const MAX_INT32 = 2 ** 31 - 1;

export function defaultJob(job: Job): void {
  const spec = (job.spec ??= {} as Job["spec"])!;
  // A non-parallel Job may leave both unset; then both are 1.
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? MAX_INT32 : 6;
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata?.labels ?? {}).length === 0) {
    (job.metadata ??= {}).labels = { ...templateLabels };
  }
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const c of rule.onPodConditions ?? []) c.status ||= "True";
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  spec.manualSelector ??= false;
  defaultPodSpec(spec.template?.spec);
}

/**
 * Labels the template with the Job's uid and name and selects on the uid, unless the user chose a manual
 * selector. Call on create, after defaulting and before validation; labels the user set are kept, and a
 * conflicting one fails validation. A Job left without labels gets the template's, as upstream shows it on read.
 */
export function generateJobSelector(job: Job): void {
  const spec = (job.spec ??= {} as Job["spec"])!;
  if (spec.manualSelector) return;
  const name = job.metadata?.name ?? "";
  const uid = job.metadata?.uid ?? "";
  const template = (spec.template ??= {});
  const labels = ((template.metadata ??= {}).labels ??= {});
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(key in labels)) labels[key] = name;
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(key in labels)) labels[key] = uid;
  const matchLabels = ((spec.selector ??= {}).matchLabels ??= {});
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
  if (Object.keys(job.metadata?.labels ?? {}).length === 0) (job.metadata ??= {}).labels = { ...labels };
}

export function defaultCronJob(cj: CronJob): void {
  const spec = (cj.spec ??= {} as CronJob["spec"])!;
  spec.concurrencyPolicy ||= "Allow";
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  defaultPodSpec(spec.jobTemplate?.spec?.template?.spec);
}
