"""evaluate_many: results in input order, one error object per bad
submission, the same from 8 Python threads at once as one by one, and the
GIL released while a batch runs."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Dict, List, Union

import netspec

from conftest import ACC_EXAMPLES

EXAMPLES = sorted(p.stem for p in ACC_EXAMPLES.glob("*.json"))


def batch() -> List[Union[str, bytes, Dict[str, Any]]]:
    """Every example as text, bytes and dict, a submission without a header
    and one that is not JSON, in a fixed mixed order."""
    out: List[Union[str, bytes, Dict[str, Any]]] = []
    for i, name in enumerate(EXAMPLES * 3):
        text = (ACC_EXAMPLES / f"{name}.json").read_text(encoding="utf-8")
        out.append([text, text.encode("utf-8"), json.loads(text)][i % 3])
    out.insert(3, '{"units": ')
    out.insert(7, {"units": []})
    return out


def one_by_one(spec: netspec.Spec, subs: List[Union[str, bytes, Dict[str, Any]]]) -> List[Any]:
    out: List[Any] = []
    for s in subs:
        try:
            out.append(spec.evaluate(s).to_json())
        except netspec.SubmissionError as e:
            out.append(e.to_dict())
    return out


def shown(results: List[Union[netspec.Report, netspec.SubmissionError]]) -> List[Any]:
    return [r.to_json() if isinstance(r, netspec.Report) else r.to_dict() for r in results]


def test_results_in_input_order_with_an_error_per_bad_submission(acc: netspec.Spec) -> None:
    subs = batch()
    results = acc.evaluate_many(subs, threads=2)
    assert len(results) == len(subs)
    errors = [(i, r) for i, r in enumerate(results) if isinstance(r, netspec.SubmissionError)]
    assert [i for i, _ in errors] == [3, 7]
    assert errors[0][1].index == 3 and errors[0][1].code == "NS0207"
    assert errors[1][1].index == 7 and errors[1][1].code == "NS0211"  # no header
    assert shown(results) == one_by_one(acc, subs)
    assert acc.evaluate_many([]) == []
    # one thread, and more threads than submissions, give the same
    assert shown(acc.evaluate_many(subs, threads=1)) == shown(results)
    assert shown(acc.evaluate_many(subs[:3], threads=64)) == shown(results[:3])


def test_eight_python_threads_equal_one_by_one(acc: netspec.Spec) -> None:
    subs = batch()
    expected = one_by_one(acc, subs)
    got: Dict[int, List[Any]] = {}
    failures: List[BaseException] = []

    def run(k: int) -> None:
        try:
            # each thread its own order, then put back
            order = subs[k % len(subs):] + subs[: k % len(subs)]
            res = shown(acc.evaluate_many(order, threads=2))
            got[k] = res[len(subs) - k % len(subs):] + res[: len(subs) - k % len(subs)]
        except BaseException as e:  # noqa: BLE001 - reported below
            failures.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted(got) == list(range(8))
    for k in range(8):
        assert got[k] == expected, f"thread {k}"




def test_the_gil_is_released_during_a_batch(acc: netspec.Spec) -> None:
    """A second Python thread keeps running while a long batch runs: it
    notes the time every 1,000 turns of a loop, and it must have noted times
    in the middle half of the batch. With the GIL held through the batch it
    could run only before and after the engine's work (in the Python parts
    of the call), never in the middle."""
    text = (ACC_EXAMPLES / "non_compliant.json").read_text(encoding="utf-8")
    stamps: List[float] = []
    stop = threading.Event()

    def counter() -> None:
        i = 0
        while not stop.is_set():
            i += 1
            if i % 1000 == 0:
                stamps.append(time.perf_counter())

    # long enough to see: about half a second of evaluation
    subs = [text] * 20
    t0 = time.perf_counter()
    acc.evaluate_many(subs, threads=1)
    per = (time.perf_counter() - t0) / len(subs)
    subs = [text] * max(20, int(0.5 / per))

    t = threading.Thread(target=counter)
    t.start()
    try:
        while not stamps:
            time.sleep(0.001)
        t0 = time.perf_counter()
        results = acc.evaluate_many(subs, threads=1)
        t1 = time.perf_counter()
    finally:
        stop.set()
        t.join()
    assert all(isinstance(r, netspec.Report) for r in results)
    took = t1 - t0
    assert took >= 0.1
    middle = [s for s in stamps if t0 + took / 4 <= s <= t1 - took / 4]
    # a Python loop turns millions of times a second: thousands of notes
    assert len(middle) >= 10, f"the other thread noted {len(middle)} times in the middle of a {took:.2f} s batch"
