"""The bad-input catalogue (tests/bad_input/catalogue.json) through the
package: every case, given as the bytes the native tests read, gives the
documented code at the documented place (line and column of a spec, JSON
pointer of a submission), or no error, as a CompileError, a SubmissionError
or a report warning, never a crash; and the next evaluation still works.

The same catalogue runs through the library (tests/tests/bad_input.rs), the
CLI (crates/netspec-cli/tests/bad_input.rs) and the WebAssembly package."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple, Union

import pytest

import netspec

from conftest import REPO

DIR = REPO / "tests" / "bad_input"
CATALOGUE: Dict[str, Any] = json.loads((DIR / "catalogue.json").read_text(encoding="utf-8"))
GOOD = (DIR / "good.json").read_bytes()


def input_bytes(c: Dict[str, Any]) -> bytes:
    """The case's bytes: its file, or prefix + repeat x times + suffix, with
    `{n}` in `repeat` replaced by the 0-based repetition number."""
    assert ("file" in c) != ("generate" in c), f"{c['name']}: give exactly one of file and generate"
    if "file" in c:
        return (DIR / str(c["file"])).read_bytes()
    g: Dict[str, Any] = c["generate"]
    repeat, times = str(g["repeat"]), int(g["times"])
    if "{n}" in repeat:
        body = "".join(repeat.replace("{n}", str(i)) for i in range(times))
    else:
        body = repeat * times
    return (str(g["prefix"]) + body + str(g["suffix"])).encode("utf-8")


def run_spec(name: str, data: bytes) -> Tuple[List[netspec.Diagnostic], int]:
    """The diagnostics, and the exit code `netspec check` would give."""
    try:
        spec = netspec.Spec.compile(data, name=name, tests=True)
    except netspec.CompileError as e:
        return e.diagnostics, 1
    return spec.warnings, 0


def run_submission(spec: netspec.Spec, data: Union[str, bytes]) -> Tuple[List[netspec.Diagnostic], int]:
    """The diagnostics, and the exit code `netspec eval` would give."""
    try:
        return spec.evaluate(data).warnings, 0
    except netspec.SubmissionError as e:
        not_text = any(d.code in ("NS0207", "NS0309") for d in e.diagnostics)
        return e.diagnostics, 2 if not_text else 1


def why_not(c: Dict[str, Any], diagnostics: List[netspec.Diagnostic], exit_code: int) -> Optional[str]:
    """None when the case holds, else why not."""
    shown = "; ".join(
        f"{d.code} {d.severity} {d.path if d.path is not None else ''}{d.line or ''}:{d.column or ''} {d.message}"
        for d in diagnostics
    )[:2000]
    want = c["expect"]
    if exit_code != want["exit"]:
        return f"exit {want['exit']} expected, the CLI would give {exit_code}: {shown}"
    if want["code"] is None:
        return f"no error expected: {shown}" if any(d.severity == "error" for d in diagnostics) else None
    d = next((x for x in diagnostics if x.code == want["code"]), None)
    if d is None:
        return f"{want['code']} expected: {shown}"
    if d.severity != want["severity"]:
        return f"{want['code']} is a {d.severity}, expected {want['severity']}"
    if c["kind"] == "spec":
        line, column = want.get("line"), want.get("column")
        if line is not None and column is not None and (d.line, d.column) != (line, column):
            return f"{want['code']} at {d.line}:{d.column}, expected at {line}:{column}: {shown}"
    elif d.path != want.get("path"):
        return f"{want['code']} at {d.path!r}, expected at {want.get('path')!r}: {shown}"
    return None


def test_the_bad_input_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    spec_text = (DIR / CATALOGUE["submission_spec"]).read_text(encoding="utf-8")
    spec = netspec.Spec.compile(spec_text, name="submission_spec.netspec")
    baseline = spec.evaluate(GOOD).to_json()
    assert json.loads(baseline)["warnings"] == []

    failed: List[str] = []
    names = set()
    counts = {"spec": 0, "submission": 0}
    for c in CATALOGUE["cases"]:
        assert c["name"] not in names, f"{c['name']}: name used twice"
        names.add(c["name"])
        assert c["kind"] in counts, f"{c['name']}: kind {c['kind']}"
        data = input_bytes(c)
        if c["kind"] == "spec":
            diagnostics, exit_code = run_spec(c.get("file", "generated.netspec"), data)
        else:
            diagnostics, exit_code = run_submission(spec, data)
            # the same through a str, where the bytes are text
            try:
                text: Optional[str] = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                again = run_submission(spec, text)
                assert [(d.code, d.path) for d in again[0]] == [(d.code, d.path) for d in diagnostics], c["name"]
        counts[c["kind"]] += 1
        why = why_not(c, diagnostics, exit_code)
        if why is not None:
            failed.append(f"{c['name']}: {why}")
        # the package goes on as before
        assert spec.evaluate(GOOD).to_json() == baseline, f"{c['name']}: the next evaluation differs"
    with capsys.disabled():
        print(
            f"\nbad-input catalogue: {counts['spec']} spec and {counts['submission']} submission cases "
            f"checked, {len(failed)} failed"
        )
    assert failed == [], f"{len(failed)} case(s) failed:\n" + "\n\n".join(failed)
    assert counts["spec"] > 0 and counts["submission"] > 0


def test_bytes_that_are_not_utf8() -> None:
    spec_text = (DIR / CATALOGUE["submission_spec"]).read_text(encoding="utf-8")
    spec = netspec.Spec.compile(spec_text.encode("utf-8"), name="submission_spec.netspec")
    with pytest.raises(netspec.SubmissionError) as e:
        spec.evaluate(b'{"\xff"}')
    assert e.value.code == "NS0309" and "offset 2" in e.value.diagnostics[0].message
    root = 'spec r "R" { version "1" }\nuse "common/x.netspec"\narea resources { requirement R-1 must "Beds" { beds > 0 } }\n'
    with pytest.raises(netspec.CompileError) as c:
        netspec.Spec.compile(root, {"common/x.netspec": b"i\xc3"}, name="r.netspec")
    assert c.value.code == "NS0309"
    assert c.value.message.startswith("common/x.netspec: ") and "offset 1" in c.value.message
