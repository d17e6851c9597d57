// Parsers for the kernel and distribution files a node's status is read from. Pure functions over the files' text,
// so they are tested on samples.

/** /proc/meminfo: MemTotal and MemAvailable in KiB (the file's "kB" are KiB). */
export function parseMeminfo(text: string): { totalKi: number; availableKi: number } {
  const field = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s*kB$`, "m").exec(text);
    if (!m) throw new Error(`/proc/meminfo has no ${name}`);
    return Number(m[1]);
  };
  return { totalKi: field("MemTotal"), availableKi: field("MemAvailable") };
}

/** /etc/os-release: PRETTY_NAME, unquoted (shell-style quoting as the file's spec allows); undefined if absent. */
export function parseOsReleasePrettyName(text: string): string | undefined {
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  if (!m) return undefined;
  const v = m[1]!.trim();
  const quoted = /^(["'])(.*)\1$/.exec(v);
  return quoted ? quoted[2]!.replace(/\\(["$`\\])/g, "$1") : v;
}

/** /proc/loadavg's fourth field, "running/total": the total is every process and thread, what pid_max bounds. */
export function parseLoadavgTasks(text: string): number {
  const m = /^\S+\s+\S+\s+\S+\s+\d+\/(\d+)\s/.exec(text);
  if (!m) throw new Error(`unexpected /proc/loadavg: ${JSON.stringify(text.slice(0, 80))}`);
  return Number(m[1]);
}
