// SPDY/3 header-block compression: one zlib stream per direction for the connection's whole life, primed with the
// SPDY/3 dictionary, each header block ending on a sync flush so the peer can decode it on its own arrival.
import zlib from "node:zlib";
import type { Deflate, Inflate } from "node:zlib";
import { SPDY3_DICTIONARY } from "./dictionary.ts";

/** Runs blocks through one long-lived zlib stream, one at a time, returning each block's output. */
class ZlibChannel {
  private readonly z: Deflate | Inflate;
  private queue: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  private output: Buffer[] = [];

  constructor(z: Deflate | Inflate) {
    this.z = z;
    z.on("error", (err) => { this.failure = err; });
    // Flowing mode: zlib's output is handed over as it is produced, so a large block never stalls on a full buffer.
    z.on("data", (c: Buffer) => this.output.push(c));
  }

  run(input: Buffer): Promise<Buffer> {
    const next = this.queue.then(() => new Promise<Buffer>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.z.write(input);
      // The flush callback runs once zlib has emitted everything up to the sync point.
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        if (this.failure) return reject(this.failure);
        const out = Buffer.concat(this.output);
        this.output = [];
        resolve(out);
      });
    }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.z.close();
  }
}

export class HeaderCompressor {
  private readonly channel = new ZlibChannel(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY }));
  compress(block: Buffer): Promise<Buffer> { return this.channel.run(block); }
  close(): void { this.channel.close(); }
}

export class HeaderDecompressor {
  private readonly channel = new ZlibChannel(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }));
  decompress(block: Buffer): Promise<Buffer> { return this.channel.run(block); }
  close(): void { this.channel.close(); }
}
