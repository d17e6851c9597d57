// The node streaming server against a real containerd: a busybox pod, WebSocket clients framing as kubectl does.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { randomBytes } from "node:crypto";
import { WebSocket, createWebSocketStream } from "ws";
import { startTestContainerd } from "../../../test/support/containerd.ts";
import type { TestContainerd } from "../../../test/support/containerd.ts";
import type { PodSandboxConfig } from "../cri/types.ts";
import { nodeServerPki } from "../../../test/support/node-server-pki.ts";
import { startNodeServer } from "./server.ts";
import type { NodeServer } from "./server.ts";
import { SpdySession } from "./spdy/session.ts";

describe("node streaming server on containerd", { timeout: 120_000 }, () => {
  let ctrd: TestContainerd;
  let server: NodeServer;
  let dir: string;
  let client: { cert: string; key: string; ca: string };
  let stranger: { cert: string; key: string; ca: string };
  const ids = { sandbox: "", container: "" };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-streaming-"));
    const pki = await nodeServerPki(dir);
    ({ client, stranger } = pki);
    ctrd = await startTestContainerd();
    const sc: PodSandboxConfig = { metadata: { name: "web", uid: "uid-web", namespace: "ns", attempt: 0 }, hostname: "web", logDirectory: join(dir, "logs"), linux: {} };
    ids.sandbox = await ctrd.cri.runPodSandbox(sc);
    ids.container = await ctrd.cri.createContainer(ids.sandbox, {
      metadata: { name: "c", attempt: 0 }, image: { image: "busybox" }, logPath: "c.log",
      command: ["sh", "-c", "echo one; echo two; echo three >&2; exec httpd -f -p 8080 -h /etc"],
    }, sc);
    await ctrd.cri.startContainer(ids.container);
    server = await startNodeServer({
      bindAddress: "127.0.0.1", port: 0, tls: pki.serving, cri: ctrd.cri,
      pods: {
        sandboxId: (ns, pod) => (ns === "ns" && pod === "web" ? ids.sandbox : undefined),
        containerId: (ns, pod, c) => (ns === "ns" && pod === "web" && c === "c" ? ids.container : undefined),
        logPath: (ns, pod, c, previous) => (ns === "ns" && pod === "web" && c === "c" && !previous ? join(dir, "logs", "c.log") : undefined),
      },
    });
    await new Promise((r) => setTimeout(r, 300));
  });

  after(async () => {
    await server?.close();
    await ctrd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (path: string, who = client) => new Promise<{ code: number; body: string }>((resolve, reject) => {
    https.get({ host: "127.0.0.1", port: server.port, path, ...who, checkServerIdentity: () => undefined }, (res) => {
      void text(res).then((body) => resolve({ code: res.statusCode!, body }), reject);
    }).on("error", reject);
  });

  /** Runs an exec over WebSocket v5; returns stdout, stderr and the Status from channel 3. */
  const exec = (query: string, stdin?: string) => new Promise<{ stdout: string; stderr: string; status: { status: string; reason?: string; details?: { causes?: { reason: string; message: string }[] } } }>((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/exec/ns/web/c?${query}`, ["v5.channel.k8s.io", "v4.channel.k8s.io"], client);
    const out = { 1: "", 2: "", 3: "" } as Record<number, string>;
    ws.on("open", () => {
      assert.equal(ws.protocol, "v5.channel.k8s.io");
      if (stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.of(0), Buffer.from(stdin)]));
        ws.send(Buffer.of(255, 0));
      }
    });
    ws.on("message", (m: Buffer) => { out[m[0]!] += m.subarray(1).toString(); });
    ws.on("close", () => resolve({ stdout: out[1]!, stderr: out[2]!, status: JSON.parse(out[3]!) }));
    ws.on("error", reject);
  });

  it("exec: stdin to cat ends on the v5 close of channel 0; success on channel 3", async () => {
    const r = await exec("command=cat&input=1&output=1&error=1", "piped through cat\n");
    assert.equal(r.stdout, "piped through cat\n");
    assert.equal(r.status.status, "Success");
  });

  it("exec: a non-zero exit code arrives as NonZeroExitCode with the code, stderr on channel 2", async () => {
    const r = await exec(`command=sh&command=-c&command=${encodeURIComponent("echo out; echo err >&2; exit 7")}&output=1&error=1`);
    assert.equal(r.stdout, "out\n");
    assert.equal(r.stderr, "err\n");
    assert.equal(r.status.reason, "NonZeroExitCode");
    assert.deepEqual(r.status.details?.causes, [{ reason: "ExitCode", message: "7" }]);
  });

  it("logs: whole, tail, timestamps; unknown pod and container are Status errors", async () => {
    assert.equal((await get("/containerLogs/ns/web/c")).body.split("\n").sort().join(","), ",one,three,two");
    const tail = await get("/containerLogs/ns/web/c?tailLines=1&timestamps=true");
    assert.match(tail.body, /^\d{4}-\d\d-\d\dT\S+Z (one|two|three)\n$/);
    const missing = await get("/containerLogs/ns/nope/c");
    assert.equal(missing.code, 404);
    assert.equal(JSON.parse(missing.body).kind, "Status");
    assert.equal((await get("/containerLogs/ns/web/c?previous=true")).code, 400);
  });

  it("clients other than the API server are refused", async () => {
    assert.equal((await get("/containerLogs/ns/web/c", stranger)).code, 403);
  });

  it("port-forward: a SPDY session tunnelled in WebSocket messages reaches httpd in the pod", async () => {
    // ws's client refuses this subprotocol (not an RFC 7230 token) as kubectl's does not: the handshake is made
    // by hand and the upgraded socket handed to a client-mode WebSocket.
    const upgraded = await new Promise<{ socket: import("node:stream").Duplex; head: Buffer; protocol: string }>((resolve, reject) => {
      const req = https.request({
        host: "127.0.0.1", port: server.port, path: "/portForward/ns/web?port=8080", ...client, checkServerIdentity: () => undefined,
        headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": randomBytes(16).toString("base64"), "sec-websocket-protocol": "SPDY/3.1+portforward.k8s.io" },
      });
      req.on("upgrade", (res, socket, head) => resolve({ socket, head, protocol: String(res.headers["sec-websocket-protocol"]) }));
      req.on("response", (res) => reject(new Error(`HTTP ${res.statusCode}`)));
      req.on("error", reject);
      req.end();
    });
    assert.equal(upgraded.protocol, "SPDY/3.1+portforward.k8s.io");
    const ws = new (WebSocket as unknown as new (a: null, p: undefined, o: object) => WebSocket)(null, undefined, { autoPong: true, closeTimeout: 30_000 });
    (ws as unknown as { _isServer: boolean })._isServer = false;
    (ws as unknown as { setSocket(s: unknown, h: Buffer, o: object): void }).setSocket(upgraded.socket, upgraded.head, { maxPayload: 100 * 1024 * 1024, allowSynchronousEvents: true });
    const session = new SpdySession(createWebSocketStream(ws), { client: true });
    session.on("error", () => undefined);
    const error = session.open({ streamType: "error", port: "8080", requestID: "0" });
    const data = session.open({ streamType: "data", port: "8080", requestID: "0" });
    await session.replied(data);
    data.end("GET /passwd HTTP/1.0\r\n\r\n");
    const response = await text(data);
    assert.match(response, /^HTTP\/1\.[01] 200/);
    assert.match(response, /root:x:0:0/);
    error.end();
    session.destroy();
  });
});
