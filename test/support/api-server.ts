// An API server in the test process on a temporary SQLite file: controllers and clients are tested against the
// real API machinery, reached in process (or over HTTPS to test that transport).
import { mkdtemp, rm } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "../../src/storage/sqlite/sqlite-storage.ts";
import { startApiServer } from "../../src/apiserver/index.ts";
import { ensureClusterPki } from "../../src/util/pki/cluster.ts";
import type { ClusterPki } from "../../src/util/pki/cluster.ts";
import type { UserInfo } from "../../src/apiserver/authn/user.ts";
import type { NodeJoinOptions } from "../../src/apiserver/handlers/node-join.ts";
import { Client } from "../../src/client/rest-client.ts";
import { InProcessTransport } from "../../src/client/in-process-transport.ts";
import { HttpsTransport } from "../../src/client/https-transport.ts";
import { freePort } from "./free-port.ts";

export interface TestApi {
  /** A client over the in-process transport, as system:masters. */
  client: Client;
  /** A new client over HTTPS with the admin certificate. */
  httpsClient(): Client;
  port: number;
  /** The cluster CA the server's certificate is issued by. */
  caPem: string;
  close(): Promise<void>;
}

export interface TestApiOptions {
  staticTokens?: Map<string, UserInfo>;
  /** Serve the node join endpoints, built from the test cluster's PKI. */
  nodeJoin?: (pki: ClusterPki) => NodeJoinOptions;
}

export async function startTestApi(opts: TestApiOptions = {}): Promise<TestApi> {
  const dir = await mkdtemp(join(tmpdir(), "berth-api-"));
  const pki = await ensureClusterPki(join(dir, "tls"), { hostnames: ["localhost"], ips: ["127.0.0.1"] });
  const storage = await SqliteStorage.open(join(dir, "state.db"));
  const abort = new AbortController();
  const api = await startApiServer({
    storage,
    bindAddress: "127.0.0.1",
    port: await freePort(),
    tls: { cert: pki.servingCert, key: pki.servingKey, ca: pki.caCert },
    serviceAccountKeys: { privateKeyPem: pki.saPrivateKey, publicKeyPem: pki.saPublicKey },
    staticTokens: opts.staticTokens ?? new Map(),
    nodeJoin: opts.nodeJoin?.(pki),
    serviceCidr: "10.43.0.0/16",
    // The kubernetes Endpoints may not hold a loopback address.
    advertiseAddress: Object.values(networkInterfaces()).flat().find((i) => i?.family === "IPv4" && !i.internal)?.address ?? "192.0.2.1",
    signal: abort.signal,
  });
  const transports: { close(): void }[] = [];
  const inProcess = new InProcessTransport(api.inject, { username: "system:admin", groups: ["system:masters", "system:authenticated"] });
  transports.push(inProcess);
  return {
    client: new Client(inProcess, "berth-test"),
    httpsClient() {
      const t = new HttpsTransport({ server: `https://127.0.0.1:${api.address.port}`, caPem: pki.caCert, certPem: pki.adminCert, keyPem: pki.adminKey });
      transports.push(t);
      return new Client(t, "berth-test");
    },
    port: api.address.port,
    caPem: pki.caCert,
    async close() {
      for (const t of transports) t.close();
      abort.abort();
      await api.close();
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

