// The node's Service proxy: watches Services, EndpointSlices and Nodes, and keeps `table ip berth-proxy` in step.
// At start it replaces any table left behind with a full one in one transaction; afterwards each batch of changes
// (events arriving within a few ms are coalesced) becomes one transaction rewriting only the touched Services'
// chains and elements, diffed against what it last wrote. A failed transaction is logged and the whole table
// reloaded. On abort the table is deleted.
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Client } from "../client/rest-client.ts";
import { keyOf, splitKey } from "../client/rest-client.ts";
import { R } from "../client/resources.ts";
import { InformerFactory } from "../client/informer-factory.ts";
import { objectOf } from "../client/informer.ts";
import type { DeletedFinalStateUnknown } from "../client/informer.ts";
import { logger } from "../util/log.ts";
import { sleep } from "../util/sleep.ts";
import { commandRunner } from "../util/command.ts";
import { clearUdpFlows, removedUdpEndpoints } from "./conntrack.ts";
import { podCidrsOf } from "./pod-cidrs.ts";
import { deleteTableScript, diffCommands, EMPTY_OBJECTS, fullSyncScript, HairpinAddresses, podCidrCommands, renderService } from "./ruleset.ts";
import type { NftObjects } from "./ruleset.ts";
import { servicePortModels } from "./service-model.ts";
import { SERVICE_NAME_LABEL } from "../api/well-known.ts";
import type { ServicePortModel } from "./service-model.ts";


export interface ServiceProxyOptions {
  /** Reads Services, EndpointSlices (all namespaces) and Nodes, via informers. */
  client: Client;
  /** Endpoints whose nodeName is this are this node's ("Local" traffic policies). */
  nodeName: string;
  /** argv prefix for every command (nft, conntrack, sysctl), e.g. ["nsenter","--net=/run/netns/x"]; default none. */
  commandPrefix?: string[];
  /** On abort: the table is deleted and informers stop. */
  signal: AbortSignal;
  /** How long to gather events into one transaction (ms). Default 5. */
  batchMs?: number;
}

export interface RunningServiceProxy {
  /** Resolves once the first full table is in the kernel. */
  synced: Promise<void>;
  /** Resolves after abort, once the table is deleted. */
  done: Promise<void>;
}

const BY_SERVICE = "service";
const RETRY_MS = 1000;
const log = logger("service-proxy");

interface Applied {
  ports: ServicePortModel[];
  objects: NftObjects;
}

export async function startServiceProxy(opts: ServiceProxyOptions): Promise<RunningServiceProxy> {
  const run = commandRunner(opts.commandPrefix);
  const batchMs = opts.batchMs ?? 5;
  const { signal } = opts;
  const factory = new InformerFactory(opts.client);
  const services = factory.informer(R.services);
  const slices = factory.informer(R.endpointslices);
  const nodes = factory.informer(R.nodes);
  slices.addIndex(BY_SERVICE, sliceServiceKey);

  // What the kernel holds, per Service key (namespace/name), and the pod CIDR set's contents.
  let applied = new Map<string, Applied>();
  let appliedPodCidrs: string[] = [];
  // Counts the hairpin set's users; it runs ahead of `applied` when a transaction fails, but the full reload that
  // follows starts a fresh count.
  let hairpin = new HairpinAddresses();
  const dirty = new Set<string>();
  let podCidrsDirty = false;
  let needFull = true;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let markSynced!: () => void;
  const synced = new Promise<void>((r) => (markSynced = r));

  const schedule = () => {
    if (!started || timer || running || signal.aborted) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = flush().finally(() => {
        running = undefined;
        if (needFull || dirty.size > 0 || podCidrsDirty) schedule();
      });
    }, batchMs);
  };
  const touch = (key: string) => {
    dirty.add(key);
    schedule();
  };
  const touchSlice = (s: EndpointSlice | DeletedFinalStateUnknown<EndpointSlice>) => {
    const key = sliceServiceKey(objectOf(s))[0];
    if (key) touch(key);
  };
  services.addHandlers({ onAdd: (s) => touch(keyOf(s)), onUpdate: (_o, s) => touch(keyOf(s)), onDelete: (s) => touch(keyOf(objectOf(s))) });
  slices.addHandlers({
    onAdd: touchSlice,
    onUpdate: (o, s) => {
      touchSlice(o);
      touchSlice(s);
    },
    onDelete: touchSlice,
  });
  const nodesChanged = () => {
    podCidrsDirty = true;
    schedule();
  };
  nodes.addHandlers({ onAdd: nodesChanged, onUpdate: nodesChanged, onDelete: nodesChanged });

  const desired = (key: string): Applied | undefined => {
    const { namespace, name } = splitKey(key);
    const svc = services.store.getByName(namespace, name);
    if (!svc) return undefined;
    const ports = servicePortModels(svc, slices.store.byIndex(BY_SERVICE, key), opts.nodeName);
    return ports.length > 0 ? { ports, objects: renderService(ports) } : undefined;
  };

  const nft = (script: string) => run(["nft", "-f", "-"], script);

  const clearStaleUdp = async (old: Map<string, Applied>, next: Map<string, Applied>, keys: Iterable<string>) => {
    for (const key of keys) {
      for (const ep of removedUdpEndpoints(old.get(key)?.ports ?? [], next.get(key)?.ports ?? [])) {
        await clearUdpFlows(run, ep).catch((err: Error) => log.warn({ err: err.message, endpoint: ep }, "clearing UDP conntrack entries failed"));
      }
    }
  };

  const fullSync = async () => {
    dirty.clear();
    podCidrsDirty = false;
    const podCidrs = podCidrsOf(nodes.store.list());
    const next = new Map<string, Applied>();
    for (const svc of services.store.list()) {
      const d = desired(keyOf(svc));
      if (d) next.set(keyOf(svc), d);
    }
    const t0 = performance.now();
    const counted = new HairpinAddresses();
    await nft(fullSyncScript(podCidrs, [...next.values()].map((a) => a.objects), counted));
    hairpin = counted;
    log.info({ services: next.size, ms: Math.round(performance.now() - t0) }, "loaded the full nftables table");
    const old = applied;
    applied = next;
    appliedPodCidrs = podCidrs;
    needFull = false;
    await clearStaleUdp(old, next, old.keys());
  };

  const incremental = async () => {
    const keys = [...dirty];
    dirty.clear();
    const commands: string[] = [];
    const changes = new Map<string, Applied | undefined>();
    for (const key of keys) {
      const next = desired(key);
      const old = applied.get(key);
      if (!old && !next) continue;
      const [from, to] = [old?.objects ?? EMPTY_OBJECTS, next?.objects ?? EMPTY_OBJECTS];
      commands.push(...diffCommands(from, to), ...hairpin.update(from, to));
      changes.set(key, next);
    }
    let podCidrs = appliedPodCidrs;
    if (podCidrsDirty) {
      podCidrsDirty = false;
      podCidrs = podCidrsOf(nodes.store.list());
      if (podCidrs.join() !== appliedPodCidrs.join()) commands.push(...podCidrCommands(podCidrs));
    }
    if (commands.length > 0) {
      const t0 = performance.now();
      await nft(commands.join("\n") + "\n");
      log.debug({ services: changes.size, commands: commands.length, ms: Math.round(performance.now() - t0) }, "applied an nftables transaction");
    }
    const old = new Map(applied);
    for (const [key, next] of changes) {
      if (next) applied.set(key, next);
      else applied.delete(key);
    }
    appliedPodCidrs = podCidrs;
    await clearStaleUdp(old, applied, changes.keys());
  };

  const flush = async () => {
    try {
      if (needFull) await fullSync();
      else await incremental();
      if (!needFull) markSynced();
    } catch (err) {
      if (signal.aborted) return;
      // The kernel may now differ from `applied`: reload everything rather than diff against a guess.
      log.error({ err: (err as Error).message }, "nftables update failed; reloading the whole table");
      if (needFull) await sleep(RETRY_MS, signal);
      needFull = true;
    }
  };

  const done = (async () => {
    await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener("abort", () => r(), { once: true })));
    clearTimeout(timer);
    await running;
    await nft(deleteTableScript()).catch((err: Error) => log.error({ err: err.message }, "deleting the nftables table failed"));
  })();

  await run(["sysctl", "-q", "-w", "net.ipv4.conf.all.route_localnet=1"]).catch((err: Error) =>
    log.warn({ err: err.message }, "could not enable route_localnet: NodePorts on 127.0.0.1 will not answer"),
  );
  factory.start(signal);
  void factory.waitForSync().then(() => {
    started = true;
    schedule();
  });
  return { synced, done };
}

function sliceServiceKey(s: EndpointSlice): string[] {
  const name = s.metadata?.labels?.[SERVICE_NAME_LABEL];
  return name && s.metadata?.namespace ? [`${s.metadata.namespace}/${name}`] : [];
}
