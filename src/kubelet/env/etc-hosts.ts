// The /etc/hosts the node agent writes for a pod on the pod network: loopback names, the pod's own name
// (with its subdomain's FQDN when it has one) for each pod IP, then the pod's hostAliases.
import type { Pod } from "kubernetes-types/core/v1";

const HEADER = "# Kubernetes-managed hosts file.\n";
const LOOPBACK = [
  "127.0.0.1\tlocalhost",
  "::1\tlocalhost ip6-localhost ip6-loopback",
  "fe00::0\tip6-localnet",
  "fe00::0\tip6-mcastprefix",
  "fe00::1\tip6-allnodes",
  "fe00::2\tip6-allrouters",
];
const MAX_HOSTNAME = 63;

/** spec.hostname or the pod's name, cut to a DNS label's 63 characters without a trailing `-` or `.`. */
export function podHostname(pod: Pod): string {
  const name = pod.spec?.hostname || pod.metadata?.name || "";
  return name.length > MAX_HOSTNAME ? name.slice(0, MAX_HOSTNAME).replace(/[-.]+$/, "") : name;
}

export function etcHosts(pod: Pod, podIP: string, opts: { clusterDomain?: string; podIPs?: string[] } = {}): string {
  const hostname = podHostname(pod);
  const sub = pod.spec?.subdomain;
  const domain = sub ? `${sub}.${pod.metadata?.namespace ?? ""}.svc.${opts.clusterDomain ?? "cluster.local"}` : "";
  const ips = opts.podIPs?.length ? opts.podIPs : [podIP];
  let out = HEADER + LOOPBACK.join("\n") + "\n";
  for (const ip of ips) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    out += "\n# Entries added by HostAliases.\n";
    for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join("\t")}\n`;
  }
  return out;
}
