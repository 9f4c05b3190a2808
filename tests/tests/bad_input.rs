//! The bad-input catalogue (`tests/bad_input/catalogue.json`) through the
//! library: every case gives the documented code at the documented place
//! (or no error), quickly, on the default 2 MiB test thread stack, and the
//! next compilation and evaluation in the same process still work.
//!
//! The same catalogue runs through the `netspec` binary in
//! `crates/netspec-cli/tests/bad_input.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use netspec::{Diagnostic, EvalError, EvalOptions, Report, Severity, Sources, Spec};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    #[allow(dead_code)]
    description: String,
    submission_spec: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    kind: Kind,
    description: String,
    file: Option<String>,
    generate: Option<Generate>,
    expect: Expect,
}

#[derive(Deserialize, PartialEq, Eq, Clone, Copy, Debug)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Spec,
    Submission,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    prefix: String,
    repeat: String,
    times: usize,
    suffix: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    code: Option<String>,
    severity: Option<String>,
    #[serde(default)]
    line: Option<usize>,
    #[serde(default)]
    column: Option<usize>,
    #[serde(default)]
    path: Option<String>,
    exit: u8,
}

/// Most diagnostics one case may give: the errors and warnings kept
/// (`MAX_DIAGNOSTICS` each) and the NS0310 saying there were more. Time is
/// not asserted here (it depends on the machine's load): the work is bounded
/// by the limits and the evaluation budget, which are counted.
const MOST_DIAGNOSTICS: usize = 2 * netspec_core::limits::MAX_DIAGNOSTICS + 1;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bad_input")
}

fn catalogue() -> Catalogue {
    let text = std::fs::read_to_string(dir().join("catalogue.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The case's bytes: its file, or prefix + repeat × times + suffix, with
/// `{n}` in `repeat` replaced by the 0-based repetition number.
fn input(case: &Case) -> Vec<u8> {
    match (&case.file, &case.generate) {
        (Some(f), None) => std::fs::read(dir().join(f)).unwrap(),
        (None, Some(g)) => {
            let mut out = g.prefix.clone();
            if g.repeat.contains("{n}") {
                for i in 0..g.times {
                    out.push_str(&g.repeat.replace("{n}", &i.to_string()));
                }
            } else {
                out.push_str(&g.repeat.repeat(g.times));
            }
            out.push_str(&g.suffix);
            out.into_bytes()
        }
        _ => panic!("{}: give exactly one of file and generate", case.name),
    }
}

/// What one run gave: the diagnostics and the exit code the CLI would give.
struct Outcome {
    diagnostics: Vec<Diagnostic>,
    exit: u8,
}

fn run_spec(name: &str, bytes: &[u8]) -> Outcome {
    let text = match netspec_core::diagnostic::decode_utf8(bytes) {
        Ok(t) => t,
        Err(d) => {
            return Outcome {
                diagnostics: vec![*d],
                exit: 1,
            }
        }
    };
    match Spec::compile(name, &Sources::single(name, text)) {
        Ok(spec) => Outcome {
            diagnostics: spec.warnings().to_vec(),
            exit: 0,
        },
        Err(e) => Outcome {
            diagnostics: e.diagnostics,
            exit: 1,
        },
    }
}

fn run_submission(spec: &Spec, bytes: &[u8]) -> Outcome {
    match spec.evaluate_bytes(bytes, &EvalOptions::default()) {
        Ok(report) => Outcome {
            diagnostics: report.warnings,
            exit: 0,
        },
        Err(e @ EvalError::Json(_)) => Outcome {
            diagnostics: e.diagnostics(),
            exit: 2,
        },
        Err(e) => Outcome {
            diagnostics: e.diagnostics(),
            exit: 1,
        },
    }
}

fn check(case: &Case, got: &Outcome) -> Result<(), String> {
    let shown: Vec<String> = got.diagnostics.iter().map(ToString::to_string).collect();
    let shown = shown.join("\n");
    if got.exit != case.expect.exit {
        return Err(format!(
            "exit {} expected, the CLI would give {}:\n{shown}",
            case.expect.exit, got.exit
        ));
    }
    let Some(code) = &case.expect.code else {
        if got.diagnostics.iter().any(Diagnostic::is_error) {
            return Err(format!("no error expected:\n{shown}"));
        }
        return Ok(());
    };
    let Some(d) = got.diagnostics.iter().find(|d| d.code.as_str() == code) else {
        return Err(format!("{code} expected:\n{shown}"));
    };
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    if case.expect.severity.as_deref() != Some(severity) {
        return Err(format!(
            "{code} is a {severity}, expected {:?}",
            case.expect.severity
        ));
    }
    match case.kind {
        Kind::Spec => {
            let at = d.location.as_ref().map(|l| (l.line, l.column));
            let want = case.expect.line.zip(case.expect.column);
            if want.is_some() && at != want {
                return Err(format!("{code} at {at:?}, expected at {want:?}:\n{shown}"));
            }
        }
        Kind::Submission => {
            if d.path != case.expect.path {
                return Err(format!(
                    "{code} at {:?}, expected at {:?}:\n{shown}",
                    d.path, case.expect.path
                ));
            }
        }
    }
    Ok(())
}

/// A submission header (a header is beside the point of these cases).
const HEADER: &str = r#""header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}"#;

#[test]
fn catalogue_through_the_library() {
    let cat = catalogue();
    let spec_text = std::fs::read_to_string(dir().join(&cat.submission_spec)).unwrap();
    let sources = Sources::single("submission_spec.netspec", spec_text.as_str());
    let spec = Spec::compile("submission_spec.netspec", &sources).unwrap();
    let good = r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "beds": 3, "occupancy": 80, "role": "level2_unit", "units": [{"name": "A", "beds": 3}]}"#;
    let baseline: Report = spec.evaluate_str(good, &EvalOptions::default()).unwrap();

    let mut names = std::collections::BTreeSet::new();
    let mut failed = Vec::new();
    for case in &cat.cases {
        assert!(
            names.insert(case.name.clone()),
            "{}: name used twice",
            case.name
        );
        assert!(
            !case.description.is_empty(),
            "{}: no description",
            case.name
        );
        let bytes = input(case);
        let got = match case.kind {
            Kind::Spec => run_spec(case.file.as_deref().unwrap_or("generated.netspec"), &bytes),
            Kind::Submission => run_submission(&spec, &bytes),
        };
        if let Err(e) = check(case, &got) {
            failed.push(format!("{}: {e}", case.name));
        }
        if got.diagnostics.len() > MOST_DIAGNOSTICS {
            failed.push(format!(
                "{}: {} diagnostics (at most {MOST_DIAGNOSTICS})",
                case.name,
                got.diagnostics.len()
            ));
        }
        // the same process goes on as before
        let again = spec.evaluate_str(good, &EvalOptions::default()).unwrap();
        assert_eq!(
            again, baseline,
            "{}: the next evaluation differs",
            case.name
        );
        assert!(Spec::compile("submission_spec.netspec", &sources).is_ok());
    }
    assert!(
        failed.is_empty(),
        "{} case(s) failed:\n{}",
        failed.len(),
        failed.join("\n\n")
    );
}

/// Every data file in the folder is used by a case.
#[test]
fn every_file_has_a_case() {
    let cat = catalogue();
    let used: std::collections::BTreeSet<String> =
        cat.cases.iter().filter_map(|c| c.file.clone()).collect();
    for sub in ["specs", "submissions"] {
        for entry in std::fs::read_dir(dir().join(sub)).unwrap() {
            let name = format!("{sub}/{}", entry.unwrap().file_name().to_string_lossy());
            assert!(
                used.contains(&name),
                "{name} is in no case of catalogue.json"
            );
        }
    }
}

/// 10,000 list elements that each leave a question unanswered: the
/// unknowns are gathered in linear time (they used to be compared pairwise,
/// 10,000² comparisons per rule), and the list of questions is capped.
#[test]
fn many_unanswered_elements_stay_linear() {
    let text = r#"spec many "Many" { version "1" }
inputs "Units" {
  units: list "Units" {
    name: text "Name"
    x: int min 0 "X"
    y: int min 0 "Y"
  }
}
area resources {
  requirement RE-01 must "Both" {
    (all u in units: u.x > 0) and (all u in units: u.y > 0)
    ref "r"
  }
  requirement RE-02 must "Sum" {
    sum(u.x for u in units) > count(u in units where u.y > 0)
    ref "r"
  }
}
"#;
    let spec = Spec::compile("many.netspec", &Sources::single("many.netspec", text)).unwrap();
    let units: Vec<String> = (0..10_000)
        .map(|i| format!(r#"{{"name": "U{i}"}}"#))
        .collect();
    let sub = format!(r#"{{{HEADER}, "units": [{}]}}"#, units.join(", "));
    // linear work, counted: each requirement visits each element once for
    // each quantifier or aggregate, with a few nodes per element (a
    // comparison, a field of a variable, a constant); 20 steps per element
    // and requirement, explanations included, is far more than that, and
    // nowhere near 10,000² (the budget would run out: NS0308)
    let mut limits = netspec::Limits::default();
    limits.max_eval_steps = 2 * 20 * 10_000;
    let spec = spec.with_limits(limits);
    let report = spec.evaluate_str(&sub, &EvalOptions::default()).unwrap();
    // 20,000 questions each; the list shows 100 and one "… and 19900 more"
    for r in &report.requirements {
        assert_eq!(r.outcome, netspec::Outcome::Incomplete, "{}", r.id);
        assert_eq!(r.missing.len(), 101, "{}", r.id);
        assert_eq!(r.missing[100].question, "… and 19900 more", "{}", r.id);
    }
    let codes: Vec<&str> = report.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["NS0310"]);
}

/// The work budget is counted, not timed: the same submission stops at the
/// same requirement every time, and a larger budget decides it.
#[test]
fn the_work_budget_is_deterministic() {
    let cat = catalogue();
    let spec_text = std::fs::read_to_string(dir().join(&cat.submission_spec)).unwrap();
    let sources = Sources::single("submission_spec.netspec", spec_text.as_str());
    let case = cat
        .cases
        .iter()
        .find(|c| c.name == "submission_budget")
        .unwrap();
    let bytes = input(case);
    let spec = Spec::compile("submission_spec.netspec", &sources).unwrap();
    let a = spec
        .evaluate_bytes(&bytes, &EvalOptions::default())
        .unwrap();
    let b = spec
        .evaluate_bytes(&bytes, &EvalOptions::default())
        .unwrap();
    assert_eq!(a, b);
    let outcomes: Vec<_> = a.requirements.iter().map(|r| (&*r.id, r.outcome)).collect();
    use netspec::Outcome::*;
    assert_eq!(
        outcomes,
        [
            ("RE-01", Met),
            ("RE-02", Met),
            ("RE-03", Incomplete),
            ("RE-04", Incomplete)
        ]
    );
    let mut limits = netspec::Limits::default();
    limits.max_eval_steps = 200_000_000;
    let bigger = spec.with_limits(limits);
    let c = bigger
        .evaluate_bytes(&bytes, &EvalOptions::default())
        .unwrap();
    assert_eq!(c.requirements.last().map(|r| r.outcome), Some(Met));
    // no NS0308; the explanation of RE-04's 10,000² checks is cut at 50 (NS0310)
    let codes: Vec<&str> = c.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["NS0310"]);
}

/// The formatter on a large spec with a comment on every line: line numbers
/// and comments are looked up by binary search (they used to be counted
/// from the start of the file for every node, minutes for a few MB).
#[test]
fn formatting_a_large_spec_is_linear() {
    let mut text = String::from(
        "spec big \"Generated\" { version \"1\" }\ninputs \"I\" {\n  x: int \"X\"\n}\narea resources {\n",
    );
    for i in 0..20_000 {
        text.push_str(&format!(
            "  requirement R-{i} must \"T\" {{ // c\n    x > {i} // d\n  }}\n"
        ));
    }
    text.push_str("}\n");
    let once = netspec_core::format::format_source(&text).unwrap();
    let twice = netspec_core::format::format_source(&once).unwrap();
    assert_eq!(once, twice);
    // the output is as large as the input, give or take the layout (its
    // time is a benchmark's business, not a test's)
    assert!(
        once.len() <= text.len() * 11 / 10,
        "{} bytes from {}",
        once.len(),
        text.len()
    );
}

/// A spec's tests share one work budget: once it is used up, the tests left
/// are not run (and fail, saying why), so a spec with a great many tests
/// cannot make `netspec test` run for ever.
#[test]
fn tests_share_one_work_budget() {
    let mut text = String::from(
        "spec many \"Many tests\" { version \"1\" }\ninputs \"I\" {\n  x: int \"X\"\n}\narea resources {\n  requirement R-1 must \"T\" {\n    x > 0\n    ref \"r\"\n  }\n}\n",
    );
    for i in 0..3 {
        text.push_str(&format!(
            "test \"t{i}\" {{\n  given {{ \"x\": 1 }}\n  expect R-1 met\n}}\n"
        ));
    }
    let sources = Sources::single("many.netspec", text.as_str());
    let spec = Spec::compile("many.netspec", &sources).unwrap();
    assert!(spec.run_tests().iter().all(|t| t.passed));
    let mut limits = netspec::Limits::default();
    limits.max_eval_steps = 2;
    let small = Spec::compile_with_options(
        "many.netspec",
        &sources,
        &netspec::CompileOptions::default().with_limits(limits),
    )
    .unwrap();
    let results = small.run_tests();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|t| !t.passed));
    for t in &results[1..] {
        let error = t.error.as_deref().unwrap_or_default();
        assert!(error.contains("used up the work budget"), "{error}");
    }
}

/// Every requirement reads every input through a tree of definitions: the
/// unread-input lint walks each definition once (it used to copy each
/// definition's inputs at every use, minutes and gigabytes for a 450 KB
/// spec), and the form lists at most 100 requirements per question.
#[test]
fn every_requirement_reading_every_input_stays_bounded() {
    let n = 1_600;
    let mut text = String::from("spec big \"Generated\" { version \"1\" }\ninputs \"I\" {\n");
    for i in 0..n {
        text.push_str(&format!("  x{i}: int \"X\"\n"));
    }
    text.push_str("}\n");
    let mut leaves = Vec::new();
    for j in 0..n / 32 {
        let terms: Vec<String> = (j * 32..(j + 1) * 32).map(|i| format!("x{i}")).collect();
        text.push_str(&format!("let l{j} = {}\n", terms.join(" + ")));
        leaves.push(format!("l{j}"));
    }
    text.push_str(&format!("let total = {}\n", leaves.join(" + ")));
    text.push_str("area resources {\n");
    for i in 0..n {
        text.push_str(&format!(
            "  requirement R-{i} must \"T{i}\" {{ total + total + total > {i} }}\n"
        ));
    }
    text.push_str("}\n");
    let spec = Spec::compile(
        "big.netspec",
        &Sources::single("big.netspec", text.as_str()),
    )
    .unwrap();
    let form = spec.inputs();
    let questions: Vec<_> = form.iter().flat_map(|s| s.questions.iter()).collect();
    assert_eq!(questions.len(), n);
    for q in questions {
        assert_eq!(q.read_by.len(), netspec_core::inputs::MAX_READ_BY);
    }
}
