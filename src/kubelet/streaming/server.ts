// The node agent's HTTPS server for what the API server proxies to a node: /containerLogs, /exec, /attach and
// /portForward, paths as the upstream kubelet serves them. Exec, attach and port-forward arrive as upgrades:
// WebSocket (kubectl's first choice) is bridged to the runtime's SPDY streaming server; a plain SPDY upgrade
// (kubectl's fallback) is passed through to the runtime byte for byte.
import https from "node:https";
import { STATUS_CODES } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { badRequest, notFound, internal, StatusError } from "../../api/errors.ts";
import { logger } from "../../util/log.ts";
import type { CriRuntime } from "../cri/types.ts";
import { checkClient } from "./auth.ts";
import { parseLogOptions, writeLogs } from "./logs.ts";
import { openRemoteCommand } from "./remotecommand.ts";
import { bridgeRemoteCommand, WS_REMOTECOMMAND_PROTOCOLS } from "./exec-bridge.ts";
import { PORT_FORWARD_PROTOCOL, WS_PORT_FORWARD_TUNNEL, tunnelPortForward } from "./port-forward.ts";
import { upgradeConnection, UpgradeRefused } from "./upgrade.ts";
import type { StatsEndpoints } from "../stats/endpoints.ts";

/** Finds pods' runtime objects; the pod manager provides it. */
export interface PodLocator {
  sandboxId(ns: string, pod: string): string | undefined;
  containerId(ns: string, pod: string, container: string): string | undefined;
  logPath(ns: string, pod: string, container: string, previous: boolean): string | undefined;
}

export interface NodeServerOptions {
  bindAddress: string;
  /** 0 picks a free port. */
  port: number;
  tls: { cert: string; key: string; ca: string };
  cri: CriRuntime;
  pods: PodLocator;
  /** /stats/summary, /metrics/resource and /metrics; unset: not served. */
  stats?: StatsEndpoints;
  signal?: AbortSignal;
}

export interface NodeServer {
  port: number;
  close(): Promise<void>;
}

const log = logger("kubelet-streaming");

type Route =
  | { kind: "logs"; ns: string; pod: string; container: string }
  | { kind: "exec" | "attach"; ns: string; pod: string; container: string }
  | { kind: "portForward"; ns: string; pod: string };

function route(path: string): Route | undefined {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [head, ns, pod, container, ...extra] = parts;
  if (extra.length || !ns || !pod) return undefined;
  if (head === "containerLogs" && container) return { kind: "logs", ns, pod, container };
  if ((head === "exec" || head === "attach") && container) return { kind: head, ns, pod, container };
  if (head === "portForward" && !container) return { kind: "portForward", ns, pod };
  return undefined;
}

export async function startNodeServer(opts: NodeServerOptions): Promise<NodeServer> {
  const sockets = new Set<Duplex>();
  const server = https.createServer({ cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false });
  const closing = new AbortController();
  const handler = new Handler(opts, closing.signal);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => void handler.request(req, res));
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    void handler.upgrade(req, socket, head);
  });
  server.on("secureConnection", (s: TLSSocket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // Follows and sessions are long-lived.
  server.setTimeout(0);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ address: `${opts.bindAddress}:${port}` }, "node streaming server listening");
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      closing.abort();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return closed;
  };
  opts.signal?.addEventListener("abort", () => void close(), { once: true });
  return { port, close };
}

class Handler {
  private readonly opts: NodeServerOptions;
  private readonly closing: AbortSignal;
  /** One WebSocket server per subprotocol, each answering with its own. */
  private readonly websockets = new Map<string, WebSocketServer>();

  constructor(opts: NodeServerOptions, closing: AbortSignal) {
    this.opts = opts;
    this.closing = closing;
  }

  async request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const denied = checkClient(req.socket as TLSSocket);
      if (denied) throw denied;
      const url = new URL(req.url ?? "/", "https://node");
      const stats = req.method === "GET" ? this.opts.stats?.get(url.pathname, url.searchParams) : undefined;
      if (stats) {
        const { contentType, body } = await stats;
        res.writeHead(200, { "content-type": contentType });
        res.end(body);
        return;
      }
      const r = route(url.pathname);
      if (!r) throw notFound({ group: "", resource: "" }, url.pathname);
      if (r.kind !== "logs") throw badRequest("Upgrade request required");
      if (req.method !== "GET" && req.method !== "HEAD") throw badRequest(`method ${req.method} is not allowed on container logs`);
      await this.logs(r, url.searchParams, res);
    } catch (err) {
      sendStatus(res, err);
    }
  }

  private async logs(r: Extract<Route, { kind: "logs" }>, query: URLSearchParams, res: ServerResponse): Promise<void> {
    const opts = parseLogOptions(query);
    const previous = query.get("previous") === "true" || query.get("previous") === "1";
    const { pods, cri } = this.opts;
    if (pods.sandboxId(r.ns, r.pod) === undefined) throw notFound({ group: "", resource: "pods" }, r.pod);
    const path = pods.logPath(r.ns, r.pod, r.container, previous);
    if (!path) {
      throw badRequest(previous
        ? `previous terminated container "${r.container}" in pod "${r.pod}" not found`
        : `container "${r.container}" in pod "${r.pod}" is waiting to start: no log yet`);
    }
    const containerId = previous ? undefined : pods.containerId(r.ns, r.pod, r.container);
    const isRunning = async () => {
      if (!containerId) return false;
      try {
        const state = (await cri.containerStatus(containerId)).state;
        return state === "CONTAINER_RUNNING" || state === "CONTAINER_CREATED";
      } catch {
        return false;
      }
    };
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    this.closing.addEventListener("abort", () => gone.abort(), { once: true });
    try {
      res.writeHead(200, { "content-type": "text/plain", "transfer-encoding": "chunked" });
      res.flushHeaders();
      await writeLogs(path, opts, res, { isRunning, signal: gone.signal });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT" && !res.headersSent) throw badRequest(`container "${r.container}" in pod "${r.pod}" has no log file`);
      log.warn({ err: (err as Error).message, pod: `${r.ns}/${r.pod}` }, "log stream failed");
    }
    res.end();
  }

  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const denied = checkClient(req.socket as TLSSocket);
      if (denied) throw denied;
      const url = new URL(req.url ?? "/", "https://node");
      const r = route(url.pathname);
      if (!r || r.kind === "logs") throw notFound({ group: "", resource: "" }, url.pathname);
      const q = url.searchParams;
      const upgradeTo = String(req.headers.upgrade ?? "").toLowerCase();
      const offered = String(req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim()).filter(Boolean);
      const runtimeUrl = await this.runtimeUrl(r, q);
      if (upgradeTo === "websocket") {
        if (r.kind === "portForward") {
          if (!offered.includes(WS_PORT_FORWARD_TUNNEL)) throw badRequest(`port-forward over WebSocket needs subprotocol ${WS_PORT_FORWARD_TUNNEL}`);
          const upstream = await upgradeConnection(runtimeUrl, { upgrade: "SPDY/3.1", "x-stream-protocol-version": PORT_FORWARD_PROTOCOL });
          this.acceptWebSocket(req, socket, head, WS_PORT_FORWARD_TUNNEL, (ws) => tunnelPortForward(ws, upstream));
          return;
        }
        const protocol = WS_REMOTECOMMAND_PROTOCOLS.find((p) => offered.includes(p));
        if (!protocol) throw badRequest(`none of the offered WebSocket subprotocols is supported (${WS_REMOTECOMMAND_PROTOCOLS.join(", ")})`);
        const tty = flag(q, "tty");
        const rc = await openRemoteCommand(runtimeUrl, { stdin: flag(q, "input", "stdin"), stdout: flag(q, "output", "stdout"), stderr: flag(q, "error", "stderr"), tty });
        this.acceptWebSocket(req, socket, head, protocol, (ws) => bridgeRemoteCommand(ws, protocol, rc));
        return;
      }
      if (upgradeTo.startsWith("spdy/")) {
        await passThrough(runtimeUrl, req, socket, head);
        return;
      }
      throw badRequest(`unsupported upgrade ${JSON.stringify(req.headers.upgrade ?? "")}`);
    } catch (err) {
      if (!(err instanceof StatusError)) log.warn({ err: (err as Error).message, path: req.url }, "streaming upgrade failed");
      rejectUpgrade(socket, err);
    }
  }

  private acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, then: (ws: import("ws").WebSocket) => void): void {
    let wss = this.websockets.get(protocol);
    if (!wss) {
      // ws refuses subprotocols that are not RFC 7230 tokens, and kubectl's port-forward tunnel offers
      // "SPDY/3.1+portforward.k8s.io": the offer is taken off the request and the answer added here.
      wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
      wss.on("headers", (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${protocol}`));
      this.websockets.set(protocol, wss);
    }
    delete req.headers["sec-websocket-protocol"];
    wss.handleUpgrade(req, socket, head, then);
  }

  /** The runtime's streaming URL for the request, after checking the pod and container exist here. */
  private async runtimeUrl(r: Exclude<Route, { kind: "logs" }>, q: URLSearchParams): Promise<string> {
    const { pods, cri } = this.opts;
    const sandboxId = pods.sandboxId(r.ns, r.pod);
    if (sandboxId === undefined) throw notFound({ group: "", resource: "pods" }, r.pod);
    if (r.kind === "portForward") {
      const ports = q.getAll("port").map(Number).filter((p) => Number.isInteger(p) && p > 0);
      return cri.portForward(sandboxId, ports);
    }
    const containerId = pods.containerId(r.ns, r.pod, r.container);
    if (!containerId) throw badRequest(`container ${r.container} is not valid for pod ${r.pod}`);
    const req = { containerId, tty: flag(q, "tty"), stdin: flag(q, "input", "stdin"), stdout: flag(q, "output", "stdout"), stderr: flag(q, "error", "stderr") };
    if (r.kind === "attach") return cri.attach(req);
    const cmd = q.getAll("command");
    if (!cmd.length) throw badRequest("you must specify at least 1 command");
    return cri.exec({ ...req, cmd });
  }
}

/** A query flag by its kubelet name or its pods/exec alias. */
function flag(q: URLSearchParams, ...names: string[]): boolean {
  return names.some((n) => { const v = q.get(n); return v === "1" || v === "true"; });
}

/** Forwards a SPDY upgrade to the runtime as it is, then pipes the two connections. */
async function passThrough(url: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const protocols = req.headers["x-stream-protocol-version"];
  const headers: Record<string, string | string[]> = { upgrade: String(req.headers.upgrade) };
  if (protocols) headers["x-stream-protocol-version"] = String(protocols).split(",").map((p) => p.trim());
  const up = await upgradeConnection(url, headers, { method: req.method ?? "POST" });
  const lines = [`HTTP/1.1 101 ${up.statusMessage}`];
  for (const [k, v] of Object.entries(up.headers)) for (const one of Array.isArray(v) ? v : [v ?? ""]) lines.push(`${k}: ${one}`);
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  if (up.head.length) socket.write(up.head);
  if (head.length) up.socket.write(head);
  socket.pipe(up.socket);
  up.socket.pipe(socket);
  socket.on("close", () => up.socket.destroy());
  up.socket.on("close", () => socket.destroy());
  up.socket.on("error", () => socket.destroy());
}

function toStatus(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof UpgradeRefused) return internal(`the container runtime refused the stream: ${err.message}`);
  return internal((err as Error)?.message ?? String(err));
}

function sendStatus(res: ServerResponse, err: unknown): void {
  const s = toStatus(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(s.code, { "content-type": "application/json" });
  res.end(JSON.stringify(s.status));
}

/** Answers a failed upgrade with a plain HTTP Status response on the raw connection. */
function rejectUpgrade(socket: Duplex, err: unknown): void {
  const s = toStatus(err);
  const body = JSON.stringify(s.status);
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${s.code} ${STATUS_CODES[s.code] ?? ""}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
