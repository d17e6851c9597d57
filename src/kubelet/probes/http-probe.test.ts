import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Container, Probe } from "kubernetes-types/core/v1";
import { createCaCert } from "../../util/pki/certs.ts";
import { generateKeyPem } from "../../util/pki/keys.ts";
import { httpProbe } from "./http-probe.ts";
import { runProbe } from "./run-probe.ts";
import { ProbeError } from "./target.ts";

const noExec = { execSync: () => Promise.reject(new Error("no exec in http tests")) };
const target = (container: Container = { name: "app" }) => ({ podIP: "127.0.0.1", containerId: "c1", cri: noExec, container });

interface Seen { url: string; headers: http.IncomingHttpHeaders }

describe("httpGet probe", () => {
  const seen: Seen[] = [];
  let port = 0;
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url!, headers: req.headers });
    const url = new URL(req.url!, "http://x");
    switch (url.pathname) {
      case "/ok": res.end("all good"); break;
      case "/fail": res.writeHead(500).end("broken"); break;
      case "/hop": res.writeHead(302, { location: "/ok" }).end(); break;
      case "/away": res.writeHead(301, { location: `http://localhost:${port}/ok` }).end("moved"); break;
      case "/loop": res.writeHead(307, { location: "/loop" }).end(); break;
      case "/hang": break; // never answers
      case "/big": res.end("x".repeat(50_000)); break;
      default: res.writeHead(404).end();
    }
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const probe = (httpGet: Probe["httpGet"], extra: Partial<Probe> = {}): Probe => ({ httpGet, ...extra });

  test("a 2xx answer succeeds with the body; the request carries kube-probe's User-Agent and Accept", async () => {
    seen.length = 0;
    const r = await runProbe(probe({ port, path: "/ok?x=1" }), target());
    assert.deepEqual(r, { result: "success", message: "all good" });
    assert.equal(seen[0].url, "/ok?x=1");
    assert.equal(seen[0].headers["user-agent"], "kube-probe/1.32");
    assert.equal(seen[0].headers.accept, "*/*");
    assert.equal(seen[0].headers.connection, "close");
  });

  test("a 5xx answer fails with its status code", async () => {
    assert.deepEqual(await runProbe(probe({ port, path: "/fail" }), target()),
      { result: "failure", message: "HTTP probe failed with statuscode: 500" });
  });

  test("httpHeaders are sent, may replace User-Agent and Host, and repeat", async () => {
    seen.length = 0;
    const r = await runProbe(probe({
      port, path: "ok", httpHeaders: [
        { name: "X-Custom", value: "a" }, { name: "x-custom", value: "b" },
        { name: "User-Agent", value: "mine" }, { name: "Host", value: "example.test" },
      ],
    }), target());
    assert.equal(r.result, "success");
    assert.equal(seen[0].url, "/ok"); // a path without its leading slash gets one
    assert.equal(seen[0].headers["x-custom"], "a, b");
    assert.equal(seen[0].headers["user-agent"], "mine");
    assert.equal(seen[0].headers.host, "example.test");
  });

  test("the port may name a container port; an unknown name cannot be probed", async () => {
    const container: Container = { name: "app", ports: [{ name: "web", containerPort: port }] };
    assert.equal((await runProbe(probe({ port: "web", path: "/ok" }), target(container))).result, "success");
    await assert.rejects(runProbe(probe({ port: "nope", path: "/ok" }), target(container)), ProbeError);
  });

  test("host defaults to the pod IP; the action's host wins", async () => {
    const noPodIP = { ...target(), podIP: undefined };
    await assert.rejects(runProbe(probe({ port, path: "/ok" }), noPodIP), ProbeError);
    assert.equal((await runProbe(probe({ host: "127.0.0.1", port, path: "/ok" }), noPodIP)).result, "success");
  });

  test("redirects on the same host are followed; one to another host stops the probe, which still succeeds", async () => {
    assert.deepEqual(await runProbe(probe({ port, path: "/hop" }), target()), { result: "success", message: "all good" });
    assert.deepEqual(await runProbe(probe({ port, path: "/away" }), target()),
      { result: "success", message: "Probe terminated redirects, Response body: moved" });
    const loop = await runProbe(probe({ port, path: "/loop" }), target());
    assert.equal(loop.result, "failure");
    assert.match(loop.message, /stopped after 10 redirects/);
  });

  test("no answer within the timeout fails (timeoutSeconds is at least 1 s: the handler is called with 200 ms)", async () => {
    const start = Date.now();
    const r = await httpProbe({ port, path: "/hang" }, target(), 200);
    assert.equal(r.result, "failure");
    assert.match(r.message, /timed out after 0.2s/);
    assert.ok(Date.now() - start < 700);
  });

  test("a refused connection fails; only the first 10 KiB of a body is kept", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await runProbe(probe({ port: closedPort }), target());
    assert.equal(r.result, "failure");
    assert.match(r.message, /ECONNREFUSED/);
    assert.equal((await runProbe(probe({ port, path: "/big" }), target())).message.length, 10 * 1024);
  });

  test("HTTPS does not verify the server's certificate", async () => {
    const key = await generateKeyPem();
    const cert = await createCaCert(key, "self-signed", { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3_600_000) });
    const tls = https.createServer({ key, cert }, (_req, res) => res.end("secure"));
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
    try {
      const r = await runProbe(probe({ port: (tls.address() as AddressInfo).port, scheme: "HTTPS" }), target());
      assert.deepEqual(r, { result: "success", message: "secure" });
    } finally {
      tls.close();
    }
  });
});
