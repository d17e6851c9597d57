// Step two of joining: node credentials, asked for over TLS verified against the signed CA, with the join token.
import { HttpsTransport } from "../../client/https-transport.ts";
import { readAll } from "../../client/transport.ts";
import { NODE_CREDENTIALS_PATH } from "../../util/pki/node-join.ts";
import type { NodeCredentials, NodeCredentialsRequest } from "../../util/pki/node-join.ts";
import { JoinError } from "./join-error.ts";

const REQUEST_TIMEOUT_MS = 30_000;

export async function requestNodeCredentials(server: string, caPem: string, token: string, req: NodeCredentialsRequest): Promise<NodeCredentials> {
  const transport = new HttpsTransport({ server, caPem, token });
  try {
    const res = await transport.request({
      method: "POST", path: NODE_CREDENTIALS_PATH, body: JSON.stringify(req), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await readAll(res.body);
    if (res.status === 401 || res.status === 403) throw new JoinError(`the server refused the join token (HTTP ${res.status}: ${statusMessage(body)})`);
    if (res.status !== 200) throw new JoinError(`the server did not issue node credentials (HTTP ${res.status}: ${statusMessage(body)})`);
    return JSON.parse(body) as NodeCredentials;
  } finally {
    transport.close();
  }
}

function statusMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body.slice(0, 200);
  }
}
