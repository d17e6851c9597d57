// Runs the proxy's kernel tools (nft, conntrack, sysctl), optionally behind an argv prefix such as
// ["nsenter", "--net=/run/netns/x"] so the same proxy can program another network namespace.
import { spawn } from "node:child_process";

export class CommandError extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(argv: readonly string[], exitCode: number | null, stderr: string) {
    super(`${argv.join(" ")} exited with ${exitCode}: ${stderr.trim().slice(0, 2000)}`);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Runs `prefix ++ argv` with `input` on stdin; rejects with a CommandError unless it exits 0. */
export function runCommand(prefix: readonly string[], argv: readonly string[], input?: string): Promise<void> {
  const full = [...prefix, ...argv];
  return new Promise((resolve, reject) => {
    const child = spawn(full[0]!, full.slice(1), { stdio: [input === undefined ? "ignore" : "pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new CommandError(full, code, stderr))));
    if (input !== undefined) {
      child.stdin!.on("error", () => {}); // a child that dies early reports through its exit code
      child.stdin!.end(input);
    }
  });
}
