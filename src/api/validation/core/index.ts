// Validators of the core/v1 kinds, keyed by "/Kind". ServiceAccount has none beyond metadata (as upstream).
import type { FieldError } from "../../errors.ts";
import type { GroupKindKey, ValidationContext } from "../../scheme.ts";
import { validatePod } from "./podkind.ts";
import { validatePodTemplate } from "./podtemplate.ts";
import { validateService } from "./service.ts";
import { validateNamespace } from "./namespace.ts";
import { validateNode } from "./node.ts";
import { validateConfigMap } from "./configmap.ts";
import { validateSecret } from "./secret.ts";
import { validateEndpoints } from "./endpoints.ts";
import { validateEvent } from "./event.ts";
import { validateLimitRange } from "./limitrange.ts";
import { validateResourceQuota } from "./resourcequota.ts";
import { validatePersistentVolume } from "./persistentvolume.ts";
import { validatePersistentVolumeClaim } from "./persistentvolumeclaim.ts";

export const coreValidators: Partial<Record<GroupKindKey, (obj: any, ctx: ValidationContext) => FieldError[]>> = {
  "/Pod": validatePod,
  "/PodTemplate": validatePodTemplate,
  "/Service": validateService,
  "/Namespace": validateNamespace,
  "/Node": validateNode,
  "/ConfigMap": validateConfigMap,
  "/Secret": validateSecret,
  "/Endpoints": validateEndpoints,
  "/Event": validateEvent,
  "/LimitRange": validateLimitRange,
  "/ResourceQuota": validateResourceQuota,
  "/PersistentVolume": validatePersistentVolume,
  "/PersistentVolumeClaim": validatePersistentVolumeClaim,
};
