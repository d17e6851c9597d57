// /version: the Kubernetes version Berth speaks (kubectl warns on skew), with Berth's own in gitVersion.
import { GIT_VERSION, KUBERNETES_MINOR } from "../util/version.ts";

export function versionInfo() {
  return {
    major: "1",
    minor: KUBERNETES_MINOR,
    gitVersion: GIT_VERSION,
    gitCommit: "",
    gitTreeState: "clean",
    buildDate: "1970-01-01T00:00:00Z",
    goVersion: `node${process.versions.node}`,
    compiler: "node",
    platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
  };
}
