import { test } from "node:test";
import assert from "node:assert/strict";
import type { Container, Pod } from "kubernetes-types/core/v1";
import type { EventRecorder } from "../../client/events.ts";
import type { CriRuntime, Image } from "../cri/types.ts";
import { ImageError, ImageManager, defaultPullPolicy, registryOf } from "./image-manager.ts";

const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "u" }, spec: { containers: [] } };

function fixture(opts: { present: boolean; pull: () => Promise<string> }) {
  const events: string[] = [];
  let pulls = 0;
  const cri = {
    imageStatus: async (): Promise<Image | undefined> => (opts.present ? { id: "sha256:1", repoTags: [], repoDigests: [], size: 1 } : undefined),
    pullImage: async () => {
      pulls++;
      return opts.pull();
    },
  } as unknown as CriRuntime;
  const recorder: EventRecorder = { event: (_o, _t, reason, message) => events.push(`${reason}: ${message}`) };
  let now = 0;
  const m = new ImageManager({ cri, events: recorder, now: () => now, pullBudgetMs: 50 });
  return { m, events, pulls: () => pulls, advance: (ms: number) => (now += ms) };
}

const c = (image: string, imagePullPolicy?: Container["imagePullPolicy"]): Container => ({ name: "c", image, ...(imagePullPolicy ? { imagePullPolicy } : {}) });

test("default pull policy: Always for :latest or no tag, else IfNotPresent; registries as the runtime resolves them", () => {
  assert.equal(defaultPullPolicy("busybox"), "Always");
  assert.equal(defaultPullPolicy("busybox:latest"), "Always");
  assert.equal(defaultPullPolicy("localhost:5000/app:1.2"), "IfNotPresent");
  assert.equal(defaultPullPolicy("busybox@sha256:abc"), "IfNotPresent");
  assert.equal(registryOf("busybox"), "docker.io");
  assert.equal(registryOf("library/busybox"), "docker.io");
  assert.equal(registryOf("registry.example:5000/app"), "registry.example:5000");
});

test("IfNotPresent with the image present does not pull", async () => {
  const f = fixture({ present: true, pull: () => Promise.reject(new Error("unexpected")) });
  await f.m.ensure(pod, c("app:1.0"));
  assert.equal(f.pulls(), 0);
  assert.match(f.events[0]!, /^Pulled: Container image "app:1.0" already present on machine$/);
});

test("Always with a local copy: a failed pull uses the copy, and the registry is not asked again for a while", async () => {
  const f = fixture({ present: true, pull: () => Promise.reject(new Error("no such host")) });
  await f.m.ensure(pod, c("busybox"));
  await f.m.ensure(pod, c("busybox"));
  assert.equal(f.pulls(), 1);
  f.advance(6 * 60_000);
  await f.m.ensure(pod, c("busybox"));
  assert.equal(f.pulls(), 2);
});

test("Always with a local copy: a registry that does not answer is given up on after the budget", async () => {
  const f = fixture({ present: true, pull: () => new Promise<string>(() => undefined) });
  const started = Date.now();
  await f.m.ensure(pod, c("busybox"));
  assert.ok(Date.now() - started < 1000);
  assert.match(f.events.at(-1)!, /local copy is used: the registry did not answer/);
});

test("an image that cannot be had: ErrImagePull, then ImagePullBackOff until the back-off passes; Never refuses", async () => {
  const f = fixture({ present: false, pull: () => Promise.reject(new Error("not found")) });
  await assert.rejects(f.m.ensure(pod, c("missing:1")), (e: ImageError) => e.reason === "ErrImagePull" && /failed to pull image "missing:1": not found/.test(e.message));
  await assert.rejects(f.m.ensure(pod, c("missing:1")), (e: ImageError) => e.reason === "ImagePullBackOff");
  f.advance(10_001);
  await assert.rejects(f.m.ensure(pod, c("missing:1")), (e: ImageError) => e.reason === "ErrImagePull");
  assert.equal(f.pulls(), 2);
  await assert.rejects(f.m.ensure(pod, c("missing:1", "Never")), (e: ImageError) => e.reason === "ErrImageNeverPull");
});
