// What the API server hands a joining node: a client certificate naming it as upstream's Node authorizer expects
// (CN system:node:<name>, O system:nodes) and a serving certificate for the addresses its own endpoint listens on.
import type { ClusterPki } from "./cluster.ts";
import { NODES_GROUP, nodeUserName } from "./node-join.ts";
import type { NodeCredentials, NodeCredentialsRequest } from "./node-join.ts";

const NODE_CERT_DAYS = 365;

export function nodeCredentialsIssuer(pki: Pick<ClusterPki, "caCert" | "issue">) {
  return async (req: NodeCredentialsRequest): Promise<NodeCredentials> => {
    const [client, serving] = await pki.issue([
      { client: { commonName: nodeUserName(req.nodeName), organizations: [NODES_GROUP], days: NODE_CERT_DAYS } },
      { serving: {
        commonName: req.nodeName,
        dnsNames: [...new Set(req.hostnames.map((h) => h.toLowerCase()))],
        ips: [...new Set(req.addresses)],
        days: NODE_CERT_DAYS,
      } },
    ]);
    return { caCert: pki.caCert, clientCert: client!.certPem, clientKey: client!.keyPem, servingCert: serving!.certPem, servingKey: serving!.keyPem };
  };
}
