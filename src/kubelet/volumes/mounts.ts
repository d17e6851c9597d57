// tmpfs mounts for memory-backed volumes (emptyDir medium Memory, and secret and projected volumes, which upstream
// keeps off disk too), found again after a restart through /proc/self/mountinfo.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** mountinfo escapes space, tab, newline and backslash in paths as octal. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Every mount point at or below `dir`, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  const points = text.split("\n").filter(Boolean).map((line) => unescape(line.split(" ")[4]));
  return [...new Set(points.filter((p) => p === dir || p.startsWith(dir + "/")))].sort((a, b) => b.length - a.length);
}

export async function isMountPoint(dir: string): Promise<boolean> {
  return (await mountsUnder(dir)).includes(dir);
}

/** Mounts a tmpfs on dir unless one is there already. `sizeBytes` caps it; unset, the kernel's default applies. */
export async function mountTmpfs(dir: string, opts: { sizeBytes?: bigint; mode: number }): Promise<void> {
  if (await isMountPoint(dir)) return;
  const options = [`mode=${opts.mode.toString(8).padStart(4, "0")}`];
  if (opts.sizeBytes !== undefined) options.push(`size=${opts.sizeBytes}`);
  await run("mount", ["-t", "tmpfs", "-o", options.join(","), "tmpfs", dir]);
}

export async function unmount(dir: string): Promise<void> {
  await run("umount", [dir]);
}
