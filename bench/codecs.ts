// Per-request CPU of the API server's codecs, in isolation: decoding kubectl's protobuf Deployment body,
// server-side apply and managedFields tracking of a Deployment with the real generated schema.
//   node_modules/.bin/node bench/codecs.ts
import { readFileSync } from "node:fs";
import { decodeKubernetesProtobuf } from "../src/apiserver/protobuf/decode.ts";
import { serverSideApply, updateManagedFields } from "../src/apiserver/apply/index.ts";
import { definitionName, definitions } from "../src/api/openapi/definitions.ts";

function cpuMicros(runs: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(100, runs); i++) fn(); // let the JIT settle
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / runs;
}

const pb = readFileSync(new URL("../src/apiserver/protobuf/testdata/deployment.pb", import.meta.url));
console.log(`protobuf decode, kubectl's Deployment body (${pb.length} B)   ${cpuMicros(2000, () => decodeKubernetesProtobuf(pb)).toFixed(1)} µs`);

const schema = { definitions: definitions(), root: definitionName("apps", "v1", "Deployment") };
const deployment = (replicas: number) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default", labels: { app: "web" } },
  spec: {
    replicas, selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: Array.from({ length: 6 }, (_, i) => ({
          name: `c${i}`, image: `registry.example.com/team/app-${i}:1.2.3`, args: ["--flag", "--other=value"],
          ports: [{ containerPort: 8080 + i, name: `http${i}`, protocol: "TCP" }],
          env: Array.from({ length: 12 }, (_, j) => ({ name: `VAR_${j}`, value: `value-${i}-${j}` })),
          resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "64Mi" } },
        })),
      },
    },
  },
});
const big = deployment(3);
console.log(`Deployment fixture ${JSON.stringify(big).length} B`);
const time = "2026-01-01T00:00:00Z";
const live = serverSideApply({ live: undefined, applied: big, manager: "kubectl", force: false, apiVersion: "apps/v1", time, schema }).object;
const next = deployment(4);
console.log(`server-side apply (changed replicas)          ${cpuMicros(500, () => serverSideApply({ live, applied: next, manager: "kubectl", force: false, apiVersion: "apps/v1", time, schema })).toFixed(1)} µs`);
console.log(`managedFields on update                       ${cpuMicros(500, () => updateManagedFields({ old: live, updated: { ...live, spec: next.spec }, manager: "kubectl-edit", apiVersion: "apps/v1", time, schema })).toFixed(1)} µs`);
