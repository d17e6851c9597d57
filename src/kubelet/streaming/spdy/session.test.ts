import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { once } from "node:events";
import { text } from "node:stream/consumers";
import { SpdySession } from "./session.ts";
import type { SpdyStream } from "./session.ts";
import { encodePing, FrameReader } from "./frames.ts";

async function pair(t: { after(fn: () => unknown): void }): Promise<{ client: SpdySession; server: SpdySession }> {
  const srv = net.createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const accepted = once(srv, "connection");
  const sock = net.connect((srv.address() as net.AddressInfo).port, "127.0.0.1");
  const [serverSock] = (await accepted) as [net.Socket];
  const client = new SpdySession(sock, { client: true });
  const server = new SpdySession(serverSock, { client: false });
  t.after(() => { client.destroy(); server.destroy(); srv.close(); });
  return { client, server };
}

test("streams: open, reply, data both ways, half-close in each direction independently", async (t) => {
  const { client, server } = await pair(t);
  server.on("stream", (s: SpdyStream) => {
    assert.equal(s.id % 2, 1);
    void s.reply({ ok: ["yes"] });
    // Echo upper-cased until the client's FIN, then finish our half.
    void text(s).then((body) => s.end(`${s.header("streamType")}:${body.toUpperCase()}`));
  });
  const a = client.open({ streamType: "stdin" });
  const b = client.open({ streamType: "other" });
  assert.deepEqual(await client.replied(a), { ok: ["yes"] });
  a.write("hello ");
  a.end("world");
  b.end("x".repeat(100_000));
  assert.equal(await text(a), "stdin:HELLO WORLD");
  assert.equal(await text(b), `other:${"X".repeat(100_000)}`);
  assert.deepEqual([a.id, b.id], [1, 3]);
});

test("a peer's ping is echoed; a reset stream ends; the session's end ends open streams with their data kept", async (t) => {
  const { client, server } = await pair(t);
  // Watch the raw bytes the client writes back for a ping the server sends.
  const serverSocket = (server as unknown as { socket: net.Socket }).socket;
  const reader = new FrameReader();
  const pong = new Promise<number>((resolve) => {
    (client as unknown as { socket: net.Socket }).socket.on("data", () => undefined);
    serverSocket.on("data", (c: Buffer) => {
      for (const f of reader.push(c)) if (f.kind === "control" && f.type === 6) resolve(f.payload.readUInt32BE(0));
    });
  });
  serverSocket.write(encodePing(2));
  assert.equal(await pong, 2);

  const streams: SpdyStream[] = [];
  server.on("stream", (s: SpdyStream) => { streams.push(s); void s.reply(); });
  const r = client.open({ n: "1" });
  await client.replied(r);
  streams[0]!.reset();
  assert.equal(await text(r), "");

  const kept = client.open({ n: "2" });
  await client.replied(kept);
  streams[1]!.write("last words");
  await new Promise((resolve) => setTimeout(resolve, 50));
  await server.close();
  assert.equal(await text(kept), "last words");
});
