"""The package's API: compiling from files and text, the three kinds of
submission, options, the typed report, rows, errors; each checked against
the native CLI or against values worked out from the inputs."""

from __future__ import annotations

import csv
import datetime
import io
import json
import pathlib
import pickle
import re
import subprocess
from fractions import Fraction
from typing import Any, List

import pytest

import netspec

from conftest import ACC, ACC_EXAMPLES, REPO, example


def run_cli(cli: pathlib.Path, *args: str) -> str:
    r = subprocess.run([str(cli), *args], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_spec_from_file(acc: netspec.Spec) -> None:
    header = re.search(r'^spec (\w+) "([^"]*)" \{\s*version "([^"]*)"', ACC.read_text(encoding="utf-8"), re.M)
    assert header is not None
    assert (acc.id, acc.title, acc.version) == header.groups()
    # the spec's requirements and those of the files it uses
    text = ACC.read_text(encoding="utf-8")
    for used in re.findall(r'^use "([^"]+)"', text, re.M):
        text += (ACC.parent / used).read_text(encoding="utf-8")
    ids = re.findall(r"^\s*requirement (\S+) ", text, re.M)
    assert sorted(acc.requirement_ids) == sorted(ids)
    assert repr(acc) == f"<netspec.Spec {acc.id!r} version {acc.version!r}>"
    # a pathlib.Path is a path too
    assert netspec.Spec.from_file(pathlib.Path(ACC)).id == acc.id
    with pytest.raises(FileNotFoundError):
        netspec.Spec.from_file(REPO / "specs" / "no_such.netspec")


def test_from_file_reads_only_inside_the_folder(tmp_path: pathlib.Path) -> None:
    (tmp_path / "inner").mkdir()
    (tmp_path / "shared.netspec").write_text('inputs { beds: int min 0 "Beds" }\n')
    root = 'spec r "R" { version "1" }\nuse "../shared.netspec"\narea resources { requirement R-1 must "Beds" { beds > 0 } }\n'
    (tmp_path / "inner" / "r.netspec").write_text(root)
    with pytest.raises(netspec.CompileError) as e:
        netspec.Spec.from_file(tmp_path / "inner" / "r.netspec")
    assert e.value.code == "NS0311"
    assert e.value.diagnostics[0].line == 2
    # inside a wider root it is read
    spec = netspec.Spec.from_file(tmp_path / "inner" / "r.netspec", root=tmp_path)
    report = spec.evaluate({"beds": 2}, unattributed="provider")
    assert report.outcomes == {"R-1": "met"}


def test_compile_from_text_with_files() -> None:
    root = 'spec r "R" { version "1" }\nuse "common/x.netspec"\narea resources { requirement R-1 must "Beds" { beds > 0 } }\n'
    spec = netspec.Spec.compile(root, {"common/x.netspec": 'inputs { beds: int min 0 "Beds" }\n'}, name="r.netspec")
    assert (spec.id, spec.title, spec.version) == ("r", "R", "1")
    assert spec.evaluate({"beds": 0}, unattributed="provider").outcomes == {"R-1": "not_met"}
    with pytest.raises(netspec.CompileError) as e:
        netspec.Spec.compile(root, name="r.netspec")
    d = e.value.diagnostics[0]
    assert (d.code, d.file, d.line, d.column, d.severity) == ("NS0008", "r.netspec", 2, 5, "error")
    assert "r.netspec:2:5" in e.value.rendered
    assert isinstance(e.value, netspec.NetspecError) and e.value.kind == "compile"
    with pytest.raises(TypeError):
        netspec.Spec.compile(42)  # type: ignore[arg-type]


def test_related_places() -> None:
    # the requirement's `{` on line 3 is left open; the parser notices at
    # the next requirement, line 6
    text = (
        'spec r "R" { version "1" }\ninputs "U" { beds: int min 0 "Beds" }\n'
        'area resources {\n  requirement R-1 must "Beds" {\n    beds > 0\n\n'
        '  requirement R-2 must "More beds" {\n    beds > 1\n  }\n}\n'
    )
    with pytest.raises(netspec.CompileError) as e:
        netspec.Spec.compile(text, name="r.netspec")
    d = e.value.diagnostics[0]
    assert (d.code, d.message, d.line) == ("NS0001", "unclosed `{` opened at line 4", 4)
    assert len(d.related) == 1
    r = d.related[0]
    assert r.message.startswith("noticed here: ")
    assert r.location is not None and (r.location.file, r.location.line) == ("r.netspec", 7)


def test_str_bytes_and_dict_give_the_same_report(acc: netspec.Spec) -> None:
    text = example("partly_compliant")
    want = acc.evaluate(text).to_json()
    assert acc.evaluate(text.encode("utf-8")).to_json() == want
    assert acc.evaluate(bytearray(text.encode("utf-8"))).to_json() == want
    assert acc.evaluate(memoryview(text.encode("utf-8"))).to_json() == want
    assert acc.evaluate(json.loads(text)).to_json() == want
    with pytest.raises(ValueError):
        acc.evaluate({"x": float("nan")})
    with pytest.raises(TypeError):
        acc.evaluate({"x": {1, 2}})
    with pytest.raises(netspec.SubmissionError) as e:
        acc.evaluate([1, 2])
    assert e.value.code is not None and e.value.diagnostics[0].path == ""


def test_reports_equal_the_cli(acc: netspec.Spec, cli: pathlib.Path) -> None:
    for name in ("non_compliant", "half_filled"):
        path = str(ACC_EXAMPLES / f"{name}.json")
        assert acc.evaluate(example(name)).to_json() == run_cli(cli, "eval", str(ACC), path, "--format", "json")
        plain = run_cli(cli, "eval", str(ACC), path, "--format", "json", "--no-explanations")
        assert acc.evaluate(example(name), explanations=False).to_json() == plain
        dated = run_cli(cli, "eval", str(ACC), path, "--format", "json", "--as-of", "2026-01-31")
        assert acc.evaluate(example(name), as_of="2026-01-31").to_json() == dated
        assert acc.evaluate(example(name), as_of=datetime.date(2026, 1, 31)).to_json() == dated
        # one line, as `eval --batch` writes it
        lines = ACC_EXAMPLES.parent.parent.parent / "target" / f"python-batch-{name}.jsonl"
        lines.write_text(json.dumps(json.loads(example(name))) + "\n")
        try:
            batch = run_cli(cli, "eval", str(ACC), "--batch", str(lines), "--no-progress")
        finally:
            lines.unlink()
        # the batch line ends with its line number and the header's ODS code
        code = json.loads(example(name))["header"]["organisation"]["ods_code"]
        tail = f',"line":1,"ods_code":"{code}"}}\n'
        assert batch.endswith(tail)
        assert acc.evaluate(example(name)).to_json(pretty=False) == batch[: -len(tail)] + "}\n"


def test_inputs_and_schema_equal_the_cli(acc: netspec.Spec, cli: pathlib.Path) -> None:
    assert acc.inputs() == json.loads(run_cli(cli, "inputs", str(ACC), "--format", "json"))
    assert acc.json_schema() == json.loads(run_cli(cli, "schema", str(ACC)))


def test_the_typed_report(acc: netspec.Spec) -> None:
    sub = json.loads(example("half_filled"))
    report = acc.evaluate(sub)
    reqs = report.requirements
    assert [r.id for r in reqs] == list(report.outcomes)
    assert set(report.outcomes) <= set(acc.requirement_ids)
    outcomes = list(report.outcomes.values())
    c = report.overall.counts
    assert (c.met, c.not_met, c.not_applicable, c.incomplete) == tuple(
        outcomes.count(o) for o in ("met", "not_met", "not_applicable", "incomplete")
    )
    # compliance: met / (met + not met) in percent, rounded half away from zero to 2 decimals
    if c.met + c.not_met:
        exact = Fraction(c.met * 100, c.met + c.not_met)
        assert report.compliance == float(int(exact * 100 + Fraction(1, 2))) / 100
    assert str(report.overall) == report.overall.rating == report.rating
    assert [a.area for a in report.areas] == [
        "service_delivery", "resources", "workforce", "quality",
        "collaboration", "transformation", "population_health",
    ]
    for a in report.areas:
        mine = [r.outcome for r in reqs if r.area == a.area]
        assert a.counts.met == mine.count("met") and a.counts.not_met == mine.count("not_met")
    # a half-filled submission leaves requirements incomplete, each naming what is missing
    incomplete = [r for r in reqs if r.outcome == "incomplete"]
    assert incomplete and all(r.missing for r in incomplete)
    assert {m.path for r in incomplete for m in r.missing} == {m.path for m in report.missing_inputs}
    for m in report.missing_inputs:
        assert m.path.startswith("/") and m.question
    failing = [r for r in reqs if r.outcome == "not_met"]
    assert all(any(not ch.held for ch in r.explanation) for r in failing)
    h = report.header
    assert h is not None
    assert h.organisation.ods_code == sub["header"]["organisation"]["ods_code"]
    assert h.period.end == datetime.date.fromisoformat(sub["header"]["period"]["end"])
    assert report.assessed_on == h.period.end
    assert report.respondent == h.respondent == "provider"
    assert (report.spec.id, report.spec.version) == (acc.id, acc.version)
    assert report.engine_version == netspec.__version__
    whole = json.loads(report.to_json())
    assert report.to_dict() == whole
    # the typed view reads the report part by part: every part is the report's
    for name in whole:
        assert json.loads(report._raw.part_json(name)) == whole[name], name
    assert report.warnings == []


def test_explanations_name_what_would_pass(acc: netspec.Spec) -> None:
    """ACC-SD-01 in non_compliant: 2440 of 2930 admissions within 4 hours
    (83.28%) against 90%: 2637 are needed (ceil(0.9 x 2930)), 197 more."""
    sub = json.loads(example("non_compliant"))
    total = sum(u["admissions"] for u in sub["units"])
    within = sum(u["admissions_within_4h"] for u in sub["units"])
    r = next(r for r in acc.evaluate(sub).requirements if r.id == "ACC-SD-01")
    assert r.outcome == "not_met"
    ch = r.explanation[0]
    assert not ch.held and ch.right == 90
    assert ch.left == pytest.approx(within * 100 / total)
    need = -(-9 * total // 10)
    assert ch.to_pass[0].from_ == within and ch.to_pass[0].to == need and ch.to_pass[0].change == need - within


def test_rows(acc: netspec.Spec) -> None:
    sub = json.loads(example("non_compliant"))
    report = acc.evaluate(sub)
    rows = report.rows()
    assert [r["requirement"] for r in rows] == [r.id for r in report.requirements]
    for row, req in zip(rows, report.requirements):
        assert row["provider"] == sub["header"]["organisation"]["ods_code"]
        assert row["spec"] == acc.id and row["spec_version"] == acc.version
        assert (row["area"], row["level"], row["basis"], row["outcome"]) == (req.area, req.level, req.basis, req.outcome)
        assert row["decided"] == (req.outcome in ("met", "not_met"))
        assert row["met"] == (req.outcome == "met")
        assert row["missing"] == len(req.missing)
        assert row["assessed_on"] == "2025-06-30"
    met = sum(r["met"] for r in rows)
    decided = sum(r["decided"] for r in rows)
    assert round(met * 100 / decided, 2) == report.compliance
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    assert len(out.getvalue().splitlines()) == len(rows) + 1


def test_submission_errors(acc: netspec.Spec) -> None:
    with pytest.raises(netspec.SubmissionError) as e:
        acc.evaluate('{\n  "header": 1,,\n}')
    assert e.value.code == "NS0207" and e.value.json_position == netspec.JsonPosition(2, 15)
    sub = json.loads(example("non_compliant"))
    sub["units"][1]["l3_beds"] = "six"
    with pytest.raises(netspec.SubmissionError) as e:
        acc.evaluate(sub)
    assert [(d.code, d.path) for d in e.value.errors] == [("NS0201", "/units/1/l3_beds")]
    assert "/units/1/l3_beds" in e.value.rendered
    # pickled (as multiprocessing does), it is the same error
    again = pickle.loads(pickle.dumps(e.value))
    assert isinstance(again, netspec.SubmissionError) and again.to_dict() == e.value.to_dict()
    with pytest.raises(netspec.SubmissionError) as e:
        acc.evaluate(sub, as_of="2025-02-30")
    assert e.value.code == "NS0208"
    with pytest.raises(TypeError):
        acc.evaluate(example("compliant"), as_of=datetime.datetime(2025, 1, 1))


def test_unattributed_submissions(acc: netspec.Spec) -> None:
    sub = json.loads(example("network_compliant"))
    del sub["header"]
    with pytest.raises(netspec.SubmissionError) as e:
        acc.evaluate(sub)
    assert e.value.code == "NS0211"
    with pytest.raises(netspec.SubmissionError) as e:
        acc.evaluate(sub, unattributed="network")
    assert e.value.code == "NS0208"  # no header: no period end to assess on
    report = acc.evaluate(sub, unattributed="network", as_of="2025-06-30")
    assert report.header is None and report.respondent == "network"
    assert [w.code for w in report.warnings] == ["NS0217"]
    assert all(r.respondent == "network" for r in report.requirements)
    with pytest.raises(netspec.UsageError):
        acc.evaluate(sub, unattributed="everyone")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        acc.evaluate_many([sub], threads=0)


def test_codes_are_explained() -> None:
    found = netspec.explain("ns0002")
    assert found is not None and "unknown name" in found[0]
    assert netspec.explain("NS9999") is None


def test_every_public_name_is_there() -> None:
    missing: List[Any] = [n for n in netspec.__all__ if not hasattr(netspec, n)]
    assert missing == []
