"""The README's five-line example runs and prints what it says, which is
what the native CLI reports for the same submission; it is
examples/quickstart.py, which mypy --strict checks."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

from conftest import ACC, ACC_EXAMPLES, REPO

HERE = pathlib.Path(__file__).resolve().parents[1]


def block(readme: str, marker: str, lang: str) -> str:
    """The text of the ```LANG block that follows MARKER."""
    at = readme.index(marker)
    start = readme.index(f"```{lang}\n", at) + len(lang) + 4
    return readme[start: readme.index("\n```", start) + 1]


def test_the_five_line_example(cli: pathlib.Path) -> None:
    code = block((HERE / "README.md").read_text(encoding="utf-8"), "## A five-line example", "python")
    assert len(code.splitlines()) == 5
    assert code == (HERE / "examples" / "quickstart.py").read_text(encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    # what the comments say it prints
    said = [line.split("  # ", 1)[1] for line in code.splitlines() if line.startswith("print(")]
    assert run.stdout.splitlines() == said
    # and what the CLI reports
    native = json.loads(
        subprocess.run(
            [str(cli), "eval", str(ACC), str(ACC_EXAMPLES / "non_compliant.json"), "--format", "json"],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout
    )
    overall = native["overall"]
    assert said[0] == f"{overall['rating']} {overall['compliance']}"
    not_met = [r["id"] for r in native["requirements"] if r["outcome"] == "not_met"][:3]
    assert ast.literal_eval(said[1]) == not_met


def test_the_csv_example() -> None:
    run = subprocess.run(
        [sys.executable, str(HERE / "examples" / "batch_to_csv.py"), str(ACC), str(ACC_EXAMPLES)],
        capture_output=True, text=True, timeout=300,
    )
    lines = run.stdout.splitlines()
    files = sorted(p.name for p in ACC_EXAMPLES.glob("*.json"))
    assert lines[0].startswith("provider,provider_name,")
    assert sorted({line.rsplit(",", 1)[1] for line in lines[1:]}) <= files
    # every example has a header: none is refused
    assert run.returncode == 0, run.stderr
    assert {line.rsplit(",", 1)[1] for line in lines[1:]} == set(files)
