// What the API server knows about each kind: names, scope, subresources and its strategy hooks.
// The registry of all built-in kinds lives in ./resources.ts; strategies are attached there by GroupKind key.
import type { FieldError } from "./errors.ts";

/** kubernetes-types marks server-set fields readonly; the API server is the one that sets them. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type ObjectMeta = Mutable<import("kubernetes-types/meta/v1").ObjectMeta>;

/** Any stored Kubernetes object. Specific types come from kubernetes-types where a strategy needs them. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** "apps/Deployment", "/Pod" (core group is empty): the key strategies are registered under. */
export type GroupKindKey = `${string}/${string}`;
export const groupKindKey = (group: string, kind: string): GroupKindKey => `${group}/${kind}`;

export interface TableColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  description: string;
  /** 0: shown by default; 1: only with -o wide. */
  priority: 0 | 1;
}

/** Table output (kubectl get) for one kind: the columns and one row of cells per object. */
export interface TableDef {
  columns: TableColumn[];
  /** Cells in column order; the first column is conventionally the name. `now` is for ages. */
  cells(obj: any, now: Date): unknown[];
}

export interface ValidationContext {
  /** The stored object for updates, absent on create. */
  old?: any;
}

export interface Strategy {
  /** Upstream's SetDefaults_* for the kind (mutates). Runs on create and on every update, before validation. */
  defaults?(obj: any): void;
  /** Upstream's validation for the kind (object metadata is validated generically by the API server). */
  validate?(obj: any, ctx: ValidationContext): FieldError[];
  /** Extra field selectors beyond metadata.name and metadata.namespace: selector field -> value in an object. */
  fieldSelectors?: Record<string, (obj: any) => string | undefined>;
  table?: TableDef;
}

export interface ScaleSubresource {
  /** JSON paths (dot form) of the replica fields and the status selector. */
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** A version served by converting to and from the version of the kind that is stored. */
export interface Conversion {
  /** Where the objects live: the group (events.k8s.io Events are core Events) and version. */
  storageGroup: string;
  storageVersion: string;
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: readonly string[];
  /** Has a status subresource: the main resource ignores status changes and /status ignores everything else. */
  status: boolean;
  scale?: ScaleSubresource;
  /** metadata.generation is bumped on changes outside metadata and status. */
  generation: boolean;
  /** Other subresources served by dedicated handlers ("binding", "token", "eviction", "log", ...). */
  extraSubresources: readonly string[];
  strategy: Strategy;
  /** Set for versions that are not the storage version. */
  conversion?: Conversion;
}

export const apiVersionOf = (r: { group: string; version: string }): string => (r.group ? `${r.group}/${r.version}` : r.version);
