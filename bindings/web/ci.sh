#!/usr/bin/env bash
# What CI runs for the web pages (bindings/web): the self-assessment form, the
# network view (and the network report's HTML page from the CLI) and
# the spec playground, tested end to end in headless Chromium.
#
# Run it after the WebAssembly package is built (bindings/wasm/ci.sh or
# build.sh); on a machine where it is not built yet, this builds it with
# bindings/wasm/build.sh. Then it installs what the tests need and is
# missing (Debian's chromium with apt-get, node and npm with apt-get,
# playwright-core, CodeMirror and esbuild with `npm ci`), builds the CLI (the
# bundled specs' compiled documents are made with `netspec compile`, and the
# export test compares the page's report with `netspec eval`), bundles the specs, and runs
# every test: unit and end-to-end.
#
# Environment: CHROMIUM (default /usr/bin/chromium), NETSPEC_CLI (default
# <repo>/target/debug/netspec, built here), CARGO_TARGET_DIR, CI. Under CI (CI
# set to anything but "", 0 or false; .ci/run sets CI=true) a missing
# Chromium, CLI or built package, or any node test reported as skipped, fails
# the run and says why; locally the tests that need it skip, saying why.
#
# The performance figures (keystroke and first-load times) are not tests:
# `node bench/bench.mjs` measures them (README.md, Performance).
# Screenshots and other artifacts: bindings/web/test-artifacts/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
T_ALL=$SECONDS
# shellcheck source=../../scripts/lib.sh
. "$REPO/scripts/lib.sh" # timed, need_apt, hcargo

printf '\n=== the WebAssembly package (bindings/wasm)\n'
WASM_PKG=$REPO/bindings/wasm/pkg
if [ -f "$WASM_PKG/web/netspec_wasm_bg.wasm" ] && [ -f "$WASM_PKG/web/netspec_wasm.js" ] && [ -f "$WASM_PKG/core.mjs" ] && [ -f "$WASM_PKG/form/netspec_form_wasm_bg.wasm" ]; then
  echo "built: $WASM_PKG/web"
else
  echo "not built yet: running bindings/wasm/build.sh"
  timed "bindings/wasm/build.sh" bash "$REPO/bindings/wasm/build.sh"
fi

printf '\n=== node, npm and Chromium\n'
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  timed "apt nodejs npm" need_apt nodejs npm
fi
node --version
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] && [ "$CHROMIUM" = /usr/bin/chromium ]; then
  timed "apt chromium" need_apt chromium
fi
[ -x "$CHROMIUM" ] || need_or_skip "no Chromium at $CHROMIUM"
"$CHROMIUM" --version 2>/dev/null || true
export CHROMIUM

printf '\n=== npm ci (playwright-core: drives the system Chromium, downloads no browser)\n'
cd "$HERE"
if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/esbuild/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  timed "npm ci" npm ci --no-audit --no-fund
fi


printf '\n=== the CLI (for the compiled documents of the bundled specs, and the export test)\n'
if [ -z "${NETSPEC_CLI:-}" ]; then
  (cd "$REPO" && timed "cargo build -p netspec-cli" hcargo build --locked -q -p netspec-cli)
  NETSPEC_CLI=${CARGO_TARGET_DIR:-$REPO/target}/debug/netspec
fi
[ -x "$NETSPEC_CLI" ] || need_or_skip "no CLI at $NETSPEC_CLI"
export NETSPEC_CLI
echo "CLI: $NETSPEC_CLI"

printf '\n=== spec bundle, and the spec editor (CodeMirror from npm, the words of grammar/netspec.pest)\n'
timed "bundle specs" node scripts/bundle-specs.mjs
timed "bundle editor" node scripts/bundle-editor.mjs

printf '\n=== node --test (unit, end-to-end in headless Chromium)\n'
rm -rf test-artifacts
timed "node --test" node_tests --test-concurrency=1 test/*.test.mjs
echo "artifacts (screenshots, exported submission, printed summary): $HERE/test-artifacts"
echo "[time] bindings/web/ci.sh total: $((SECONDS - T_ALL))s"
