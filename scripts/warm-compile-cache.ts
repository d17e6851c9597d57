// Fills V8's compile cache (NODE_COMPILE_CACHE, which bin/berth points at node_modules/.cache/berth-compile) with
// Berth's modules ahead of the first start. A process that finds every module it loads in the cache neither strips
// TypeScript nor compiles from source, and what that takes (Node's type stripper is WebAssembly) stays for the
// process's life: an API server idles at ~97 MB when started from a full cache, ~109 MB when only its entry
// module was missing, ~117 MB from an empty one.
// Run by scripts/setup.sh after `bin/berth help` (which caches the entry module, src/cmd/main.ts). Importing a
// command's module loads everything it needs without running it.
import { flushCompileCache } from "node:module";

await Promise.all([
  import("../src/cmd/server/command.ts"),
  import("../src/cmd/server/control-plane.ts"),
  import("../src/cmd/server/local-agent.ts"),
  import("../src/scheduler/index.ts"),
  import("../src/storage/etcd/etcd-storage.ts"),
  import("../src/cmd/agent/command.ts"),
  import("../src/cmd/sim/command.ts"),
  // Loaded on first use.
  import("yaml"),
  import("jose"),
]);
flushCompileCache();
