// A pod's volumes on the node: each lives at <podsDir>/<pod uid>/volumes/<name> (hostPath excepted: the node's
// own path is mounted). emptyDir is a directory (a sized tmpfs for medium Memory); configMap, secret, downwardAPI
// and projected volumes are written atomically from their sources and rewritten by refresh() when those change;
// secret and projected volumes sit on tmpfs so their contents never reach the disk.
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join, relative, isAbsolute } from "node:path";
import type { Container, Pod, Volume } from "kubernetes-types/core/v1";
import { parseQuantity } from "../../api/validation/quantity.ts";
import type { Client } from "../../client/rest-client.ts";
import type { Mount } from "../cri/types.ts";
import type { Allocatable } from "../env/field-ref.ts";
import { writeAtomically } from "./atomic-writer.ts";
import { VolumeError } from "./errors.ts";
import { prepareHostPath } from "./host-path.ts";
import { mountsUnder, mountTmpfs, unmount } from "./mounts.ts";
import { volumePayload } from "./payloads.ts";
import type { PayloadSources } from "./payloads.ts";
import { SourceCache } from "./source-cache.ts";
import { TokenManager } from "./token-manager.ts";

export interface VolumeManagerOptions {
  /** <agent dir>/pods. */
  podsDir: string;
  client: Client;
  signal?: AbortSignal;
  /** The clock tokens are aged by; Date.now by default. */
  now?: () => number;
  /** How long a ConfigMap or Secret read is shared (ms); default 1000. */
  sourceTtlMs?: number;
  /** The node's allocatable amounts, for resourceFieldRef limits a container leaves unset. */
  allocatable?: Allocatable;
}

const PROPAGATION = {
  None: "PROPAGATION_PRIVATE",
  HostToContainer: "PROPAGATION_HOST_TO_CONTAINER",
  Bidirectional: "PROPAGATION_BIDIRECTIONAL",
} as const;

/** Volumes written from API data, which containers only ever see read-only. */
const isApiData = (v: Volume): boolean => !!(v.configMap || v.secret || v.downwardAPI || v.projected);
const onTmpfs = (v: Volume): boolean => !!(v.secret || v.projected || v.emptyDir?.medium === "Memory");

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class VolumeManager {
  private readonly podsDir: string;
  private readonly signal: AbortSignal | undefined;
  private readonly tokens: TokenManager;
  private readonly sources: PayloadSources;

  constructor(opts: VolumeManagerOptions) {
    this.podsDir = opts.podsDir;
    this.signal = opts.signal;
    this.tokens = new TokenManager(opts.client, opts.now);
    const cache = new SourceCache(opts.client, { ttlMs: opts.sourceTtlMs, now: opts.now });
    this.sources = {
      getConfigMap: (ns, name) => cache.getConfigMap(ns, name),
      getSecret: (ns, name) => cache.getSecret(ns, name),
      tokens: this.tokens,
      allocatable: opts.allocatable,
    };
  }

  volumeDir(podUid: string, volume: string): string {
    return join(this.podsDir, podUid, "volumes", volume);
  }

  /** Makes and fills every volume of the pod; throws the first VolumeError (the pod worker retries). */
  async setUp(pod: Pod): Promise<void> {
    for (const v of pod.spec?.volumes ?? []) {
      this.signal?.throwIfAborted();
      try {
        await this.setUpVolume(pod, v);
      } catch (err) {
        throw err instanceof VolumeError ? err : new VolumeError(v.name, message(err));
      }
    }
  }

  private async setUpVolume(pod: Pod, v: Volume): Promise<void> {
    if (v.hostPath) return prepareHostPath(v.hostPath.path, v.hostPath.type);
    const dir = this.volumeDir(podUid(pod), v.name);
    if (v.emptyDir) {
      await mkdir(dir, { recursive: true });
      if (v.emptyDir.medium === "Memory") {
        const size = v.emptyDir.sizeLimit === undefined ? undefined : parseQuantity(v.emptyDir.sizeLimit);
        await mountTmpfs(dir, { mode: 0o777, sizeBytes: size ? (size.nanos + 999_999_999n) / 1_000_000_000n : undefined });
      }
      return;
    }
    if (!isApiData(v)) throw new VolumeError(v.name, "volume type not supported by this node");
    // Fetch first: a missing source must leave nothing half-made.
    const payload = (await volumePayload(pod, v, this.sources))!;
    await mkdir(dir, { recursive: true, mode: 0o755 });
    if (onTmpfs(v)) await mountTmpfs(dir, { mode: 0o755 });
    await writeAtomically(dir, payload);
  }

  /** Rewrites the API-data volumes whose sources changed; tries every volume, then throws the first error. */
  async refresh(pod: Pod): Promise<void> {
    let first: VolumeError | undefined;
    for (const v of pod.spec?.volumes ?? []) {
      if (!isApiData(v)) continue;
      const dir = this.volumeDir(podUid(pod), v.name);
      if (!existsSync(dir)) continue; // not set up (yet): setUp owns it
      try {
        await writeAtomically(dir, (await volumePayload(pod, v, this.sources))!);
      } catch (err) {
        first ??= err instanceof VolumeError ? err : new VolumeError(v.name, message(err));
      }
    }
    if (first) throw first;
  }

  /** The CRI mounts for a container's volumeMounts. subPaths are made (as directories) when missing. */
  containerMounts(pod: Pod, container: Container): Mount[] {
    const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
    return (container.volumeMounts ?? []).map((vm) => {
      const v = volumes.get(vm.name);
      if (!v) throw new VolumeError(vm.name, `volume "${vm.name}" is not defined in the pod`);
      const root = v.hostPath ? v.hostPath.path : this.volumeDir(podUid(pod), v.name);
      const hostPath = vm.subPath ? subPathOf(v.name, root, vm.subPath) : root;
      return {
        containerPath: vm.mountPath,
        hostPath,
        readonly: !!vm.readOnly || isApiData(v),
        selinuxRelabel: false,
        propagation: PROPAGATION[(vm.mountPropagation ?? "None") as keyof typeof PROPAGATION] ?? "PROPAGATION_PRIVATE",
      };
    });
  }

  /** Unmounts and removes everything the pod had under podsDir. Safe to repeat, and after a restart. */
  async tearDown(uid: string): Promise<void> {
    this.tokens.forget(uid);
    const podDir = join(this.podsDir, uid);
    if (!existsSync(podDir)) return;
    for (const point of await mountsUnder(podDir)) await unmount(point);
    // Never recurse into something still mounted: a failed unmount above has thrown already.
    await rm(podDir, { recursive: true, force: true });
  }
}

function podUid(pod: Pod): string {
  const uid = pod.metadata?.uid;
  if (!uid) throw new Error("pod has no uid");
  return uid;
}

/** root/subPath, made when missing, refused when it resolves outside root (e.g. through a symlink). */
function subPathOf(volume: string, root: string, subPath: string): string {
  if (isAbsolute(subPath) || subPath.split("/").includes("..")) throw new VolumeError(volume, `invalid subPath "${subPath}"`);
  const full = join(root, subPath);
  if (!existsSync(full)) mkdirSync(full, { recursive: true, mode: 0o755 });
  const rel = relative(realpathSync(root), realpathSync(full));
  if (rel === ".." || rel.startsWith("../") || isAbsolute(rel)) throw new VolumeError(volume, `subPath "${subPath}" is outside the volume`);
  return full;
}
