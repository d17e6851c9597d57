// A probe's port: a number, or the name of one of the container's ports.
import type { Container } from "kubernetes-types/core/v1";
import { ProbeError } from "./target.ts";

/** Resolves `port` against the container's named ports; a name that is no port but reads as a number is used as one. */
export function resolvePort(port: number | string, container: Container): number {
  let n: number;
  if (typeof port === "number") n = port;
  else {
    const named = container.ports?.find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (/^[0-9]+$/.test(port)) n = Number(port);
    else throw new ProbeError(`couldn't find port ${JSON.stringify(port)} in container ${container.name}`);
  }
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new ProbeError(`invalid port number: ${n}`);
  return n;
}
