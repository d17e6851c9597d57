// A joined node's credentials on disk (keys 0600), and whether they can be used again instead of asking the server.
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { leafIsCurrent } from "../../util/pki/cluster.ts";
import { readIfExists, writeFileAtomic } from "../../util/pki/files.ts";
import { nodeUserName } from "../../util/pki/node-join.ts";
import type { NodeCredentials, NodeCredentialsRequest } from "../../util/pki/node-join.ts";

export const CREDENTIAL_FILES = {
  caCert: "ca.crt",
  clientCert: "client.crt",
  clientKey: "client.key",
  servingCert: "serving.crt",
  servingKey: "serving.key",
} as const satisfies Record<keyof NodeCredentials, string>;

const modeOf = (field: keyof NodeCredentials) => (field.endsWith("Key") ? 0o600 : 0o644);

export async function storeCredentials(dir: string, creds: NodeCredentials): Promise<void> {
  for (const field of Object.keys(CREDENTIAL_FILES) as (keyof NodeCredentials)[]) {
    await writeFileAtomic(join(dir, CREDENTIAL_FILES[field]), creds[field], modeOf(field));
  }
}

/** The stored credentials, or undefined when any file is missing. */
export async function loadCredentials(dir: string): Promise<NodeCredentials | undefined> {
  const out: Partial<NodeCredentials> = {};
  for (const field of Object.keys(CREDENTIAL_FILES) as (keyof NodeCredentials)[]) {
    const pem = await readIfExists(join(dir, CREDENTIAL_FILES[field]));
    if (!pem) return undefined;
    out[field] = pem;
  }
  return out as NodeCredentials;
}

/**
 * Whether stored credentials still serve this node under `caPem`: the same CA, both certificates issued by it with
 * more than 90 days left, the client certificate naming this node, the serving one covering every address and name.
 */
export function credentialsReusable(creds: NodeCredentials, caPem: string, req: NodeCredentialsRequest, now = new Date()): boolean {
  if (creds.caCert.trim() !== caPem.trim()) return false;
  try {
    const ca = new X509Certificate(caPem);
    const client = new X509Certificate(creds.clientCert);
    const serving = new X509Certificate(creds.servingCert);
    const namesNode = client.subject.split("\n").includes(`CN=${nodeUserName(req.nodeName)}`);
    return namesNode && leafIsCurrent(client, ca, creds.clientKey, now, {})
      && leafIsCurrent(serving, ca, creds.servingKey, now, { dnsNames: req.hostnames, ips: req.addresses });
  } catch {
    // Unreadable PEM: ask again.
    return false;
  }
}
