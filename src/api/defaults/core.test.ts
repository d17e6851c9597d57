import { test } from "node:test";
import assert from "node:assert/strict";
import {
  defaultEndpoints, defaultNamespace, defaultNode, defaultPersistentVolume, defaultPersistentVolumeClaim, defaultPod,
  defaultPodSpec, defaultService, imageTag,
} from "./core.ts";

test("pods get upstream's defaults", () => {
  const pod: any = {
    spec: {
      containers: [{
        name: "app", image: "nginx",
        ports: [{ containerPort: 80 }],
        env: [{ name: "N", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
        resources: { limits: { cpu: "0.5", memory: "1.5Gi" } },
        livenessProbe: { httpGet: { port: 80 } },
      }],
      volumes: [{ name: "cfg", configMap: { name: "c" } }, { name: "s", secret: { secretName: "s" } }, { name: "h", hostPath: { path: "/x" } }, { name: "scratch" }],
    },
  };
  defaultPod(pod);
  const c = pod.spec.containers[0];
  assert.equal(pod.spec.restartPolicy, "Always");
  assert.equal(pod.spec.dnsPolicy, "ClusterFirst");
  assert.equal(pod.spec.schedulerName, "default-scheduler");
  assert.equal(pod.spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(pod.spec.securityContext, {});
  assert.equal(pod.spec.enableServiceLinks, true);
  assert.equal(c.imagePullPolicy, "Always");
  assert.equal(c.terminationMessagePath, "/dev/termination-log");
  assert.equal(c.terminationMessagePolicy, "File");
  assert.equal(c.ports[0].protocol, "TCP");
  assert.equal(c.env[0].valueFrom.fieldRef.apiVersion, "v1");
  assert.deepEqual(c.resources, { limits: { cpu: "500m", memory: "1536Mi" }, requests: { cpu: "500m", memory: "1536Mi" } });
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(pod.spec.volumes[0].configMap.defaultMode, 420);
  assert.equal(pod.spec.volumes[1].secret.defaultMode, 420);
  assert.equal(pod.spec.volumes[2].hostPath.type, "");
  assert.deepEqual(pod.spec.volumes[3], { name: "scratch", emptyDir: {} });
  const again = structuredClone(pod);
  defaultPod(again);
  assert.deepEqual(again, pod, "defaulting is idempotent");
});

test("templates do not get pod-only defaults", () => {
  const spec: any = { containers: [{ name: "a", image: "busybox:1.36", resources: { limits: { cpu: "1" } } }] };
  defaultPodSpec(spec);
  assert.equal(spec.enableServiceLinks, undefined);
  assert.equal(spec.containers[0].resources.requests, undefined);
  assert.equal(spec.containers[0].imagePullPolicy, "IfNotPresent");
});

test("image pull policy follows the tag", () => {
  assert.equal(imageTag("nginx"), "latest");
  assert.equal(imageTag("nginx:latest"), "latest");
  assert.equal(imageTag("registry:5000/team/app"), "latest");
  assert.equal(imageTag("registry:5000/team/app:v2"), "v2");
  assert.equal(imageTag("app@sha256:abc"), "");
});

test("hostNetwork pods default hostPort to containerPort", () => {
  const pod: any = { spec: { hostNetwork: true, containers: [{ name: "a", image: "x:1", ports: [{ containerPort: 53 }] }] } };
  defaultPod(pod);
  assert.equal(pod.spec.containers[0].ports[0].hostPort, 53);
});

test("services", () => {
  const svc: any = { spec: { ports: [{ port: 80 }, { port: 443, targetPort: "https" }] } };
  defaultService(svc);
  assert.deepEqual(svc.spec, {
    ports: [{ port: 80, protocol: "TCP", targetPort: 80 }, { port: 443, targetPort: "https", protocol: "TCP" }],
    sessionAffinity: "None", type: "ClusterIP", internalTrafficPolicy: "Cluster",
  });
  const lb: any = { spec: { type: "LoadBalancer", sessionAffinity: "ClientIP", ports: [{ port: 80 }] } };
  defaultService(lb);
  assert.equal(lb.spec.externalTrafficPolicy, "Cluster");
  assert.equal(lb.spec.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(lb.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  const ext: any = { spec: { type: "ExternalName", externalName: "example.com" } };
  defaultService(ext);
  assert.equal(ext.spec.internalTrafficPolicy, undefined);
  assert.equal(ext.spec.externalTrafficPolicy, undefined);
});

test("namespaces, volumes, endpoints, nodes", () => {
  const ns: any = { metadata: { name: "team" } };
  defaultNamespace(ns);
  assert.deepEqual(ns, { metadata: { name: "team", labels: { "kubernetes.io/metadata.name": "team" } }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
  const finalized: any = { metadata: { name: "team" }, spec: { finalizers: [] } };
  defaultNamespace(finalized);
  assert.deepEqual(finalized.spec.finalizers, []);
  const pv: any = { spec: { capacity: { storage: "1Gi" } } };
  defaultPersistentVolume(pv);
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, "Retain");
  assert.equal(pv.spec.volumeMode, "Filesystem");
  assert.equal(pv.status.phase, "Pending");
  const pvc: any = { spec: {} };
  defaultPersistentVolumeClaim(pvc);
  assert.equal(pvc.spec.volumeMode, "Filesystem");
  assert.equal(pvc.status.phase, "Pending");
  const ep: any = { subsets: [{ ports: [{ port: 80 }] }] };
  defaultEndpoints(ep);
  assert.equal(ep.subsets[0].ports[0].protocol, "TCP");
  const node: any = { status: { capacity: { cpu: "4", memory: "8Gi" } } };
  defaultNode(node);
  assert.deepEqual(node.status.allocatable, { cpu: "4", memory: "8Gi" });
});
