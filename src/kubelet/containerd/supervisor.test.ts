import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startTestContainerd } from "../../../test/support/containerd.ts";
import type { TestContainerd } from "../../../test/support/containerd.ts";
import { CriClient } from "../cri/client.ts";
import { startContainerd } from "./supervisor.ts";
import { cniConflist, writeCniConfig } from "./cni.ts";

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pidOf = async (dir: string) => Number((await readFile(join(dir, "containerd.pid"), "utf8")).trim());

describe("writeCniConfig", () => {
  it("describes a bridge with host-local addresses from the pod range and host ports", async () => {
    const dir = await mkdtemp(join(tmpdir(), "berth-cni-"));
    try {
      const file = await writeCniConfig(join(dir, "net.d"), { podCidr: "10.42.3.0/24" });
      const conf = JSON.parse(await readFile(file, "utf8"));
      assert.equal(conf.cniVersion, "1.0.0");
      assert.equal(conf.name, "berth");
      const [bridge, portmap] = conf.plugins;
      assert.equal(bridge.type, "bridge");
      assert.equal(bridge.bridge, "berth0");
      assert.equal(bridge.isGateway, true);
      assert.equal(bridge.ipMasq, false);
      assert.equal(bridge.hairpinMode, true);
      assert.deepEqual(bridge.ipam.ranges, [[{ subnet: "10.42.3.0/24", gateway: "10.42.3.1" }]]);
      assert.deepEqual(portmap, { type: "portmap", capabilities: { portMappings: true } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses what a bridge cannot use", () => {
    assert.throws(() => cniConflist({ podCidr: "10.0.0.0/31" }), /too small/);
    assert.throws(() => cniConflist({ podCidr: "10.0.0.0/24", bridge: "a-very-long-bridge-name" }), /15 characters/);
    assert.throws(() => cniConflist({ podCidr: "nonsense" }));
  });
});

describe("startContainerd supervision", () => {
  let ctrd: TestContainerd;
  before(async () => {
    ctrd = await startTestContainerd();
  });
  after(async () => {
    await ctrd?.stop();
  });

  it("restarts containerd when it dies, and running containers survive", async () => {
    const { cri } = ctrd;
    const sandboxConfig = { metadata: { name: "survivor", uid: "uid-survivor", namespace: "default", attempt: 0 } };
    const sandboxId = await cri.runPodSandbox(sandboxConfig);
    const id = await cri.createContainer(sandboxId, { metadata: { name: "sleeper", attempt: 0 }, image: { image: "busybox" }, command: ["sleep", "3600"] }, sandboxConfig);
    await cri.startContainer(id);

    const dir = join(ctrd.dir, "containerd");
    const first = await pidOf(dir);
    process.kill(first, "SIGKILL");
    await until("a new containerd", async () => (await pidOf(dir)) !== first);
    await until("the CRI to answer again", async () => (await cri.version()).runtimeName === "containerd");
    assert.equal((await cri.containerStatus(id)).state, "CONTAINER_RUNNING");
    const exec = await cri.execSync(id, ["echo", "still here"], 10);
    assert.equal(exec.stdout.toString(), "still here\n");
  });
});

describe("startContainerd lifetime", () => {
  it("stops containerd when its signal aborts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "berth-ctrd-abort-"));
    const ac = new AbortController();
    try {
      const c = await startContainerd({ dir, cniConfDir: join(dir, "cni"), signal: ac.signal });
      const pid = await pidOf(dir);
      const cri = CriClient.connect(c.endpoint);
      assert.equal((await cri.version()).runtimeApiVersion, "v1");
      cri.close();
      const config = await readFile(join(dir, "config.toml"), "utf8");
      assert.match(config, /restrict_oom_score_adj = true/);
      assert.match(config, /SystemdCgroup = false/);
      ac.abort();
      await until("containerd to exit", async () => !existsSync(`/proc/${pid}`) || (await readFile(`/proc/${pid}/stat`, "utf8")).split(" ")[2] === "Z");
      await c.stop(); // idempotent after the abort
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
