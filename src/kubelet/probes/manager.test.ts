import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import type { Container, Pod, Probe } from "kubernetes-types/core/v1";
import { ProbeManager } from "./manager.ts";
import type { ProbeKind } from "./manager.ts";
import type { Timers } from "./timers.ts";

/** A clock that moves only when told to, running due timers in order and letting their promises settle. */
class FakeClock implements Timers {
  now = 1_000_000;
  #next = 0;
  #pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#next;
    this.#pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }
  get pendingTimers(): number {
    return this.#pending.size;
  }
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    await settle();
    for (;;) {
      const due = [...this.#pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.now = Math.max(this.now, due[1].at);
      due[1].fn();
      await settle();
    }
    this.now = until;
  }
}
const settle = () => new Promise<void>((r) => setImmediate(r));

/** A runtime whose exec probes answer from a script per command: each call takes the next exit code, the last repeats. */
function scriptedRuntime(clock: FakeClock, scripts: Record<string, (number | "error")[]>) {
  const calls: { cmd: string; at: number }[] = [];
  return {
    calls,
    at: (cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.at - START),
    execSync(_id: string, cmd: string[]) {
      calls.push({ cmd: cmd[0], at: clock.now });
      const script = scripts[cmd[0]];
      const code = script.length > 1 ? script.shift()! : script[0];
      if (code === "error") return Promise.reject(Object.assign(new Error("container not found"), { code: grpc.status.NOT_FOUND }));
      return Promise.resolve({ exitCode: code, stdout: Buffer.from(`${cmd[0]} exited ${code}`), stderr: Buffer.alloc(0) });
    },
  };
}
const START = 1_000_000;

type Change = [string, ProbeKind, string, number];
function setup(scripts: Record<string, (number | "error")[]>, random = () => 0) {
  const clock = new FakeClock();
  const cri = scriptedRuntime(clock, scripts);
  const changes: Change[] = [];
  const failures: [ProbeKind, string, boolean][] = [];
  const manager = new ProbeManager({
    cri, now: () => clock.now, timers: clock, random,
    onChange: (_uid, name, kind, result) => changes.push([name, kind, result, clock.now - START]),
    onProbeFailed: (_uid, _name, kind, message, errored) => failures.push([kind, message, errored]),
  });
  return { clock, cri, changes, failures, manager };
}
const pod: Pod = { metadata: { uid: "u1", name: "p", namespace: "default" } };
const exec = (cmd: string, extra: Partial<Probe> = {}): Probe => ({ exec: { command: [cmd] }, ...extra });

test("readiness: false until successThreshold successes in a row, false again after failureThreshold failures", async () => {
  const { clock, cri, changes, manager } = setup({ ready: [1, 0, 0, 0, 1, 1, 0] });
  const c: Container = { name: "app", readinessProbe: exec("ready", { periodSeconds: 5, successThreshold: 2, failureThreshold: 2 }) };
  clock.now += 60_000; // long after the manager started: no jitter
  const t0 = clock.now - START;
  manager.addContainer(pod, c, "c1", "10.0.0.5", clock.now);
  assert.equal(manager.readiness("u1", "app"), false);
  assert.equal(manager.started("u1", "app"), true); // no startup probe
  await clock.advance(0);
  assert.deepEqual(cri.at("ready"), [t0]);
  await clock.advance(10_000); // fail, ok, ok -> ready on the second success in a row
  assert.equal(manager.readiness("u1", "app"), true);
  assert.deepEqual(changes, [["app", "readiness", "success", t0 + 10_000]]);
  await clock.advance(10_000); // ok, fail: one failure is not enough
  assert.equal(manager.readiness("u1", "app"), true);
  await clock.advance(5_000); // fail again: not ready
  assert.equal(manager.readiness("u1", "app"), false);
  assert.deepEqual(changes.at(-1), ["app", "readiness", "failure", t0 + 25_000]);
  assert.deepEqual(cri.at("ready"), [0, 5, 10, 15, 20, 25].map((s) => t0 + s * 1000));
  manager.stop();
  assert.equal(clock.pendingTimers, 0);
});

test("initialDelaySeconds counts from the container's start; periodSeconds defaults to 10", async () => {
  const { clock, cri, manager } = setup({ ready: [0] });
  clock.now += 60_000;
  const startedAt = clock.now - 2_000; // the container started 2 s ago
  manager.addContainer(pod, { name: "app", readinessProbe: exec("ready", { initialDelaySeconds: 5 }) }, "c1", undefined, startedAt);
  await clock.advance(2_999);
  assert.deepEqual(cri.calls, []);
  await clock.advance(1);
  await clock.advance(20_000);
  assert.deepEqual(cri.at("ready"), [0, 10_000, 20_000].map((ms) => startedAt - START + 5_000 + ms));
  assert.equal(manager.readiness("u1", "app"), true);
  manager.stop();
});

test("liveness: reported failed after failureThreshold failures, then rests until the container is replaced", async () => {
  const { clock, cri, changes, failures, manager } = setup({ live: [0, 1, 1, 0, 1, 1, 1], live2: [0] });
  clock.now += 60_000;
  const t0 = clock.now - START;
  const c: Container = { name: "app", livenessProbe: exec("live", { periodSeconds: 1 }) };
  manager.addContainer(pod, c, "c1", undefined, clock.now);
  await clock.advance(3_000); // ok, fail, fail, ok: the run is broken
  assert.deepEqual(changes, []);
  await clock.advance(3_000); // fail x3
  assert.deepEqual(changes, [["app", "liveness", "failure", t0 + 6_000]]);
  assert.equal(failures.length, 5);
  assert.deepEqual(failures[0], ["liveness", "live exited 1", false]);
  await clock.advance(10_000);
  assert.equal(cri.at("live").length, 7); // no more attempts on this container

  manager.addContainer(pod, c, "c1", undefined, clock.now); // same container: nothing changes
  await clock.advance(1_000);
  assert.equal(cri.calls.length, 7);
  manager.addContainer(pod, { ...c, livenessProbe: exec("live2", { periodSeconds: 1 }) }, "c2", undefined, clock.now);
  await clock.advance(2_000);
  assert.equal(cri.at("live2").length, 3);
  assert.equal(changes.length, 1); // liveness starts as success: nothing new to report
  manager.removePod("u1");
  await clock.advance(5_000);
  assert.equal(cri.at("live2").length, 3);
  assert.equal(clock.pendingTimers, 0);
  assert.equal(manager.readiness("u1", "app"), false);
});

test("startup probe gates liveness and readiness; its success makes the container started and probes readiness at once", async () => {
  const { clock, cri, changes, manager } = setup({ start: [1, 1, 0], live: [0], ready: [0] });
  clock.now += 60_000;
  const t0 = clock.now - START;
  const c: Container = {
    name: "app",
    startupProbe: exec("start", { periodSeconds: 2, failureThreshold: 10 }),
    livenessProbe: exec("live", { periodSeconds: 3 }),
    readinessProbe: exec("ready", { periodSeconds: 7 }),
  };
  manager.addContainer(pod, c, "c1", undefined, clock.now);
  await clock.advance(3_000);
  assert.equal(manager.started("u1", "app"), false);
  assert.deepEqual(cri.at("live"), []);
  assert.deepEqual(cri.at("ready"), []);
  await clock.advance(1_000); // third startup attempt at 4 s succeeds
  assert.equal(manager.started("u1", "app"), true);
  assert.equal(manager.readiness("u1", "app"), true);
  assert.deepEqual(cri.at("start"), [0, 2_000, 4_000].map((ms) => t0 + ms));
  assert.deepEqual(cri.at("ready"), [t0 + 4_000]);
  assert.deepEqual(changes, [["app", "startup", "success", t0 + 4_000], ["app", "readiness", "success", t0 + 4_000]]);
  await clock.advance(10_000);
  assert.equal(cri.at("start").length, 3); // the startup probe is done
  assert.deepEqual(cri.at("live"), [6_000, 9_000, 12_000].map((ms) => t0 + ms));
  manager.stop();
});

test("startup failure is reported after failureThreshold attempts; liveness never ran", async () => {
  const { clock, cri, changes, manager } = setup({ start: [1], live: [0] });
  clock.now += 60_000;
  const t0 = clock.now - START;
  const c: Container = { name: "app", startupProbe: exec("start", { periodSeconds: 1, failureThreshold: 4 }), livenessProbe: exec("live") };
  manager.addContainer(pod, c, "c1", undefined, clock.now);
  await clock.advance(10_000);
  assert.deepEqual(changes, [["app", "startup", "failure", t0 + 3_000]]);
  assert.equal(cri.at("start").length, 4);
  assert.deepEqual(cri.at("live"), []);
  assert.equal(manager.started("u1", "app"), false);
  manager.stop();
});

test("an attempt that cannot run changes nothing but is told", async () => {
  const { clock, changes, failures, manager } = setup({ ready: ["error", 0] });
  clock.now += 60_000;
  manager.addContainer(pod, { name: "app", readinessProbe: exec("ready", { periodSeconds: 1, failureThreshold: 1 }) }, "c1", undefined, clock.now);
  await clock.advance(0);
  assert.deepEqual(changes, []);
  assert.equal(failures[0][2], true);
  assert.match(failures[0][1], /container not found/);
  await clock.advance(1_000);
  assert.equal(manager.readiness("u1", "app"), true);
  manager.stop();
});

test("probes of containers added as the agent starts are spread over their period", async () => {
  const { clock, cri, manager } = setup({ a: [0], b: [0] }, () => 0.5);
  manager.addContainer(pod, { name: "a", readinessProbe: exec("a", { periodSeconds: 4 }) }, "c1", undefined, clock.now);
  await clock.advance(60_000); // the agent is no longer fresh
  manager.addContainer(pod, { name: "b", readinessProbe: exec("b", { periodSeconds: 4 }) }, "c2", undefined, clock.now);
  await clock.advance(0);
  assert.equal(cri.at("a")[0], 2_000); // half a period late
  assert.equal(cri.at("b")[0], 60_000); // on time
  manager.stop();
});

test("with real timers: an httpGet readiness probe turns the container ready, then not ready", async () => {
  let healthy = true;
  const server = http.createServer((_req, res) => res.writeHead(healthy ? 200 : 503).end());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const seen: string[] = [];
  const manager = new ProbeManager({
    cri: { execSync: () => Promise.reject(new Error("unused")) },
    random: () => 0,
    onChange: (_uid, _name, kind, result) => seen.push(`${kind} ${result}`),
  });
  try {
    const c: Container = { name: "web", ports: [{ name: "http", containerPort: port }], readinessProbe: { httpGet: { port: "http", path: "/" }, periodSeconds: 1, failureThreshold: 1 } };
    manager.addContainer(pod, c, "c1", "127.0.0.1", Date.now());
    while (!manager.readiness("u1", "web")) await new Promise((r) => setTimeout(r, 10));
    healthy = false;
    while (manager.readiness("u1", "web")) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, ["readiness success", "readiness failure"]);
  } finally {
    manager.stop();
    server.close();
  }
});
