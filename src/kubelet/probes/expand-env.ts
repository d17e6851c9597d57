// $(VAR) references in a probe's or hook's command, expanded from the container's env as the spec writes it.
import type { EnvVar } from "kubernetes-types/core/v1";
import { expandVars } from "../env/expand.ts";

/**
 * Expands a probe's or hook's command against the container's env as written in the spec: valueFrom entries are not
 * resolved and read as "" (as upstream's static expansion). A later entry with the same name wins.
 */
export function expandStaticEnv(command: string[], env: EnvVar[] | undefined): string[] {
  const values = new Map<string, string>();
  for (const e of env ?? []) values.set(e.name, e.value ?? "");
  return command.map((part) => expandVars(part, (name) => values.get(name)));
}
