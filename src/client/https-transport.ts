// HTTPS transport over one multiplexed HTTP/2 connection, reconnected on demand. One connection carries every
// request and watch of a process (a simulator with thousands of nodes included) within the server's stream limit.
import http2 from "node:http2";
import type { Transport, TransportRequest, TransportResponse } from "./transport.ts";

export interface HttpsTransportOptions {
  /** https://host:port */
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  /** Skip server certificate verification (kubeconfig insecure-skip-tls-verify). */
  insecure?: boolean;
}

export class HttpsTransport implements Transport {
  private readonly opts: HttpsTransportOptions;
  private session: http2.ClientHttp2Session | undefined;
  private closed = false;

  constructor(opts: HttpsTransportOptions) {
    this.opts = opts;
  }

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const s = http2.connect(this.opts.server, {
      ca: this.opts.caPem,
      cert: this.opts.certPem,
      key: this.opts.keyPem,
      rejectUnauthorized: !this.opts.insecure,
      // Large flow-control windows, as client-go uses, so big lists and busy watches are not throttled.
      settings: { enablePush: false, initialWindowSize: 4 << 20 },
    });
    // Errors reach the pending streams; the session itself is replaced on next use.
    s.on("error", () => undefined);
    s.once("connect", () => s.setLocalWindowSize(64 << 20));
    s.on("close", () => { if (this.session === s) this.session = undefined; });
    s.on("goaway", () => { if (this.session === s) this.session = undefined; });
    this.session = s;
    return s;
  }

  request(req: TransportRequest): Promise<TransportResponse> {
    if (this.closed) return Promise.reject(new Error("transport closed"));
    return new Promise((resolve, reject) => {
      const headers: http2.OutgoingHttpHeaders = { ":method": req.method, ":path": req.path, accept: "application/json", ...req.headers };
      if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
      if (req.body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.connect().request(headers, { endStream: req.body === undefined, signal: req.signal });
      } catch (err) {
        reject(err);
        return;
      }
      const closedEarly = () => reject(new Error("connection closed before the response"));
      stream.once("error", reject);
      stream.once("close", closedEarly);
      stream.once("response", (h) => {
        stream.off("error", reject);
        stream.off("close", closedEarly);
        // Later errors (reset, abort) end the body for its reader.
        stream.on("error", () => undefined);
        resolve({ status: Number(h[":status"]), headers: h as TransportResponse["headers"], body: stream });
      });
      if (req.body !== undefined) stream.end(req.body);
    });
  }

  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }
}
