"""Shared by the tests: where the repository and the native CLI are."""

from __future__ import annotations

import os
import pathlib

import pytest

import netspec

REPO = pathlib.Path(__file__).resolve().parents[3]
SPECS = REPO / "specs"
ACC = SPECS / "adult_critical_care.netspec"
ACC_EXAMPLES = SPECS / "examples" / "adult_critical_care"


def in_ci() -> bool:
    """CI set to anything but "", 0 or false (.ci/run sets CI=true)."""
    return os.environ.get("CI", "") not in ("", "0", "false", "FALSE", "False")


def cli_path() -> pathlib.Path:
    """The native CLI: $NETSPEC_CLI, else the debug build in target/."""
    return pathlib.Path(os.environ.get("NETSPEC_CLI") or REPO / "target" / "debug" / "netspec")


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    """The native CLI; its absence fails the run under CI, else skips."""
    path = cli_path()
    if not os.access(path, os.X_OK):
        message = f"no netspec CLI at {path} (cargo build -p netspec-cli, or set NETSPEC_CLI)"
        if in_ci():
            pytest.fail(f"CI: {message}")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def acc() -> netspec.Spec:
    """The bundled adult critical care spec."""
    return netspec.Spec.from_file(ACC)


def example(name: str) -> str:
    """An adult critical care example submission's text."""
    return (ACC_EXAMPLES / f"{name}.json").read_text(encoding="utf-8")
