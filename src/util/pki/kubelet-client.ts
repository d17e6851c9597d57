// The client certificate the API server presents to node agents (logs, exec, port-forward), kept beside the
// cluster PKI and reused while it is good, so an ordinary restart issues nothing.
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import type { ClusterPki } from "./cluster.ts";
import { leafIsCurrent } from "./cluster.ts";
import { readIfExists, writeFileAtomic } from "./files.ts";

export const KUBELET_CLIENT_CN = "kube-apiserver-kubelet-client";
const DAYS = 365;

export interface KubeletClientCredentials { certPem: string; keyPem: string; caPem: string }

export async function ensureKubeletClientCert(pki: Pick<ClusterPki, "caCert" | "issueClientCert">, dir: string): Promise<KubeletClientCredentials> {
  const certPath = join(dir, "kubelet-client.crt");
  const keyPath = join(dir, "kubelet-client.key");
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem && keyPem) {
    try {
      if (leafIsCurrent(new X509Certificate(certPem), new X509Certificate(pki.caCert), keyPem, new Date(), {})) return { certPem, keyPem, caPem: pki.caCert };
    } catch {
      // Unreadable: issue a new one below.
    }
  }
  const issued = await pki.issueClientCert({ commonName: KUBELET_CLIENT_CN, organizations: ["system:masters"], days: DAYS });
  await writeFileAtomic(keyPath, issued.keyPem, 0o600);
  await writeFileAtomic(certPath, issued.certPem, 0o644);
  return { ...issued, caPem: pki.caCert };
}
