// Objects for controller tests in place of a kubelet: Nodes with a Ready condition, pods bound at create with
// their status (IP, phase, readiness) written through pods/status, and node Leases.
import type { Container, Pod } from "kubernetes-types/core/v1";
import type { Client } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import { isNotFound } from "../../client/errors.ts";

export interface PodSpecOptions {
  namespace?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  ports?: Container["ports"];
  hostname?: string;
  subdomain?: string;
  tolerations?: NonNullable<Pod["spec"]>["tolerations"];
}

export async function createPod(client: Client, name: string, opts: PodSpecOptions = {}): Promise<Pod> {
  return client.resource(R.pods).create({
    metadata: { name, namespace: opts.namespace ?? "default", labels: opts.labels },
    spec: {
      nodeName: opts.nodeName,
      hostname: opts.hostname,
      subdomain: opts.subdomain,
      tolerations: opts.tolerations,
      containers: [{ name: "c", image: "busybox", ports: opts.ports }],
    },
  });
}

/** Sets what a kubelet would report: Running with the IP, Ready as given. */
export async function setPodRunning(client: Client, name: string, ip: string, ready: boolean, namespace = "default"): Promise<Pod> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return client.resource(R.pods).patch(namespace, name, {
    status: { phase: "Running", podIP: ip, podIPs: [{ ip }], conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: now }] },
  }, "merge", { subresource: "status" });
}

export async function createReadyNode(client: Client, name: string, labels: Record<string, string> = {}): Promise<void> {
  await client.resource(R.nodes).create({ metadata: { name, labels } });
  await setNodeReady(client, name, "True");
}

export async function setNodeReady(client: Client, name: string, status: "True" | "False"): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const reason = status === "True" ? "KubeletReady" : "KubeletNotReady";
  await client.resource(R.nodes).patch(undefined, name, {
    status: { conditions: [{ type: "Ready", status, reason, message: "test", lastHeartbeatTime: now, lastTransitionTime: now }] },
  }, "merge", { subresource: "status" });
}

/** Creates or renews the node's Lease in kube-node-lease, as the kubelet does every 10 s. */
export async function renewLease(client: Client, node: string): Promise<void> {
  const leases = client.resource(R.leases);
  const renewTime = new Date().toISOString().replace("Z", "000Z");
  try {
    await leases.patch("kube-node-lease", node, { spec: { renewTime } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await leases.create({ metadata: { name: node, namespace: "kube-node-lease" }, spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime } });
  }
}
