#!/usr/bin/env bash
# CI for the FHIR mapping beyond its Rust tests (tests/tests/fhir.rs):
#  1. every exported Questionnaire (the twelve bundled specs, both
#     respondents) and every bundled example converted to a
#     QuestionnaireResponse validated by fhir.resources (PyPI, R4B models,
#     pinned in requirements-ci.txt, in a venv cached under target/) and by
#     validate.py's own checks of each response against its Questionnaire;
#  2. the round trip through the CLI: for every example, `netspec eval`
#     of the submission, of its response (`eval --from fhir`) and of the
#     submission `netspec fhir response` reads back give the same bytes;
#  3. a real SDC client: the renal Questionnaire rendered and answered in
#     LHC-Forms (npm `lforms`, served from node_modules, no network) in
#     headless Chromium; the QuestionnaireResponse it gives is validated as
#     in 1 and evaluates to the report of the equivalent JSON submission
#     (lforms/test/lforms.test.mjs).
# Environment: CHROMIUM (default /usr/bin/chromium), CI (see scripts/lib.sh:
# under CI nothing may skip).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
T_ALL=$SECONDS

VENV=target/venv-fhir
REQ=tests/fhir/requirements-ci.txt
if ! cmp -s "$REQ" "$VENV/requirements-ci.txt"; then
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    need_apt python3-venv
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
  timed "pip install fhir.resources" "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ"
  cp "$REQ" "$VENV/requirements-ci.txt"
fi

cargo build --locked -q -p netspec-cli
NETSPEC=$PWD/target/debug/netspec
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/q" "$work/qr"

echo "-- the Questionnaires of every spec, both respondents"
for spec in specs/*.netspec; do
  id=$(basename "$spec" .netspec)
  for who in provider network; do
    "$NETSPEC" fhir questionnaire --respondent "$who" "$spec" > "$work/q/$id-$who.json"
  done
done
echo "$(ls "$work/q" | wc -l) Questionnaires written"

echo "-- every bundled example as a QuestionnaireResponse, and back: the same report"
n=0
refused=0
for spec in specs/*.netspec; do
  id=$(basename "$spec" .netspec)
  for f in specs/examples/"$id"/*.json specs/examples/"$id"/*/*.json; do
    [ -f "$f" ] || continue
    name=$(echo "${f#specs/examples/}" | tr '/' '_')
    if ! "$NETSPEC" -q eval --format json "$spec" "$f" > "$work/direct" 2>/dev/null; then
      # an example of a refused submission (its report is not made); its
      # response is refused too
      if "$NETSPEC" -q fhir response --reverse "$spec" "$f" > /dev/null 2>&1; then
        echo "error: $f is refused by eval but converted" >&2
        exit 1
      fi
      refused=$((refused + 1))
      continue
    fi
    "$NETSPEC" fhir response --reverse "$spec" "$f" > "$work/qr/$name"
    "$NETSPEC" -q eval --from fhir --format json "$spec" "$work/qr/$name" > "$work/from_fhir"
    "$NETSPEC" fhir response "$spec" "$work/qr/$name" > "$work/back.json"
    "$NETSPEC" -q eval --format json "$spec" "$work/back.json" > "$work/back"
    cmp "$work/direct" "$work/from_fhir"
    cmp "$work/direct" "$work/back"
    n=$((n + 1))
  done
done
echo "$n examples: the same report after the round trip ($refused refused examples refused both ways)"
[ "$n" -ge 72 ] || { echo "error: only $n examples" >&2; exit 1; }

echo "-- a wrong answer type: coded error naming the FHIR path and the JSON pointer"
python3 - "$work/qr/renal_compliant.json" > "$work/wrong.json" <<'PY'
import json, sys
qr = json.load(open(sys.argv[1]))
def first_integer(items):
    for it in items:
        for a in it.get("answer", []):
            if "valueInteger" in a:
                a.clear(); a["valueString"] = "many"; return True
        if first_integer(it.get("item", [])):
            return True
    return False
assert first_integer(qr["item"])
json.dump(qr, sys.stdout)
PY
rc=0
"$NETSPEC" --color never eval --from fhir specs/renal.netspec "$work/wrong.json" 2> "$work/err" || rc=$?
cat "$work/err"
[ "$rc" = 1 ] || { echo "error: exit code $rc, not 1" >&2; exit 1; }
grep -q '^error\[NS0223\]' "$work/err"
grep -q '^ = at /units/0/hd_patients$' "$work/err"
grep -q '^ = FHIR path: item\[[0-9]*\]\.item\[0\]\.item\[1\]\.answer\[0\]$' "$work/err"

echo "-- a real SDC client: LHC-Forms in headless Chromium"
mkdir -p "$work/lforms"
if [ -n "${FHIR_SKIP_LFORMS:-}" ] && ! in_ci; then echo "note: FHIR_SKIP_LFORMS set: the LHC-Forms test skips"; else
t0=$SECONDS
bash tests/fhir/lforms/run.sh "$work/lforms"
cp "$work/lforms/lforms-renal-response.json" "$work/qr/"
echo "[time] LHC-Forms end to end: $((SECONDS - t0))s"
fi

echo "-- fhir.resources (R4B) validates every Questionnaire and response"
"$VENV/bin/python" tests/fhir/validate.py "$work/q" "$work/qr"
echo "[time] tests/fhir/ci.sh total: $((SECONDS - T_ALL))s"
