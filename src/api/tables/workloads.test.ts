import { test } from "node:test";
import assert from "node:assert/strict";
import type { TableDef } from "../scheme.ts";
import { controllerRevisionTable, daemonSetTable, deploymentTable, replicaSetTable, statefulSetTable } from "./apps.ts";
import { cronJobTable, jobTable } from "./batch.ts";

const now = new Date("2024-05-01T12:00:00Z");
const meta = { name: "web", creationTimestamp: "2024-04-29T09:00:00Z" };
const template = { spec: { containers: [{ name: "app", image: "nginx:1.27" }, { name: "log", image: "busybox" }] } };
const names = (t: TableDef) => t.columns.map((c) => (c.priority ? `${c.name}*` : c.name));

test("deployment: READY ready/desired, UP-TO-DATE, AVAILABLE; wide containers, images, raw selector", () => {
  assert.deepEqual(names(deploymentTable), ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers*", "Images*", "Selector*"]);
  const d = {
    metadata: meta,
    spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  assert.deepEqual(deploymentTable.cells(d, now), ["web", "2/3", 3, 2, "2d3h", "app,log", "nginx:1.27,busybox", "app=web"]);
  assert.equal(deploymentTable.cells({ metadata: meta, spec: { template } }, now)[1], "0/1");
});

test("replicaset and daemonset print counts and a formatted selector", () => {
  const rs = { metadata: meta, spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template }, status: { replicas: 2, readyReplicas: 1 } };
  assert.deepEqual(replicaSetTable.cells(rs, now), ["web", 2, 2, 1, "2d3h", "app,log", "nginx:1.27,busybox", "app=web"]);
  assert.deepEqual(names(daemonSetTable), ["Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers*", "Images*", "Selector*"]);
  const ds = {
    metadata: meta,
    spec: { selector: { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] }, template: { spec: { ...template.spec, nodeSelector: { "kubernetes.io/os": "linux" } } } },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
  };
  assert.deepEqual(daemonSetTable.cells(ds, now), ["web", 3, 3, 2, 3, 2, "kubernetes.io/os=linux", "2d3h", "app,log", "nginx:1.27,busybox", "app in (web)"]);
});

test("statefulset READY and controllerrevision CONTROLLER", () => {
  assert.deepEqual(statefulSetTable.cells({ metadata: meta, spec: { replicas: 3, template }, status: { readyReplicas: 3 } }, now), ["web", "3/3", "2d3h", "app,log", "nginx:1.27,busybox"]);
  const cr = {
    metadata: { ...meta, ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "db", uid: "u", controller: true }] },
    revision: 4,
  };
  assert.deepEqual(controllerRevisionTable.cells(cr, now), ["web", "statefulset.apps/db", 4, "2d3h"]);
  assert.equal(controllerRevisionTable.cells({ metadata: meta, revision: 1 }, now)[1], "<none>");
});

test("job STATUS, COMPLETIONS and DURATION", () => {
  const job = (spec: object, status: object, extra: object = {}) => ({ metadata: { ...meta, ...extra }, spec: { template, ...spec }, status });
  const complete = job(
    { completions: 3, selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } } },
    { succeeded: 3, startTime: "2024-05-01T11:00:00Z", completionTime: "2024-05-01T11:02:05Z", conditions: [{ type: "Complete", status: "True" }] },
  );
  assert.deepEqual(jobTable.cells(complete, now), ["web", "Complete", "3/3", "2m5s", "2d3h", "app,log", "nginx:1.27,busybox", "batch.kubernetes.io/controller-uid=u1"]);
  const running = job({ parallelism: 4 }, { succeeded: 1, startTime: "2024-05-01T11:50:00Z" });
  assert.deepEqual(jobTable.cells(running, now).slice(1, 4), ["Running", "1/1 of 4", "10m"]);
  assert.deepEqual(jobTable.cells(job({}, {}), now).slice(1, 4), ["Running", "0/1", ""]);
  assert.equal(jobTable.cells(job({}, { conditions: [{ type: "Failed", status: "True" }] }), now)[1], "Failed");
  assert.equal(jobTable.cells(job({}, { conditions: [{ type: "Suspended", status: "True" }] }), now)[1], "Suspended");
  assert.equal(jobTable.cells(job({}, {}, { deletionTimestamp: "2024-05-01T11:59:00Z" }), now)[1], "Terminating");
});

test("cronjob SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE", () => {
  assert.deepEqual(names(cronJobTable), ["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers*", "Images*", "Selector*"]);
  const cj = {
    metadata: meta,
    spec: { schedule: "*/5 * * * *", suspend: false, jobTemplate: { spec: { template } } },
    status: { active: [{ name: "web-1" }], lastScheduleTime: "2024-05-01T11:55:00Z" },
  };
  assert.deepEqual(cronJobTable.cells(cj, now), ["web", "*/5 * * * *", "<none>", "False", 1, "5m", "2d3h", "app,log", "nginx:1.27,busybox", "<none>"]);
  const never = { metadata: meta, spec: { schedule: "@daily", timeZone: "Etc/UTC", jobTemplate: { spec: { template } } } };
  assert.deepEqual(cronJobTable.cells(never, now).slice(2, 6), ["Etc/UTC", "<unset>", 0, "<none>"]);
});
