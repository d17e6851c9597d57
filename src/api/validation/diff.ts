// An approximation of the cmp.Diff text upstream appends to "may not change" errors: one -/+ pair per changed
// leaf field, keyed by its path, so users can see what they changed.
import { isEqual } from "./field.ts";

function leafDiffs(a: unknown, b: unknown, path: string, out: string[]): void {
  if (isEqual(a, b)) return;
  const bothObjects = a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b);
  if (bothObjects) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of keys) {
      const sub = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      leafDiffs((a as any)[k], (b as any)[k], sub, out);
    }
    return;
  }
  if (a !== undefined) out.push(`- \t${path}: ${JSON.stringify(a)},`);
  if (b !== undefined) out.push(`+ \t${path}: ${JSON.stringify(b)},`);
}

/** `typeName` is the Go type upstream names in the diff header, e.g. "core.PodSpec". */
export function specDiff(typeName: string, oldValue: unknown, newValue: unknown): string {
  const lines: string[] = [];
  leafDiffs(oldValue, newValue, "", lines);
  return [`  ${typeName}{`, ...lines, "  }", ""].join("\n");
}
