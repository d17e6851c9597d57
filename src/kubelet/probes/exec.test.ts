import assert from "node:assert/strict";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import type { Container } from "kubernetes-types/core/v1";
import type { ExecSyncResult } from "../cri/types.ts";
import { runProbe } from "./run-probe.ts";
import { ProbeError } from "./target.ts";

/** A runtime whose ExecSync answers with `answer` and records each call. */
function fakeRuntime(answer: () => Promise<ExecSyncResult>) {
  const calls: { containerId: string; cmd: string[]; timeoutSeconds: number }[] = [];
  return {
    calls,
    execSync(containerId: string, cmd: string[], timeoutSeconds: number) {
      calls.push({ containerId, cmd, timeoutSeconds });
      return answer();
    },
  };
}
const exited = (exitCode: number, stdout = "", stderr = "") =>
  () => Promise.resolve({ exitCode, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) });

const container: Container = { name: "app", env: [{ name: "FILE", value: "/tmp/healthy" }, { name: "FROM", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }] };

test("exit 0 succeeds with the output; the command's $(VAR)s come from the container's env", async () => {
  const cri = fakeRuntime(exited(0, "ok\n"));
  const r = await runProbe({ exec: { command: ["cat", "$(FILE)", "$(FROM)", "$$(FILE)", "$(MISSING)"] } }, { containerId: "c9", cri, container });
  assert.deepEqual(r, { result: "success", message: "ok\n" });
  assert.deepEqual(cri.calls, [{ containerId: "c9", cmd: ["cat", "/tmp/healthy", "", "$(FILE)", "$(MISSING)"], timeoutSeconds: 1 }]);
});

test("a non-zero exit fails with stdout and stderr", async () => {
  const cri = fakeRuntime(exited(1, "out ", "no such file"));
  const r = await runProbe({ exec: { command: ["cat", "/nope"] }, timeoutSeconds: 3 }, { containerId: "c9", cri, container });
  assert.deepEqual(r, { result: "failure", message: "out no such file" });
  assert.equal(cri.calls[0].timeoutSeconds, 3);
});

test("the runtime's deadline is a failure; any other runtime error means no result", async () => {
  const timedOut = fakeRuntime(() => Promise.reject(Object.assign(new Error("deadline"), { code: grpc.status.DEADLINE_EXCEEDED })));
  const r = await runProbe({ exec: { command: ["sleep", "9"] } }, { containerId: "c9", cri: timedOut, container });
  assert.equal(r.result, "failure");
  assert.match(r.message, /timed out after 1s/);

  const gone = fakeRuntime(() => Promise.reject(Object.assign(new Error("container not found"), { code: grpc.status.NOT_FOUND })));
  await assert.rejects(runProbe({ exec: { command: ["true"] } }, { containerId: "c9", cri: gone, container }), ProbeError);
});

test("a probe without a handler cannot run", async () => {
  await assert.rejects(runProbe({ periodSeconds: 3 }, { containerId: "c9", cri: fakeRuntime(exited(0)), container }), ProbeError);
});
