// The node agent `berth server` runs in its own process (unless --disable-agent): it talks to the API server in
// process as system:node:<name> and serves logs/exec/port-forward with a certificate from the cluster CA, kept in
// the data dir and reused while it is good.
import { hostname } from "node:os";
import { join } from "node:path";
import type { ClusterPki } from "../../util/pki/cluster.ts";
import { nodeCredentialsIssuer } from "../../util/pki/node-credentials.ts";
import type { NodeCredentials } from "../../util/pki/node-join.ts";
import { Client } from "../../client/rest-client.ts";
import { InProcessTransport } from "../../client/in-process-transport.ts";
import type { InjectFunction } from "../../client/in-process-transport.ts";
import { startNodeAgent } from "../../kubelet/agent.ts";
import { startServiceProxy } from "../../proxy/service-proxy.ts";
import type { RunningNodeAgent } from "../../kubelet/agent.ts";
import { defaultNodeIp } from "../../kubelet/node/node-ip.ts";
import { credentialsReusable, loadCredentials, storeCredentials } from "../../kubelet/join/stored-credentials.ts";
import { Ipv4Cidr } from "../../util/cidr.ts";
import type { ServerConfig } from "./config.ts";
import { CLUSTER_DOMAIN } from "./config.ts";


export interface LocalAgentOptions<U> {
  cfg: ServerConfig;
  pki: ClusterPki;
  inject: InjectFunction<U>;
  /** The in-process identity of the node. */
  user: (nodeName: string) => U;
  signal: AbortSignal;
}

export const nodeNameOf = (cfg: { nodeName: string | undefined }): string => (cfg.nodeName ?? hostname()).toLowerCase();

async function localCredentials(pki: ClusterPki, dir: string, nodeName: string, nodeIP: string): Promise<NodeCredentials> {
  const req = { nodeName, addresses: [...new Set([nodeIP, "127.0.0.1"])], hostnames: [nodeName] };
  const stored = await loadCredentials(dir);
  if (stored && credentialsReusable(stored, pki.caCert, req)) return stored;
  const creds = await nodeCredentialsIssuer(pki)(req);
  await storeCredentials(dir, creds);
  return creds;
}

export async function startLocalAgent<U>(opts: LocalAgentOptions<U>): Promise<RunningNodeAgent> {
  const { cfg } = opts;
  const nodeName = nodeNameOf(cfg);
  const nodeIP = cfg.nodeIp ?? defaultNodeIp();
  const dir = join(cfg.dataDir, "agent");
  const creds = await localCredentials(opts.pki, join(dir, "tls"), nodeName, nodeIP);
  const transport = new InProcessTransport(opts.inject, opts.user(nodeName));
  const client = new Client(transport, `kubelet/v1.32.0 (linux/amd64) berth`);
  const proxy = await startServiceProxy({ client: new Client(transport, "kube-proxy/v1.32.0 berth"), nodeName, signal: opts.signal });
  const agent = await startNodeAgent({
    client,
    nodeName,
    nodeIP,
    dir,
    ...(cfg.containerRuntimeEndpoint ? { containerRuntimeEndpoint: cfg.containerRuntimeEndpoint } : {}),
    // The first server's node takes the first subnet; the node-ipam controller hands out the rest.
    podCidr: `${new Ipv4Cidr(cfg.clusterCidr).at(0)}/24`,
    clusterDns: cfg.clusterDns,
    clusterDomain: CLUSTER_DOMAIN,
    port: cfg.kubeletPort,
    bindAddress: "0.0.0.0",
    tls: { cert: creds.servingCert, key: creds.servingKey, ca: creds.caCert },
    controlPlane: true,
    signal: opts.signal,
  });
  return { ...agent, done: Promise.all([agent.done, proxy.done]).then(() => undefined) };
}
