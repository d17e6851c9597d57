// Field selectors as upstream's apimachinery fields package has them: comma-joined terms `f=v`, `f==v`,
// `f!=v`; values escape `\`, `,` and `=` with a backslash. A field an object lacks reads as "".
import { badRequest } from "../errors.ts";
import type { GroupKind } from "../errors.ts";

export interface FieldRequirement {
  field: string;
  /** `==` parses to "=", as upstream's hasTerm. */
  operator: "=" | "!=";
  value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  readonly empty: boolean;
  /** `get` answers an object's value for a field; undefined counts as "". */
  matches(get: (field: string) => string | undefined): boolean;
  /** Upstream's Selector.String(): terms in parsed (sorted) order, values re-escaped. */
  toString(): string;
}

/** fields.EscapeValue. */
export const escapeFieldValue = (v: string): string => v.replace(/[\\,=]/g, (c) => `\\${c}`);

/** Splits on commas that are not escaped; the backslash stays for unescapeValue. */
function splitTerms(s: string): string[] {
  if (s === "") return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const OPERATORS = ["!=", "==", "="] as const;

/** The first position where an operator starts splits the term. */
function splitTerm(term: string): [string, (typeof OPERATORS)[number], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function unescapeValue(s: string): string {
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === "\\") {
      inSlash = true;
    } else if (c === "," || c === "=") {
      // Upstream formats the rune with %v, which prints its code point.
      throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw badRequest("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** fields.ParseSelector. Throws 400 BadRequest with upstream's message. */
export function parseFieldSelector(selector: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  // Upstream sorts the raw terms (byte order) before parsing them.
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const part of parts) {
    if (part === "") continue;
    const split = splitTerm(part);
    if (!split) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, raw] = split;
    requirements.push({ field, operator: op === "!=" ? "!=" : "=", value: unescapeValue(raw) });
  }
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (get) => requirements.every((r) => ((get(r.field) ?? "") === r.value) === (r.operator === "=")),
    toString: () => requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(","),
  };
}

const META_FIELDS = ["metadata.name", "metadata.namespace"];

/**
 * Rejects fields the kind does not support, as upstream's field label conversion does. Kinds with no
 * selectors beyond metadata answer DefaultMetaV1FieldSelectorConversion's message; the others
 * `field label not supported: <name>` (StatefulSet words it its own way upstream).
 */
export function checkSupportedFields(selector: FieldSelector, supported: readonly string[], kind?: GroupKind): void {
  const known = new Set(supported);
  const onlyMeta = supported.every((f) => META_FIELDS.includes(f));
  for (const { field } of selector.requirements) {
    if (known.has(field)) continue;
    if (onlyMeta) throw badRequest(`${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
    if (kind?.group === "apps" && kind.kind === "StatefulSet") throw badRequest(`field label not supported for appsv1.StatefulSet: ${field}`);
    throw badRequest(`field label not supported: ${field}`);
  }
}
