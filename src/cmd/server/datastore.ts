// Opens the datastore named by --datastore-endpoint: sqlite://PATH, or etcd as http(s)://host:port[,...].
import { dirname } from "node:path";
import { mkdirSync } from "node:fs";
import type { Storage } from "../../storage/interface.ts";
import { SqliteStorage } from "../../storage/sqlite/sqlite-storage.ts";
import { EtcdStorage } from "../../storage/etcd/etcd-storage.ts";

export async function openStorage(endpoint: string): Promise<Storage> {
  if (endpoint.startsWith("sqlite://")) {
    const path = endpoint.slice("sqlite://".length);
    mkdirSync(dirname(path), { recursive: true });
    return SqliteStorage.open(path);
  }
  const endpoints = endpoint.split(",").map((e) => e.trim()).filter((e) => e !== "");
  if (endpoints.length > 0 && endpoints.every((e) => /^https?:\/\/[^/]+\/?$/.test(e))) {
    try {
      return await EtcdStorage.open({ endpoints });
    } catch (err) {
      throw new Error(`--datastore-endpoint ${endpoint}: cannot reach etcd: ${(err as Error).message}`, { cause: err });
    }
  }
  throw new Error(`--datastore-endpoint ${endpoint}: expected sqlite://PATH or http(s)://host:port[,...]`);
}
