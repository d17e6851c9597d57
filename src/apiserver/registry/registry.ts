// Every served resource's store, looked up by group, version and plural.
import type { ResourceType } from "../../api/scheme.ts";
import { ResourceStore } from "./store.ts";
import type { StoreDeps } from "./store.ts";
import { ConvertingStore } from "./converting-store.ts";

export class Registry {
  private readonly byPath = new Map<string, ResourceStore>();
  /** Storage-version stores by "group/Kind", for internal callers (admission and authentication lookups). */
  private readonly byKind = new Map<string, ResourceStore>();
  readonly resources: readonly ResourceType[];

  constructor(resources: readonly ResourceType[], deps: StoreDeps) {
    this.resources = resources;
    for (const rt of resources.filter((r) => !r.conversion)) {
      const store = new ResourceStore(rt, deps);
      this.byPath.set(`${rt.group}/${rt.version}/${rt.plural}`, store);
      this.byKind.set(`${rt.group}/${rt.kind}`, store);
    }
    for (const rt of resources.filter((r) => r.conversion)) {
      const inner = this.store(rt.conversion!.storageGroup, rt.conversion!.storageVersion, rt.plural);
      if (!inner) throw new Error(`${rt.group}/${rt.version} ${rt.plural}: storage version ${rt.conversion!.storageVersion} is not served`);
      this.byPath.set(`${rt.group}/${rt.version}/${rt.plural}`, new ConvertingStore(rt, inner, deps));
    }
  }

  store(group: string, version: string, plural: string): ResourceStore | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** The store of a kind's preferred version (for internal callers). */
  storeOf(group: string, kind: string): ResourceStore {
    const store = this.byKind.get(`${group}/${kind}`);
    if (!store) throw new Error(`no resource of kind ${group}/${kind}`);
    return store;
  }
}
