// The etcd v3 backend of Storage.
//
// Client: etcd's native gRPC API through @grpc/grpc-js, with our own minimal etcd.proto (only the messages used,
// etcd's field numbers) loaded by @grpc/proto-loader. Why not the JSON gateway (/v3/kv/*, /v3/watch): every key
// and value would travel base64-encoded inside JSON (a third larger, plus encode/decode on both ends), each
// request would be an HTTP/1.1 round trip on a pooled connection instead of a stream multiplexed on one HTTP/2
// connection, and watches would be one chunked HTTP response each with no way to cancel or reuse them. Why not
// the `etcd3` npm package: it wraps the same gRPC API in a large surface (leases, locks, elections, its own
// retry policies) whose failure behaviour we would have to learn and override; the few calls below are easier to
// reason about, and give us exact control over deadlines (fail fast) and watch resumption.
//
// Semantics (see interface.ts):
// - create: Txn(createRevision(key) == 0 → Put); failing → KeyExists.
// - update: Txn(modRevision(key) == expected ∧ createRevision(key) > 0 → Put, Range keys-only for the
//   createRevision) else Range(key) → Conflict with the current value, or NotFound.
// - delete: Txn(modRevision == expected → DeleteRange with prev_kv) else Range, or DeleteRange with prev_kv.
// - list: Range [max(prefix, after+"\0"), prefixEnd) with limit and revision; `count` gives `remaining`.
// - watch: one gRPC Watch stream per Storage watch, from afterRevision+1, with prev_kv and progress_notify.
//   A stream that breaks is reopened from the last delivered revision (on the next endpoint), so callers see
//   a gap-free sequence or, after `watchRetryMs` without success, one Unavailable error.
// - compactedRevision: etcd does not report it directly. A Range at revision r fails with "compacted" iff
//   r < compactRevision, so the last known value is confirmed with one Range; when it is stale, a Watch from
//   revision 1 makes etcd answer with its compact revision.
// Keys are stored as given, under an optional `keyPrefix` (tests use one per store to share one etcd).
import { StorageError } from "../interface.ts";
import type { KeyValue, ListOptions, ListResult, Storage, WatchEvent, WatchOptions } from "../interface.ts";
import { logger } from "../../util/log.ts";
import { EtcdClient, KV, isCompactedError, isFutureRevisionError, toStorageError } from "./client.ts";
import type { EtcdClientOptions, Method, WatchCall } from "./client.ts";
import * as pb from "./wire.ts";
import { prefixEnd } from "./keys.ts";

export interface EtcdStorageOptions extends EtcdClientOptions {
  /** Prepended to every key in etcd (and removed on the way back). Default "". */
  keyPrefix?: string;
  /**
   * Compaction as kube-apiserver does it: every interval, compact etcd to the revision seen one interval
   * earlier, so history lives between one and two intervals. 0 turns it off. Default 5 minutes.
   */
  compactIntervalMs?: number;
  /** How long a broken watch keeps trying to reopen before it reports Unavailable. Default 30 s. */
  watchRetryMs?: number;
}

/** A key that Berth never writes: the target of revision probes. */
const PROBE_KEY = Buffer.from([0]);

export class EtcdStorage implements Storage {
  readonly #client: EtcdClient;
  readonly #ns: Buffer;
  readonly #nsLen: number;
  readonly #watchRetryMs: number;
  readonly #watches = new Set<EtcdWatch>();
  readonly #log = logger("etcd");
  #compactTimer: NodeJS.Timeout | undefined;
  /** The highest compact revision seen; etcd's can only have grown since. */
  #knownCompacted = 0;
  #closed = false;
  /** Whether the last request reached etcd (false after Unavailable/Timeout), for health reporting. */
  #reachable = true;

  /** Connects and checks that etcd answers (Unavailable/Timeout if not). */
  static async open(opts: EtcdStorageOptions): Promise<EtcdStorage> {
    const s = new EtcdStorage(opts);
    try {
      await s.currentRevision();
    } catch (err) {
      await s.close();
      throw err;
    }
    s.#startCompaction(opts.compactIntervalMs ?? 5 * 60_000);
    return s;
  }

  private constructor(opts: EtcdStorageOptions) {
    this.#client = new EtcdClient(opts);
    this.#ns = Buffer.from(opts.keyPrefix ?? "");
    this.#nsLen = this.#ns.length;
    this.#watchRetryMs = opts.watchRetryMs ?? 30_000;
  }

  #key(key: string): Buffer {
    return this.#nsLen === 0 ? Buffer.from(key) : Buffer.concat([this.#ns, Buffer.from(key)]);
  }

  #kv(kv: pb.KeyValue): KeyValue {
    return {
      key: kv.key.toString("utf8", this.#nsLen),
      value: kv.value.toString("utf8"),
      createRevision: kv.createRevision,
      modRevision: kv.modRevision,
    };
  }

  async #unary<Req, Res>(m: Method<Req, Res>, req: Req): Promise<Res> {
    this.#open();
    try {
      const res = await this.#client.unary(m, req);
      this.#reachable = true;
      return res;
    } catch (err) {
      const serr = toStorageError(err);
      this.#reachable = serr.code !== "Unavailable" && serr.code !== "Timeout";
      if (isCompactedError(err)) throw toStorageError(err, await this.compactedRevision());
      throw toStorageError(err);
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.#unary<pb.RangeRequest, pb.RangeResponse>(KV.range, { key: this.#key(key) });
    const kv = res.kvs[0];
    return kv && this.#kv(kv);
  }

  async list(opts: ListOptions): Promise<ListResult> {
    const prefix = this.#key(opts.prefix);
    let start = prefix;
    if (opts.after !== undefined) {
      const after = Buffer.concat([this.#key(opts.after), Buffer.from([0])]);
      if (Buffer.compare(after, prefix) > 0) start = after;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const res = await this.#unary<pb.RangeRequest, pb.RangeResponse>(KV.range, {
      key: start.length > 0 ? start : PROBE_KEY,
      rangeEnd: prefixEnd(prefix),
      limit,
      revision: opts.revision && opts.revision > 0 ? opts.revision : 0,
    });
    const kvs = res.kvs.map((kv) => this.#kv(kv));
    return {
      kvs,
      revision: opts.revision && opts.revision > 0 ? opts.revision : res.header.revision,
      more: res.more,
      remaining: Math.max(0, res.count - kvs.length),
    };
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const k = this.#key(key);
    const res = await this.#unary<pb.TxnRequest, pb.TxnResponse>(KV.txn, {
      compare: [{ result: pb.COMPARE_EQUAL, target: pb.TARGET_CREATE, key: k, createRevision: 0 }],
      success: [{ requestPut: { key: k, value: Buffer.from(value) } }],
      failure: [],
    });
    if (!res.succeeded) throw new StorageError("KeyExists", `${key} already exists`, { key });
    const rev = res.header.revision;
    return { key, value, createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    const k = this.#key(key);
    const res = await this.#unary<pb.TxnRequest, pb.TxnResponse>(KV.txn, {
      compare: [
        { result: pb.COMPARE_EQUAL, target: pb.TARGET_MOD, key: k, modRevision: expectedModRevision },
        { result: pb.COMPARE_GREATER, target: pb.TARGET_CREATE, key: k, createRevision: 0 },
      ],
      success: [{ requestPut: { key: k, value: Buffer.from(value) } }, { requestRange: { key: k, keysOnly: true } }],
      failure: [{ requestRange: { key: k } }],
    });
    if (!res.succeeded) throw this.#casFailure(key, res);
    const written = res.responses[1]!.responseRange!.kvs[0]!;
    return { key, value, createRevision: written.createRevision, modRevision: written.modRevision };
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ prev: KeyValue; revision: number }> {
    const k = this.#key(key);
    if (expectedModRevision === undefined) {
      const res = await this.#unary<pb.DeleteRangeRequest, pb.DeleteRangeResponse>(KV.deleteRange, { key: k, prevKv: true });
      const prev = res.prevKvs[0];
      if (!prev) throw new StorageError("NotFound", `${key} not found`, { key });
      return { prev: this.#kv(prev), revision: res.header.revision };
    }
    const res = await this.#unary<pb.TxnRequest, pb.TxnResponse>(KV.txn, {
      compare: [
        { result: pb.COMPARE_EQUAL, target: pb.TARGET_MOD, key: k, modRevision: expectedModRevision },
        { result: pb.COMPARE_GREATER, target: pb.TARGET_CREATE, key: k, createRevision: 0 },
      ],
      success: [{ requestDeleteRange: { key: k, prevKv: true } }],
      failure: [{ requestRange: { key: k } }],
    });
    if (!res.succeeded) throw this.#casFailure(key, res);
    return { prev: this.#kv(res.responses[0]!.responseDeleteRange!.prevKvs[0]!), revision: res.header.revision };
  }

  /** A failed compare-and-swap whose failure branch read the key: Conflict with the current value, or NotFound. */
  #casFailure(key: string, res: pb.TxnResponse): StorageError {
    const cur = res.responses[0]?.responseRange?.kvs[0];
    if (!cur) return new StorageError("NotFound", `${key} not found`, { key });
    return new StorageError("Conflict", `${key} was modified (now at revision ${cur.modRevision})`, { key, current: this.#kv(cur) });
  }

  async watch(opts: WatchOptions): Promise<void> {
    this.#open();
    if (opts.signal.aborted) return;
    // etcd would start a watch from a compacted revision and only then cancel it, so check first: a Range at
    // afterRevision fails exactly when afterRevision < the compact revision.
    try {
      await this.#client.unary(KV.range, { key: PROBE_KEY, countOnly: true, revision: Math.max(opts.afterRevision, 1) });
    } catch (err) {
      if (isCompactedError(err)) {
        const compactRevision = await this.compactedRevision();
        throw new StorageError("Compacted", `revision ${opts.afterRevision} has been compacted`, { compactRevision });
      }
      // A watch from a future revision is allowed: it waits.
      if (!isFutureRevisionError(err)) throw toStorageError(err);
    }
    if (opts.signal.aborted) return;
    const w = new EtcdWatch(this.#client, opts, this.#ns, this.#watchRetryMs, (x) => this.#kv(x), () => this.#watches.delete(w));
    this.#watches.add(w);
    await w.start();
  }

  async currentRevision(): Promise<number> {
    const res = await this.#unary<pb.RangeRequest, pb.RangeResponse>(KV.range, { key: PROBE_KEY, countOnly: true });
    return res.header.revision;
  }

  async compact(revision: number): Promise<void> {
    if (revision <= this.#knownCompacted) return;
    try {
      await this.#client.unary(KV.compact, { revision, physical: false });
    } catch (err) {
      // Already compacted at or beyond `revision` (by us or by another server): nothing to do.
      if (isCompactedError(err)) return;
      throw toStorageError(err);
    }
    this.#knownCompacted = Math.max(this.#knownCompacted, revision);
  }

  async compactedRevision(): Promise<number> {
    this.#open();
    try {
      await this.#client.unary(KV.range, { key: PROBE_KEY, countOnly: true, revision: Math.max(this.#knownCompacted, 1) });
      return this.#knownCompacted;
    } catch (err) {
      if (!isCompactedError(err)) throw toStorageError(err);
    }
    this.#knownCompacted = Math.max(this.#knownCompacted, await this.#probeCompactRevision());
    return this.#knownCompacted;
  }

  /** Asks etcd for its compact revision: a watch from revision 1 (known to be compacted) is answered with it. */
  #probeCompactRevision(): Promise<number> {
    return new Promise((resolve, reject) => {
      const call = this.#client.watch();
      const timer = setTimeout(() => finish(new StorageError("Timeout", "etcd did not report its compact revision in time")), 5000);
      const finish = (result: number | StorageError) => {
        clearTimeout(timer);
        call.removeAllListeners("data");
        call.on("error", () => {});
        call.cancel();
        if (typeof result === "number") resolve(result);
        else reject(result);
      };
      call.on("data", (res: pb.WatchResponse) => {
        if (res.compactRevision > 0) finish(res.compactRevision);
      });
      call.on("error", (err) => finish(toStorageError(err)));
      call.write({ createRequest: { key: PROBE_KEY, startRevision: 1 } });
    });
  }

  #startCompaction(intervalMs: number): void {
    if (intervalMs <= 0) return;
    let previous: number | undefined;
    const tick = async () => {
      try {
        const now = await this.currentRevision();
        if (previous !== undefined) await this.compact(previous);
        previous = now;
      } catch (err) {
        this.#log.warn({ err: (err as Error).message }, "etcd compaction failed; will retry");
      }
    };
    this.#compactTimer = setInterval(() => void tick(), intervalMs);
    this.#compactTimer.unref();
    void tick();
  }

  /** False while etcd is out of reach: the last request failed with Unavailable/Timeout, or a watch is reconnecting. */
  get healthy(): boolean {
    if (this.#closed || !this.#reachable) return false;
    for (const w of this.#watches) if (w.broken) return false;
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#compactTimer);
    for (const w of [...this.#watches]) w.fail(new StorageError("Unavailable", "storage closed"));
    this.#client.close();
  }

  #open(): void {
    if (this.#closed) throw new StorageError("Unavailable", "storage closed");
  }
}

/** One Storage watch: a gRPC Watch stream, reopened from the last delivered revision when it breaks. */
class EtcdWatch {
  readonly #client: EtcdClient;
  readonly #opts: WatchOptions;
  readonly #key: Buffer;
  readonly #rangeEnd: Buffer;
  readonly #retryMs: number;
  readonly #toKv: (kv: pb.KeyValue) => KeyValue;
  readonly #onDone: () => void;
  /** Every event at or below this revision has been delivered. */
  #delivered: number;
  #call: WatchCall | undefined;
  #done = false;
  /** When the current run of failed (re)connections began. */
  #failingSince: number | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #abort = () => this.#finish();

  /** The stream broke and is being reopened. */
  get broken(): boolean {
    return this.#failingSince !== undefined;
  }

  constructor(client: EtcdClient, opts: WatchOptions, ns: Buffer, retryMs: number, toKv: (kv: pb.KeyValue) => KeyValue, onDone: () => void) {
    this.#client = client;
    this.#opts = opts;
    this.#key = Buffer.concat([ns, Buffer.from(opts.prefix)]);
    if (this.#key.length === 0) this.#key = PROBE_KEY;
    this.#rangeEnd = prefixEnd(Buffer.concat([ns, Buffer.from(opts.prefix)]));
    this.#retryMs = retryMs;
    this.#toKv = toKv;
    this.#onDone = onDone;
    this.#delivered = opts.afterRevision;
    opts.signal.addEventListener("abort", this.#abort, { once: true });
  }

  /** Resolves once etcd has created the watch; rejects (and ends the watch) if the first stream fails. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => this.#open(false, resolve, reject));
  }

  #open(next: boolean, created?: () => void, failed?: (err: StorageError) => void): void {
    if (this.#done) return;
    const call = this.#client.watch(next);
    this.#call = call;
    let isCreated = false;
    call.on("data", (res: pb.WatchResponse) => {
      if (this.#call !== call || this.#done) return;
      if (res.compactRevision > 0) {
        const err = new StorageError("Compacted", `revision ${this.#delivered} has been compacted`, { compactRevision: res.compactRevision });
        if (!isCreated && failed) {
          this.#finish();
          failed(err);
        } else this.fail(err);
        return;
      }
      if (res.canceled) {
        this.#broken(call, new StorageError("Unavailable", `etcd canceled the watch: ${res.cancelReason}`));
        return;
      }
      if (res.created) {
        isCreated = true;
        this.#failingSince = undefined;
        created?.();
        return;
      }
      if (res.events.length > 0) this.#deliver(res.events);
      else if (res.header && res.header.revision > this.#delivered) {
        this.#delivered = res.header.revision;
        this.#opts.onProgress?.(res.header.revision);
      }
    });
    call.on("error", (err) => {
      if (this.#call !== call || this.#done) return;
      const serr = toStorageError(err);
      if (!isCreated && failed) {
        this.#finish();
        failed(serr);
      } else this.#broken(call, serr);
    });
    call.on("end", () => {
      if (this.#call !== call || this.#done) return;
      this.#broken(call, new StorageError("Unavailable", "etcd closed the watch stream"));
    });
    call.write({
      createRequest: {
        key: this.#key,
        rangeEnd: this.#rangeEnd,
        startRevision: this.#delivered + 1,
        progressNotify: this.#opts.onProgress !== undefined,
        prevKv: true,
      },
    });
  }

  #deliver(raw: pb.Event[]): void {
    const events: WatchEvent[] = [];
    for (const e of raw) {
      const rev = e.kv.modRevision;
      if (rev <= this.#delivered) continue;
      if (e.type === pb.EVENT_DELETE) {
        // etcd leaves prev_kv out when the previous revision was compacted in the meantime.
        if (!e.prevKv) return this.fail(new StorageError("Compacted", `the value deleted at revision ${rev} has been compacted`, { compactRevision: rev }));
        events.push({ type: "delete", key: this.#toKv(e.kv).key, revision: rev, prev: this.#toKv(e.prevKv) });
      } else {
        events.push({ type: "put", kv: this.#toKv(e.kv) });
      }
    }
    if (events.length === 0) return;
    const last = events[events.length - 1]!;
    this.#delivered = last.type === "put" ? last.kv.modRevision : last.revision;
    this.#opts.onEvents(events);
  }

  /** The stream broke after it was established: reopen it from the last delivered revision, for a while. */
  #broken(call: WatchCall, err: StorageError): void {
    call.removeAllListeners("data");
    call.on("error", () => {});
    call.cancel();
    this.#call = undefined;
    const now = Date.now();
    this.#failingSince ??= now;
    if (now - this.#failingSince >= this.#retryMs) {
      this.fail(err);
      return;
    }
    this.#retryTimer = setTimeout(() => this.#open(true), 250);
  }

  /** Ends the watch with an error (at most once). */
  fail(err: StorageError): void {
    if (this.#done) return;
    this.#finish();
    this.#opts.onError(err);
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#retryTimer);
    this.#opts.signal.removeEventListener("abort", this.#abort);
    const call = this.#call;
    this.#call = undefined;
    if (call) {
      call.removeAllListeners("data");
      call.on("error", () => {});
      call.cancel();
    }
    this.#onDone();
  }
}
