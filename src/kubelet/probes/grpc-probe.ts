// The grpc probe: one grpc.health.v1.Health/Check call (plaintext, as upstream) on its own connection, closed after;
// SERVING succeeds. The messages come from health.proto beside this file.
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { joinHostPort, KUBE_MAJOR_MINOR } from "./target.ts";
import type { ProbeResult } from "./target.ts";

const PROTO = fileURLToPath(new URL("./health.proto", import.meta.url));
const defs = protoLoader.loadSync(PROTO, { enums: String, defaults: true });
const CHECK = (defs["grpc.health.v1.Health"] as protoLoader.ServiceDefinition).Check as
  protoLoader.MethodDefinition<{ service: string }, { status: string }>;

/** Checks `service` ("" = the server as a whole) at host:port within `timeoutMs`. */
export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeResult> {
  const address = joinHostPort(host, port);
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), {
    "grpc.primary_user_agent": `kube-probe/${KUBE_MAJOR_MINOR}`,
  });
  const within = `${timeoutMs / 1000}s`;
  return new Promise<ProbeResult>((resolve) => {
    client.makeUnaryRequest(CHECK.path, CHECK.requestSerialize, CHECK.responseDeserialize, { service },
      { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (!err) {
          resolve(res!.status === "SERVING"
            ? { result: "success", message: "" }
            : { result: "failure", message: `service unhealthy (responded with ${JSON.stringify(res!.status)})` });
        } else if (err.code === grpc.status.UNIMPLEMENTED) {
          resolve({ result: "failure", message: `${address} does not implement the gRPC health protocol (grpc.health.v1.Health): ${err.details}` });
        } else if (err.code === grpc.status.DEADLINE_EXCEEDED) {
          resolve({ result: "failure", message: `timeout: health rpc to ${address} did not complete within ${within}` });
        } else if (err.code === grpc.status.UNAVAILABLE) {
          resolve({ result: "failure", message: `failed to connect to ${address}: ${err.details}` });
        } else {
          resolve({ result: "failure", message: `health rpc to ${address} failed: ${grpc.status[err.code]}: ${err.details}` });
        }
      });
  }).finally(() => client.close());
}
