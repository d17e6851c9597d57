// The node agent: supervises containerd (or uses one given), registers the Node and keeps its Lease, serves
// logs/exec/attach/port-forward to the API server, and runs the pods bound to this node through CRI.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigMap, Container, Pod, Secret, Service } from "kubernetes-types/core/v1";
import type { Client } from "../client/rest-client.ts";
import { R } from "../client/resources.ts";
import { Informer } from "../client/informer.ts";
import { isNotFound } from "../client/errors.ts";
import { ApiEventRecorder } from "../client/events.ts";
import { logger } from "../util/log.ts";
import { CriClient } from "./cri/client.ts";
import type { CriRuntime, KeyValue, Mount } from "./cri/types.ts";
import { startContainerd } from "./containerd/supervisor.ts";
import { writeCniConfig } from "./containerd/cni.ts";
import { startPodNetwork } from "./network/pod-network.ts";
import { ensureBuiltinImages } from "./images/builtin.ts";
import { startNodeAgentStatus } from "./node/node-status-agent.ts";
import { readMachine } from "./node/machine.ts";
import { nodeResources } from "./node/resources.ts";
import { defaultNodeIp } from "./node/node-ip.ts";
import { ProbeManager } from "./probes/manager.ts";
import { runHook } from "./lifecycle/run-hook.ts";
import { VolumeManager } from "./volumes/manager.ts";
import { resolveEnv } from "./env/resolve-env.ts";
import { expandVars } from "./env/expand.ts";
import { etcHosts } from "./env/etc-hosts.ts";
import { startNodeServer } from "./streaming/server.ts";
import { StatsCollector } from "./stats/collector.ts";
import { AgentMetrics } from "./stats/agent-metrics.ts";
import { statsEndpoints } from "./stats/endpoints.ts";
import { RestartBackoff } from "./pods/backoff.ts";
import { ImageManager } from "./pods/image-manager.ts";
import { PodManager } from "./pods/pod-manager.ts";
import type { WorkerDeps } from "./pods/deps.ts";

const log = logger("kubelet");

export interface NodeAgentOptions {
  /** A client acting as this node (system:node:<name>). */
  client: Client;
  nodeName: string;
  /** The address other nodes and the API server reach this node at. Default: the first non-loopback IPv4. */
  nodeIP?: string;
  /** The agent's own directory (containerd, pods, logs, CNI config). */
  dir: string;
  /** An existing CRI endpoint (unix://...); unset: Berth runs its own containerd under `dir`. */
  containerRuntimeEndpoint?: string;
  /** This node's pod subnet; unset: the one the server records in spec.podCIDR. */
  podCidr?: string;
  clusterDns?: string;
  clusterDomain: string;
  /** The agent's HTTPS endpoint for the API server (0: any free port). */
  port: number;
  bindAddress: string;
  tls: { cert: string; key: string; ca: string };
  controlPlane: boolean;
  signal: AbortSignal;
}

export interface RunningNodeAgent {
  port: number;
  cri: CriRuntime;
  /** Resolves once everything has stopped after the signal. */
  done: Promise<void>;
}

const PODCIDR_POLL_MS = 200;

/** The node's pod subnet: given, or recorded on the Node by the server's node-ipam controller. */
async function waitForPodCidr(client: Client, nodeName: string, signal: AbortSignal): Promise<string> {
  const nodes = client.resource(R.nodes);
  while (!signal.aborted) {
    const node = await nodes.get(undefined, nodeName).catch(() => undefined);
    if (node?.spec?.podCIDR) return node.spec.podCIDR;
    await new Promise((r) => setTimeout(r, PODCIDR_POLL_MS));
  }
  throw new Error("stopped before the node had a pod CIDR");
}

export async function startNodeAgent(opts: NodeAgentOptions): Promise<RunningNodeAgent> {
  const { client, nodeName, signal } = opts;
  const started = performance.now();
  const cniDir = join(opts.dir, "cni");
  const podsDir = join(opts.dir, "pods");
  const logsDir = join(opts.dir, "logs");
  await Promise.all([mkdir(cniDir, { recursive: true }), mkdir(podsDir, { recursive: true }), mkdir(logsDir, { recursive: true })]);

  const containerd = opts.containerRuntimeEndpoint ? undefined : await startContainerd({ dir: join(opts.dir, "containerd"), cniConfDir: cniDir });
  const endpoint = opts.containerRuntimeEndpoint ?? containerd!.endpoint;
  const cri = CriClient.connect(endpoint);
  const imagesReady = ensureBuiltinImages(endpoint, cri).catch((err) => log.error({ err: (err as Error).message }, "importing the built-in images failed"));

  const nodeIP = opts.nodeIP ?? defaultNodeIp();
  // The pod manager comes after registration; until then the streaming server finds no pods.
  const running: { manager?: PodManager } = {};
  const stats = new StatsCollector({ cri, nodeName, dataDir: opts.dir });
  stats.run(signal);
  const server = await startNodeServer({
    bindAddress: opts.bindAddress,
    port: opts.port,
    tls: opts.tls,
    cri,
    signal,
    stats: statsEndpoints(stats, new AgentMetrics({ cri, nodeName })),
    pods: {
      sandboxId: (ns, name) => running.manager?.sandboxId(ns, name),
      containerId: (ns, name, container) => running.manager?.containerId(ns, name, container),
      logPath: (ns, name, container, previous) => running.manager?.logPath(ns, name, container, previous),
    },
  });
  let version = "";
  const status = await startNodeAgentStatus({
    client,
    nodeName,
    nodeIP,
    kubeletPort: server.port,
    dataDir: opts.dir,
    ...(opts.podCidr ? { podCidr: opts.podCidr } : {}),
    controlPlane: opts.controlPlane,
    signal,
    runtime: async () => {
      const v = await cri.version();
      version = `${v.runtimeName}://${v.runtimeVersion}`;
      const st = await cri.status();
      const cond = (t: string) => st.conditions.find((c) => c.type === t);
      const notReady = st.conditions.filter((c) => !c.status).map((c) => `${c.type}: ${c.message || c.reason}`).join("; ");
      return { version, runtimeReady: cond("RuntimeReady")?.status ?? false, networkReady: cond("NetworkReady")?.status ?? false, ...(notReady ? { message: notReady } : {}) };
    },
  });
  const podCidr = status.registered.spec?.podCIDR ?? opts.podCidr ?? await waitForPodCidr(client, nodeName, signal);
  // Kernel settings, routes to other nodes' pods and egress masquerade are in place before the first pod starts.
  const network = await startPodNetwork({ client, nodeName, podCidr, signal });
  // Address allocations live with the agent, so agents sharing a filesystem (or a data dir wiped) never clash.
  await writeCniConfig(cniDir, { podCidr, ipamDataDir: join(opts.dir, "ipam") });
  await imagesReady;

  const machine = await readMachine(opts.dir);
  const allocatable = nodeResources(machine).allocatable;
  const events = new ApiEventRecorder(client, { component: "kubelet", host: nodeName });
  const services = new Informer<Service>(client.resource(R.services));
  services.run(signal);
  const configMaps = client.resource(R.configmaps);
  const secrets = client.resource(R.secrets);
  const orUndefined = <T>(p: Promise<T>) => p.catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const volumes = new VolumeManager({ podsDir, client, signal });
  const probes = new ProbeManager({
    cri,
    onChange: (uid, name, kind, result) => running.manager?.probeChanged(uid, name, kind !== "readiness" && result === "failure"),
    onProbeFailed: (uid, name, kind, message) => {
      const pod = running.manager?.podByUid(uid);
      if (pod) events.event(pod, "Warning", "Unhealthy", `${kind[0].toUpperCase()}${kind.slice(1)} probe failed: ${message}`);
    },
  });

  const deps: WorkerDeps = {
    cri,
    volumes: {
      setUp: (pod) => volumes.setUp(pod),
      refresh: (pod) => volumes.refresh(pod),
      setUpHosts: async (pod, podIP) => {
        if (podIP && !pod.spec?.hostNetwork) await writeEtcHosts(podsDir, pod, podIP);
      },
      tearDown: (uid) => volumes.tearDown(uid),
      containerMounts: (pod, c) => [...volumes.containerMounts(pod, c), ...etcHostsMount(podsDir, pod, c)],
    },
    env: {
      resolve: async (pod: Pod, c: Container, podIP: string | undefined): Promise<KeyValue[]> => {
        const ns = pod.metadata!.namespace!;
        return resolveEnv(pod, c, {
          getConfigMap: (n, name) => orUndefined(configMaps.get(n, name)) as Promise<ConfigMap | undefined>,
          getSecret: (n, name) => orUndefined(secrets.get(n, name)) as Promise<Secret | undefined>,
          services: services.store.list().filter((s) => s.metadata!.namespace === ns || (s.metadata!.namespace === "default" && s.metadata!.name === "kubernetes")),
          ...(podIP ? { podIP, podIPs: [podIP] } : {}),
          hostIP: nodeIP,
          nodeName,
          allocatable,
          warn: (reason, message) => events.event(pod, "Warning", reason, message),
        });
      },
      expand: (s, env) => {
        const vars = new Map(env.map((e) => [e.key, e.value]));
        return expandVars(s, (name) => vars.get(name));
      },
    },
    probes: {
      add: (pod, c, id, podIP) => probes.addContainer(pod, c, id, podIP, Date.now()),
      remove: (uid, name) => probes.removeContainer(uid, name),
      removePod: (uid) => probes.removePod(uid),
      ready: (uid, name) => probes.readiness(uid, name),
      started: (uid, name) => probes.started(uid, name),
    },
    hooks: {
      run: async (kind, _pod, c, containerId, podIP, hookSignal) => {
        const handler = c.lifecycle?.[kind];
        if (!handler) return { ok: true, message: "" };
        return runHook(handler, { containerId, cri, container: c, ...(podIP ? { podIP } : {}) }, hookSignal);
      },
    },
    images: new ImageManager({ cri, events }),
    events,
    backoff: new RestartBackoff(),
    sandbox: { logsDir, ...(opts.clusterDns ? { clusterDns: opts.clusterDns } : {}), clusterDomain: opts.clusterDomain },
    podsDir,
    nodeMemoryBytes: machine.memoryTotalKi * 1024,
    hostIPs: [nodeIP],
    now: Date.now,
  };
  const manager = new PodManager({ client, nodeName, deps, signal });
  running.manager = manager;
  await manager.start();
  log.info({ node: nodeName, podCidr, port: server.port, readyMs: Math.round(performance.now() - started) }, "node agent running");

  const done = (async () => {
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    await Promise.allSettled([status.done, server.close(), events.flush(), network.done]);
    cri.close();
    await containerd?.stop();
  })();
  return { port: server.port, cri, done };
}

const etcHostsPath = (podsDir: string, pod: Pod) => join(podsDir, pod.metadata!.uid!, "etc-hosts");

async function writeEtcHosts(podsDir: string, pod: Pod, podIP: string): Promise<void> {
  await mkdir(join(podsDir, pod.metadata!.uid!), { recursive: true });
  await writeFile(etcHostsPath(podsDir, pod), etcHosts(pod, podIP));
}

/** The agent-managed /etc/hosts, as upstream mounts it into every container of a pod off the host network. */
function etcHostsMount(podsDir: string, pod: Pod, c: Container): Mount[] {
  if (pod.spec?.hostNetwork || (c.volumeMounts ?? []).some((m) => m.mountPath === "/etc/hosts")) return [];
  return [{ containerPath: "/etc/hosts", hostPath: etcHostsPath(podsDir, pod) }];
}
