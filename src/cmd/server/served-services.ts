// What every `berth server` serves beside the API: the cluster DNS server on its advertise address, and its own
// place among the endpoints of the `kubernetes` and `kube-dns` Services (so pods reach the API and DNS through
// their Service IPs, on every server in HA).
import { Client } from "../../client/rest-client.ts";
import { InProcessTransport } from "../../client/in-process-transport.ts";
import type { InjectFunction } from "../../client/in-process-transport.ts";
import { startClusterDns } from "../../dns/cluster-dns.ts";
import { runServerEndpoints } from "../../controllers/serverendpoints/index.ts";

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
  const dns = await startClusterDns({ client, clusterDomain: opts.clusterDomain, address: opts.advertiseAddress, port: opts.dnsPort, signal: opts.signal });
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
