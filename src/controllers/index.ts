// Every controller `berth server` runs, in one list, with the options the server's flags set.
import type { ControllerDescriptor } from "./context.ts";
import { replicaset } from "./replicaset/index.ts";
import { deployment } from "./deployment/index.ts";
import { garbageCollectorController } from "./garbagecollector/index.ts";
import { namespaceController } from "./namespace/index.ts";
import { serviceAccountController } from "./serviceaccount/index.ts";
import { rootCaPublisherController } from "./rootca/index.ts";
import { eventTtlController } from "./eventttl/index.ts";
import { endpointsController } from "./endpoints/index.ts";
import { endpointSliceController } from "./endpointslice/index.ts";
import { nodeLifecycleController } from "./nodelifecycle/index.ts";
import { podGcController } from "./podgc/index.ts";
import { nodeIpamController } from "./nodeipam/index.ts";
import { serviceLbController } from "./servicelb/index.ts";

export interface ControllerManagerOptions {
  /** --node-monitor-grace-period: silence after which a node is unreachable (ms). */
  nodeMonitorGracePeriodMs: number;
  /** --cluster-cidr: the range nodes' pod subnets come from. */
  clusterCidr: string;
}

export function controllerDescriptors(opts: ControllerManagerOptions): ControllerDescriptor[] {
  return [
    replicaset,
    deployment,
    garbageCollectorController,
    namespaceController,
    serviceAccountController,
    rootCaPublisherController,
    eventTtlController,
    endpointsController,
    endpointSliceController,
    nodeLifecycleController({ gracePeriodMs: opts.nodeMonitorGracePeriodMs }),
    podGcController({ quarantineMs: opts.nodeMonitorGracePeriodMs }),
    nodeIpamController({ clusterCidr: opts.clusterCidr }),
    serviceLbController,
  ];
}
