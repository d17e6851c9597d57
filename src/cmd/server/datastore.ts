// Opens the datastore named by --datastore-endpoint: sqlite://PATH, or etcd as http(s)://host:port[,...].
import { dirname } from "node:path";
import { mkdirSync, readFileSync } from "node:fs";
import type { Storage } from "../../storage/interface.ts";
import { SqliteStorage } from "../../storage/sqlite/sqlite-storage.ts";
import type { EtcdClientOptions } from "../../storage/etcd/client.ts";
import type { DatastoreTlsFiles } from "./config.ts";

export interface OpenStorageOptions {
  /** PEM files for https:// etcd endpoints (--datastore-cafile/-certfile/-keyfile). */
  tls?: DatastoreTlsFiles;
  /** etcd only: periodic compaction (0 turns it off, e.g. for a one-shot migration). Default: the backend's. */
  compactIntervalMs?: number;
}

/** sqlite://PATH, or a comma-separated list of http(s):// etcd client URLs; undefined for anything else. */
export function parseEndpoint(endpoint: string): { kind: "sqlite"; path: string } | { kind: "etcd"; endpoints: string[] } | undefined {
  if (endpoint.startsWith("sqlite://")) return { kind: "sqlite", path: endpoint.slice("sqlite://".length) };
  const endpoints = endpoint.split(",").map((e) => e.trim()).filter((e) => e !== "");
  if (endpoints.length > 0 && endpoints.every((e) => /^https?:\/\/[^/]+\/?$/.test(e))) return { kind: "etcd", endpoints };
  return undefined;
}

export async function openStorage(endpoint: string, opts: OpenStorageOptions = {}): Promise<Storage> {
  const parsed = parseEndpoint(endpoint);
  if (parsed?.kind === "sqlite") {
    mkdirSync(dirname(parsed.path), { recursive: true });
    return SqliteStorage.open(parsed.path);
  }
  if (parsed?.kind === "etcd") {
    const tls = readTls(opts.tls);
    // Loaded only for etcd: its gRPC stack would otherwise sit in every SQLite server's memory.
    const { EtcdStorage } = await import("../../storage/etcd/etcd-storage.ts");
    try {
      return await EtcdStorage.open({ endpoints: parsed.endpoints, ...(tls ? { tls } : {}), ...(opts.compactIntervalMs !== undefined ? { compactIntervalMs: opts.compactIntervalMs } : {}) });
    } catch (err) {
      throw new Error(`--datastore-endpoint ${endpoint}: cannot reach etcd: ${(err as Error).message}`, { cause: err });
    }
  }
  throw new Error(`--datastore-endpoint ${endpoint}: expected sqlite://PATH or http(s)://host:port[,...]`);
}

function readTls(files: DatastoreTlsFiles | undefined): EtcdClientOptions["tls"] {
  if (!files || (files.caFile === undefined && files.certFile === undefined && files.keyFile === undefined)) return undefined;
  const read = (flag: string, f: string | undefined) => {
    if (f === undefined) return undefined;
    try {
      return readFileSync(f);
    } catch (err) {
      throw new Error(`--datastore-${flag} ${f}: ${(err as Error).message}`, { cause: err });
    }
  };
  const tls: NonNullable<EtcdClientOptions["tls"]> = {};
  const ca = read("cafile", files.caFile);
  const cert = read("certfile", files.certFile);
  const key = read("keyfile", files.keyFile);
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  return tls;
}
