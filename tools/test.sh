#!/bin/sh
# `npm test`: the type-check and jest side by side. jest starts with suites that mostly wait (real servers, child
# processes, timers), so tsc's few CPU-seconds fit into that idle time instead of coming first. Arguments go to
# jest (`npm test -- __tests__/stacks`). Fails when either fails; tsc's errors print when it ends.
root="$(dirname "$0")/.."
bin="$root/node_modules/.bin"
# Build mode skips the check when no source changed since the last passing one (tsconfig.json: incremental,
# .cache/); it does not look at node_modules, so a changed lockfile forces a full check.
force=""
if [ ! -f "$root/.cache/tsconfig.tsbuildinfo" ] || [ "$root/package-lock.json" -nt "$root/.cache/tsconfig.tsbuildinfo" ]; then
  force="--force"
fi
"$bin/tsc" --build $force "$root" &
tsc_pid=$!
"$bin/jest" "$@"
jest_status=$?
wait "$tsc_pid"
tsc_status=$?
if [ "$tsc_status" -ne 0 ]; then
  echo "npm test: the type-check (tsc --build) failed with exit code $tsc_status" >&2
  exit 1
fi
exit "$jest_status"
