// The 409 an apply gets when it would change fields other managers own, worded as upstream's apiserver.
import type { StatusCause } from "kubernetes-types/meta/v1";
import { type StatusError, conflictWithCauses } from "../../api/errors.ts";
import { type FieldSet, formatPath } from "./fieldset.ts";
import { type ManagedEntry, describeManager } from "./managed.ts";

export interface Conflict {
  /** Manager identifier (see identifier()), used for ordering. */
  id: string;
  entry: ManagedEntry;
  fields: FieldSet;
}

export function conflictError(conflicts: readonly Conflict[]): StatusError {
  const sorted = [...conflicts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const causes: StatusCause[] = [];
  const lines: string[] = [];
  for (const c of sorted) {
    const who = describeManager(c.entry);
    lines.push(`conflicts with ${who}:`);
    for (const p of c.fields.paths()) {
      const field = formatPath(p);
      causes.push({ reason: "FieldManagerConflict", message: `conflict with ${who}`, field });
      lines.push(`- ${field}`);
    }
  }
  const message = causes.length === 1
    ? `Apply failed with 1 conflict: ${causes[0].message}: ${causes[0].field}`
    : `Apply failed with ${causes.length} conflicts: ${lines.join("\n")}`;
  return conflictWithCauses(message, causes);
}
