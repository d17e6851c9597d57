// How the pod garbage collector removes a pod: a pod still running on paper is first marked Failed (with the
// reason as a DisruptionTarget condition) so that Job controllers count it as gone, then deleted with no grace
// period: there is no kubelet left to finish a graceful deletion.
import type { Pod, PodCondition } from "kubernetes-types/core/v1";
import type { Client } from "../../client/rest-client.ts";
import { isNotFound } from "../../client/errors.ts";
import { R } from "../../client/resources.ts";
import type { Logger } from "../../util/log.ts";

export async function forceDeletePod(client: Client, log: Logger, pod: Pod, condition?: PodCondition): Promise<void> {
  const pods = client.resource(R.pods);
  const { namespace, name, uid } = pod.metadata!;
  log.info({ pod: `${namespace}/${name}` }, "PodGC is force deleting Pod");
  try {
    const phase = pod.status?.phase;
    if (phase !== "Succeeded" && phase !== "Failed") {
      const status: Pod["status"] = { phase: "Failed" };
      if (condition) status.conditions = [condition];
      await pods.patch(namespace, name!, { metadata: { uid }, status }, "strategic", { subresource: "status" });
    }
    await pods.delete(namespace, name!, { gracePeriodSeconds: 0, preconditions: { uid } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
