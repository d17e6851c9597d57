// The cluster DNS server: Services and EndpointSlices of every namespace, watched through informers, fill the
// cluster zone's index; UDP and TCP listeners on one address and port answer from it and relay everything else to
// the upstream resolvers.
import { readFile } from "node:fs/promises";
import type { Socket as UdpSocket } from "node:dgram";
import type { Client } from "../client/rest-client.ts";
import { InformerFactory } from "../client/informer-factory.ts";
import { objectOf } from "../client/informer.ts";
import { R } from "../client/resources.ts";
import { logger } from "../util/log.ts";
import { ClusterRecords } from "./cluster-records.ts";
import { Forwarder } from "./forwarder.ts";
import { QueryHandler } from "./query-handler.ts";
import { listenTcp } from "./tcp-server.ts";
import type { TcpDnsServer } from "./tcp-server.ts";
import { listenUdp } from "./udp-server.ts";
import { parseUpstream, resolvConfNameservers } from "./upstream-config.ts";
import type { Upstream } from "./upstream-config.ts";

export interface ClusterDnsOptions {
  /** Reads Services and EndpointSlices in all namespaces. */
  client: Client;
  /** The cluster domain, e.g. "cluster.local". */
  clusterDomain: string;
  /** The IP to listen on, UDP and TCP: a specific address, so replies leave from the one clients asked. */
  address: string;
  /** 0: any free port (the same one for UDP and TCP). */
  port: number;
  /** "ip" or "ip:port"; default: the nameservers of /etc/resolv.conf. */
  upstreams?: string[];
  /** Stops the informers and closes the sockets. */
  signal: AbortSignal;
}

export interface RunningClusterDns {
  port: number;
  /** Resolves once the first lists of Services and EndpointSlices are in the index. */
  synced: Promise<void>;
  /** Resolves once the sockets are closed after the signal aborted. */
  done: Promise<void>;
}

const log = logger("dns");

/** Attempts at finding a port free for both UDP and TCP when asked for any. */
const PORT_ATTEMPTS = 20;

export async function startClusterDns(opts: ClusterDnsOptions): Promise<RunningClusterDns> {
  const records = new ClusterRecords(opts.clusterDomain);
  const informers = new InformerFactory(opts.client);
  const services = informers.informer(R.services);
  services.addHandlers({
    onAdd: (s) => records.setService(s),
    onUpdate: (_, s) => records.setService(s),
    onDelete: (s) => records.deleteService(objectOf(s)),
  });
  const slices = informers.informer(R.endpointslices);
  slices.addHandlers({
    onAdd: (s) => records.setEndpointSlice(s),
    onUpdate: (_, s) => records.setEndpointSlice(s),
    onDelete: (s) => records.deleteEndpointSlice(objectOf(s)),
  });

  const upstreamSpecs = opts.upstreams ?? resolvConfNameservers(await readFile("/etc/resolv.conf", "utf8").catch(() => ""));
  const configured = upstreamSpecs.map(parseUpstream);
  // Made once the port is known (the forwarder must skip it); a query arriving before that waits for it.
  const queries = Promise.withResolvers<QueryHandler>();
  const on = (transport: "udp" | "tcp") => async (msg: Buffer) => (await queries.promise).handle(msg, transport);

  const { udp, tcp } = await listenBoth(opts.address, opts.port, on("udp"), on("tcp"));
  const port = udp.address().port;
  const forwarder = new Forwarder(withoutSelf(configured, opts.address, port));
  queries.resolve(new QueryHandler(records, forwarder));
  informers.start(opts.signal);
  log.info({ address: opts.address, port, zone: records.zone, upstreams: upstreamSpecs }, "cluster DNS listening");

  const done = new Promise<void>((resolve) => {
    const stop = (): void => {
      forwarder.close();
      udp.close();
      void tcp.close().then(resolve);
    };
    if (opts.signal.aborted) stop();
    else opts.signal.addEventListener("abort", stop, { once: true });
  });
  return { port, synced: informers.waitForSync(), done };
}

/** Never forward to ourselves: a resolv.conf naming this server would loop every unknown name. */
function withoutSelf(upstreams: Upstream[], address: string, port: number): Upstream[] {
  const rest = upstreams.filter((u) => !(u.address === address && u.port === port));
  if (rest.length < upstreams.length) log.warn({ address, port }, "not forwarding to this server itself");
  return rest;
}

/** UDP and TCP on the same port; with port 0, retries until a port free for both is found. */
async function listenBoth(
  address: string,
  port: number,
  onUdp: (msg: Buffer) => Promise<Buffer | undefined>,
  onTcp: (msg: Buffer) => Promise<Buffer | undefined>,
): Promise<{ udp: UdpSocket; tcp: TcpDnsServer }> {
  for (let attempt = 1; ; attempt++) {
    const udp = await listenUdp(address, port, onUdp, log);
    try {
      return { udp, tcp: await listenTcp(address, udp.address().port, onTcp, log) };
    } catch (err) {
      udp.close();
      if (port !== 0 || attempt >= PORT_ATTEMPTS || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    }
  }
}
