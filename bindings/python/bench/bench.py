"""Times the Python package against the engine it wraps, in one process:

- `evaluate` per call from Python, with a `str` and with a `dict`
  submission (`non_compliant`, of the spec the native benchmarks time:
  benches/data/adult_critical_care_2025_1), explanations off and on,
  against the same evaluation run in a Rust loop (`_netspec._time_native`: `Spec::evaluate_str`, no Python object
  touched); the difference is what a Python call adds;
  Per-call figures are CPU time of the calling thread (`time.thread_time`),
  which other processes on a shared machine disturb less than wall time;
  the overhead is the median of the differences of runs made back to back;
- `evaluate_many` in submissions per second (wall time) on N threads, against the same
  batch spread over the same threads in Rust.

    python bindings/python/bench/bench.py [--lines FILE] [--runs N]

FILE holds one submission per line (`cargo run --release -p netspec-bench
--bin gen-submissions -- 10000`, the lines of the `batch/` benchmark);
without it the three decided examples are cycled. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import statistics
import time
from typing import Any, Callable, List, Tuple

import netspec
from netspec import _netspec

REPO = pathlib.Path(__file__).resolve().parents[3]
# the spec and examples the native benchmarks time (benches/BENCHMARKS.md)
DATA = REPO / "benches" / "data" / "adult_critical_care_2025_1"
ACC = DATA / "adult_critical_care.netspec"
EXAMPLES = DATA / "examples" / "adult_critical_care"


def per_call(run: Callable[[int], float], calls: int, runs: int) -> List[float]:
    """Seconds per call of each of `runs` runs of `calls` calls."""
    run(max(1, calls // 10))  # warm up
    return [run(calls) / calls for _ in range(runs)]


def timed_python(spec: netspec.Spec, sub: Any, explanations: bool, typed: bool) -> Callable[[int], float]:
    def run(n: int) -> float:
        evaluate = spec.evaluate
        t0 = time.thread_time()
        if typed:
            for _ in range(n):
                evaluate(sub, explanations=explanations).overall
        else:
            for _ in range(n):
                evaluate(sub, explanations=explanations)
        return time.thread_time() - t0

    return run


def timed_native(spec: netspec.Spec, text: str, explanations: bool) -> Callable[[int], float]:
    def run(n: int) -> float:
        # the loop runs on this thread: its CPU time, as for the Python calls
        t0 = time.thread_time()
        _netspec._time_native(spec._raw, [text], n, explanations)
        return time.thread_time() - t0

    return run


def show(s: float) -> str:
    return f"{s * 1e6:.2f} µs" if s < 1e-3 else f"{s * 1e3:.2f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=pathlib.Path)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    runs: int = args.runs

    spec = netspec.Spec.from_file(ACC)
    text = (EXAMPLES / "non_compliant.json").read_text(encoding="utf-8")
    as_dict = json.loads(text)
    print(f"python {platform.python_version()}, netspec {netspec.__version__}, {os.cpu_count()} cores, "
          f"{platform.machine()}; median of {runs} runs; load average {os.getloadavg()[0]:.2f}\n")
    print("| what (non_compliant, 34 requirements) | explanations | Python | native (Rust loop) | Python − native |")
    print("| --- | --- | --- | --- | --- |")
    for explanations, calls in ((False, 20000), (True, 2000)):
        rows: List[Tuple[str, List[float], List[float]]] = []
        for label, sub, typed in (
            ("`evaluate(str)`", text, False),
            ("`evaluate(dict)`", as_dict, False),
            ("`evaluate(str).overall` (typed view read)", text, True),
        ):
            py: List[float] = []
            nat: List[float] = []
            # interleaved, so that drift in the machine's speed falls on both
            for _ in range(runs):
                py += per_call(timed_python(spec, sub, explanations, typed), calls, 1)
                nat += per_call(timed_native(spec, text, explanations), calls, 1)
            rows.append((label, py, nat))
        for label, py, nat in rows:
            p, n = statistics.median(py), statistics.median(nat)
            # the difference of each pair of runs made back to back
            d = statistics.median(a - b for a, b in zip(py, nat))
            on = "on" if explanations else "off"
            print(f"| {label} | {on} | {show(p)} | {show(n)} | {show(d)} |")

    if args.lines:
        lines = [line for line in args.lines.read_text(encoding="utf-8").splitlines() if line.strip()]
        source = f"{len(lines)} lines of {args.lines.name}"
    else:
        base = [(EXAMPLES / f"{n}.json").read_text(encoding="utf-8") for n in ("compliant", "partly_compliant", "non_compliant")]
        lines = [base[i % 3] for i in range(10000)]
        source = "the three decided examples cycled, 10000 submissions"
    print(f"\n`evaluate_many` ({source}), median of {min(runs, 5)} runs:\n")
    print("| explanations | threads | Python `evaluate_many` | native (Rust, same threads) | Python ÷ native time |")
    print("| --- | --- | --- | --- | --- |")
    for explanations in (False, True):
        for threads in sorted({1, args.threads}):
            py_t: List[float] = []
            nat_t: List[float] = []
            for _ in range(min(runs, 5)):
                t0 = time.perf_counter()
                results = spec.evaluate_many(lines, threads=threads, explanations=explanations)
                py_t.append(time.perf_counter() - t0)
                assert all(isinstance(r, netspec.Report) for r in results)
                del results
                nat_t.append(_netspec._time_native(spec._raw, lines, 1, explanations, threads))
            p, n = statistics.median(py_t), statistics.median(nat_t)
            on = "on" if explanations else "off"
            print(f"| {on} | {threads} | {len(lines) / p:,.0f} /s | {len(lines) / n:,.0f} /s | {p / n:.2f} |")


if __name__ == "__main__":
    main()
