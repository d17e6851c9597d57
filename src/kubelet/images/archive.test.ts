import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmod, link, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";
import type { Header } from "tar-stream";
import { buildImageArchive, CONTAINERD_NAME_ANNOTATION, MEDIA_TYPES, REF_NAME_ANNOTATION } from "./archive.ts";
import { normalizeReference } from "./reference.ts";

interface TarEntry { header: Header; body: Buffer }

async function untar(bytes: Buffer): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      entries.push({ header: entry.header, body: Buffer.concat(chunks) });
    }
  })();
  ex.end(bytes);
  await done;
  return entries;
}

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("buildImageArchive", () => {
  let dir: string;
  let rootfs: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-archive-"));
    rootfs = join(dir, "rootfs");
    await mkdir(join(rootfs, "bin"), { recursive: true });
    await mkdir(join(rootfs, "tmp"));
    await chmod(join(rootfs, "tmp"), 0o1777);
    await writeFile(join(rootfs, "bin/tool"), "#!/bin/sh\necho tool\n");
    await chmod(join(rootfs, "bin/tool"), 0o755);
    await link(join(rootfs, "bin/tool"), join(rootfs, "bin/tool2"));
    await symlink("/bin/tool", join(rootfs, "bin/alias"));
    await writeFile(join(rootfs, "readme"), "hello\n");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes an OCI layout whose digests, annotations and config match its content", async () => {
    const out = join(dir, "image.tar");
    const built = await buildImageArchive({
      rootfsDir: rootfs, reference: "example/tool:v1", out,
      entrypoint: ["/bin/tool"], cmd: ["--flag"], env: ["A=1"], workingDir: "/tmp",
    });
    assert.equal(built.reference, "docker.io/example/tool:v1");

    const entries = await untar(await readFile(out));
    assert.deepEqual(entries.slice(0, 4).map((e) => e.header.name), ["oci-layout", "index.json", "blobs/", "blobs/sha256/"]);
    const byName = new Map(entries.map((e) => [e.header.name, e.body]));
    assert.deepEqual(JSON.parse(byName.get("oci-layout")!.toString()), { imageLayoutVersion: "1.0.0" });
    // Every blob is stored under its own digest.
    for (const e of entries.filter((x) => x.header.name.startsWith("blobs/sha256/") && x.header.type === "file")) {
      assert.equal(sha256(e.body), `sha256:${e.header.name.slice("blobs/sha256/".length)}`);
    }
    const blob = (digest: string) => byName.get(`blobs/sha256/${digest.slice(7)}`)!;

    const index = JSON.parse(byName.get("index.json")!.toString());
    assert.equal(index.mediaType, MEDIA_TYPES.index);
    assert.equal(index.manifests.length, 1);
    const desc = index.manifests[0];
    assert.equal(desc.digest, built.manifestDigest);
    assert.equal(desc.annotations[CONTAINERD_NAME_ANNOTATION], "docker.io/example/tool:v1");
    assert.equal(desc.annotations[REF_NAME_ANNOTATION], "docker.io/example/tool:v1");
    assert.equal(desc.size, blob(desc.digest).length);

    const manifest = JSON.parse(blob(built.manifestDigest).toString());
    assert.equal(manifest.config.digest, built.configDigest);
    assert.equal(manifest.layers.length, 1);
    assert.equal(manifest.layers[0].mediaType, MEDIA_TYPES.layerGzip);
    const layerGz = blob(manifest.layers[0].digest);
    assert.equal(manifest.layers[0].size, layerGz.length);

    const config = JSON.parse(blob(built.configDigest).toString());
    assert.equal(config.os, "linux");
    assert.deepEqual(config.config.Entrypoint, ["/bin/tool"]);
    assert.deepEqual(config.config.Cmd, ["--flag"]);
    assert.equal(config.config.WorkingDir, "/tmp");
    assert.ok(config.config.Env.some((e: string) => e.startsWith("PATH=")), "a default PATH is added");
    assert.ok(config.config.Env.includes("A=1"));
    // The diff_id is the digest of the uncompressed layer.
    const layerTar = gunzipSync(layerGz);
    assert.deepEqual(config.rootfs, { type: "layers", diff_ids: [sha256(layerTar)] });
    assert.equal(built.diffId, sha256(layerTar));

    const layer = await untar(layerTar);
    assert.deepEqual(layer.map((e) => e.header.name), ["bin/", "bin/alias", "bin/tool", "bin/tool2", "readme", "tmp/"]);
    const h = new Map(layer.map((e) => [e.header.name, e]));
    assert.equal(h.get("bin/alias")!.header.type, "symlink");
    assert.equal(h.get("bin/alias")!.header.linkname, "/bin/tool");
    assert.equal(h.get("bin/tool")!.body.toString(), "#!/bin/sh\necho tool\n");
    assert.equal(h.get("bin/tool")!.header.mode, 0o755);
    assert.equal(h.get("bin/tool2")!.header.type, "link");
    assert.equal(h.get("bin/tool2")!.header.linkname, "bin/tool");
    assert.equal(h.get("tmp/")!.header.mode, 0o1777);
    for (const e of layer) {
      assert.equal(e.header.uid, 0);
      assert.equal(e.header.gid, 0);
      assert.equal(e.header.mtime.getTime(), 0);
    }
  });

  it("is reproducible: file times do not change the bytes, content does", async () => {
    const a = await buildImageArchive({ rootfsDir: rootfs, reference: "busybox", out: join(dir, "a.tar") });
    await utimes(join(rootfs, "readme"), new Date(1_000_000), new Date(2_000_000));
    const b = await buildImageArchive({ rootfsDir: rootfs, reference: "busybox", out: join(dir, "b.tar") });
    assert.deepEqual(await readFile(join(dir, "a.tar")), await readFile(join(dir, "b.tar")));
    assert.equal(a.manifestDigest, b.manifestDigest);
    assert.equal(a.reference, "docker.io/library/busybox:latest");

    await writeFile(join(rootfs, "readme"), "changed\n");
    const c = await buildImageArchive({ rootfsDir: rootfs, reference: "busybox", out: join(dir, "c.tar") });
    assert.notEqual(c.diffId, a.diffId);
    assert.notEqual(c.manifestDigest, a.manifestDigest);
  });
});

describe("normalizeReference", () => {
  it("qualifies short names the way the CRI resolves them", () => {
    assert.equal(normalizeReference("busybox"), "docker.io/library/busybox:latest");
    assert.equal(normalizeReference("busybox:1.35"), "docker.io/library/busybox:1.35");
    assert.equal(normalizeReference("me/app"), "docker.io/me/app:latest");
    assert.equal(normalizeReference("registry.k8s.io/pause:3.6"), "registry.k8s.io/pause:3.6");
    assert.equal(normalizeReference("localhost:5000/x/y"), "localhost:5000/x/y:latest");
    assert.equal(normalizeReference("localhost/app:Dev_1"), "localhost/app:Dev_1");
    const digest = `sha256:${"a".repeat(64)}`;
    assert.equal(normalizeReference(`busybox@${digest}`), `docker.io/library/busybox@${digest}`);
    assert.throws(() => normalizeReference("Busybox"));
    assert.throws(() => normalizeReference(""));
  });
});
