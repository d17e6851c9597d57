// A binary heap of items with unique keys: push, update and delete by key in O(log n). Each item carries its own
// position (an item is in at most one heap at a time), so sifting touches no map.

export interface HeapItem {
  heapIndex: number;
}

export class KeyedHeap<T extends HeapItem> {
  private readonly items: T[] = [];
  private readonly byKey = new Map<string, T>();
  private readonly keyOf: (item: T) => string;
  private readonly less: (a: T, b: T) => boolean;

  constructor(keyOf: (item: T) => string, less: (a: T, b: T) => boolean) {
    this.keyOf = keyOf;
    this.less = less;
  }

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds the item, or replaces the one with the same key and restores order. */
  push(item: T): void {
    const key = this.keyOf(item);
    const old = this.byKey.get(key);
    if (old) {
      const i = old.heapIndex;
      item.heapIndex = i;
      this.items[i] = item;
      this.byKey.set(key, item);
      this.fix(i);
      return;
    }
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.byKey.set(key, item);
    this.up(item.heapIndex);
  }

  pop(): T | undefined {
    if (this.items.length === 0) return undefined;
    return this.removeAt(0);
  }

  delete(key: string): T | undefined {
    const item = this.byKey.get(key);
    return item && this.removeAt(item.heapIndex);
  }

  private removeAt(i: number): T {
    const item = this.items[i]!;
    const last = this.items.pop()!;
    this.byKey.delete(this.keyOf(item));
    if (i < this.items.length) {
      this.items[i] = last;
      last.heapIndex = i;
      this.fix(i);
    }
    return item;
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private up(i: number): boolean {
    const start = i;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
    return i !== start;
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.less(this.items[r]!, this.items[l]!) ? r : l;
      if (!this.less(this.items[child]!, this.items[i]!)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private swap(a: number, b: number): void {
    const items = this.items;
    const t = items[a]!;
    items[a] = items[b]!;
    items[b] = t;
    items[a]!.heapIndex = a;
    t.heapIndex = b;
  }
}
