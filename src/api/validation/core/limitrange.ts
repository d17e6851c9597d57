// The LimitRange kind (upstream's ValidateLimitRange): known types once each, valid resource names, and
// min <= defaultRequest <= default <= max per resource.
import type { LimitRange } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import { duplicate, forbidden, invalid, invalidEach, required } from "../field.ts";
import { isQualifiedName } from "../names.ts";
import { compareQuantities, formatQuantity, parseQuantity } from "../quantity.ts";
import type { Quantity } from "../quantity.ts";
import { isNativeResource, quantityAt, validateContainerResourceName, validateResourceName } from "./resources.ts";

const LIMIT_TYPES = ["Pod", "Container", "PersistentVolumeClaim"];
const ONE = parseQuantity("1")!;

function validateTypeName(t: string, path: string): FieldError[] {
  const errs = invalidEach(path, t, isQualifiedName(t));
  if (!errs.length && !t.includes("/") && !LIMIT_TYPES.includes(t)) errs.push(invalid(path, t, "must be a standard limit type or fully qualified"));
  return errs;
}

export function validateLimitRange(lr: LimitRange): FieldError[] {
  const errs: FieldError[] = [];
  const seenTypes = new Set<string>();
  (lr.spec?.limits ?? []).forEach((item, i) => {
    const p = `spec.limits[${i}]`;
    const type = item.type ?? "";
    errs.push(...validateTypeName(type, `${p}.type`));
    if (seenTypes.has(type)) errs.push(duplicate(`${p}.type`, type));
    seenTypes.add(type);
    const nameCheck = type === "Pod" || type === "Container" ? validateContainerResourceName : validateResourceName;
    const keys = new Set<string>();
    const read = (field: "max" | "min" | "default" | "defaultRequest" | "maxLimitRequestRatio"): Map<string, Quantity> => {
      const out = new Map<string, Quantity>();
      for (const [k, v] of Object.entries(item[field] ?? {})) {
        const kp = `${p}.${field}[${k}]`;
        errs.push(...nameCheck(k, kp));
        keys.add(k);
        const q = quantityAt(v, kp, errs);
        if (q) out.set(k, q);
      }
      return out;
    };
    const max = read("max");
    const min = read("min");
    let defaults = new Map<string, Quantity>();
    let defaultRequests = new Map<string, Quantity>();
    if (type === "Pod") {
      if (Object.keys(item.default ?? {}).length) errs.push(forbidden(`${p}.default`, "may not be specified when `type` is 'Pod'"));
      if (Object.keys(item.defaultRequest ?? {}).length) errs.push(forbidden(`${p}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    } else {
      defaults = read("default");
      defaultRequests = read("defaultRequest");
    }
    if (type === "PersistentVolumeClaim" && !("storage" in (item.min ?? {})) && !("storage" in (item.max ?? {}))) {
      errs.push(required(`${p}.limits`, "either minimum or maximum storage value is required, but neither was provided"));
    }
    const ratios = read("maxLimitRequestRatio");
    const s = formatQuantity;
    for (const k of keys) {
      const mn = min.get(k);
      const mx = max.get(k);
      const def = defaults.get(k);
      const req = defaultRequests.get(k);
      const ratio = ratios.get(k);
      const gt = (a: Quantity | undefined, b: Quantity | undefined) => a !== undefined && b !== undefined && compareQuantities(a, b) > 0;
      if (gt(mn, mx)) errs.push(invalid(`${p}.min[${k}]`, s(mn!), `min value ${s(mn!)} is greater than max value ${s(mx!)}`));
      if (gt(mn, req)) errs.push(invalid(`${p}.defaultRequest[${k}]`, s(req!), `min value ${s(mn!)} is greater than default request value ${s(req!)}`));
      if (gt(req, mx)) errs.push(invalid(`${p}.defaultRequest[${k}]`, s(req!), `default request value ${s(req!)} is greater than max value ${s(mx!)}`));
      if (gt(req, def)) errs.push(invalid(`${p}.defaultRequest[${k}]`, s(req!), `default request value ${s(req!)} is greater than default limit value ${s(def!)}`));
      if (gt(mn, def)) errs.push(invalid(`${p}.default[${k}]`, s(mn!), `min value ${s(mn!)} is greater than default value ${s(def!)}`));
      if (gt(def, mx)) errs.push(invalid(`${p}.default[${k}]`, s(mx!), `default value ${s(def!)} is greater than max value ${s(mx!)}`));
      if (ratio && compareQuantities(ratio, ONE) < 0) errs.push(invalid(`${p}.maxLimitRequestRatio[${k}]`, s(ratio), `ratio ${s(ratio)} is less than 1`));
      if (ratio && mn && mx && mn.nanos > 0n) {
        const limit = Number(mx.nanos) / Number(mn.nanos);
        if (Number(ratio.nanos) / 1e9 > limit) {
          errs.push(invalid(`${p}.maxLimitRequestRatio[${k}]`, s(ratio), `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`));
        }
      }
      // Resources that cannot be overcommitted (extended, hugepages) need default == defaultRequest.
      const overcommit = isNativeResource(k) && !k.startsWith("hugepages-");
      if (!overcommit && def && req && compareQuantities(def, req) !== 0) {
        errs.push(invalid(`${p}.defaultRequest[${k}]`, s(req), `default value ${s(def)} must equal to defaultRequest value ${s(req)} in ${k}`));
      }
    }
  });
  return errs;
}
