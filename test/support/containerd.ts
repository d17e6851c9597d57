// A real containerd for tests: its own directory under /tmp, its own CNI network (a bridge and pod range unique
// to this instance), the built-in images imported. stop() removes every pod sandbox in it (and so their
// containers), stops containerd, deletes the bridge and the network's IP allocations, and removes the directory.
//
// Several can run at once (e.g. test files in parallel): sockets, state and CNI networks are per instance.
// containerd's shims and runc keep state under the fixed /run/containerd, but keyed by random container ids,
// so instances do not collide there.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { CriClient } from "../../src/kubelet/cri/client.ts";
import { startContainerd } from "../../src/kubelet/containerd/supervisor.ts";
import { writeCniConfig } from "../../src/kubelet/containerd/cni.ts";
import { ensureBuiltinImages } from "../../src/kubelet/images/builtin.ts";

const run = promisify(execFile);

export interface TestContainerd {
  cri: CriClient;
  /** unix:// address of the containerd socket. */
  endpoint: string;
  dir: string;
  /** The pod range of this instance's CNI network, e.g. 10.88.123.0/24. */
  podCidr: string;
  bridge: string;
  stop(): Promise<void>;
}

export async function startTestContainerd(): Promise<TestContainerd> {
  const dir = await mkdtemp("/tmp/berth-ctrd-");
  const id = randomBytes(3).toString("hex");
  const bridge = `bt${id}`;
  const network = `berth-test-${id}`;
  // A /24 in 10.88.0.0/16 per instance, so parallel instances' bridges do not claim the same subnet.
  const podCidr = `10.88.${randomBytes(1)[0]}.0/24`;
  const cniConfDir = join(dir, "cni");
  await writeCniConfig(cniConfDir, { podCidr, bridge, name: network });
  const containerd = await startContainerd({ dir: join(dir, "containerd"), cniConfDir });
  const cri = CriClient.connect(containerd.endpoint);
  const stop = async () => {
    try {
      for (const sandbox of await cri.listPodSandbox()) {
        await cri.stopPodSandbox(sandbox.id);
        await cri.removePodSandbox(sandbox.id);
      }
    } finally {
      cri.close();
      await containerd.stop();
      await run("ip", ["link", "delete", bridge]).catch(() => undefined); // absent when no pod ever ran
      await rm(join("/var/lib/cni/networks", network), { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    await ensureBuiltinImages(containerd.endpoint, cri);
  } catch (err) {
    await stop();
    throw err;
  }
  return { cri, endpoint: containerd.endpoint, dir, podCidr, bridge, stop };
}
