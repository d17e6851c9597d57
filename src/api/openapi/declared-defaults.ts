// Defaults upstream declares in its OpenAPI schema (beyond zero values). Server-side apply needs them for
// list-map keys a manifest may omit, e.g. a Service port without `protocol`.
const core = "io.k8s.api.core.v1";

export const declaredDefaults: Record<string, Record<string, unknown>> = {
  [`${core}.ContainerPort`]: { protocol: "TCP" },
  [`${core}.ServicePort`]: { protocol: "TCP" },
  [`${core}.EndpointPort`]: { protocol: "TCP" },
  ["io.k8s.api.discovery.v1.EndpointPort"]: { protocol: "TCP" },
};
