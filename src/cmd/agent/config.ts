// `berth agent` flags, parsed into one typed config with every default in one place.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseFlags, UsageError } from "../flags.ts";
import { NODE_AGENT_HELP, NODE_AGENT_OPTIONS, nodeAgentFlags } from "./node-flags.ts";
import type { NodeAgentFlags } from "./node-flags.ts";

export { UsageError };

export interface AgentConfig extends NodeAgentFlags {
  server: string;
  token: string;
  dataDir: string;
}

export const AGENT_FLAGS = `Flags:
  --server URL                the API server to join (https://HOST:PORT)
  --token TOKEN               the cluster's join token (the server's <data-dir>/token; or $BERTH_TOKEN)
  --data-dir DIR              where the agent keeps its credentials, containerd and pods (default ~/.berth)
${NODE_AGENT_HELP}`;

export function parseAgentFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): AgentConfig | "help" {
  const v = parseFlags(argv, {
    server: { type: "string" },
    token: { type: "string" },
    "data-dir": { type: "string" },
    ...NODE_AGENT_OPTIONS,
    help: { type: "boolean", short: "h" },
  });
  if (v.help) return "help";
  if (!v.server) throw new UsageError("--server is required");
  if (!/^https:\/\/[^/]+\/?$/.test(v.server)) throw new UsageError(`--server: expected https://HOST:PORT, got ${v.server}`);
  const token = v.token ?? env.BERTH_TOKEN;
  if (!token) throw new UsageError("--token is required (or set BERTH_TOKEN)");
  return {
    server: v.server.replace(/\/$/, ""),
    token,
    dataDir: resolve(v["data-dir"] ?? join(homedir(), ".berth")),
    ...nodeAgentFlags(v),
  };
}
