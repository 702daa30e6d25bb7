#!/usr/bin/env bash
# `npm run setup`: everything `npm start` needs on a fresh Debian/Ubuntu machine, with or without internet.
# mediasoup's npm install normally downloads a prebuilt media worker from GitHub; air-gapped servers cannot, so we
# build the worker from the npm tarball against Debian's libraries (cached; minutes the first time, instant after)
# and tell mediasoup's installer to use it.
set -euo pipefail
cd "$(dirname "$0")/.."
MEDIASOUP_WORKER_BIN="$(bash scripts/build-mediasoup-worker.sh | tail -n 1)"
export MEDIASOUP_WORKER_BIN
if [ -f package-lock.json ] && [ "${CI:-}" = "true" ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
