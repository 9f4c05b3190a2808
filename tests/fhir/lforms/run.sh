#!/usr/bin/env bash
# The LHC-Forms end-to-end test (test/lforms.test.mjs): installs what it
# needs and is missing (node and npm, Debian's chromium, the lforms and
# playwright-core npm packages with `npm ci`), builds the CLI, and runs the
# test; its QuestionnaireResponse and screenshot go to the folder named by
# the first argument (default test-artifacts/).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
# shellcheck source=../../../scripts/lib.sh
. "$REPO/scripts/lib.sh"
export FHIR_ARTIFACTS=${1:-$HERE/test-artifacts}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  timed "apt nodejs npm" need_apt nodejs npm
fi
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] && [ "$CHROMIUM" = /usr/bin/chromium ]; then
  timed "apt chromium" need_apt chromium
fi
[ -x "$CHROMIUM" ] || need_or_skip "no Chromium at $CHROMIUM"
export CHROMIUM
cd "$HERE"
if [ ! -f node_modules/lforms/package.json ] || [ ! -f node_modules/playwright-core/package.json ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  timed "npm ci (lforms, playwright-core)" npm ci --no-audit --no-fund
fi
if [ -z "${NETSPEC_CLI:-}" ]; then
  (cd "$REPO" && hcargo build --locked -q -p netspec-cli)
  NETSPEC_CLI=${CARGO_TARGET_DIR:-$REPO/target}/debug/netspec
fi
export NETSPEC_CLI
node_tests test/lforms.test.mjs
