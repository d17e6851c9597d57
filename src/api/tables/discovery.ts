// `kubectl get endpointslices`.
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { TableDef } from "../scheme.ts";
import { age, ageColumn, column, listWithMore, nameColumn } from "./format.ts";

const MAX = 3;

function ports(slice: EndpointSlice): string {
  const list = (slice.ports ?? []).slice(0, MAX).map((p) => (p.port !== undefined ? String(p.port) : p.name ?? "*"));
  return listWithMore(list, slice.ports?.length ?? 0, MAX);
}

function endpoints(slice: EndpointSlice): string {
  const all = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
  return listWithMore(all.slice(0, MAX), all.length, MAX);
}

export const endpointSliceTable: TableDef = {
  columns: [
    nameColumn,
    column("AddressType", "string", "The type of address carried by this EndpointSlice."),
    column("Ports", "string", "The ports exposed by the endpoints."),
    column("Endpoints", "string", "The addresses of the endpoints."),
    ageColumn,
  ],
  cells: (s: EndpointSlice, now: Date) => [s.metadata?.name ?? "", s.addressType ?? "", ports(s), endpoints(s), age(s.metadata, now)],
};
