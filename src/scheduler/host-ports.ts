// Host ports in use on a node, by IP then "protocol/port", with upstream's wildcard rule: 0.0.0.0 conflicts with
// every IP, and a specific IP conflicts with itself and with 0.0.0.0.
import type { HostPort } from "./pod-info.ts";

const WILDCARD = "0.0.0.0";

export class HostPortSet {
  private readonly byIp = new Map<string, Map<string, number>>();

  get size(): number {
    return this.byIp.size;
  }

  /** Counts the port in (n = 1) or out (n = -1). */
  add(p: HostPort, n = 1): void {
    let m = this.byIp.get(p.ip);
    if (!m) this.byIp.set(p.ip, (m = new Map()));
    const k = `${p.protocol}/${p.port}`;
    const c = (m.get(k) ?? 0) + n;
    if (c > 0) m.set(k, c);
    else m.delete(k);
    if (m.size === 0) this.byIp.delete(p.ip);
  }

  conflicts(p: HostPort): boolean {
    const k = `${p.protocol}/${p.port}`;
    if (p.ip === WILDCARD) {
      for (const m of this.byIp.values()) if (m.has(k)) return true;
      return false;
    }
    return !!(this.byIp.get(WILDCARD)?.has(k) || this.byIp.get(p.ip)?.has(k));
  }

  clone(): HostPortSet {
    const c = new HostPortSet();
    for (const [ip, m] of this.byIp) c.byIp.set(ip, new Map(m));
    return c;
  }
}
