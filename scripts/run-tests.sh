#!/usr/bin/env bash
# Runs the whole test suite against the local model (what `make test` and CI run).
#
# Every suite has its own `.timeLimit`, so a test that hangs fails and names itself. One outer
# limit stays as a last resort (COLLABBENCH_TEST_TIMEOUT seconds, default 2400, above the longest suite time limit; a full run takes
# about 3 minutes): a run that hits it FAILS (exit 124), is never retried, and this script prints
# which tests had started but not finished. It then stops only what it started: the process
# group it ran the tests in and every process descended from it (found by parent pid, never by
# a name pattern).
set -uo pipefail
limit=${COLLABBENCH_TEST_TIMEOUT:-2400}
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp "${TMPDIR:-/tmp}/collabbench-test-run.XXXXXX")

# The test run leads a process group of its own (setsid), so it can be stopped as a whole.
setsid "$here/with-local-model.sh" swift test --disable-xctest "$@" > >(tee "$log") 2>&1 &
run=$!

# Every live process descended from $1 (children before grandchildren).
descendants() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

stop_run() {
  local pids
  pids="$run $(descendants "$run")"
  kill -TERM -- "-$run" 2>/dev/null
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null
  for _ in $(seq 1 20); do
    kill -0 "$run" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL -- "-$run" 2>/dev/null
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null
}
trap 'stop_run; exit 130' INT
trap 'stop_run; exit 143' TERM

# Tests (and suites) with a "started" line in the log and no "passed"/"failed"/"skipped" line.
unfinished() {
  sed -n -E \
    -e '/Test run started\.$/d' \
    -e 's/^.*(Test|Suite) (.+) started\.$/+ \1 \2/p' \
    -e 's/^.*(Test|Suite) (.+) (passed|failed) after .*$/- \1 \2/p' \
    -e 's/^.*(Test|Suite) (.+) skipped.*$/- \1 \2/p' "$log" |
    awk '{ sign = $1; $1 = ""; name = substr($0, 2); if (sign == "+") open[name]++; else if (open[name] > 0) open[name]-- }
         END { for (name in open) for (i = 0; i < open[name]; i++) print "  " name }' | sort
}

started=$SECONDS
while kill -0 "$run" 2>/dev/null; do
  if ((SECONDS - started >= limit)); then
    echo "run-tests: the test run did not finish within $limit s: it hung. Started but not finished:" >&2
    unfinished >&2
    stop_run
    wait "$run" 2>/dev/null
    echo "run-tests: stopped the test run (process group $run and its descendants); full log: $log" >&2
    exit 124
  fi
  sleep 1
done
wait "$run"
status=$?
rm -f "$log"
exit $status
