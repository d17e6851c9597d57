// TypeScript shapes of the etcd.proto messages as @grpc/proto-loader presents them (camelCase fields, int64 as
// number, bytes as Buffer; absent messages decode as null, absent scalars as their zero value).

export interface ResponseHeader {
  revision: number;
}

export interface KeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
}

export const EVENT_PUT = 0;
export const EVENT_DELETE = 1;

export interface Event {
  type: number;
  kv: KeyValue;
  prevKv: KeyValue | null;
}

export interface RangeRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  limit?: number;
  revision?: number;
  keysOnly?: boolean;
  countOnly?: boolean;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export interface PutRequest {
  key: Buffer;
  value: Buffer;
  prevKv?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prevKv: KeyValue | null;
}

export interface DeleteRangeRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

export type RequestOp =
  | { requestRange: RangeRequest }
  | { requestPut: PutRequest }
  | { requestDeleteRange: DeleteRangeRequest };

export interface ResponseOp {
  responseRange: RangeResponse | null;
  responsePut: PutResponse | null;
  responseDeleteRange: DeleteRangeResponse | null;
}

export const COMPARE_EQUAL = 0;
export const COMPARE_GREATER = 1;
export const TARGET_CREATE = 1;
export const TARGET_MOD = 2;

export interface Compare {
  result: number;
  target: number;
  key: Buffer;
  createRevision?: number;
  modRevision?: number;
}

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  physical?: boolean;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

export interface WatchCreateRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  startRevision?: number;
  progressNotify?: boolean;
  prevKv?: boolean;
}

export type WatchRequest =
  | { createRequest: WatchCreateRequest }
  | { cancelRequest: { watchId: number } };

export interface WatchResponse {
  header: ResponseHeader | null;
  watchId: number;
  created: boolean;
  canceled: boolean;
  compactRevision: number;
  cancelReason: string;
  events: Event[];
}

export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  leader: number;
}
