#!/usr/bin/env python3
"""Gives submissions a `header` and removes their `assessed_on` (issue 12).

A submission now says who answers, for which organisation and period; the
assessment date is the period's end. This script rewrites, in place:

- every submission under specs/examples/ (a provider of the network the
  spec is for; the period is the 12 months ending on the old `assessed_on`);
- the standalone submissions under tests/bad_input/submissions/ that are
  JSON objects, the generated submissions of tests/bad_input/catalogue.json,
  and the `submission` (or `submission_text`) of tests/conformance cases.
  An `assessed_on` date becomes the period end (a malformed one too, so the
  case about it now points at /header/period/end). Left alone: submissions
  that already have a header, cases with `"assessed_on": null` (rewritten by
  hand) and the cases of the `header` group, which are about the header.

Files are edited as text, so their layout (and the byte-level oddities of
the bad-input files) stays as it was. Run it again: files with a header are
left alone.

    python3 scripts/migrate_headers.py [--check]
"""

import datetime
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# A plausible (made-up) provider per network: ODS code and name.
PROVIDERS = {
    "adult_critical_care": ("RXA", "Eastmoor Hospitals NHS Trust"),
    "burns": ("RXB", "Westbrook Teaching Hospitals NHS Foundation Trust"),
    "cardiac": ("RXC", "Northgate Heart and Lung NHS Foundation Trust"),
    "congenital_heart_disease": ("RXD", "Southmere Children's Hospitals NHS Trust"),
    "hepatitis_c": ("RXE", "Riverside University Hospitals NHS Trust"),
    "major_trauma": ("RXF", "Highfield Major Trauma Centre NHS Foundation Trust"),
    "neonatal_critical_care": ("RXG", "Lakeside Women's and Children's NHS Trust"),
    "neurosurgery": ("RXH", "Eastmoor Neurosciences NHS Foundation Trust"),
    "paediatric_critical_care": ("RXJ", "Kingsbridge Children's Hospital NHS Trust"),
    "renal": ("RXK", "Oakford Renal and Transplant NHS Trust"),
    "spinal_surgery": ("RXL", "Millbrook Orthopaedic Hospitals NHS Foundation Trust"),
    "surgery_in_children": ("RXM", "Southmere Children's Hospitals NHS Trust"),
}
TEST_PROVIDER = ("RXX", "Testvale Hospitals NHS Trust")
DEFAULT_END = "2025-06-30"

ASSESSED_ON = re.compile(r'"assessed_on"\s*:\s*("[^"]*"|null)')


def period(end_text):
    """The 12 months ending on `end_text` (YYYY-MM-DD), both days included.
    A date that does not exist (a case about malformed dates) is kept as the
    end, after a start on the first of the month a year before."""
    if not valid(end_text):
        year, month = end_text[:4], end_text[5:7]
        return f"{int(year) - 1:04d}-{month}-01", end_text
    end = datetime.date.fromisoformat(end_text)
    try:
        year_before = end.replace(year=end.year - 1)
    except ValueError:  # 29 February
        year_before = end.replace(year=end.year - 1, day=28)
    return (year_before + datetime.timedelta(days=1)).isoformat(), end.isoformat()


def header(provider, end_text):
    start, end = period(end_text)
    code, name = provider
    return {
        "respondent": "provider",
        "organisation": {"ods_code": code, "name": name},
        "period": {"start": start, "end": end},
        "completed_by": "A. Example, service lead",
    }


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def pretty_header(value, indent):
    """`"header": {…}` spread over lines at `indent` (for pretty files)."""
    text = json.dumps({"header": value}, ensure_ascii=False, indent=2)
    lines = text.splitlines()[1:-1]  # drop the outer braces
    return "\n".join(indent + line[2:] if line.startswith("  ") else line for line in lines)


def remove_assessed_on(text):
    """`text` without its top-level `"assessed_on": …` entry, and its value."""
    m = ASSESSED_ON.search(text)
    if not m:
        return text, None
    value = json.loads(m.group(1))
    start, end = m.span()
    after = re.compile(r"\s*,\s*").match(text, end)
    if after:
        # `"assessed_on": …,` then the next entry: drop up to it
        return text[:start] + text[after.end():], value
    before = re.compile(r",\s*$").search(text, 0, start)
    if before:
        return text[: before.start()] + text[end:], value
    return text[:start] + text[end:], value


def insert_header(text, at, value):
    """`text` with `"header": value` as the first entry of the object whose
    `{` is at `at`, in the object's own layout."""
    rest = text[at + 1 :]
    m = re.match(r"(\s*)", rest)
    gap = m.group(1)
    empty = rest[len(gap) :].startswith("}")
    if "\n" in gap:
        indent = gap.split("\n")[-1]
        newline = "\r\n" if "\r\n" in gap else "\n"
        entry = pretty_header(value, indent).replace("\n", newline)
        sep = "" if empty else ","
        return text[: at + 1] + newline + entry + sep + gap + rest[len(gap) :]
    entry = '"header": ' + compact(value)
    return text[: at + 1] + gap + entry + ("" if empty else ", ") + rest[len(gap) :]


def migrate_file(path, provider, check):
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    body = text.lstrip("\ufeff")
    try:
        value = json.loads(body)
    except ValueError:
        return False
    if not isinstance(value, dict) or "header" in value:
        return False
    new, old_date = remove_assessed_on(text)
    end = old_date if isinstance(old_date, str) else DEFAULT_END
    at = new.index("{")
    new = insert_header(new, at, header(provider, end))
    json.loads(new.lstrip("\ufeff"))  # still JSON
    if not check:
        path.write_bytes(new.encode("utf-8"))
    return True


def valid(date_text):
    try:
        datetime.date.fromisoformat(date_text)
        return True
    except ValueError:
        return False


def migrate_catalogue(path, check):
    """The bad-input catalogue: generated submissions start with a header;
    the malformed `assessed_on` case is now one about the period end."""
    text = path.read_text(encoding="utf-8")
    cat = json.loads(text)
    head = '"header": ' + compact(header(TEST_PROVIDER, DEFAULT_END)) + ", "
    for case in cat["cases"]:
        gen = case.get("generate")
        if case["kind"] == "submission" and gen and gen["prefix"].startswith("{"):
            if '"header"' not in gen["prefix"]:
                gen["prefix"] = "{" + head + gen["prefix"][1:]
        if case["name"] == "submission_assessed_on_invalid":
            case["description"] = "A period end of 2025-02-29 (2025 is no leap year)."
            case["expect"]["path"] = "/header/period/end"
    new = json.dumps(cat, ensure_ascii=False, indent=2) + "\n"
    if new == text:
        return False
    if not check:
        path.write_text(new, encoding="utf-8")
    return True


def migrate_case(path, check):
    """A conformance case: a header in its `submission` object (or at the
    start of its `submission_text`). An `assessed_on` in the submission
    becomes the period end (an expected error at `/assessed_on` then is at
    `/header/period/end`); a case with `"assessed_on": null` is left for a
    person to rewrite."""
    text = path.read_text(encoding="utf-8")
    case = json.loads(text)
    sub = case.get("submission")
    sub_text = case.get("submission_text")
    if isinstance(sub_text, str):
        return migrate_case_text(path, text, case, sub_text, check)
    if not isinstance(sub, dict) or "header" in sub:
        return False
    old = sub.get("assessed_on", DEFAULT_END)
    if not isinstance(old, str):
        return False
    new = text
    if "assessed_on" in sub:
        new, _ = remove_assessed_on(new)
        new = new.replace('"path": "/assessed_on"', '"path": "/header/period/end"')
        end = old
    else:
        end = case.get("as_of") or DEFAULT_END
    m = re.search(r'"submission"\s*:\s*\{', new)
    if not m:
        return False
    want = dict(sub, header=header(TEST_PROVIDER, end))
    want.pop("assessed_on", None)
    new = insert_header(new, m.end() - 1, header(TEST_PROVIDER, end))
    if json.loads(new)["submission"] != want:
        raise SystemExit(f"{path}: the submission did not come out as intended")
    if not check:
        path.write_text(new, encoding="utf-8")
    return True


def migrate_case_text(path, text, case, sub_text, check):
    """A case whose submission is given as text: the header goes first."""
    try:
        value = json.loads(sub_text)
    except ValueError:
        return False
    if not isinstance(value, dict) or "header" in value:
        return False
    encoded = json.dumps(sub_text, ensure_ascii=False)
    if text.count(encoded) != 1:
        raise SystemExit(f"{path}: cannot find the submission text")
    end = case.get("as_of") or DEFAULT_END
    new_sub = insert_header(sub_text, sub_text.index("{"), header(TEST_PROVIDER, end))
    new = text.replace(encoded, json.dumps(new_sub, ensure_ascii=False))
    if not check:
        path.write_text(new, encoding="utf-8")
    return True


def main():
    check = "--check" in sys.argv[1:]
    changed = []
    for spec_dir in sorted((ROOT / "specs/examples").iterdir()):
        provider = PROVIDERS.get(spec_dir.name, TEST_PROVIDER)
        for f in sorted(spec_dir.glob("*.json")):
            if migrate_file(f, provider, check):
                changed.append(f)
    for f in sorted((ROOT / "tests/bad_input/submissions").glob("*.json")):
        if migrate_file(f, TEST_PROVIDER, check):
            changed.append(f)
    if migrate_catalogue(ROOT / "tests/bad_input/catalogue.json", check):
        changed.append(ROOT / "tests/bad_input/catalogue.json")
    for f in [ROOT / "tests/bad_input/good.json"]:
        if migrate_file(f, TEST_PROVIDER, check):
            changed.append(f)
    for f in sorted((ROOT / "tests/conformance").glob("*/*.json")):
        if f.parent.name == "header":
            continue  # cases about the header itself
        if migrate_case(f, check):
            changed.append(f)
    for f in changed:
        print(f.relative_to(ROOT))
    print(f"{len(changed)} files {'to change' if check else 'changed'}", file=sys.stderr)
    if check and changed:
        sys.exit(1)


if __name__ == "__main__":
    main()
