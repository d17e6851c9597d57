#!/usr/bin/env bash
# `npm start [-- flags]`: installs what is missing, then runs `berth server` with its data in ~/.berth.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec bin/berth server "$@"
