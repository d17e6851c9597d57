// Moves field ownership after a write (upstream's Updater.update): fields the write added or changed leave the
// other managers (or conflict, unless forced), and removed fields leave everyone.
import type { Comparison } from "./compare.ts";
import type { Conflict } from "./conflict.ts";
import type { FieldSet } from "./fieldset.ts";
import type { Managed } from "./managed.ts";

/** The comparison without the given paths and everything under them (fields the write may not own). */
export function excluding(c: Comparison, reset: FieldSet): Comparison {
  if (reset.isEmpty) return c;
  return { added: c.added.recursiveDifference(reset), modified: c.modified.recursiveDifference(reset), removed: c.removed.recursiveDifference(reset) };
}

/**
 * Applies the comparison to every entry but `actor`'s. Returns the conflicts and changes nothing when there
 * are conflicts and `force` is off. Mutates `managed`; entries left empty are dropped.
 */
export function transferOwnership(managed: Managed, actor: string | undefined, c: Comparison, force: boolean): Conflict[] {
  const changed = c.added.union(c.modified);
  const conflicts: Conflict[] = [];
  for (const [id, entry] of managed) {
    if (id === actor) continue;
    const fields = entry.set.intersection(changed);
    if (!fields.isEmpty) conflicts.push({ id, entry, fields });
  }
  if (conflicts.length && !force) return conflicts;
  for (const { entry, fields } of conflicts) entry.set = entry.set.difference(fields);
  for (const [id, entry] of managed) {
    if (!c.removed.isEmpty) entry.set = entry.set.difference(c.removed);
    if (entry.set.isEmpty) managed.delete(id);
  }
  return [];
}

/** Every field any manager owns. */
export function ownedByAnyone(managed: Managed): FieldSet | undefined {
  let all: FieldSet | undefined;
  for (const e of managed.values()) all = all ? all.union(e.set) : e.set;
  return all;
}
