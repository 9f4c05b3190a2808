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
./target/debug/netspec fmt --check specs/ tests/
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
