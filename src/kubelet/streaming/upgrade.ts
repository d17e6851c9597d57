// Opens an upgraded (HTTP/1.1 101) connection to a streaming URL, as a client: the runtime's streaming server
// for exec, attach and port-forward speaks SPDY/3.1 after the upgrade.
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import type { IncomingHttpHeaders } from "node:http";

export interface Upgraded {
  socket: Duplex;
  /** Bytes that arrived with the 101 response, already past the handshake. */
  head: Buffer;
  headers: IncomingHttpHeaders;
  statusMessage: string;
}

export class UpgradeRefused extends Error {
  readonly statusCode: number;
  readonly body: string;
  constructor(statusCode: number, body: string) {
    super(`upgrade refused with HTTP ${statusCode}: ${body.trim().slice(0, 500)}`);
    this.statusCode = statusCode;
    this.body = body;
  }
}

/**
 * Sends `method url` with `Connection: Upgrade` and the given headers (e.g. Upgrade: SPDY/3.1 and
 * X-Stream-Protocol-Version), resolving with the upgraded socket or rejecting with UpgradeRefused.
 */
export function upgradeConnection(url: string, headers: Record<string, string | string[]>, opts: { method?: string; signal?: AbortSignal; tls?: https.RequestOptions } = {}): Promise<Upgraded> {
  const target = new URL(url);
  const mod = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(target, {
      method: opts.method ?? "POST",
      headers: { connection: "Upgrade", ...headers },
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(target.protocol === "https:" ? opts.tls : {}),
    });
    req.on("upgrade", (res, socket, head) => resolve({ socket, head, headers: res.headers, statusMessage: res.statusMessage ?? "Switching Protocols" }));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => reject(new UpgradeRefused(res.statusCode ?? 0, Buffer.concat(chunks).toString())));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Opens a SPDY/3.1 connection to a runtime streaming URL, offering the given subprotocols. */
export function upgradeToSpdy(url: string, protocols: string[], signal?: AbortSignal): Promise<Upgraded> {
  return upgradeConnection(url, { upgrade: "SPDY/3.1", "x-stream-protocol-version": protocols }, signal ? { signal } : {});
}
