// The PodTemplate kind: its template is validated like any workload's, without restartPolicy restrictions.
import type { PodTemplate } from "kubernetes-types/core/v1";
import type { FieldError } from "../../errors.ts";
import { validatePodTemplateSpec } from "./pod.ts";

export const validatePodTemplate = (t: PodTemplate): FieldError[] => validatePodTemplateSpec(t.template, "template");
