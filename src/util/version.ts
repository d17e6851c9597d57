// The Kubernetes version Berth speaks and Berth's own, for the API server's /version and the node's kubeletVersion.
import { readFileSync } from "node:fs";

export const BERTH_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

export const KUBERNETES_MINOR = "32";

/** Semantic version with Berth's as build metadata, e.g. v1.32.0+berth-0.1.0 (k3s writes v1.32.0+k3s1). */
export const GIT_VERSION = `v1.${KUBERNETES_MINOR}.0+berth-${BERTH_VERSION}`;
