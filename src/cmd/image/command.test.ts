import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startTestContainerd } from "../../../test/support/containerd.ts";
import type { TestContainerd } from "../../../test/support/containerd.ts";
import { parseImageArgs, runImageCommand } from "./command.ts";

describe("berth image flags", () => {
  it("parses build with repeated flags and qualifies the name", () => {
    const c = parseImageArgs(["build", "rootfs", "-t", "app:v2", "--entrypoint", "/bin/sh", "--entrypoint=-c", "--cmd", "echo hi",
      "--env", "A=1", "--env", "B=x=y", "--workdir", "/w", "--data-dir", "/d"]);
    assert.equal(c.kind, "build");
    if (c.kind !== "build") return;
    assert.equal(c.reference, "docker.io/library/app:v2");
    assert.deepEqual(c.entrypoint, ["/bin/sh", "-c"]);
    assert.deepEqual(c.cmd, ["echo hi"]);
    assert.deepEqual(c.env, ["A=1", "B=x=y"]);
    assert.equal(c.workingDir, "/w");
    assert.equal(c.output, "/d/agent/images/docker.io_library_app_v2.tar");
  });

  it("refuses what it cannot do", () => {
    assert.throws(() => parseImageArgs(["build", "rootfs"]), /-t NAME/);
    assert.throws(() => parseImageArgs(["build", "rootfs", "-t", "x", "--env", "NOVALUE"]), /K=V/);
    assert.throws(() => parseImageArgs(["import"]), /one archive/);
    assert.throws(() => parseImageArgs(["push", "x"]), /unknown subcommand/);
    assert.deepEqual(parseImageArgs(["build", "--help"]), { kind: "help" });
  });
});

describe("berth image build against containerd", () => {
  let ctrd: TestContainerd;
  let work: string;

  before(async () => {
    ctrd = await startTestContainerd();
    work = await mkdtemp(join(tmpdir(), "berth-image-cmd-"));
    // The agent's layout: <data-dir>/agent/containerd/containerd.sock.
    await mkdir(join(work, "data", "agent"), { recursive: true });
    await symlink(join(ctrd.dir, "containerd"), join(work, "data", "agent", "containerd"));
  });
  after(async () => {
    await ctrd?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("builds a directory into an image the runtime runs", async () => {
    const rootfs = join(work, "rootfs");
    await mkdir(join(rootfs, "bin"), { recursive: true });
    await copyFile("/bin/busybox", join(rootfs, "bin/busybox"));
    await chmod(join(rootfs, "bin/busybox"), 0o755);
    await symlink("busybox", join(rootfs, "bin/sh"));
    await symlink("busybox", join(rootfs, "bin/echo"));

    const code = await runImageCommand(["build", rootfs, "-t", "berth-test/hello:v1", "--entrypoint", "/bin/sh", "--entrypoint=-c",
      "--cmd", "echo $GREETING", "--env", "GREETING=hi there", "--data-dir", join(work, "data")]);
    assert.equal(code, 0);
    assert.ok(existsSync(join(work, "data/agent/images/docker.io_berth-test_hello_v1.tar")));
    const image = await ctrd.cri.imageStatus("berth-test/hello:v1");
    assert.ok(image);
    assert.deepEqual(image.repoTags, ["docker.io/berth-test/hello:v1"]);

    // Importing the kept archive again is harmless.
    assert.equal(await runImageCommand(["import", join(work, "data/agent/images/docker.io_berth-test_hello_v1.tar"), "--data-dir", join(work, "data")]), 0);

    const sandboxConfig = { metadata: { name: "hello", uid: "uid-hello", namespace: "default", attempt: 0 }, logDirectory: work };
    const sandboxId = await ctrd.cri.runPodSandbox(sandboxConfig);
    const id = await ctrd.cri.createContainer(sandboxId, { metadata: { name: "hello", attempt: 0 }, image: { image: "berth-test/hello:v1" }, logPath: "hello.log" }, sandboxConfig);
    await ctrd.cri.startContainer(id);
    const deadline = Date.now() + 10_000;
    while ((await ctrd.cri.containerStatus(id)).state !== "CONTAINER_EXITED" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const status = await ctrd.cri.containerStatus(id);
    assert.equal(status.exitCode, 0);
    assert.match(await readFile(join(work, "hello.log"), "utf8"), / stdout F hi there\n$/);
  });

  it("says when no agent is running", async () => {
    assert.equal(await runImageCommand(["import", "x.tar", "--data-dir", join(work, "nowhere")]), 1);
  });
});
