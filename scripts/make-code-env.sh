#!/usr/bin/env bash
# Creates <package root>/.venv-code: the Python environment that BigCodeBench programs run in.
#
# The library set follows BigCodeBench's evaluation requirements (the versions its canonical
# solutions were checked against), on CPython 3.10 when one is available, since several of those
# pins (numpy 1.21, scipy 1.7) ship no wheels for newer Pythons. Together the libraries below cover
# the imports of 1,136 of the 1,140 tasks; TensorFlow/Keras (4 tasks, a ~600 MB download) are left
# out unless --with-tensorflow is given.
#
# Some tasks still cannot pass here whatever is installed: they fetch from the network (the sandbox
# disables it) or need NLTK/TextBlob corpora, which only download from outside the package registries.
#
# Idempotent: when the venv already holds exactly this library set (a stamp file records a hash of
# it), the script exits at once. Use --force to rebuild.
#
# Usage: scripts/make-code-env.sh [--with-tensorflow] [--force] [--python PATH] [--dest DIR]
# Environment: COLLABBENCH_CODE_ENV_PYTHON (base interpreter), PIP_INDEX_URL etc. as usual for pip.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.venv-code"
with_tf=0
force=0
base_python="${COLLABBENCH_CODE_ENV_PYTHON:-}"

while [ $# -gt 0 ]; do
    case "$1" in
        --with-tensorflow) with_tf=1 ;;
        --force) force=1 ;;
        --python) base_python="$2"; shift ;;
        --dest) dest="$2"; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "make-code-env: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done

# Pick the base interpreter: an explicit one, else a CPython 3.10 (pyenv's or the PATH's), else
# python3 (3.11+: the pins that lack wheels there are relaxed below).
if [ -z "$base_python" ]; then
    for candidate in \
        "$(command -v python3.10 2>/dev/null || true)" \
        "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c 'import sys, venv' >/dev/null 2>&1; then
            base_python="$candidate"
            break
        fi
    done
fi
base_python="${base_python:-python3}"
pyver="$("$base_python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

# Libraries, as in BigCodeBench's requirements-eval.txt; changed entries say why.
common_requirements='
beautifulsoup4==4.8.2
blake3==0.4.1
chardet==5.2.0
cryptography==38.0.0
Django==4.2.7
docxtpl==0.11.5
Faker==20.1.0
flask==3.0.3
Flask-Login==0.6.3
Flask-Mail==0.9.1
Flask-RESTful==0.3.10
Flask-WTF==1.2.1
folium==0.16.0
gensim==4.3.2
geopandas==0.13.2
geopy==2.4.1
holidays==0.29
Levenshtein==0.25.0
librosa==0.10.1
lxml==4.9.3
mechanize==0.4.9
natsort==7.1.1
nltk==3.8
opencv-python-headless==4.9.0.80
openpyxl==3.1.2
Pillow==10.3.0
prettytable==3.10.0
psutil==5.9.5
pycryptodome==3.14.1
pyfakefs==5.4.1
pyquery==1.4.3
pytesseract==0.3.10
python-dateutil==2.9.0
python-docx==1.1.0
python_http_client==3.3.7
pytz==2023.3.post1
PyYAML==6.0.1
requests==2.31.0
requests_mock==1.11.0
rsa==4.9
scikit-learn==1.3.1
seaborn==0.13.2
sendgrid==6.11.0
shapely==2.0.4
soundfile==0.12.1
statsmodels==0.14.0
sympy==1.12
textblob==0.18.0
texttable==1.7.0
Werkzeug==3.0.1
wikipedia==1.4.0
wordcloud==1.9.3
wordninja==2.0.0
WTForms==3.1.2
xlrd==2.0.1
xlwt==1.3.0
xmltodict==0.13.0
'
if [ "$pyver" = "3.10" ]; then
    # scikit-image 0.18.0 has no cp310 wheel: 0.19.3 is the nearest that has one.
    version_requirements='
numpy==1.21.2
scipy==1.7.2
pandas==2.0.3
matplotlib==3.7.0
numba==0.55.0
networkx==2.6.3
scikit-image==0.19.3
'
    tf_requirements='
tensorflow==2.11.1
keras==2.11.0
'
else
    # Newer CPython: the oldest releases of the numeric stack that ship wheels for it.
    version_requirements='
numpy>=1.23.2,<1.27
scipy>=1.9.3,<1.12
pandas==2.0.3
matplotlib>=3.7.0,<3.8
numba>=0.57,<0.59
networkx>=2.8,<3.2
scikit-image>=0.20,<0.22
'
    tf_requirements='
tensorflow>=2.12,<2.16
'
fi
requirements="$common_requirements$version_requirements"
if [ "$with_tf" = 1 ]; then requirements="$requirements$tf_requirements"; fi

stamp_value="$( (echo "$base_python $pyver"; echo "$requirements") | sha256sum | cut -d' ' -f1)"
stamp_file="$dest/.collabbench-code-env"
if [ "$force" = 0 ] && [ -x "$dest/bin/python" ] && [ -f "$stamp_file" ] \
    && [ "$(cat "$stamp_file")" = "$stamp_value" ]; then
    echo "make-code-env: $dest is up to date (python $pyver)"
    exit 0
fi

echo "make-code-env: building $dest with $base_python (python $pyver)"
if [ "$force" = 1 ] || [ ! -x "$dest/bin/python" ] \
    || [ "$("$dest/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" != "$pyver" ]; then
    rm -rf "$dest"
    "$base_python" -m venv "$dest"
fi

req_file="$(mktemp)"
trap 'rm -f "$req_file"' EXIT
printf '%s\n' "$requirements" | sed '/^$/d' > "$req_file"

export PIP_DISABLE_PIP_VERSION_CHECK=1
# Wheels where they exist; the few pure-Python sdists (Flask-Mail, wikipedia, wordninja) build fast.
"$dest/bin/python" -m pip install --quiet --prefer-binary --use-pep517 -r "$req_file"

# Leave the fonts cache built once, so the first matplotlib import inside a sandbox is fast.
MPLBACKEND=Agg "$dest/bin/python" -c 'import matplotlib.pyplot' >/dev/null 2>&1 || true

echo "$stamp_value" > "$stamp_file"
echo "make-code-env: ready: $dest/bin/python ($("$dest/bin/python" -c 'import numpy, pandas; print("numpy", numpy.__version__, "pandas", pandas.__version__)'))"
