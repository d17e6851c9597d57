// The images every node has without a registry: busybox (for workloads and tests) and the pod sandbox
// ("pause") image containerd's CRI starts first in every pod. Both are made from Debian's static busybox.
// Archives are built once into var/images (scripts/build-images.ts) and imported into containerd on start.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import type { CriRuntime } from "../cri/types.ts";
import { buildImageArchive } from "./archive.ts";
import type { BuiltImage } from "./archive.ts";
import { importImageArchive } from "./import.ts";
import { DEFAULT_SANDBOX_IMAGE } from "../containerd/config.ts";

export const BUSYBOX_BIN = process.env.BERTH_BUSYBOX ?? "/bin/busybox";
export const BUSYBOX_IMAGE = "docker.io/library/busybox:latest";
/** Where setup leaves the built archives: var/images at the top of the repository. */
export const DEFAULT_IMAGES_DIR = fileURLToPath(new URL("../../../var/images/", import.meta.url));

const run = promisify(execFile);

interface BuiltinImage {
  reference: string;
  build(rootfs: string): Promise<Omit<Parameters<typeof buildImageArchive>[0], "rootfsDir" | "reference" | "out">>;
}

/**
 * The sandbox's only process: PID 1 of its own PID namespace ignores signals it has no handler for, so the
 * shell traps TERM and INT to exit at once; `wait` on a background sleep keeps the trap responsive.
 */
const PAUSE_SCRIPT = "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait $!; done";

export function builtinImages(sandboxImage = DEFAULT_SANDBOX_IMAGE): BuiltinImage[] {
  return [
    {
      reference: BUSYBOX_IMAGE,
      async build(rootfs) {
        await busyboxRootfs(rootfs, true);
        return { cmd: ["sh"] };
      },
    },
    {
      reference: sandboxImage,
      async build(rootfs) {
        await busyboxRootfs(rootfs, false);
        return { entrypoint: ["/bin/busybox", "sh", "-c", PAUSE_SCRIPT] };
      },
    },
  ];
}

/** A root filesystem with the static busybox, its applets as symlinks (`all`) or just sh and sleep, and users. */
async function busyboxRootfs(root: string, all: boolean): Promise<void> {
  for (const d of ["bin", "etc", "root", "tmp", "proc", "sys", "dev", "usr/bin", "usr/sbin", "sbin", "var"]) {
    await mkdir(join(root, d), { recursive: true });
  }
  await chmod(join(root, "tmp"), 0o1777);
  await chmod(join(root, "root"), 0o700);
  await copyFile(BUSYBOX_BIN, join(root, "bin/busybox"));
  await chmod(join(root, "bin/busybox"), 0o755);
  const applets = all
    ? (await run(BUSYBOX_BIN, ["--list-full"])).stdout.split("\n").filter(Boolean)
    : ["bin/sh", "bin/sleep"];
  for (const applet of applets) {
    if (applet === "bin/busybox") continue;
    await mkdir(dirname(join(root, applet)), { recursive: true });
    await symlink("/bin/busybox", join(root, applet));
  }
  await writeFile(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
  await writeFile(join(root, "etc/group"), "root:x:0:\nnobody:x:65534:\n");
}

/** The archive of an image in `dir`, named after its reference (so a different sandbox image name is another file). */
export const archivePath = (dir: string, reference: string): string => join(dir, `${reference.replace(/[/:@]/g, "_")}.tar`);

/** Builds every built-in image archive into `dir`. */
export async function buildBuiltinImages(dir = DEFAULT_IMAGES_DIR, sandboxImage?: string): Promise<BuiltImage[]> {
  await mkdir(dir, { recursive: true });
  const built: BuiltImage[] = [];
  for (const image of builtinImages(sandboxImage)) built.push(await buildBuiltin(image, dir));
  return built;
}

async function buildBuiltin(image: BuiltinImage, dir: string): Promise<BuiltImage> {
  const rootfs = await mkdtemp(join(tmpdir(), "berth-rootfs-"));
  try {
    const config = await image.build(rootfs);
    return await buildImageArchive({ ...config, rootfsDir: rootfs, reference: image.reference, out: archivePath(dir, image.reference) });
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

export interface EnsureImagesOptions {
  /** Where built archives are looked for and, when missing, built. Default var/images. */
  imagesDir?: string;
  /** The name containerd's CRI config uses for the sandbox image. Default registry.k8s.io/pause:3.6. */
  sandboxImage?: string;
}

/** Imports each built-in image that the runtime does not have yet, building its archive first when missing. */
export async function ensureBuiltinImages(endpoint: string, cri: CriRuntime, opts: EnsureImagesOptions = {}): Promise<void> {
  const dir = opts.imagesDir ?? DEFAULT_IMAGES_DIR;
  for (const image of builtinImages(opts.sandboxImage)) {
    if (await cri.imageStatus(image.reference)) continue;
    const file = archivePath(dir, image.reference);
    if (!existsSync(file)) {
      await mkdir(dir, { recursive: true });
      await buildBuiltin(image, dir);
    }
    await importImageArchive(endpoint, file);
    if (!(await cri.imageStatus(image.reference))) throw new Error(`${file} was imported but the runtime does not see ${image.reference}`);
  }
}
