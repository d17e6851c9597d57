import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startTestContainerd } from "../../../test/support/containerd.ts";
import type { TestContainerd } from "../../../test/support/containerd.ts";
import { archivePath, BUSYBOX_IMAGE, ensureBuiltinImages } from "./builtin.ts";

describe("ensureBuiltinImages", () => {
  let ctrd: TestContainerd;
  let imagesDir: string;
  before(async () => {
    ctrd = await startTestContainerd();
    imagesDir = await mkdtemp(join(tmpdir(), "berth-images-"));
  });
  after(async () => {
    await ctrd?.stop();
    if (imagesDir) await rm(imagesDir, { recursive: true, force: true });
  });

  it("builds and imports what is missing when no archive exists, and leaves present images alone", async () => {
    await ctrd.cri.removeImage(BUSYBOX_IMAGE);
    assert.equal(await ctrd.cri.imageStatus("busybox"), undefined);
    const pauseBefore = await ctrd.cri.imageStatus("registry.k8s.io/pause:3.6");

    await ensureBuiltinImages(ctrd.endpoint, ctrd.cri, { imagesDir });
    assert.ok(await ctrd.cri.imageStatus("busybox"));
    assert.ok(existsSync(archivePath(imagesDir, BUSYBOX_IMAGE)), "the busybox archive was built");
    assert.ok(!existsSync(archivePath(imagesDir, "registry.k8s.io/pause:3.6")), "the present sandbox image was not rebuilt");
    assert.deepEqual(await ctrd.cri.imageStatus("registry.k8s.io/pause:3.6"), pauseBefore);
  });

  it("provides the sandbox image under another configured name", async () => {
    await ensureBuiltinImages(ctrd.endpoint, ctrd.cri, { imagesDir, sandboxImage: "registry.example/berth/pause:1" });
    const image = await ctrd.cri.imageStatus("registry.example/berth/pause:1");
    assert.ok(image);
    // Same content as the default sandbox image, so one image with both names.
    assert.deepEqual(image.repoTags.sort(), ["registry.example/berth/pause:1", "registry.k8s.io/pause:3.6"]);
  });
});
