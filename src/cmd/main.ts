// berth: the command line. Subcommands parse their flags into typed config and start components. Each is loaded
// only when run: every module loaded stays in memory for the life of the process.

const USAGE = `Usage: berth <command> [flags]

Commands:
  server    Run a cluster in one process: API server, datastore, controllers, scheduler and a node agent
  agent     Join a cluster as a node: run its pods on containerd
  datastore Datastore operations: 'datastore migrate' copies a cluster between SQLite and etcd
  image     Build or import local images for the node agent's containerd (no registry needed)
  sim       Simulate nodes (kubelets) against a cluster, for tests and scale experiments
  help      Show this help

Run 'berth <command> --help' for a command's flags.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "server":
      return (await import("./server/command.ts")).runServerCommand(rest);
    case "agent":
      return (await import("./agent/command.ts")).runAgentCommand(rest);
    case "sim":
      return (await import("./sim/command.ts")).runSimCommand(rest);
    case "datastore":
      return (await import("./datastore/command.ts")).runDatastoreCommand(rest);
    case "image":
      return (await import("./image/command.ts")).runImageCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`berth: unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}

export {}; // an ES module, for the top-level await below

process.exitCode = await main(process.argv.slice(2));
// Every command has finished its work and closed what it opened by now; a connection some peer still holds open
// (a streaming session through the node agent, say) must not keep the process alive after a clean shutdown.
setTimeout(() => process.exit(), 2000).unref();
