import { test } from "node:test";
import assert from "node:assert/strict";
import { StatusError } from "../errors.ts";
import { formatLabelSelector, formatLabels, labelSelectorAsString, labelSelectorMatcher, parseLabelSelector } from "./labels.ts";

function parseError(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (e) {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 400);
    assert.equal(e.reason, "BadRequest");
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(s)} to be rejected`);
}

test("equality forms match present labels and != matches absent ones", () => {
  const sel = parseLabelSelector("app=web, tier==front,env!=prod");
  assert.ok(sel.matches({ app: "web", tier: "front" }));
  assert.ok(sel.matches({ app: "web", tier: "front", env: "dev" }));
  assert.ok(!sel.matches({ app: "web", tier: "front", env: "prod" }));
  assert.ok(!sel.matches({ app: "web" }));
  assert.ok(!sel.matches(undefined));
});

test("set-based forms: in, notin, exists, !key", () => {
  const sel = parseLabelSelector("env in (prod, staging),tier notin (db),partition,!legacy");
  assert.ok(sel.matches({ env: "prod", partition: "" }));
  assert.ok(sel.matches({ env: "staging", partition: "a", tier: "web" }));
  assert.ok(!sel.matches({ env: "dev", partition: "a" }));
  assert.ok(!sel.matches({ env: "prod", partition: "a", tier: "db" }));
  assert.ok(!sel.matches({ env: "prod" }));
  assert.ok(!sel.matches({ env: "prod", partition: "a", legacy: "true" }));
});

test("keywords are identifiers in key and value position", () => {
  assert.ok(parseLabelSelector("in in (notin)").matches({ in: "notin" }));
  assert.ok(parseLabelSelector("notin=in").matches({ notin: "in" }));
});

test("gt and lt compare integers and never match non-integers", () => {
  const sel = parseLabelSelector("replicas>2,replicas<10");
  assert.ok(sel.matches({ replicas: "5" }));
  assert.ok(!sel.matches({ replicas: "2" }));
  assert.ok(!sel.matches({ replicas: "x" }));
  assert.ok(!sel.matches({}));
});

test("empty values: k=, k in (), k in (,a)", () => {
  assert.ok(parseLabelSelector("a=").matches({ a: "" }));
  assert.ok(!parseLabelSelector("a=").matches({}));
  assert.ok(parseLabelSelector("a in ()").matches({ a: "" }));
  assert.deepEqual(parseLabelSelector("a in (,x)").requirements[0].values, ["", "x"]);
  assert.deepEqual(parseLabelSelector("a in (x,)").requirements[0].values, ["", "x"]);
});

test("the empty selector selects everything and prints as empty", () => {
  const sel = parseLabelSelector("  ");
  assert.ok(sel.empty);
  assert.ok(sel.matches(undefined));
  assert.equal(sel.toString(), "");
});

test("string form is sorted by key with sorted set values", () => {
  assert.equal(parseLabelSelector("z=1,a notin (c,b),!m,k,n>3").toString(), "a notin (b,c),k,!m,n>3,z=1");
  assert.equal(parseLabelSelector("x==y,w!=v").toString(), "w!=v,x==y");
});

test("syntax errors carry upstream's wording", () => {
  assert.equal(parseError("a=b c"), "found 'c', expected: ',' or 'end of string'");
  assert.equal(parseError("a,"), "found '', expected: identifier after ','");
  assert.equal(parseError("=a"), "found '=', expected: !, identifier, or 'end of string'");
  assert.equal(parseError("a b"), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
  assert.equal(parseError("a in b"), "unable to parse requirement: found 'b' expected: '('");
  assert.equal(parseError("a in (b"), "unable to parse requirement: found '', expected: ',' or ')'");
  assert.equal(parseError("a in (=)"), "unable to parse requirement: found '=', expected: ',', ')' or identifier");
  assert.equal(parseError("a=("), "unable to parse requirement: found '(', expected: identifier");
  assert.equal(parseError("!a=b"), "found '=', expected: ',' or 'end of string'");
});

test("invalid keys and values are reported with upstream's paths and messages", () => {
  assert.equal(
    parseError("a$b=c"),
    "unable to parse requirement: <nil>: Invalid value: \"a$b\": name part must consist of alphanumeric characters, '-', '_' or '.', " +
      "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  );
  assert.match(parseError("app=a$"), /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "a\$": a valid label must be an empty string/);
  assert.equal(parseError("n>x"), "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer");
  assert.match(parseError("n>-x"), /^unable to parse requirement: \[values\[0\]: Invalid value: "-x": for 'Gt', 'Lt' operators, the value must be an integer, values\[0\]\[n\]: /);
  assert.match(parseError("Foo/bar"), /prefix part a lowercase RFC 1123 subdomain/);
});

test("a LabelSelector object converts to the same matcher and string form", () => {
  const sel = {
    matchLabels: { app: "web" },
    matchExpressions: [
      { key: "env", operator: "In", values: ["prod", "dev"] },
      { key: "old", operator: "DoesNotExist" },
      { key: "zone", operator: "Exists" },
    ],
  };
  const m = labelSelectorMatcher(sel);
  assert.ok(m.matches({ app: "web", env: "dev", zone: "a" }));
  assert.ok(!m.matches({ app: "web", env: "dev", zone: "a", old: "1" }));
  assert.equal(labelSelectorAsString(sel), "app=web,env in (dev,prod),!old,zone");
  assert.equal(formatLabelSelector(sel), "app=web,env in (dev,prod),!old,zone");
});

test("nil selects nothing, empty selects everything; printers show <none> and <error>", () => {
  assert.ok(!labelSelectorMatcher(undefined).matches({}));
  assert.ok(labelSelectorMatcher({}).matches({ a: "b" }));
  assert.equal(labelSelectorAsString({}), "");
  assert.equal(formatLabelSelector({}), "<none>");
  assert.equal(formatLabelSelector(undefined), "<none>");
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Bogus" }] }), "<error>");
  assert.throws(() => labelSelectorMatcher({ matchExpressions: [{ key: "a", operator: "Bogus" }] }), /"Bogus" is not a valid label selector operator/);
  assert.throws(() => labelSelectorMatcher({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }), /values: Invalid value: \[\]string\{\}: for 'in', 'notin' operators, values set can't be empty/);
});

test("formatLabels sorts keys and prints <none> for no labels", () => {
  assert.equal(formatLabels({ b: "2", a: "1" }), "a=1,b=2");
  assert.equal(formatLabels({}), "<none>");
  assert.equal(formatLabels(undefined), "<none>");
});
