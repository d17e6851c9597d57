// Discovery: every resource the API server serves, from /api/v1 and /apis/<group>/<version>, one version per
// resource (the group's preferred version when it serves the resource, else the newest that does), as client-go's
// ServerPreferredResources. Group versions that fail to answer are reported beside the resources that did, so
// callers can act on what they have.
import type { APIGroupList, APIResourceList } from "kubernetes-types/meta/v1";
import type { Client } from "./rest-client.ts";
import type { ResourceRef } from "./resources.ts";

/** A served resource and the verbs it supports. */
export interface ApiResource extends ResourceRef {
  verbs: readonly string[];
}

export interface GroupVersionFailure {
  groupVersion: string;
  error: Error;
}

export interface DiscoveryResult {
  resources: ApiResource[];
  /** Group versions whose resource list could not be read. */
  failures: GroupVersionFailure[];
  /** Group versions the server named that are not "version" or "group/version". */
  unparsable: string[];
}

/** Lists every served resource (not subresources). Throws only if the list of groups itself cannot be read. */
export async function discoverResources(client: Client, signal?: AbortSignal): Promise<DiscoveryResult> {
  const groups = await client.json<APIGroupList>("GET", "/apis", undefined, undefined, signal);
  const wanted: { groupVersion: string; preferred: boolean }[] = [{ groupVersion: "v1", preferred: true }];
  for (const g of groups.groups ?? []) {
    for (const v of g.versions) wanted.push({ groupVersion: v.groupVersion, preferred: v.groupVersion === g.preferredVersion?.groupVersion });
  }
  const result: DiscoveryResult = { resources: [], failures: [], unparsable: [] };
  const lists = await Promise.all(wanted.map(async (w) => {
    const gv = parseGroupVersion(w.groupVersion);
    if (!gv) {
      result.unparsable.push(w.groupVersion);
      return undefined;
    }
    const path = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
    try {
      return { ...gv, preferred: w.preferred, list: await client.json<APIResourceList>("GET", path, undefined, undefined, signal) };
    } catch (err) {
      result.failures.push({ groupVersion: w.groupVersion, error: err as Error });
      return undefined;
    }
  }));
  // Preferred versions first, so a resource they serve wins over the same resource in another version.
  const ordered = lists.filter((l) => l !== undefined).sort((a, b) => Number(b.preferred) - Number(a.preferred));
  const seen = new Set<string>();
  for (const { group, version, list } of ordered) {
    for (const r of list.resources) {
      if (r.name.includes("/")) continue;
      const id = `${r.name}.${group}`;
      if (seen.has(id)) continue;
      seen.add(id);
      result.resources.push({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs });
    }
  }
  return result;
}

export function parseGroupVersion(groupVersion: string): { group: string; version: string } | undefined {
  const parts = groupVersion.split("/");
  if (parts.length === 1 && parts[0]) return { group: "", version: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { group: parts[0], version: parts[1] };
  return undefined;
}

export const supportsVerbs = (r: ApiResource, ...verbs: string[]): boolean => verbs.every((v) => r.verbs.includes(v));

/** "deployments.apps", or "pods" for the core group: names a resource across its versions. */
export const groupResource = (r: { group: string; resource: string }): string => (r.group ? `${r.resource}.${r.group}` : r.resource);

/** Client-go's wording for partial discovery, which the namespace controller reports in its conditions. */
export function describeFailures(failures: readonly GroupVersionFailure[]): string {
  const parts = failures.map((f) => `${f.groupVersion}: ${f.error.message}`).sort();
  return `unable to retrieve the complete list of server APIs: ${parts.join(", ")}`;
}
