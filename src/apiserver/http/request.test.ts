import { test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import { fromStream } from "./request.ts";

/** An h2c server whose streams are answered through fromStream; reports how each server stream ended. */
async function serve(answer: (res: ReturnType<typeof fromStream>["res"]) => void) {
  const server = http2.createServer();
  const ends: Promise<{ finished: boolean; errors: string[] }>[] = [];
  server.on("stream", (stream, headers) => {
    const { req, res } = fromStream(stream, headers);
    let finished = false;
    const errors: string[] = [];
    stream.on("finish", () => { finished = true; });
    stream.on("error", (err) => errors.push((err as NodeJS.ErrnoException).code ?? err.message));
    ends.push(once(stream, "close").then(() => ({ finished, errors })));
    req.body.resume();
    req.body.on("end", () => answer(res));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return { server, client, ends };
}

function post(client: http2.ClientHttp2Session, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = client.request({ ":method": "POST", ":path": "/x", "content-type": "application/json" });
    let status = 0;
    let text = "";
    r.on("response", (h) => { status = Number(h[":status"]); });
    r.setEncoding("utf8");
    r.on("data", (d: string) => { text += d; });
    r.on("end", () => resolve({ status, body: text }));
    r.on("error", reject);
    r.end(body);
  });
}

test("an answered request's stream finishes its last write before it is destroyed", async () => {
  const { server, client, ends } = await serve((res) => {
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify({ kind: "ConfigMap", data: { payload: "x".repeat(900) } }));
  });
  try {
    for (let i = 0; i < 20; i++) {
      const r = await post(client, JSON.stringify({ n: i }));
      assert.equal(r.status, 201);
      assert.equal(JSON.parse(r.body).data.payload.length, 900);
    }
    // Without the deferred destroy, Node destroys each stream before its last write completes: no 'finish', and
    // the Writable builds an ERR_STREAM_DESTROYED for it.
    for (const end of await Promise.all(ends)) assert.deepEqual(end, { finished: true, errors: [] });
  } finally {
    client.close();
    server.close();
  }
});

test("a stream the client resets mid-answer is still destroyed", { timeout: 5000 }, async () => {
  const { server, client, ends } = await serve((res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write("{\"items\":[");
  });
  try {
    const r = client.request({ ":method": "POST", ":path": "/x" });
    r.on("error", () => undefined);
    r.end("{}");
    await once(r, "response");
    r.close(http2.constants.NGHTTP2_CANCEL);
    // Resolves on the server stream's 'close', which comes only once it is destroyed.
    assert.equal((await Promise.all(ends)).length, 1);
  } finally {
    client.close();
    server.close();
  }
});
