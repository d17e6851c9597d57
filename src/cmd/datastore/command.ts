// `berth datastore <subcommand>`: offline operations on a datastore.
import { runMigrateCommand } from "./migrate.ts";

const USAGE = `Usage: berth datastore <subcommand> [flags]

Subcommands:
  migrate   Copy a cluster's state between datastores (SQLite <-> etcd)

Run 'berth datastore <subcommand> --help' for its flags.
`;

export async function runDatastoreCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "migrate":
      return runMigrateCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return sub === undefined ? 1 : 0;
    default:
      process.stderr.write(`berth datastore: unknown subcommand "${sub}"\n\n${USAGE}`);
      return 1;
  }
}
