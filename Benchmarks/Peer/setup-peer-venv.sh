#!/usr/bin/env bash
# Creates the Python environment for the CollabLLM peer benchmark, idempotently.
#
#   Benchmarks/Peer/setup-peer-venv.sh            -> <package root>/.venv-peer
#   PEER_VENV=/some/dir Benchmarks/Peer/setup-peer-venv.sh
#
# What it installs (from PyPI, pinned):
#   * collabllm 0.0.8 with --no-deps (its declared deps include torch, vllm, trl, wandb, ...,
#     gigabytes of CUDA wheels that its API-driven conversation loop never uses);
#   * the light deps that loop does use: litellm (its model client), tqdm, tiktoken, with every
#     transitive package pinned below;
#   * placeholder `torch` and `transformers` modules in <venv>/peer-placeholders (NOT on the
#     venv's path: collabllm_peer.py adds them only when the real ones are missing). collabllm
#     imports both at module level but uses them only for local Hugging Face / vLLM models; the
#     placeholders import cleanly and raise on any use, so a run that touched them would fail.
#
# Environment: PEER_VENV (target), PEER_PYTHON (interpreter; default python3.11, because
# collabllm 0.0.8 imports distutils, gone from Python 3.12's standard library; with a newer
# Python, setuptools is added to provide it), COLLABLLM_WHEEL (a local collabllm wheel to
# install instead of downloading it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${PEER_VENV:-$root/.venv-peer}
python=${PEER_PYTHON:-}
if [[ -z "$python" ]]; then
    if command -v python3.11 >/dev/null 2>&1; then python=python3.11; else python=python3; fi
fi

# Pins: direct, then transitive (pip freeze of a working install; litellm 1.102.4 is the newest
# release whose requirements this registry can satisfy).
read -r -d '' pins <<'EOF' || true
collabllm==0.0.8
litellm==1.102.4
tqdm==4.70.1
tiktoken==0.14.0
aiohappyeyeballs==2.7.1
aiohttp==3.14.5
aiosignal==1.4.0
annotated-types==0.8.0
anyio==4.16.0
attrs==26.1.0
boto3==1.44.5
botocore==1.44.5
certifi==2026.10.18
charset-normalizer==3.5.2
click==8.5.1
distro==1.9.0
fastuuid==0.14.0
filelock==4.2.11
frozenlist==1.8.0
fsspec==2026.9.0
h11==0.16.0
hf-xet==1.8.0
httpcore==1.0.9
httpcore2==2.16.2
httpx==0.28.1
httpx2==2.16.2
huggingface_hub==2.4.0
idna==3.20
importlib_metadata==8.9.0
Jinja2==3.1.6
jiter==0.19.0
jmespath==1.1.0
jsonschema==4.26.0
jsonschema-specifications==2025.9.1
MarkupSafe==3.0.4
multidict==7.2.1
openai==2.54.0
packaging==26.3
propcache==0.5.4
pydantic==2.14.3
pydantic-settings==2.16.3
pydantic_core==2.50.4
python-dateutil==2.9.0.post0
python-dotenv==1.2.4
PyYAML==6.0.3
referencing==0.37.0
regex==2026.11.15
requests==2.34.2
rpds-py==2026.9.1
s3transfer==0.19.3
six==1.17.0
sniffio==1.3.1
tokenizers==0.23.3
truststore==0.10.5
typing-inspection==0.4.5
typing_extensions==4.16.0
urllib3==2.8.0
yarl==1.25.1
zipp==4.1.2
EOF

stamp_value=$(printf '%s\n%s\n' "$pins" "$(cat "$0")" | sha256sum | cut -c1-16)
stamp="$venv/.peer-setup-$stamp_value"
if [[ -f "$stamp" ]]; then
    echo "peer venv ready: $venv"
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
py="$venv/bin/python"
minor=$("$py" -c 'import sys; print(sys.version_info[1])')

constraints="$venv/peer-constraints.txt"
printf '%s\n' "$pins" | grep -v '^collabllm==' > "$constraints"
extra=()
if (( minor >= 12 )); then extra+=(setuptools); fi

"$py" -m pip install --quiet --disable-pip-version-check -c "$constraints" \
    litellm tqdm tiktoken "${extra[@]}"
if [[ -n "${COLLABLLM_WHEEL:-}" ]]; then
    "$py" -m pip install --quiet --disable-pip-version-check --no-deps "$COLLABLLM_WHEEL"
else
    "$py" -m pip install --quiet --disable-pip-version-check --no-deps collabllm==0.0.8
fi

# Placeholders: importable, and any use raises.
for module in torch transformers; do
    mkdir -p "$venv/peer-placeholders/$module"
    cat > "$venv/peer-placeholders/$module/__init__.py" <<EOF
"""PLACEHOLDER '$module' for the CollabBench peer benchmark; not the real package.

collabllm 0.0.8 imports '$module' at module level but uses it only for local models, which the
peer benchmark never runs. Every attribute is a stand-in that raises when called.
"""
__collabbench_placeholder__ = True


class _Unavailable:
    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        return _Unavailable(self._name + "." + attr)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("placeholder module: " + self._name + " was used; the peer benchmark must not use it")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _Unavailable(__name__ + "." + name)
EOF
done

# Check: the package imports with the placeholders, offline.
PYTHONPATH="$venv/peer-placeholders" LITELLM_LOCAL_MODEL_COST_MAP=True ENABLE_COLLABLLM_LOGGING=0 \
    "$py" -c 'import collabllm.simulation, collabllm.reward, collabllm.metric, tiktoken' \
    || { echo "setup-peer-venv: collabllm does not import in $venv" >&2; exit 1; }

rm -f "$venv"/.peer-setup-*
touch "$stamp"
echo "peer venv ready: $venv (collabllm $("$py" -c 'from importlib.metadata import version as v; print(v("collabllm"))'), litellm $("$py" -c 'from importlib.metadata import version as v; print(v("litellm"))'))"
