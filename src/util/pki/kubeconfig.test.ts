import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { writeKubeconfig } from "./kubeconfig.ts";

test("writeKubeconfig embeds credentials, names everything and is private", async () => {
  const dir = await mkdtemp(join(tmpdir(), "berth-kc-"));
  try {
    const path = join(dir, "sub", "admin.kubeconfig");
    await writeKubeconfig(path, { server: "https://127.0.0.1:6443", caPem: "CA", certPem: "CERT", keyPem: "KEY", name: "lab" });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const kc = parse(await readFile(path, "utf8"));
    assert.equal(kc["current-context"], "lab");
    assert.deepEqual(kc.contexts, [{ name: "lab", context: { cluster: "lab", user: "lab" } }]);
    assert.equal(kc.clusters[0].name, "lab");
    assert.equal(kc.clusters[0].cluster.server, "https://127.0.0.1:6443");
    assert.equal(Buffer.from(kc.clusters[0].cluster["certificate-authority-data"], "base64").toString(), "CA");
    assert.equal(Buffer.from(kc.users[0].user["client-certificate-data"], "base64").toString(), "CERT");
    assert.equal(Buffer.from(kc.users[0].user["client-key-data"], "base64").toString(), "KEY");

    await writeKubeconfig(path, { server: "https://h:6443", caPem: "CA", certPem: "C2", keyPem: "K2" });
    const again = parse(await readFile(path, "utf8"));
    assert.equal(again["current-context"], "berth");
    assert.equal(again.users[0].name, "berth");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
