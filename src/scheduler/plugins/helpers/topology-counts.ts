// Counts per topology domain: key (a node label) -> value -> count. Counts that drop to zero are removed, so
// "no entries" means no matching pod anywhere.
export class TopologyCounts {
  private readonly byKey = new Map<string, Map<string, number>>();

  get empty(): boolean {
    return this.byKey.size === 0;
  }

  get(key: string, value: string): number {
    return this.byKey.get(key)?.get(value) ?? 0;
  }

  add(key: string, value: string, n: number): void {
    let values = this.byKey.get(key);
    if (!values) this.byKey.set(key, (values = new Map()));
    const c = (values.get(value) ?? 0) + n;
    if (c !== 0) values.set(value, c);
    else {
      values.delete(value);
      if (values.size === 0) this.byKey.delete(key);
    }
  }

  /** Adds n to the node's domain for `key`, if the node has that label. */
  addForNode(labels: Readonly<Record<string, string>>, key: string, n: number): void {
    const v = labels[key];
    if (v !== undefined) this.add(key, v, n);
  }

  /** Whether any domain the node belongs to has a positive count. */
  anyForNode(labels: Readonly<Record<string, string>>): boolean {
    for (const [key, values] of this.byKey) {
      const v = labels[key];
      if (v !== undefined && (values.get(v) ?? 0) > 0) return true;
    }
    return false;
  }

  /** The sum of the node's domains' counts. */
  sumForNode(labels: Readonly<Record<string, string>>): number {
    let s = 0;
    for (const [key, values] of this.byKey) {
      const v = labels[key];
      if (v !== undefined) s += values.get(v) ?? 0;
    }
    return s;
  }

  clone(): TopologyCounts {
    const c = new TopologyCounts();
    for (const [k, values] of this.byKey) c.byKey.set(k, new Map(values));
    return c;
  }
}
