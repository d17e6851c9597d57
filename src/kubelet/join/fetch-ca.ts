// Step one of joining: the cluster CA, fetched before anything can be verified (TLS unchecked), trusted only when the
// server signed it with the join token.
import { HttpsTransport } from "../../client/https-transport.ts";
import { readAll } from "../../client/transport.ts";
import { CA_CERTS_PATH, CA_SIGNATURE_HEADER, caSignatureMatches } from "../../util/pki/node-join.ts";
import { JoinError } from "./join-error.ts";

const REQUEST_TIMEOUT_MS = 30_000;

/** The CA PEM of the server at `server` (https://host:port), after checking its signature with `token`. */
export async function fetchSignedCa(server: string, token: string): Promise<string> {
  const transport = new HttpsTransport({ server, insecure: true });
  try {
    const res = await transport.request({ method: "GET", path: CA_CERTS_PATH, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = await readAll(res.body);
    if (res.status !== 200) throw new JoinError(`the server at ${server} did not hand out its CA (HTTP ${res.status}): is it a berth server?`);
    const signature = res.headers[CA_SIGNATURE_HEADER];
    if (typeof signature !== "string" || !caSignatureMatches(token, body, signature)) {
      throw new JoinError(`the CA signature does not match the token: the token is wrong, or something between here and ${server} is not the berth server`);
    }
    return body;
  } finally {
    transport.close();
  }
}
