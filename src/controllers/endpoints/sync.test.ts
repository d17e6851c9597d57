import { test } from "node:test";
import assert from "node:assert/strict";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import { Store, byNamespace } from "../../client/store.ts";
import type { ResourceClient } from "../../client/rest-client.ts";
import { syncEndpoints, OVER_CAPACITY } from "./sync.ts";
import { TriggerTimeTracker } from "./trigger-time.ts";

test("more than 1000 pods: the Endpoints hold 1000 addresses and say they were truncated", async () => {
  const services = new Store<Service>();
  const pods = new Store<Pod>();
  pods.addIndex("namespace", byNamespace);
  const endpoints = new Store<Endpoints>();
  services.put({ metadata: { name: "big", namespace: "ns" }, spec: { selector: { app: "big" }, clusterIP: "10.43.0.5", ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }] } });
  for (let i = 0; i < 1001; i++) {
    pods.put({
      metadata: { name: `p${i}`, namespace: "ns", uid: `u${i}`, labels: { app: "big" } },
      spec: { containers: [] },
      status: { phase: "Running", podIP: `10.2.${i >> 8}.${i & 255}`, conditions: [{ type: "Ready", status: "True" }] },
    });
  }
  const written: Endpoints[] = [];
  const client = { create: async (e: Endpoints) => { written.push(e); return e; } } as unknown as ResourceClient<Endpoints>;
  await syncEndpoints({ services, pods, endpoints, client, triggerTimes: new TriggerTimeTracker() }, "ns/big");
  assert.equal(written.length, 1);
  const ep = written[0]!;
  assert.equal(ep.subsets!.reduce((n, s) => n + s.addresses!.length, 0), 1000);
  assert.equal(ep.metadata?.annotations?.[OVER_CAPACITY], "truncated");
});
