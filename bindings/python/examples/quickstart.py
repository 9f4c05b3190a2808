import pathlib, netspec
spec = netspec.Spec.from_file("specs/adult_critical_care.netspec")
report = spec.evaluate(pathlib.Path("specs/examples/adult_critical_care/non_compliant.json").read_text())
print(report.overall, report.compliance)  # red 4.55
print([r.id for r in report.requirements if r.outcome == "not_met"][:3])  # ['ACC-SD-01', 'ACC-SD-02', 'ACC-SD-03']
