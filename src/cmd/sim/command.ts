// `berth sim`: joins the cluster named by a kubeconfig and simulates nodes until SIGTERM or SIGINT.
import { HttpsTransport } from "../../client/https-transport.ts";
import type { HttpsTransportOptions } from "../../client/https-transport.ts";
import { loadKubeconfig } from "../../client/kubeconfig.ts";
import { Client } from "../../client/rest-client.ts";
import { logger } from "../../util/log.ts";
import { runSimulator } from "../../sim/simulator.ts";
import { parseSimFlags, SIM_FLAGS, UsageError } from "./config.ts";
import type { SimCommandConfig } from "./config.ts";

/** How long stopping waits for in-flight requests before it closes the connection under them. */
const STOP_GRACE_MS = 5000;

export async function runSimCommand(argv: string[]): Promise<number> {
  let cfg: SimCommandConfig | "help";
  try {
    cfg = parseSimFlags(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`berth sim: ${err.message}\n\nUsage: berth sim --nodes N [flags]\n\n${SIM_FLAGS}`);
      return 2;
    }
    throw err;
  }
  if (cfg === "help") {
    process.stdout.write(`Usage: berth sim --nodes N [flags]\n\nSimulates N nodes (kubelets) against a cluster: they register, heartbeat and run pods bound to them.\n\n${SIM_FLAGS}`);
    return 0;
  }
  return runSim(cfg);
}

async function runSim(cfg: SimCommandConfig): Promise<number> {
  const log = logger("sim");
  let connection: HttpsTransportOptions;
  try {
    connection = await loadKubeconfig(cfg.kubeconfig);
  } catch (err) {
    process.stderr.write(`berth sim: ${(err as Error).message}\n`);
    return 1;
  }
  const transports: HttpsTransport[] = [];
  const connect = () => {
    const t = new HttpsTransport(connection);
    transports.push(t);
    return new Client(t, "berth-sim");
  };
  const abort = new AbortController();
  // Requests still in flight when stopping get a moment to finish; after that the process stops without them.
  let deadline: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<number>((resolve) => abort.signal.addEventListener("abort", () => {
    deadline = setTimeout(() => {
      log.warn({ graceMs: STOP_GRACE_MS }, "requests still in flight; stopping without them");
      resolve(0);
    }, STOP_GRACE_MS);
  }, { once: true }));
  const stop = (signal: string) => {
    log.info({ signal }, "stopping; nodes stay registered");
    abort.abort();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  const clients = { watches: connect(), nodes: connect(), pods: connect() };
  const finished = runSimulator(clients, cfg.options, abort.signal).then(() => 0, (err: Error) => {
    if (abort.signal.aborted) return 0;
    log.error({ err: err.message }, "simulator failed");
    return 1;
  });
  const code = await Promise.race([finished, outOfTime]);
  abort.abort(); // a failed simulator leaves its informers to stop
  clearTimeout(deadline);
  for (const t of transports) t.close();
  log.info("stopped");
  return code;
}
