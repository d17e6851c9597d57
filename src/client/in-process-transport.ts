// The transport for components running inside `berth server`: requests go straight to the API server's handlers
// (no TLS, no sockets) with a fixed identity. `serve` is the API server's inject function.
import type { Transport, TransportRequest, TransportResponse } from "./transport.ts";

export type InjectFunction<U> = (req: TransportRequest, user: U) => Promise<TransportResponse>;

export class InProcessTransport<U> implements Transport {
  private readonly serve: InjectFunction<U>;
  private readonly user: U;
  private closed = false;

  constructor(serve: InjectFunction<U>, user: U) {
    this.serve = serve;
    this.user = user;
  }

  request(req: TransportRequest): Promise<TransportResponse> {
    if (this.closed) return Promise.reject(new Error("transport closed"));
    return this.serve(req, this.user);
  }

  close(): void {
    this.closed = true;
  }
}
