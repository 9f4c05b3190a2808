#!/usr/bin/env bash
# Instructions per operation of count's scenarios (benches/src/bin/count.rs),
# under valgrind's callgrind: stable on a shared machine where wall times
# are not. Usage: bash benches/callgrind.sh [SCENARIO[=RUNS]...]
# (default: every scenario of both workloads, the peers and the compiles).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p netspec-bench --bin count
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
default=(
  outcomes=200 a_report=200 text_outcomes=200 text_report=200 non_compliant_explained=50
  a_datalogic=200 a_datalogic_text=200 a_zen=50 a_zen_text=50 a_typed=2000 a_typed_text=200
  b_outcomes=200 b_report=200 b_text_outcomes=200 b_text_report=200
  b_datalogic=200 b_datalogic_text=200 b_zen=50 b_zen_text=50
  b_typed=2000 b_typed_text=200 b_value=2000 b_value_text=200
  a_read=200 b_read=200
  b_compile=20 b_compile_datalogic=20 b_compile_zen=20 compile_largest=5 compile_largest_eval_only=5
)
[ $# -gt 0 ] && default=("$@")
printf '%-28s %14s\n' scenario 'instructions/op'
for item in "${default[@]}"; do
  name=${item%%=*}
  runs=${item#*=}
  [ "$runs" = "$item" ] && runs=200
  valgrind --tool=callgrind --callgrind-out-file="$out/$name" --collect-atstart=no \
    --toggle-collect='*count::measure*' "${CARGO_TARGET_DIR:-target}/release/count" "$name" "$runs" >/dev/null 2>&1
  total=$(awk '/^summary:/{print $2}' "$out/$name")
  printf '%-28s %14s\n' "$name" "$(( total / runs ))"
done
