// Pod networking, Services and cluster DNS end to end: `berth server` on this host and two `berth agent` nodes in
// network namespaces on a test-only LAN (a bridge), each with its own containerd, pod bridge, routes and nftables
// Service proxy; driven by the real kubectl, with traffic from real pods.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BERTH, KUBECTL, TestCluster, until } from "./harness.ts";
import { createTestNetwork } from "./netns.ts";
import type { TestHost, TestNetwork } from "./netns.ts";

const run = promisify(execFile);
const DNS_IP = "10.45.0.10";
let c: TestCluster;
let net: TestNetwork;
const nodes: { host: TestHost; name: string; proc: ChildProcess; dir: string; logs: string }[] = [];

before(async () => {
  // The LAN exists before the server starts, so its serving certificate covers the server's address on it.
  net = await createTestNetwork("btnet0", { host: "10.203.0.1", prefix: 24 });
  const hosts = [await net.addHost("btna", "10.203.0.2"), await net.addHost("btnb", "10.203.0.3")];
  // Ranges of its own: the LAN is bridged through this host, whose own test clusters use the default ranges.
  c = await TestCluster.start(["--bind-address", "0.0.0.0", "--advertise-address", net.hostAddress, "--cluster-cidr", "10.44.0.0/16", "--service-cidr", "10.45.0.0/16", "--cluster-dns", DNS_IP]);
  const token = (await readFile(join(c.dataDir, "token"), "utf8")).trim();
  for (const [i, host] of hosts.entries()) {
    const name = `net-${"ab"[i]}`;
    const dir = await mkdtemp(join(tmpdir(), `berth-${name}-`));
    const args = ["agent", "--server", `https://${net.hostAddress}:${c.port}`, "--token", token, "--node-name", name, "--node-ip", host.address, "--data-dir", dir, "--kubelet-port", "0", "--cluster-dns", DNS_IP];
    const proc = spawn(host.exec[0]!, [...host.exec.slice(1), BERTH, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, BERTH_LOG_LEVEL: "warn" } });
    const node = { host, name, proc, dir, logs: "" };
    proc.stdout!.on("data", (d) => (node.logs += d));
    proc.stderr!.on("data", (d) => (node.logs += d));
    nodes.push(node);
  }
  await until(async () => (await c.kubectl(["get", "nodes", "-o", "name"])).stdout.trim().split("\n").length === 2, 60_000, "both nodes registered");
  await c.ok(["wait", "--for=condition=Ready", "node", "--all", "--timeout=60s"]);
  await c.ok(["apply", "-f", "-"], manifests(await realpath(KUBECTL)));
  await c.ok(["rollout", "status", "deployment/web", "--timeout=90s"]);
  await c.ok(["wait", "--for=condition=Ready", "pod/client", "pod/watcher", "--timeout=90s"]);
});

after(async () => {
  // Pods are real containers: delete them while the agents run, then stop the agents cleanly.
  if (c) {
    await c.kubectl(["delete", "deployments", "--all", "--cascade=foreground", "--wait", "--timeout=60s"]);
    await c.kubectl(["delete", "pods", "--all", "--wait", "--timeout=60s"]);
  }
  // The API forgets a pod once its containers stop; its sandbox goes shortly after.
  for (const n of nodes) {
    const sock = join(n.dir, "agent/containerd/containerd.sock");
    await until(async () => (await run("ctr", ["--address", sock, "-n", "k8s.io", "containers", "ls", "-q"]).catch(() => ({ stdout: "" }))).stdout.trim() === "", 30_000, `${n.name}'s containers removed`).catch(() => undefined);
  }
  for (const n of nodes) {
    const exited = new Promise((r) => n.proc.once("exit", r));
    n.proc.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    n.proc.kill("SIGKILL");
  }
  await c?.destroy();
  await net?.remove();
  for (const n of nodes) await rm(n.dir, { recursive: true, force: true }).catch((err) => console.error(`leaving ${n.dir}: ${err.message}\n${n.logs}`));
});

/** httpd pods answering with their own name, one per node; a client pod on net-a; a pod polling the Service. */
function manifests(kubectlPath: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
      containers:
      - name: httpd
        image: busybox
        command: ["sh", "-c", "mkdir -p /www/cgi-bin && hostname > /www/index.html && printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $REMOTE_ADDR\\n' > /www/cgi-bin/peer && chmod +x /www/cgi-bin/peer && exec httpd -f -p 8080 -h /www"]
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: nothing}
spec:
  selector: {app: nobody}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: net-a
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts: [{name: kubectl, mountPath: /usr/local/bin/kubectl, readOnly: true}]
  volumes:
  - {name: kubectl, hostPath: {path: ${kubectlPath}, type: File}}
---
apiVersion: v1
kind: Pod
metadata: {name: watcher}
spec:
  nodeName: net-b
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "while true; do wget -qO- http://web/ 2>&1; sleep 0.05; done"]
`;
}

const exec = (pod: string, script: string) => c.ok(["exec", pod, "--", "sh", "-c", script]);

async function webPods(): Promise<{ name: string; ip: string; node: string; readyAt: string }[]> {
  const list = JSON.parse(await c.ok(["get", "pods", "-l", "app=web", "-o", "json"])).items;
  return list.map((p: { metadata: { name: string }; spec: { nodeName: string }; status: { podIP: string; conditions?: { type: string; status: string; lastTransitionTime: string }[] } }) => ({
    name: p.metadata.name,
    ip: p.status.podIP,
    node: p.spec.nodeName,
    readyAt: p.status.conditions?.find((x) => x.type === "Ready" && x.status === "True")?.lastTransitionTime ?? "",
  }));
}

test("pods get addresses from their node's range and reach pods on the other node by pod IP, unNATed", async () => {
  const pods = await webPods();
  assert.deepEqual(pods.map((p) => p.node).sort(), ["net-a", "net-b"], "one web pod per node");
  const cidrs = JSON.parse(await c.ok(["get", "nodes", "-o", "json"])).items.map((n: { spec: { podCIDR: string } }) => n.spec.podCIDR);
  assert.equal(new Set(cidrs).size, 2, "each node has its own pod range");
  const remote = pods.find((p) => p.node === "net-b")!;
  assert.equal((await exec("client", `wget -qO- http://${remote.ip}:8080/`)).trim(), remote.name);
  // httpd's CGI sees the connection's source address: the client pod's own, not its node's.
  const clientIp = (await c.ok(["get", "pod", "client", "-o", "jsonpath={.status.podIP}"])).trim();
  assert.match(clientIp, /^10\.44\.\d+\.\d+$/);
  const peer = (await exec("client", `wget -qO- http://${remote.ip}:8080/cgi-bin/peer`)).trim();
  assert.equal(peer.replace(/^\[::ffff:(.*)\]$/, "$1"), clientIp);
});

test("a ClusterIP Service spreads over both pods, by short name and FQDN", async () => {
  const names = new Set((await exec("client", "for i in $(seq 16); do wget -qO- http://web/; done")).trim().split("\n"));
  assert.deepEqual([...names].sort(), (await webPods()).map((p) => p.name).sort());
  const fqdn = (await exec("client", "wget -qO- http://web.default.svc.cluster.local/")).trim();
  assert.ok((await webPods()).some((p) => p.name === fqdn));
  const resolv = await exec("client", "cat /etc/resolv.conf");
  assert.match(resolv, /^nameserver 10\.45\.0\.10$/m);
  assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
});

test("a NodePort answers on every node, at 127.0.0.1 and at the node address", async () => {
  const port = (await c.ok(["get", "service", "web-np", "-o", "jsonpath={.spec.ports[0].nodePort}"])).trim();
  const pods = (await webPods()).map((p) => p.name);
  for (const n of nodes) {
    const { stdout } = await run(n.host.exec[0]!, [...n.host.exec.slice(1), "busybox", "wget", "-qO-", `http://127.0.0.1:${port}/`]);
    assert.ok(pods.includes(stdout.trim()), `${n.name} 127.0.0.1:${port} answered ${stdout}`);
    const fromHost = await run("busybox", ["wget", "-qO-", `http://${n.host.address}:${port}/`]);
    assert.ok(pods.includes(fromHost.stdout.trim()), `${n.host.address}:${port} from the host answered ${fromHost.stdout}`);
  }
});

test("cluster DNS: headless Services list the pods, kubernetes.default is the API Service, pods reach the API with their token", async () => {
  const ips = (await webPods()).map((p) => p.ip).sort();
  const headless = await exec("client", "nslookup web-headless.default.svc.cluster.local");
  assert.deepEqual([...headless.matchAll(/Address: (10\.44\.\d+\.\d+)/g)].map((m) => m[1]).sort(), ips);
  const api = await exec("client", "nslookup kubernetes.default.svc.cluster.local");
  assert.match(api, /Address: 10\.45\.0\.1$/m);
  // kubectl in the pod resolves the short name through the search path, checks the cluster CA and sends the token.
  const sa = "/var/run/secrets/kubernetes.io/serviceaccount";
  const versions = JSON.parse(await exec("client", `kubectl --server https://kubernetes.default --certificate-authority ${sa}/ca.crt --token "$(cat ${sa}/token)" get --raw /api`));
  assert.equal(versions.kind, "APIVersions");
  const outside = await exec("client", "nslookup does-not-exist.default.svc.cluster.local 2>&1; true");
  assert.match(outside, /NXDOMAIN/);
});

test("a Service without endpoints refuses connections at once", async () => {
  const started = Date.now();
  const out = await exec("client", "wget -qO- http://nothing/ 2>&1; echo rc=$?");
  assert.match(out, /Connection refused/);
  assert.match(out, /rc=1/);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
});

test("after scaling to 3, the new pod gets traffic within a second of becoming Ready", async () => {
  const before = new Set((await webPods()).map((p) => p.name));
  await c.ok(["scale", "deployment/web", "--replicas=3"]);
  await c.ok(["rollout", "status", "deployment/web", "--timeout=90s"]);
  const added = (await webPods()).find((p) => !before.has(p.name))!;
  assert.ok(added.readyAt, "the new pod is Ready");
  // The watcher polls the Service every ~50 ms; its log timestamps say when the new pod first answered.
  let firstHit = "";
  let logs = "";
  await until(async () => {
    logs = await c.ok(["logs", "watcher", "--timestamps", "--since-time", added.readyAt]);
    firstHit = logs.split("\n").find((l) => l.endsWith(` ${added.name}`))?.split(" ")[0] ?? "";
    return firstHit !== "";
  }, 10_000, "the new pod answering the watcher").catch((err: Error) => assert.fail(`${err.message}; watcher log since ${added.readyAt}:\n${logs.slice(-2000)}`));
  // lastTransitionTime has whole seconds: the pod became Ready in [readyAt, readyAt + 1 s).
  const delay = Date.parse(firstHit) - Date.parse(added.readyAt);
  assert.ok(delay < 2000, `first answer ${delay} ms after the Ready second began`);
});
