// The node agent's flags, shared by `berth server` (its own agent) and `berth agent`.
import { portFlag } from "../flags.ts";

export interface NodeAgentFlags {
  nodeName: string | undefined;
  /** The node's address; unset: the first non-loopback IPv4 address. */
  nodeIp: string | undefined;
  /** The agent's HTTPS port for logs, exec and port-forward (0: any free port). */
  kubeletPort: number;
  /** An existing CRI socket (unix://...); unset: the agent runs its own containerd. */
  containerRuntimeEndpoint: string | undefined;
  /** The cluster DNS Service IP pods resolve names through (dnsPolicy ClusterFirst). */
  clusterDns: string;
}

export const NODE_AGENT_OPTIONS = {
  "node-name": { type: "string" },
  "node-ip": { type: "string" },
  "kubelet-port": { type: "string" },
  "container-runtime-endpoint": { type: "string" },
  "cluster-dns": { type: "string" },
} as const;

export const NODE_AGENT_HELP = `  --node-name NAME            this node's name (default: the host name)
  --node-ip IP                this node's address (default: the first non-loopback IPv4 address)
  --kubelet-port PORT         the node agent's HTTPS port for logs, exec and port-forward (default 10250; 0: any)
  --container-runtime-endpoint URL  an existing CRI socket (unix:///path); default: run Berth's own containerd
  --cluster-dns IP            cluster DNS Service IP (default 10.43.0.10)
`;

export function nodeAgentFlags(v: Partial<Record<keyof typeof NODE_AGENT_OPTIONS, string>>): NodeAgentFlags {
  return {
    nodeName: v["node-name"],
    nodeIp: v["node-ip"],
    kubeletPort: portFlag("kubelet-port", v["kubelet-port"] ?? "10250"),
    containerRuntimeEndpoint: v["container-runtime-endpoint"],
    clusterDns: v["cluster-dns"] ?? "10.43.0.10",
  };
}
