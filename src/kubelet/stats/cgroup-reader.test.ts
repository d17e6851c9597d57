import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CgroupReader } from "./cgroup-reader.ts";

test("CgroupReader reads a cgroup's CPU time and memory, no limit when unlimited, undefined when absent", async () => {
  const root = await mkdtemp(join(tmpdir(), "berth-cgroups-"));
  try {
    const pod = "/kubepods/burstable/podabc";
    await mkdir(join(root, "cpuacct", pod), { recursive: true });
    await mkdir(join(root, "memory", pod), { recursive: true });
    await writeFile(join(root, "cpuacct", pod, "cpuacct.usage"), "123456789\n");
    await writeFile(join(root, "memory", pod, "memory.usage_in_bytes"), "5000\n");
    await writeFile(join(root, "memory", pod, "memory.stat"), "total_rss 3000\ntotal_inactive_file 1000\n");
    await writeFile(join(root, "memory", pod, "memory.limit_in_bytes"), "8192\n");
    await writeFile(join(root, "memory", "memory.usage_in_bytes"), "9000\n");
    await writeFile(join(root, "memory", "memory.stat"), "total_inactive_file 0\n");
    await writeFile(join(root, "memory", "memory.limit_in_bytes"), "9223372036854771712\n");
    const mounts = join(root, "mounts");
    await writeFile(mounts, `cgroup ${root}/cpuacct cgroup rw,cpuacct 0 0\ncgroup ${root}/memory cgroup rw,memory 0 0\n`);
    const reader = await CgroupReader.locate(mounts);

    assert.equal(await reader.cpuUsageNs(pod), 123456789);
    assert.deepEqual(await reader.memory(pod), { usageBytes: 5000, workingSetBytes: 4000, rssBytes: 3000, pageFaults: 0, majorPageFaults: 0, limitBytes: 8192 });
    assert.equal((await reader.memory("/"))?.limitBytes, undefined);
    assert.equal(await reader.cpuUsageNs("/kubepods/podgone"), undefined);
    assert.equal(await reader.memory("/kubepods/podgone"), undefined);
    assert.equal(await new CgroupReader({}).memory("/"), undefined, "no memory hierarchy mounted");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
