// Starts a real etcd (Debian's etcd-server) on free loopback ports for tests and benchmarks: one member, or a
// cluster of several (TestEtcd.startCluster).
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
    const etcd = TestEtcd.#member("test", dataDir, clientPort, peerPort, `test=http://127.0.0.1:${peerPort}`, opts.args ?? []);
    try {
      await etcd.#waitHealthy(opts.readyTimeoutMs ?? 15_000);
    } catch (err) {
      await etcd.stop();
      throw err;
    }
    return etcd;
  }

  static #member(name: string, dataDir: string, clientPort: number, peerPort: number, initialCluster: string, extra: string[]): TestEtcd {
    const client = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const args = [
      "--name", name,
      "--data-dir", join(dataDir, "data"),
      "--listen-client-urls", client,
      "--advertise-client-urls", client,
      "--listen-peer-urls", peer,
      "--initial-advertise-peer-urls", peer,
      "--initial-cluster", initialCluster,
      "--initial-cluster-state", "new",
      "--log-level", "warn",
      ...extra,
    ];
    return new TestEtcd(client, dataDir, args);
  }

  /** Starts `size` members forming one cluster, for tests of etcd faults (leader loss). */
  static async startCluster(size = 3, opts: EtcdOptions = {}): Promise<TestEtcdCluster> {
    const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
    const ports: { name: string; client: number; peer: number; dir: string }[] = [];
    for (let i = 0; i < size; i++) {
      ports.push({ name: `m${i}`, client: await freePort(), peer: await freePort(), dir: await mkdtemp(join(base, "berth-etcd-")) });
    }
    const initial = ports.map((p) => `${p.name}=http://127.0.0.1:${p.peer}`).join(",");
    // A cluster token unique to this cluster, so members of two test clusters never talk to each other.
    const token = ["--initial-cluster-token", `berth-test-${ports[0]!.client}-${process.pid}`];
    const members = ports.map((p) => TestEtcd.#member(p.name, p.dir, p.client, p.peer, initial, [...token, ...(opts.args ?? [])]));
    const cluster = new TestEtcdCluster(members);
    try {
      await Promise.all(members.map((m) => m.#waitHealthy(opts.readyTimeoutMs ?? 20_000)));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Whether the process is running. */
  get running(): boolean {
    return this.#proc.exitCode === null && this.#proc.signalCode === null;
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

/** A multi-member etcd on loopback; `endpoints` is the comma-separated list for --datastore-endpoint. */
export class TestEtcdCluster {
  readonly members: TestEtcd[];

  constructor(members: TestEtcd[]) {
    this.members = members;
  }

  get endpoints(): string {
    return this.members.map((m) => m.endpoint).join(",");
  }

  /**
   * The member that is leader now, asked through etcd's JSON gateway (POST /v3/maintenance/status): a member
   * leads when the leader it reports is its own member id. Waits up to `ms` for the running members to agree.
   */
  async leader(ms = 10_000): Promise<TestEtcd> {
    const end = Date.now() + ms;
    for (;;) {
      for (const m of this.members) {
        if (!m.running) continue;
        try {
          const res = await fetch(`${m.endpoint}/v3/maintenance/status`, { method: "POST", body: "{}", signal: AbortSignal.timeout(1000) });
          const st = (await res.json()) as { header?: { member_id?: string }; leader?: string };
          if (res.ok && st.leader && st.leader !== "0" && st.leader === st.header?.member_id) return m;
        } catch { /* down or starting */ }
      }
      if (Date.now() > end) throw new Error("no etcd member reports itself leader");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
  }
}
