// The controllers and the scheduler inside `berth server`: API clients over the in-process transport sharing one
// set of informers, each loop leader-elected on its Lease so that with several servers exactly one runs it.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { Client } from "../../client/rest-client.ts";
import { InProcessTransport } from "../../client/in-process-transport.ts";
import type { InjectFunction } from "../../client/in-process-transport.ts";
import { InformerFactory } from "../../client/informer-factory.ts";
import { ApiEventRecorder } from "../../client/events.ts";
import { LeaderElector } from "../../client/leader-election.ts";
import type { ControllerContext, ControllerDescriptor } from "../../controllers/context.ts";
import { controllerDescriptors } from "../../controllers/index.ts";
import { scheduler, schedulerWith } from "../../scheduler/index.ts";
import { logger } from "../../util/log.ts";

export interface ControlPlaneOptions<U> {
  inject: InjectFunction<U>;
  /** Identity for in-process requests, per loop group. */
  userFor(name: "kube-controller-manager" | "kube-scheduler"): U;
  rootCaPem: string;
  controllers: boolean;
  scheduler: boolean;
  /** A KubeSchedulerConfiguration file for the scheduler; undefined: the default profile. */
  schedulerConfigFile?: string;
  nodeMonitorGracePeriodMs: number;
  clusterCidr: string;
  signal: AbortSignal;
}

/** Starts the enabled loop groups; resolves when all have stopped after the signal aborts. */
export function runControlPlane<U>(opts: ControlPlaneOptions<U>): Promise<void> {
  const log = logger("control-plane");
  const identity = `${hostname()}_${randomBytes(8).toString("hex")}`;
  const groups: { name: "kube-controller-manager" | "kube-scheduler"; loops: ControllerDescriptor[] }[] = [];
  if (opts.controllers) groups.push({ name: "kube-controller-manager", loops: controllerDescriptors({ nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs, clusterCidr: opts.clusterCidr }) });
  if (opts.scheduler) groups.push({ name: "kube-scheduler", loops: [opts.schedulerConfigFile ? schedulerWith({ configFile: opts.schedulerConfigFile }) : scheduler] });
  return Promise.all(groups.map(async (group) => {
    const transport = new InProcessTransport(opts.inject, opts.userFor(group.name));
    const client = new Client(transport, `${group.name}/v1.32.0 berth`);
    const elector = new LeaderElector({
      client,
      namespace: "kube-system",
      name: group.name,
      identity,
      onStartedLeading: async (leading) => {
        log.info({ group: group.name, identity }, "became leader; starting loops");
        // Caches live only while leading, so a standby server holds no copies of the cluster's objects.
        const informers = new InformerFactory(client);
        // One recorder per component: its dedupe and spam-filter state must persist across calls.
        const recorders = new Map<string, ApiEventRecorder>();
        const ctx: ControllerContext = {
          client,
          informers,
          recorder: (component) => {
            let r = recorders.get(component);
            if (!r) recorders.set(component, (r = new ApiEventRecorder(client, { component, host: hostname() })));
            return r;
          },
          signal: leading,
          rootCaPem: opts.rootCaPem,
          now: () => new Date(),
        };
        const running = group.loops.map((loop) => loop.start(ctx).catch((err: Error) => log.error({ loop: loop.name, err: err.stack }, "loop failed")));
        informers.start(leading);
        await Promise.all(running);
      },
      onStoppedLeading: () => log.info({ group: group.name }, "stopped leading"),
    });
    await elector.run(opts.signal);
    transport.close();
  })).then(() => undefined);
}
