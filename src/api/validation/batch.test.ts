import { test } from "node:test";
import assert from "node:assert/strict";
import { invalid } from "../errors.ts";
import { defaultCronJob, defaultJob, generateJobSelector } from "../defaults/batch.ts";
import { validateCronJob, validateJob, validateTimeZone } from "./batch.ts";

const podSpec = (restartPolicy?: string) => ({ containers: [{ name: "c", image: "perl" }], ...(restartPolicy ? { restartPolicy } : {}) });

/** A Job as the API server has it at create time: defaulted, then its selector generated. */
function newJob(spec: Record<string, unknown> = {}, restartPolicy = "Never"): any {
  const j: any = { metadata: { name: "pi", uid: "uid-1" }, spec: { template: { spec: podSpec(restartPolicy) }, ...spec } };
  defaultJob(j);
  generateJobSelector(j);
  return j;
}

const jobMessage = (errs: ReturnType<typeof validateJob>) => invalid({ group: "batch", kind: "Job" }, "pi", errs).message;

test("Job: defaults as upstream", () => {
  const j = newJob();
  const { completions, parallelism, backoffLimit, completionMode, suspend, podReplacementPolicy, manualSelector } = j.spec;
  assert.deepEqual({ completions, parallelism, backoffLimit, completionMode, suspend, podReplacementPolicy, manualSelector },
    { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false, podReplacementPolicy: "TerminatingOrFailed", manualSelector: false });
  const parallel: any = { metadata: {}, spec: { parallelism: 3, backoffLimitPerIndex: 1, template: { spec: podSpec() } } };
  defaultJob(parallel);
  assert.equal(parallel.spec.completions, undefined);
  assert.equal(parallel.spec.backoffLimit, 2147483647);
});

test("Job: the generated selector and labels", () => {
  const j = newJob();
  const want = { "batch.kubernetes.io/controller-uid": "uid-1", "batch.kubernetes.io/job-name": "pi", "controller-uid": "uid-1", "job-name": "pi" };
  assert.deepEqual(j.spec.template.metadata.labels, want);
  assert.deepEqual(j.spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": "uid-1" } });
  assert.deepEqual(j.metadata.labels, want);
  assert.deepEqual(validateJob(j, {}), []);
  const manual = newJob({ manualSelector: true, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: podSpec("Never") } });
  assert.deepEqual(manual.spec.selector, { matchLabels: { a: "b" } });
  assert.deepEqual(validateJob(manual, {}), []);
});

test("Job: a conflicting user label fails the generated-selector check", () => {
  const j = newJob({ template: { metadata: { labels: { "controller-uid": "other" } }, spec: podSpec("Never") } });
  const errs = validateJob(j, {});
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [["spec.template.metadata.labels[controller-uid]", "must be 'uid-1'"]]);
});

test("Job: restart policy and count messages", () => {
  assert.equal(jobMessage(validateJob(newJob({}, "Always"), {})),
    'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"');
  assert.equal(jobMessage(validateJob(newJob({ parallelism: -1 }), {})),
    'Job.batch "pi" is invalid: spec.parallelism: Invalid value: -1: must be greater than or equal to 0');
  assert.equal(jobMessage(validateJob(newJob({ completionMode: "Indexed", completions: undefined, parallelism: 2 }), {})),
    'Job.batch "pi" is invalid: spec.completions: Required value: when completion mode is Indexed');
  assert.equal(jobMessage(validateJob(newJob({ backoffLimitPerIndex: 1 }), {})),
    'Job.batch "pi" is invalid: spec.backoffLimitPerIndex: Forbidden: requires indexed completion mode');
});

test("Job: template is immutable, except scheduling directives of a suspended Job that never started", () => {
  const old = newJob();
  const changed = structuredClone(old);
  changed.spec.template.spec.containers[0].image = "perl:2";
  const errs = validateJob(changed, { old });
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [["spec.template", "field is immutable"]]);
  const suspended = newJob({ suspend: true });
  const moved = structuredClone(suspended);
  moved.spec.template.spec.nodeSelector = { zone: "a" };
  assert.deepEqual(validateJob(moved, { old: suspended }), []);
  moved.spec.template.spec.containers[0].image = "perl:2";
  assert.equal(validateJob(moved, { old: suspended }).length, 1);
  const resized = structuredClone(old);
  resized.spec.completions = 3;
  assert.deepEqual(validateJob(resized, { old }).map((e) => [e.field, e.detail]), [["spec.completions", "field is immutable"]]);
});

function cronJob(spec: Record<string, unknown> = {}): any {
  const c: any = { metadata: { name: "hello" }, spec: { schedule: "*/1 * * * *", jobTemplate: { spec: { template: { spec: podSpec("OnFailure") } } }, ...spec } };
  defaultCronJob(c);
  return c;
}

test("CronJob: defaults", () => {
  const c = cronJob();
  const { concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit } = c.spec;
  assert.deepEqual({ concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit }, { concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  assert.equal(c.spec.jobTemplate.spec.template.spec.dnsPolicy, "ClusterFirst");
});

test("CronJob: schedules as upstream's parser reads them", () => {
  for (const schedule of ["*/5 * * * *", "0 9 * * mon-fri", "@hourly", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@every 1h30m", "15 2 1,15 jan-jun ?", "0 0-23/2 * * *"]) {
    assert.deepEqual(validateCronJob(cronJob({ schedule }), {}), [], schedule);
  }
  const cases: [string, string][] = [
    ["* * * *", "expected exactly 5 fields, found 4: [* * * *]"],
    ["60 * * * *", "end of range (60) above maximum (59): 60"],
    ["* * 0 * *", "beginning of range (0) below minimum (1): 0"],
    ["* * * * 7", "end of range (7) above maximum (6): 7"],
    ["*/0 * * * *", "step of range should be a positive number: */0"],
    ["x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ["@fortnightly", "unrecognized descriptor: @fortnightly"],
  ];
  for (const [schedule, why] of cases) {
    assert.equal(invalid({ group: "batch", kind: "CronJob" }, "hello", validateCronJob(cronJob({ schedule }), {})).message,
      `CronJob.batch "hello" is invalid: spec.schedule: Invalid value: ${JSON.stringify(schedule)}: ${why}`);
  }
});

test("CronJob: TZ in the schedule is refused in favour of timeZone", () => {
  const errs = validateCronJob(cronJob({ schedule: "TZ=UTC 0 * * * *" }), {});
  assert.deepEqual(errs.map((e) => e.detail), ["cannot use TZ or CRON_TZ in schedule, use timeZone field instead"]);
  assert.deepEqual(validateCronJob(cronJob({ timeZone: "Europe/Berlin" }), {}), []);
  assert.deepEqual(validateTimeZone("Mars/Olympus", "spec.timeZone").map((e) => e.detail), ["unknown time zone Mars/Olympus"]);
  assert.deepEqual(validateTimeZone("Local", "spec.timeZone").map((e) => e.detail), ["timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"]);
  assert.deepEqual(validateTimeZone("", "spec.timeZone").map((e) => e.detail), ["timeZone must be nil or non-empty string"]);
  // An object already stored with TZ in its schedule may keep it.
  const old = cronJob({ schedule: "TZ=UTC 0 * * * *" });
  assert.deepEqual(validateCronJob(cronJob({ schedule: "TZ=UTC 5 * * * *" }), { old }), []);
});

test("CronJob: job template is a Job spec without a selector, and names stay short", () => {
  const c = cronJob({ concurrencyPolicy: "Sometimes", jobTemplate: { spec: { selector: { matchLabels: { a: "b" } }, template: { spec: podSpec() } } } });
  assert.deepEqual(validateCronJob(c, {}).map((e) => [e.field, e.type]), [
    ["spec.concurrencyPolicy", "FieldValueNotSupported"],
    ["spec.jobTemplate.spec.template.spec.restartPolicy", "FieldValueRequired"],
    ["spec.jobTemplate.spec.selector", "FieldValueInvalid"],
  ]);
  const long = cronJob();
  long.metadata.name = "a".repeat(53);
  assert.deepEqual(validateCronJob(long, {}).map((e) => e.detail), ["must be no more than 52 characters"]);
});
