import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Container } from "kubernetes-types/core/v1";
import type { ExecSyncResult } from "../cri/types.ts";
import { runHook } from "./run-hook.ts";

const container: Container = { name: "app", env: [{ name: "MSG", value: "bye" }], ports: [{ name: "admin", containerPort: 1 }] };
const noExec = { execSync: () => Promise.reject(new Error("no exec here")) };

describe("exec hooks", () => {
  const runtime = (answer: () => Promise<ExecSyncResult>) => {
    const calls: { cmd: string[]; timeoutSeconds: number }[] = [];
    return { calls, execSync: (_id: string, cmd: string[], timeoutSeconds: number) => { calls.push({ cmd, timeoutSeconds }); return answer(); } };
  };

  test("exit 0 completes the hook; the command has no deadline and its $(VAR)s are expanded", async () => {
    const cri = runtime(() => Promise.resolve({ exitCode: 0, stdout: Buffer.from("done"), stderr: Buffer.alloc(0) }));
    assert.deepEqual(await runHook({ exec: { command: ["echo", "$(MSG)"] } }, { containerId: "c1", cri, container }), { ok: true, message: "done" });
    assert.deepEqual(cri.calls, [{ cmd: ["echo", "bye"], timeoutSeconds: 0 }]);
  });

  test("a non-zero exit or a runtime error fails the hook", async () => {
    const failing = runtime(() => Promise.resolve({ exitCode: 2, stdout: Buffer.alloc(0), stderr: Buffer.from("boom") }));
    const r = await runHook({ exec: { command: ["false"] } }, { containerId: "c1", cri: failing, container });
    assert.equal(r.ok, false);
    assert.match(r.message, /exited with 2: boom/);
    const r2 = await runHook({ exec: { command: ["true"] } }, { containerId: "c1", cri: noExec, container });
    assert.deepEqual(r2, { ok: false, message: "no exec here" });
  });

  test("an abort (the grace period ran out) fails a hook still running", async () => {
    const hanging = runtime(() => new Promise(() => {}));
    const ac = new AbortController();
    const pending = runHook({ exec: { command: ["sleep", "100"] } }, { containerId: "c1", cri: hanging, container }, ac.signal);
    setTimeout(() => ac.abort(), 20);
    const r = await pending;
    assert.equal(r.ok, false);
    assert.match(r.message, /stopped before its hook finished/);
  });
});

describe("httpGet hooks", () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  let port = 0;
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    paths.push(req.url!);
    if (req.url === "/hang") return;
    res.writeHead(req.url === "/err" ? 500 : 200).end();
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  test("any answer completes the hook, even a 500; the request says kube-lifecycle and uses the pod IP and named port", async () => {
    const target = { podIP: "127.0.0.1", containerId: "c1", cri: noExec, container: { ...container, ports: [{ name: "admin", containerPort: port }] } };
    assert.deepEqual(await runHook({ httpGet: { port: "admin", path: "/err" } }, target), { ok: true, message: "" });
    assert.equal(paths.at(-1), "/err");
    assert.equal(seen.at(-1)!["user-agent"], "kube-lifecycle/1.32");
  });

  test("no server fails the hook; an abort ends a hanging request", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await runHook({ httpGet: { port: closedPort } }, { podIP: "127.0.0.1", containerId: "c1", cri: noExec, container });
    assert.equal(r.ok, false);
    assert.match(r.message, /ECONNREFUSED/);

    const started = Date.now();
    const hang = await runHook({ httpGet: { port, path: "/hang" } }, { podIP: "127.0.0.1", containerId: "c1", cri: noExec, container }, AbortSignal.timeout(50));
    assert.deepEqual(hang, { ok: false, message: "the container was stopped before its hook finished" });
    assert.ok(Date.now() - started < 1000);
  });

  test("an HTTPS hook against a plain HTTP server is retried over HTTP", async () => {
    const before = paths.length;
    const r = await runHook({ httpGet: { port, path: "/plain", scheme: "HTTPS" } }, { podIP: "127.0.0.1", containerId: "c1", cri: noExec, container });
    assert.deepEqual(r, { ok: true, message: "" });
    assert.deepEqual(paths.slice(before), ["/plain"]);
  });

  test("redirects to another host are followed", async () => {
    const other = http.createServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/landed` }).end());
    await new Promise<void>((r) => other.listen(0, "localhost", r));
    try {
      const r = await runHook({ httpGet: { host: "localhost", port: (other.address() as AddressInfo).port } }, { containerId: "c1", cri: noExec, container });
      assert.equal(r.ok, true);
      assert.equal(paths.at(-1), "/landed");
    } finally {
      other.close();
    }
  });
});

describe("sleep hooks", () => {
  test("sleep waits its seconds; an abort cuts it short", async () => {
    const target = { containerId: "c1", cri: noExec, container };
    assert.deepEqual(await runHook({ sleep: { seconds: 0 } }, target), { ok: true, message: "" });
    let started = Date.now();
    assert.deepEqual(await runHook({ sleep: { seconds: 1 } }, target), { ok: true, message: "" });
    assert.ok(Date.now() - started >= 990);
    started = Date.now();
    const r = await runHook({ sleep: { seconds: 30 } }, target, AbortSignal.timeout(30));
    assert.equal(r.ok, false);
    assert.ok(Date.now() - started < 1000);
  });

  test("a tcpSocket or empty handler cannot run as a hook", async () => {
    const r = await runHook({ tcpSocket: { port: 80 } }, { containerId: "c1", cri: noExec, container });
    assert.equal(r.ok, false);
  });
});
