// The datastore contract every backend (sqlite/, etcd/) implements, with etcd's semantics: one increasing
// revision for the whole store, each key's modRevision is the revision of its last write, updates are
// compare-and-swap on it, and watches replay every change after a revision that is not yet compacted.
// Values are opaque strings (the API server stores JSON); the API layer maps StorageError to Status.

export interface KeyValue {
  key: string;
  value: string;
  /** Revision that created this incarnation of the key. */
  createRevision: number;
  /** Revision of the last write to the key: the object's resourceVersion. */
  modRevision: number;
}

export type WatchEvent =
  /** A put carries only the new value: consumers that need the old one keep it (as the watch cache does). */
  | { type: "put"; kv: KeyValue }
  /** `prev` is the value that was deleted; `revision` is the deleting write's revision. */
  | { type: "delete"; key: string; revision: number; prev: KeyValue };

export interface ListOptions {
  /** Keys starting with this prefix. */
  prefix: string;
  /** Only keys strictly greater than this one (continue tokens). */
  after?: string;
  /** At most this many items; `more` tells whether there were others. 0 or absent: no limit. */
  limit?: number;
  /** Read as of this revision (must not be compacted); absent: the current revision. */
  revision?: number;
}

export interface ListResult {
  kvs: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  more: boolean;
  /** How many keys under the prefix remain after the returned ones (when the backend knows cheaply). */
  remaining?: number;
}

export interface WatchOptions {
  prefix: string;
  /** Deliver every change with revision > afterRevision, then live changes. */
  afterRevision: number;
  signal: AbortSignal;
  /** Events in revision order; a batch never splits one revision. */
  onEvents: (events: WatchEvent[]) => void;
  /** The store has reached this revision with nothing more under the prefix (etcd progress notify). */
  onProgress?: (revision: number) => void;
  /** The watch ended for a reason other than the signal (compaction, backend failure). Called at most once. */
  onError: (err: StorageError) => void;
}

export type StorageErrorCode = "KeyExists" | "NotFound" | "Conflict" | "Compacted" | "FutureRevision" | "Unavailable" | "Timeout";

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly key: string | undefined;
  /** For Conflict: the current value, so callers can retry without another read. */
  readonly current: KeyValue | undefined;
  /** For Compacted: the oldest revision still readable. */
  readonly compactRevision: number | undefined;
  constructor(code: StorageErrorCode, message: string, extra: { key?: string; current?: KeyValue; compactRevision?: number } = {}) {
    super(message);
    this.code = code;
    this.key = extra.key;
    this.current = extra.current;
    this.compactRevision = extra.compactRevision;
  }
}

export interface Storage {
  /** False while the datastore is out of reach (for /readyz); a local file is healthy until closed. */
  readonly healthy: boolean;
  get(key: string): Promise<KeyValue | undefined>;
  list(opts: ListOptions): Promise<ListResult>;
  /** Fails with KeyExists if the key exists. */
  create(key: string, value: string): Promise<KeyValue>;
  /** Compare-and-swap: fails with Conflict (carrying the current value) unless modRevision matches, NotFound if absent. */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /** Deletes the key, optionally only at expectedModRevision (else Conflict). Returns the deleted value and the delete's revision. */
  delete(key: string, expectedModRevision?: number): Promise<{ prev: KeyValue; revision: number }>;
  /** Starts a watch; resolves once it is established. Rejects with Compacted if afterRevision was compacted. */
  watch(opts: WatchOptions): Promise<void>;
  currentRevision(): Promise<number>;
  /**
   * The current revision, only for a store that knows it without a round trip (an embedded one): readers use it
   * to tell whether a cache is up to date. Stores behind a network leave it out.
   */
  revisionNow?(): number;
  /** Drops history at or below revision (keeping each live key's latest value). */
  compact(revision: number): Promise<void>;
  /** The oldest revision a read or watch may still ask for. */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}
