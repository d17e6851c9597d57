import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, readFileSync, readlinkSync, readdirSync, statSync, statfsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod, ServiceAccount } from "kubernetes-types/core/v1";
import { startTestApi } from "../../../test/support/api-server.ts";
import type { TestApi } from "../../../test/support/api-server.ts";
import { Client } from "../../client/rest-client.ts";
import { R } from "../../client/resources.ts";
import type { Transport } from "../../client/transport.ts";
import { VolumeError } from "./errors.ts";
import { isMountPoint } from "./mounts.ts";
import { VolumeManager } from "./manager.ts";

let api: TestApi;
let dir: string;
let tokenPosts = 0;
let client: Client;

before(async () => {
  api = await startTestApi();
  dir = await mkdtemp(join(tmpdir(), "berth-volumes-"));
  const inner = api.client.transport;
  // Counts TokenRequests, to see when tokens are reused and when renewed.
  const counting: Transport = {
    request: (r) => {
      if (r.method === "POST" && r.path.endsWith("/token")) tokenPosts++;
      return inner.request(r);
    },
    close: () => inner.close(),
  };
  client = new Client(counting, "berth-test");
  await api.client.resource(R.serviceaccounts).create({ metadata: { name: "default", namespace: "default" } } as ServiceAccount);
  await api.client.resource(R.configmaps).create({ metadata: { name: "kube-root-ca.crt", namespace: "default" }, data: { "ca.crt": "CA PEM" } });
  await api.client.resource(R.configmaps).create({ metadata: { name: "cfg", namespace: "default" }, data: { "app.conf": "v1", other: "o" }, binaryData: { "bin": Buffer.from([0, 1, 2]).toString("base64") } });
  await api.client.resource(R.secrets).create({ metadata: { name: "sec", namespace: "default" }, data: { user: Buffer.from("admin").toString("base64"), pass: Buffer.from("pw").toString("base64") } });
});

after(async () => {
  try {
    // Whatever a failed test left mounted goes first, so removing the directory cannot hit a live mount.
    const vm = new VolumeManager({ podsDir: join(dir, "pods"), client });
    for (const uid of existsSync(join(dir, "pods")) ? readdirSync(join(dir, "pods")) : []) await vm.tearDown(uid);
    await rm(dir, { recursive: true, force: true });
  } finally {
    await api.close();
  }
});

async function createPod(name: string, spec: Pod["spec"]): Promise<Pod> {
  return api.client.resource(R.pods).create({ metadata: { name, namespace: "default", labels: { app: "web", tier: "front" }, annotations: { note: 'say "hi"\n' } }, spec: spec! });
}

const mode = (p: string) => statSync(p).mode & 0o777;

test("configMap, secret, downwardAPI, projected token volumes are written with ..data, modes and items", async () => {
  const vm = new VolumeManager({ podsDir: join(dir, "pods"), client });
  const pod = await createPod("all", {
    containers: [{ name: "c", image: "busybox", resources: { limits: { cpu: "500m", memory: "64Mi" } } }],
    volumes: [
      { name: "cfg", configMap: { name: "cfg" } },
      { name: "sec", secret: { secretName: "sec", defaultMode: 0o400, items: [{ key: "user", path: "nested/u.txt", mode: 0o600 }, { key: "pass", path: "p" }] } },
      { name: "opt", configMap: { name: "absent", optional: true } },
      { name: "info", downwardAPI: { items: [
        { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
        { path: "annotations", fieldRef: { fieldPath: "metadata.annotations" } },
        { path: "name", fieldRef: { fieldPath: "metadata.name" } },
        { path: "cpu", resourceFieldRef: { containerName: "c", resource: "limits.cpu", divisor: "1m" } },
      ] } },
      { name: "scratch", emptyDir: {} },
    ],
  });
  await vm.setUp(pod);
  const vol = (n: string) => vm.volumeDir(pod.metadata!.uid!, n);

  const cfg = vol("cfg");
  assert.match(readlinkSync(join(cfg, "..data")), /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\w+$/);
  assert.equal(readlinkSync(join(cfg, "app.conf")), "..data/app.conf");
  assert.equal(readFileSync(join(cfg, "app.conf"), "utf8"), "v1");
  assert.deepEqual([...readFileSync(join(cfg, "bin"))], [0, 1, 2]);
  assert.equal(mode(join(cfg, "app.conf")), 0o644);
  assert.deepEqual(readdirSync(cfg).filter((n) => !n.startsWith("..")).sort(), ["app.conf", "bin", "other"]);

  const sec = vol("sec");
  assert.equal(readFileSync(join(sec, "nested/u.txt"), "utf8"), "admin");
  assert.equal(readlinkSync(join(sec, "nested")), "..data/nested");
  assert.equal(mode(join(sec, "nested/u.txt")), 0o600);
  assert.equal(mode(join(sec, "p")), 0o400);
  assert.ok(await isMountPoint(sec), "secret volumes live on tmpfs");
  assert.ok(!(await isMountPoint(cfg)));

  assert.deepEqual(readdirSync(vol("opt")).filter((n) => !n.startsWith("..")), []);
  assert.equal(readFileSync(join(vol("info"), "labels"), "utf8"), 'app="web"\ntier="front"');
  assert.equal(readFileSync(join(vol("info"), "annotations"), "utf8"), 'note="say \\"hi\\"\\n"');
  assert.equal(readFileSync(join(vol("info"), "name"), "utf8"), "all");
  assert.equal(readFileSync(join(vol("info"), "cpu"), "utf8"), "500");
  assert.ok(statSync(vol("scratch")).isDirectory());

  // The ServiceAccount admission plugin gave the pod a kube-api-access volume: token, CA, namespace.
  const access = pod.spec!.volumes!.find((v) => v.name.startsWith("kube-api-access-"))!;
  const sa = vol(access.name);
  assert.deepEqual(readFileSync(join(sa, "token"), "utf8").split(".").length, 3);
  assert.equal(readFileSync(join(sa, "ca.crt"), "utf8"), "CA PEM");
  assert.equal(readFileSync(join(sa, "namespace"), "utf8"), "default");
  assert.equal(mode(join(sa, "token")), 0o644);

  const mounts = vm.containerMounts(pod, { name: "c", volumeMounts: [
    { name: "cfg", mountPath: "/etc/app" },
    { name: "scratch", mountPath: "/data", subPath: "a/b" },
    { name: "scratch", mountPath: "/ro", readOnly: true, mountPropagation: "HostToContainer" },
  ] });
  assert.deepEqual(mounts, [
    { containerPath: "/etc/app", hostPath: cfg, readonly: true, selinuxRelabel: false, propagation: "PROPAGATION_PRIVATE" },
    { containerPath: "/data", hostPath: join(vol("scratch"), "a/b"), readonly: false, selinuxRelabel: false, propagation: "PROPAGATION_PRIVATE" },
    { containerPath: "/ro", hostPath: vol("scratch"), readonly: true, selinuxRelabel: false, propagation: "PROPAGATION_HOST_TO_CONTAINER" },
  ]);
  assert.ok(statSync(join(vol("scratch"), "a/b")).isDirectory());
  assert.throws(() => vm.containerMounts(pod, { name: "c", volumeMounts: [{ name: "scratch", mountPath: "/x", subPath: "../../etc" }] }), VolumeError);

  await vm.tearDown(pod.metadata!.uid!);
  assert.ok(!existsSync(join(dir, "pods", pod.metadata!.uid!)));
  await vm.tearDown(pod.metadata!.uid!);
});

test("refresh swaps ..data atomically when a source changes, and leaves it when nothing did", async () => {
  const vm = new VolumeManager({ podsDir: join(dir, "pods"), client, sourceTtlMs: 0 });
  const pod = await createPod("live", { containers: [{ name: "c", image: "busybox" }], volumes: [{ name: "cfg", configMap: { name: "cfg", items: [{ key: "app.conf", path: "app.conf" }, { key: "other", path: "gone-later" }] } }] });
  await vm.setUp(pod);
  const cfg = vm.volumeDir(pod.metadata!.uid!, "cfg");
  const first = readlinkSync(join(cfg, "..data"));
  await vm.refresh(pod);
  assert.equal(readlinkSync(join(cfg, "..data")), first, "unchanged sources leave the version in place");

  const cm = await api.client.resource(R.configmaps).get("default", "cfg");
  await api.client.resource(R.configmaps).update({ ...cm, data: { "app.conf": "v2", other: "o" } });
  const live = { ...pod, spec: { ...pod.spec!, volumes: [{ name: "cfg", configMap: { name: "cfg", items: [{ key: "app.conf", path: "app.conf" }] } }] } };
  await vm.refresh(live);
  const second = readlinkSync(join(cfg, "..data"));
  assert.notEqual(second, first);
  assert.equal(readFileSync(join(cfg, "app.conf"), "utf8"), "v2");
  assert.ok(!existsSync(join(cfg, first)), "the old version is removed");
  assert.ok(!existsSync(join(cfg, "gone-later")) && !lstatSync(cfg).isSymbolicLink());
  assert.deepEqual(readdirSync(cfg).sort(), ["..data", second, "app.conf"].sort());
  await api.client.resource(R.configmaps).update({ ...(await api.client.resource(R.configmaps).get("default", "cfg")), data: { "app.conf": "v1", other: "o" } });
  await vm.tearDown(pod.metadata!.uid!);
});

test("a missing non-optional source or key fails with the FailedMount text and makes nothing", async () => {
  const vm = new VolumeManager({ podsDir: join(dir, "pods"), client });
  const cases: [Pod["spec"], string][] = [
    [{ containers: [{ name: "c" }], volumes: [{ name: "v", configMap: { name: "x" } }] }, 'MountVolume.SetUp failed for volume "v" : configmap "x" not found'],
    [{ containers: [{ name: "c" }], volumes: [{ name: "v", secret: { secretName: "y" } }] }, 'MountVolume.SetUp failed for volume "v" : secret "y" not found'],
    [{ containers: [{ name: "c" }], volumes: [{ name: "v", configMap: { name: "cfg", items: [{ key: "k", path: "k" }] } }] }, 'MountVolume.SetUp failed for volume "v" : configmap references non-existent config key: k'],
    [{ containers: [{ name: "c" }], volumes: [{ name: "v", projected: { sources: [{ secret: { name: "z" } }] } }] }, 'MountVolume.SetUp failed for volume "v" : secret "z" not found'],
    [{ containers: [{ name: "c" }], volumes: [{ name: "v", hostPath: { path: join(dir, "nope"), type: "Directory" } }] }, `MountVolume.SetUp failed for volume "v" : hostPath type check failed: ${join(dir, "nope")} is not a directory`],
  ];
  for (const [spec, msg] of cases) {
    const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "missing-uid" }, spec };
    await assert.rejects(vm.setUp(pod), (err: unknown) => err instanceof VolumeError && err.message === msg && err.volume === "v", msg);
    assert.ok(!existsSync(vm.volumeDir("missing-uid", "v")));
  }
  // An optional key that is missing is skipped.
  const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "opt-uid" }, spec: { containers: [{ name: "c" }], volumes: [{ name: "v", configMap: { name: "cfg", optional: true, items: [{ key: "k", path: "k" }, { key: "other", path: "o" }] } }] } };
  await vm.setUp(pod);
  assert.deepEqual(readdirSync(vm.volumeDir("opt-uid", "v")).filter((n) => !n.startsWith("..")), ["o"]);
  await vm.tearDown("opt-uid");
  await vm.tearDown("missing-uid");
});

test("hostPath types are checked and the node's path itself is mounted", async () => {
  const vm = new VolumeManager({ podsDir: join(dir, "pods"), client });
  const made = join(dir, "host", "made");
  const file = join(dir, "host-file");
  const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "hp-uid" }, spec: { containers: [{ name: "c" }], volumes: [
    { name: "d", hostPath: { path: made, type: "DirectoryOrCreate" } },
    { name: "f", hostPath: { path: file, type: "FileOrCreate" } },
    { name: "any", hostPath: { path: "/proc", type: "" } },
  ] } };
  await vm.setUp(pod);
  assert.ok(statSync(made).isDirectory());
  assert.ok(statSync(file).isFile());
  assert.equal(mode(file), 0o644);
  const mounts = vm.containerMounts(pod, { name: "c", volumeMounts: [{ name: "d", mountPath: "/d", subPath: "sub" }, { name: "f", mountPath: "/f" }] });
  assert.deepEqual(mounts.map((m) => m.hostPath), [join(made, "sub"), file]);
  assert.ok(!existsSync(vm.volumeDir("hp-uid", "d")), "nothing is copied under the pod directory");
  const wrong: Pod = { ...pod, spec: { containers: [], volumes: [{ name: "w", hostPath: { path: file, type: "Socket" } }] } };
  await assert.rejects(vm.setUp(wrong), /hostPath type check failed: .* is not a socket file/);
  await vm.tearDown("hp-uid");
});

test("emptyDir medium Memory is a tmpfs of sizeLimit; tearDown unmounts it, also after a restart", async () => {
  const podsDir = join(dir, "pods");
  const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "tmpfs-uid" }, spec: { containers: [{ name: "c" }], volumes: [{ name: "mem", emptyDir: { medium: "Memory", sizeLimit: "8Mi" } }] } };
  const vm = new VolumeManager({ podsDir, client });
  await vm.setUp(pod);
  await vm.setUp(pod); // a retry does not stack mounts
  const mem = vm.volumeDir("tmpfs-uid", "mem");
  assert.ok(await isMountPoint(mem));
  const fs = statfsSync(mem);
  assert.equal(fs.blocks * fs.bsize, 8 * 1024 * 1024);
  assert.equal(mode(mem), 0o777);
  // A new manager (the agent restarted) finds the mount through mountinfo.
  await new VolumeManager({ podsDir, client }).tearDown("tmpfs-uid");
  assert.ok(!(await isMountPoint(mem)));
  assert.ok(!existsSync(join(podsDir, "tmpfs-uid")));
});

test("projected tokens are reused until 80% of their lifetime, then renewed", async () => {
  let now = Date.now();
  const vm = new VolumeManager({ podsDir: join(dir, "pods"), client, now: () => now });
  const pod = await createPod("tok", { automountServiceAccountToken: false, containers: [{ name: "c", image: "busybox" }], volumes: [{ name: "t", projected: { sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 1000, audience: "vault" } }] } }] });
  const before = tokenPosts;
  await vm.setUp(pod);
  assert.equal(tokenPosts, before + 1);
  const token = readFileSync(join(vm.volumeDir(pod.metadata!.uid!, "t"), "token"), "utf8");
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { aud: string[]; exp: number; iat: number };
  assert.deepEqual(claims.aud, ["vault"]);
  assert.equal(claims.exp - claims.iat, 1000);
  now += 790_000;
  await vm.refresh(pod);
  assert.equal(tokenPosts, before + 1, "79% of the lifetime: the same token");
  now += 20_000;
  await vm.refresh(pod);
  assert.equal(tokenPosts, before + 2, "81%: a new token");
  await vm.tearDown(pod.metadata!.uid!);
});
