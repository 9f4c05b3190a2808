#!/usr/bin/env bash
# What CI runs for the Python package (bindings/python): a virtual
# environment under target/ (NETSPEC_PY_VENV to put it elsewhere), the package
# built and installed into it with `pip install ./bindings/python` (pip fetches
# maturin from PyPI through the usual build isolation), the pinned test tools
# (requirements-test.txt), then pytest and `mypy --strict` on the tests and
# examples (and on the package's own Python).
#
# The extension is built in the dev profile here (MATURIN_PEP517_ARGS), which
# takes a fraction of a release build and reuses the workspace's target/;
# NETSPEC_PY_PROFILE=release builds what `pip install` builds by default.
#
# The parity tests compare with the native CLI (NETSPEC_CLI, default the
# debug build, built here when not set). Under CI (CI set to anything but "",
# 0 or false) a test that would skip fails instead.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
T_ALL=$SECONDS
# shellcheck source=../../scripts/lib.sh
. "$REPO/scripts/lib.sh" # timed, hcargo, in_ci

TARGET=${CARGO_TARGET_DIR:-$REPO/target}
VENV=${NETSPEC_PY_VENV:-$TARGET/python-venv}
PY=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

printf '\n=== virtual environment (%s)\n' "$VENV"
if [ ! -x "$VENV/bin/python" ]; then
  timed "venv" "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" --version

printf '\n=== pip install ./bindings/python\n'
case "${NETSPEC_PY_PROFILE:-dev}" in
  release) unset MATURIN_PEP517_ARGS ;;
  dev) export MATURIN_PEP517_ARGS="--profile dev" ;;
  *) echo "error: NETSPEC_PY_PROFILE must be dev or release" >&2; exit 2 ;;
esac
cd "$REPO"
# pip's hcargo-like environment: the host's cargo, not a cross toolchain's
timed "pip install the package" env -u RUSTC -u RUSTDOC -u RUSTC_BOOTSTRAP \
  "$VENV/bin/pip" install -q --force-reinstall --no-deps ./bindings/python
timed "pip install test tools" "$VENV/bin/pip" install -q -r "$HERE/requirements-test.txt"

printf '\n=== the native CLI, for the parity tests\n'
if [ -z "${NETSPEC_CLI:-}" ]; then
  timed "cargo build (CLI)" hcargo build --locked -q -p netspec-cli
  NETSPEC_CLI=$TARGET/debug/netspec
fi
[ -x "$NETSPEC_CLI" ] || need_or_skip "no CLI at $NETSPEC_CLI"
export NETSPEC_CLI

printf '\n=== pytest\n'
cd "$HERE"
rc=0
timed "pytest" "$VENV/bin/python" -m pytest -p no:cacheprovider -rs tests || rc=$?
if [ $rc -ne 0 ]; then
  exit $rc
fi

printf '\n=== mypy --strict (tests, examples, the benchmark, the package)\n'
export MYPY_CACHE_DIR=$TARGET/mypy-cache
timed "mypy tests examples bench" "$VENV/bin/mypy" --strict tests examples bench
(cd python && timed "mypy netspec" "$VENV/bin/mypy" --strict netspec)

echo "[time] ci.sh total: $((SECONDS - T_ALL))s"
