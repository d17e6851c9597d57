import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryFigures, parseBootTime, parseCgroupMounts, parseCounter, parseMemoryStat } from "./cgroup-files.ts";

test("parseCgroupMounts finds cpuacct and memory, alone or co-mounted, and skips cgroup2", () => {
  const separate = [
    "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0",
    "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0",
    "cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0",
    "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0",
    "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0",
  ].join("\n");
  assert.deepEqual(parseCgroupMounts(separate), { cpuacct: "/sys/fs/cgroup/cpuacct", memory: "/sys/fs/cgroup/memory" });
  const comounted = "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n";
  assert.deepEqual(parseCgroupMounts(comounted), { cpuacct: "/sys/fs/cgroup/cpu,cpuacct", memory: "/sys/fs/cgroup/memory" });
  assert.deepEqual(parseCgroupMounts("cgroup /my\\040cgroups/mem cgroup rw,memory 0 0\n"), { memory: "/my cgroups/mem" });
  assert.deepEqual(parseCgroupMounts("cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n"), {});
});

test("memoryFigures: working set is usage less inactive file cache, with hierarchical counters", () => {
  const stat = parseMemoryStat([
    "cache 9330688", "rss 4341760", "inactive_file 1000",
    "total_cache 658685952", "total_rss 64200704", "total_pgfault 239753960", "total_pgmajfault 11995",
    "total_inactive_file 87232512", "total_active_file 433508352", "",
  ].join("\n"));
  assert.equal(stat.get("rss"), 4341760);
  assert.deepEqual(memoryFigures(723140608, stat), {
    usageBytes: 723140608,
    workingSetBytes: 723140608 - 87232512,
    rssBytes: 64200704,
    pageFaults: 239753960,
    majorPageFaults: 11995,
  });
  // Inactive cache larger than usage (racing reads) never gives a negative working set.
  assert.equal(memoryFigures(10, new Map([["total_inactive_file", 20]])).workingSetBytes, 0);
});

test("parseCounter and parseBootTime", () => {
  assert.equal(parseCounter("18022474737412\n"), 18022474737412);
  assert.equal(parseCounter("9223372036854771712\n"), 9223372036854771712);
  assert.throws(() => parseCounter("max\n"), /expected a number/);
  assert.equal(parseBootTime("cpu  1 2 3 4\nintr 5\nctxt 6\nbtime 1795342544\nprocesses 7\n"), 1795342544);
  assert.throws(() => parseBootTime("cpu 1\n"), /btime/);
});
