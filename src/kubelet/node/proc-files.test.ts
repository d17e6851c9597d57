import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLoadavgTasks, parseMeminfo, parseOsReleasePrettyName } from "./proc-files.ts";

test("parseMeminfo reads MemTotal and MemAvailable in KiB", () => {
  const sample = [
    "MemTotal:       24570392 kB",
    "MemFree:        20001234 kB",
    "MemAvailable:   22877016 kB",
    "Buffers:          123456 kB",
    "HugePages_Total:       0",
    "",
  ].join("\n");
  assert.deepEqual(parseMeminfo(sample), { totalKi: 24570392, availableKi: 22877016 });
  assert.throws(() => parseMeminfo("MemTotal: 1 kB\n"), /MemAvailable/);
});

test("parseOsReleasePrettyName unquotes PRETTY_NAME", () => {
  assert.equal(parseOsReleasePrettyName('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'), "Debian GNU/Linux 12 (bookworm)");
  assert.equal(parseOsReleasePrettyName("PRETTY_NAME='Alpine Linux v3.20'\n"), "Alpine Linux v3.20");
  assert.equal(parseOsReleasePrettyName("PRETTY_NAME=Plain\n"), "Plain");
  assert.equal(parseOsReleasePrettyName('PRETTY_NAME="Say \\"hi\\""\n'), 'Say "hi"');
  assert.equal(parseOsReleasePrettyName("ID=x\n"), undefined);
});

test("parseLoadavgTasks reads the total of running/total", () => {
  assert.equal(parseLoadavgTasks("7.60 3.53 2.49 7/156 18686\n"), 156);
  assert.throws(() => parseLoadavgTasks("garbage"), /loadavg/);
});
