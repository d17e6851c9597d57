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

export async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString("utf8");
}
