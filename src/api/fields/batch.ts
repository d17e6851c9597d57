// Field selectors of batch/v1 kinds beyond metadata.name/namespace.
import type { Job } from "kubernetes-types/batch/v1";

export const jobFields: Record<string, (job: Job) => string | undefined> = {
  "status.successful": (job) => String(job.status?.succeeded ?? 0),
};
