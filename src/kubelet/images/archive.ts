// Builds an OCI image archive (an OCI image layout in a tar, as `ctr images import` reads it) from a directory
// that holds the image's root filesystem, with no registry and no external tool. The result is reproducible:
// the same rootfs and options give the same bytes (fixed timestamps and owners, sorted entries, gzip without
// a name or time), so the image digest only changes when the content does.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, readlink, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Transform } from "node:stream";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { pack } from "tar-stream";
import type { Header, Pack } from "tar-stream";
import { normalizeReference } from "./reference.ts";

export const MEDIA_TYPES = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";
export const CONTAINERD_NAME_ANNOTATION = "io.containerd.image.name";

const EPOCH = new Date(0);
const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface BuildImageOptions {
  /** The image's root filesystem. */
  rootfsDir: string;
  /** Image name; short forms are qualified ("busybox" -> docker.io/library/busybox:latest). */
  reference: string;
  entrypoint?: string[];
  cmd?: string[];
  /** "K=V" entries; a default PATH is added when none sets PATH. */
  env?: string[];
  workingDir?: string;
  /** Where the archive (a tar) is written. */
  out: string;
}

export interface BuiltImage {
  /** The full reference the archive names the image with. */
  reference: string;
  /** sha256:... of the manifest (what containerd reports as the repo digest). */
  manifestDigest: string;
  /** sha256:... of the config: containerd's and CRI's image id. */
  configDigest: string;
  /** sha256:... of the uncompressed layer (the config's rootfs.diff_ids). */
  diffId: string;
  out: string;
}

interface Blob { digest: string; size: number }
type Headers = Partial<Header> & Pick<Header, "name">;

export async function buildImageArchive(opts: BuildImageOptions): Promise<BuiltImage> {
  const reference = normalizeReference(opts.reference);
  if (!(await stat(opts.rootfsDir)).isDirectory()) throw new Error(`${opts.rootfsDir} is not a directory`);
  const staging = await mkdtemp(join(dirname(opts.out), ".oci-build-"));
  // Unique, so that two builds of the same archive at once (parallel tests) cannot interleave their bytes.
  const partial = join(staging, "archive.tar");
  try {
    await mkdir(join(staging, "blobs", "sha256"), { recursive: true });
    const { layer, diffId } = await writeLayerBlob(opts.rootfsDir, join(staging, "layer.tmp"));
    await rename(join(staging, "layer.tmp"), blobPath(staging, layer.digest));

    const env = opts.env ?? [];
    const config = {
      architecture: ociArchitecture(),
      os: "linux",
      config: {
        Env: env.some((e) => e.startsWith("PATH=")) ? env : [DEFAULT_PATH, ...env],
        ...(opts.entrypoint?.length ? { Entrypoint: opts.entrypoint } : {}),
        ...(opts.cmd?.length ? { Cmd: opts.cmd } : {}),
        ...(opts.workingDir ? { WorkingDir: opts.workingDir } : {}),
      },
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created_by: "berth image build", created: EPOCH.toISOString() }],
      created: EPOCH.toISOString(),
    };
    const configBlob = jsonBlob(config);
    const manifestBlob = jsonBlob({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: { mediaType: MEDIA_TYPES.config, ...configBlob.ref },
      layers: [{ mediaType: MEDIA_TYPES.layerGzip, ...layer }],
    });
    const index = jsonBlob({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: [{
        mediaType: MEDIA_TYPES.manifest,
        ...manifestBlob.ref,
        platform: { architecture: config.architecture, os: config.os },
        annotations: { [CONTAINERD_NAME_ANNOTATION]: reference, [REF_NAME_ANNOTATION]: reference },
      }],
    });

    // The outer tar: oci-layout, index.json, then the blobs in digest order.
    const out = pack();
    const file = createWriteStream(partial);
    const written = pipeline(out, file);
    await addEntry(out, { name: "oci-layout", type: "file" }, Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })));
    await addEntry(out, { name: "index.json", type: "file" }, index.bytes);
    await addEntry(out, { name: "blobs/", type: "directory", mode: 0o755 });
    await addEntry(out, { name: "blobs/sha256/", type: "directory", mode: 0o755 });
    const entries: { digest: string; add: (name: string) => Promise<void> }[] = [
      { digest: configBlob.ref.digest, add: (name) => addEntry(out, { name, type: "file" }, configBlob.bytes) },
      { digest: manifestBlob.ref.digest, add: (name) => addEntry(out, { name, type: "file" }, manifestBlob.bytes) },
      { digest: layer.digest, add: (name) => addEntry(out, { name, type: "file", size: layer.size }, createReadStream(blobPath(staging, layer.digest))) },
    ];
    entries.sort((a, b) => (a.digest < b.digest ? -1 : 1));
    for (const e of entries) await e.add(`blobs/sha256/${e.digest.slice("sha256:".length)}`);
    out.finalize();
    await written;
    await rename(partial, opts.out);
    return { reference, manifestDigest: manifestBlob.ref.digest, configDigest: configBlob.ref.digest, diffId, out: opts.out };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function ociArchitecture(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };
  return arch[process.arch] ?? process.arch;
}

const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const blobPath = (layout: string, digest: string): string => join(layout, "blobs", "sha256", digest.slice("sha256:".length));

function jsonBlob(value: unknown): { bytes: Buffer; ref: Blob } {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, ref: { digest: sha256(bytes), size: bytes.length } };
}

/** Hashes (and counts) whatever passes through. */
class Digester extends Transform {
  readonly #hash = createHash("sha256");
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.#hash.update(chunk);
    this.size += chunk.length;
    this.push(chunk);
    done();
  }
  digest(): string {
    return `sha256:${this.#hash.digest("hex")}`;
  }
}

/** Tars the rootfs into a gzip blob at `file`: returns the blob's descriptor and the uncompressed tar's digest. */
async function writeLayerBlob(rootfsDir: string, file: string): Promise<{ layer: Blob; diffId: string }> {
  const tar = pack();
  const uncompressed = new Digester();
  const compressed = new Digester();
  // gzip from node:zlib writes no file name and a zero timestamp: the blob is as reproducible as the tar.
  const done = pipeline(tar, uncompressed, createGzip({ level: 9 }), compressed, createWriteStream(file));
  await addTree(tar, rootfsDir);
  tar.finalize();
  await done;
  return { layer: { digest: compressed.digest(), size: compressed.size }, diffId: uncompressed.digest() };
}

/** Adds every entry under `root` in sorted order, owned by root, timestamps at the epoch; hard links kept as links. */
async function addTree(tar: Pack, root: string): Promise<void> {
  const seen = new Map<string, string>(); // "dev:ino" of multiply-linked files -> first name
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(root, rel))).sort();
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const full = join(root, path);
      const st = await lstat(full);
      const base: Headers = { name: path, mode: st.mode & 0o7777, uid: 0, gid: 0, mtime: EPOCH };
      if (st.isDirectory()) {
        await addEntry(tar, { ...base, name: `${path}/`, type: "directory" });
        await walk(path);
      } else if (st.isSymbolicLink()) {
        await addEntry(tar, { ...base, type: "symlink", linkname: await readlink(full) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? seen.get(key) : undefined;
        if (first !== undefined) {
          await addEntry(tar, { ...base, type: "link", linkname: first });
        } else {
          if (st.nlink > 1) seen.set(key, path);
          await addEntry(tar, { ...base, type: "file", size: st.size }, createReadStream(full));
        }
      } else if (st.isFIFO()) {
        await addEntry(tar, { ...base, type: "fifo" });
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const devmajor = Number((BigInt(st.rdev) >> 8n) & 0xfffn);
        const devminor = Number((BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n));
        await addEntry(tar, { ...base, type: st.isCharacterDevice() ? "character-device" : "block-device", devmajor, devminor });
      }
      // Sockets have no place in an image: they are left out.
    }
  };
  await walk("");
}

/** Adds one entry and resolves once its content has been taken in (tar-stream takes one entry at a time). */
function addEntry(tar: Pack, header: Headers, content?: Buffer | Readable): Promise<void> {
  const h: Headers = { uid: 0, gid: 0, mtime: EPOCH, mode: header.type === "directory" ? 0o755 : 0o644, uname: "", gname: "", ...header };
  return new Promise((resolve, reject) => {
    if (content === undefined || Buffer.isBuffer(content)) {
      tar.entry(h, content ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
      return;
    }
    const sink = tar.entry(h, (err) => (err ? reject(err) : resolve()));
    pipeline(content, sink).catch(reject);
  });
}
