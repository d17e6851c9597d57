// `berth agent` flags, parsed into one typed config with every default in one place.
import { parseArgs } from "node:util";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { portFlag, UsageError } from "../server/config.ts";

export { UsageError };

export interface AgentConfig {
  server: string;
  token: string;
  dataDir: string;
  nodeName: string | undefined;
  nodeIp: string | undefined;
  kubeletPort: number;
  containerRuntimeEndpoint: string | undefined;
}

export const AGENT_FLAGS = `Flags:
  --server URL                the API server to join (https://HOST:PORT)
  --token TOKEN               the cluster's join token (the server's <data-dir>/token; or $BERTH_TOKEN)
  --data-dir DIR              where the agent keeps its credentials, containerd and pods (default ~/.berth)
  --node-name NAME            this node's name (default: the host name)
  --node-ip IP                this node's address (default: the first non-loopback IPv4 address)
  --kubelet-port PORT         HTTPS port for logs, exec and port-forward (default 10250; 0: any)
  --container-runtime-endpoint URL  an existing CRI socket (unix:///path); default: run Berth's own containerd
`;

export function parseAgentFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): AgentConfig | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: "string" },
        token: { type: "string" },
        "data-dir": { type: "string" },
        "node-name": { type: "string" },
        "node-ip": { type: "string" },
        "kubelet-port": { type: "string" },
        "container-runtime-endpoint": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  if (!v.server) throw new UsageError("--server is required");
  if (!/^https:\/\/[^/]+\/?$/.test(v.server)) throw new UsageError(`--server: expected https://HOST:PORT, got ${v.server}`);
  const token = v.token ?? env.BERTH_TOKEN;
  if (!token) throw new UsageError("--token is required (or set BERTH_TOKEN)");
  return {
    server: v.server.replace(/\/$/, ""),
    token,
    dataDir: resolve(v["data-dir"] ?? join(homedir(), ".berth")),
    nodeName: v["node-name"],
    nodeIp: v["node-ip"],
    kubeletPort: portFlag("kubelet-port", v["kubelet-port"] ?? "10250"),
    containerRuntimeEndpoint: v["container-runtime-endpoint"],
  };
}
