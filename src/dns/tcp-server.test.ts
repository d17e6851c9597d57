import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { logger } from "../util/log.ts";
import { listenTcp } from "./tcp-server.ts";

const frame = (payload: Buffer): Buffer => Buffer.concat([Buffer.from([payload.length >> 8, payload.length & 255]), payload]);

test("TCP: length-framed messages split across writes and packed into one, several per connection; idle close", async (t) => {
  // Echoes each message reversed, the second one late, so replies may come out of order.
  const srv = await listenTcp("127.0.0.1", 0, async (m) => (m[0] === 2 ? new Promise((r) => setTimeout(() => r(Buffer.from(m).reverse()), 50)) : Buffer.from(m).reverse()), logger("dns-test"), 200);
  t.after(() => srv.close());
  const port = (srv.server.address() as { port: number }).port;
  const sock = connect({ host: "127.0.0.1", port });
  const received: Buffer[] = [];
  let buf: Buffer = Buffer.alloc(0);
  sock.on("data", (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      received.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      buf = buf.subarray(2 + buf.readUInt16BE(0));
    }
  });
  const closed = new Promise<number>((r) => sock.on("close", () => r(Date.now())));
  await new Promise((r) => sock.on("connect", r));
  const one = frame(Buffer.from([1, 10, 11]));
  sock.write(one.subarray(0, 1)); // half a length prefix
  await new Promise((r) => setTimeout(r, 20));
  sock.write(Buffer.concat([one.subarray(1), frame(Buffer.from([2, 20])), frame(Buffer.from([3, 30]))]));
  const lastWrite = Date.now();
  const closedAt = await closed;
  assert.deepEqual(received.map((b) => [...b]).sort(), [[11, 10, 1], [20, 2], [30, 3]]);
  assert.ok(closedAt - lastWrite >= 150, "closed by the idle timeout, not before");
});
