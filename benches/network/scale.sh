#!/usr/bin/env bash
# The network roll-up at scale: N generated provider submissions (default
# 1,000 and 10,000) in one JSON Lines file, rolled up by `netspec network` in
# one pass; prints the time and the peak resident memory (/usr/bin/time -v).
# Memory should stay flat in N beyond the summary itself (a row per provider).
#
#   cargo build --release -p netspec-cli
#   bash benches/network/scale.sh [N...]
#
# Results: benches/BENCHMARKS.md, "The network roll-up at scale".
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLI=${NETSPEC_CLI:-$REPO/target/release/netspec}
[ -x "$CLI" ] || { echo "build the CLI first: cargo build --release -p netspec-cli" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
for n in "${SIZES[@]}"; do
  python3 - "$REPO" "$n" > "$WORK/subs-$n.jsonl" <<'PY'
import json, sys
from pathlib import Path
repo, n = Path(sys.argv[1]), int(sys.argv[2])
folder = repo / "specs/examples/adult_critical_care/network"
base = [json.loads(p.read_text()) for p in sorted(folder.glob("r9*.json")) if "broken" not in p.name]
for k in range(n):
    sub = json.loads(json.dumps(base[k % len(base)]))
    # a distinct ODS code per provider: R + 5 base-36 digits
    digits, x = "", k
    for _ in range(5):
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[x % 36] + digits
        x //= 36
    sub["header"]["organisation"] = {"ods_code": "R" + digits, "name": f"Provider {k + 1} NHS Trust"}
    for u in sub.get("units", []):
        if isinstance(u.get("mm_meetings"), int):
            u["mm_meetings"] = k % 14
    print(json.dumps(sub, separators=(",", ":")))
PY
  for run in json csv "json --no-explanations"; do
    set -- $run
    format=$1
    shift
    /usr/bin/time -v "$CLI" network "$REPO/specs/adult_critical_care.netspec" "$WORK/subs-$n.jsonl" \
      --format "$format" "$@" -q -o "$WORK/out.$format" 2> "$WORK/time.txt"
    wall=$(grep "Elapsed (wall clock)" "$WORK/time.txt" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$WORK/time.txt" | awk '{print $NF}')
    printf '%6d submissions  %-26s  input %6.1f MB  output %6.1f MB  wall %s  peak RSS %6.1f MB\n' \
      "$n" "$run" "$(echo "$(stat -c %s "$WORK/subs-$n.jsonl") / 1048576" | bc -l)" \
      "$(echo "$(stat -c %s "$WORK/out.$format") / 1048576" | bc -l)" "$wall" "$(echo "$rss / 1024" | bc -l)"
  done
done
