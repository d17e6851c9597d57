// $(VAR) references in a container's command, as Kubernetes expands them: $$ escapes a dollar, a reference to an
// unknown name stays as written, and a lone $ is kept.
import type { EnvVar } from "kubernetes-types/core/v1";

export function expandVars(text: string, lookup: (name: string) => string | undefined): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "$" || i + 1 >= text.length) { out += c; continue; }
    const next = text[i + 1];
    if (next === "$") { out += "$"; i++; continue; }
    if (next === "(") {
      const close = text.indexOf(")", i + 2);
      if (close >= 0) {
        const name = text.slice(i + 2, close);
        const value = lookup(name);
        out += value ?? text.slice(i, close + 1);
        i = close;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/**
 * Expands a probe's or hook's command against the container's env as written in the spec: valueFrom entries are not
 * resolved and read as "" (as upstream's static expansion). A later entry with the same name wins.
 */
export function expandStaticEnv(command: string[], env: EnvVar[] | undefined): string[] {
  const values = new Map<string, string>();
  for (const e of env ?? []) values.set(e.name, e.value ?? "");
  return command.map((part) => expandVars(part, (name) => values.get(name)));
}
