// `$(VAR)` references in env values, commands and args, with the rules the API documents: a defined name is
// replaced, an undefined one is kept as written, `$$` is an escaped `$`, any other `$` (or an unclosed `$(`) is
// kept as is.
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = "";
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== "$" || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      out += lookup(name) ?? `$(${name})`;
      i = close + 1;
    } else {
      out += "$" + next;
      i += 2;
    }
  }
  return out;
}
