// The scheduler as a component: `scheduler` runs with the default profile, `schedulerWith` with a configuration
// object or a KubeSchedulerConfiguration file. start() registers its informers before its first await (so a
// shared informer factory can start them together), then schedules until ctx.signal aborts.
import type { Client } from "../client/rest-client.ts";
import type { InformerFactory } from "../client/informer-factory.ts";
import type { EventRecorder } from "../client/events.ts";
import { Scheduler } from "./scheduler.ts";
import type { SchedulerOptions } from "./scheduler.ts";
import { loadConfiguration } from "./config.ts";
import type { SchedulerConfiguration } from "./config.ts";

export type { SchedulerConfiguration } from "./config.ts";
export { ConfigError, loadConfiguration } from "./config.ts";

/** The parts of a controller context the scheduler uses (structurally a ControllerContext). */
export interface SchedulerContext {
  client: Client;
  informers: InformerFactory;
  recorder(component: string): EventRecorder;
  signal: AbortSignal;
}

export interface SchedulerComponent {
  name: string;
  start(ctx: SchedulerContext): Promise<void>;
}

export interface SchedulerWithOptions extends SchedulerOptions {
  config?: SchedulerConfiguration;
  /** A KubeSchedulerConfiguration file (YAML or JSON); wins over `config`. */
  configFile?: string;
}

export function schedulerWith(opts: SchedulerWithOptions = {}): SchedulerComponent {
  return {
    name: "scheduler",
    async start(ctx) {
      const s = new Scheduler(ctx, opts);
      const config = opts.configFile ? await loadConfiguration(opts.configFile) : opts.config;
      await s.run(config);
    },
  };
}

export const scheduler: SchedulerComponent = schedulerWith();
