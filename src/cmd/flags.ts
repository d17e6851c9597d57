// Flag parsing shared by the subcommands: strict, no positionals, and a UsageError (printed with the command's
// flags, exit 2) for anything parseArgs refuses.
import { parseArgs } from "node:util";
import type { ParseArgsOptionsConfig } from "node:util";

export class UsageError extends Error {}

export function parseFlags<const O extends ParseArgsOptionsConfig>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A port number flag (0..65535). */
export function portFlag(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--${flag}: invalid port ${text}`);
  return port;
}
