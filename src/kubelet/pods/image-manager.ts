// Makes a container's image present per its imagePullPolicy, with upstream's defaults (Always for :latest or no
// tag, else IfNotPresent), events, and ImagePullBackOff. Air-gapped nodes matter: when a pull fails but the image
// is already present, the local copy is used (and the registry is not asked again for a while), so `busybox`
// images built at setup run without a registry.
import type { Container, Pod } from "kubernetes-types/core/v1";
import type { EventRecorder } from "../../client/events.ts";
import type { CriRuntime } from "../cri/types.ts";
import { RestartBackoff } from "./backoff.ts";
import type { ImagePuller } from "./deps.ts";

export type ImageErrorReason = "ErrImagePull" | "ImagePullBackOff" | "ErrImageNeverPull";

export class ImageError extends Error {
  readonly reason: ImageErrorReason;
  constructor(reason: ImageErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** How long a registry that failed a pull is not asked again for images already present. */
const UNREACHABLE_MS = 5 * 60_000;
/** How long a pull may take before an image already present is used instead. */
const LOCAL_COPY_PULL_BUDGET_MS = 5_000;

/** Rejects after `ms`, unless `pending` settles first (then it never settles, keeping no timer alive). */
function timeout(ms: number, pending: Promise<unknown>): Promise<never> {
  return new Promise((_, reject) => {
    const t = setTimeout(() => reject(new Error(`the registry did not answer within ${ms / 1000} s`)), ms);
    pending.then(() => clearTimeout(t), () => clearTimeout(t));
  });
}

export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  const name = image.split("@")[0];
  const lastSlash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  const tag = colon > lastSlash ? name.slice(colon + 1) : "";
  return image.includes("@") ? "IfNotPresent" : !tag || tag === "latest" ? "Always" : "IfNotPresent";
}

/** The registry host of a reference, as the runtime resolves short names (docker.io by default). */
export function registryOf(image: string): string {
  const first = image.split("/")[0];
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

export class ImageManager implements ImagePuller {
  private readonly cri: CriRuntime;
  private readonly events: EventRecorder;
  private readonly now: () => number;
  private readonly backoff = new RestartBackoff();
  private readonly unreachableUntil = new Map<string, number>();
  private readonly pullBudgetMs: number;

  constructor(opts: { cri: CriRuntime; events: EventRecorder; now?: () => number; pullBudgetMs?: number }) {
    this.cri = opts.cri;
    this.events = opts.events;
    this.now = opts.now ?? Date.now;
    this.pullBudgetMs = opts.pullBudgetMs ?? LOCAL_COPY_PULL_BUDGET_MS;
  }

  async ensure(pod: Pod, c: Container): Promise<void> {
    const image = c.image!;
    const policy = c.imagePullPolicy ?? defaultPullPolicy(image);
    const present = await this.cri.imageStatus(image);
    if (policy === "Never") {
      if (present) return;
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      this.events.event(pod, "Warning", "ErrImageNeverPull", msg);
      throw new ImageError("ErrImageNeverPull", msg);
    }
    const registry = registryOf(image);
    if (present && (policy === "IfNotPresent" || (this.unreachableUntil.get(registry) ?? 0) > this.now())) {
      this.events.event(pod, "Normal", "Pulled", `Container image "${image}" already present on machine`);
      return;
    }
    const now = this.now();
    if (this.backoff.waitUntil(image, now) > now) {
      this.events.event(pod, "Normal", "BackOff", `Back-off pulling image "${image}"`);
      throw new ImageError("ImagePullBackOff", `Back-off pulling image "${image}"`);
    }
    this.events.event(pod, "Normal", "Pulling", `Pulling image "${image}"`);
    const started = this.now();
    try {
      const pull = this.cri.pullImage(image);
      // With a local copy at hand, a registry that does not answer promptly (a firewall dropping packets) must
      // not hold the pod for minutes: the copy is used and the pull left to finish or fail on its own.
      await (present ? Promise.race([pull, timeout(this.pullBudgetMs, pull)]) : pull);
      this.events.event(pod, "Normal", "Pulled", `Successfully pulled image "${image}" in ${((this.now() - started) / 1000).toFixed(3)}s`);
    } catch (err) {
      const msg = `failed to pull image "${image}": ${(err as Error).message}`;
      if (present) {
        this.unreachableUntil.set(registry, this.now() + UNREACHABLE_MS);
        this.events.event(pod, "Normal", "Pulled", `Container image "${image}" already present on machine (the pull failed, so the local copy is used: ${(err as Error).message})`);
        return;
      }
      this.backoff.restarted(image, this.now());
      this.events.event(pod, "Warning", "Failed", `Failed to pull image "${image}": ${(err as Error).message}`);
      throw new ImageError("ErrImagePull", msg);
    }
  }
}
