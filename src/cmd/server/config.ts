// `berth server` flags, parsed into one typed config with every default in one place.
import { parseFlags, portFlag, UsageError } from "../flags.ts";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { NODE_AGENT_HELP, NODE_AGENT_OPTIONS, nodeAgentFlags } from "../agent/node-flags.ts";
import type { NodeAgentFlags } from "../agent/node-flags.ts";

/** The cluster's DNS domain (not configurable yet). */
export const CLUSTER_DOMAIN = "cluster.local";

export interface ServerConfig extends NodeAgentFlags {
  dataDir: string;
  httpsPort: number;
  bindAddress: string;
  /** sqlite://PATH, or etcd endpoints http://host:port,... */
  datastoreEndpoint: string;
  /** PEM files for TLS to etcd (https:// endpoints): CA bundle, client certificate and key. Absolute paths. */
  datastoreTls: DatastoreTlsFiles;
  token: string | undefined;
  disableAgent: boolean;
  /** The address nodes and pods reach this server at; unset: --node-ip, else the first non-loopback IPv4. */
  advertiseAddress: string | undefined;
  serviceCidr: string;
  clusterCidr: string;
  /** The port the cluster DNS server listens on at the advertise address (0: any free port). */
  clusterDnsPort: number;
  disableControllerManager: boolean;
  disableScheduler: boolean;
  /** A KubeSchedulerConfiguration file (YAML or JSON) for the scheduler; undefined: the default profile. */
  schedulerConfig: string | undefined;
  /** How long a node may go without renewing its Lease before it is marked unreachable (ms). */
  nodeMonitorGracePeriodMs: number;
}

export interface DatastoreTlsFiles {
  caFile: string | undefined;
  certFile: string | undefined;
  keyFile: string | undefined;
}

export const SERVER_FLAGS = `Flags:
  --data-dir DIR              where state, certificates and the kubeconfig live (default ~/.berth)
  --https-port PORT           API server port (default 6443)
  --bind-address ADDR         address to listen on (default 0.0.0.0)
  --datastore-endpoint URL    sqlite://PATH (default sqlite://<data-dir>/state.db) or http://host:port,... for etcd
  --datastore-cafile FILE     CA bundle (PEM) to verify etcd's serving certificate (default: the system roots)
  --datastore-certfile FILE   client certificate (PEM) presented to etcd; needs --datastore-keyfile
  --datastore-keyfile FILE    private key (PEM) of --datastore-certfile
  --token TOKEN               shared secret for agents and further servers (default: generated, in <data-dir>/token)
  --disable-agent             do not run a node agent in this process
${NODE_AGENT_HELP}  --service-cidr CIDR         Service cluster IP range (default 10.43.0.0/16)
  --cluster-cidr CIDR         pod IP range (default 10.42.0.0/16)
  --cluster-dns-port PORT     where the cluster DNS server listens, behind the DNS Service (default 10053; 0: any)
  --advertise-address IP      the address nodes and pods reach this server at (default: --node-ip, else the first
                              non-loopback IPv4 address)
  --disable-controller-manager  do not run the controllers in this process
  --disable-scheduler         do not run the scheduler in this process
  --scheduler-config FILE     KubeSchedulerConfiguration (YAML or JSON) for the scheduler (default: the default profile)
  --node-monitor-grace-period DURATION  silence after which a node is unreachable (default 40s)
`;

export { UsageError };

export function parseServerFlags(argv: string[]): ServerConfig | "help" {
  const v = parseFlags(argv, {
    "data-dir": { type: "string" },
    "https-port": { type: "string" },
    "bind-address": { type: "string" },
    "datastore-endpoint": { type: "string" },
    "datastore-cafile": { type: "string" },
    "datastore-certfile": { type: "string" },
    "datastore-keyfile": { type: "string" },
    token: { type: "string" },
    "disable-agent": { type: "boolean" },
    ...NODE_AGENT_OPTIONS,
    "service-cidr": { type: "string" },
    "cluster-cidr": { type: "string" },
    "cluster-dns-port": { type: "string" },
    "advertise-address": { type: "string" },
    "disable-controller-manager": { type: "boolean" },
    "disable-scheduler": { type: "boolean" },
    "scheduler-config": { type: "string" },
    "node-monitor-grace-period": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (v.help) return "help";
  const dataDir = resolve(v["data-dir"] ?? join(homedir(), ".berth"));
  const port = portFlag("https-port", v["https-port"] ?? "6443");
  const datastoreEndpoint = v["datastore-endpoint"] ?? `sqlite://${join(dataDir, "state.db")}`;
  const file = (f: string | undefined) => (f === undefined ? undefined : resolve(f));
  const datastoreTls: DatastoreTlsFiles = { caFile: file(v["datastore-cafile"]), certFile: file(v["datastore-certfile"]), keyFile: file(v["datastore-keyfile"]) };
  if ((datastoreTls.certFile === undefined) !== (datastoreTls.keyFile === undefined)) {
    throw new UsageError("--datastore-certfile and --datastore-keyfile go together");
  }
  const tlsGiven = datastoreTls.caFile !== undefined || datastoreTls.certFile !== undefined;
  if (tlsGiven && !datastoreEndpoint.split(",").every((e) => e.trim().startsWith("https://"))) {
    throw new UsageError("--datastore-cafile/--datastore-certfile/--datastore-keyfile need https:// etcd endpoints in --datastore-endpoint");
  }
  return {
    dataDir,
    httpsPort: port,
    bindAddress: v["bind-address"] ?? "0.0.0.0",
    datastoreEndpoint,
    datastoreTls,
    token: v.token,
    disableAgent: v["disable-agent"] ?? false,
    ...nodeAgentFlags(v),
    serviceCidr: v["service-cidr"] ?? "10.43.0.0/16",
    clusterCidr: v["cluster-cidr"] ?? "10.42.0.0/16",
    clusterDnsPort: portFlag("cluster-dns-port", v["cluster-dns-port"] ?? "10053"),
    advertiseAddress: v["advertise-address"],
    disableControllerManager: v["disable-controller-manager"] ?? false,
    disableScheduler: v["disable-scheduler"] ?? false,
    schedulerConfig: v["scheduler-config"] !== undefined ? resolve(v["scheduler-config"]) : undefined,
    nodeMonitorGracePeriodMs: durationFlag("node-monitor-grace-period", v["node-monitor-grace-period"] ?? "40s"),
  };
}

/** A Go-style duration as Kubernetes flags take them: 40s, 1m30s, 500ms, 1h. */
function durationFlag(flag: string, text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== text) throw new UsageError(`--${flag}: invalid duration ${JSON.stringify(text)} (e.g. 40s, 1m30s)`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * units[p[2]!]!, 0);
}
