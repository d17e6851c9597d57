import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { decodeWatch } from "./watch.ts";

test("events split across and packed within chunks decode in order", async () => {
  const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify({ type: "ADDED", object: { metadata: { name: `o${i}` } } }) + "\n");
  const text = lines.join("");
  const chunks = [text.slice(0, 7), text.slice(7, 130), text.slice(130)];
  const names: string[] = [];
  for await (const ev of decodeWatch<{ metadata: { name: string } }>(Readable.from(chunks.map((c) => Buffer.from(c))))) {
    if (ev.type !== "ERROR") names.push(ev.object.metadata.name);
  }
  assert.deepEqual(names, ["o0", "o1", "o2", "o3", "o4"]);
});

test("a multi-byte character split between chunks survives", async () => {
  const bytes = Buffer.from(JSON.stringify({ type: "ADDED", object: { metadata: { name: "ünïcödé" } } }) + "\n");
  const cut = bytes.indexOf(Buffer.from("ü")) + 1;
  const events = [];
  for await (const ev of decodeWatch<{ metadata: { name: string } }>(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]))) events.push(ev);
  assert.equal((events[0]!.object as { metadata: { name: string } }).metadata.name, "ünïcödé");
});
