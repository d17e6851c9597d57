// A minimal etcd v3 gRPC client: unary KV/Maintenance calls with a deadline and endpoint failover, and raw
// Watch streams. The protocol messages come from etcd.proto (ours, with etcd's field numbers), loaded by
// @grpc/proto-loader; int64 fields decode to JS numbers (revisions stay far below 2^53).
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { StorageError } from "../interface.ts";
import type * as pb from "./wire.ts";

const PROTO = fileURLToPath(new URL("./etcd.proto", import.meta.url));
const defs = protoLoader.loadSync(PROTO, { longs: Number, enums: Number, defaults: true, oneofs: true });

export type Method<Req, Res> = protoLoader.MethodDefinition<Req, Res>;
const method = <Req, Res>(service: string, name: string): Method<Req, Res> =>
  (defs[`etcdserverpb.${service}`] as protoLoader.ServiceDefinition)[name] as unknown as Method<Req, Res>;

export const KV = {
  range: method<pb.RangeRequest, pb.RangeResponse>("KV", "Range"),
  deleteRange: method<pb.DeleteRangeRequest, pb.DeleteRangeResponse>("KV", "DeleteRange"),
  txn: method<pb.TxnRequest, pb.TxnResponse>("KV", "Txn"),
  compact: method<pb.CompactionRequest, pb.CompactionResponse>("KV", "Compact"),
} as const;
export const MAINTENANCE = {
  status: method<Record<string, never>, pb.StatusResponse>("Maintenance", "Status"),
} as const;
const WATCH = method<pb.WatchRequest, pb.WatchResponse>("Watch", "Watch");

export interface EtcdClientOptions {
  /** Client URLs (http://host:port or https://host:port); tried in order, moving on when one is unreachable. */
  endpoints: string[];
  /** Deadline of each request (not of watches). Default 5000 ms. */
  timeoutMs?: number;
  /** PEM material for https:// endpoints. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

// etcd's gRPC errors are distinguished only by their descriptions (etcd's own Go client compares them too);
// these two are the revision errors of mvcc, sent with code OUT_OF_RANGE.
const ETCD_COMPACTED = "etcdserver: mvcc: required revision has been compacted";
const ETCD_FUTURE_REV = "etcdserver: mvcc: required revision is a future revision";

/** Maps a gRPC error from etcd to the Storage error it means. */
export function toStorageError(err: unknown, compactRevision?: number): StorageError {
  if (err instanceof StorageError) return err;
  const e = err as Partial<grpc.ServiceError>;
  const details = e.details ?? (err instanceof Error ? err.message : String(err));
  switch (e.code) {
    case grpc.status.OUT_OF_RANGE:
      if (details === ETCD_COMPACTED) return new StorageError("Compacted", "the requested revision has been compacted", compactRevision === undefined ? {} : { compactRevision });
      if (details === ETCD_FUTURE_REV) return new StorageError("FutureRevision", "the requested revision is newer than the current revision");
      break;
    case grpc.status.DEADLINE_EXCEEDED:
      return new StorageError("Timeout", `etcd did not answer in time: ${details}`);
  }
  return new StorageError("Unavailable", `etcd: ${details}`);
}

export const isCompactedError = (err: unknown): boolean =>
  (err as Partial<grpc.ServiceError>).code === grpc.status.OUT_OF_RANGE && (err as grpc.ServiceError).details === ETCD_COMPACTED;
export const isFutureRevisionError = (err: unknown): boolean =>
  (err as Partial<grpc.ServiceError>).code === grpc.status.OUT_OF_RANGE && (err as grpc.ServiceError).details === ETCD_FUTURE_REV;

export type WatchCall = grpc.ClientDuplexStream<pb.WatchRequest, pb.WatchResponse>;

export class EtcdClient {
  readonly #clients: grpc.Client[];
  readonly #names: string[];
  readonly #timeoutMs: number;
  /** The endpoint requests go to first; moves on when it is unreachable. */
  #current = 0;

  constructor(opts: EtcdClientOptions) {
    if (opts.endpoints.length === 0) throw new Error("etcd: no endpoints");
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#names = opts.endpoints;
    this.#clients = opts.endpoints.map((e) => {
      const url = new URL(e);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`etcd endpoint ${e}: expected http:// or https://`);
      const creds = url.protocol === "https:"
        ? grpc.credentials.createSsl(opts.tls?.ca ?? null, opts.tls?.key ?? null, opts.tls?.cert ?? null)
        : grpc.credentials.createInsecure();
      const port = url.port || (url.protocol === "https:" ? "443" : "2379");
      return new grpc.Client(`${url.hostname}:${port}`, creds, {
        "grpc.max_receive_message_length": -1,
        "grpc.max_send_message_length": -1,
        "grpc.keepalive_time_ms": 30_000,
        "grpc.keepalive_timeout_ms": 10_000,
        // Reconnect quickly once an endpoint is back (grpc's default backoff grows to 2 minutes).
        "grpc.initial_reconnect_backoff_ms": 200,
        "grpc.max_reconnect_backoff_ms": 2000,
      });
    });
  }

  get endpoints(): readonly string[] {
    return this.#names;
  }

  /**
   * One request with a deadline. UNAVAILABLE from one endpoint (not connected, no leader) moves on to the next,
   * all within the same deadline; the caller gets the last error as a gRPC error (map it with toStorageError).
   */
  async unary<Req, Res>(m: Method<Req, Res>, req: Req): Promise<Res> {
    const deadline = Date.now() + this.#timeoutMs;
    let lastErr: unknown;
    for (let tried = 0; tried < this.#clients.length; tried++) {
      const idx = (this.#current + tried) % this.#clients.length;
      try {
        const res = await this.#call(this.#clients[idx]!, m, req, deadline);
        this.#current = idx;
        return res;
      } catch (err) {
        lastErr = err;
        if ((err as grpc.ServiceError).code !== grpc.status.UNAVAILABLE || Date.now() >= deadline) break;
      }
    }
    if ((lastErr as grpc.ServiceError).code === grpc.status.UNAVAILABLE || (lastErr as grpc.ServiceError).code === grpc.status.DEADLINE_EXCEEDED) {
      this.#current = (this.#current + 1) % this.#clients.length;
    }
    throw lastErr;
  }

  #call<Req, Res>(client: grpc.Client, m: Method<Req, Res>, req: Req, deadline: number): Promise<Res> {
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, req, { deadline }, (err, res) => {
        if (err) reject(err);
        else resolve(res!);
      });
    });
  }

  /**
   * Opens a Watch stream on the current endpoint (or the one after it when `next` is set, after a failure).
   * The stream asks etcd to cancel it when its member loses the leader, so a partitioned member cannot
   * leave a watch silently stale.
   */
  watch(next = false): WatchCall {
    if (next) this.#current = (this.#current + 1) % this.#clients.length;
    const md = new grpc.Metadata();
    md.set("hasleader", "true");
    return this.#clients[this.#current]!.makeBidiStreamRequest(WATCH.path, WATCH.requestSerialize, WATCH.responseDeserialize, md, {});
  }

  close(): void {
    for (const c of this.#clients) c.close();
  }
}
