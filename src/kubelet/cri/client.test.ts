// The CRI client against a real containerd (Debian's, supervised by startContainerd): the calls a node agent
// makes for one pod, from sandbox to removal.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startTestContainerd } from "../../../test/support/containerd.ts";
import type { TestContainerd } from "../../../test/support/containerd.ts";
import { Ipv4Cidr } from "../../util/cidr.ts";
import { buildImageArchive } from "../images/archive.ts";
import { importImageArchive } from "../images/import.ts";
import { CriError } from "./client.ts";
import type { ContainerConfig, ContainerState, PodSandboxConfig } from "./types.ts";
import type { CriRuntime } from "./types.ts";

async function waitForState(cri: CriRuntime, id: string, state: ContainerState, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await cri.containerStatus(id)).state !== state) {
    if (Date.now() > deadline) throw new Error(`container ${id} did not reach ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("CriClient against containerd", () => {
  let ctrd: TestContainerd;
  let logDir: string;

  before(async () => {
    ctrd = await startTestContainerd();
    logDir = await mkdtemp(join(tmpdir(), "berth-cri-logs-"));
  });
  after(async () => {
    await ctrd?.stop();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  });

  it("answers Version and Status", async () => {
    const v = await ctrd.cri.version();
    assert.equal(v.runtimeName, "containerd");
    assert.equal(v.runtimeApiVersion, "v1");
    const { conditions } = await ctrd.cri.status();
    assert.deepEqual(conditions.map((c) => [c.type, c.status]).sort(), [["NetworkReady", true], ["RuntimeReady", true]]);
  });

  it("has the built-in images under every spelling, and none that was never imported", async () => {
    for (const name of ["busybox", "busybox:latest", "docker.io/library/busybox:latest"]) {
      const image = await ctrd.cri.imageStatus(name);
      assert.ok(image, name);
      assert.ok(image.repoTags.includes("docker.io/library/busybox:latest"));
      assert.match(image.id, /^sha256:[0-9a-f]{64}$/);
      assert.ok(image.size > 0);
    }
    assert.ok(await ctrd.cri.imageStatus("registry.k8s.io/pause:3.6"));
    assert.equal(await ctrd.cri.imageStatus("docker.io/library/nothing-here:1"), undefined);
    const tags = (await ctrd.cri.listImages()).flatMap((i) => i.repoTags);
    assert.ok(tags.includes("registry.k8s.io/pause:3.6"));
  });

  it("removes an imported image; reports the image filesystem", async () => {
    const rootfs = await mkdtemp(join(tmpdir(), "berth-cri-rootfs-"));
    try {
      await writeFile(join(rootfs, "file"), "content\n");
      const built = await buildImageArchive({ rootfsDir: rootfs, reference: "berth-test/removable:1", out: join(logDir, "removable.tar") });
      await importImageArchive(ctrd.endpoint, built.out);
      const image = await ctrd.cri.imageStatus("berth-test/removable:1");
      assert.equal(image?.id, built.configDigest);
      await ctrd.cri.removeImage("berth-test/removable:1");
      assert.equal(await ctrd.cri.imageStatus("berth-test/removable:1"), undefined);
      await ctrd.cri.removeImage("berth-test/removable:1"); // idempotent
    } finally {
      await rm(rootfs, { recursive: true, force: true });
    }
    // Usage figures are sampled every 10 s by containerd (stats_collect_period), so only the mountpoint is certain.
    const [fs] = await ctrd.cri.imageFsInfo();
    assert.ok(fs!.mountpoint.startsWith(ctrd.dir));
  });

  it("runs a pod: sandbox with an IP, a container's log, exec, exit code, stop and removal", async () => {
    const { cri } = ctrd;
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: "echo", uid: "uid-echo-1", namespace: "default", attempt: 0 },
      hostname: "echo",
      logDirectory: logDir,
      labels: { app: "echo" },
      annotations: { note: "kept" },
      linux: {},
    };
    const sandboxId = await cri.runPodSandbox(sandboxConfig);
    const status = await cri.podSandboxStatus(sandboxId);
    assert.equal(status.state, "SANDBOX_READY");
    assert.equal(status.metadata.name, "echo");
    assert.deepEqual(status.annotations, { note: "kept" });
    assert.ok(status.network?.ip, "the sandbox has an IP");
    assert.ok(new Ipv4Cidr(ctrd.podCidr).contains(status.network.ip), `${status.network.ip} in ${ctrd.podCidr}`);
    assert.deepEqual((await cri.listPodSandbox({ labelSelector: { app: "echo" } })).map((s) => s.id), [sandboxId]);

    // A long-running container to exec into.
    const sleeper: ContainerConfig = {
      metadata: { name: "sleeper", attempt: 0 },
      image: { image: "busybox" },
      command: ["sh", "-c", "echo ready; exec sleep 3600"],
      envs: [{ key: "GREETING", value: "hello from env" }],
      logPath: "sleeper.log",
      labels: { role: "sleeper" },
      // Its own PID namespace (the kubelet's default), so that `sleep` is PID 1 there.
      linux: { securityContext: { namespaceOptions: { pid: "CONTAINER" } } },
    };
    const sleeperId = await cri.createContainer(sandboxId, sleeper, sandboxConfig);
    await cri.startContainer(sleeperId);
    await waitForState(cri, sleeperId, "CONTAINER_RUNNING");

    const ok = await cri.execSync(sleeperId, ["sh", "-c", "echo $GREETING; echo oops >&2; exit 3"], 10);
    assert.equal(ok.exitCode, 3);
    assert.ok(Buffer.isBuffer(ok.stdout));
    assert.equal(ok.stdout.toString(), "hello from env\n");
    assert.equal(ok.stderr.toString(), "oops\n");
    const id = await cri.execSync(sleeperId, ["id", "-u"], 10);
    assert.equal(id.stdout.toString().trim(), "0");
    // The busybox image's applets are on PATH and its users resolve.
    const tools = await cri.execSync(sleeperId, ["sh", "-c", "which wget nc httpd sleep && id -u nobody && test -d /tmp"], 10);
    assert.equal(tools.exitCode, 0, tools.stderr.toString());
    assert.deepEqual(tools.stdout.toString().trim().split("\n"), ["/usr/bin/wget", "/usr/bin/nc", "/usr/sbin/httpd", "/bin/sleep", "65534"]);

    const stats = await cri.containerStats(sleeperId);
    assert.equal(stats.attributes.id, sleeperId);
    assert.equal(stats.attributes.metadata.name, "sleeper");
    assert.ok((await cri.listContainerStats()).some((s) => s.attributes.id === sleeperId));

    await cri.updateContainerResources(sleeperId, { cpuShares: 256, memoryLimitInBytes: 64 * 1024 * 1024 });

    // Streaming calls hand out URLs on containerd's loopback stream server.
    const execUrl = await cri.exec({ containerId: sleeperId, cmd: ["sh"], tty: false, stdin: true, stdout: true, stderr: true });
    assert.match(execUrl, /^http:\/\/127\.0\.0\.1:\d+\/exec\//);
    assert.match(await cri.attach({ containerId: sleeperId, tty: false, stdin: false, stdout: true, stderr: true }), /^http:\/\/127\.0\.0\.1:\d+\/attach\//);
    assert.match(await cri.portForward(sandboxId, [80]), /^http:\/\/127\.0\.0\.1:\d+\/portforward\//);

    // A container that echoes and exits with a code.
    const echo: ContainerConfig = {
      metadata: { name: "echo", attempt: 0 },
      image: { image: "docker.io/library/busybox:latest" },
      command: ["sh", "-c", "echo hello stdout; echo hello stderr >&2; exit 7"],
      logPath: "echo.log",
    };
    const echoId = await cri.createContainer(sandboxId, echo, sandboxConfig);
    assert.equal((await cri.containerStatus(echoId)).state, "CONTAINER_CREATED");
    await cri.startContainer(echoId);
    await waitForState(cri, echoId, "CONTAINER_EXITED");
    const exited = await cri.containerStatus(echoId);
    assert.equal(exited.exitCode, 7);
    assert.equal(exited.reason, "Error");
    // containerd may stamp a short-lived process's start after its exit: only both being set is certain.
    assert.ok(exited.startedAt > 0 && exited.finishedAt > 0);
    assert.equal(exited.logPath, join(logDir, "echo.log"));

    // The CRI log format: "<RFC3339Nano time> <stream> <F|P> <text>" per line.
    const lines = (await readFile(exited.logPath, "utf8")).trim().split("\n");
    const parsed = lines.map((l) => /^(\S+) (stdout|stderr) ([FP]) (.*)$/.exec(l));
    assert.ok(parsed.every(Boolean), lines.join("\n"));
    assert.deepEqual(parsed.map((m) => [m![2], m![4]]).sort(), [["stderr", "hello stderr"], ["stdout", "hello stdout"]]);
    assert.ok(!Number.isNaN(Date.parse(parsed[0]![1]!)));

    const listed = await cri.listContainers({ podSandboxId: sandboxId });
    assert.deepEqual(listed.map((c) => c.metadata.name).sort(), ["echo", "sleeper"]);
    assert.deepEqual((await cri.listContainers({ labelSelector: { role: "sleeper" } })).map((c) => c.id), [sleeperId]);

    // `sleep` as PID 1 has no SIGTERM handler: the stop must fall back to killing it after the timeout.
    const t0 = Date.now();
    await cri.stopContainer(sleeperId, 1);
    assert.ok(Date.now() - t0 < 15_000);
    const stopped = await cri.containerStatus(sleeperId);
    assert.equal(stopped.state, "CONTAINER_EXITED");
    assert.equal(stopped.exitCode, 137);

    // The sandbox image's process exits on SIGTERM at once, even as PID 1.
    const pause: ContainerConfig = {
      metadata: { name: "pause", attempt: 0 },
      image: { image: "registry.k8s.io/pause:3.6" },
      linux: { securityContext: { namespaceOptions: { pid: "CONTAINER" } } },
    };
    const pauseId = await cri.createContainer(sandboxId, pause, sandboxConfig);
    await cri.startContainer(pauseId);
    await waitForState(cri, pauseId, "CONTAINER_RUNNING");
    const t1 = Date.now();
    await cri.stopContainer(pauseId, 30);
    assert.ok(Date.now() - t1 < 5_000, `pause took ${Date.now() - t1} ms to stop`);
    assert.equal((await cri.containerStatus(pauseId)).exitCode, 0);
    await cri.removeContainer(pauseId);

    await cri.removeContainer(sleeperId);
    await cri.removeContainer(echoId);
    await assert.rejects(cri.containerStatus(echoId), (err: unknown) => err instanceof CriError && err.code === 5 /* NOT_FOUND */);

    await cri.stopPodSandbox(sandboxId);
    assert.equal((await cri.podSandboxStatus(sandboxId)).state, "SANDBOX_NOTREADY");
    await cri.removePodSandbox(sandboxId);
    assert.deepEqual(await cri.listPodSandbox({ id: sandboxId }), []);
  });
});
