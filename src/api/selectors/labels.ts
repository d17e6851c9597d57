// Label selectors as upstream's apimachinery labels package has them: the string syntax of `-l` and
// `?labelSelector=` (labels.Parse), metav1.LabelSelector objects (LabelSelectorAsSelector), one matcher for
// both, and their canonical string forms. Errors are 400 BadRequest worded as upstream's.
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { badRequest } from "../errors.ts";
import { tokenize } from "./label-lexer.ts";
import type { Token } from "./label-lexer.ts";
import { isQualifiedName, isValidLabelValue } from "../validation/names.ts";

/** upstream's selection.Operator values. */
export type LabelOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: readonly string[];
}

export interface LabelMatcher {
  /** Sorted by key, as upstream keeps them. */
  readonly requirements: readonly LabelRequirement[];
  /** True for a selector that selects everything (an empty string, or an empty LabelSelector). */
  readonly empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
  /** Upstream's Selector.String(): "app=web,tier in (a,b),!old". */
  toString(): string;
}

/** Thrown inside this module and wrapped into a StatusError at the public entry points. */
class SelectorError extends Error {}

const goStrings = (vals: readonly string[]): string => `[]string{${vals.map((v) => JSON.stringify(v)).join(", ")}}`;

/** upstream's field.Error.Error() for an Invalid value at a path (a nil path prints "<nil>"). */
const invalidAt = (path: string, value: string, detail: string): string => `${path}: Invalid value: ${value}: ${detail}`;

function checkKey(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalidAt(path, JSON.stringify(key), errs.join("; ")) : undefined;
}

/** upstream's NewRequirement checks, returning the aggregated message or nothing. */
function requirementErrors(key: string, op: LabelOperator, vals: readonly string[]): string | undefined {
  const errs: string[] = [];
  const keyErr = checkKey(key, "key");
  if (keyErr) errs.push(keyErr);
  switch (op) {
    case "in": case "notin":
      if (vals.length === 0) errs.push(invalidAt("values", goStrings(vals), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=": case "==": case "!=":
      if (vals.length !== 1) errs.push(invalidAt("values", goStrings(vals), "exact-match compatibility requires one single value"));
      break;
    case "exists": case "!":
      if (vals.length !== 0) errs.push(invalidAt("values", goStrings(vals), "values set must be empty for exists and does not exist"));
      break;
    case "gt": case "lt":
      if (vals.length !== 1) errs.push(invalidAt("values", goStrings(vals), "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(invalidAt(`values[${i}]`, JSON.stringify(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  vals.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(invalidAt(`values[${i}][${key}]`, JSON.stringify(v), msgs.join("; ")));
  });
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
}

function newRequirement(key: string, operator: LabelOperator, values: readonly string[]): LabelRequirement {
  const err = requirementErrors(key, operator, values);
  if (err) throw new SelectorError(err);
  return { key, operator, values };
}

function matchesRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case "=": case "==": case "in": return has && r.values.includes(labels[r.key]);
    case "!=": case "notin": return !has || !r.values.includes(labels[r.key]);
    case "exists": return has;
    case "!": return !has;
    case "gt": case "lt": {
      if (!has || r.values.length !== 1) return false;
      const v = /^[+-]?\d+$/.test(labels[r.key]) ? BigInt(labels[r.key]) : undefined;
      if (v === undefined) return false;
      const bound = BigInt(r.values[0]);
      return r.operator === "gt" ? v > bound : v < bound;
    }
  }
}

function requirementString(r: LabelRequirement): string {
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(",");
  switch (r.operator) {
    case "exists": return r.key;
    case "!": return `!${r.key}`;
    case "in": return `${r.key} in (${values})`;
    case "notin": return `${r.key} notin (${values})`;
    case "gt": return `${r.key}>${values}`;
    case "lt": return `${r.key}<${values}`;
    default: return `${r.key}${r.operator}${values}`;
  }
}

function matcher(reqs: LabelRequirement[]): LabelMatcher {
  const requirements = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => matchesRequirement(r, labels ?? {})),
    toString: () => requirements.map(requirementString).join(","),
  };
}

/** Selects nothing: what a nil *LabelSelector means upstream. */
const nothing: LabelMatcher = { requirements: [], empty: false, matches: () => false, toString: () => "" };

/** A recursive-descent parser over the token list, following upstream's grammar and error wording. */
class Parser {
  private pos = 0;
  private readonly items: Token[];
  constructor(input: string) {
    this.items = tokenize(input);
  }

  /** In value position the keywords `in` and `notin` are plain identifiers. */
  private peek(values = true): Token {
    const t = this.items[this.pos];
    return values && (t.tok === "in" || t.tok === "notin") ? { tok: "id", lit: t.lit } : t;
  }

  private next(values = true): Token {
    const t = this.peek(values);
    if (this.pos < this.items.length - 1) this.pos++;
    return t;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.tok === "eos") return reqs;
      if (t.tok !== "id" && t.tok !== "!") throw new SelectorError(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const sep = this.next();
      if (sep.tok === "eos") return reqs;
      if (sep.tok !== ",") throw new SelectorError(`found '${sep.lit}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.tok !== "id" && after.tok !== "!") throw new SelectorError(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let t = this.next();
    let notExists = false;
    if (t.tok === "!") {
      notExists = true;
      t = this.next();
    }
    if (t.tok !== "id") throw new SelectorError(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErr = checkKey(key, "<nil>");
    if (keyErr) throw new SelectorError(keyErr);
    const ahead = this.peek().tok;
    if (notExists) return newRequirement(key, "!", []);
    if (ahead === "eos" || ahead === ",") return newRequirement(key, "exists", []);
    const op = this.operator();
    const values = op === "in" || op === "notin" ? this.setValues() : this.exactValue();
    return newRequirement(key, op, values);
  }

  private operator(): LabelOperator {
    const t = this.next(false);
    switch (t.tok) {
      case "in": case "notin": case "=": case "==": case "!=": return t.tok;
      case ">": return "gt";
      case "<": return "lt";
      default: throw new SelectorError(`found '${t.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private exactValue(): string[] {
    const ahead = this.peek();
    if (ahead.tok === "eos" || ahead.tok === ",") return [""];
    const t = this.next();
    if (t.tok === "id") return [t.lit];
    throw new SelectorError(`found '${t.lit}', expected: identifier`);
  }

  /** `(a,b)`, with upstream's leniency: `()`, `(,a)` and `(a,)` also add the empty value. */
  private setValues(): string[] {
    const open = this.next();
    if (open.tok !== "(") throw new SelectorError(`found '${open.lit}' expected: '('`);
    const first = this.peek();
    if (first.tok === ")") {
      this.next();
      return [""];
    }
    if (first.tok !== "id" && first.tok !== ",") throw new SelectorError(`found '${first.lit}', expected: ',', ')' or identifier`);
    const set = this.identifierList();
    if (this.next().tok !== ")") throw new SelectorError(`found '${first.lit}', expected: ')'`);
    return [...set].sort();
  }

  private identifierList(): Set<string> {
    const set = new Set<string>();
    for (;;) {
      const t = this.next();
      if (t.tok === "id") {
        set.add(t.lit);
        const ahead = this.peek();
        if (ahead.tok === ")") return set;
        if (ahead.tok !== ",") throw new SelectorError(`found '${ahead.lit}', expected: ',' or ')'`);
      } else if (t.tok === ",") {
        if (set.size === 0) set.add("");
        const ahead = this.peek();
        if (ahead.tok === ")") {
          set.add("");
          return set;
        }
        if (ahead.tok === ",") {
          this.next();
          set.add("");
        }
      } else {
        throw new SelectorError(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
  }
}

/** labels.Parse: the selector string of `kubectl get -l` and `?labelSelector=`. */
export function parseLabelSelector(selector: string): LabelMatcher {
  try {
    return matcher(new Parser(selector).parse());
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

const OPERATORS: Record<string, LabelOperator> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

/** metav1.LabelSelectorAsSelector: null/undefined selects nothing, an empty selector everything. */
export function labelSelectorMatcher(sel: LabelSelector | null | undefined): LabelMatcher {
  if (!sel) return nothing;
  try {
    const reqs = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => newRequirement(k, "=", [v]));
    for (const expr of sel.matchExpressions ?? []) {
      const op = OPERATORS[expr.operator];
      if (!op) throw new SelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
      reqs.push(newRequirement(expr.key, op, expr.values ?? []));
    }
    return matcher(reqs);
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

/** The string form scale's status.selector carries: "" for an empty or nil selector. Throws when invalid. */
export const labelSelectorAsString = (sel: LabelSelector | null | undefined): string => labelSelectorMatcher(sel).toString();

/** metav1.FormatLabelSelector, as printers show selectors: "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(sel: LabelSelector | null | undefined): string {
  let s: string;
  try {
    s = labelSelectorAsString(sel);
  } catch {
    return "<error>";
  }
  return s === "" ? "<none>" : s;
}

/** labels.FormatLabels: "k=v" pairs sorted by key, "<none>" when there are none. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(",") : "<none>";
}
