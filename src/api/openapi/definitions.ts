// The OpenAPI definitions generated from kubernetes-types by scripts/gen-openapi.ts (run by scripts/setup.sh),
// read once on first use: the file is ~1 MB and most processes (node agent, controllers) never need it.
import fs from "node:fs";
import type { Definitions } from "./types.ts";

const FILE = new URL("../../../generated/openapi-definitions.json", import.meta.url);

let loaded: Definitions | undefined;

export function definitions(): Definitions {
  if (!loaded) {
    try {
      loaded = JSON.parse(fs.readFileSync(FILE, "utf8")) as Definitions;
    } catch (err) {
      throw new Error(`cannot read ${FILE.pathname}: run scripts/setup.sh to generate it`, { cause: err });
    }
  }
  return loaded;
}

/** The package segment upstream uses for an API group: "apps", "rbac" (rbac.authorization.k8s.io), "core" (""). */
export function groupShortName(group: string): string {
  if (group === "") return "core";
  if (group === "apiextensions.k8s.io") return "apiextensions";
  if (group === "internal.apiserver.k8s.io") return "apiserverinternal";
  return group.split(".")[0]!;
}

/** Upstream's definition name of a kind: ("apps", "v1", "Deployment") -> "io.k8s.api.apps.v1.Deployment". */
export function definitionName(group: string, version: string, kind: string): string {
  if (group === "apiextensions.k8s.io") return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}.${kind}`;
  if (group === "meta.k8s.io") return `io.k8s.apimachinery.pkg.apis.meta.${version}.${kind}`;
  return `io.k8s.api.${groupShortName(group)}.${version}.${kind}`;
}
