// hostPath volumes: the path on the node is mounted as is; its `type` is checked (and for the *OrCreate types,
// made) before the pod starts, with upstream's messages.
import { lstat, mkdir, open, stat } from "node:fs/promises";
import type { Stats } from "node:fs";

const statOf = (p: string): Promise<Stats | undefined> => stat(p).catch((err: NodeJS.ErrnoException) => {
  if (err.code === "ENOENT") return undefined;
  throw err;
});

const fail = (path: string, what: string) => new Error(`hostPath type check failed: ${path} is not ${what}`);

/** Throws when the path does not fit its type; creates it for DirectoryOrCreate and FileOrCreate. */
export async function prepareHostPath(path: string, type: string | undefined): Promise<void> {
  let st = await statOf(path);
  switch (type ?? "") {
    case "": return;
    case "DirectoryOrCreate":
      if (!st) {
        await mkdir(path, { recursive: true, mode: 0o755 });
        return;
      }
      if (!st.isDirectory()) throw fail(path, "a directory");
      return;
    case "FileOrCreate":
      if (!st) {
        // The parent must exist; the file is made empty with mode 0644.
        await (await open(path, "a", 0o644)).close();
        st = await lstat(path);
      }
      if (!st.isFile()) throw fail(path, "a file");
      return;
    case "Directory": if (!st?.isDirectory()) throw fail(path, "a directory"); return;
    case "File": if (!st?.isFile()) throw fail(path, "a file"); return;
    case "Socket": if (!st?.isSocket()) throw fail(path, "a socket file"); return;
    case "CharDevice": if (!st?.isCharacterDevice()) throw fail(path, "a character device"); return;
    case "BlockDevice": if (!st?.isBlockDevice()) throw fail(path, "a block device"); return;
    default: throw new Error(`invalid HostPathType ${type}`);
  }
}
