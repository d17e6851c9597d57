// Port-forward through a WebSocket tunnel (subprotocol SPDY/3.1+portforward.k8s.io): every binary message carries
// raw bytes of a SPDY connection between the client and the runtime's port-forward server, so the tunnel only
// pipes bytes between the WebSocket and an upgraded connection to the runtime.
import type { WebSocket } from "ws";
import type { Upgraded } from "./upgrade.ts";

export const PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
export const WS_PORT_FORWARD_TUNNEL = "SPDY/3.1+portforward.k8s.io";

export function tunnelPortForward(ws: WebSocket, upstream: Upgraded): void {
  const { socket } = upstream;
  if (upstream.head.length) ws.send(upstream.head);
  socket.on("data", (d: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(d);
    if (ws.bufferedAmount > 1 << 20) {
      socket.pause();
      const resume = setInterval(() => { if (ws.bufferedAmount <= 1 << 20 || ws.readyState !== ws.OPEN) { clearInterval(resume); socket.resume(); } }, 10);
    }
  });
  ws.on("message", (msg: Buffer) => { socket.write(msg); });
  socket.on("close", () => ws.close(1000));
  socket.on("error", () => ws.terminate());
  ws.on("close", () => socket.destroy());
  ws.on("error", () => socket.destroy());
}
