// The core/v1 Event kind: upstream's legacy checks only (v1 events skip metadata validation upstream).
import type { Event } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import { invalid, invalidEach, required } from "../field.ts";
import { isDNS1123Subdomain, isQualifiedName } from "../names.ts";

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

const tooLongText = (path: string, value: string | undefined, limit: number): FieldError[] =>
  (value ?? "").length > limit ? [invalid(path, "", `can have at most ${limit} characters`)] : [];

export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata?.namespace ?? "";
  const involvedNs = ev.involvedObject?.namespace ?? "";
  const mismatch = () => invalid("involvedObject.namespace", involvedNs, "does not match event.namespace");
  if (!ev.eventTime) {
    // Events about cluster-scoped objects may live in "default" for old clients.
    if (!involvedNs ? ns !== "" && ns !== "default" : ns !== involvedNs) errs.push(mismatch());
  } else {
    if (!involvedNs && ns !== "default" && ns !== "kube-system") errs.push(mismatch());
    // For v1 requests upstream names reportingController "source" in its messages.
    if (!ev.reportingComponent) errs.push(required("source"));
    errs.push(...invalidEach("source", ev.reportingComponent ?? "", isQualifiedName(ev.reportingComponent ?? "")));
    if (!ev.reportingInstance) errs.push(required("reportingInstance"));
    errs.push(...tooLongText("reportingInstance", ev.reportingInstance, REPORTING_INSTANCE_LIMIT));
    if (!ev.action) errs.push(required("action"));
    errs.push(...tooLongText("action", ev.action, ACTION_LIMIT));
    if (!ev.reason) errs.push(required("reason"));
    errs.push(...tooLongText("reason", ev.reason, REASON_LIMIT));
    errs.push(...tooLongText("message", ev.message, NOTE_LIMIT));
  }
  errs.push(...invalidEach("namespace", ns, isDNS1123Subdomain(ns)));
  return errs;
}
