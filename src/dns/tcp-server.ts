// The TCP side (RFC 7766): messages framed by a 2-byte length, several per connection, answered as they complete
// (possibly out of order, as the RFC allows); idle connections are closed.
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { Logger } from "../util/log.ts";
import type { MessageHandler } from "./udp-server.ts";

export const TCP_IDLE_TIMEOUT_MS = 10_000;

export interface TcpDnsServer {
  server: Server;
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

export function listenTcp(address: string, port: number, handle: MessageHandler, log: Logger, idleMs = TCP_IDLE_TIMEOUT_MS): Promise<TcpDnsServer> {
  const conns = new Set<Socket>();
  const server = createServer((sock) => {
    conns.add(sock);
    sock.on("close", () => conns.delete(sock));
    sock.on("error", (err) => log.debug({ err: err.message }, "tcp connection error"));
    sock.setTimeout(idleMs, () => sock.destroy());
    let buf: Buffer = Buffer.alloc(0);
    sock.on("data", (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        handle(msg)
          .then((reply) => {
            if (!reply || sock.destroyed) return;
            const len = Buffer.alloc(2);
            len.writeUInt16BE(reply.length);
            sock.write(Buffer.concat([len, reply]));
          })
          .catch((err: Error) => log.debug({ err: err.message }, "tcp query failed"));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: address, port }, () => {
      server.off("error", reject);
      server.on("error", (err) => log.warn({ err: err.message }, "tcp server error"));
      resolve({
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const c of conns) c.destroy();
          }),
      });
    });
  });
}
