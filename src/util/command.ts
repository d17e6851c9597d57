// Runs the kernel tools (ip, nft, conntrack, sysctl, modprobe) with an optional argv prefix, so the same code
// programs the host or, in tests, a network namespace of its own (["nsenter", "--net=/run/netns/x"]).
import { spawn } from "node:child_process";

/** Runs argv (after the prefix), feeding `input` on stdin; resolves to stdout, rejects with stderr on failure. */
export type RunCommand = (argv: string[], input?: string) => Promise<string>;

export class CommandError extends Error {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;

  constructor(argv: string[], exitCode: number | null, stdout: string, stderr: string) {
    super(`${argv.join(" ")} failed (exit ${exitCode}): ${stderr.trim()}`);
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

export function commandRunner(prefix: readonly string[] = []): RunCommand {
  return (argv, input) =>
    new Promise((resolve, reject) => {
      const full = [...prefix, ...argv];
      const child = spawn(full[0]!, full.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", reject);
      child.on("close", (code) => {
        const stdout = Buffer.concat(out).toString("utf8");
        if (code === 0) resolve(stdout);
        else reject(new CommandError(full, code, stdout, Buffer.concat(err).toString("utf8")));
      });
      child.stdin.on("error", () => {}); // a tool that exits without reading stdin reports through its exit code
      child.stdin.end(input ?? "");
    });
}
