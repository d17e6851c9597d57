// What every `berth server` serves beside the API: the cluster DNS server on its advertise address, and its own
// place among the endpoints of the `kubernetes` and `kube-dns` Services (so pods reach the API and DNS through
// their Service IPs, on every server in HA).
import { Client } from "../../client/rest-client.ts";
import { InProcessTransport } from "../../client/in-process-transport.ts";
import type { InjectFunction } from "../../client/in-process-transport.ts";
import { startClusterDns } from "../../dns/cluster-dns.ts";
import { runServerEndpoints } from "../../controllers/serverendpoints/index.ts";
import { logger } from "../../util/log.ts";

export interface ServedServicesOptions<U> {
  inject: InjectFunction<U>;
  user: U;
  /** The address nodes and pods reach this server at. */
  advertiseAddress: string;
  apiPort: number;
  /** 0: any free port. */
  dnsPort: number;
  clusterDomain: string;
  signal: AbortSignal;
}

export async function startServedServices<U>(opts: ServedServicesOptions<U>): Promise<{ dnsPort: number; done: Promise<void> }> {
  const transport = new InProcessTransport(opts.inject, opts.user);
  const client = new Client(transport, "berth-server/v1.32.0");
  const startDns = (port: number) => startClusterDns({ client, clusterDomain: opts.clusterDomain, address: opts.advertiseAddress, port, signal: opts.signal });
  // Pods reach DNS through the Service, whose endpoints carry the real port: a taken port (another server on this
  // machine) costs nothing but a warning.
  const dns = await startDns(opts.dnsPort).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "EADDRINUSE" || opts.dnsPort === 0) throw err;
    logger("server").warn({ port: opts.dnsPort }, "the cluster DNS port is taken; listening on a free port instead");
    return startDns(0);
  });
  const endpoints = runServerEndpoints({
    client,
    address: opts.advertiseAddress,
    identity: `${opts.advertiseAddress}:${opts.apiPort}`,
    services: [
      { namespace: "default", name: "kubernetes", ports: [{ name: "https", port: opts.apiPort, protocol: "TCP" }] },
      { namespace: "kube-system", name: "kube-dns", ports: [{ name: "dns", port: dns.port, protocol: "UDP" }, { name: "dns-tcp", port: dns.port, protocol: "TCP" }] },
    ],
    signal: opts.signal,
  });
  const done = Promise.all([dns.done, endpoints]).then(() => transport.close());
  return { dnsPort: dns.port, done };
}
