#!/usr/bin/env bash
# Seeds the fuzz corpora from the bundled specs and the conformance corpus.
# Run from anywhere; writes fuzz/corpus/<target>/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=fuzz/corpus
mkdir -p "$root/parse" "$root/compile" "$root/fmt" "$root/eval"

# spec texts: the bundled specs, the shared governance file, every corpus spec
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  for t in parse compile fmt; do
    cp "$f" "$root/$t/spec_$n.netspec"
  done
done < <(find specs tests/conformance -name '*.netspec' -print0 | sort -z)

# submissions: byte 1 picks the spec (in the order of fuzz_targets/eval.rs),
# byte 2 the options (bit 0: --as-of 2025-06-30, bit 1: no explanations,
# bits 2-4: a small work budget)
specs=(adult_critical_care burns cardiac congenital_heart_disease hepatitis_c
  major_trauma neonatal_critical_care neurosurgery paediatric_critical_care
  renal spinal_surgery surgery_in_children)
m=0
for i in "${!specs[@]}"; do
  for f in specs/examples/"${specs[$i]}"/*.json; do
    for flags in 0 1 3 5 29; do
      m=$((m + 1))
      { printf "\\x$(printf %02x "$i")\\x$(printf %02x "$flags")"; cat "$f"; } > "$root/eval/example_$m.json"
    done
  done
done
# the submissions of the conformance cases (their inputs match no bundled
# spec: they still exercise the JSON reader and the unknown-field warnings)
if command -v python3 > /dev/null; then
  m=$((m + $(python3 - "$root/eval" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
n = 0
for f in sorted(pathlib.Path("tests/conformance").rglob("*.json")):
    case = json.loads(f.read_text())
    if not isinstance(case, dict):
        continue
    text = case.get("submission_text")
    if text is None:
        text = json.dumps(case.get("submission", {}), indent=1)
    n += 1
    (out / f"corpus_{n}.json").write_bytes(bytes([n % 12, 1]) + text.encode())
print(n)
PY
)))
fi

echo "seeded $n spec texts (parse, compile, fmt) and $m submissions (eval) under $root"

# budget: the first bytes choose elements, in-list length, arguments, depth,
# budget, answers, requirements and rule shapes (fuzz_targets/budget.rs)
mkdir -p "$root/budget"
k=0
for seed in '\x40\xff\x00\x00\x20\x00\x00\x01' '\x0d\x00\xff\x01\x10\x00\x00\x02' \
  '\xff\x10\x10\x02\xff\x01\x03\x00\x01\x02\x03' '\x80\x80\x80\x02\x00\x02\x02\x13\x24\x35' \
  '\x20\x00\x00\x02\x40\x01\x00\x03\x04\x05\x06' '\xff\xff\xff\x00\x00\x00\x03\x11\x12\x16\x17'; do
  k=$((k + 1))
  printf "$seed" > "$root/budget/seed_$k"
done
echo "seeded $k budget shapes"
