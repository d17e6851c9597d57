// Upstream's discovery/v1 defaults: EndpointSlice ports are unnamed TCP unless said otherwise.
import type { EndpointSlice } from "kubernetes-types/discovery/v1";

export function defaultEndpointSlice(es: EndpointSlice): void {
  for (const p of es.ports ?? []) {
    p.name ??= "";
    p.protocol ??= "TCP";
  }
}
