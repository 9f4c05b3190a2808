#!/usr/bin/env bash
# What CI runs for the VS Code extension (editors/vscode): installs node and
# npm when missing and the extension's npm packages (`npm ci`: the language
# client, @vscode/vsce, vscode-tmgrammar-test), then
# - the TextMate grammar: regenerated from grammar/netspec.pest and compared
#   with the committed one; every token of every bundled spec scoped (none
#   left with only the root scope, none invalid) through
#   vscode-tmgrammar-snap; the scopes asserted in test/scopes.netspec
#   (vscode-tmgrammar-test);
# - the client: it starts `netspec lsp` over stdio for .netspec files;
# - the package: `vsce package` writes netspec.vsix, whose contents are
#   checked (manifest, grammar, language configuration, client and the
#   language client library).
# Under CI any skipped node test fails the run (scripts/lib.sh node_tests).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
T_ALL=$SECONDS
# shellcheck source=../../scripts/lib.sh
. "$REPO/scripts/lib.sh" # timed, need_apt, node_tests

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  timed "apt nodejs npm" need_apt nodejs npm
fi
node --version

cd "$HERE"
if [ ! -f node_modules/@vscode/vsce/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  timed "npm ci (editors/vscode)" npm ci --no-audit --no-fund
fi

printf '\n=== the TextMate grammar and the client\n'
timed "grammar and client tests" node_tests test/

printf '\n=== vsce package\n'
rm -f netspec.vsix
timed "vsce package" npx --no-install vsce package --out netspec.vsix
python3 - netspec.vsix <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["extension/package.json", "extension/syntaxes/netspec.tmLanguage.json",
        "extension/language-configuration.json", "extension/src/extension.js",
        "extension/node_modules/vscode-languageclient/node.js", "extension/readme.md",
        "extension.vsixmanifest"]
missing = [n for n in need if n not in names]
extra = [n for n in names if n.startswith(("extension/test/", "extension/scripts/", "extension/node_modules/@vscode/vsce/"))]
if missing or extra:
    sys.exit(f"error: netspec.vsix lacks {missing} or holds {extra[:5]}")
print(f"netspec.vsix: {len(names)} files, the manifest, grammar, language configuration, client and language client among them")
PY
ls -l netspec.vsix
echo "[time] editors/vscode total: $((SECONDS - T_ALL))s"
