// `berth agent`: joins a cluster with its token (credentials kept under the data dir) and runs a node agent
// against it until SIGTERM or SIGINT.
import { join } from "node:path";
import { hostname } from "node:os";
import { HttpsTransport } from "../../client/https-transport.ts";
import { loadKubeconfig } from "../../client/kubeconfig.ts";
import { Client } from "../../client/rest-client.ts";
import { logger } from "../../util/log.ts";
import { joinCluster } from "../../kubelet/join/join-cluster.ts";
import { JoinError } from "../../kubelet/join/join-error.ts";
import { startNodeAgent } from "../../kubelet/agent.ts";
import { startServiceProxy } from "../../proxy/service-proxy.ts";
import { defaultNodeIp } from "../../kubelet/node/node-ip.ts";
import { CLUSTER_DOMAIN } from "../server/config.ts";
import { AGENT_FLAGS, parseAgentFlags, UsageError } from "./config.ts";
import type { AgentConfig } from "./config.ts";

export async function runAgentCommand(argv: string[]): Promise<number> {
  let cfg: AgentConfig | "help";
  try {
    cfg = parseAgentFlags(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`berth agent: ${err.message}\n\n${AGENT_FLAGS}`);
      return 2;
    }
    throw err;
  }
  if (cfg === "help") {
    process.stdout.write(`Usage: berth agent --server https://HOST:PORT --token TOKEN [flags]\n\n${AGENT_FLAGS}`);
    return 0;
  }
  return runAgent(cfg);
}

async function runAgent(cfg: AgentConfig): Promise<number> {
  const log = logger("agent");
  const nodeName = (cfg.nodeName ?? hostname()).toLowerCase();
  const nodeIP = cfg.nodeIp ?? defaultNodeIp();
  const dir = join(cfg.dataDir, "agent");
  let joined;
  try {
    joined = await joinCluster({ server: cfg.server, token: cfg.token, nodeName, addresses: [...new Set([nodeIP, "127.0.0.1"])], hostnames: [nodeName], dir: join(dir, "tls") });
  } catch (err) {
    if (err instanceof JoinError) {
      process.stderr.write(`berth agent: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const transport = new HttpsTransport(await loadKubeconfig(joined.kubeconfigPath));
  const abort = new AbortController();
  const proxy = await startServiceProxy({ client: new Client(transport, "kube-proxy/v1.32.0 berth"), nodeName, signal: abort.signal });
  const agent = await startNodeAgent({
    client: new Client(transport, "kubelet/v1.32.0 (linux/amd64) berth"),
    nodeName,
    nodeIP,
    dir,
    ...(cfg.containerRuntimeEndpoint ? { containerRuntimeEndpoint: cfg.containerRuntimeEndpoint } : {}),
    clusterDns: cfg.clusterDns,
    clusterDomain: CLUSTER_DOMAIN,
    port: cfg.kubeletPort,
    bindAddress: "0.0.0.0",
    tls: { cert: joined.servingCert, key: joined.servingKey, ca: joined.caPem },
    controlPlane: false,
    signal: abort.signal,
  });
  log.info({ node: nodeName, server: cfg.server }, "joined");
  process.stdout.write(`berth agent: node ${nodeName} joined ${cfg.server}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  abort.abort();
  await Promise.all([agent.done, proxy.done]);
  transport.close();
  return 0;
}
