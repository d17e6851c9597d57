// `kubectl get poddisruptionbudgets`.
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { TableDef } from "../scheme.ts";
import { age, ageColumn, column, nameColumn } from "./format.ts";

const intOrString = (v: number | string | undefined): string => (v === undefined ? "N/A" : String(v));

export const podDisruptionBudgetTable: TableDef = {
  columns: [
    nameColumn,
    column("Min Available", "string", "Pods (or percentage) that must stay available."),
    column("Max Unavailable", "string", "Pods (or percentage) that may be unavailable."),
    column("Allowed Disruptions", "integer", "Evictions currently allowed."),
    ageColumn,
  ],
  cells: (pdb: PodDisruptionBudget, now: Date) => [
    pdb.metadata?.name ?? "",
    intOrString(pdb.spec?.minAvailable),
    intOrString(pdb.spec?.maxUnavailable),
    pdb.status?.disruptionsAllowed ?? 0,
    age(pdb.metadata, now),
  ],
};
