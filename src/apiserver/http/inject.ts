// In-process requests: components inside `berth server` reach the API without TLS or sockets, through the very
// same handlers, so behaviour is identical to HTTPS. The answer streams like an HTTP body (watches included).
import { PassThrough, Readable } from "node:stream";
import type { IncomingHttpHeaders } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Request } from "./request.ts";
import type { Response } from "./respond.ts";

export interface InjectedRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface InjectedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export function fromInjected(r: InjectedRequest): { req: Request; res: Response; response: Promise<InjectedResponse> } {
  const body = new PassThrough();
  let resolveResponse!: (v: InjectedResponse) => void;
  const response = new Promise<InjectedResponse>((resolve) => { resolveResponse = resolve; });
  let sent = false;
  const closeHandlers: (() => void)[] = [];
  const close = () => { for (const fn of closeHandlers.splice(0)) fn(); };
  // The reader going away (abort, or destroying the body) is the client closing the connection.
  body.on("close", close);
  r.signal?.addEventListener("abort", () => body.destroy(), { once: true });
  const headers: IncomingHttpHeaders = { host: "in-process", ...lowerCase(r.headers ?? {}) };
  const req: Request = {
    method: r.method,
    url: r.path,
    headers,
    socket: undefined as unknown as TLSSocket, // in-process callers are authenticated by the caller's identity
    body: Readable.from(r.body === undefined ? [] : [Buffer.from(r.body)]),
  };
  const res: Response = {
    writeHead(code, hdrs = {}) {
      if (sent) return;
      sent = true;
      resolveResponse({ status: code, headers: lowerCase(hdrs), body });
    },
    write(chunk) {
      if (!sent) res.writeHead(200);
      return body.destroyed ? false : body.write(chunk);
    },
    end(chunk) {
      if (!sent) res.writeHead(200);
      if (body.destroyed) return;
      if (chunk !== undefined) body.end(chunk);
      else body.end();
    },
    get headersSent() { return sent; },
    get writableLength() { return body.writableLength; },
    on(event, fn) { if (event === "close") closeHandlers.push(fn); return res; },
  };
  return { req, res, response };
}

function lowerCase<V>(h: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}
