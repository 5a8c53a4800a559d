#!/usr/bin/env bash
# Records a docs run of 8 exchanges on the embedded model through a recording proxy, then prints
# how much of its input was cacheable prefix and what it would cost with and without caching.
# Usage (from the project root): scripts/with-local-model.sh Benchmarks/PromptCache/run-docs.sh [limit]
set -euo pipefail
model="${COLLABBENCH_LOCAL_MODEL:?run through scripts/with-local-model.sh}"
here=$(cd "$(dirname "$0")" && pwd)
out="${TMPDIR:-/tmp}/collabbench-prompt-cache"
rm -rf "$out" && mkdir -p "$out"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 "$here/record-proxy.py" "${model#openai/smollm2@}" "$port" "$out/calls.jsonl" &
proxy=$!
trap 'kill $proxy' EXIT
sleep 1
.build/debug/collabbench run --pack docs --agent "openai/smollm2@http://127.0.0.1:$port/v1" --db "$out/docs8.sqlite" \
  --limit "${1:-3}" --max-exchanges 8 --agent-max-tokens 384 --user-max-tokens 256 --concurrency 1 --name docs8 --no-progress
python3 "$here/cacheable.py" "$out/calls.jsonl"
