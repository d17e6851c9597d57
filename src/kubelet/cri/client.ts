// A CRI runtime.v1 client over gRPC (containerd's CRI plugin on a unix socket): the RuntimeService and
// ImageService calls the node agent makes, each with its own deadline, decoded into the types of types.ts.
// The messages come from api.proto (ours, with the protocol's field numbers), loaded by @grpc/proto-loader:
// lowerCamelCase fields, enums as their names, int64s as numbers, bytes as Buffers.
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type {
  Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatus, CriRuntime, ExecSyncResult, Image,
  LinuxContainerResources, PodSandbox, PodSandboxConfig, PodSandboxFilter, PodSandboxStatus, RuntimeCondition,
  StreamingRequest,
} from "./types.ts";

const PROTO = fileURLToPath(new URL("./api.proto", import.meta.url));
const defs = protoLoader.loadSync(PROTO, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });

type AnyMethod = protoLoader.MethodDefinition<object, Wire>;
const service = (name: string) => defs[`runtime.v1.${name}`] as protoLoader.ServiceDefinition;
const RUNTIME = service("RuntimeService");
const IMAGES = service("ImageService");

/** A decoded response: proto-loader gives plain objects; absent message fields are null (defaults: true). */
type Wire = Record<string, any>;

const DEFAULT_TIMEOUT_MS = 30_000;
const PULL_TIMEOUT_MS = 120_000;
/** Added to a call's own timeout (stop grace period, exec timeout) for the runtime to answer after it. */
const SLACK_MS = 30_000;

/** A gRPC error from the runtime: `code` is the gRPC status code, the message is the runtime's. */
export class CriError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = "CriError";
    this.code = code;
  }
}

/** Turns "unix:///run/x.sock", "unix:/run/x.sock" or a bare path into the address grpc-js dials. */
export function criAddress(endpoint: string): string {
  if (endpoint.startsWith("unix:")) return endpoint;
  if (endpoint.startsWith("/")) return `unix://${endpoint}`;
  throw new Error(`CRI endpoint ${endpoint}: expected unix:///path or an absolute socket path`);
}

export class CriClient implements CriRuntime {
  readonly #client: grpc.Client;
  readonly #timeoutMs: number;

  private constructor(client: grpc.Client, timeoutMs: number) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * A client for the runtime at `endpoint` ("unix:///path.sock" or a path). Connects lazily, on the first call.
   * `timeoutMs` is the deadline of calls that have no deadline of their own (default 30 s).
   */
  static connect(endpoint: string, opts: { timeoutMs?: number } = {}): CriClient {
    return new CriClient(new grpc.Client(criAddress(endpoint), grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 32 * 1024 * 1024, // ExecSync output may reach 16 MiB per stream
      // containerd restarts under the supervisor: reconnect quickly instead of backing off to minutes.
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 1000,
    }), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  #call(svc: protoLoader.ServiceDefinition, name: string, req: object, timeoutMs = this.#timeoutMs): Promise<Wire> {
    const m = svc[name] as AnyMethod | undefined;
    if (!m) throw new Error(`CRI method ${name} is not in api.proto`);
    const deadline = Number.isFinite(timeoutMs) ? Date.now() + timeoutMs : Infinity;
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, req, { deadline }, (err, res) => {
        if (err) reject(new CriError(err.code, err.details || err.message));
        else resolve(res!);
      });
    });
  }

  #runtime(name: string, req: object, timeoutMs?: number): Promise<Wire> {
    return this.#call(RUNTIME, name, req, timeoutMs);
  }

  #images(name: string, req: object, timeoutMs?: number): Promise<Wire> {
    return this.#call(IMAGES, name, req, timeoutMs);
  }

  async version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    const r = await this.#runtime("Version", { version: "v1" });
    return { runtimeName: r.runtimeName, runtimeVersion: r.runtimeVersion, runtimeApiVersion: r.runtimeApiVersion };
  }

  async status(): Promise<{ conditions: RuntimeCondition[] }> {
    const r = await this.#runtime("Status", {});
    const conditions = (r.status?.conditions ?? []) as Wire[];
    return { conditions: conditions.map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })) };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    // The runtime pulls the sandbox image first when it lacks it: allow the pull deadline.
    const r = await this.#runtime("RunPodSandbox", { config }, PULL_TIMEOUT_MS);
    return r.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.#runtime("StopPodSandbox", { podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.#runtime("RemovePodSandbox", { podSandboxId });
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const r = await this.#runtime("PodSandboxStatus", { podSandboxId });
    const s = r.status as Wire;
    const status: PodSandboxStatus = toPodSandbox(s);
    if (s.network) {
      status.network = { ip: s.network.ip, additionalIps: (s.network.additionalIps as Wire[]).map((a) => ({ ip: a.ip })) };
    }
    return status;
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const r = await this.#runtime("ListPodSandbox", { filter });
    return (r.items as Wire[]).map(toPodSandbox);
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const r = await this.#runtime("CreateContainer", { podSandboxId, config, sandboxConfig });
    return r.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.#runtime("StartContainer", { containerId });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.#runtime("StopContainer", { containerId, timeout: timeoutSeconds }, timeoutSeconds * 1000 + SLACK_MS);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.#runtime("RemoveContainer", { containerId });
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const r = await this.#runtime("ListContainers", { filter });
    return (r.containers as Wire[]).map((c) => ({
      id: c.id,
      podSandboxId: c.podSandboxId,
      metadata: toContainerMetadata(c.metadata),
      image: { image: c.image?.image ?? "" },
      imageRef: c.imageRef,
      state: c.state,
      createdAt: c.createdAt,
      labels: c.labels,
      annotations: c.annotations,
    }));
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const r = await this.#runtime("ContainerStatus", { containerId });
    const s = r.status as Wire;
    return {
      id: s.id,
      metadata: toContainerMetadata(s.metadata),
      state: s.state,
      createdAt: s.createdAt,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      exitCode: s.exitCode,
      image: { image: s.image?.image ?? "" },
      imageRef: s.imageRef,
      reason: s.reason,
      message: s.message,
      labels: s.labels,
      annotations: s.annotations,
      logPath: s.logPath,
    };
  }

  async updateContainerResources(containerId: string, resources: LinuxContainerResources): Promise<void> {
    await this.#runtime("UpdateContainerResources", { containerId, linux: resources });
  }

  /** `timeoutSeconds` 0 lets the command run as long as it likes (no deadline on the call either). */
  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 + SLACK_MS : Infinity;
    const r = await this.#runtime("ExecSync", { containerId, cmd, timeout: timeoutSeconds }, deadline);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  }

  async exec(req: StreamingRequest & { cmd: string[] }): Promise<string> {
    const r = await this.#runtime("Exec", req);
    return r.url;
  }

  async attach(req: StreamingRequest): Promise<string> {
    const { containerId, tty, stdin, stdout, stderr } = req;
    const r = await this.#runtime("Attach", { containerId, tty, stdin, stdout, stderr });
    return r.url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    const r = await this.#runtime("PortForward", { podSandboxId, port: ports });
    return r.url;
  }

  async containerStats(containerId: string): Promise<ContainerStats> {
    const r = await this.#runtime("ContainerStats", { containerId });
    return toContainerStats(r.stats);
  }

  async listContainerStats(): Promise<ContainerStats[]> {
    const r = await this.#runtime("ListContainerStats", {});
    return (r.stats as Wire[]).map(toContainerStats);
  }

  async listImages(): Promise<Image[]> {
    const r = await this.#images("ListImages", {});
    return (r.images as Wire[]).map(toImage);
  }

  async imageStatus(image: string): Promise<Image | undefined> {
    const r = await this.#images("ImageStatus", { image: { image } });
    return r.image ? toImage(r.image) : undefined;
  }

  async pullImage(image: string, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const r = await this.#images("PullImage", { image: { image }, sandboxConfig }, PULL_TIMEOUT_MS);
    return r.imageRef;
  }

  async removeImage(image: string): Promise<void> {
    await this.#images("RemoveImage", { image: { image } });
  }

  async imageFsInfo(): Promise<{ usedBytes: number; inodesUsed: number; mountpoint: string }[]> {
    const r = await this.#images("ImageFsInfo", {});
    return (r.imageFilesystems as Wire[]).map((f) => ({
      usedBytes: f.usedBytes?.value ?? 0,
      inodesUsed: f.inodesUsed?.value ?? 0,
      mountpoint: f.fsId?.mountpoint ?? "",
    }));
  }

  close(): void {
    this.#client.close();
  }
}

function toPodSandbox(s: Wire): PodSandbox {
  const m = s.metadata as Wire | null;
  return {
    id: s.id,
    metadata: { name: m?.name ?? "", uid: m?.uid ?? "", namespace: m?.namespace ?? "", attempt: m?.attempt ?? 0 },
    state: s.state,
    createdAt: s.createdAt,
    labels: s.labels,
    annotations: s.annotations,
  };
}

const toContainerMetadata = (m: Wire | null) => ({ name: m?.name ?? "", attempt: m?.attempt ?? 0 });

/** Keeps an optional UInt64Value wrapper optional: absent stays absent rather than reading as 0. */
const wrapped = (v: Wire | null): { value: number } | undefined => (v ? { value: v.value } : undefined);

function toContainerStats(s: Wire): ContainerStats {
  const a = s.attributes as Wire | null;
  const stats: ContainerStats = {
    attributes: { id: a?.id ?? "", metadata: toContainerMetadata(a?.metadata ?? null), labels: a?.labels ?? {}, annotations: a?.annotations ?? {} },
  };
  if (s.cpu) stats.cpu = { timestamp: s.cpu.timestamp, usageCoreNanoSeconds: wrapped(s.cpu.usageCoreNanoSeconds) };
  if (s.memory) {
    const m = s.memory;
    stats.memory = { timestamp: m.timestamp, workingSetBytes: wrapped(m.workingSetBytes), availableBytes: wrapped(m.availableBytes), usageBytes: wrapped(m.usageBytes), rssBytes: wrapped(m.rssBytes) };
  }
  return stats;
}

const toImage = (i: Wire): Image => ({ id: i.id, repoTags: i.repoTags, repoDigests: i.repoDigests, size: i.size });
