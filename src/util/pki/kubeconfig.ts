// A self-contained kubeconfig (certificates embedded as base64) for kubectl and client libraries.
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

/**
 * The kubeconfig's fixed shape, written without a YAML library so the server does not load one at every start.
 * Every value is a plain scalar (names, a URL, base64); JSON quoting keeps any unusual name valid YAML.
 */
export function renderKubeconfig(opts: KubeconfigOptions): string {
  const name = JSON.stringify(opts.name ?? "berth");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `  - name: ${name}`,
    "    cluster:",
    `      server: ${JSON.stringify(opts.server)}`,
    `      certificate-authority-data: ${b64(opts.caPem)}`,
    "users:",
    `  - name: ${name}`,
    "    user:",
    `      client-certificate-data: ${b64(opts.certPem)}`,
    `      client-key-data: ${b64(opts.keyPem)}`,
    "contexts:",
    `  - name: ${name}`,
    "    context:",
    `      cluster: ${name}`,
    `      user: ${name}`,
    `current-context: ${name}`,
    "preferences: {}",
    "",
  ].join("\n");
}

/** Writes the kubeconfig with mode 0600: it holds a private key. */
export async function writeKubeconfig(path: string, opts: KubeconfigOptions): Promise<void> {
  await writeFileAtomic(path, renderKubeconfig(opts), 0o600);
}
