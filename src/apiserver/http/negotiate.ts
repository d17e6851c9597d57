// Content negotiation on Accept: plain JSON/YAML, or the meta.k8s.io "as=" transformations kubectl asks for
// (Table, PartialObjectMetadata[List]), or aggregated discovery.
import { notAcceptable } from "../../api/errors.ts";

export type Rendering =
  | { as: "object"; format: "json" | "yaml" }
  | { as: "Table" }
  | { as: "PartialObjectMetadata" }
  | { as: "PartialObjectMetadataList" }
  | { as: "APIGroupDiscoveryList"; version: "v2" | "v2beta1" };

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseAccept(accept: string): MediaRange[] {
  return accept.split(",").map((part) => {
    const [type, ...rest] = part.trim().split(";");
    const params: Record<string, string> = {};
    for (const p of rest) {
      const i = p.indexOf("=");
      if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim();
    }
    return { type: type!.trim().toLowerCase(), params };
  });
}

/** The first rendering in the client's Accept list that Berth can produce; 406 if none. */
export function negotiate(accept: string | undefined, opts: { list: boolean; discovery?: boolean }): Rendering {
  if (!accept) return { as: "object", format: "json" };
  for (const m of parseAccept(accept)) {
    const jsonish = m.type === "application/json" || m.type === "*/*" || m.type === "application/*";
    if (m.params.as) {
      if (!jsonish) continue;
      const g = m.params.g;
      if (m.params.as === "APIGroupDiscoveryList" && g === "apidiscovery.k8s.io" && opts.discovery) {
        if (m.params.v === "v2" || m.params.v === "v2beta1") return { as: "APIGroupDiscoveryList", version: m.params.v };
        continue;
      }
      if (g !== "meta.k8s.io" || (m.params.v !== "v1" && m.params.v !== "v1beta1")) continue;
      if (m.params.as === "Table") return { as: "Table" };
      if (m.params.as === "PartialObjectMetadata" && !opts.list) return { as: "PartialObjectMetadata" };
      if (m.params.as === "PartialObjectMetadataList" && opts.list) return { as: "PartialObjectMetadataList" };
      continue;
    }
    if (jsonish) return { as: "object", format: "json" };
    if (m.type === "application/yaml") return { as: "object", format: "yaml" };
  }
  throw notAcceptable(`only the following media types are accepted: application/json, application/yaml`);
}
