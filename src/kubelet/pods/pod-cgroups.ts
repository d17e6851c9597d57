// The pod-level cgroups (cgroupfs driver, cgroup v1): runc removes each container's own cgroup, but the pod's
// parent (/kubepods/<qos>/pod<uid>) stays in every hierarchy until the agent removes it after the sandbox is gone.
import { readdir, rmdir } from "node:fs/promises";
import { join } from "node:path";

const CGROUP_ROOT = "/sys/fs/cgroup";
const QOS_PARENTS = ["kubepods", "kubepods/burstable", "kubepods/besteffort"];

/** Removes the pod's cgroup in every hierarchy; one still in use or already gone is left as it is. */
export async function removePodCgroups(podUid: string, root = CGROUP_ROOT): Promise<void> {
  const hierarchies = await readdir(root).catch(() => [] as string[]);
  await Promise.all(hierarchies.flatMap((h) => QOS_PARENTS.map((parent) => rmdir(join(root, h, parent, `pod${podUid}`)).catch(() => undefined))));
}
