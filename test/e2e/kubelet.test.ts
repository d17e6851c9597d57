// The node agent end to end: `berth server` with its agent on real containerd, driven by the real kubectl.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:net";
import { request } from "node:http";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { readFile, mkdtemp, rm, mkdir, copyFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { TestCluster, KUBECTL, BERTH, until } from "./harness.ts";
import { createTestHost } from "./netns.ts";
import { startTestRegistry } from "./registry.ts";
import { buildImageArchive } from "../../src/kubelet/images/archive.ts";
import type { TestHost } from "./netns.ts";

const run = promisify(execFile);
let c: TestCluster;
/** A second machine for `berth agent`: test-only addresses on a veth pair, made before the server starts so its
 * serving certificate covers the host side's address. */
let worker: TestHost;

before(async () => {
  worker = await createTestHost("btworker", { host: "10.201.0.1", inside: "10.201.0.2", prefix: 30 });
  c = await TestCluster.start(["--bind-address", "0.0.0.0"], { agent: true });
  await c.ok(["wait", "--for=condition=Ready", "node", "--all", "--timeout=60s"]);
});
after(async () => {
  await c?.destroy();
  await worker?.remove();
});

const ctr = async (args: string[]) => (await run("ctr", ["--address", join(c.dataDir, "agent/containerd/containerd.sock"), "-n", "k8s.io", ...args])).stdout;

async function podJson(name: string) {
  return JSON.parse(await c.ok(["get", "pod", name, "-o", "json"]));
}

async function waitPhase(name: string, phase: string, ms = 60_000) {
  await until(async () => (await podJson(name)).status?.phase === phase, ms, `${name} ${phase}`);
}

test("the node registers Ready with the machine's capacity and containerd's version", async () => {
  const nodes = JSON.parse(await c.ok(["get", "nodes", "-o", "json"])).items;
  assert.equal(nodes.length, 1);
  const n = nodes[0];
  assert.match(n.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/1\./);
  assert.equal(n.status.capacity.pods, "110");
  assert.ok(Number(n.status.capacity.cpu) >= 1);
  assert.ok(n.status.daemonEndpoints.kubeletEndpoint.Port > 0);
  assert.equal(n.spec.podCIDR, "10.42.0.0/24");
});

test("kubectl run: Running, logs, exec with stdin and exit codes", async () => {
  await c.ok(["run", "hello", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo started up; exec sleep 3600"]);
  await c.ok(["wait", "--for=condition=Ready", "pod/hello", "--timeout=60s"]);
  const pod = await podJson("hello");
  assert.match(pod.status.podIP, /^10\.42\.0\.\d+$/);
  assert.equal(pod.status.containerStatuses[0].ready, true);
  await until(async () => (await c.kubectl(["logs", "hello"])).stdout === "started up\n", 10_000, "the log line");
  assert.equal(await c.ok(["exec", "hello", "--", "sh", "-c", "echo $((6*7))"]), "42\n");
  assert.equal(await c.ok(["exec", "-i", "hello", "--", "cat"], "piped through\n"), "piped through\n");
  const failed = await c.kubectl(["exec", "hello", "--", "sh", "-c", "exit 3"]);
  assert.equal(failed.code, 3, failed.stderr);
  const ts = await c.ok(["logs", "hello", "--timestamps"]);
  assert.match(ts, /^\d{4}-\d\d-\d\dT\S+Z started up\n$/);
});

test("configMap, secret and emptyDir volumes and env from secret, configMap and fieldRef", async () => {
  await c.ok(["create", "configmap", "cfg", "--from-literal=color=blue", "--from-literal=size=9"]);
  await c.ok(["create", "secret", "generic", "sec", "--from-literal=password=s3cret"]);
  await c.ok(["apply", "-f", "-"], `
apiVersion: v1
kind: Pod
metadata: {name: vols, labels: {app: vols}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo scratch > /scratch/f; exec sleep 3600"]
    env:
    - {name: COLOR, valueFrom: {configMapKeyRef: {name: cfg, key: color}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: sec, key: password}}}
    - {name: MY_POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: MY_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    envFrom:
    - {configMapRef: {name: cfg}, prefix: CFG_}
    volumeMounts:
    - {name: config, mountPath: /etc/cfg}
    - {name: secret, mountPath: /etc/sec}
    - {name: scratch, mountPath: /scratch}
  volumes:
  - {name: config, configMap: {name: cfg}}
  - {name: secret, secret: {secretName: sec}}
  - {name: scratch, emptyDir: {}}
`);
  await c.ok(["wait", "--for=condition=Ready", "pod/vols", "--timeout=60s"]);
  const podIP = (await podJson("vols")).status.podIP;
  const out = await c.ok(["exec", "vols", "--", "sh", "-c", "echo $COLOR $PASSWORD $MY_POD $MY_IP $CFG_size; cat /etc/cfg/color; echo; cat /etc/sec/password; echo; cat /scratch/f; ls /var/run/secrets/kubernetes.io/serviceaccount"]);
  assert.equal(out, `blue s3cret vols ${podIP} 9\nblue\ns3cret\nscratch\nca.crt\nnamespace\ntoken\n`);
  // A configMap change reaches the mounted file (atomically, through ..data).
  await c.ok(["patch", "configmap", "cfg", "-p", '{"data":{"color":"green"}}']);
  await until(async () => (await c.kubectl(["exec", "vols", "--", "cat", "/etc/cfg/color"])).stdout === "green", 30_000, "the updated configMap in the volume");
});

test("an init container's output is seen by the app container", async () => {
  await c.ok(["apply", "-f", "-"], `
apiVersion: v1
kind: Pod
metadata: {name: init}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: prepare, image: busybox, command: ["sh", "-c", "echo prepared > /work/state"], volumeMounts: [{name: work, mountPath: /work}]}
  containers:
  - {name: main, image: busybox, command: ["sh", "-c", "cat /work/state; exec sleep 3600"], volumeMounts: [{name: work, mountPath: /work}]}
  volumes: [{name: work, emptyDir: {}}]
`);
  await c.ok(["wait", "--for=condition=Ready", "pod/init", "--timeout=60s"]);
  const pod = await podJson("init");
  assert.equal(pod.status.initContainerStatuses[0].state.terminated.reason, "Completed");
  await until(async () => (await c.kubectl(["logs", "init"])).stdout === "prepared\n", 10_000, "the app's log");
});

test("restartPolicy Never: exit 7 ends Failed with exit code 7", async () => {
  await c.ok(["run", "seven", "--image=busybox", "--restart=Never", "--", "sh", "-c", "exit 7"]);
  await waitPhase("seven", "Failed");
  const st = (await podJson("seven")).status.containerStatuses[0];
  assert.equal(st.state.terminated.exitCode, 7);
  assert.equal(st.state.terminated.reason, "Error");
});

test("a failing liveness probe restarts the container; a readiness probe flips Ready", async () => {
  await c.ok(["apply", "-f", "-"], `
apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: live
    image: busybox
    command: ["sh", "-c", "touch /tmp/alive; exec sleep 3600"]
    livenessProbe: {exec: {command: ["test", "-f", "/tmp/alive"]}, periodSeconds: 1, failureThreshold: 1}
  - name: ready
    image: busybox
    command: ["sleep", "3600"]
    readinessProbe: {exec: {command: ["test", "-f", "/tmp/ready"]}, periodSeconds: 1}
`);
  await waitPhase("probed", "Running");
  const ready = async () => (await podJson("probed")).status.conditions.find((x: { type: string }) => x.type === "Ready").status;
  assert.equal(await ready(), "False");
  await c.ok(["exec", "probed", "-c", "ready", "--", "touch", "/tmp/ready"]);
  await until(async () => (await ready()) === "True", 10_000, "Ready after the readiness file appears");
  await c.ok(["exec", "probed", "-c", "ready", "--", "rm", "/tmp/ready"]);
  await until(async () => (await ready()) === "False", 10_000, "not Ready after it goes");

  await c.ok(["exec", "probed", "-c", "live", "--", "rm", "/tmp/alive"]);
  await until(async () => (await podJson("probed")).status.containerStatuses.find((s: { name: string }) => s.name === "live").restartCount >= 1, 30_000, "a restart after the liveness probe fails");
  const events = await c.ok(["get", "events", "--field-selector", "involvedObject.name=probed", "-o", "json"]);
  assert.match(events, /failed liveness probe, will be restarted/);
});

test("port-forward reaches busybox httpd from the host", async () => {
  await c.ok(["run", "web", "--image=busybox", "--port=8080", "--", "sh", "-c", "mkdir -p /www && echo hello from httpd > /www/index.html && exec httpd -f -p 8080 -h /www"]);
  await c.ok(["wait", "--for=condition=Ready", "pod/web", "--timeout=60s"]);
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const pf = spawn(KUBECTL, ["--kubeconfig", c.kubeconfig, "port-forward", "pod/web", `${port}:8080`], { stdio: ["ignore", "pipe", "pipe"] });
  let pfOut = "";
  pf.stdout.on("data", (d) => (pfOut += d));
  pf.stderr.on("data", (d) => (pfOut += d));
  try {
    await until(async () => pfOut.includes("Forwarding from"), 15_000, `port-forward to start: ${pfOut}`);
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: "127.0.0.1", port, path: "/" }, (res) => {
        let b = "";
        res.on("data", (d) => (b += d));
        res.on("end", () => resolve(b));
      }).on("error", reject).end();
    });
    assert.equal(body, "hello from httpd\n");
  } finally {
    pf.kill();
  }
});

test("kubectl delete pod ends within the grace period and leaves no container or sandbox behind", async () => {
  await c.ok(["run", "doomed", "--image=busybox", "--", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]);
  await c.ok(["wait", "--for=condition=Ready", "pod/doomed", "--timeout=60s"]);
  const uid = (await podJson("doomed")).metadata.uid;
  const ids = (await ctr(["containers", "ls", "--quiet", `labels."io.kubernetes.pod.uid"==${uid}`])).split("\n").filter(Boolean);
  assert.equal(ids.length, 2, "the sandbox and the container");
  const netns = (await Promise.all(ids.map(async (id) => JSON.parse(await ctr(["containers", "info", id])).Spec.linux.namespaces as { type: string; path?: string }[])))
    .flat().filter((n) => n.type === "network" && n.path?.includes("/netns/")).map((n) => n.path!);
  assert.equal(new Set(netns).size, 1, "the sandbox's network namespace, pinned under /run/netns");
  assert.ok(existsSync(netns[0]!));
  const started = Date.now();
  await c.ok(["delete", "pod", "doomed", "--grace-period=5", "--wait", "--timeout=30s"]);
  assert.ok(Date.now() - started < 8_000, `deletion took ${Date.now() - started} ms`);
  assert.equal(await ctr(["containers", "ls", "--quiet", `labels."io.kubernetes.pod.uid"==${uid}`]), "");
  assert.equal(existsSync(netns[0]!), false, "the network namespace is gone");
});

test("images are pulled from a registry through containerd; one that cannot be had fails to pull and backs off", async () => {
  const registry = await startTestRegistry();
  const dir = await mkdtemp(join(tmpdir(), "berth-image-"));
  const onServerNode = (extra: object = {}) => JSON.stringify({ spec: { terminationGracePeriodSeconds: 1, nodeSelector: { "node-role.kubernetes.io/control-plane": "true" }, ...extra } });
  try {
    // A layer containerd has not seen: a static busybox beside a file of our own.
    await mkdir(join(dir, "rootfs/bin"), { recursive: true });
    await copyFile("/bin/busybox", join(dir, "rootfs/bin/busybox"));
    await writeFile(join(dir, "rootfs/marker"), "from the registry\n");
    const archive = join(dir, "app.tar");
    await buildImageArchive({ rootfsDir: join(dir, "rootfs"), reference: "e2e/app:1", entrypoint: ["/bin/busybox"], cmd: ["sh", "-c", "cat /marker; exec sleep 3600"], out: archive });
    const image = await registry.push(archive, "e2e/app:1");
    await c.ok(["run", "pulled", `--image=${image}`, "--overrides", onServerNode()]);
    await c.ok(["wait", "--for=condition=Ready", "pod/pulled", "--timeout=60s"]);
    await until(async () => (await c.kubectl(["logs", "pulled"])).stdout === "from the registry\n", 10_000, "the pulled image's output");
    assert.match(await c.ok(["get", "events", "--field-selector", "involvedObject.name=pulled"]), /Successfully pulled image/);

    await c.ok(["run", "unpullable", `--image=${registry.address}/e2e/missing:1`, "--overrides", onServerNode()]);
    const waiting = async () => (await podJson("unpullable")).status?.containerStatuses?.[0]?.state?.waiting;
    await until(async () => (await waiting())?.reason === "ImagePullBackOff", 30_000, "ImagePullBackOff");
    assert.match((await waiting()).message, /Back-off pulling image ".*missing:1"/);
    assert.match(await c.ok(["get", "events", "--field-selector", "involvedObject.name=unpullable"]), /Failed to pull image ".*missing:1"/);
    await c.ok(["delete", "pod", "pulled", "unpullable", "--wait", "--timeout=30s"]);
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test("berth agent joins from another host with the token, runs a pod there and serves its logs and exec", async () => {
  const dir = await mkdtemp(join(tmpdir(), "berth-worker-"));
  const token = (await readFile(join(c.dataDir, "token"), "utf8")).trim();
  const agentArgs = ["agent", "--server", `https://${worker.hostAddress}:${c.port}`, "--node-name", "worker-1", "--data-dir", dir, "--kubelet-port", "0", "--node-ip", worker.address];
  const refused = await run(worker.exec[0]!, [...worker.exec.slice(1), BERTH, ...agentArgs, "--token", "wrong"]).then(() => "", (err) => String(err.stderr));
  assert.match(refused, /token/);
  const agent = spawn(worker.exec[0]!, [...worker.exec.slice(1), BERTH, ...agentArgs, "--token", token], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, BERTH_LOG_LEVEL: "warn" } });
  let logs = "";
  agent.stdout.on("data", (d) => (logs += d));
  agent.stderr.on("data", (d) => (logs += d));
  try {
    await until(async () => (await c.kubectl(["get", "node", "worker-1"])).code === 0, 30_000, `worker-1 to register: ${logs}`);
    await c.ok(["wait", "--for=condition=Ready", "node/worker-1", "--timeout=60s"]);
    const node = JSON.parse(await c.ok(["get", "node", "worker-1", "-o", "json"]));
    assert.equal(node.spec.podCIDR, "10.42.1.0/24", "the second node gets the next pod subnet");
    await c.ok(["run", "remote", "--image=busybox", "--restart=Never", "--overrides", JSON.stringify({ spec: { nodeName: "worker-1", terminationGracePeriodSeconds: 1 } }), "--", "sh", "-c", "echo on the worker; exec sleep 3600"]);
    await c.ok(["wait", "--for=condition=Ready", "pod/remote", "--timeout=60s"]);
    assert.match((await podJson("remote")).status.podIP, /^10\.42\.1\.\d+$/);
    await until(async () => (await c.kubectl(["logs", "remote"])).stdout === "on the worker\n", 10_000, "the worker pod's log");
    assert.equal(await c.ok(["exec", "remote", "--", "hostname"]), "remote\n");
    await c.ok(["delete", "pod", "remote", "--wait", "--timeout=30s"]);
  } finally {
    const exited = new Promise((r) => agent.once("exit", r));
    agent.kill("SIGTERM");
    await exited;
    await c.kubectl(["delete", "node", "worker-1"]);
    await rm(dir, { recursive: true, force: true });
  }
});

test("a restarted server's agent finds its running pods in containerd and leaves them running", async () => {
  await c.ok(["run", "survivor", "--image=busybox", "--overrides", JSON.stringify({ spec: { terminationGracePeriodSeconds: 1, nodeSelector: { "node-role.kubernetes.io/control-plane": "true" } } }), "--", "sh", "-c", "echo alive; exec sleep 3600"]);
  await c.ok(["wait", "--for=condition=Ready", "pod/survivor", "--timeout=60s"]);
  const before = (await podJson("survivor")).status.containerStatuses[0];
  assert.equal(await c.stop("SIGTERM"), 0);
  await c.launch();
  await c.ok(["wait", "--for=condition=Ready", "node", "--all", "--timeout=60s"]);
  await until(async () => (await c.kubectl(["exec", "survivor", "--", "echo", "still here"])).stdout === "still here\n", 20_000, "exec after the restart");
  const after = (await podJson("survivor")).status.containerStatuses[0];
  assert.equal(after.containerID, before.containerID, "the same container, not a new one");
  assert.equal(after.restartCount, 0);
  assert.equal(after.state.running.startedAt, before.state.running.startedAt);
  assert.equal(await c.ok(["logs", "survivor"]), "alive\n");
});
