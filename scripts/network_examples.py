#!/usr/bin/env python3
"""Writes the network examples: for adult critical care and neonatal critical
care, a dozen member providers' submissions and the network's own, under
specs/examples/<spec>/network/ (and, for adult critical care, the previous
period's under specs/examples/adult_critical_care/network_previous/), for
`netspec network`.

Each provider's submission is made from the spec's four provider examples
(compliant, partly compliant, non compliant, half filled): a base example,
with some of its sections taken from another example, so that the providers
differ the way real ones do. Every submission is checked with
`netspec eval` (the CLI must be built: cargo build -p netspec-cli); a mix
the spec refuses falls back to the base example's section. One submission
per network is broken on purpose (documented in the folder's README.md) to
show the list of submissions that could not be evaluated.

The organisations, their ODS codes and their figures are made up.

Run from the repository root: python3 scripts/network_examples.py
Deterministic: the same files every run.
"""

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "target" / "debug" / "netspec"
TEMPLATES = ["compliant", "partly_compliant", "non_compliant", "half_filled"]

# (ODS code, name, base template, share of sections mixed in from others)
ACC_PROVIDERS = [
    ("R9A", "Ashcombe Hospitals NHS Foundation Trust", "compliant", 0.0),
    ("R9B", "Brackenfield University Hospitals NHS Trust", "compliant", 0.3),
    ("R9C", "Cressing Vale NHS Trust", "partly_compliant", 0.0),
    ("R9D", "Dunmere General Hospital NHS Trust", "partly_compliant", 0.4),
    ("R9E", "Eastbrook Teaching Hospitals NHS Foundation Trust", "compliant", 0.5),
    ("R9F", "Fellside and District Hospitals NHS Trust", "non_compliant", 0.0),
    ("R9G", "Greywater Royal Infirmary NHS Trust", "non_compliant", 0.4),
    ("R9H", "Holloway Cross Hospitals NHS Trust", "half_filled", 0.0),
    ("R9J", "Juniper Bay NHS Foundation Trust", "half_filled", 0.3),
    ("R9K", "Kestrel Moor Hospitals NHS Trust", "partly_compliant", 0.6),
    ("R9L", "Larkhill Community and Acute NHS Trust", "compliant", 0.2),
    ("NX9", "Meadowgate Independent Hospital", "partly_compliant", 0.5),
]
NCC_PROVIDERS = [
    ("R8A", "Abbotsmere Women's and Children's NHS Trust", "compliant", 0.0),
    ("R8B", "Bellhaven Hospitals NHS Foundation Trust", "compliant", 0.3),
    ("R8C", "Carrow Valley NHS Trust", "partly_compliant", 0.0),
    ("R8D", "Dewsford Royal Hospitals NHS Trust", "partly_compliant", 0.4),
    ("R8E", "Elmstead General NHS Trust", "non_compliant", 0.0),
    ("R8F", "Farrowdale University Hospitals NHS Trust", "non_compliant", 0.5),
    ("R8G", "Glenmoor Hospitals NHS Foundation Trust", "half_filled", 0.0),
    ("R8H", "Harbourside NHS Trust", "half_filled", 0.4),
    ("R8J", "Ivybridge Cross Hospitals NHS Trust", "compliant", 0.5),
    ("R8K", "Kingsmead Teaching Hospitals NHS Trust", "partly_compliant", 0.6),
    ("R8L", "Linden Park NHS Trust", "compliant", 0.2),
    ("R8M", "Marshgate Hospitals NHS Trust", "non_compliant", 0.3),
]


def load(spec, name):
    return json.loads((ROOT / "specs" / "examples" / spec / f"{name}.json").read_text())


def valid(spec, sub):
    """Whether `netspec eval` evaluates the submission (exit 0 or 1 with a report)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(sub, f)
        path = f.name
    out = subprocess.run(
        [str(CLI), "eval", f"specs/{spec}.netspec", path, "--format", "json"],
        cwd=ROOT, capture_output=True, text=True,
    )
    Path(path).unlink()
    try:
        return "report_format" in json.loads(out.stdout)
    except json.JSONDecodeError:
        return False


def rename_units(sub, town):
    """Gives every named list element (a unit) a name of the provider's."""
    for value in sub.values():
        if isinstance(value, list):
            for k, item in enumerate(value):
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    item["name"] = f"{town} unit {k + 1}"


def provider(spec, ods, name, base, mix, rng, period, signed):
    templates = {t: load(spec, t) for t in TEMPLATES}
    sub = json.loads(json.dumps(templates[base]))
    for key in [k for k in sub if k not in ("header", "evidence")] + [
        k for t in templates.values() for k in t if k not in sub and k not in ("header", "evidence")
    ]:
        if rng.random() >= mix:
            continue
        donor = templates[rng.choice([t for t in TEMPLATES if t != base])]
        if key not in donor:
            continue
        trial = json.loads(json.dumps(sub))
        trial[key] = json.loads(json.dumps(donor[key]))
        if valid(spec, trial):
            sub = trial
    sub["header"] = {
        "respondent": "provider",
        "organisation": {"ods_code": ods, "name": name},
        "period": period,
        "completed_by": "Critical care service lead" if spec == "adult_critical_care" else "Neonatal service lead",
    }
    if signed:
        sub["header"]["signed_off"] = {"by": "Medical director", "on": "2025-07-15"}
    rename_units(sub, name.split()[0])
    return sub


def write(folder, name, sub):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(sub, indent=2, ensure_ascii=False) + "\n")


def network(spec, providers, network_example, seed, folder, period, broken, gone=()):
    rng = random.Random(seed)
    for f in folder.glob("*.json"):
        f.unlink()
    for k, (ods, name, base, mix) in enumerate(providers):
        if ods in gone:
            continue
        sub = provider(spec, ods, name, base, mix, rng, period, signed=k % 3 != 2)
        assert valid(spec, sub), f"{spec} {ods}: the generated submission is refused"
        write(folder, f"{ods.lower()}.json", sub)
    net = load(spec, network_example)
    net["header"]["period"] = period
    # the network answers through its host, a member provider
    host_ods, host_name = providers[4][0], providers[4][1]
    net["header"]["organisation"] = {"ods_code": host_ods, "name": host_name}
    assert valid(spec, net), f"{spec}: the network submission is refused"
    write(folder, "network.json", net)
    if broken:
        ods, name, text = broken
        sub = provider(spec, ods, name, "compliant", 0.0, rng, period, signed=False)
        text(sub)
        assert not valid(spec, sub), f"{spec} {ods}: the broken submission is evaluated"
        write(folder, f"{ods.lower()}_broken.json", sub)


def main():
    if not CLI.exists():
        sys.exit("build the CLI first: cargo build -p netspec-cli")
    this = {"start": "2024-07-01", "end": "2025-06-30"}
    before = {"start": "2023-07-01", "end": "2024-06-30"}

    def acc_broken(sub):
        sub["units"][0]["l3_beds"] = "eight"  # text where a number is asked for

    def ncc_broken(sub):
        sub["header"]["organisation"]["ods_code"] = "r8z-1"  # not an ODS code

    ex = ROOT / "specs" / "examples"
    network("adult_critical_care", ACC_PROVIDERS, "network_compliant", 19,
            ex / "adult_critical_care" / "network", this,
            ("R9M", "Moorcroft Hospitals NHS Trust", acc_broken))
    # the previous period: the same network, other answers; R9L joined since
    network("adult_critical_care", ACC_PROVIDERS, "network_non_compliant", 2023,
            ex / "adult_critical_care" / "network_previous", before, None, gone=("R9L",))
    network("neonatal_critical_care", NCC_PROVIDERS, "network_non_compliant", 7,
            ex / "neonatal_critical_care" / "network", this,
            ("R8Z", "Northgate Neonatal Services NHS Trust", ncc_broken))


if __name__ == "__main__":
    main()
