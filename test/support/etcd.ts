// Starts a real single-member etcd (Debian's etcd-server) on free loopback ports for tests and benchmarks.
// etcd 3.4 has no --unsafe-no-fsync, so the data dir lives on tmpfs (/dev/shm) when there is one: fsyncs there
// cost nothing. `stop()` ends the process and removes the data dir.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export const ETCD = process.env.ETCD ?? "/usr/bin/etcd";

export interface EtcdOptions {
  /** Extra command-line flags for etcd. */
  args?: string[];
  /** How long to wait for /health to answer true. Default 15 s. */
  readyTimeoutMs?: number;
}

export class TestEtcd {
  /** The client URL, e.g. http://127.0.0.1:23790. */
  readonly endpoint: string;
  readonly dataDir: string;
  readonly #args: string[];
  #proc: ChildProcess;
  #logs = "";

  private constructor(endpoint: string, dataDir: string, args: string[]) {
    this.endpoint = endpoint;
    this.dataDir = dataDir;
    this.#args = args;
    this.#proc = this.#spawn();
  }

  #spawn(): ChildProcess {
    const proc = spawn(ETCD, this.#args, { stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout!.on("data", (d) => { this.#logs = (this.#logs + d).slice(-20_000); });
    proc.stderr!.on("data", (d) => { this.#logs = (this.#logs + d).slice(-20_000); });
    return proc;
  }

  get logs(): string {
    return this.#logs;
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  static async start(opts: EtcdOptions = {}): Promise<TestEtcd> {
    const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
    const dataDir = await mkdtemp(join(base, "berth-etcd-"));
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const client = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const args = [
      "--name", "test",
      "--data-dir", join(dataDir, "data"),
      "--listen-client-urls", client,
      "--advertise-client-urls", client,
      "--listen-peer-urls", peer,
      "--initial-advertise-peer-urls", peer,
      "--initial-cluster", `test=${peer}`,
      "--initial-cluster-state", "new",
      "--log-level", "warn",
      ...(opts.args ?? []),
    ];
    const etcd = new TestEtcd(client, dataDir, args);
    try {
      await etcd.#waitHealthy(opts.readyTimeoutMs ?? 15_000);
    } catch (err) {
      await etcd.stop();
      throw err;
    }
    return etcd;
  }

  async #waitHealthy(ms: number): Promise<void> {
    const end = Date.now() + ms;
    let exited = false;
    this.#proc.once("exit", () => { exited = true; });
    while (Date.now() < end && !exited) {
      try {
        const res = await fetch(`${this.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { health?: string };
        if (res.ok && body.health === "true") return;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`etcd at ${this.endpoint} did not become healthy${exited ? " (it exited)" : ""}:\n${this.#logs}`);
  }

  /** Kills etcd (its data stays), for tests of an unreachable datastore; `resume()` starts it again. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    await this.#halt(signal);
  }

  /** Starts a killed etcd again on the same ports and data, and waits until it is healthy. */
  async resume(readyTimeoutMs = 15_000): Promise<void> {
    this.#proc = this.#spawn();
    await this.#waitHealthy(readyTimeoutMs);
  }

  /** Stops etcd (SIGTERM, then SIGKILL after 5 s) and removes its data dir. */
  async stop(): Promise<void> {
    await this.#halt("SIGTERM");
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async #halt(signal: NodeJS.Signals): Promise<void> {
    const p = this.#proc;
    if (p.exitCode === null && p.signalCode === null) {
      const done = new Promise<void>((r) => p.once("exit", () => r()));
      p.kill(signal);
      const timer = setTimeout(() => p.kill("SIGKILL"), 5000);
      await done;
      clearTimeout(timer);
    }
  }
}
