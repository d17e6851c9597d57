import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import type { Socket as UdpSocket } from "node:dgram";
import { connect, createServer } from "node:net";
import type { Server } from "node:net";
import { decode, encode, RECURSION_DESIRED } from "dns-packet";
import type { Answer, DecodedPacket, Packet, RecordType } from "dns-packet";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { R } from "../client/resources.ts";
import { startTestApi } from "../../test/support/api-server.ts";
import { freePort } from "../../test/support/free-port.ts";
import { startClusterDns } from "./cluster-dns.ts";

let nextId = 1;
const question = (name: string, type: RecordType, extra: Partial<Packet> = {}): Packet => ({
  type: "query",
  id: nextId++,
  flags: RECURSION_DESIRED,
  questions: [{ name, type, class: "IN" }],
  ...extra,
});

/** Sends one datagram and waits for one reply (undefined after timeoutMs). */
function udpExchange(port: number, msg: Buffer, timeoutMs = 3000): Promise<Buffer | undefined> {
  const sock = createSocket("udp4");
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (reply: Buffer | undefined): void => {
      clearTimeout(timer);
      sock.close();
      resolve(reply);
    };
    sock.on("message", (reply) => finish(reply));
    sock.send(msg, port, "127.0.0.1");
  });
}

async function udpQuery(port: number, p: Packet): Promise<DecodedPacket> {
  const reply = await udpExchange(port, encode(p));
  assert.ok(reply, `no UDP reply to ${p.questions![0]!.type} ${p.questions![0]!.name}`);
  return decode(reply);
}

/** Sends every query over one TCP connection, all at once, and collects the replies by ID. */
function tcpQueries(port: number, packets: Packet[]): Promise<Map<number, DecodedPacket>> {
  return new Promise((resolve, reject) => {
    const replies = new Map<number, DecodedPacket>();
    const sock = connect({ host: "127.0.0.1", port });
    let buf: Buffer = Buffer.alloc(0);
    sock.on("error", reject);
    sock.on("connect", () => {
      for (const p of packets) {
        const msg = encode(p);
        const len = Buffer.alloc(2);
        len.writeUInt16BE(msg.length);
        sock.write(Buffer.concat([len, msg]));
      }
    });
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = decode(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        replies.set(msg.id!, msg);
      }
      if (replies.size === packets.length) {
        sock.end();
        resolve(replies);
      }
    });
  });
}

const dataOf = (a: Answer): unknown => (a as { data: unknown }).data;
const addresses = (m: DecodedPacket): string[] => (m.answers ?? []).filter((a) => a.type === "A").map((a) => dataOf(a) as string).sort();
const rcode = (m: DecodedPacket): string => (m as { rcode?: string }).rcode ?? "";

/** An upstream resolver: answers `example.com` with 192.0.2.1 (UDP and TCP), never answers `silent.example`. */
async function fakeUpstream(): Promise<{ port: number; queries: string[]; close(): void }> {
  const queries: string[] = [];
  const answer = (msg: Buffer): Buffer | undefined => {
    const q = decode(msg);
    const name = q.questions![0]!.name;
    queries.push(name);
    if (name === "silent.example") return undefined;
    return encode({ type: "response", id: q.id, flags: RECURSION_DESIRED | (1 << 7), questions: q.questions, answers: [{ type: "A", name, ttl: 60, data: "192.0.2.1" }] });
  };
  const port = await freePort();
  const udp: UdpSocket = createSocket("udp4");
  udp.on("message", (msg, rinfo) => {
    const reply = answer(msg);
    if (reply) udp.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => udp.bind(port, "127.0.0.1", r));
  const tcp: Server = createServer((sock) => {
    sock.on("data", (chunk: Buffer) => {
      const reply = answer(chunk.subarray(2, 2 + chunk.readUInt16BE(0)));
      if (!reply) return;
      const len = Buffer.alloc(2);
      len.writeUInt16BE(reply.length);
      sock.write(Buffer.concat([len, reply]));
    });
  });
  await new Promise<void>((r) => tcp.listen(port, "127.0.0.1", r));
  return {
    port,
    queries,
    close() {
      udp.close();
      tcp.close();
    },
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const headlessSlice = (name: string, ips: string[]): EndpointSlice => ({
  metadata: { name, namespace: "default", labels: { "kubernetes.io/service-name": "db" } },
  addressType: "IPv4",
  endpoints: ips.map((ip, i) => ({ addresses: [ip], hostname: i === 0 ? "db-0" : undefined, conditions: { ready: true } })),
  ports: [{ name: "pg", port: 5432, protocol: "TCP" }],
});

test("cluster DNS over real UDP and TCP sockets, fed by the API", async (t) => {
  const api = await startTestApi();
  const upstream = await fakeUpstream();
  const abort = new AbortController();
  t.after(async () => {
    abort.abort();
    upstream.close();
    await api.close();
  });
  const dns = await startClusterDns({ client: api.client, clusterDomain: "cluster.local", address: "127.0.0.1", port: 0, upstreams: [`127.0.0.1:${upstream.port}`], signal: abort.signal });
  await dns.synced;

  const web = await api.client.resource(R.services).create({ metadata: { name: "web", namespace: "default" }, spec: { ports: [{ name: "http", port: 80 }] } });
  const clusterIP = web.spec!.clusterIP!;
  await api.client.resource(R.services).create({ metadata: { name: "db", namespace: "default" }, spec: { clusterIP: "None", ports: [{ name: "pg", port: 5432 }] } });
  await api.client.resource(R.endpointslices).create(headlessSlice("db-1", ["10.42.0.5", "10.42.0.6"]));

  await t.test("a Service's A record over UDP: AA, RA, RD echoed, question echoed", async () => {
    const m = await until("web's A record", async () => {
      const r = await udpQuery(dns.port, question("web.default.svc.cluster.local", "A"));
      return r.answers?.length ? r : undefined;
    });
    assert.deepEqual(addresses(m), [clusterIP]);
    assert.equal(m.flag_aa, true);
    assert.equal(m.flag_ra, true);
    assert.equal(m.flag_rd, true);
    assert.equal((m.answers![0] as { ttl?: number }).ttl, 5);
    assert.deepEqual(m.questions, [{ name: "web.default.svc.cluster.local", type: "A", class: "IN" }]);
  });

  await t.test("headless A, SRV and PTR over one TCP connection with several queries", async () => {
    await until("db's endpoints", async () => (addresses(await udpQuery(dns.port, question("db.default.svc.cluster.local", "A"))).length === 2 ? true : undefined));
    const qs = [
      question("db.default.svc.cluster.local", "A"),
      question("_pg._tcp.db.default.svc.cluster.local", "SRV"),
      question(`${clusterIP.split(".").reverse().join(".")}.in-addr.arpa`, "PTR"),
      question("nope.default.svc.cluster.local", "A"),
    ];
    const replies = await tcpQueries(dns.port, qs);
    assert.deepEqual(addresses(replies.get(qs[0]!.id!)!), ["10.42.0.5", "10.42.0.6"]);
    const srv = replies.get(qs[1]!.id!)!;
    assert.deepEqual(srv.answers!.map((a) => (dataOf(a) as { target: string }).target).sort(), ["10-42-0-6.db.default.svc.cluster.local", "db-0.db.default.svc.cluster.local"]);
    assert.equal(srv.additionals!.filter((a) => a.type === "A").length, 2);
    assert.deepEqual(replies.get(qs[2]!.id!)!.answers!.map(dataOf), ["web.default.svc.cluster.local"]);
    const nx = replies.get(qs[3]!.id!)!;
    assert.equal(rcode(nx), "NXDOMAIN");
    assert.equal(nx.authorities![0]!.type, "SOA");
  });

  await t.test("an EndpointSlice update changes the answer", async () => {
    const slices = api.client.resource(R.endpointslices);
    const current = await slices.get("default", "db-1");
    await slices.update({ ...current, endpoints: [{ addresses: ["10.42.1.7"], conditions: { ready: true } }, { addresses: ["10.42.1.8"], conditions: { ready: false } }] });
    await until("the updated endpoints", async () => {
      const got = addresses(await udpQuery(dns.port, question("db.default.svc.cluster.local", "A")));
      return got.join() === "10.42.1.7" ? true : undefined;
    });
    await api.client.resource(R.services).delete("default", "web");
    await until("web gone", async () => (rcode(await udpQuery(dns.port, question("web.default.svc.cluster.local", "A"))) === "NXDOMAIN" ? true : undefined));
  });

  await t.test("a UDP answer too big for 512 bytes is truncated with TC; TCP carries it whole", async () => {
    const ips = Array.from({ length: 60 }, (_, i) => `10.42.2.${i + 1}`);
    await api.client.resource(R.services).create({ metadata: { name: "big", namespace: "default" }, spec: { clusterIP: "None" } });
    await api.client.resource(R.endpointslices).create({ ...headlessSlice("big-1", ips), metadata: { name: "big-1", namespace: "default", labels: { "kubernetes.io/service-name": "big" } } });
    const udp = await until("big's endpoints", async () => {
      const r = await udpQuery(dns.port, question("big.default.svc.cluster.local", "A"));
      return r.answers?.length ? r : undefined;
    });
    assert.equal(udp.flag_tc, true);
    // dns-packet writes names uncompressed: ~45 bytes per A record of this name.
    assert.ok(udp.answers!.length < 60 && udp.answers!.length >= 9, `${udp.answers!.length} answers fit in 512 bytes`);
    assert.ok(encode(udp).length <= 512);
    const edns = await udpQuery(dns.port, question("big.default.svc.cluster.local", "A", { additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096 } as never] }));
    assert.equal(edns.flag_tc, false, "EDNS0 4096 fits all 60");
    assert.equal(edns.answers!.length, 60);
    assert.ok(edns.additionals!.some((a) => a.type === "OPT"), "an EDNS0 query gets an OPT back");
    const q = question("big.default.svc.cluster.local", "A");
    const tcp = (await tcpQueries(dns.port, [q])).get(q.id!)!;
    assert.equal(tcp.flag_tc, false);
    assert.equal(tcp.answers!.length, 60);
  });

  await t.test("other names are forwarded over UDP and TCP with the client's ID; silence is SERVFAIL", async () => {
    const q = question("example.com", "A", { id: 4242 });
    const viaUdp = await udpQuery(dns.port, q);
    assert.equal(viaUdp.id, 4242);
    assert.deepEqual(addresses(viaUdp), ["192.0.2.1"]);
    const q2 = question("example.com", "A", { id: 4343 });
    const viaTcp = (await tcpQueries(dns.port, [q2])).get(4343)!;
    assert.deepEqual(addresses(viaTcp), ["192.0.2.1"]);
    assert.equal(upstream.queries.filter((n) => n === "example.com").length, 2);
    const started = Date.now();
    const silent = await udpQuery(dns.port, question("silent.example", "A"));
    assert.equal(rcode(silent), "SERVFAIL");
    assert.ok(Date.now() - started >= 1900, "after the ~2 s forward timeout");
  });

  await t.test("malformed packets: FORMERR when the header is readable, nothing when not; the server lives on", async () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f, 0x61]);
    const formerr = await udpExchange(dns.port, garbage);
    assert.ok(formerr);
    const m = decode(formerr);
    assert.equal(m.id, 0x1234);
    assert.equal(rcode(m), "FORMERR");
    assert.equal(await udpExchange(dns.port, Buffer.from([1, 2, 3]), 300), undefined);
    const twoQuestions = await udpQuery(dns.port, { ...question("a.cluster.local", "A"), questions: [{ name: "a.cluster.local", type: "A" }, { name: "b.cluster.local", type: "A" }] });
    assert.equal(rcode(twoQuestions), "FORMERR");
    assert.deepEqual(addresses(await udpQuery(dns.port, question("10-1-2-3.default.pod.cluster.local", "A"))), ["10.1.2.3"]);
  });
});

test("a server listed among its own upstreams does not forward to itself", async (t) => {
  const api = await startTestApi();
  const abort = new AbortController();
  t.after(async () => {
    abort.abort();
    await api.close();
  });
  const port = await freePort();
  const dns = await startClusterDns({ client: api.client, clusterDomain: "cluster.local", address: "127.0.0.1", port, upstreams: [`127.0.0.1:${port}`], signal: abort.signal });
  assert.equal(dns.port, port);
  const started = Date.now();
  const m = await udpQuery(port, question("example.com", "A"));
  assert.equal(rcode(m), "SERVFAIL");
  assert.ok(Date.now() - started < 500, "no upstream left: SERVFAIL at once");
  abort.abort();
  await dns.done;
});
