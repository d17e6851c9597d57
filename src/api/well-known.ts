// Labels and annotations that several components read or write, named once.

/** On an EndpointSlice: the Service it belongs to. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** On an EndpointSlice: the controller that manages it. */
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
/** On a Node played by `berth sim`: no real machine, network or containers behind it. */
export const SIMULATED_ANNOTATION = "berth.dev/simulated";
