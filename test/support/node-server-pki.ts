// Certificates for testing the node agent's HTTPS server: its serving certificate, the API server's kubelet client
// certificate (allowed) and another client's (refused), all under one throwaway cluster CA.
import { join } from "node:path";
import { ensureClusterPki } from "../../src/util/pki/cluster.ts";

export interface TlsCredentials { cert: string; key: string; ca: string }

export async function nodeServerPki(dir: string): Promise<{ serving: TlsCredentials; client: TlsCredentials; stranger: TlsCredentials }> {
  const pki = await ensureClusterPki(join(dir, "pki"), { hostnames: ["localhost"], ips: ["127.0.0.1"] });
  const [s] = await pki.issue([{ client: { commonName: "someone", organizations: ["system:authenticated"], days: 1 } }]);
  return {
    serving: { cert: pki.servingCert, key: pki.servingKey, ca: pki.caCert },
    client: { cert: pki.kubeletClientCert, key: pki.kubeletClientKey, ca: pki.caCert },
    stranger: { cert: s!.certPem, key: s!.keyPem, ca: pki.caCert },
  };
}
