// `berth datastore migrate --from <endpoint> --to <endpoint>`: copies every key of one datastore into another
// (SQLite ↔ etcd, either way), values as stored, read from one consistent snapshot of the source.
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import type { Storage } from "../../storage/interface.ts";
import { openStorage, parseEndpoint } from "../server/datastore.ts";
import type { DatastoreTlsFiles } from "../server/config.ts";

export const MIGRATE_USAGE = `Usage: berth datastore migrate --from ENDPOINT --to ENDPOINT [--force]

Copies a cluster's whole state from one datastore to another: every key (the API objects under /registry/ and
any bootstrap data kept outside it), each value copied exactly, so objects keep their content and uids.
Endpoints are sqlite://PATH or etcd client URLs http(s)://host:port[,...]; either side may be either kind.
Stop every berth server using either datastore first (a SQLite file in use is refused).

resourceVersions are NOT preserved: the target assigns its own revisions as the keys are written, and watch
history is not copied. Clients and controllers must relist (they do so on their own: a watch resumed from an old
resourceVersion is answered 410 Gone or starts from the new revisions), and resourceVersions saved outside the
cluster no longer match.

Flags:
  --from ENDPOINT             the datastore to read (not modified)
  --to ENDPOINT               the datastore to write; must be empty unless --force
  --force                     delete every key already in the target before copying
  --datastore-cafile FILE     CA bundle (PEM) for https:// etcd endpoints (either side)
  --datastore-certfile FILE   client certificate (PEM) for https:// etcd endpoints
  --datastore-keyfile FILE    private key (PEM) of --datastore-certfile
`;

export interface MigrateConfig {
  from: string;
  to: string;
  force: boolean;
  tls: DatastoreTlsFiles;
}

export class MigrateUsageError extends Error {}

export function parseMigrateFlags(argv: string[]): MigrateConfig | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        force: { type: "boolean" },
        "datastore-cafile": { type: "string" },
        "datastore-certfile": { type: "string" },
        "datastore-keyfile": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new MigrateUsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  if (!v.from || !v.to) throw new MigrateUsageError("--from and --to are required");
  for (const [flag, e] of [["--from", v.from], ["--to", v.to]] as const) {
    if (!parseEndpoint(e)) throw new MigrateUsageError(`${flag} ${e}: expected sqlite://PATH or http(s)://host:port[,...]`);
  }
  if (v.from === v.to) throw new MigrateUsageError("--from and --to name the same datastore");
  const file = (f: string | undefined) => (f === undefined ? undefined : resolve(f));
  return {
    from: v.from,
    to: v.to,
    force: v.force ?? false,
    tls: { caFile: file(v["datastore-cafile"]), certFile: file(v["datastore-certfile"]), keyFile: file(v["datastore-keyfile"]) },
  };
}

export interface MigrateResult {
  /** Keys copied, in all. */
  keys: number;
  /** Of which under /registry/ (API objects). */
  registryKeys: number;
  bytes: number;
  /** Keys deleted from the target first (--force). */
  deleted: number;
  sourceRevision: number;
  targetRevision: number;
  ms: number;
}

const PAGE = 1000;
/** Writes in flight at once: enough to fill SQLite's group commits and etcd's pipeline. */
const PARALLEL = 128;

/** Deletes every key of `s`; returns how many. */
async function clear(s: Storage): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await s.list({ prefix: "", limit: PAGE });
    if (page.kvs.length === 0) return deleted;
    await inParallel(page.kvs, (kv) => s.delete(kv.key));
    deleted += page.kvs.length;
  }
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/** Copies every key of `from` (as of one revision) into `to`, which must be empty unless `force`. */
export async function migrate(from: Storage, to: Storage, opts: { force: boolean }): Promise<MigrateResult> {
  const started = performance.now();
  const existing = await to.list({ prefix: "", limit: 1 });
  let deleted = 0;
  if (existing.kvs.length > 0) {
    if (!opts.force) throw new MigrateUsageError(`the target datastore is not empty (it holds ${existing.kvs[0]!.key}${existing.more ? " and more" : ""}); pass --force to replace its contents`);
    deleted = await clear(to);
  }
  const result: MigrateResult = { keys: 0, registryKeys: 0, bytes: 0, deleted, sourceRevision: 0, targetRevision: 0, ms: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await from.list({ prefix: "", limit: PAGE, ...(after !== undefined ? { after } : {}), ...(result.sourceRevision ? { revision: result.sourceRevision } : {}) });
    result.sourceRevision = page.revision;
    await inParallel(page.kvs, (kv) => to.create(kv.key, kv.value));
    for (const kv of page.kvs) {
      result.keys++;
      if (kv.key.startsWith("/registry/")) result.registryKeys++;
      result.bytes += Buffer.byteLength(kv.value);
    }
    if (!page.more || page.kvs.length === 0) break;
    after = page.kvs[page.kvs.length - 1]!.key;
  }
  result.targetRevision = await to.currentRevision();
  result.ms = performance.now() - started;
  return result;
}

export async function runMigrateCommand(argv: string[]): Promise<number> {
  let cfg;
  try {
    cfg = parseMigrateFlags(argv);
  } catch (err) {
    if (!(err instanceof MigrateUsageError)) throw err;
    process.stderr.write(`berth datastore migrate: ${err.message}\n\n${MIGRATE_USAGE}`);
    return 2;
  }
  if (cfg === "help") {
    process.stdout.write(MIGRATE_USAGE);
    return 0;
  }
  let from: Storage | undefined;
  let to: Storage | undefined;
  try {
    from = await openStorage(cfg.from, { tls: cfg.tls, compactIntervalMs: 0 });
    to = await openStorage(cfg.to, { tls: cfg.tls, compactIntervalMs: 0 });
    const r = await migrate(from, to, { force: cfg.force });
    const mib = (r.bytes / (1 << 20)).toFixed(2);
    process.stdout.write(
      (r.deleted > 0 ? `deleted ${r.deleted} keys already in the target (--force)\n` : "") +
      `copied ${r.keys} keys (${r.registryKeys} API objects under /registry/, ${r.keys - r.registryKeys} other; ${mib} MiB) ` +
      `in ${(r.ms / 1000).toFixed(2)} s\nsource revision ${r.sourceRevision} -> target revision ${r.targetRevision}: ` +
      `resourceVersions differ in the target; clients must relist\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`berth datastore migrate: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await to?.close();
    await from?.close();
  }
}
