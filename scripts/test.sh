#!/usr/bin/env bash
# `npm test`: lint, typecheck and build side by side (independent of each other, and each mostly on one core), then
# the test suite, which needs the build. A failing step's output is printed whole; the others stay quiet.
set -uo pipefail
cd "$(dirname "$0")/.."
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
started=$SECONDS
npm run --silent lint >"$logs/lint" 2>&1 &
lint=$!
npm run --silent typecheck >"$logs/typecheck" 2>&1 &
typecheck=$!
npm run --silent build >"$logs/build" 2>&1 &
build=$!
failed=0
for step in lint typecheck build; do
  if ! wait "${!step}"; then
    failed=1
    echo "npm run $step failed:"
    cat "$logs/$step"
  fi
done
[ "$failed" -eq 0 ] || exit 1
echo "lint, typecheck and build passed in $((SECONDS - started)) s"
exec npx vitest run
