// Runs containerd as a child of the node agent: writes its config, starts it, waits until its CRI answers,
// restarts it with backoff when it dies on its own, and stops it with SIGTERM. Containers outlive a containerd
// restart (their shims stay up), so a restart only interrupts the CRI for a moment.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { logger } from "../../util/log.ts";
import { sleep } from "../../util/sleep.ts";
import { CriClient } from "../cri/client.ts";
import { containerdConfig, containerdPaths, DEFAULT_CNI_BIN_DIR, DEFAULT_SANDBOX_IMAGE } from "./config.ts";
import type { ContainerdPaths } from "./config.ts";

export const CONTAINERD_BIN = process.env.BERTH_CONTAINERD ?? "/usr/bin/containerd";

export interface ContainerdOptions {
  /** Holds config.toml, root/, state/, containerd.sock, containerd.log. */
  dir: string;
  cniConfDir: string;
  /** Default /usr/lib/cni (Debian's containernetworking-plugins). */
  cniBinDir?: string;
  /** Default registry.k8s.io/pause:3.6. */
  sandboxImage?: string;
  /** How long to wait for the CRI to answer after a start. Default 30 s. */
  readyTimeoutMs?: number;
  /** Aborting stops containerd, like stop(). */
  signal?: AbortSignal;
}

export interface RunningContainerd {
  /** unix:// address of containerd's socket (CRI and containerd's own API). */
  endpoint: string;
  /** The socket path (for ctr --address). */
  socket: string;
  stop(): Promise<void>;
}

const log = logger("containerd");

const READY_POLL_MS = 20;
const PROBE_TIMEOUT_MS = 2_000;
const RESTART_BACKOFF_MS = { initial: 500, max: 30_000 };
/** A run at least this long counts as healthy: the next crash restarts at the initial backoff again. */
const HEALTHY_RUN_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export async function startContainerd(opts: ContainerdOptions): Promise<RunningContainerd> {
  const paths = containerdPaths(opts.dir);
  await mkdir(opts.dir, { recursive: true });
  await writeFile(paths.config, containerdConfig({
    paths,
    cniConfDir: opts.cniConfDir,
    cniBinDir: opts.cniBinDir ?? DEFAULT_CNI_BIN_DIR,
    sandboxImage: opts.sandboxImage ?? DEFAULT_SANDBOX_IMAGE,
  }));
  await stopLeftover(paths);
  const supervisor = new Supervisor(paths, opts.readyTimeoutMs ?? 30_000);
  await supervisor.start();
  const onAbort = () => void supervisor.stop();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  return {
    endpoint: `unix://${paths.socket}`,
    socket: paths.socket,
    stop: async () => {
      opts.signal?.removeEventListener("abort", onAbort);
      await supervisor.stop();
    },
  };
}

class Supervisor {
  readonly #paths: ContainerdPaths;
  readonly #readyTimeoutMs: number;
  #proc: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #backoffMs = RESTART_BACKOFF_MS.initial;
  /** Wakes a pending restart when stop() is called. */
  readonly #stopped = new AbortController();

  constructor(paths: ContainerdPaths, readyTimeoutMs: number) {
    this.#paths = paths;
    this.#readyTimeoutMs = readyTimeoutMs;
  }

  async start(): Promise<void> {
    this.#spawn();
    try {
      await this.#waitReady();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  #spawn(): void {
    // containerd would reuse a stale socket file's path anyway, but readiness polling must not see the old one.
    rmSync(this.#paths.socket, { force: true });
    const logFd = openSync(this.#paths.log, "a");
    const startedAt = Date.now();
    let proc: ChildProcess;
    try {
      proc = spawn(CONTAINERD_BIN, ["--config", this.#paths.config], { stdio: ["ignore", logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    this.#proc = proc;
    this.#exited = new Promise((resolve) => {
      proc.once("exit", (code, signal) => {
        resolve();
        this.#onExit(code, signal, Date.now() - startedAt);
      });
      proc.once("error", (err) => {
        log.error({ err }, "containerd could not be started");
      });
    });
    if (proc.pid !== undefined) writeFileSync(this.#paths.pidFile, `${proc.pid}\n`);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null, ranMs: number): void {
    this.#proc = undefined;
    if (this.#stopping) return;
    if (ranMs >= HEALTHY_RUN_MS) this.#backoffMs = RESTART_BACKOFF_MS.initial;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, RESTART_BACKOFF_MS.max);
    log.warn({ code, signal, restartInMs: delay, log: this.#paths.log }, "containerd exited unexpectedly; restarting");
    void sleep(delay, this.#stopped.signal).then(() => {
      if (this.#stopping) return;
      this.#spawn();
      this.#waitReady().then(
        () => log.info("containerd is back"),
        (err: unknown) => log.error({ err }, "restarted containerd did not become ready"),
      );
    });
  }

  /** Polls the CRI's Version until it answers: containerd's socket appears before its CRI plugin is serving. */
  async #waitReady(): Promise<void> {
    const deadline = Date.now() + this.#readyTimeoutMs;
    let lastErr: unknown;
    while (Date.now() < deadline && !this.#stopping) {
      if (!this.#proc) throw new Error(`containerd exited during startup; see ${this.#paths.log}`);
      if (existsSync(this.#paths.socket)) {
        const cri = CriClient.connect(this.#paths.socket, { timeoutMs: PROBE_TIMEOUT_MS });
        try {
          await cri.version();
          return;
        } catch (err) {
          lastErr = err;
        } finally {
          cri.close();
        }
      }
      await sleep(READY_POLL_MS);
    }
    if (this.#stopping) throw new Error("containerd was stopped before its CRI answered");
    throw new Error(`containerd's CRI did not answer within ${this.#readyTimeoutMs} ms (${String(lastErr)}); see ${this.#paths.log}`);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#stopped.abort();
    const proc = this.#proc;
    if (proc) {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_GRACE_MS);
      await this.#exited;
      clearTimeout(timer);
    }
    await rm(this.#paths.pidFile, { force: true });
  }
}

/**
 * Stops a containerd that an earlier agent started on this directory and left running (the agent was killed):
 * two containerds cannot share one root. Only a process whose command line names this config file is touched.
 */
async function stopLeftover(paths: ContainerdPaths): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(paths.pidFile, "utf8")).trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline: string;
  try {
    cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").join(" ");
  } catch {
    return; // not running any more
  }
  if (!cmdline.includes(CONTAINERD_BIN) || !cmdline.includes(paths.config)) return;
  log.warn({ pid }, "stopping a containerd left running on this directory");
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await sleep(50);
  if (existsSync(`/proc/${pid}`)) process.kill(pid, "SIGKILL");
}
