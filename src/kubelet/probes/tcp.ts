// The tcpSocket handler: success when a TCP connection opens within the timeout; nothing is sent.
import { connect } from "node:net";
import { joinHostPort } from "./target.ts";
import type { ProbeResult } from "./target.ts";

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const address = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => finish({ result: "failure", message: `dial tcp ${address}: i/o timeout after ${timeoutMs / 1000}s` }), timeoutMs);
    function finish(r: ProbeResult) {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    }
    socket.once("connect", () => finish({ result: "success", message: "" }));
    socket.once("error", (err: NodeJS.ErrnoException) => finish({ result: "failure", message: `dial tcp ${address}: ${err.code ?? err.message}` }));
  });
}
