// Whether a namespace takes new content: not being deleted. Controllers that fill every namespace skip the others
// (creating there would be refused anyway).
import type { Namespace } from "kubernetes-types/core/v1";

export const isActive = (ns: Namespace): boolean => !ns.metadata?.deletionTimestamp && ns.status?.phase !== "Terminating";
