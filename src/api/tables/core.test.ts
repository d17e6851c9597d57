import { test } from "node:test";
import assert from "node:assert/strict";
import { configMapTable, createdAtTable, podTemplateTable, resourceQuotaTable, secretTable } from "./core.ts";
import { endpointSliceTable } from "./discovery.ts";
import { eventTable, eventV1Table } from "./event.ts";
import { nodeTable } from "./node.ts";
import { endpointsTable, serviceTable } from "./service.ts";
import { persistentVolumeClaimTable, persistentVolumeTable } from "./volumes.ts";

const now = new Date("2024-05-01T12:00:00Z");
const meta = { name: "x", creationTimestamp: "2024-05-01T11:50:00Z" };

test("services: TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE and wide SELECTOR", () => {
  assert.deepEqual(serviceTable.columns.map((c) => c.name), ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"]);
  const nodePort = {
    metadata: meta,
    spec: {
      type: "NodePort", clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10"], selector: { tier: "web", app: "shop" },
      ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }, { port: 53, protocol: "UDP" }],
    },
  };
  assert.deepEqual(serviceTable.cells(nodePort, now), ["x", "NodePort", "10.96.0.10", "<none>", "80:30080/TCP,53/UDP", "10m", "app=shop,tier=web"]);
  const lb = { metadata: meta, spec: { type: "LoadBalancer", clusterIPs: ["10.96.0.11"], ports: [{ port: 443, nodePort: 31443, protocol: "TCP" }] } };
  assert.equal(serviceTable.cells(lb, now)[3], "<pending>");
  const lbReady = { ...lb, spec: { ...lb.spec, externalIPs: ["5.6.7.8"] }, status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }, { hostname: "lb.example" }] } } };
  assert.equal(serviceTable.cells(lbReady, now)[3], "1.2.3.4,lb.example,5.6.7.8");
  const headless = { metadata: meta, spec: { type: "ClusterIP", clusterIP: "None", externalIPs: ["9.9.9.9"] } };
  assert.deepEqual(serviceTable.cells(headless, now).slice(1, 5), ["ClusterIP", "None", "9.9.9.9", "<none>"]);
  const ext = { metadata: meta, spec: { type: "ExternalName", externalName: "db.example.com" } };
  assert.deepEqual(serviceTable.cells(ext, now).slice(2, 4), ["<none>", "db.example.com"]);
  assert.equal(serviceTable.cells({ metadata: meta, spec: { type: "ClusterIP" } }, now)[6], "<none>");
});

test("endpoints list three ip:port pairs then how many more; endpointslices likewise", () => {
  const ep = {
    metadata: meta,
    subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 80 }, { port: 443 }] }],
  };
  assert.deepEqual(endpointsTable.cells(ep, now), ["x", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", "10m"]);
  assert.equal(endpointsTable.cells({ metadata: meta }, now)[1], "<none>");
  assert.equal(endpointsTable.cells({ metadata: meta, subsets: [{ addresses: [{ ip: "fd00::1" }], ports: [{ port: 80 }] }] }, now)[1], "[fd00::1]:80");
  assert.equal(endpointsTable.cells({ metadata: meta, subsets: [{ addresses: [{ ip: "10.0.0.9" }] }] }, now)[1], "10.0.0.9");
  const slice = {
    metadata: meta, addressType: "IPv4", ports: [{ port: 80 }, { name: "dns" }, {}],
    endpoints: [{ addresses: ["10.0.0.1"] }, { addresses: ["10.0.0.2"] }, { addresses: ["10.0.0.3"] }, { addresses: ["10.0.0.4"] }],
  };
  assert.deepEqual(endpointSliceTable.cells(slice, now), ["x", "IPv4", "80,dns,*", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "10m"]);
  assert.deepEqual(endpointSliceTable.cells({ metadata: meta, addressType: "IPv4" }, now).slice(2, 4), ["<unset>", "<unset>"]);
});

test("nodes: STATUS with SchedulingDisabled, sorted ROLES, wide addresses and node info", () => {
  const node = {
    metadata: { ...meta, labels: { "node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/etcd": "", "kubernetes.io/role": "infra", "node-role.kubernetes.io/": "x" } },
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: "MemoryPressure", status: "False" }, { type: "Ready", status: "True" }],
      addresses: [{ type: "Hostname", address: "n1" }, { type: "InternalIP", address: "192.168.1.10" }],
      nodeInfo: { kubeletVersion: "v1.32.0", osImage: "Debian GNU/Linux 12", kernelVersion: "6.1.0", containerRuntimeVersion: "containerd://1.7.0" },
    },
  };
  assert.deepEqual(nodeTable.cells(node, now), [
    "x", "Ready,SchedulingDisabled", "control-plane,etcd,infra", "10m", "v1.32.0", "192.168.1.10", "<none>", "Debian GNU/Linux 12", "6.1.0", "containerd://1.7.0",
  ]);
  const bare = { metadata: meta, status: { conditions: [{ type: "Ready", status: "Unknown" }] } };
  assert.deepEqual(nodeTable.cells(bare, now).slice(1, 3), ["NotReady", "<none>"]);
  assert.equal(nodeTable.cells({ metadata: meta }, now)[1], "Unknown");
  assert.equal(nodeTable.cells({ metadata: meta }, now)[7], "<unknown>");
});

test("configmaps, secrets, limitranges, resourcequotas and podtemplates", () => {
  assert.deepEqual(configMapTable.cells({ metadata: meta, data: { a: "1", b: "2" }, binaryData: { c: "" } }, now), ["x", 3, "10m"]);
  assert.deepEqual(secretTable.cells({ metadata: meta, type: "Opaque", data: { a: "" } }, now), ["x", "Opaque", 1, "10m"]);
  assert.deepEqual(createdAtTable.cells({ metadata: { name: "x", creationTimestamp: "2024-05-01T11:50:00.123+02:00" } }, now), ["x", "2024-05-01T09:50:00Z"]);
  const quota = {
    metadata: meta,
    spec: { hard: { "requests.cpu": "1", pods: "10", "limits.memory": "2Gi", "limits.cpu": "2" } },
    status: { hard: { "requests.cpu": "1", pods: "10", "limits.memory": "2Gi", "limits.cpu": "2" }, used: { "requests.cpu": "500m", pods: "3", "limits.cpu": "1000m" } },
  };
  assert.deepEqual(resourceQuotaTable.cells(quota, now), ["x", "10m", "pods: 3/10, requests.cpu: 500m/1", "limits.cpu: 1/2, limits.memory: 0/2Gi"]);
  const pt = { metadata: meta, template: { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "c", image: "img" }] } } };
  assert.deepEqual(podTemplateTable.cells(pt, now), ["x", "c", "img", "app=a"]);
});

test("persistent volumes and claims", () => {
  const pv = {
    metadata: { ...meta, annotations: { "volume.beta.kubernetes.io/storage-class": "old" } },
    spec: {
      capacity: { storage: "1.5Gi" }, accessModes: ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"], persistentVolumeReclaimPolicy: "Retain",
      claimRef: { namespace: "ns", name: "data" }, storageClassName: "fast", volumeMode: "Filesystem",
    },
    status: { phase: "Bound" },
  };
  assert.deepEqual(persistentVolumeTable.cells(pv, now), ["x", "1536Mi", "RWO,RWX", "Retain", "Bound", "ns/data", "old", "<unset>", "", "10m", "Filesystem"]);
  const pending = { metadata: meta, spec: { storageClassName: "fast", resources: { requests: { storage: "1Gi" } } }, status: { phase: "Pending" } };
  assert.deepEqual(persistentVolumeClaimTable.cells(pending, now), ["x", "Pending", "", "", "", "fast", "<unset>", "10m", "<unset>"]);
  const bound = { ...pending, spec: { ...pending.spec, volumeName: "pv1" }, status: { phase: "Bound", capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"] } };
  assert.deepEqual(persistentVolumeClaimTable.cells(bound, now).slice(1, 5), ["Bound", "pv1", "1Gi", "RWO"]);
  assert.equal(persistentVolumeClaimTable.cells({ ...bound, metadata: { ...meta, deletionTimestamp: "2024-05-01T11:59:00Z" } }, now)[1], "Terminating");
});

test("events: LAST SEEN TYPE REASON OBJECT MESSAGE with wide SUBOBJECT SOURCE FIRST SEEN COUNT NAME", () => {
  assert.deepEqual(eventTable.columns.map((c) => c.name), ["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"]);
  const ev = {
    metadata: { name: "web.17a", namespace: "default" },
    involvedObject: { kind: "Pod", name: "web", fieldPath: "spec.containers{app}" },
    reason: "Pulled", message: " Pulled image \n", type: "Normal",
    source: { component: "kubelet", host: "n1" },
    firstTimestamp: "2024-05-01T11:00:00Z", lastTimestamp: "2024-05-01T11:58:00Z", count: 4,
  };
  assert.deepEqual(eventTable.cells(ev, now), ["2m", "Normal", "Pulled", "pod/web", "spec.containers{app}", "kubelet, n1", "Pulled image", "60m", 4, "web.17a"]);
  const v1 = {
    metadata: { name: "e2" }, eventTime: "2024-05-01T11:59:30.000000Z", regarding: { kind: "Node" },
    reason: "Starting", note: "started", type: "Normal", reportingController: "berth", reportingInstance: "n1",
  };
  assert.deepEqual(eventV1Table.cells(v1, now), ["30s", "Normal", "Starting", "node", "", "berth, n1", "started", "30s", 1, "e2"]);
  const series = { ...v1, series: { count: 7, lastObservedTime: "2024-05-01T11:59:55.000000Z" } };
  assert.deepEqual([eventV1Table.cells(series, now)[0], eventV1Table.cells(series, now)[8]], ["5s", 7]);
});
