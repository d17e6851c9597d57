// Server-side printing: objects to meta.k8s.io/v1 Table (kubectl get) and PartialObjectMetadata.
import type { KubeObject, ResourceType, TableColumn, TableDef } from "../../api/scheme.ts";
import { humanDuration } from "../../api/tables/duration.ts";

const defaultTable: TableDef = {
  columns: [
    { name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace.", priority: 0 },
    { name: "Age", type: "string", description: "CreationTimestamp is a timestamp representing the server time when this object was created.", priority: 0 },
  ],
  cells: (obj: KubeObject, now: Date) => [obj.metadata?.name ?? "", age(obj.metadata?.creationTimestamp, now)],
};

function age(ts: string | undefined, now: Date): string {
  return ts ? humanDuration(now.getTime() - Date.parse(ts)) : "<unknown>";
}

export type IncludeObject = "None" | "Metadata" | "Object";

export function partialMetadata(obj: KubeObject): object {
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata ?? {} };
}

export function tableDef(rt: ResourceType): TableDef {
  return rt.strategy.table ?? defaultTable;
}

export function columnDefinitions(rt: ResourceType): TableColumn[] {
  return tableDef(rt).columns;
}

export function tableRow(rt: ResourceType, obj: KubeObject, include: IncludeObject, now: Date): object {
  const row: Record<string, unknown> = { cells: tableDef(rt).cells(obj, now) };
  if (include === "Object") row.object = obj;
  else if (include === "Metadata") row.object = partialMetadata(obj);
  return row;
}

export function toTable(rt: ResourceType, objs: KubeObject[], listMeta: Record<string, unknown>, include: IncludeObject, opts: { noHeaders?: boolean } = {}): object {
  const now = new Date();
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    ...(opts.noHeaders ? {} : { columnDefinitions: columnDefinitions(rt) }),
    rows: objs.map((o) => tableRow(rt, o, include, now)),
  };
}

export function parseIncludeObject(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}
