// Builds the built-in image archives (busybox, and the pod sandbox image) into var/images, or the directory
// given as the first argument. Run by scripts/setup.sh; the node agent imports them into containerd.
import { utimes } from "node:fs/promises";
import { buildBuiltinImages, DEFAULT_IMAGES_DIR } from "../src/kubelet/images/builtin.ts";

const dir = process.argv[2] ?? DEFAULT_IMAGES_DIR;
for (const image of await buildBuiltinImages(dir)) {
  process.stderr.write(`berth setup: built ${image.reference} (${image.manifestDigest}) -> ${image.out}\n`);
}
// setup.sh compares this directory's time with the builder's sources: mark it fresh even when no file was renamed.
const now = new Date();
await utimes(dir, now, now);
