#!/usr/bin/env bash
# Runs every test of the repository: formatting, lints, the Rust test suites
# (unit, conformance corpus, property, snapshot and CLI end-to-end tests), the
# API docs and packaging of the published crates, the spec tests through the
# CLI, the WebAssembly package (including its packed tarball in node and a
# bundled browser page), the web pages and the Python package.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked

echo "== cargo test: the TypeScript declarations generated from the Rust types"
cargo test --locked -p netspec --features ts,ffi

echo "== the facade's public API: at most 60 items (default features; ARCHITECTURE.md)"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -q -p netspec
python3 scripts/api_count.py target/doc/netspec/all.html 60

# ---- compiled documents: netspec-core and the facade without their
# default `compile` feature (no parser, checker or codespan-reporting), as
# the form's WebAssembly module (bindings/wasm/form) is built, and that module
echo "== without the compile feature: netspec-core, netspec (ffi), netspec-form-wasm build lint-clean"
cargo clippy --locked -p netspec-core --no-default-features --all-targets -- -D warnings
cargo clippy --locked -p netspec --no-default-features --features ffi --all-targets -- -D warnings
cargo clippy --locked -p netspec-form-wasm --all-targets -- -D warnings

echo "== cargo doc (the published crates; warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -q -p netspec-core -p netspec -p netspec-network -p netspec-cli -p netspec-server -p netspec-lsp --all-features

echo "== cargo package (the published crates, each built from its packaged files)"
# cargo verifies each package against the others through a local registry
# whose sources it unpacks under $CARGO_HOME/registry/src and then reuses
# while the version stays the same: remove earlier unpacked copies of this
# workspace's crates, or a second run checks the first run's sources
VERSION=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)
for crate in netspec netspec-core netspec-network netspec-cli netspec-server netspec-lsp; do
  rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$crate-$VERSION"
done
cargo package --locked -q -p netspec-core -p netspec -p netspec-network -p netspec-cli -p netspec-server -p netspec-lsp

echo "== fuzz targets type-check (building and running them needs cargo-fuzz: fuzz/README.md)"
cargo check -q --manifest-path fuzz/Cargo.toml

echo "== netspec check + test on the bundled specs"
cargo build --locked -q -p netspec-cli
./target/debug/netspec check specs/*.netspec
# every spec file in the canonical layout, except the diagnostics cases:
# their expected locations pin the text as written (one, an unclosed `{`,
# cannot be laid out at all)
find specs tests -name '*.netspec' -not -path 'tests/conformance/diagnostics/*' -print0 \
  | sort -z | xargs -0 ./target/debug/netspec fmt --check
./target/debug/netspec test --min-coverage 100 specs/

echo "== netspec serve: OpenAPI document validated, curl equals the CLI, the Python example run"
bash crates/netspec-server/ci.sh

echo "== WebAssembly package (build, node tests, parity with the native engine)"
bash bindings/wasm/ci.sh

echo "== web pages: self-assessment form and playground (headless Chromium)"
bash bindings/web/ci.sh

# ---- Python package (bindings/python): its own venv under target/, the
# extension built by pip, pytest (corpus parity with the CLI, bad input,
# threads, README) and mypy --strict
echo "== Python package (pip install, pytest, mypy --strict)"
bash bindings/python/ci.sh

# ---- FHIR (tests/fhir): the Questionnaire of every spec and every example's
# QuestionnaireResponse validated by fhir.resources (R4B) in its own venv
# under target/, the round trip through the CLI, and LHC-Forms in headless
# Chromium answering an exported Questionnaire
echo "== FHIR: fhir.resources validation, round trip, LHC-Forms end to end"
bash tests/fhir/ci.sh
# ---- spec authoring (netspec diff, CI formats, the VS Code extension):
# `netspec diff` on committed versions of bundled specs and the SARIF output
# validated against the official SARIF 2.1.0 schema run in `cargo test`
# above (crates/netspec/tests/diff.rs, crates/netspec-cli/tests/ci_formats.rs);
# here the CI formats on every bundled spec, the TextMate grammar on every
# bundled spec and the .vsix package
echo "== netspec test --format junit, check --format sarif on the bundled specs (well-formed XML, SARIF 2.1.0)"
./target/debug/netspec test --format junit specs/ > target/netspec-tests.junit.xml
python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); n = int(r.get("tests")); assert r.tag == "testsuites" and n == len(r.findall("./testsuite/testcase")) > 0 and r.get("failures") == "0" and r.get("errors") == "0", r.attrib; print(f"JUnit XML: {n} test cases, 0 failures, 0 errors")' target/netspec-tests.junit.xml
./target/debug/netspec check --format sarif specs/*.netspec > target/netspec-check.sarif
python3 -c 'import json, sys; log = json.load(open(sys.argv[1])); assert log["version"] == "2.1.0", log.get("version"); print("SARIF:", len(log["runs"][0]["results"]), "results")' target/netspec-check.sarif

echo "== VS Code extension (TextMate grammar on every bundled spec, client, vsce package)"
bash editors/vscode/ci.sh
