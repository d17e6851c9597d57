#!/usr/bin/env bash
# The whole suite, from a fresh machine: installs what is missing, then typecheck, lint, unit and e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BERTH_SETUP_TESTS=1 bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
echo "== typecheck"; tsc --noEmit -p .
echo "== lint"; eslint .
echo "== tests"
node --test --test-concurrency=2 --test-timeout=300000 'src/**/*.test.ts' 'test/**/*.test.ts'
