// resource.Quantity: parsing, exact comparison and upstream's canonical string form ("1.5Gi" -> "1536Mi",
// "0.5" -> "500m"). Values are held exactly as a count of nano-units (upstream rounds finer values up to 1n).

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  /** The value in units of 1e-9, rounded away from zero. */
  nanos: bigint;
  format: QuantityFormat;
}

/** The decoding error upstream answers for a malformed quantity. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const BINARY_NAMES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const DECIMAL_NAMES: Record<number, string> = { [-9]: "n", [-6]: "u", [-3]: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E" };
// Bounds the work a hostile exponent can cause; far beyond any real resource amount.
const MAX_EXPONENT = 1000;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Divides rounding away from zero, as upstream does when it drops precision below 1n. */
function divUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : q + (a < 0n ? -1n : 1n);
}

/** Parses a quantity as JSON carries it (a string, or a bare number). Undefined when malformed. */
export function parseQuantity(input: string | number): Quantity | undefined {
  const s = typeof input === "number" ? (Number.isFinite(input) ? String(input) : "") : input;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/.exec(s);
  if (!m) return undefined;
  const [, sign, whole, frac = "", suffix] = m;
  if (whole.length + frac.length === 0) return undefined;
  let format: QuantityFormat;
  let exp10 = 0;
  let exp2 = 0;
  if (suffix in DECIMAL_SUFFIXES) {
    format = "DecimalSI";
    exp10 = DECIMAL_SUFFIXES[suffix];
  } else if (suffix in BINARY_SUFFIXES) {
    format = "BinarySI";
    exp2 = BINARY_SUFFIXES[suffix];
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    format = "DecimalExponent";
    exp10 = Number(suffix.slice(1));
    if (Math.abs(exp10) > MAX_EXPONENT) return undefined;
  } else {
    return undefined;
  }
  const digits = BigInt(`${whole}${frac}` || "0") * 2n ** BigInt(exp2);
  const shift = exp10 - frac.length + 9;
  let nanos = shift >= 0 ? digits * pow10(shift) : divUp(digits, pow10(-shift));
  if (sign === "-") nanos = -nanos;
  return { nanos, format };
}

export const isValidQuantity = (input: unknown): boolean =>
  (typeof input === "string" || typeof input === "number") && parseQuantity(input) !== undefined;

/** -1, 0 or 1. Both must be valid quantities. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** The value as a JS number (approximate for very large or very precise values). */
export const quantityToNumber = (q: Quantity): number => Number(q.nanos) / 1e9;

/** Upstream's canonical serialization of a quantity. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return "0";
  const neg = q.nanos < 0n;
  const abs = neg ? -q.nanos : q.nanos;
  let format = q.format;
  // Binary form only for whole amounts of at least 1024; anything else reads better in decimal.
  if (format === "BinarySI" && (abs < 1024n * 1_000_000_000n || abs % 1_000_000_000n !== 0n)) format = "DecimalSI";
  let body: string;
  if (format === "BinarySI") {
    let n = abs / 1_000_000_000n;
    let e = 0;
    while (n % 1024n === 0n && e < BINARY_NAMES.length - 1) {
      n /= 1024n;
      e++;
    }
    body = `${n}${BINARY_NAMES[e]}`;
  } else {
    let n = abs;
    let e = -9;
    const maxExp = format === "DecimalSI" ? 18 : Infinity;
    while (n % 1000n === 0n && e + 3 <= maxExp) {
      n /= 1000n;
      e += 3;
    }
    body = format === "DecimalSI" ? `${n}${DECIMAL_NAMES[e]}` : `${n}${e === 0 ? "" : `e${e}`}`;
  }
  return neg ? `-${body}` : body;
}

/** Canonical form of a quantity string, or undefined when it does not parse. */
export function canonicalQuantity(input: string | number): string | undefined {
  const q = parseQuantity(input);
  return q ? formatQuantity(q) : undefined;
}
