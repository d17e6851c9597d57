// A framework for unit tests: a profile's plugins over a bare cache, with no API behind it.
import { Framework } from "../framework.ts";
import type { HandleBase } from "../framework.ts";
import { resolveConfiguration } from "../config.ts";
import type { SchedulerConfiguration } from "../config.ts";
import { inTreePlugins } from "../registry.ts";
import type { PluginFactory } from "../plugin.ts";
import { SchedulerCache } from "../cache.ts";
import { Nominator } from "../nominator.ts";

export interface TestFramework {
  fwk: Framework;
  cache: SchedulerCache;
  nominator: Nominator;
}

export function testFramework(config: SchedulerConfiguration = {}, extra: [string, PluginFactory][] = [], handle: Partial<HandleBase> = {}): TestFramework {
  const cache = new SchedulerCache();
  const nominator = new Nominator();
  const base: HandleBase = {
    client: undefined as never,
    recorder: { event() {} },
    cache,
    nominator,
    namespaceLabels: () => undefined,
    namespacesMatching: () => [],
    podDisruptionBudgets: () => [],
    defaultSpreadSelector: () => undefined,
    preemptionPolicyOf: (pod) => pod.spec?.preemptionPolicy ?? "PreemptLowerPriority",
    random: () => 0.5,
    ...handle,
  };
  const fwk = new Framework(resolveConfiguration(config).profiles[0]!, new Map([...inTreePlugins, ...extra]), base);
  return { fwk, cache, nominator };
}
