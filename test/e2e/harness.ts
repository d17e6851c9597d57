// Starts a real `berth server` on a free port with a temporary data dir and drives it with the real kubectl.
import { spawn, execFile } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, access } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/free-port.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BERTH = join(ROOT, "bin/berth");
export const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";

/** Polls `check` every 200 ms until it holds, failing after `ms`. */
export async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SimProcess {
  readonly logs: string;
  readonly pid: number | undefined;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export class TestCluster {
  readonly dataDir: string;
  readonly port: number;
  readonly kubeconfig: string;
  private proc: ChildProcess | undefined;
  get pid(): number | undefined { return this.proc?.pid; }
  logs = "";

  /** Whether the server runs its node agent (real containerd); off by default, so most suites need no runtime. */
  readonly agent: boolean;

  private constructor(dataDir: string, port: number, agent: boolean) {
    this.dataDir = dataDir;
    this.port = port;
    this.agent = agent;
    this.kubeconfig = join(dataDir, "kubeconfig.yaml");
  }

  static async start(extraArgs: string[] = [], opts: { agent?: boolean } = {}): Promise<TestCluster> {
    const dir = await mkdtemp(join(tmpdir(), "berth-e2e-"));
    const c = new TestCluster(dir, await freePort(), opts.agent ?? false);
    await c.launch(extraArgs);
    return c;
  }

  /** Starts (or restarts) the server process on the same data dir and waits until it answers. */
  async launch(extraArgs: string[] = []): Promise<number> {
    const started = Date.now();
    const agentArgs = this.agent ? ["--kubelet-port", "0"] : ["--disable-agent"];
    this.proc = spawn(BERTH, ["server", "--data-dir", this.dataDir, "--https-port", String(this.port), ...agentArgs, "--bind-address", "127.0.0.1", ...extraArgs], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, BERTH_LOG_LEVEL: process.env.BERTH_LOG_LEVEL ?? "warn" },
    });
    this.proc.stdout!.on("data", (d) => { this.logs += d; });
    this.proc.stderr!.on("data", (d) => { this.logs += d; });
    const exited = new Promise<never>((_, reject) => this.proc!.once("exit", (code) => reject(new Error(`berth server exited with ${code}:\n${this.logs}`))));
    exited.catch(() => undefined); // only the race below cares; a later exit is seen by stop()
    await Promise.race([this.waitReady(), exited]);
    return Date.now() - started;
  }

  private async waitReady(): Promise<void> {
    for (let i = 0; i < 300; i++) {
      try {
        await access(this.kubeconfig);
        const r = await this.kubectl(["get", "--raw", "/readyz"]);
        if (r.code === 0) return;
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`berth server did not become ready:\n${this.logs}`);
  }

  kubectl(args: string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(KUBECTL, ["--kubeconfig", this.kubeconfig, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      if (input !== undefined) child.stdin!.end(input);
      else child.stdin!.end();
    });
  }

  /** kubectl that must succeed; returns stdout. */
  async ok(args: string[], input?: string): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  /** Stops the server: SIGTERM (clean) or SIGKILL (crash). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return p?.exitCode ?? null;
    p.removeAllListeners("exit");
    const done = new Promise<number | null>((r) => p.once("exit", (code) => r(code)));
    p.kill(signal);
    return done;
  }

  /** Runs `berth sim --nodes N` against this cluster until stopped. */
  async sim(nodes: number, extraArgs: string[] = []): Promise<SimProcess> {
    const proc = spawn(BERTH, ["sim", "--nodes", String(nodes), ...extraArgs], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, KUBECONFIG: this.kubeconfig, BERTH_LOG_LEVEL: process.env.BERTH_LOG_LEVEL ?? "warn" },
    });
    let logs = "";
    proc.stdout!.on("data", (d) => { logs += d; });
    proc.stderr!.on("data", (d) => { logs += d; });
    const sims = this.sims;
    sims.add(proc);
    return {
      get logs() { return logs; },
      pid: proc.pid,
      async stop(signal: NodeJS.Signals = "SIGTERM") {
        sims.delete(proc);
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const done = new Promise<void>((r) => proc.once("exit", () => r()));
        proc.kill(signal);
        await done;
      },
    };
  }

  private readonly sims = new Set<ChildProcess>();

  async destroy(): Promise<void> {
    for (const p of this.sims) p.kill("SIGKILL");
    if (this.agent && this.proc?.exitCode === null) {
      // Pods are real containers: delete them while the agent runs, then stop it cleanly (it stops containerd).
      await this.kubectl(["delete", "pods", "--all", "--all-namespaces", "--wait", "--timeout=60s"]);
      await this.stop("SIGTERM");
    }
    await this.stop("SIGKILL");
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
