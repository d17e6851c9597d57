// Writes a volume's files so a reader never sees a half-updated set: each version goes into a fresh hidden
// `..<timestamp>` directory, the `..data` symlink is swapped to it with one rename, and every visible top-level
// name is a symlink through `..data` (`key -> ..data/key`). This is the layout configMap, secret, downwardAPI and
// projected volumes have upstream, so tools that watch `..data` for changes work unchanged.
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile, chmod } from "node:fs/promises";
import { dirname, join, posix } from "node:path";

export interface FileContent {
  data: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

/** Relative file path (may contain `/`) to content. */
export type Payload = Map<string, FileContent>;

const DATA_LINK = "..data";
const DATA_TMP = "..data_tmp";

/** Refuses absolute paths, `..` elements and names starting with `..` (which would shadow the writer's own). */
export function checkPayloadPath(path: string): string | undefined {
  if (!path) return "must not be empty";
  if (path.startsWith("/")) return `${path}: must be a relative path`;
  if (path.split("/").includes("..")) return `${path}: must not contain '..'`;
  if (path.startsWith("..")) return `${path}: must not start with '..'`;
  return undefined;
}

const timestampDirPrefix = (d: Date): string => {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `..${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}.`;
};

async function listFiles(root: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await listFiles(root, p));
    else out.push(p);
  }
  return out;
}

/** Whether the version under `dir` holds exactly the payload (contents and modes). */
async function sameContent(dir: string, payload: Payload): Promise<boolean> {
  const files = await listFiles(dir);
  if (files.length !== payload.size) return false;
  for (const f of files) {
    const want = payload.get(f);
    if (!want) return false;
    const st = await stat(join(dir, f));
    if ((st.mode & 0o7777) !== want.mode) return false;
    if (!want.data.equals(await readFile(join(dir, f)))) return false;
  }
  return true;
}

async function currentVersion(targetDir: string): Promise<string | undefined> {
  try {
    return await readlink(join(targetDir, DATA_LINK));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Writes the payload into targetDir; answers whether anything changed. */
export async function writeAtomically(targetDir: string, payload: Payload, now: Date = new Date()): Promise<boolean> {
  for (const path of payload.keys()) {
    const bad = checkPayloadPath(path);
    if (bad) throw new Error(`invalid path ${bad}`);
  }
  await mkdir(targetDir, { recursive: true });
  const old = await currentVersion(targetDir);
  // A dangling ..data (a crash mid-cleanup) counts as different and is rewritten.
  if (old && await sameContent(join(targetDir, old), payload).catch(() => false)) return false;

  const version = await mkdtemp(join(targetDir, timestampDirPrefix(now)));
  await chmod(version, 0o755);
  for (const [path, content] of payload) {
    const file = join(version, path);
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await writeFile(file, content.data);
    await chmod(file, content.mode);
  }
  const versionName = posix.basename(version);
  await rm(join(targetDir, DATA_TMP), { force: true });
  await symlink(versionName, join(targetDir, DATA_TMP));
  await rename(join(targetDir, DATA_TMP), join(targetDir, DATA_LINK));

  // Visible names: one symlink per top-level element through ..data; names no longer in the payload go.
  const top = new Set([...payload.keys()].map((p) => p.split("/")[0]));
  for (const name of top) {
    const link = join(targetDir, name);
    const want = posix.join(DATA_LINK, name);
    const existing = await lstat(link).catch(() => undefined);
    if (existing?.isSymbolicLink() && await readlink(link) === want) continue;
    if (existing) await rm(link, { recursive: true, force: true });
    await symlink(want, link);
  }
  for (const name of await readdir(targetDir)) {
    if (name.startsWith("..")) {
      if (name !== DATA_LINK && name !== versionName) await rm(join(targetDir, name), { recursive: true, force: true });
    } else if (!top.has(name)) {
      await rm(join(targetDir, name), { recursive: true, force: true });
    }
  }
  return true;
}
