// Upstream's events.k8s.io/v1 Event validation. Upstream validates the internal core Event, so field paths use
// the core names: note is "message", regarding is "involvedObject", deprecatedSource is "source", and so on.
import type { Event } from "kubernetes-types/events/v1";
import type { FieldError } from "../errors.ts";
import type { ValidationContext } from "../scheme.ts";
import { invalid, invalidEach, isEqual, required, validateImmutableField } from "./field.ts";
import { isDNS1123Subdomain, isQualifiedName } from "./names.ts";

const LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

const tooLongText = (field: string, limit: number): FieldError => invalid(field, "", `can have at most ${limit} characters`);

function validateSeries(ev: Event): FieldError[] {
  if (!ev.series) return [];
  const errs: FieldError[] = [];
  if ((ev.series.count ?? 0) < 2) errs.push(invalid("series.count", "", "should be at least 2"));
  if (!ev.series.lastObservedTime) errs.push(required("series.lastObservedTime"));
  return errs;
}

/** Upstream's legacyValidateEvent: what every Event passes; most of it only once eventTime is set. */
function validateLegacy(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata?.namespace ?? "";
  const regardingNs = ev.regarding?.namespace ?? "";
  const nsMismatch = () => invalid("involvedObject.namespace", regardingNs, "does not match event.namespace");
  if (!ev.eventTime) {
    if (regardingNs ? ns !== regardingNs : ns !== "" && ns !== "default") errs.push(nsMismatch());
  } else {
    if (!regardingNs && ns !== "default" && ns !== "kube-system") errs.push(nsMismatch());
    const controller = ev.reportingController ?? "";
    if (!controller) errs.push(required("reportingController"));
    errs.push(...invalidEach("reportingController", controller, isQualifiedName(controller)));
    const instance = ev.reportingInstance ?? "";
    if (!instance) errs.push(required("reportingInstance"));
    if (instance.length > LENGTH_LIMIT) errs.push(tooLongText("reportingInstance", LENGTH_LIMIT));
    const action = ev.action ?? "";
    if (!action) errs.push(required("action"));
    if (action.length > LENGTH_LIMIT) errs.push(tooLongText("action", LENGTH_LIMIT));
    const reason = ev.reason ?? "";
    if (!reason) errs.push(required("reason"));
    if (reason.length > LENGTH_LIMIT) errs.push(tooLongText("reason", LENGTH_LIMIT));
    if ((ev.note ?? "").length > NOTE_LENGTH_LIMIT) errs.push(tooLongText("message", NOTE_LENGTH_LIMIT));
  }
  errs.push(...invalidEach("namespace", ns, isDNS1123Subdomain(ns)));
  return errs;
}

export function validateEvent(ev: Event, ctx: ValidationContext): FieldError[] {
  const errs = validateLegacy(ev);
  if (ctx.old) return [...errs, ...validateUpdate(ev, ctx.old)];
  errs.push(...validateSeries(ev));
  if (!ev.eventTime) errs.push(required("eventTime"));
  if (ev.type !== "Normal" && ev.type !== "Warning") errs.push(invalid("type", "", `has invalid value: ${ev.type ?? ""}`));
  if (ev.deprecatedFirstTimestamp) errs.push(invalid("firstTimestamp", "", "needs to be unset"));
  if (ev.deprecatedLastTimestamp) errs.push(invalid("lastTimestamp", "", "needs to be unset"));
  if (ev.deprecatedCount) errs.push(invalid("count", "", "needs to be unset"));
  if (ev.deprecatedSource?.component || ev.deprecatedSource?.host) errs.push(invalid("source", "", "needs to be unset"));
  return errs;
}

/** Microseconds since the epoch; upstream ignores sub-microsecond changes to eventTime. */
const micros = (t: string | undefined): number | undefined => {
  if (!t) return undefined;
  const m = /\.(\d+)/.exec(t);
  return Math.floor(Date.parse(t) / 1000) * 1e6 + Number((m?.[1] ?? "").padEnd(6, "0").slice(0, 6));
};

function validateUpdate(ev: Event, old: Event): FieldError[] {
  const errs: FieldError[] = [];
  if (!isEqual(ev.series, old.series)) errs.push(...validateSeries(ev));
  const pairs: [string, unknown, unknown][] = [
    ["involvedObject", ev.regarding, old.regarding], ["reason", ev.reason, old.reason], ["message", ev.note, old.note],
    ["source", ev.deprecatedSource, old.deprecatedSource], ["firstTimestamp", ev.deprecatedFirstTimestamp, old.deprecatedFirstTimestamp],
    ["lastTimestamp", ev.deprecatedLastTimestamp, old.deprecatedLastTimestamp], ["count", ev.deprecatedCount, old.deprecatedCount],
    ["type", ev.type, old.type],
  ];
  for (const [f, a, b] of pairs) errs.push(...validateImmutableField(a, b, f));
  if (micros(ev.eventTime) !== micros(old.eventTime)) errs.push(invalid("eventTime", ev.eventTime ?? null, "field is immutable"));
  for (const [f, a, b] of [["action", ev.action, old.action], ["related", ev.related, old.related], ["reportingController", ev.reportingController, old.reportingController], ["reportingInstance", ev.reportingInstance, old.reportingInstance]] as [string, unknown, unknown][]) {
    errs.push(...validateImmutableField(a, b, f));
  }
  return errs;
}
