// Structured logs: one pino root logger, a child per component. BERTH_LOG_LEVEL sets the level (default info).
import { pino } from "pino";
import type { Logger } from "pino";

export type { Logger };

const root = pino({
  level: process.env.BERTH_LOG_LEVEL ?? "info",
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
});

export const logger = (component: string): Logger => root.child({ component });
