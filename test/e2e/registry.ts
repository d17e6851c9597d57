// A real OCI registry on loopback (Debian's docker-registry), for pulls the node agent makes through containerd.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { freePort } from "../support/free-port.ts";
import { until } from "./harness.ts";

const run = promisify(execFile);

export interface TestRegistry {
  /** host:port */
  address: string;
  /** Copies an OCI archive into the registry as `address/name`. */
  push(archive: string, name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "berth-registry-"));
  const address = `127.0.0.1:${await freePort()}`;
  await writeFile(join(dir, "config.yml"), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${address}\n`);
  const proc: ChildProcess = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: "ignore" });
  await until(async () => (await fetch(`http://${address}/v2/`).then((r) => r.ok, () => false)), 10_000, "the registry to answer");
  return {
    address,
    async push(archive, name) {
      const ref = `${address}/${name}`;
      await run("skopeo", ["copy", "--dest-tls-verify=false", `oci-archive:${archive}`, `docker://${ref}`]);
      return ref;
    },
    async stop() {
      proc.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
