#!/usr/bin/env bash
# CI for `netspec serve` beyond its Rust tests (crates/netspec-cli/tests/serve.rs):
#  1. the OpenAPI 3.1 document (`netspec serve --print-openapi`, and the same
#     document from a running server) validated by openapi-spec-validator
#     (PyPI, pinned in requirements-ci.txt, in a venv cached under target/);
#  2. the README's acceptance command: curl's answer equals the bytes of
#     `netspec eval --format json`;
#  3. the Python example of docs/calling-from-other-languages.md, run as
#     written with the standard library only, against the started server.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

need_apt curl

VENV=target/venv-openapi
REQ=crates/netspec-server/requirements-ci.txt
if ! cmp -s "$REQ" "$VENV/requirements-ci.txt"; then
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    need_apt python3-venv
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ"
  cp "$REQ" "$VENV/requirements-ci.txt"
fi

cargo build --locked -q -p netspec-cli
NETSPEC=./target/debug/netspec

echo "-- the OpenAPI document, validated"
"$NETSPEC" serve --print-openapi > target/openapi.json
"$VENV/bin/openapi-spec-validator" target/openapi.json

work=$(mktemp -d)
pid=""
stop() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap stop EXIT

"$NETSPEC" serve --addr 127.0.0.1:0 --no-web > "$work/out" 2> "$work/log" &
pid=$!
addr=""
for _ in $(seq 1 600); do
  addr=$(sed -n 's|^netspec serve: listening on http://||p' "$work/out")
  [ -n "$addr" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; echo "error: netspec serve stopped" >&2; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "error: netspec serve did not say where it listens" >&2; exit 1; }
for _ in $(seq 1 600); do
  curl -sf "http://$addr/readyz" > /dev/null && break
  sleep 0.1
done
curl -sf "http://$addr/readyz" > /dev/null

echo "-- the document a running server serves is the same, and valid"
curl -sf "http://$addr/openapi.json" > "$work/served.json"
python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); sys.exit(a!=b)' \
  target/openapi.json "$work/served.json"
"$VENV/bin/openapi-spec-validator" "$work/served.json"

echo "-- curl gives the bytes of netspec eval --format json"
n=0
for f in specs/examples/adult_critical_care/*.json; do
  curl -s -X POST --data-binary @"$f" -H 'content-type: application/json' \
    "http://$addr/v1/specs/adult_critical_care/evaluate" > "$work/served"
  "$NETSPEC" eval --format json specs/adult_critical_care.netspec "$f" > "$work/cli"
  cmp "$work/served" "$work/cli"
  n=$((n + 1))
done
echo "$n reports equal"

echo "-- the Python example of docs/calling-from-other-languages.md (standard library only)"
awk '/^```python$/ {on=1; next} /^```$/ && on {exit} on' docs/calling-from-other-languages.md > "$work/example.py"
[ -s "$work/example.py" ] || { echo "error: no python block in the page" >&2; exit 1; }
# -I -S: no user site, no site-packages: the standard library alone
NETSPEC_URL="http://$addr" python3 -I -S "$work/example.py" | tee "$work/example.out"
rating=$("$NETSPEC" eval --format json specs/adult_critical_care.netspec \
  specs/examples/adult_critical_care/non_compliant.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["overall"]["rating"])')
grep -q '^specs: adult_critical_care, burns' "$work/example.out"
grep -q "^rating $rating, compliance" "$work/example.out"
grep -q '^  not met: ACC-' "$work/example.out"
grep -q '^refused: NS0' "$work/example.out"

echo "-- graceful stop"
kill -TERM "$pid"
wait "$pid"
pid=""
echo "netspec serve: OpenAPI valid, curl equal, Python example ran"
