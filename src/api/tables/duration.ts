// Upstream's duration.HumanDuration (apimachinery util/duration): the AGE of `kubectl get`. Precision drops as
// durations grow: seconds below 2m, minutes and seconds below 10m, minutes below 3h, hours and minutes below
// 8h, hours below 2d, days and hours below 8d, days below 2y, years and days below 8y, then years.

/** `ms` is a duration in milliseconds; up to one second in the future still reads as "0s" (clock skew). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** Age of a timestamp relative to `now`, as upstream's translateTimestampSince ("<unknown>" when unset). */
export function since(timestamp: string | undefined | null, now: Date): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? "<unknown>" : humanDuration(now.getTime() - t);
}
