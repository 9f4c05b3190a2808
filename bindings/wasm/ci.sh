#!/usr/bin/env bash
# What CI runs for the npm package (bindings/wasm): build.sh (toolchain, npm ci,
# wasm-bindgen-cli, the .wasm), then the crate's Rust tests, the TypeScript
# check and the node tests, with the native engine's results for the parity
# test. Works on a fresh Debian machine: build.sh installs what is missing, and
# this script installs Debian's chromium for the browser test (SKIP_BROWSER=1
# leaves it out; the test then skips).
#
# Under CI (CI set to anything but "", 0 or false; .ci/run sets CI=true) nothing
# may skip: no Chromium (CHROMIUM, default /usr/bin/chromium), SKIP_BROWSER=1,
# a CLI that is not there (NETSPEC_CLI, default the one built here) or any
# node test reported as skipped fails the run, saying why.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
T_ALL=$SECONDS
# shellcheck source=../../scripts/lib.sh
. "$REPO/scripts/lib.sh" # timed, need_apt, hcargo

timed "build.sh" bash "$HERE/build.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ "${SKIP_BROWSER:-0}" = 1 ]; then
  need_or_skip "SKIP_BROWSER=1: the browser test does not run"
elif [ ! -x "$CHROMIUM" ]; then
  if [ "$CHROMIUM" = /usr/bin/chromium ]; then
    timed "apt chromium" need_apt chromium
  fi
  [ -x "$CHROMIUM" ] || need_or_skip "no Chromium at $CHROMIUM"
fi
export CHROMIUM
NATIVE_TARGET=${CARGO_TARGET_DIR:-$REPO/target}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

printf '\n=== native engine: the parity helper and the CLI\n'
cd "$REPO"
timed "cargo build (native helper)" hcargo build --locked -q -p netspec-wasm --example native_reports
if [ -z "${NETSPEC_CLI:-}" ]; then
  timed "cargo build (CLI)" hcargo build --locked -q -p netspec-cli
  NETSPEC_CLI=$NATIVE_TARGET/debug/netspec
fi
if [ -x "$NETSPEC_CLI" ]; then
  export NETSPEC_CLI
else
  need_or_skip "no CLI at $NETSPEC_CLI"
  unset NETSPEC_CLI
fi
"$NATIVE_TARGET/debug/examples/native_reports" "$REPO/tests/conformance" >"$WORK/native.json"

printf '\n=== cargo test -p netspec-wasm\n'
timed "cargo test -p netspec-wasm" hcargo test --locked -q -p netspec-wasm

printf '\n=== tsc --noEmit\n'
cd "$HERE"
timed "tsc" node_modules/.bin/tsc --noEmit -p tsconfig.json

printf '\n=== node --test\n'
export NETSPEC_NATIVE_REPORTS="$WORK/native.json"
timed "node --test" node_tests test/*.test.js test/*.test.mjs

echo "[time] ci.sh total: $((SECONDS - T_ALL))s"
