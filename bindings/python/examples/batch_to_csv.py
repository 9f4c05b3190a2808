"""Evaluates every submission in a folder on all cores and writes one CSV row
per requirement per submission (report.rows()), with a line on stderr for
each submission the spec refused.

    python examples/batch_to_csv.py SPEC FOLDER > results.csv
"""

from __future__ import annotations

import csv
import pathlib
import sys
from typing import List

import netspec


def main(argv: List[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    spec = netspec.Spec.from_file(argv[1])
    paths = sorted(pathlib.Path(argv[2]).glob("*.json"))
    results = spec.evaluate_many(p.read_bytes() for p in paths)
    writer: "csv.DictWriter[str] | None" = None
    refused = 0
    for path, result in zip(paths, results):
        if isinstance(result, netspec.SubmissionError):
            refused += 1
            print(f"{path.name}: {result}", file=sys.stderr)
            continue
        for row in result.rows():
            row["file"] = path.name
            if writer is None:
                writer = csv.DictWriter(sys.stdout, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
