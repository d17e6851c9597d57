// The first syntax error Go's encoding/json finds in a document, worded as Go words it. kube-apiserver returns
// these texts verbatim in 400 responses to malformed json and strategic merge patches, so clients (and their
// tests) see "invalid character 'x' looking for beginning of value", not V8's JSON.parse wording.

const EOF = "unexpected end of JSON input";
/** encoding/json's maxNestingDepth. */
const MAX_DEPTH = 10000;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

const NAMED_ESCAPES: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 0x5c: "\\\\" };

/** Go's quoteChar: the offending byte in single quotes, escaped the way strconv.Quote escapes it. */
export function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const hex = c.toString(16).padStart(2, "0");
  if (NAMED_ESCAPES[c]) return `'${NAMED_ESCAPES[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${hex}'`;
  // A byte >= 0x80 is taken as the rune of the same value; C1 controls and the soft hyphen are not printable.
  if ((c >= 0x80 && c < 0xa0) || c === 0xad) return `'\\u00${hex}'`;
  return `'${String.fromCharCode(c)}'`;
}

class Syntax extends Error {}

class Scanner {
  private i = 0;
  private readonly data: Uint8Array;
  constructor(data: Uint8Array) {
    this.data = data;
  }

  private fail(context: string): never {
    throw new Syntax(this.i >= this.data.length ? EOF : `invalid character ${quoteChar(this.data[this.i])} ${context}`);
  }
  private skipSpace(): void {
    while (this.i < this.data.length && isSpace(this.data[this.i])) this.i++;
  }
  /** The current byte; running out of input here is always "unexpected end". */
  private peek(): number {
    if (this.i >= this.data.length) throw new Syntax(EOF);
    return this.data[this.i];
  }

  run(): void {
    const stack: ("object" | "array")[] = [];
    let wantValue = true;
    for (;;) {
      this.skipSpace();
      if (wantValue) {
        const c = this.peek();
        if (c === 0x7b || c === 0x5b) {
          stack.push(c === 0x7b ? "object" : "array");
          if (stack.length > MAX_DEPTH) this.fail("exceeded max depth");
          this.i++;
          this.skipSpace();
          if (this.peek() === (c === 0x7b ? 0x7d : 0x5d)) {
            this.i++;
            stack.pop();
            wantValue = false;
          } else if (c === 0x7b) this.key();
          continue;
        }
        this.scalar(c);
        wantValue = false;
        continue;
      }
      const top = stack.at(-1);
      if (!top) {
        if (this.i < this.data.length) this.fail("after top-level value");
        return;
      }
      const c = this.peek();
      if (c === 0x2c) {
        this.i++;
        if (top === "object") {
          this.skipSpace();
          this.key();
        }
        wantValue = true;
      } else if (c === (top === "object" ? 0x7d : 0x5d)) {
        this.i++;
        stack.pop();
      } else this.fail(top === "object" ? "after object key:value pair" : "after array element");
    }
  }

  /** An object key and its colon; leaves the scanner wanting the member's value. */
  private key(): void {
    if (this.peek() !== 0x22) this.fail("looking for beginning of object key string");
    this.string();
    this.skipSpace();
    if (this.peek() !== 0x3a) this.fail("after object key");
    this.i++;
  }

  private scalar(c: number): void {
    if (c === 0x22) return this.string();
    if (c === 0x2d || isDigit(c)) return this.number();
    const literal = c === 0x74 ? "true" : c === 0x66 ? "false" : c === 0x6e ? "null" : undefined;
    if (!literal) this.fail("looking for beginning of value");
    this.i++;
    for (let k = 1; k < literal.length; k++) {
      if (this.peek() !== literal.charCodeAt(k)) this.fail(`in literal ${literal} (expecting '${literal[k]}')`);
      this.i++;
    }
  }

  private string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      this.i++;
      if (c === 0x22) return;
      if (c < 0x20) {
        this.i--;
        this.fail("in string literal");
      }
      if (c !== 0x5c) continue;
      const e = this.peek();
      if (e === 0x75) {
        this.i++;
        for (let k = 0; k < 4; k++) {
          if (!isHex(this.peek())) this.fail("in \\u hexadecimal character escape");
          this.i++;
        }
      } else if ('"\\/bfnrt'.includes(String.fromCharCode(e))) this.i++;
      else this.fail("in string escape code");
    }
  }

  private number(): void {
    if (this.data[this.i] === 0x2d) {
      this.i++;
      if (!isDigit(this.peek())) this.fail("in numeric literal");
    }
    // A leading zero ends the integer part; a digit after it is judged by whatever follows the value.
    if (this.data[this.i++] !== 0x30) this.digits();
    if (this.data[this.i] === 0x2e) {
      this.i++;
      if (!isDigit(this.peek())) this.fail("after decimal point in numeric literal");
      this.digits();
    }
    if (this.data[this.i] === 0x65 || this.data[this.i] === 0x45) {
      this.i++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.i++;
      if (!isDigit(this.peek())) this.fail("in exponent of numeric literal");
      this.digits();
    }
  }

  private digits(): void {
    while (this.i < this.data.length && isDigit(this.data[this.i])) this.i++;
  }
}

/** Go's syntax error for `data`, or undefined when encoding/json would accept it. */
export function goJsonSyntaxError(data: Uint8Array): string | undefined {
  try {
    new Scanner(data).run();
    return undefined;
  } catch (e) {
    if (e instanceof Syntax) return e.message;
    throw e;
  }
}
