#!/usr/bin/env bash
# Set up (first time) and start Onboard Desk. Extra arguments go to the app, e.g. --db PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/onboard-desk "$@"
