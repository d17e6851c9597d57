// Runs controllers against a test API server, as the controller manager would, for controller tests.
import { InformerFactory } from "../../src/client/informer-factory.ts";
import { ApiEventRecorder } from "../../src/client/events.ts";
import type { ControllerContext, ControllerDescriptor } from "../../src/controllers/context.ts";
import { startTestApi } from "./api-server.ts";
import type { TestApi } from "./api-server.ts";

export interface ControllerHarness {
  api: TestApi;
  ctx: ControllerContext;
  close(): Promise<void>;
}

/** Starts an API server and the given controllers on it; informers start once the controllers registered theirs. */
export async function runControllers(controllers: ControllerDescriptor[]): Promise<ControllerHarness> {
  const api = await startTestApi();
  const abort = new AbortController();
  const informers = new InformerFactory(api.client);
  const recorders = new Map<string, ApiEventRecorder>();
  const ctx: ControllerContext = {
    client: api.client,
    informers,
    recorder: (component) => {
      let r = recorders.get(component);
      if (!r) recorders.set(component, (r = new ApiEventRecorder(api.client, { component })));
      return r;
    },
    signal: abort.signal,
    rootCaPem: "-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n",
    now: () => new Date(),
  };
  const started = controllers.map((c) => c.start(ctx));
  informers.start(abort.signal);
  await informers.waitForSync();
  return {
    api,
    ctx,
    async close() {
      abort.abort();
      await Promise.allSettled(started);
      await api.close();
    },
  };
}

/** Polls until `check` returns a value other than undefined/false, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000, what = "condition"): Promise<T> {
  const end = Date.now() + ms;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
