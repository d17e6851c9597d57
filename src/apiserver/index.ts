// Assembles the API server over a Storage: watch cache, registry with admission, discovery, OpenAPI,
// authentication, bootstrap objects, then the HTTPS listener.
import type { AddressInfo } from "node:net";
import type { ServiceAccount } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { resourceTypes } from "../api/resources.ts";
import type { Storage } from "../storage/interface.ts";
import { Ipv4Cidr } from "../util/cidr.ts";
import { logger } from "../util/log.ts";
import { createAuthenticator } from "./authn/authenticator.ts";
import type { UserInfo } from "./authn/user.ts";
import { WatchCache } from "./watchcache/watch-cache.ts";
import { Registry } from "./registry/registry.ts";
import { Lister } from "./registry/lister.ts";
import { collectionPrefix, decodeStored } from "./registry/codec.ts";
import { namespaceLifecycle } from "./admission/namespace-lifecycle.ts";
import { serviceIpAllocation } from "./admission/service-ips.ts";
import { defaultTolerationSeconds } from "./admission/default-tolerations.ts";
import { serviceAccountAdmission } from "./admission/service-account.ts";
import { priorityAdmission } from "./admission/priority.ts";
import { Discovery } from "./handlers/discovery.ts";
import { OpenApi } from "./handlers/openapi.ts";
import { subresourceHandlers } from "./handlers/subresources.ts";
import { Metrics } from "./metrics.ts";
import { ApiServer } from "./server.ts";
import { bootstrapCluster } from "./bootstrap.ts";
import { NodeProxy } from "./handlers/node-proxy.ts";
import type { KubeletClientCredentials } from "./handlers/node-proxy.ts";
import { nodeJoinHandler } from "./handlers/node-join.ts";
import type { NodeJoinOptions } from "./handlers/node-join.ts";

export interface ApiServerConfig {
  storage: Storage;
  bindAddress: string;
  port: number;
  tls: { cert: string; key: string; ca: string };
  serviceAccountKeys: { privateKeyPem: string; publicKeyPem: string };
  staticTokens: Map<string, UserInfo>;
  serviceCidr: string;
  /** The address other components and pods reach the API server at. */
  advertiseAddress: string;
  /** The cluster DNS Service IP: the `kube-dns` Service is created with it. */
  clusterDnsIp?: string;
  /** Lets agents join with the token (berth server passes its CA, token and a credentials issuer). */
  nodeJoin?: NodeJoinOptions;
  signal: AbortSignal;
  /** The API server's client certificate for node agents (pods/log, exec, attach, portforward). */
  kubeletClient?: KubeletClientCredentials;
}

export interface RunningApiServer {
  address: AddressInfo;
  registry: Registry;
  /** In-process requests as the given user: what components inside `berth server` use instead of HTTPS. */
  inject: ApiServer["inject"];
  close(): Promise<void>;
}

export async function startApiServer(cfg: ApiServerConfig): Promise<RunningApiServer> {
  const log = logger("apiserver");
  const cache = new WatchCache(cfg.storage);
  await cache.start(cfg.signal);
  const cidr = new Ipv4Cidr(cfg.serviceCidr);
  const now = () => new Date();
  // Lookups for admission and authentication: the watch cache first (no I/O, no decoding), storage for
  // anything the cache has not seen yet (e.g. an object created a moment ago).
  const getObject = async (group: string, kind: string, ns: string | undefined, name: string) => {
    const key = registry.storeOf(group, kind).key(ns, name);
    const cached = cache.get(key);
    if (cached) return cached.obj;
    const kv = await cfg.storage.get(key);
    return kv ? decodeStored(kv.value, kv.modRevision) : undefined;
  };
  const admission = [
    namespaceLifecycle((name) => getObject("", "Namespace", undefined, name)),
    serviceAccountAdmission(async (ns, name) => (await getObject("", "ServiceAccount", ns, name)) as ServiceAccount | undefined),
    defaultTolerationSeconds(),
    priorityAdmission({
      get: async (name) => (await getObject("scheduling.k8s.io", "PriorityClass", undefined, name)) as unknown as PriorityClass | undefined,
      // Pods read the cache (as upstream's lister does); PriorityClass writes read storage, so a default
      // created a moment ago is seen.
      list: async (consistent) => {
        const prefix = collectionPrefix(registry.storeOf("scheduling.k8s.io", "PriorityClass").rt, undefined);
        if (!consistent) return cache.list(prefix).map((c) => c.obj as unknown as PriorityClass);
        const page = await cfg.storage.list({ prefix });
        return page.kvs.map((kv) => decodeStored(kv.value, kv.modRevision) as unknown as PriorityClass);
      },
    }),
    serviceIpAllocation(cidr, async () => {
      const page = await cfg.storage.list({ prefix: "/registry/core/services/" });
      return page.kvs.map((kv) => JSON.parse(kv.value));
    }),
  ];
  const cached = (key: string) => {
    const c = cache.get(key);
    return c && { value: c.json, modRevision: c.rv };
  };
  const registry: Registry = new Registry(resourceTypes, { storage: cfg.storage, admission, now, cached });
  const handlers = subresourceHandlers({ serviceAccountKeys: cfg.serviceAccountKeys, getObject, now });
  const authenticator = createAuthenticator({
    saPublicKeyPem: cfg.serviceAccountKeys.publicKeyPem,
    staticTokens: cfg.staticTokens,
    lookupServiceAccount: async (ns, name) => {
      const sa = await getObject("", "ServiceAccount", ns, name);
      return sa && !sa.metadata?.deletionTimestamp ? { uid: sa.metadata!.uid! } : undefined;
    },
    lookupBoundObject: async (kind, ns, name, uid) => {
      const obj = await getObject("", kind, kind === "Node" ? undefined : ns, name);
      return !!obj && obj.metadata?.uid === uid && !obj.metadata?.deletionTimestamp;
    },
  });
  const server = new ApiServer({
    bindAddress: cfg.bindAddress,
    port: cfg.port,
    tls: cfg.tls,
    authenticator,
    resources: { registry, lister: new Lister(cfg.storage, cache), cache, storeRevision: () => cfg.storage.revisionNow?.(), subresourceHandlers: handlers, signal: cfg.signal },
    discovery: new Discovery(resourceTypes, new Set(handlers.keys())),
    openapi: new OpenApi(resourceTypes),
    metrics: new Metrics(),
    // "etcd" is upstream's name for the datastore check, whichever backend it is.
    readyChecks: { etcd: () => cache.healthy && cfg.storage.healthy, "informer-sync": () => true },
    nodeJoin: cfg.nodeJoin && nodeJoinHandler(cfg.nodeJoin),
    nodeProxy: new NodeProxy({ getObject, ...(cfg.kubeletClient ? { kubeletClient: cfg.kubeletClient } : {}) }),
  });
  await bootstrapCluster(registry, { apiServiceIp: cidr.at(1), advertiseAddress: cfg.advertiseAddress, port: cfg.port, ...(cfg.clusterDnsIp ? { clusterDnsIp: cfg.clusterDnsIp } : {}) });
  const address = await server.listen();
  log.info({ address: `${address.address}:${address.port}` }, "API server listening");
  return {
    address,
    registry,
    inject: (r, user) => server.inject(r, user),
    close: () => server.close(),
  };
}
