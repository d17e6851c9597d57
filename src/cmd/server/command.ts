// `berth server`: data dir, PKI, datastore, the API server, the admin kubeconfig, and clean shutdown.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { ensureClusterPki } from "../../util/pki/cluster.ts";
import type { ClusterPki, ClusterPkiOptions } from "../../util/pki/cluster.ts";
import type { Storage } from "../../storage/interface.ts";
import { ClusterSecretsError, installPkiSecrets, loadOrStoreClusterSecrets } from "./shared-secrets.ts";
import { writeKubeconfig } from "../../util/pki/kubeconfig.ts";
import { Ipv4Cidr } from "../../util/cidr.ts";
import { logger } from "../../util/log.ts";
import { startApiServer } from "../../apiserver/index.ts";
import { openStorage } from "./datastore.ts";
import { startServedServices } from "./served-services.ts";
import { nodeCredentialsIssuer } from "../../util/pki/node-credentials.ts";
import { NODE_BOOTSTRAP_USER, NODES_GROUP, nodeUserName } from "../../util/pki/node-join.ts";
import { CLUSTER_DOMAIN, parseServerFlags, SERVER_FLAGS, UsageError } from "./config.ts";
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
    const { ConfigError, loadConfiguration } = await import("../../scheduler/index.ts");
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

/** The token remembered in the data dir from an earlier start, if any. */
async function storedToken(cfg: ServerConfig): Promise<string | undefined> {
  try {
    return (await readFile(join(cfg.dataDir, "token"), "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

const rememberToken = (cfg: ServerConfig, token: string) => writeFile(join(cfg.dataDir, "token"), token, { mode: 0o600 });

/**
 * The PKI and the token agents and further servers join with (the flag, else the one remembered, else a new one).
 * SQLite serves one server: the CA and keys live only in the data dir. On etcd the first server stores its CA and
 * service-account key in the datastore, sealed under the token, and later servers take them over; each issues
 * its own serving and admin certificates under that CA, so any server's kubeconfig works against every server.
 */
async function clusterPkiAndToken(cfg: ServerConfig, storage: Storage, names: ClusterPkiOptions): Promise<{ pki: ClusterPki; token: string }> {
  const dir = join(cfg.dataDir, "tls");
  const token = cfg.token ?? (await storedToken(cfg));
  if (cfg.datastoreEndpoint.startsWith("sqlite://")) {
    const t = token ?? randomBytes(24).toString("hex");
    await rememberToken(cfg, t);
    return { pki: await ensureClusterPki(dir, names), token: t };
  }
  const shared = await loadOrStoreClusterSecrets({
    storage,
    token,
    local: async () => {
      const { caCert, caKey, saPrivateKey } = await ensureClusterPki(dir, names);
      return { caCert, caKey, saPrivateKey };
    },
  });
  await rememberToken(cfg, shared.token);
  if (await installPkiSecrets(dir, shared.secrets)) {
    logger("server").info({ dir }, "took over the cluster CA and service-account key from the datastore");
  }
  return { pki: await ensureClusterPki(dir, names), token: shared.token };
}

async function runServer(cfg: ServerConfig): Promise<number> {
  const log = logger("server");
  const started = performance.now();
  await mkdir(cfg.dataDir, { recursive: true, mode: 0o700 });
  const abort = new AbortController();
  const apiServiceIp = new Ipv4Cidr(cfg.serviceCidr).at(1);
  const addresses = hostAddresses();
  const storage = await openStorage(cfg.datastoreEndpoint, { tls: cfg.datastoreTls });
  let pki: ClusterPki;
  let token: string;
  try {
    ({ pki, token } = await clusterPkiAndToken(cfg, storage, {
      hostnames: [hostname()],
      ips: [...new Set(["127.0.0.1", apiServiceIp, ...addresses, ...(cfg.advertiseAddress ? [cfg.advertiseAddress] : [])])],
    }));
  } catch (err) {
    await storage.close();
    if (err instanceof ClusterSecretsError) {
      process.stderr.write(`berth server: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const advertise = cfg.advertiseAddress ?? cfg.nodeIp ?? addresses.find((a) => a !== "127.0.0.1") ?? "127.0.0.1";
  const api = await startApiServer({
    storage,
    bindAddress: cfg.bindAddress,
    port: cfg.httpsPort,
    tls: { cert: pki.servingCert, key: pki.servingKey, ca: pki.caCert },
    serviceAccountKeys: { privateKeyPem: pki.saPrivateKey, publicKeyPem: pki.saPublicKey },
    staticTokens: new Map([[token, { username: NODE_BOOTSTRAP_USER, groups: ["system:bootstrappers"] }]]),
    nodeJoin: { caPem: pki.caCert, token, issueNodeCredentials: nodeCredentialsIssuer(pki) },
    kubeletClient: { certPem: pki.kubeletClientCert, keyPem: pki.kubeletClientKey, caPem: pki.caCert },
    serviceCidr: cfg.serviceCidr,
    advertiseAddress: advertise,
    clusterDnsIp: cfg.clusterDns,
    signal: abort.signal,
  });
  // Stopped first at shutdown: withdrawing this server's endpoints needs the API still serving.
  const stopServing = new AbortController();
  const served = await startServedServices({
    inject: api.inject,
    user: { username: "system:apiserver", groups: ["system:masters", "system:authenticated"] },
    advertiseAddress: advertise,
    apiPort: api.address.port,
    dnsPort: cfg.clusterDnsPort,
    clusterDomain: CLUSTER_DOMAIN,
    signal: stopServing.signal,
  });
  // Loops and agent are loaded only when they run, so a server without them keeps their code out of memory.
  const controlPlane = cfg.disableControllerManager && cfg.disableScheduler ? Promise.resolve() : (await import("./control-plane.ts")).runControlPlane({
    inject: api.inject,
    userFor: (name) => ({ username: `system:${name}`, groups: ["system:masters", "system:authenticated"] }),
    rootCaPem: pki.caCert,
    controllers: !cfg.disableControllerManager,
    scheduler: !cfg.disableScheduler,
    schedulerConfigFile: cfg.schedulerConfig,
    nodeMonitorGracePeriodMs: cfg.nodeMonitorGracePeriodMs,
    clusterCidr: cfg.clusterCidr,
    signal: abort.signal,
  });
  const agent = cfg.disableAgent ? undefined : await (await import("./local-agent.ts")).startLocalAgent({
    cfg,
    pki,
    inject: api.inject,
    user: (node) => ({ username: nodeUserName(node), groups: [NODES_GROUP, "system:authenticated"] }),
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
  stopServing.abort();
  await served.done;
  abort.abort();
  await Promise.all([controlPlane, agent?.done]);
  await api.close();
  await storage.close();
  log.info("stopped");
  return 0;
}
