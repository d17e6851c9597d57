import { test } from "node:test";
import assert from "node:assert/strict";
import { invalid } from "../../errors.ts";
import { defaultLimitRange, defaultPersistentVolume, defaultPersistentVolumeClaim } from "../../defaults/core.ts";
import { validatePersistentVolume } from "./persistentvolume.ts";
import { validatePersistentVolumeClaim } from "./persistentvolumeclaim.ts";
import { validateLimitRange } from "./limitrange.ts";
import { validateResourceQuota } from "./resourcequota.ts";

const fields = (errs: { field: string; type: string }[]) => errs.map((e) => `${e.field}:${e.type}`);

test("persistent volumes", () => {
  const pv: any = { spec: { accessModes: ["ReadWriteOnce"], capacity: { storage: "1Gi" }, hostPath: { path: "/data" } } };
  defaultPersistentVolume(pv);
  assert.deepEqual(validatePersistentVolume(pv, {}), []);
  assert.deepEqual(fields(validatePersistentVolume({ spec: {} }, {})), ["spec.accessModes:FieldValueRequired", "spec.capacity:FieldValueRequired", "spec.capacity:FieldValueNotSupported", "spec:FieldValueRequired"]);
  assert.deepEqual(fields(validatePersistentVolume({ spec: { ...pv.spec, accessModes: ["ReadWriteOncePod", "ReadOnlyMany"], nfs: { server: "s", path: "/x" } } }, {})),
    ["spec.accessModes:FieldValueForbidden", "spec.nfs:FieldValueForbidden"]);
  const changed = structuredClone(pv);
  changed.spec.hostPath.path = "/other";
  changed.spec.persistentVolumeReclaimPolicy = "Delete";
  const errs = validatePersistentVolume(changed, { old: pv });
  assert.deepEqual(fields(errs), ["spec.persistentvolumesource:FieldValueForbidden"]);
  assert.match(String(errs[0].detail), /^spec\.persistentvolumesource is immutable after creation\n/);
});

test("claims require storage and may only grow when bound", () => {
  const pvc: any = { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } };
  defaultPersistentVolumeClaim(pvc);
  assert.deepEqual(validatePersistentVolumeClaim(pvc, {}), []);
  const missing = validatePersistentVolumeClaim({ spec: { accessModes: ["ReadWriteOnce"] } }, {});
  assert.equal(invalid({ group: "", kind: "PersistentVolumeClaim" }, "c", missing).message, 'PersistentVolumeClaim "c" is invalid: spec.resources[storage]: Required value');
  assert.deepEqual(fields(validatePersistentVolumeClaim({ spec: { resources: { requests: { storage: "0" } } } }, {})),
    ["spec.accessModes:FieldValueRequired", "spec.resources[storage]:FieldValueInvalid"]);
  const bound = structuredClone(pvc);
  bound.status.phase = "Bound";
  const grown = structuredClone(bound);
  grown.spec.resources.requests.storage = "2Gi";
  grown.spec.volumeName = "pv-1";
  assert.deepEqual(validatePersistentVolumeClaim(grown, { old: bound }), []);
  const shrunk = structuredClone(bound);
  shrunk.spec.resources.requests.storage = "512Mi";
  assert.deepEqual(fields(validatePersistentVolumeClaim(shrunk, { old: bound })), ["spec.resources.requests.storage:FieldValueForbidden"]);
  const pending = structuredClone(pvc);
  pending.spec.resources.requests.storage = "2Gi";
  const errs = validatePersistentVolumeClaim(pending, { old: pvc });
  assert.deepEqual(fields(errs), ["spec:FieldValueForbidden"]);
  assert.match(String(errs[0].detail), /^spec is immutable after creation except resources\.requests for bound claims\n/);
});

test("limit ranges: defaults interplay and ordering checks", () => {
  const lr: any = { spec: { limits: [{ type: "Container", max: { cpu: "2" }, min: { memory: "64Mi" } }] } };
  defaultLimitRange(lr);
  assert.deepEqual(lr.spec.limits[0].default, { cpu: "2" });
  assert.deepEqual(lr.spec.limits[0].defaultRequest, { cpu: "2", memory: "64Mi" });
  assert.deepEqual(validateLimitRange(lr), []);
  const bad = validateLimitRange({ spec: { limits: [{ type: "Container", min: { cpu: "2" }, max: { cpu: "1" } }, { type: "Pod", default: { cpu: "1" } }, { type: "Pod" }] } });
  assert.deepEqual(fields(bad), ["spec.limits[0].min[cpu]:FieldValueInvalid", "spec.limits[1].default:FieldValueForbidden", "spec.limits[2].type:FieldValueDuplicate"]);
  assert.equal(bad[0].detail, "min value 2 is greater than max value 1");
  assert.deepEqual(fields(validateLimitRange({ spec: { limits: [{ type: "PersistentVolumeClaim" }] } })), ["spec.limits[0].limits:FieldValueRequired"]);
});

test("resource quotas: names, integer counts, scopes", () => {
  assert.deepEqual(validateResourceQuota({ spec: { hard: { pods: "10", "requests.cpu": "4", "count/deployments.apps": "5" } } }, {}), []);
  assert.deepEqual(fields(validateResourceQuota({ spec: { hard: { pods: "1500m", widgets: "1" } } }, {})),
    ["spec.hard[pods]:FieldValueInvalid", "spec.hard[widgets]:FieldValueInvalid"]);
  assert.deepEqual(fields(validateResourceQuota({ spec: { hard: { cpu: "1" }, scopes: ["BestEffort"] } }, {})), ["spec.scopes:FieldValueInvalid"]);
  assert.deepEqual(fields(validateResourceQuota({ spec: { scopes: ["Terminating", "NotTerminating"] } }, {})), ["spec.scopes:FieldValueInvalid"]);
  assert.deepEqual(fields(validateResourceQuota({ spec: { scopes: ["Terminating"] } }, { old: { spec: {} } })), ["spec.scopes:FieldValueInvalid"]);
});
