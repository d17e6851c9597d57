// Container logs as `kubectl logs` gets them: CRI log files ("<RFC3339Nano> <stdout|stderr> <tags> <text>" per
// line, tag P marking a partial line continued by the next) turned into plain text, with the options of
// pods/log: tailLines, sinceSeconds/sinceTime, timestamps, limitBytes and follow.
import { open, watch } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { Writable } from "node:stream";
import { once } from "node:events";
import { badRequest } from "../../api/errors.ts";

export interface LogOptions {
  follow: boolean;
  timestamps: boolean;
  /** Only the last n lines (counted after `since`). */
  tailLines?: number;
  /** Only lines at or after this instant (epoch ms; sub-millisecond digits are compared too). */
  since?: { ms: number; nanos: number };
  limitBytes?: number;
}

export interface LogLine {
  /** The runtime's timestamp as written. */
  time: string;
  stream: "stdout" | "stderr";
  /** The text, with "\n" once the line is complete. */
  text: string;
}

/** Parses the query of /containerLogs (the same names as pods/log); bad values are a 400. */
export function parseLogOptions(query: URLSearchParams, now: Date = new Date()): LogOptions {
  const bool = (name: string) => {
    const v = query.get(name);
    return v !== null && v !== "false" && v !== "0";
  };
  const int = (name: string, min: number): number | undefined => {
    const v = query.get(name);
    if (v === null || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw badRequest(`${name}: Invalid value: ${JSON.stringify(v)}: must be an integer ${min === 0 ? "greater than or equal to 0" : "greater than 0"}`);
    return n;
  };
  const opts: LogOptions = { follow: bool("follow"), timestamps: bool("timestamps") };
  const tail = int("tailLines", 0);
  if (tail !== undefined) opts.tailLines = tail;
  const limit = int("limitBytes", 1);
  if (limit !== undefined) opts.limitBytes = limit;
  const sinceSeconds = int("sinceSeconds", 1);
  const sinceTime = query.get("sinceTime");
  if (sinceSeconds !== undefined && sinceTime) throw badRequest("at most one of sinceTime or sinceSeconds may be specified");
  if (sinceSeconds !== undefined) opts.since = { ms: now.getTime() - sinceSeconds * 1000, nanos: 0 };
  if (sinceTime) {
    const since = parseTimestamp(sinceTime);
    if (!since) throw badRequest(`sinceTime: Invalid value: ${JSON.stringify(sinceTime)}: must be an RFC3339 time`);
    opts.since = since;
  }
  return opts;
}

/** An RFC3339(Nano) time as epoch milliseconds plus the nanoseconds past the millisecond. */
export function parseTimestamp(s: string): { ms: number; nanos: number } | undefined {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return undefined;
  const frac = (m[2] ?? "").padEnd(9, "0");
  const ms = Date.parse(`${m[1]}.${frac.slice(0, 3)}${m[3]}`);
  return Number.isNaN(ms) ? undefined : { ms, nanos: Number(frac.slice(3)) };
}

const notBefore = (t: string, since: LogOptions["since"]): boolean => {
  if (!since) return true;
  const p = parseTimestamp(t);
  if (!p) return true;
  return p.ms > since.ms || (p.ms === since.ms && p.nanos >= since.nanos);
};

/** One CRI log file line; undefined for lines not in that format. */
export function parseCriLine(line: string): { time: string; stream: "stdout" | "stderr"; partial: boolean; text: string } | undefined {
  const a = line.indexOf(" ");
  const b = a < 0 ? -1 : line.indexOf(" ", a + 1);
  if (b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== "stdout" && stream !== "stderr") return undefined;
  const c = line.indexOf(" ", b + 1);
  const tags = line.slice(b + 1, c < 0 ? undefined : c);
  return { time: line.slice(0, a), stream, partial: tags.split(":").includes("P"), text: c < 0 ? "" : line.slice(c + 1) };
}

/** Joins partial CRI lines into whole log lines, fed file text chunk by chunk. */
export class CriLogParser {
  private rest = "";
  private pending: LogLine | undefined;

  /** Returns the lines completed by this chunk of file text. */
  push(chunk: string): LogLine[] {
    const text = this.rest + chunk;
    const lines = text.split("\n");
    this.rest = lines.pop()!;
    const out: LogLine[] = [];
    for (const raw of lines) {
      const p = parseCriLine(raw);
      if (!p) continue;
      if (this.pending && this.pending.stream === p.stream) {
        this.pending.text += p.text;
      } else {
        this.pending = { time: p.time, stream: p.stream, text: p.text };
      }
      if (!p.partial) {
        this.pending.text += "\n";
        out.push(this.pending);
        this.pending = undefined;
      }
    }
    return out;
  }
}

export interface FollowControl {
  /** Whether the container may still write to its log; following ends once it is not and the file is drained. */
  isRunning(): Promise<boolean>;
  signal?: AbortSignal;
  /** How often to look for new lines when the file system does not report a change. Default 250 ms. */
  pollMs?: number;
}

/** Writes the log at `path` to `out` as plain text, following it while the container runs if asked. */
export async function writeLogs(path: string, opts: LogOptions, out: Writable, follow: FollowControl): Promise<void> {
  const file = await open(path, "r");
  try {
    await new LogCopier(path, file, opts, out).run(follow);
  } finally {
    await file.close();
  }
}

class LogCopier {
  private readonly path: string;
  private readonly file: FileHandle;
  private readonly opts: LogOptions;
  private readonly out: Writable;
  private readonly parser = new CriLogParser();
  private readonly decoder = new TextDecoder();
  private position = 0;
  private written = 0;

  constructor(path: string, file: FileHandle, opts: LogOptions, out: Writable) {
    this.path = path;
    this.file = file;
    this.opts = opts;
    this.out = out;
  }

  async run(follow: FollowControl): Promise<void> {
    // The existing content first; with tailLines only its last lines are kept.
    const tail: LogLine[] = [];
    for (;;) {
      const lines = await this.readMore();
      if (lines === undefined) break;
      for (const l of lines) {
        if (!notBefore(l.time, this.opts.since)) continue;
        if (this.opts.tailLines === undefined) {
          if (!await this.emit(l)) return;
        } else {
          tail.push(l);
          if (tail.length > this.opts.tailLines) tail.shift();
        }
      }
    }
    for (const l of tail) if (!await this.emit(l)) return;
    if (!this.opts.follow) return;
    await this.follow(follow);
  }

  private async follow(ctl: FollowControl): Promise<void> {
    const signal = ctl.signal;
    const watcher = new AbortController();
    const abortWatch = () => watcher.abort();
    signal?.addEventListener("abort", abortWatch, { once: true });
    const closed = () => watcher.abort();
    this.out.once("close", closed);
    let changed: (() => void) | undefined;
    // fs.watch wakes the loop early; polling covers file systems that do not report changes.
    void (async () => {
      try {
        for await (const _ of watch(this.path, { signal: watcher.signal })) changed?.();
      } catch { /* aborted or unsupported: polling remains */ }
    })();
    try {
      while (!watcher.signal.aborted) {
        const lines = await this.readMore();
        if (lines !== undefined) {
          for (const l of lines) if (notBefore(l.time, this.opts.since) && !await this.emit(l)) return;
          continue;
        }
        if (!await ctl.isRunning()) {
          // A last look: lines written between the read and the check.
          const last = await this.readMore();
          for (const l of last ?? []) if (notBefore(l.time, this.opts.since) && !await this.emit(l)) return;
          if (last === undefined) return;
          continue;
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, ctl.pollMs ?? 250);
          changed = () => { clearTimeout(t); resolve(); };
          watcher.signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
        });
        changed = undefined;
      }
    } finally {
      watcher.abort();
      signal?.removeEventListener("abort", abortWatch);
      this.out.off("close", closed);
    }
  }

  /** The lines completed by the file's new bytes; undefined at the end of the file. */
  private async readMore(): Promise<LogLine[] | undefined> {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await this.file.read(buf, 0, buf.length, this.position);
    if (bytesRead === 0) return undefined;
    this.position += bytesRead;
    return this.parser.push(this.decoder.decode(buf.subarray(0, bytesRead), { stream: true }));
  }

  /** Writes one line; false once limitBytes is reached or the reader is gone. */
  private async emit(l: LogLine): Promise<boolean> {
    if (this.out.destroyed || this.out.writableEnded) return false;
    let data = Buffer.from(this.opts.timestamps ? `${l.time} ${l.text}` : l.text);
    const limit = this.opts.limitBytes;
    if (limit !== undefined) {
      if (this.written + data.length >= limit) data = data.subarray(0, limit - this.written);
    }
    this.written += data.length;
    if (!this.out.write(data)) await Promise.race([once(this.out, "drain"), once(this.out, "close")]);
    return limit === undefined || this.written < limit;
  }
}
