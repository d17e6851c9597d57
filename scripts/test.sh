#!/usr/bin/env bash
# The whole suite, from a fresh machine: installs what is missing, then typecheck, lint, unit and e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BERTH_SETUP_TESTS=1 bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
echo "== typecheck"; tsc --noEmit -p .
echo "== lint"; eslint .
echo "== tests"
# The SQLite storage tests time the WAL checkpointer, so they run first, alone; the rest share the 2 cores with
# real containers.
node --test --test-concurrency=1 --test-timeout=300000 'src/storage/sqlite/**/*.test.ts'
node --test --test-concurrency=2 --test-timeout=300000 'src/{api,apiserver,client,cmd,controllers,kubelet,scheduler,sim,util}/**/*.test.ts' 'src/storage/etcd/**/*.test.ts' 'test/**/*.test.ts'
