// Writing responses: JSON (or YAML when asked), Status errors, and the headers kubectl expects.
import { internal, StatusError } from "../../api/errors.ts";

/** What handlers use of an HTTP/1.1 or HTTP/2 (compatibility API) response. */
export interface Response {
  writeHead(code: number, headers?: Record<string, string | string[]>): unknown;
  write(chunk: string | Buffer): boolean;
  end(chunk?: string | Buffer): unknown;
  readonly headersSent: boolean;
  readonly writableLength: number;
  on(event: "close", fn: () => void): unknown;
  flushHeaders?(): void;
}

export interface Output {
  /** "json" unless the client asked for YAML. */
  format: "json" | "yaml";
  warnings: string[];
}

function warningHeaders(warnings: string[]): Record<string, string[]> {
  // RFC 7234 warning header as upstream sends it: 299 - "text"
  return warnings.length ? { warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
}

export function sendJson(res: Response, code: number, body: unknown, out: Output = { format: "json", warnings: [] }, contentType?: string): void {
  if (out.format === "yaml") {
    // YAML output is rare (clients ask for JSON): the library loads on first use.
    void import("yaml").then(({ stringify }) => {
      res.writeHead(code, { "content-type": "application/yaml", ...warningHeaders(out.warnings) });
      res.end(stringify(typeof body === "string" ? JSON.parse(body) : body));
    });
    return;
  }
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(code, { "content-type": contentType ?? "application/json", ...warningHeaders(out.warnings) });
  res.end(text);
}

export function sendError(res: Response, err: unknown): void {
  const status = err instanceof StatusError ? err : internal((err as Error)?.message ?? String(err));
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status.code, status.status);
}

export function sendText(res: Response, code: number, text: string, contentType = "text/plain; charset=utf-8"): void {
  res.writeHead(code, { "content-type": contentType });
  res.end(text);
}
