import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { grpcProbe } from "./grpc-probe.ts";
import { runProbe } from "./run-probe.ts";

const defs = protoLoader.loadSync(fileURLToPath(new URL("./health.proto", import.meta.url)), { enums: String, defaults: true });
const HEALTH = defs["grpc.health.v1.Health"] as protoLoader.ServiceDefinition;
const noExec = { execSync: () => Promise.reject(new Error("no exec in grpc tests")) };

async function serve(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
}

describe("grpc probe", () => {
  const statuses: Record<string, string> = { "": "SERVING", db: "NOT_SERVING" };
  const userAgents: string[] = [];
  const health = new grpc.Server();
  const bare = new grpc.Server(); // serves no Health service
  let port = 0;
  let barePort = 0;
  before(async () => {
    health.addService(HEALTH, {
      Check(call: grpc.ServerUnaryCall<{ service: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
        userAgents.push(String(call.metadata.get("user-agent")[0]));
        const status = statuses[call.request.service];
        if (call.request.service === "slow") return; // never answers
        if (status === undefined) callback({ code: grpc.status.NOT_FOUND, details: "unknown service" });
        else callback(null, { status });
      },
    });
    port = await serve(health);
    barePort = await serve(bare);
  });
  after(() => { health.forceShutdown(); bare.forceShutdown(); });

  const target = { podIP: "127.0.0.1", containerId: "c1", cri: noExec, container: { name: "app" } };

  test("SERVING succeeds, and the call says it is kube-probe", async () => {
    assert.deepEqual(await runProbe({ grpc: { port } }, target), { result: "success", message: "" });
    assert.match(userAgents[0], /^kube-probe\/1\.32 /);
  });

  test("any other status, an error or no Health service fails", async () => {
    assert.deepEqual(await runProbe({ grpc: { port, service: "db" } }, target),
      { result: "failure", message: 'service unhealthy (responded with "NOT_SERVING")' });
    const unknown = await runProbe({ grpc: { port, service: "nope" } }, target);
    assert.equal(unknown.result, "failure");
    assert.match(unknown.message, /NOT_FOUND/);
    const unimplemented = await runProbe({ grpc: { port: barePort } }, target);
    assert.equal(unimplemented.result, "failure");
    assert.match(unimplemented.message, /does not implement the gRPC health protocol/);
  });

  test("no answer within the timeout fails", async () => {
    const r = await grpcProbe("127.0.0.1", port, "slow", 1000 / 5); // runProbe's timeouts are whole seconds
    assert.equal(r.result, "failure");
    assert.match(r.message, /did not complete within 0.2s/);
  });

  test("nothing listening fails", async () => {
    const gone = new grpc.Server();
    const gonePort = await serve(gone);
    gone.forceShutdown();
    const r = await runProbe({ grpc: { port: gonePort } }, target);
    assert.equal(r.result, "failure");
    assert.match(r.message, /failed to connect/);
  });
});
