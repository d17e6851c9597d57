// How the client reaches an API server: over HTTPS (HTTP/2) from anywhere, or in process inside `berth server`.
// Both carry the same requests and answers, so components behave the same either way.
import type { Readable } from "node:stream";

export interface TransportRequest {
  method: string;
  /** Path and query, e.g. /api/v1/namespaces/default/pods?watch=1 */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it streams in (watches stay open until the server or the signal ends them). */
  body: Readable;
}

export interface Transport {
  request(req: TransportRequest): Promise<TransportResponse>;
  close(): void;
}

/**
 * Reads a whole body. Events rather than async iteration: Node 24.20+ can report "Premature close" when an HTTP/2
 * response is iterated even though all of it arrived (nodejs/node#65677).
 */
export function readAll(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on("data", (c: Buffer | string) => chunks.push(typeof c === "string" ? Buffer.from(c) : c));
    body.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    body.once("error", reject);
    body.once("close", () => reject(new Error("connection closed before the response body ended")));
  });
}
