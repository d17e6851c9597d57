// Discovery documents: legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and aggregated (apidiscovery.k8s.io/v2,
// chosen by Accept), built once from the resource list with their ETags.
import { createHash } from "node:crypto";
import type { ResourceType } from "../../api/scheme.ts";
import { apiVersionOf } from "../../api/scheme.ts";

interface SubresourceInfo {
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

/** The subresources Berth serves, with the kind each answers in (as upstream's discovery reports). */
function subresourcesOf(rt: ResourceType, served: ReadonlySet<string>): [string, SubresourceInfo][] {
  const out: [string, SubresourceInfo][] = [];
  const self = { group: rt.group, version: rt.version, kind: rt.kind };
  if (rt.status) out.push(["status", { ...self, verbs: ["get", "patch", "update"] }]);
  if (rt.scale) out.push(["scale", { group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] }]);
  const known: Record<string, SubresourceInfo> = {
    binding: { group: "", version: "v1", kind: "Binding", verbs: ["create"] },
    token: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest", verbs: ["create"] },
    finalize: { ...self, verbs: ["update"] },
    eviction: { group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] },
  };
  for (const name of rt.extraSubresources) {
    const info = known[name];
    if (info && served.has(`${rt.plural}/${name}`)) out.push([name, info]);
  }
  return out;
}

export interface GroupVersion {
  group: string;
  version: string;
  resources: ResourceType[];
}

export function groupVersions(resources: readonly ResourceType[]): GroupVersion[] {
  const map = new Map<string, GroupVersion>();
  for (const rt of resources) {
    const k = apiVersionOf(rt);
    let gv = map.get(k);
    if (!gv) map.set(k, (gv = { group: rt.group, version: rt.version, resources: [] }));
    gv.resources.push(rt);
  }
  return [...map.values()];
}

export interface Document {
  body: string;
  etag: string;
}

const doc = (obj: unknown): Document => {
  const body = JSON.stringify(obj);
  return { body, etag: `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"` };
};

export class Discovery {
  readonly api: Document;
  readonly apis: Document;
  readonly aggregatedApi: Document;
  readonly aggregatedApis: Document;
  private readonly resourceLists = new Map<string, Document>();
  private readonly groups = new Map<string, Document>();

  constructor(resources: readonly ResourceType[], served: ReadonlySet<string>) {
    const gvs = groupVersions(resources);
    this.api = doc({ kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "" }] });
    const groupList = groupListOf(gvs.filter((gv) => gv.group !== ""));
    this.apis = doc({ kind: "APIGroupList", apiVersion: "v1", groups: groupList });
    for (const g of groupList) this.groups.set(g.name, doc({ kind: "APIGroup", apiVersion: "v1", ...g }));
    for (const gv of gvs) {
      const resourcesDoc = gv.resources.flatMap((rt) => [
        {
          name: rt.plural, singularName: rt.singular, namespaced: rt.namespaced, kind: rt.kind, verbs: [...rt.verbs],
          ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
          ...(rt.categories.length ? { categories: rt.categories } : {}),
          storageVersionHash: createHash("sha256").update(`${rt.group}/${rt.version}/${rt.kind}`).digest("base64").slice(0, 11),
        },
        ...subresourcesOf(rt, served).map(([name, info]) => ({
          name: `${rt.plural}/${name}`, singularName: "", namespaced: rt.namespaced, kind: info.kind, verbs: info.verbs,
          ...(info.group !== rt.group || info.version !== rt.version ? { group: info.group, version: info.version } : {}),
        })),
      ]);
      this.resourceLists.set(apiVersionOf(gv), doc({ kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf(gv), resources: resourcesDoc }));
    }
    this.aggregatedApi = doc(aggregated(gvs.filter((gv) => gv.group === ""), served));
    this.aggregatedApis = doc(aggregated(gvs.filter((gv) => gv.group !== ""), served));
  }

  resourceList(group: string, version: string): Document | undefined {
    return this.resourceLists.get(group ? `${group}/${version}` : version);
  }

  group(name: string): Document | undefined {
    return this.groups.get(name);
  }
}

/** Upstream lists the preferred (newest stable) version first. */
function groupListOf(gvs: GroupVersion[]) {
  const byGroup = new Map<string, string[]>();
  for (const gv of gvs) byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv.version]);
  return [...byGroup].map(([name, versions]) => {
    const sorted = versions.sort((a, b) => b.localeCompare(a, "en", { numeric: true }));
    return {
      name,
      versions: sorted.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${sorted[0]}`, version: sorted[0] },
    };
  });
}

function aggregated(gvs: GroupVersion[], served: ReadonlySet<string>) {
  const byGroup = new Map<string, GroupVersion[]>();
  for (const gv of gvs) byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv]);
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items: [...byGroup].map(([group, versions]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: versions
        .sort((a, b) => b.version.localeCompare(a.version, "en", { numeric: true }))
        .map((gv) => ({
          version: gv.version,
          freshness: "Current",
          resources: gv.resources.map((rt) => ({
            resource: rt.plural,
            responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
            scope: rt.namespaced ? "Namespaced" : "Cluster",
            singularResource: rt.singular,
            verbs: [...rt.verbs],
            ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
            ...(rt.categories.length ? { categories: rt.categories } : {}),
            ...(() => {
              const subs = subresourcesOf(rt, served);
              return subs.length ? { subresources: subs.map(([name, info]) => ({ subresource: name, responseKind: { group: info.group, version: info.version, kind: info.kind }, verbs: info.verbs })) } : {};
            })(),
          })),
        })),
    })),
  };
}
