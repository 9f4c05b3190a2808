"""The whole conformance corpus (tests/conformance) through the package gives
exactly what the native CLI gives: byte-identical report JSON (as `netspec
eval --format json` prints it), and the same diagnostics when a spec does not
compile or a submission is rejected."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import os
import pathlib
import subprocess
import tempfile
from typing import Any, Dict, List, Optional, Union

import pytest

import netspec

from conftest import REPO

CORPUS = REPO / "tests" / "conformance"


@dataclasses.dataclass
class Case:
    id: str
    dir: pathlib.Path
    spec_name: str
    files: Dict[str, str]
    file: Dict[str, Any]

    @property
    def submission(self) -> Union[str, Any]:
        """`submission_text` (raw text), else `submission` (a Python value,
        through the package's dict path), else `{}`."""
        if isinstance(self.file.get("submission_text"), str):
            return self.file["submission_text"]
        return self.file.get("submission", {})

    @property
    def as_of(self) -> Optional[str]:
        v = self.file.get("as_of")
        return v if isinstance(v, str) else None


def files_under(d: pathlib.Path) -> Dict[str, str]:
    return {
        p.relative_to(d).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(d.rglob("*"))
        if p.is_file()
    }


def discover() -> List[Case]:
    """tests/conformance/README.md: group folders in name order, then every
    NAME.json with a NAME.netspec beside it."""
    cases = []
    for group in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        files = files_under(group)
        for name in sorted(p.name for p in group.iterdir() if p.is_file()):
            stem = name[: -len(".json")]
            if not name.endswith(".json") or not (group / f"{stem}.netspec").is_file():
                continue
            cases.append(
                Case(
                    id=f"{group.name}/{stem}",
                    dir=group,
                    spec_name=f"{stem}.netspec",
                    files=files,
                    file=json.loads(files[name]),
                )
            )
    return cases


CASES = discover()


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 80, f"only {len(CASES)} cases under {CORPUS}"


def evaluated(spec: netspec.Spec, c: Case) -> Dict[str, Any]:
    try:
        report = spec.evaluate(c.submission, as_of=c.as_of)
    except netspec.SubmissionError as e:
        return {"stage": "submission", "diagnostics": e.to_dict()["diagnostics"]}
    # the typed view reads the same report
    assert [r.id for r in report.requirements] == [
        r["id"] for r in json.loads(report.to_json())["requirements"]
    ]
    return {"stage": "report", "json": report.to_json()}


def package_result(c: Case) -> Dict[str, Any]:
    """What the package makes of a case, in the CLI's terms: the report's
    text, or the diagnostics of a spec or submission refused. The spec is
    read from disk as the CLI reads it (Spec.from_file, run in the case's
    folder); compiled from text with its folder's files in memory
    (Spec.compile) it must give the same."""
    files = {k: v for k, v in c.files.items() if k != c.spec_name}
    try:
        in_memory: Union[netspec.Spec, netspec.CompileError] = netspec.Spec.compile(
            c.files[c.spec_name], files, name=c.spec_name
        )
    except netspec.CompileError as e:
        in_memory = e
    cwd = os.getcwd()
    os.chdir(c.dir)
    try:
        spec = netspec.Spec.from_file(c.spec_name)
    except netspec.CompileError as e:
        # the same errors, though the files in memory may suggest other names
        assert isinstance(in_memory, netspec.CompileError), c.id
        assert [(d.code, d.line, d.column) for d in in_memory.diagnostics] == [
            (d.code, d.line, d.column) for d in e.diagnostics
        ], c.id
        return {"stage": "compile", "diagnostics": e.to_dict()["diagnostics"]}
    finally:
        os.chdir(cwd)
    result = evaluated(spec, c)
    assert isinstance(in_memory, netspec.Spec), f"{c.id}: {in_memory}"
    assert evaluated(in_memory, c) == result, c.id
    return result


def cli_result(cli: pathlib.Path, c: Case, tmp: pathlib.Path) -> Dict[str, Any]:
    sub = tmp / f"{c.id.replace('/', '__')}.json"
    s = c.submission
    # indented: other bytes than the package's dict path writes, the same JSON
    sub.write_text(s if isinstance(s, str) else json.dumps(s, indent=1), encoding="utf-8")
    args = [str(cli), "eval", c.spec_name, str(sub), "--format", "json"]
    if c.as_of is not None:
        args += ["--as-of", c.as_of]
    r = subprocess.run(args, cwd=c.dir, capture_output=True, text=True, timeout=120)
    if r.returncode == 0:
        return {"stage": "report", "json": r.stdout}
    assert r.stdout, f"{c.id}: the CLI exited {r.returncode} without JSON: {r.stderr}"
    out = json.loads(r.stdout)
    stage = "submission" if out["file"] == str(sub) else "compile"
    return {"stage": stage, "diagnostics": out["diagnostics"]}


def test_conformance_corpus_equals_the_cli(cli: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="netspec-parity-") as d:
        tmp = pathlib.Path(d)
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            native = list(pool.map(lambda c: cli_result(cli, c, tmp), CASES))
    compared = 0
    counts: Dict[str, int] = {"report": 0, "compile": 0, "submission": 0}
    failed: List[str] = []
    for c, want in zip(CASES, native):
        got = package_result(c)
        compared += 1
        counts[want["stage"]] += 1
        if got != want:
            failed.append(f"{c.id}: package {json.dumps(got)[:600]}\n  cli {json.dumps(want)[:600]}")
    with capsys.disabled():
        print(
            f"\nparity: {compared} conformance cases compared with {cli.name} eval --format json: "
            f"{counts['report']} reports byte-identical, {counts['compile']} compile and "
            f"{counts['submission']} submission rejections with equal diagnostics; "
            f"{compared - len(failed)} equal, {len(failed)} different"
        )
    assert not failed, f"{len(failed)} case(s) differ:\n" + "\n".join(failed)
    assert compared == len(CASES)
    assert counts["report"] > 0 and counts["compile"] > 0 and counts["submission"] > 0
