#!/usr/bin/env bash
# Installs the interop tests' npm packages (exactly as package-lock.json pins them) into
# tests/interop/node_modules, only when node_modules is missing or the lock has changed since
# the last install. Quick (no npm call) when already installed.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.scribe-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -d node_modules ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "install.sh: npm not found (run scripts/install-deps.sh)" >&2; exit 1; }
echo "tests/interop: npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
