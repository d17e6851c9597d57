// IPv4 CIDR arithmetic for address allocation (service IPs, pod ranges).
export class Ipv4Cidr {
  readonly base: number;
  readonly bits: number;

  constructor(text: string) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
    if (!m) throw new Error(`invalid IPv4 CIDR: ${text}`);
    const octets = m.slice(1, 5).map(Number);
    const bits = Number(m[5]);
    if (octets.some((o) => o > 255) || bits > 32) throw new Error(`invalid IPv4 CIDR: ${text}`);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    this.base = (ipToInt(octets.join(".")) & mask) >>> 0;
    this.bits = bits;
  }

  get size(): number {
    return 2 ** (32 - this.bits);
  }

  /** The address `offset` places into the range. */
  at(offset: number): string {
    return intToIp((this.base + offset) >>> 0);
  }

  contains(ip: string): boolean {
    const n = ipToInt(ip);
    return n !== undefined && n >= this.base && n < this.base + this.size;
  }

  toString(): string {
    return `${intToIp(this.base)}/${this.bits}`;
  }
}

export function ipToInt(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return NaN;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}
