#!/usr/bin/env bash
# The demo `make demo` runs: a few tasks of each built-in pack with the embedded local model as
# agent, simulated user and judge, then the leaderboard. Expects COLLABBENCH_LOCAL_MODEL (set by
# scripts/with-local-model.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
model="${COLLABBENCH_LOCAL_MODEL:?run through scripts/with-local-model.sh}"
db="${DEMO_DB:-Results/demo.sqlite}"
bin=.build/debug/collabbench
rm -f "$db" "$db-wal" "$db-shm"
start=$(date +%s)
for pack in math code docs; do
  "$bin" run --pack "$pack" --agent "$model" --db "$db" --limit "${DEMO_LIMIT:-2}" --max-exchanges "${DEMO_EXCHANGES:-3}" \
    --agent-max-tokens 384 --user-max-tokens 256 --concurrency 1 --name "demo-$pack"
done
echo
"$bin" leaderboard --db "$db"
echo "Demo finished in $(( $(date +%s) - start )) s. The results are in $db (try: sqlite3 $db '.tables')."
echo "Note: SmolLM2-135M is a tiny model; these scores show that the pipeline works offline, not how good an agent is."
