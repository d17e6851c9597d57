// Relays queries for names outside the cluster to the upstream resolvers: UDP queries over UDP (one shared socket
// per address family, each query under a fresh ID so concurrent clients' IDs cannot collide), TCP queries over a
// TCP connection of their own. Upstreams are tried in order, sharing the time budget; the reply goes back with the
// client's ID, or undefined when no upstream answered in time (the caller answers SERVFAIL).
import { createSocket } from "node:dgram";
import type { Socket as UdpSocket } from "node:dgram";
import { connect, isIPv6 } from "node:net";
import { randomInt } from "node:crypto";
import type { Upstream } from "./upstream-config.ts";

export const DEFAULT_FORWARD_TIMEOUT_MS = 2000;

interface Pending {
  upstream: Upstream;
  clientId: number;
  resolve(reply: Buffer | undefined): void;
}

export class Forwarder {
  private readonly upstreams: Upstream[];
  private readonly timeoutMs: number;
  private readonly sockets = new Map<"udp4" | "udp6", UdpSocket>();
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(upstreams: Upstream[], timeoutMs = DEFAULT_FORWARD_TIMEOUT_MS) {
    this.upstreams = upstreams;
    this.timeoutMs = timeoutMs;
  }

  async forward(query: Buffer, transport: "udp" | "tcp"): Promise<Buffer | undefined> {
    const perAttempt = this.timeoutMs / Math.max(1, this.upstreams.length);
    for (const upstream of this.upstreams) {
      if (this.closed) return undefined;
      const reply = transport === "udp" ? await this.overUdp(upstream, query, perAttempt) : await overTcp(upstream, query, perAttempt);
      if (reply) return reply;
    }
    return undefined;
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) p.resolve(undefined);
    this.pending.clear();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }

  private overUdp(upstream: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
    const id = this.freeId();
    if (id === undefined) return Promise.resolve(undefined);
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const done = (reply: Buffer | undefined): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(reply);
      };
      this.pending.set(id, { upstream, clientId: query.readUInt16BE(0), resolve: done });
      this.socketFor(upstream).send(out, upstream.port, upstream.address, (err) => {
        if (err) done(undefined);
      });
    });
  }

  private socketFor(upstream: Upstream): UdpSocket {
    const family = isIPv6(upstream.address) ? "udp6" : "udp4";
    let s = this.sockets.get(family);
    if (!s) {
      s = createSocket(family);
      s.on("message", (msg, rinfo) => this.onReply(msg, rinfo.address, rinfo.port));
      // Errors (e.g. ICMP port unreachable) surface as timeouts of the queries concerned.
      s.on("error", () => {});
      this.sockets.set(family, s);
    }
    return s;
  }

  private onReply(msg: Buffer, address: string, port: number): void {
    if (msg.length < 12) return;
    const p = this.pending.get(msg.readUInt16BE(0));
    // Only the upstream we asked may answer, so a stray or spoofed datagram cannot.
    if (!p || p.upstream.port !== port || p.upstream.address !== address) return;
    msg.writeUInt16BE(p.clientId, 0);
    p.resolve(msg);
  }

  private freeId(): number | undefined {
    if (this.pending.size >= 0x10000) return undefined;
    for (;;) {
      const id = randomInt(0x10000);
      if (!this.pending.has(id)) return id;
    }
  }
}

/** One query over its own TCP connection, with the 2-byte length framing of RFC 1035 4.2.2. */
function overTcp(upstream: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host: upstream.address, port: upstream.port });
    let buf = Buffer.alloc(0);
    const done = (reply: Buffer | undefined): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on("error", () => done(undefined));
    sock.on("close", () => done(undefined));
    sock.on("connect", () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
  });
}
