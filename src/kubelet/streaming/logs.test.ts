import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { text } from "node:stream/consumers";
import { CriLogParser, parseLogOptions, writeLogs } from "./logs.ts";
import type { LogOptions } from "./logs.ts";
import { StatusError } from "../../api/errors.ts";

const LOG = [
  "2024-05-01T10:00:00.100000000Z stdout F one",
  "2024-05-01T10:00:01.000000001Z stderr F two (stderr)",
  "2024-05-01T10:00:02.5Z stdout P thr",
  "2024-05-01T10:00:02.6Z stdout P e",
  "2024-05-01T10:00:02.7Z stdout F e",
  "2024-05-01T10:00:03Z stdout F ",
  "2024-05-01T10:00:04.000000000Z stdout F four",
  "",
].join("\n");

async function withLog(t: { after(fn: () => unknown): void }, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "berth-logs-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "c.log");
  await writeFile(path, content);
  return path;
}

async function read(path: string, opts: Partial<LogOptions>, isRunning = async () => false): Promise<string> {
  const out = new PassThrough();
  const body = text(out);
  await writeLogs(path, { follow: false, timestamps: false, ...opts }, out, { isRunning, pollMs: 20 });
  out.end();
  return body;
}

test("plain text from CRI lines: streams interleaved, partial lines joined, empty lines kept", async (t) => {
  const path = await withLog(t, LOG);
  assert.equal(await read(path, {}), "one\ntwo (stderr)\nthree\n\nfour\n");
});

test("tailLines counts whole lines; timestamps prefix each line with the runtime's time", async (t) => {
  const path = await withLog(t, LOG);
  assert.equal(await read(path, { tailLines: 2 }), "\nfour\n");
  assert.equal(await read(path, { tailLines: 0 }), "");
  assert.equal(await read(path, { tailLines: 3, timestamps: true }), "2024-05-01T10:00:02.5Z three\n2024-05-01T10:00:03Z \n2024-05-01T10:00:04.000000000Z four\n");
});

test("since: nanosecond precision from sinceTime; sinceSeconds relative to now", async (t) => {
  const path = await withLog(t, LOG);
  const since = (q: string) => parseLogOptions(new URLSearchParams(q), new Date("2024-05-01T10:00:04.6Z"));
  assert.equal(await read(path, since("sinceTime=2024-05-01T10:00:01.000000001Z")), "two (stderr)\nthree\n\nfour\n");
  assert.equal(await read(path, since("sinceTime=2024-05-01T10:00:01.000000002Z")), "three\n\nfour\n");
  assert.equal(await read(path, since("sinceSeconds=2")), "\nfour\n");
  assert.equal(await read(path, { ...since("sinceSeconds=3"), tailLines: 1 }), "four\n");
});

test("limitBytes cuts the output at that many bytes", async (t) => {
  const path = await withLog(t, LOG);
  assert.equal(await read(path, { limitBytes: 6 }), "one\ntw");
  assert.equal(await read(path, { limitBytes: 4 }), "one\n");
});

test("follow streams lines appended later and ends once the container stopped and the file is drained", async (t) => {
  const path = await withLog(t, "2024-05-01T10:00:00Z stdout F first\n");
  let running = true;
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (c: Buffer) => chunks.push(c.toString()));
  const done = writeLogs(path, { follow: true, timestamps: false }, out, { isRunning: async () => running, pollMs: 20 });
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(chunks, ["first\n"]);
  await appendFile(path, "2024-05-01T10:00:01Z stdout P sec\n");
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(chunks, ["first\n"], "a partial line waits for its end");
  await appendFile(path, "2024-05-01T10:00:01Z stdout F ond\n2024-05-01T10:00:01Z stdout F third\n");
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(chunks.join(""), "first\nsecond\nthird\n");
  await appendFile(path, "2024-05-01T10:00:02Z stdout F last\n");
  running = false;
  await done;
  assert.equal(chunks.join(""), "first\nsecond\nthird\nlast\n");
});

test("follow ends when the reader goes away while the container runs", async (t) => {
  const path = await withLog(t, "2024-05-01T10:00:00Z stdout F first\n");
  const out = new PassThrough();
  out.resume();
  const abort = new AbortController();
  const done = writeLogs(path, { follow: true, timestamps: false }, out, { isRunning: async () => true, signal: abort.signal, pollMs: 20 });
  await new Promise((r) => setTimeout(r, 60));
  abort.abort();
  await done;
});

test("the parser holds a line split across reads; bad options are 400s", () => {
  const p = new CriLogParser();
  assert.deepEqual(p.push("2024-05-01T10:00:00Z stdout F a"), []);
  assert.deepEqual(p.push("bc\n"), [{ time: "2024-05-01T10:00:00Z", stream: "stdout", text: "abc\n" }]);
  for (const q of ["tailLines=-1", "limitBytes=0", "sinceSeconds=0", "sinceTime=yesterday", "sinceSeconds=1&sinceTime=2024-05-01T10:00:00Z"]) {
    assert.throws(() => parseLogOptions(new URLSearchParams(q)), (e) => e instanceof StatusError && e.code === 400, q);
  }
  assert.deepEqual(parseLogOptions(new URLSearchParams("follow=true&timestamps=1&tailLines=5")), { follow: true, timestamps: true, tailLines: 5 });
});
