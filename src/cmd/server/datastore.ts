// Opens the datastore named by --datastore-endpoint.
import { dirname } from "node:path";
import { mkdirSync } from "node:fs";
import type { Storage } from "../../storage/interface.ts";
import { SqliteStorage } from "../../storage/sqlite/sqlite-storage.ts";

export async function openStorage(endpoint: string): Promise<Storage> {
  if (endpoint.startsWith("sqlite://")) {
    const path = endpoint.slice("sqlite://".length);
    mkdirSync(dirname(path), { recursive: true });
    return SqliteStorage.open(path);
  }
  if (/^https?:\/\//.test(endpoint)) {
    throw new Error(`--datastore-endpoint ${endpoint}: the etcd datastore is not available in this build yet; use sqlite://PATH`);
  }
  throw new Error(`--datastore-endpoint ${endpoint}: expected sqlite://PATH or http(s)://host:port[,...]`);
}
