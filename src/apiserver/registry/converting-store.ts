// A version served by conversion (autoscaling/v1 HorizontalPodAutoscaler over stored v2): every read is
// converted from the storage version, every write converted to it and then goes through the storage
// version's own store (defaulting, validation, compare-and-swap).
import type { KubeObject, ResourceType, Conversion } from "../../api/scheme.ts";
import { ResourceStore } from "./store.ts";
import type { DeleteOptions, DeleteResult, StoreDeps, WriteOptions } from "./store.ts";

export class ConvertingStore extends ResourceStore {
  private readonly inner: ResourceStore;
  private readonly conv: Conversion;

  constructor(rt: ResourceType, inner: ResourceStore, deps: StoreDeps) {
    super(rt, deps);
    this.inner = inner;
    this.conv = rt.conversion!;
  }

  override async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.conv.fromStorage(await this.inner.get(namespace, name));
  }

  override async create(namespace: string | undefined, obj: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    return this.conv.fromStorage(await this.inner.create(namespace, this.conv.toStorage(obj), opts));
  }

  override async update(namespace: string | undefined, name: string, mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>, opts: WriteOptions): Promise<KubeObject> {
    const updated = await this.inner.update(namespace, name, async (cur) => this.conv.toStorage(await mutate(this.conv.fromStorage(cur))), opts);
    return this.conv.fromStorage(updated);
  }

  override async delete(namespace: string | undefined, name: string, opts: DeleteOptions): Promise<DeleteResult> {
    const r = await this.inner.delete(namespace, name, opts);
    return { ...r, object: this.conv.fromStorage(r.object) };
  }
}
