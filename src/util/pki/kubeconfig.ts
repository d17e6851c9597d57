// A self-contained kubeconfig (certificates embedded as base64) for kubectl and client libraries.
import { stringify } from "yaml";
import { writeFileAtomic } from "./files.ts";

export interface KubeconfigOptions {
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  /** Names the cluster, user and context. Default "berth". */
  name?: string;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function renderKubeconfig(opts: KubeconfigOptions): string {
  const name = opts.name ?? "berth";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: opts.server, "certificate-authority-data": b64(opts.caPem) } }],
    users: [{ name, user: { "client-certificate-data": b64(opts.certPem), "client-key-data": b64(opts.keyPem) } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    preferences: {},
  });
}

/** Writes the kubeconfig with mode 0600: it holds a private key. */
export async function writeKubeconfig(path: string, opts: KubeconfigOptions): Promise<void> {
  await writeFileAtomic(path, renderKubeconfig(opts), 0o600);
}
