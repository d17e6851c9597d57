// `berth sim` flags, parsed into the simulator's typed options with every default in one place.
import { parseFlags, UsageError } from "../flags.ts";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { canonicalQuantity } from "../../api/validation/quantity.ts";
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from "../../api/validation/names.ts";
import { DEFAULT_POD_RANGE_NODES } from "../../sim/addresses.ts";
import type { SimOptions } from "../../sim/options.ts";

export interface SimCommandConfig {
  kubeconfig: string;
  options: SimOptions;
}

export const SIM_FLAGS = `Flags:
  --nodes N               how many nodes to simulate (required; at most ${DEFAULT_POD_RANGE_NODES})
  --kubeconfig PATH       cluster to join (default $KUBECONFIG, else ~/.kube/config)
  --name-prefix PREFIX    node i is named PREFIX<i> (default sim-)
  --cpu QUANTITY          CPU capacity of each node (default 32)
  --memory QUANTITY       memory capacity of each node (default 256Gi)
  --pods N                pod capacity of each node (default 110)
  --labels K=V,...        extra labels for every node
  -h, --help              show this help
`;

/** Values no flag sets: the kubelet's defaults for its heartbeats, and the simulator's own request budget. */
const FIXED = {
  ephemeralStorage: "100Gi",
  leaseDurationSeconds: 40,
  leaseRenewIntervalMs: 10_000,
  statusReportIntervalMs: 5 * 60_000,
  registrationWorkers: 64,
  heartbeatWorkers: 256,
  podWorkers: 16,
  podWriteQps: 200,
} as const;

export { UsageError };

function quantity(flag: string, value: string): string {
  const q = canonicalQuantity(value);
  if (q === undefined || q.startsWith("-")) throw new UsageError(`--${flag}: invalid quantity ${JSON.stringify(value)}`);
  return q;
}

function positiveInteger(flag: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`--${flag}: expected a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of (text ?? "").split(",").filter(Boolean)) {
    const eq = pair.indexOf("=");
    const [k, v] = eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const problems = [...isQualifiedName(k), ...isValidLabelValue(v)];
    if (eq < 0 || problems.length) throw new UsageError(`--labels: invalid label ${JSON.stringify(pair)}${problems.length ? `: ${problems.join("; ")}` : ": expected key=value"}`);
    labels[k] = v;
  }
  return labels;
}

function defaultKubeconfig(env: NodeJS.ProcessEnv): string {
  // KUBECONFIG may list several files; the first one names the cluster here.
  const first = env.KUBECONFIG?.split(":").find(Boolean);
  return first ?? join(homedir(), ".kube", "config");
}

export function parseSimFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): SimCommandConfig | "help" {
  const v = parseFlags(argv, {
    nodes: { type: "string" },
    kubeconfig: { type: "string" },
    "name-prefix": { type: "string" },
    cpu: { type: "string" },
    memory: { type: "string" },
    pods: { type: "string" },
    labels: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (v.help) return "help";
  if (v.nodes === undefined) throw new UsageError("--nodes is required");
  const nodeCount = positiveInteger("nodes", v.nodes, DEFAULT_POD_RANGE_NODES);
  const namePrefix = v["name-prefix"] ?? "sim-";
  const nameProblems = isDNS1123Subdomain(`${namePrefix}${nodeCount - 1}`);
  if (nameProblems.length) throw new UsageError(`--name-prefix: ${JSON.stringify(namePrefix)} does not make valid node names: ${nameProblems.join("; ")}`);
  return {
    kubeconfig: resolve(v.kubeconfig ?? defaultKubeconfig(env)),
    options: {
      nodeCount,
      namePrefix,
      resources: {
        cpu: quantity("cpu", v.cpu ?? "32"),
        memory: quantity("memory", v.memory ?? "256Gi"),
        pods: String(positiveInteger("pods", v.pods ?? "110")),
        "ephemeral-storage": FIXED.ephemeralStorage,
      },
      extraLabels: parseLabels(v.labels),
      leaseDurationSeconds: FIXED.leaseDurationSeconds,
      leaseRenewIntervalMs: FIXED.leaseRenewIntervalMs,
      statusReportIntervalMs: FIXED.statusReportIntervalMs,
      registrationWorkers: FIXED.registrationWorkers,
      heartbeatWorkers: FIXED.heartbeatWorkers,
      podWorkers: FIXED.podWorkers,
      podWriteQps: FIXED.podWriteQps,
    },
  };
}
