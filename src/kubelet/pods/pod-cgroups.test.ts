import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removePodCgroups } from "./pod-cgroups.ts";

test("the pod's cgroup goes from every hierarchy and QoS parent; others and busy ones stay", async () => {
  const root = await mkdtemp(join(tmpdir(), "cg-"));
  try {
    await mkdir(join(root, "memory/kubepods/besteffort/podu1"), { recursive: true });
    await mkdir(join(root, "cpu/kubepods/podu1"), { recursive: true });
    await mkdir(join(root, "cpu/kubepods/podu2"), { recursive: true });
    await mkdir(join(root, "pids/kubepods/burstable/podu1/still-here"), { recursive: true });
    await removePodCgroups("u1", root);
    const exists = (p: string) => stat(join(root, p)).then(() => true, () => false);
    assert.equal(await exists("memory/kubepods/besteffort/podu1"), false);
    assert.equal(await exists("cpu/kubepods/podu1"), false);
    assert.equal(await exists("cpu/kubepods/podu2"), true);
    assert.equal(await exists("pids/kubepods/burstable/podu1"), true, "a non-empty one is left");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
