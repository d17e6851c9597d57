import { test } from "node:test";
import assert from "node:assert/strict";
import { KeyedHeap } from "./heap.ts";

interface Item { key: string; v: number; heapIndex: number }
const item = (key: string, v: number): Item => ({ key, v, heapIndex: -1 });

test("pops in order; updates and deletes by key keep the order", () => {
  const h = new KeyedHeap<Item>((i) => i.key, (a, b) => a.v < b.v);
  const values = [50, 3, 27, 8, 99, 1, 64, 12, 5, 40];
  values.forEach((v, i) => h.push(item(`k${i}`, v)));
  h.push(item("k4", 0)); // 99 -> 0
  h.delete("k1"); // 3
  assert.equal(h.get("k2")?.v, 27);
  assert.equal(h.has("k1"), false);
  const out: number[] = [];
  for (let x = h.pop(); x; x = h.pop()) out.push(x.v);
  assert.deepEqual(out, [0, 1, 5, 8, 12, 27, 40, 50, 64]);
  assert.equal(h.size, 0);
});

test("random operations agree with a sorted list", () => {
  const h = new KeyedHeap<Item>((i) => i.key, (a, b) => a.v < b.v);
  const model = new Map<string, number>();
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 2000; i++) {
    const key = `k${Math.floor(rnd() * 50)}`;
    const r = rnd();
    if (r < 0.5) {
      const v = Math.floor(rnd() * 1000);
      h.push(item(key, v));
      model.set(key, v);
    } else if (r < 0.7) {
      h.delete(key);
      model.delete(key);
    } else if (model.size) {
      const min = Math.min(...model.values());
      const top = h.pop()!;
      assert.equal(top.v, min);
      model.delete(top.key);
    }
  }
  assert.equal(h.size, model.size);
});
