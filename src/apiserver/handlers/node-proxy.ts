// pods/log, pods/exec, pods/attach and pods/portforward: proxied to the node agent running the pod, over TLS that
// checks the agent's serving certificate against the cluster CA and presents the API server's kubelet-client
// certificate. Logs are a streamed GET; the others are HTTP/1.1 upgrades (WebSocket or SPDY) relayed byte for byte.
import https from "node:https";
import { STATUS_CODES } from "node:http";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Pod, Node } from "kubernetes-types/core/v1";
import type { KubeObject } from "../../api/scheme.ts";
import { badRequest, internal, notFound, StatusError, unavailable } from "../../api/errors.ts";
import type { ResourceRequest, RequestInfo } from "../request-info.ts";
import type { Request } from "../http/request.ts";
import type { Response } from "../http/respond.ts";

export interface KubeletClientCredentials { certPem: string; keyPem: string; caPem: string }

export interface NodeProxyDeps {
  getObject(group: string, kind: string, ns: string | undefined, name: string): Promise<KubeObject | undefined>;
  kubeletClient?: KubeletClientCredentials;
}

const SUBRESOURCES = new Set(["log", "exec", "attach", "portforward"]);
/** Query parameters of pods/log the agent understands. */
const LOG_PARAMS = ["follow", "previous", "timestamps", "tailLines", "sinceSeconds", "sinceTime", "limitBytes"];
/** Request headers an upgrade carries to the agent. */
const UPGRADE_HEADERS = ["upgrade", "connection", "x-stream-protocol-version", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions", "user-agent"];

interface Target { host: string; port: number; path: string }

export class NodeProxy {
  private readonly deps: NodeProxyDeps;

  constructor(deps: NodeProxyDeps) {
    this.deps = deps;
  }

  /** Whether the request is one of the pod subresources served on the node. */
  handles(info: RequestInfo): info is ResourceRequest {
    return info.kind === "resource" && info.group === "" && info.resource === "pods" && !!info.name && !!info.namespace
      && !!info.subresource && SUBRESOURCES.has(info.subresource);
  }

  /** A non-upgrade request: pods/log streamed from the agent; the streaming subresources need an upgrade. */
  async serve(info: ResourceRequest, req: Request, res: Response, query: URLSearchParams): Promise<void> {
    if (info.subresource !== "log") throw badRequest("Upgrade request required");
    if (req.method !== "GET") throw badRequest(`method ${req.method} is not allowed on pods/log`);
    const target = await this.target(info, query);
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const r = https.request({ ...this.tls(), host: target.host, port: target.port, path: target.path, method: "GET" });
      r.on("response", resolve);
      r.on("error", (err) => reject(unavailable(`error trying to reach the node agent at ${target.host}:${target.port}: ${err.message}`)));
      res.on("close", () => r.destroy());
      r.end();
    });
    const code = upstream.statusCode ?? 502;
    res.writeHead(code, { "content-type": String(upstream.headers["content-type"] ?? "text/plain") });
    res.flushHeaders?.();
    await new Promise<void>((resolve) => {
      upstream.on("data", (c: Buffer) => res.write(c));
      upstream.on("end", resolve);
      upstream.on("error", () => resolve());
      upstream.on("close", resolve);
    });
    res.end();
  }

  /** An upgrade request (exec, attach, portforward over WebSocket or SPDY): relayed to the agent. */
  async upgrade(info: ResourceRequest, message: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): Promise<void> {
    try {
      if (info.subresource === "log") throw badRequest("pods/log is not an upgrade");
      const target = await this.target(info, query);
      const headers: Record<string, string | string[]> = {};
      for (const h of UPGRADE_HEADERS) {
        const v = message.headers[h];
        if (v !== undefined) headers[h] = v;
      }
      const r = https.request({ ...this.tls(), host: target.host, port: target.port, path: target.path, method: message.method ?? "GET", headers });
      r.on("upgrade", (res, upSocket, upHead) => {
        const lines = [`HTTP/1.1 101 ${res.statusMessage ?? "Switching Protocols"}`];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        socket.write(`${lines.join("\r\n")}\r\n\r\n`);
        if (upHead.length) socket.write(upHead);
        if (head.length) upSocket.write(head);
        socket.pipe(upSocket);
        upSocket.pipe(socket);
        socket.on("close", () => upSocket.destroy());
        socket.on("error", () => upSocket.destroy());
        upSocket.on("close", () => socket.destroy());
        upSocket.on("error", () => socket.destroy());
      });
      // The agent refused: its answer (a Status) goes back as it is.
      r.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ""}\r\ncontent-type: ${res.headers["content-type"] ?? "application/json"}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`), body]));
        });
      });
      r.on("error", (err) => rejectUpgrade(socket, unavailable(`error trying to reach the node agent at ${target.host}:${target.port}: ${err.message}`)));
      r.end();
    } catch (err) {
      rejectUpgrade(socket, err);
    }
  }

  private tls(): https.RequestOptions {
    const c = this.deps.kubeletClient;
    if (!c) throw unavailable("the API server has no kubelet client credentials to reach node agents");
    // Agents' serving certificates name their node's addresses, not always the one used here: the chain is
    // checked against the cluster CA, the name is not.
    return { ca: c.caPem, cert: c.certPem, key: c.keyPem, checkServerIdentity: () => undefined, agent: false };
  }

  /** Where on which node the request goes: after checking the pod is bound and the container exists. */
  async target(info: ResourceRequest, query: URLSearchParams): Promise<Target> {
    const ns = info.namespace!;
    const name = info.name!;
    const pod = await this.deps.getObject("", "Pod", ns, name) as Pod | undefined;
    if (!pod) throw notFound({ group: "", resource: "pods" }, name);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    const node = await this.deps.getObject("", "Node", undefined, nodeName) as Node | undefined;
    if (!node) throw notFound({ group: "", resource: "nodes" }, nodeName);
    const addresses = node.status?.addresses ?? [];
    const host = (addresses.find((a) => a.type === "InternalIP") ?? addresses[0])?.address;
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    if (!host || !port) throw unavailable(`node ${nodeName} has no address or kubelet port to reach it at`);

    const out = new URLSearchParams();
    const seg = (s: string) => encodeURIComponent(s);
    let path: string;
    if (info.subresource === "portforward") {
      for (const p of query.getAll("ports")) for (const one of p.split(",")) if (one.trim()) out.append("port", one.trim());
      path = `/portForward/${seg(ns)}/${seg(name)}`;
    } else {
      const container = chooseContainer(pod, query.get("container") ?? "");
      if (info.subresource === "log") {
        for (const p of LOG_PARAMS) {
          const v = query.get(p);
          if (v !== null) out.set(p, v);
        }
        path = `/containerLogs/${seg(ns)}/${seg(name)}/${seg(container)}`;
      } else {
        if (info.subresource === "exec") for (const c of query.getAll("command")) out.append("command", c);
        const on = (v: string | null) => v === "true" || v === "1";
        if (on(query.get("stdin"))) out.set("input", "1");
        if (on(query.get("stdout"))) out.set("output", "1");
        if (on(query.get("stderr"))) out.set("error", "1");
        if (on(query.get("tty"))) out.set("tty", "1");
        path = `/${info.subresource}/${seg(ns)}/${seg(name)}/${seg(container)}`;
      }
    }
    const qs = out.toString();
    return { host, port, path: qs ? `${path}?${qs}` : path };
  }
}

/** The container a request means: the one named, or the pod's only container. */
export function chooseContainer(pod: Pod, requested: string): string {
  const name = pod.metadata?.name ?? "";
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const others = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (!requested) {
    if (containers.length === 1) return containers[0]!;
    const init = pod.spec?.initContainers?.length ? ` or one of the init containers: [${pod.spec.initContainers.map((c) => c.name).join(" ")}]` : "";
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(" ")}]${init}`);
  }
  if (!containers.includes(requested) && !others.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** Answers a failed upgrade with a Status over the raw connection. */
export function rejectUpgrade(socket: Duplex, err: unknown): void {
  const s = err instanceof StatusError ? err : internal((err as Error)?.message ?? String(err));
  const body = JSON.stringify(s.status);
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${s.code} ${STATUS_CODES[s.code] ?? ""}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
