import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { runProbe } from "./run-probe.ts";

const noExec = { execSync: () => Promise.reject(new Error("no exec in tcp tests")) };

test("tcpSocket succeeds on a listening port (also by name) and fails on a closed one", async () => {
  let accepted = 0;
  const server = createServer((s) => { accepted++; s.end(); });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const target = { podIP: "127.0.0.1", containerId: "c1", cri: noExec, container: { name: "app", ports: [{ name: "db", containerPort: port }] } };

  assert.deepEqual(await runProbe({ tcpSocket: { port } }, target), { result: "success", message: "" });
  assert.equal((await runProbe({ tcpSocket: { port: "db" } }, target)).result, "success");
  assert.equal((await runProbe({ tcpSocket: { host: "127.0.0.1", port } }, { ...target, podIP: undefined })).result, "success");
  await new Promise((r) => server.close(r));
  assert.equal(accepted, 3);

  const closed = await runProbe({ tcpSocket: { port } }, target);
  assert.equal(closed.result, "failure");
  assert.match(closed.message, /ECONNREFUSED/);
});
