// Storage growth under sustained updates: 1,000,000 compare-and-swap updates spread over 1,000 keys with
// ~512-byte values, with compaction running on its timer as in the server. Prints throughput and the size of
// the database and its WAL every 100,000 updates; with compaction working the size plateaus.
//
//   node bench/storage-growth.ts [--updates N] [--keys N] [--value-bytes N] [--retain-ms MS] [--retain-revisions N] [--max-retain-revisions N]
//
// Defaults are the server's: history of at least 10,000 revisions and 5 minutes, never more than 100,000
// revisions, so the plateau is min(100,000, max(10,000, writes in 5 minutes)) rows.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { SqliteStorage } from "../src/storage/sqlite/sqlite-storage.ts";
import type { KeyValue } from "../src/storage/interface.ts";

const { values: args } = parseArgs({
  options: {
    updates: { type: "string", default: "1000000" },
    keys: { type: "string", default: "1000" },
    "value-bytes": { type: "string", default: "512" },
    "retain-ms": { type: "string", default: "300000" },
    "max-retain-revisions": { type: "string", default: "100000" },
    "retain-revisions": { type: "string", default: "10000" },
  },
});
const updates = Number(args.updates);
const keys = Number(args.keys);
const valueBytes = Number(args["value-bytes"]);
const retainMs = Number(args["retain-ms"]);
const retainRevisions = Number(args["retain-revisions"]);
const maxRetainRevisions = Number(args["max-retain-revisions"]);

const dir = mkdtempSync(join(tmpdir(), "berth-growth-"));
const path = join(dir, "berth.db");
const size = (p: string): number => {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
};
const mb = (n: number) => (n / 1048576).toFixed(1).padStart(7);
const value = (i: number) => `{"i":${i},"pad":"${"x".repeat(valueBytes - 20)}"}`;
/** Yields to the event loop the way a server does between requests, so timers (compaction) run. */
const yieldLoop = () => new Promise((r) => setImmediate(r));

const s = SqliteStorage.open(path, { retainRevisions, retainMs, maxRetainRevisions });
console.log(`updates=${updates} keys=${keys} value≈${valueBytes}B retainRevisions=${retainRevisions} retainMs=${retainMs} maxRetainRevisions=${maxRetainRevisions} file=${path}`);

// Per-operation latency on a small store.
const kvs: KeyValue[] = [];
let t = performance.now();
for (let i = 0; i < keys; i++) kvs.push(await s.create(`/registry/things/ns/k${i}`, value(i)));
const createUs = ((performance.now() - t) * 1000) / keys;
t = performance.now();
for (let i = 0; i < 100_000; i++) await s.get(`/registry/things/ns/k${i % keys}`);
const getUs = ((performance.now() - t) * 1000) / 100_000;
t = performance.now();
const list = await s.list({ prefix: "/registry/things/ns/", limit: 500 });
const listMs = performance.now() - t;
console.log(`create ${createUs.toFixed(1)} µs  get ${getUs.toFixed(1)} µs  list 500 of ${keys} ${listMs.toFixed(2)} ms (remaining ${list.remaining})`);

// Event-loop delay shows how long compaction (and checkpoints) hold the loop; updates themselves are ~100 per turn.
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const started = performance.now();
let windowStart = started;
for (let n = 1; n <= updates; n++) {
  const i = n % keys;
  kvs[i] = await s.update(kvs[i]!.key, value(n), kvs[i]!.modRevision);
  if (n % 100 === 0) await yieldLoop();
  if (n % 100_000 === 0 || n === updates) {
    const now = performance.now();
    const rate = ((n % 100_000 || 100_000) * 1000) / (now - windowStart);
    windowStart = now;
    const rev = await s.currentRevision();
    const compacted = await s.compactedRevision();
    console.log(
      `${String(n).padStart(8)} updates  ${Math.round(rate).toString().padStart(6)} updates/s  ` +
        `db ${mb(size(path))} MB  wal ${mb(size(`${path}-wal`))} MB  history ${String(rev - compacted).padStart(6)} revisions  ` +
        `loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms max ${(delay.max / 1e6).toFixed(1)} ms`,
    );
    delay.reset();
  }
}
const elapsed = (performance.now() - started) / 1000;
console.log(`total ${updates} updates in ${elapsed.toFixed(1)} s: ${Math.round(updates / elapsed)} updates/s (update ≈ ${((elapsed * 1e6) / updates).toFixed(1)} µs incl. compaction)`);
// One more round of compaction and file bounding, as the timer would do, then the final size.
await new Promise((r) => setTimeout(r, 1500));
console.log(`after settling: db ${mb(size(path))} MB  wal ${mb(size(`${path}-wal`))} MB`);
await s.close();
console.log(`closed:         db ${mb(size(path))} MB  wal ${mb(size(`${path}-wal`))} MB`);
rmSync(dir, { recursive: true, force: true });
