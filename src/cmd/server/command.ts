// `berth server`: data dir, PKI, datastore, the API server, the admin kubeconfig, and clean shutdown.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { ensureClusterPki } from "../../util/pki/cluster.ts";
import { writeKubeconfig } from "../../util/pki/kubeconfig.ts";
import { Ipv4Cidr } from "../../util/cidr.ts";
import { logger } from "../../util/log.ts";
import { startApiServer } from "../../apiserver/index.ts";
import { openStorage } from "./datastore.ts";
import { runControlPlane } from "./control-plane.ts";
import { ConfigError, loadConfiguration } from "../../scheduler/index.ts";
import { parseServerFlags, SERVER_FLAGS, UsageError } from "./config.ts";
import type { ServerConfig } from "./config.ts";

export async function runServerCommand(argv: string[]): Promise<number> {
  let cfg: ServerConfig | "help";
  try {
    cfg = parseServerFlags(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`berth server: ${err.message}\n\n${SERVER_FLAGS}`);
      return 2;
    }
    throw err;
  }
  if (cfg === "help") {
    process.stdout.write(`Usage: berth server [flags]\n\n${SERVER_FLAGS}`);
    return 0;
  }
  if (cfg.schedulerConfig && !cfg.disableScheduler) {
    // An unreadable or malformed file stops the server before it starts, as kube-scheduler refuses to start.
    try {
      await loadConfiguration(cfg.schedulerConfig);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`berth server: --scheduler-config: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
  }
  return runServer(cfg);
}

function hostAddresses(): string[] {
  return Object.values(networkInterfaces()).flat().filter((i) => i && i.family === "IPv4").map((i) => i!.address);
}

/** The token agents and further servers join with: the flag, else the one stored, else a new one. */
async function clusterToken(cfg: ServerConfig): Promise<string> {
  const path = join(cfg.dataDir, "token");
  if (cfg.token) {
    await writeFile(path, cfg.token, { mode: 0o600 });
    return cfg.token;
  }
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    const token = randomBytes(24).toString("hex");
    await writeFile(path, token, { mode: 0o600 });
    return token;
  }
}

async function runServer(cfg: ServerConfig): Promise<number> {
  const log = logger("server");
  const started = performance.now();
  await mkdir(cfg.dataDir, { recursive: true, mode: 0o700 });
  const abort = new AbortController();
  const apiServiceIp = new Ipv4Cidr(cfg.serviceCidr).at(1);
  const addresses = hostAddresses();
  const pki = await ensureClusterPki(join(cfg.dataDir, "tls"), { hostnames: [hostname()], ips: [...new Set(["127.0.0.1", apiServiceIp, ...addresses])] });
  const token = await clusterToken(cfg);
  const storage = await openStorage(cfg.datastoreEndpoint, { tls: cfg.datastoreTls });
  const advertise = addresses.find((a) => a !== "127.0.0.1") ?? "127.0.0.1";
  const api = await startApiServer({
    storage,
    bindAddress: cfg.bindAddress,
    port: cfg.httpsPort,
    tls: { cert: pki.servingCert, key: pki.servingKey, ca: pki.caCert },
    serviceAccountKeys: { privateKeyPem: pki.saPrivateKey, publicKeyPem: pki.saPublicKey },
    staticTokens: new Map([[token, { username: "berth:node-bootstrap", groups: ["system:bootstrappers"] }]]),
    serviceCidr: cfg.serviceCidr,
    advertiseAddress: advertise,
    signal: abort.signal,
  });
  const controlPlane = runControlPlane({
    inject: api.inject,
    userFor: (name) => ({ username: `system:${name}`, groups: ["system:masters", "system:authenticated"] }),
    rootCaPem: pki.caCert,
    controllers: !cfg.disableControllerManager,
    scheduler: !cfg.disableScheduler,
    schedulerConfigFile: cfg.schedulerConfig,
    nodeMonitorGracePeriodMs: cfg.nodeMonitorGracePeriodMs,
    signal: abort.signal,
  });
  const kubeconfig = join(cfg.dataDir, "kubeconfig.yaml");
  await writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${api.address.port}`, caPem: pki.caCert, certPem: pki.adminCert, keyPem: pki.adminKey });
  log.info({ kubeconfig, port: api.address.port, readyMs: Math.round(performance.now() - started) }, "Berth is ready");
  process.stdout.write(`\nBerth is ready. To use it:\n  export KUBECONFIG=${kubeconfig}\n  kubectl get namespaces\n\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, "shutting down");
      resolve();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  abort.abort();
  await controlPlane;
  await api.close();
  await storage.close();
  log.info("stopped");
  return 0;
}
