// `kubectl get jobs` and `kubectl get cronjobs`.
import type { CronJob, Job, JobCondition } from "kubernetes-types/batch/v1";
import type { TableDef } from "../scheme.ts";
import { formatLabelSelector } from "../selectors/labels.ts";
import { humanDuration, since } from "./duration.ts";
import {
  age, ageColumn, boolCell, column, containerCells, containersColumn, imagesColumn, nameColumn, selectorColumn,
} from "./format.ts";

/** The first condition of the type decides, as upstream's hasJobCondition. */
const hasCondition = (conds: readonly JobCondition[] | undefined, type: string): boolean =>
  conds?.find((c) => c.type === type)?.status === "True";

function jobStatus(job: Job): string {
  const conds = job.status?.conditions;
  if (hasCondition(conds, "Complete")) return "Complete";
  if (hasCondition(conds, "Failed")) return "Failed";
  if (job.metadata?.deletionTimestamp) return "Terminating";
  if (hasCondition(conds, "Suspended")) return "Suspended";
  if (hasCondition(conds, "FailureTarget")) return "FailureTarget";
  if (hasCondition(conds, "SuccessCriteriaMet")) return "SuccessCriteriaMet";
  return "Running";
}

function completions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined && job.spec.completions !== null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(job: Job, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return "";
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now.getTime();
  return humanDuration(end - Date.parse(start));
}

export const jobTable: TableDef = {
  columns: [
    nameColumn,
    column("Status", "string", "The job's state from its conditions."),
    column("Completions", "string", "The number of pods which reached phase Succeeded."),
    column("Duration", "string", "Time from start to completion (or to now while running)."),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells: (job: Job, now: Date) => [
    job.metadata?.name ?? "",
    jobStatus(job),
    completions(job),
    duration(job, now),
    age(job.metadata, now),
    ...containerCells(job.spec?.template?.spec?.containers),
    formatLabelSelector(job.spec?.selector),
  ],
};

export const cronJobTable: TableDef = {
  columns: [
    nameColumn,
    column("Schedule", "string", "The schedule in Cron format."),
    column("Timezone", "string", "The time zone the schedule is interpreted in."),
    column("Suspend", "boolean", "Whether subsequent executions are suspended."),
    column("Active", "integer", "The number of currently running jobs."),
    column("Last Schedule", "string", "When the job was last successfully scheduled."),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(cj: CronJob, now: Date) {
    const job = cj.spec?.jobTemplate?.spec;
    return [
      cj.metadata?.name ?? "",
      cj.spec?.schedule ?? "",
      cj.spec?.timeZone ?? "<none>",
      boolCell(cj.spec?.suspend),
      cj.status?.active?.length ?? 0,
      cj.status?.lastScheduleTime ? since(cj.status.lastScheduleTime, now) : "<none>",
      age(cj.metadata, now),
      ...containerCells(job?.template?.spec?.containers),
      formatLabelSelector(job?.selector),
    ];
  },
};
