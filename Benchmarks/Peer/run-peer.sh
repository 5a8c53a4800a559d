#!/usr/bin/env bash
# Runs the CollabLLM reference loop (collabllm_peer.py) against CollabBench's scripted loopback
# server and prints the result as a Markdown table row.
#
#   Benchmarks/Peer/run-peer.sh [SERVE_BINARY]
#
# SERVE_BINARY defaults to <package root>/.build-bench/release/CollabBenchBenchmarks (built with
# `COLLABBENCH_BENCHMARKS=1 swift build -c release --product CollabBenchBenchmarks`).
# Environment: N (conversations, default 20), LATENCY_MS (server latency, default 100),
# PEER_VENV (default <package root>/.venv-peer, made by setup-peer-venv.sh if missing),
# PEER_ARGS (extra arguments for collabllm_peer.py, e.g. "--quiet-logs --metrics none").
# The package's own log lines (it logs every message by default) go to a file, not the terminal.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
server_bin=${1:-$root/.build-bench/release/CollabBenchBenchmarks}
n=${N:-20}
latency=${LATENCY_MS:-100}
venv=${PEER_VENV:-$root/.venv-peer}

if [[ ! -x "$server_bin" ]]; then
    echo "run-peer: no server binary at $server_bin (build CollabBenchBenchmarks, or pass its path)" >&2
    exit 1
fi
PEER_VENV="$venv" "$here/setup-peer-venv.sh" >&2

work=$(mktemp -d "${TMPDIR:-/tmp}/collabbench-peer.XXXXXX")
server_pid=
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$server_bin" serve --latency-ms "$latency" > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
base_url=
for _ in $(seq 1 300); do
    base_url=$(head -n 1 "$work/server.out" 2>/dev/null || true)
    [[ "$base_url" == http* ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "run-peer: the server exited: $(cat "$work/server.err")" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ "$base_url" != http* ]]; then
    echo "run-peer: the server printed no base URL within 30 s" >&2
    exit 1
fi
echo "server: $base_url at $latency ms per call (pid $server_pid)" >&2

# shellcheck disable=SC2086
"$venv/bin/python" "$here/collabllm_peer.py" --base-url "$base_url" --conversations "$n" \
    --latency-ms "$latency" --json ${PEER_ARGS:-} > "$work/result.json" 2> "$work/peer.log" || {
    echo "run-peer: the peer failed; last log lines:" >&2
    tail -n 20 "$work/peer.log" >&2
    exit 1
}

"$venv/bin/python" - "$work/result.json" "$latency" <<'EOF'
import json, sys

r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
latency = float(sys.argv[2])
ideal = r["calls"] / r["ideal_wall_s"] if r.get("ideal_wall_s") else float("nan")
startup = (r["startup_wall_s"] or 0) + r["import_wall_s"]
kinds = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in r["calls_by_kind"].items())
placeholders = ", ".join(r["placeholders"]) or "none"
print(f"{r['package']} (litellm {r['litellm']}, Python {r['python']}; placeholders: {placeholders}; "
      f"collabllm logging {'on' if r['collabllm_logging'] else 'off'})", file=sys.stderr)
print(f"problems: {r['problems']}", file=sys.stderr)
print(f"calls per conversation: {r['calls_per_conversation']:.1f} ({kinds}); "
      f"warm-up: {r['warmup']['conversations']} conversation, {r['warmup']['wall_s']:.2f} s, "
      f"{r['warmup']['cpu_s']:.2f} s CPU (not counted)", file=sys.stderr)
print(f"process_time per call: {r['process_time_ms_per_call']:.2f} ms; peak RSS {r['peak_rss_mb']:.0f} MB", file=sys.stderr)
print()
print("| harness | latency (ms) | conversations | calls | wall s | calls/s | ideal calls/s | ratio | own CPU per call (ms) | start-up + imports (s wall / s CPU) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
print(f"| CollabLLM {r['package'].split()[-1]} reference loop (Python, sequential) | {latency:.0f} | {r['conversations']} | "
      f"{r['calls']} | {r['wall_s']:.2f} | {r['calls_per_s']:.2f} | {ideal:.2f} | {r['calls_per_s'] / ideal:.3f} | "
      f"{r['cpu_ms_per_call']:.2f} | {startup:.2f} / {r['startup_cpu_s'] + r['import_cpu_s']:.2f} |")
EOF
