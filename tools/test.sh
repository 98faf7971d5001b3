#!/bin/sh
# `npm test`: the type-check and jest side by side. jest starts with suites that mostly wait (real servers, child
# processes, timers), so tsc's few CPU-seconds fit into that idle time instead of coming first. Arguments go to
# jest (`npm test -- __tests__/stacks`). Fails when either fails; tsc's errors print when it ends.
bin="$(dirname "$0")/../node_modules/.bin"
"$bin/tsc" --noEmit &
tsc_pid=$!
"$bin/jest" "$@"
jest_status=$?
wait "$tsc_pid"
tsc_status=$?
if [ "$tsc_status" -ne 0 ]; then
  echo "npm test: the type-check (tsc --noEmit) failed with exit code $tsc_status" >&2
  exit 1
fi
exit "$jest_status"
