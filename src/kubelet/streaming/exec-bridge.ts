// Bridges a client's WebSocket remotecommand session (v5.channel.k8s.io, or v4 without stdin EOF) to the
// runtime's SPDY remotecommand session. WebSocket messages are binary, their first byte the channel: 0 stdin,
// 1 stdout, 2 stderr, 3 error (the final metav1.Status), 4 resize, 255 close (v5: payload = channel closed).
import type { WebSocket } from "ws";
import type { RemoteCommand } from "./remotecommand.ts";

export const WS_V5 = "v5.channel.k8s.io";
export const WS_V4 = "v4.channel.k8s.io";
export const WS_REMOTECOMMAND_PROTOCOLS = [WS_V5, WS_V4];

const CH = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;
/** Output is paused while the WebSocket holds more than this unsent. */
const HIGH_WATER = 1 << 20;

export function bridgeRemoteCommand(ws: WebSocket, protocol: string, rc: RemoteCommand): void {
  const frame = (ch: number, data: Buffer) => Buffer.concat([Buffer.of(ch), data]);

  ws.on("message", (msg: Buffer, isBinary: boolean) => {
    if (!isBinary || msg.length === 0) return;
    const payload = msg.subarray(1);
    switch (msg[0]) {
      case CH.stdin: rc.stdin?.write(payload); break;
      case CH.resize: rc.resize?.write(payload); break;
      case CH.close:
        if (protocol === WS_V5 && payload[0] === CH.stdin) rc.stdin?.end();
        break;
    }
  });

  const forward = (stream: NodeJS.ReadableStream | undefined, ch: number): Promise<void> => new Promise((resolve) => {
    if (!stream) return resolve();
    stream.on("data", (d: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(frame(ch, d));
      if (ws.bufferedAmount > HIGH_WATER) {
        stream.pause();
        const resume = setInterval(() => { if (ws.bufferedAmount <= HIGH_WATER || ws.readyState !== ws.OPEN) { clearInterval(resume); stream.resume(); } }, 10);
      }
    });
    stream.on("end", resolve);
    stream.on("close", resolve);
  });

  const errorChunks: Buffer[] = [];
  rc.error.on("data", (d: Buffer) => errorChunks.push(d));
  const errorDone = new Promise<void>((resolve) => { rc.error.on("end", resolve); rc.error.on("close", resolve); });

  void Promise.all([forward(rc.stdout, CH.stdout), forward(rc.stderr, CH.stderr), errorDone]).then(() => {
    // The exit status goes last, after all output, so the client has everything when it learns the code.
    const status = Buffer.concat(errorChunks);
    if (status.length && ws.readyState === ws.OPEN) ws.send(frame(CH.error, status));
    ws.close(1000);
    void rc.session.close();
  });

  ws.on("close", () => rc.session.destroy());
  ws.on("error", () => rc.session.destroy());
}
