// Loads an image archive into containerd's k8s.io namespace (the one its CRI serves) with containerd's own
// `ctr` client, which unpacks it into the default snapshotter so containers can start from it at once.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export const CTR_BIN = process.env.BERTH_CTR ?? "/usr/bin/ctr";
/** The containerd namespace the CRI plugin keeps its images, sandboxes and containers in. */
export const CRI_NAMESPACE = "k8s.io";

const run = promisify(execFile);

/** `endpoint` is containerd's socket: "unix:///path.sock" or the path. */
export async function importImageArchive(endpoint: string, file: string): Promise<void> {
  const socket = endpoint.replace(/^unix:\/\//, "").replace(/^unix:/, "");
  try {
    await run(CTR_BIN, ["--address", socket, "--namespace", CRI_NAMESPACE, "images", "import", file], { timeout: 120_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`importing ${file} into containerd failed: ${(e.stderr || e.message).trim()}`);
  }
}
