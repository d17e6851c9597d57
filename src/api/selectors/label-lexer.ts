// The tokenizer of upstream's label selector syntax. Identifiers run until whitespace or one of the special
// symbols; runs of special symbols are matched greedily against the known operators, so "!=" is one token
// and "=(" is two.

export type TokenKind = "id" | "in" | "notin" | "=" | "==" | "!=" | "!" | "(" | ")" | "," | ">" | "<" | "eos";

export interface Token {
  tok: TokenKind;
  lit: string;
}

const SYMBOLS = new Set(["=", "==", "!=", "!", "(", ")", ",", ">", "<"]);
const KEYWORDS = new Set(["in", "notin"]);

const isWhitespace = (c: string): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";
const isSpecial = (c: string): boolean => "=!(),><".includes(c);

export function tokenize(input: string): Token[] {
  // Upstream reads a NUL byte as the end of input.
  const nul = input.indexOf("\0");
  const s = nul >= 0 ? input.slice(0, nul) : input;
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isWhitespace(s[i])) i++;
    if (i >= s.length) break;
    if (isSpecial(s[i])) {
      // Longest run of special characters that still forms a known symbol.
      let lit = s[i++];
      while (i < s.length && isSpecial(s[i]) && SYMBOLS.has(lit + s[i])) lit += s[i++];
      out.push({ tok: lit as TokenKind, lit });
      continue;
    }
    const start = i;
    while (i < s.length && !isWhitespace(s[i]) && !isSpecial(s[i])) i++;
    const lit = s.slice(start, i);
    out.push({ tok: KEYWORDS.has(lit) ? (lit as TokenKind) : "id", lit });
  }
  out.push({ tok: "eos", lit: "" });
  return out;
}
