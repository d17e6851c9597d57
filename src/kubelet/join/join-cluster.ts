// Joining a cluster from another machine with only the server's address and the join token: fetch and check the CA,
// get node credentials (or reuse stored ones still good under that CA), and write the node's kubeconfig.
import { join } from "node:path";
import { writeKubeconfig } from "../../util/pki/kubeconfig.ts";
import type { NodeCredentials, NodeCredentialsRequest } from "../../util/pki/node-join.ts";
import { logger } from "../../util/log.ts";
import { fetchSignedCa } from "./fetch-ca.ts";
import { JoinError } from "./join-error.ts";
import { requestNodeCredentials } from "./request-credentials.ts";
import { credentialsReusable, loadCredentials, storeCredentials } from "./stored-credentials.ts";

export interface JoinOptions {
  /** https://host:port of a berth server. */
  server: string;
  token: string;
  nodeName: string;
  /** IPs the agent's own HTTPS endpoint is reached at (its serving certificate's IP SANs). */
  addresses: string[];
  /** DNS names of the agent's endpoint (its serving certificate's DNS SANs). */
  hostnames: string[];
  /** Where credentials and the kubeconfig are kept. */
  dir: string;
}

export interface JoinedNode {
  /** A kubeconfig for the node's identity (system:node:<name>) on `server`. */
  kubeconfigPath: string;
  caPem: string;
  servingCert: string;
  servingKey: string;
}

export const NODE_KUBECONFIG = "kubelet.kubeconfig";

const log = logger("node-join");

/** Throws JoinError when the server refuses the token or its CA is not signed with it. */
export async function joinCluster(opts: JoinOptions): Promise<JoinedNode> {
  const req: NodeCredentialsRequest = { nodeName: opts.nodeName, addresses: opts.addresses, hostnames: opts.hostnames };
  const stored = await loadCredentials(opts.dir);
  let creds: NodeCredentials;
  let caPem: string;
  try {
    caPem = await fetchSignedCa(opts.server, opts.token);
  } catch (err) {
    // A server that is down must not keep a node with good credentials from starting: it reconnects later.
    if (err instanceof JoinError || !stored || !credentialsReusable(stored, stored.caCert, req)) throw err;
    log.warn({ server: opts.server, err: (err as Error).message }, "server unreachable; starting with the stored node credentials");
    caPem = stored.caCert;
  }
  if (stored && credentialsReusable(stored, caPem, req)) {
    creds = stored;
  } else {
    creds = await requestNodeCredentials(opts.server, caPem, opts.token, req);
    if (creds.caCert.trim() !== caPem.trim()) throw new JoinError("the server issued node credentials under a CA other than the one it signed");
    await storeCredentials(opts.dir, creds);
    log.info({ node: opts.nodeName, server: opts.server }, "joined the cluster: node credentials issued");
  }
  const kubeconfigPath = join(opts.dir, NODE_KUBECONFIG);
  await writeKubeconfig(kubeconfigPath, { server: opts.server, caPem, certPem: creds.clientCert, keyPem: creds.clientKey, name: "berth-node" });
  return { kubeconfigPath, caPem, servingCert: creds.servingCert, servingKey: creds.servingKey };
}
