// The API server: HTTPS with HTTP/2 and HTTP/1.1, client-certificate and bearer authentication, then
// routing to discovery, OpenAPI, health, metrics, reviews and resource handlers.
import http2 from "node:http2";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { unauthorized, notFound, StatusError } from "../api/errors.ts";
import { logger } from "../util/log.ts";
import type { Authenticator } from "./authn/authenticator.ts";
import type { UserInfo } from "./authn/user.ts";
import { parseRequestInfo } from "./request-info.ts";
import { sendError, sendJson, sendText } from "./http/respond.ts";
import type { Response } from "./http/respond.ts";
import { fromHttp1, fromStream } from "./http/request.ts";
import { fromInjected } from "./http/inject.ts";
import type { InjectedRequest, InjectedResponse } from "./http/inject.ts";
import type { Request } from "./http/request.ts";
import { negotiate } from "./http/negotiate.ts";
import type { Discovery } from "./handlers/discovery.ts";
import { handleResource } from "./handlers/resources.ts";
import type { ResourceContext } from "./handlers/resources.ts";
import { handleReview } from "./handlers/reviews.ts";
import type { Metrics } from "./metrics.ts";
import type { OpenApi } from "./handlers/openapi.ts";
import { versionInfo } from "./version.ts";
import { rejectUpgrade } from "./handlers/node-proxy.ts";
import type { NodeProxy } from "./handlers/node-proxy.ts";
import type { NodeJoinHandler } from "./handlers/node-join.ts";

export interface ApiServerOptions {
  bindAddress: string;
  port: number;
  tls: { cert: string; key: string; ca: string };
  authenticator: Authenticator;
  resources: ResourceContext;
  discovery: Discovery;
  openapi: OpenApi;
  metrics: Metrics;
  /** Readiness checks by name (e.g. the datastore), for /readyz. */
  readyChecks: Record<string, () => boolean>;
  /** Serves /berth/v1/cacerts and /berth/v1/node-credentials for agents joining with the token. */
  nodeJoin?: NodeJoinHandler;
  /** pods/log, exec, attach and portforward, proxied to node agents. */
  nodeProxy: NodeProxy;
}

const PUBLIC_PATHS = new Set(["/version", "/healthz", "/livez", "/readyz"]);
const log = logger("apiserver");

export class ApiServer {
  private readonly server: http2.Http2SecureServer;
  private readonly opts: ApiServerOptions;
  private readonly sockets = new Set<TLSSocket>();
  /** Client-certificate identities, once per TLS connection. */
  private readonly certUsers = new WeakMap<object, UserInfo | null>();

  constructor(opts: ApiServerOptions) {
    this.opts = opts;
    this.server = http2.createSecureServer({
      cert: opts.tls.cert,
      key: opts.tls.key,
      ca: opts.tls.ca,
      allowHTTP1: true,
      requestCert: true,
      rejectUnauthorized: false,
      settings: { maxConcurrentStreams: 1000 },
    });
    const onStream = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      const { req, res } = fromStream(stream, headers);
      void this.handle(req, res);
    };
    // HTTP/1.1 arrives as 'request'. Listening for it makes Node add its compatibility handler for HTTP/2
    // streams too; that handler is removed so HTTP/2 stays on the cheaper stream API.
    this.server.on("request", (message: IncomingMessage, response: ServerResponse) => {
      const { req, res } = fromHttp1(message, response);
      void this.handle(req, res);
    });
    for (const l of this.server.listeners("stream")) this.server.removeListener("stream", l as never);
    // Upgrades (exec, attach, port-forward over WebSocket or SPDY) come on HTTP/1.1 only.
    this.server.on("upgrade", (message: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(message, socket, head));
    this.server.on("stream", onStream);
    // Watches are long-lived: no idle timeout closes a connection under them.
    this.server.setTimeout(0);
    this.server.on("secureConnection", (s: TLSSocket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port, this.opts.bindAddress, () => resolve(this.server.address() as AddressInfo));
    });
  }

  /** Stops listening and ends every connection, watches included, so shutdown does not wait for clients. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    return closed;
  }

  /** Serves a request from inside the process as `user`, through the same handlers as HTTPS. */
  inject(r: InjectedRequest, user: UserInfo): Promise<InjectedResponse> {
    const { req, res, response } = fromInjected(r);
    void this.handle(req, res, user);
    return response;
  }

  private async handle(req: Request, res: Response, injectedUser?: UserInfo): Promise<void> {
    const start = process.hrtime.bigint();
    const url = req.url;
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
    let verb = req.method;
    let resource = "";
    try {
      const user = injectedUser ?? await this.authenticate(req);
      if (this.opts.nodeJoin && await this.opts.nodeJoin(path, req, res, user)) return;
      if (!user && !PUBLIC_PATHS.has(path)) throw unauthorized();
      const info = parseRequestInfo(req.method, path, query);
      if (info.kind === "resource") {
        verb = info.verb;
        resource = info.resource;
        if (info.verb === "create" && await handleReview(info, req, res, user, this.opts.authenticator)) return;
        if (this.opts.nodeProxy.handles(info)) return await this.opts.nodeProxy.serve(info, req, res, query);
        await handleResource(this.opts.resources, info, req, res, query, user);
      } else {
        this.handleNonResource(path, req, res);
      }
    } catch (err) {
      if (!(err instanceof StatusError)) log.error({ err: (err as Error)?.stack ?? String(err), path }, "request failed");
      sendError(res, err);
    } finally {
      if (verb !== "watch") this.opts.metrics.observe(verb, resource, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }

  private async handleUpgrade(message: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => undefined);
    try {
      const req: Request = { method: message.method ?? "GET", url: message.url ?? "/", headers: message.headers, socket: message.socket as TLSSocket, body: message };
      if (!await this.authenticate(req)) throw unauthorized();
      const url = message.url ?? "/";
      const q = url.indexOf("?");
      const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
      const info = parseRequestInfo(message.method ?? "GET", q < 0 ? url : url.slice(0, q), query);
      if (!this.opts.nodeProxy.handles(info)) throw notFoundPath(url);
      await this.opts.nodeProxy.upgrade(info, message, socket, head, query);
    } catch (err) {
      rejectUpgrade(socket, err);
    }
  }

  private async authenticate(req: Request): Promise<UserInfo | undefined> {
    const socket = req.socket;
    let certUser = this.certUsers.get(socket);
    if (certUser === undefined) {
      certUser = null;
      if (socket.authorized) {
        const cert = socket.getPeerX509Certificate();
        if (cert) certUser = (await this.opts.authenticator.authenticate({ peerCertificate: cert })) ?? null;
      }
      this.certUsers.set(socket, certUser);
    }
    const authorization = req.headers.authorization;
    if (authorization) {
      try {
        return await this.opts.authenticator.authenticate({ authorization });
      } catch (err) {
        if (certUser) return certUser;
        throw err;
      }
    }
    return certUser ?? undefined;
  }

  private handleNonResource(path: string, req: Request, res: Response): void {
    const d = this.opts.discovery;
    switch (path) {
      case "/version": return sendJson(res, 200, versionInfo());
      case "/healthz":
      case "/livez": return sendText(res, 200, "ok");
      case "/readyz": return this.readyz(res);
      case "/metrics": return void this.opts.metrics.render().then((text) => sendText(res, 200, text, "text/plain; version=0.0.4"));
      case "/api":
      case "/apis": {
        const r = negotiate(req.headers.accept, { list: false, discovery: true });
        if (r.as === "APIGroupDiscoveryList") {
          const doc = path === "/api" ? d.aggregatedApi : d.aggregatedApis;
          res.writeHead(200, { "content-type": `application/json;g=apidiscovery.k8s.io;v=${r.version};as=APIGroupDiscoveryList`, etag: doc.etag, vary: "Accept" });
          res.end(r.version === "v2" ? doc.body : doc.body.replace(`"apidiscovery.k8s.io/v2"`, `"apidiscovery.k8s.io/v2beta1"`));
          return;
        }
        return sendJson(res, 200, path === "/api" ? d.api.body : d.apis.body);
      }
    }
    if (path.startsWith("/openapi/")) return this.opts.openapi.serve(path, req, res);
    const parts = path.split("/").filter(Boolean);
    if (parts[0] === "api" && parts.length === 2) {
      const doc = d.resourceList("", parts[1]!);
      if (doc) return sendJson(res, 200, doc.body);
    }
    if (parts[0] === "apis" && parts.length === 2) {
      const doc = d.group(parts[1]!);
      if (doc) return sendJson(res, 200, doc.body);
    }
    if (parts[0] === "apis" && parts.length === 3) {
      const doc = d.resourceList(parts[1]!, parts[2]!);
      if (doc) return sendJson(res, 200, doc.body);
    }
    throw notFoundPath(path);
  }

  private readyz(res: Response): void {
    const failing = Object.entries(this.opts.readyChecks).filter(([, ok]) => !ok());
    const lines = Object.keys(this.opts.readyChecks).map((n) => `[${failing.some(([f]) => f === n) ? "-" : "+"}]${n} ${failing.some(([f]) => f === n) ? "failed" : "ok"}`);
    sendText(res, failing.length ? 500 : 200, failing.length ? `${lines.join("\n")}\nreadyz check failed\n` : "ok");
  }
}

function notFoundPath(path: string): StatusError {
  const err = notFound({ group: "", resource: "" }, path);
  err.status.message = "the server could not find the requested resource";
  err.status.details = { causes: [{ reason: "UnexpectedServerResponse", message: "404 page not found" }] };
  return err;
}
