// /version: the Kubernetes version Berth speaks (kubectl warns on skew), with Berth's own in gitVersion.
import { readFileSync } from "node:fs";

const BERTH_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

export const KUBERNETES_MINOR = "32";

export function versionInfo() {
  return {
    major: "1",
    minor: KUBERNETES_MINOR,
    gitVersion: `v1.${KUBERNETES_MINOR}.0+berth-${BERTH_VERSION}`,
    gitCommit: "",
    gitTreeState: "clean",
    buildDate: "1970-01-01T00:00:00Z",
    goVersion: `node${process.versions.node}`,
    compiler: "node",
    platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
  };
}
