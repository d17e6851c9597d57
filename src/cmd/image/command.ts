// `berth image build|import`: local images for the node agent's containerd, with no registry. `build` turns a
// directory into an image archive and imports it; `import` loads an archive (OCI layout or docker save tar).
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { buildImageArchive } from "../../kubelet/images/archive.ts";
import { importImageArchive } from "../../kubelet/images/import.ts";
import { normalizeReference } from "../../kubelet/images/reference.ts";

export const IMAGE_USAGE = `Usage: berth image <subcommand> [flags]

Subcommands:
  build DIR -t NAME   Make an image whose root filesystem is DIR and import it into the local agent's containerd
  import FILE         Import an image archive (OCI layout tar, or a docker save tar) into the local agent's containerd

Flags of build:
  -t, --tag NAME         image name; short names are qualified (app -> docker.io/library/app:latest)
  --entrypoint WORD      entrypoint; repeat for each word (--entrypoint /bin/sh --entrypoint=-c)
  --cmd ARG              default arguments (Cmd); repeat for each
  --env K=V              environment variable; repeat for each (PATH gets a default when not given)
  --workdir DIR          working directory
  -o, --output FILE      where to keep the archive (default <data-dir>/agent/images/<name>.tar)

Flags of both:
  --data-dir DIR         the server's data directory (default ~/.berth); containerd's socket is
                         <data-dir>/agent/containerd/containerd.sock
`;

export class ImageUsageError extends Error {}

export type ImageCommand =
  | { kind: "help" }
  | { kind: "import"; file: string; dataDir: string }
  | {
    kind: "build";
    rootfsDir: string;
    reference: string;
    entrypoint: string[];
    cmd: string[];
    env: string[];
    workingDir: string | undefined;
    output: string;
    dataDir: string;
  };

export const agentContainerdSocket = (dataDir: string): string => join(dataDir, "agent", "containerd", "containerd.sock");

export function parseImageArgs(argv: string[]): ImageCommand {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") return { kind: "help" };
  if (sub !== "build" && sub !== "import") throw new ImageUsageError(`unknown subcommand "${sub}"`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: {
        "data-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
        ...(sub === "build" ? {
          tag: { type: "string", short: "t" },
          entrypoint: { type: "string", multiple: true },
          cmd: { type: "string", multiple: true },
          env: { type: "string", multiple: true },
          workdir: { type: "string" },
          output: { type: "string", short: "o" },
        } : {}),
      },
    });
  } catch (err) {
    throw new ImageUsageError((err as Error).message);
  }
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  if (v.help) return { kind: "help" };
  const dataDir = resolve((v["data-dir"] as string | undefined) ?? join(homedir(), ".berth"));
  if (parsed.positionals.length !== 1) {
    throw new ImageUsageError(sub === "build" ? "build takes one directory (the image's root filesystem)" : "import takes one archive file");
  }
  const path = resolve(parsed.positionals[0]!);
  if (sub === "import") return { kind: "import", file: path, dataDir };

  const tag = v.tag as string | undefined;
  if (!tag) throw new ImageUsageError("build needs -t NAME");
  let reference: string;
  try {
    reference = normalizeReference(tag);
  } catch (err) {
    throw new ImageUsageError((err as Error).message);
  }
  const env = (v.env as string[] | undefined) ?? [];
  const bad = env.find((e) => !/^[^=]+=/.test(e));
  if (bad !== undefined) throw new ImageUsageError(`--env ${bad}: expected K=V`);
  const output = v.output as string | undefined;
  return {
    kind: "build",
    rootfsDir: path,
    reference,
    entrypoint: (v.entrypoint as string[] | undefined) ?? [],
    cmd: (v.cmd as string[] | undefined) ?? [],
    env,
    workingDir: v.workdir as string | undefined,
    output: output ? resolve(output) : join(dataDir, "agent", "images", `${reference.replace(/[/:@]/g, "_")}.tar`),
    dataDir,
  };
}

export async function runImageCommand(argv: string[]): Promise<number> {
  let cmd: ImageCommand;
  try {
    cmd = parseImageArgs(argv);
  } catch (err) {
    if (!(err instanceof ImageUsageError)) throw err;
    process.stderr.write(`berth image: ${err.message}\n\n${IMAGE_USAGE}`);
    return 2;
  }
  if (cmd.kind === "help") {
    process.stdout.write(IMAGE_USAGE);
    return argv.length === 0 ? 1 : 0;
  }
  const socket = agentContainerdSocket(cmd.dataDir);
  if (!existsSync(socket)) {
    process.stderr.write(`berth image: no containerd socket at ${socket}: is the node agent running with --data-dir ${cmd.dataDir}?\n`);
    return 1;
  }
  try {
    if (cmd.kind === "import") {
      await importImageArchive(socket, cmd.file);
      process.stdout.write(`imported ${cmd.file}\n`);
      return 0;
    }
    await mkdir(join(cmd.output, ".."), { recursive: true });
    const built = await buildImageArchive({
      rootfsDir: cmd.rootfsDir,
      reference: cmd.reference,
      entrypoint: cmd.entrypoint,
      cmd: cmd.cmd,
      env: cmd.env,
      ...(cmd.workingDir !== undefined ? { workingDir: cmd.workingDir } : {}),
      out: cmd.output,
    });
    await importImageArchive(socket, built.out);
    process.stdout.write(`${built.reference}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`berth image: ${(err as Error).message}\n`);
    return 1;
  }
}
