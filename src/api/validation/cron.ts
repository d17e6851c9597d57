// The cron schedule syntax of CronJob.spec.schedule, as upstream parses it (robfig/cron v3's ParseStandard):
// five fields (minute hour day-of-month month day-of-week) with lists, ranges, steps, month and weekday names,
// or a descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>).
// Errors carry the parser's own wording, which upstream puts in the field error.

export interface CronSchedule {
  /** Allowed values per field; empty for @every schedules. */
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  /** A "*" (or "?") day field: cron matches a day when both day fields match, unless one of them is a star. */
  domStar: boolean;
  dowStar: boolean;
  /** For "@every <duration>": the period in milliseconds. */
  everyMs?: number;
  /** The zone named by a "TZ=" or "CRON_TZ=" prefix. */
  timeZone?: string;
}

export class CronSyntaxError extends Error {}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const names = (list: string[], first: number): Record<string, number> => Object.fromEntries(list.map((n, i) => [n, i + first]));
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: names(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1) };
const DOW: Bounds = { min: 0, max: 6, names: names(["sun", "mon", "tue", "wed", "thu", "fri", "sat"], 0) };

const fail = (msg: string): never => {
  throw new CronSyntaxError(msg);
};

/** strconv.Atoi plus the parser's sign check. */
function mustParseInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) fail(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (!Number.isSafeInteger(n)) fail(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`);
  if (n < 0) fail(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

const parseIntOrName = (expr: string, b: Bounds): number => b.names?.[expr.toLowerCase()] ?? mustParseInt(expr);

/** One comma-separated part: "*", "n", "a-b", each optionally "/step". Returns whether it was a plain star. */
function parseRange(expr: string, b: Bounds, into: Set<number>): boolean {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0].split("-");
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    [start, end, star] = [b.min, b.max, true];
  } else {
    start = parseIntOrName(lowAndHigh[0], b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b);
    else return fail(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    // "n/step" means "n-max/step".
    if (lowAndHigh.length === 1) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    fail(`too many slashes: ${expr}`);
  }
  if (start < b.min) fail(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) fail(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) fail(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) fail(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
  return star;
}

function parseField(field: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of field.split(",")) star = parseRange(part, b, values) || star;
  return { values, star };
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration, in milliseconds, with Go's error wording. */
export function parseGoDuration(s: string): number {
  const quoted = JSON.stringify(s);
  let rest = s;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest[0] === "-" ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") fail(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== "") {
    const num = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    if (num[0] === "" || num[0] === ".") fail(`time: invalid duration ${quoted}`);
    rest = rest.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === "") fail(`time: missing unit in duration ${quoted}`);
    if (!(unit in GO_UNITS)) fail(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    total += Number(num[0].startsWith(".") ? `0${num[0]}` : num[0]) * GO_UNITS[unit];
  }
  return sign * total;
}

/** Whether Go's LoadLocation would accept the name: "", "Local", or an IANA zone spelled exactly (it is case-sensitive). */
export function isKnownTimeZone(tz: string): boolean {
  if (tz === "" || tz === "Local") return true;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
    return resolved === tz || resolved.toLowerCase() !== tz.toLowerCase();
  } catch {
    return false;
  }
}

const every = (ms: number, timeZone: string | undefined): CronSchedule => ({
  minutes: new Set(), hours: new Set(), daysOfMonth: new Set(), months: new Set(), daysOfWeek: new Set(),
  domStar: false, dowStar: false, everyMs: ms, ...(timeZone ? { timeZone } : {}),
});

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
};

/** Parses a schedule or throws CronSyntaxError with upstream's message. */
export function parseCronSchedule(spec: string): CronSchedule {
  if (spec.length === 0) fail("empty spec string");
  let timeZone: string | undefined;
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
    const space = spec.indexOf(" ");
    const zone = spec.slice(spec.indexOf("=") + 1, space < 0 ? spec.length : space);
    if (!isKnownTimeZone(zone)) fail(`provided bad location ${zone}: unknown time zone ${zone}`);
    timeZone = zone || undefined;
    spec = space < 0 ? "" : spec.slice(space).trim();
  }
  if (spec.startsWith("@")) {
    if (spec.startsWith("@every ")) {
      const d = spec.slice("@every ".length);
      let ms = 0;
      try {
        ms = parseGoDuration(d);
      } catch (e) {
        fail(`failed to parse duration ${spec}: ${(e as Error).message}`);
      }
      return every(ms, timeZone);
    }
    const expanded = DESCRIPTORS[spec];
    if (!expanded) fail(`unrecognized descriptor: ${spec}`);
    return { ...parseCronSchedule(expanded), ...(timeZone ? { timeZone } : {}) };
  }
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) fail(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  const [mi, h, dom, mo, dow] = [parseField(fields[0], MINUTES), parseField(fields[1], HOURS), parseField(fields[2], DOM), parseField(fields[3], MONTHS), parseField(fields[4], DOW)];
  return {
    minutes: mi.values, hours: h.values, daysOfMonth: dom.values, months: mo.values, daysOfWeek: dow.values,
    domStar: dom.star, dowStar: dow.star, ...(timeZone ? { timeZone } : {}),
  };
}
