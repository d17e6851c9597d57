// The floor under bench/api.ts's h2load figures: what any API server on Node pays per request before doing any
// API work. It terminates TLS and HTTP/2, reads the body, parses the JSON, names the object and answers it,
// and keeps nothing. bench/api.ts starts it on the Berth serving certificate and drives it with the same creates.
//   node --max-semi-space-size=8 --v8-pool-size=N bench/http2-floor-server.ts CERT KEY PORT
// It prints "ready" once it is listening.
import http2 from "node:http2";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

const [certFile, keyFile, port] = process.argv.slice(2);
if (!certFile || !keyFile || !port) throw new Error("usage: http2-floor-server.ts CERT KEY PORT");

let created = 0;
const server = http2.createSecureServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
server.on("stream", (stream) => {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.on("end", () => {
    const obj = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    obj.metadata = { name: `floor-${created++}`, uid: randomUUID() };
    stream.respond({ ":status": 201, "content-type": "application/json" });
    stream.end(JSON.stringify(obj));
  });
  stream.on("error", () => undefined);
});
server.listen(Number(port), "127.0.0.1", () => console.log("ready"));
