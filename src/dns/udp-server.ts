// The UDP side: each datagram is one query; the reply leaves from the socket it came in on (bound to one address,
// so the client sees the source it asked).
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import type { Logger } from "../util/log.ts";

export type MessageHandler = (msg: Buffer) => Promise<Buffer | undefined>;

export function listenUdp(address: string, port: number, handle: MessageHandler, log: Logger): Promise<Socket> {
  const sock = createSocket(isIPv6(address) ? "udp6" : "udp4");
  sock.on("message", (msg, rinfo) => {
    handle(msg)
      .then((reply) => {
        if (reply) sock.send(reply, rinfo.port, rinfo.address, (err) => err && log.debug({ err: err.message }, "udp reply not sent"));
      })
      // E.g. a reply ready after the socket closed: never let one query end the process.
      .catch((err: Error) => log.debug({ err: err.message }, "udp query failed"));
  });
  return new Promise((resolve, reject) => {
    sock.once("error", reject);
    sock.bind(port, address, () => {
      sock.off("error", reject);
      sock.on("error", (err) => log.warn({ err: err.message }, "udp socket error"));
      resolve(sock);
    });
  });
}
