#!/usr/bin/env bash
# Writes tests/fixtures/numpy/: the pickles tests/python/numpy_pickles.py
# makes with each Python and numpy version below (numpy installed with pip
# into a scratch directory, one per pair), for tests/numpy_read.rs to read
# whatever numpy is installed when it runs.
#
#   tools/make_numpy_fixtures.sh            # needs the Pythons of pyenv
set -euo pipefail
cd "$(dirname "$0")/.."

PYENV="${PYENV_ROOT:-$HOME/.pyenv}/versions"
OUT=tests/fixtures/numpy
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

# python version : numpy version. numpy 1.16 is the first to pickle with
# protocol 5 (Python 3.8+); 1.26 the last numpy 1; 2.0 the first numpy 2.
PAIRS="
2.7.18:1.16.6
3.6.15:1.19.5
3.7.16:1.21.6
3.8.18:1.24.4
3.9.18:2.0.2
3.10.13:2.2.6
3.11.7:1.26.4
3.12.1:1.26.4
3.13.0:2.1.3
"

mkdir -p "$OUT"
rm -f "$OUT"/*.records
for pair in $PAIRS; do
    py="${pair%%:*}"
    np="${pair#*:}"
    target="$SCRATCH/$py-$np"
    "$PYENV/$py/bin/python" -m pip install --quiet --disable-pip-version-check \
        --target "$target" "numpy==$np"
    PYTHONPATH="$target" "$PYENV/$py/bin/python" tests/python/numpy_pickles.py \
        > "$OUT/python$py-numpy$np.records"
    echo "python $py, numpy $np: $(wc -c < "$OUT/python$py-numpy$np.records") bytes"
done
