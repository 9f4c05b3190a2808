//! End-to-end tests of the `netspec` binary: each test writes specs and
//! submissions to its own temporary folder and runs the real executable.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod support;
use support::Dir;

// ------------------------------------------------------------------ harness

/// What a run printed and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `netspec ARGS` in `cwd`.
fn netspec_in(cwd: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_netspec"))
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run netspec");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    // whatever the input, the tool never panics
    assert!(
        !run.stderr.contains("panicked") && run.code.is_some(),
        "netspec {args:?} crashed: {run:?}"
    );
    run
}

fn netspec(dir: &Dir, args: &[&str]) -> Run {
    netspec_in(dir.path(), args)
}

#[track_caller]
fn assert_exit(run: &Run, code: i32) {
    assert_eq!(run.code, Some(code), "{run:?}");
}

// ------------------------------------------------------------------ fixtures

const GOOD_SPEC: &str = r#"spec demo "Demo network" {
  version "2025.1"
}

inputs "Units" {
  provider.role: enum(level3_unit, level2_unit, non_designated) "Designation of this provider"
  units: list min 1 "Critical care units" {
    name: text "Unit name"
    l3_beds: int min 0 "Funded level 3 beds"
    l2_beds: int min 0 "Funded level 2 beds"
    rn_per_shift: int min 0 "Registered nurses rostered on a day shift"
    cc_qualified: percent "Registered nurses with a critical care award"
  }
  ct_within_60: int min 0 "CT scans within 60 minutes"
  ct_indicated: int min 0 "CT scans indicated"
  policy_reviewed_on: date "When was the staffing policy last reviewed?"
}

area workforce {
  requirement WF-01 must "Nurse staffing meets 1:1 for level 3 and 1:2 for level 2" {
    applies when provider.role != non_designated
    all u in units: u.rn_per_shift >= u.l3_beds + ceil(u.l2_beds / 2)
    evidence rosters "Rosters for the last three months"
    ref "GPICS v2.1, nursing"
  }
  requirement WF-02 should "At least half of nurses hold a critical care award" {
    all u in units: u.cc_qualified >= 50%
    ref "GPICS v2.1, nursing"
  }
}

area service_delivery {
  requirement SD-01 must "CT within 60 minutes for 90%" {
    ct_within_60 / ct_indicated >= 90%
    ref "Imaging standard 3"
  }
}

area quality {
  requirement QU-01 should "Staffing policy reviewed in the last 12 months" {
    policy_reviewed_on within 12 months
    ref "Governance standard 1"
  }
}
"#;

/// Unit B is short of nurses and of qualified nurses; CT is 29/33.
const SUBMISSION: &str = r#"{
  "header": {"respondent": "provider", "organisation": {"ods_code": "RXA", "name": "Eastmoor Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"},
  "provider": {"role": "level3_unit"},
  "units": [
    {"name": "A", "l3_beds": 6, "l2_beds": 4, "rn_per_shift": 8, "cc_qualified": 60},
    {"name": "B", "l3_beds": 8, "l2_beds": 6, "rn_per_shift": 9, "cc_qualified": 45}
  ],
  "ct_within_60": 29,
  "ct_indicated": 33,
  "policy_reviewed_on": "2024-09-01",
  "evidence": {"WF-01": {"rosters": "rosters-q1.pdf"}}
}"#;

/// Every requirement met.
const GOOD_SUBMISSION: &str = r#"{
  "header": {"respondent": "provider", "organisation": {"ods_code": "RXA", "name": "Eastmoor Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"},
  "provider": {"role": "level3_unit"},
  "units": [{"name": "A", "l3_beds": 6, "l2_beds": 4, "rn_per_shift": 8, "cc_qualified": 60}],
  "ct_within_60": 30,
  "ct_indicated": 33,
  "policy_reviewed_on": "2025-01-15"
}"#;

fn requirement<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no requirement {id} in {report:#}"))
}

fn area<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == name)
        .unwrap_or_else(|| panic!("no area {name} in {report:#}"))
}

// ------------------------------------------------------------------ check

#[test]
fn check_good_spec_is_silent() {
    let d = Dir::new("check-good");
    d.write("demo.netspec", GOOD_SPEC);
    let run = netspec(&d, &["check", "demo.netspec"]);
    assert_exit(&run, 0);
    assert_eq!(run.stdout, "", "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
}

#[test]
fn check_misspelt_input_points_at_it() {
    let d = Dir::new("check-misspelt");
    let bad = GOOD_SPEC.replace(
        "ct_within_60 / ct_indicated >= 90%",
        "ct_witin_60 / ct_indicated >= 90%",
    );
    d.write("demo.netspec", &bad);
    let run = netspec(&d, &["check", "demo.netspec"]);
    assert_exit(&run, 1);
    assert_eq!(run.stdout, "", "{run:?}");
    let err = &run.stderr;
    assert!(err.contains("error[NS0002]"), "{run:?}");
    assert!(err.contains("unknown name `ct_witin_60`"), "{run:?}");
    // file:line:col of the misspelling
    let (line_no, line) = bad
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("ct_witin_60"))
        .unwrap();
    let col = line.find("ct_witin_60").unwrap();
    assert!(
        err.contains(&format!("demo.netspec:{}:{}", line_no + 1, col + 1)),
        "{run:?}"
    );
    // the source line, then a caret line whose carets sit under the misspelling
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.ends_with(line.trim_end()) && l.contains('|'))
        .unwrap_or_else(|| panic!("no source line in {run:?}"));
    let src = lines[at];
    let carets = lines[at + 1];
    let offset = src.find(line.trim_end()).unwrap();
    let first_caret = carets.find('^').expect("caret line");
    assert_eq!(
        first_caret,
        offset + col,
        "caret not under the name: {run:?}"
    );
    let caret_count = carets[first_caret..]
        .chars()
        .take_while(|c| *c == '^')
        .count();
    assert_eq!(caret_count, "ct_witin_60".len(), "{run:?}");
    assert!(err.contains("did you mean `ct_within_60`?"), "{run:?}");
}

#[test]
fn check_warnings_do_not_fail() {
    let d = Dir::new("check-warnings");
    let spec = GOOD_SPEC.replace(
        "  ct_indicated: int min 0 \"CT scans indicated\"\n",
        "  ct_indicated: int min 0 \"CT scans indicated\"\n  spare_beds: int min 0 \"Beds kept free\"\n",
    );
    assert_ne!(spec, GOOD_SPEC);
    d.write("demo.netspec", &spec);
    let run = netspec(&d, &["check", "demo.netspec"]);
    assert_exit(&run, 0);
    assert!(run.stderr.contains("warning[NS0102]"), "{run:?}");
    assert!(run.stderr.contains("spare_beds"), "{run:?}");
    assert!(!run.stderr.contains("error["), "{run:?}");
    // and evaluation goes ahead
    d.write("sub.json", GOOD_SUBMISSION);
    let run = netspec(
        &d,
        &["eval", "demo.netspec", "sub.json", "--format", "json"],
    );
    assert_exit(&run, 0);
    assert_eq!(run.json()["overall"]["rating"], "green");
}

#[test]
fn check_reports_every_file_and_json_format() {
    let d = Dir::new("check-json");
    d.write("good.netspec", GOOD_SPEC);
    d.write(
        "bad.netspec",
        GOOD_SPEC.replace("area quality", "area qualty"),
    );
    let run = netspec(&d, &["check", "good.netspec", "bad.netspec"]);
    assert_exit(&run, 1);
    assert!(run.stderr.contains("error[NS0013]"), "{run:?}");
    assert!(run.stderr.contains("did you mean `quality`?"), "{run:?}");

    let run = netspec(&d, &["check", "--format", "json", "bad.netspec"]);
    assert_exit(&run, 1);
    // one JSON array per run: an entry per file that has diagnostics
    let v = run.json();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v:#}");
    assert_eq!(v[0]["file"], "bad.netspec");
    let diags = v[0]["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diags.len(), 1, "{v:#}");
    assert_eq!(diags[0]["code"], "NS0013");
    assert_eq!(diags[0]["severity"], "error");
    assert_eq!(diags[0]["location"]["file"], "bad.netspec");
    assert!(diags[0]["location"]["line"].as_u64().unwrap() > 1);
}

#[test]
fn check_names_an_unclosed_brace_and_where_it_was_noticed() {
    let d = Dir::new("check-unclosed");
    // the workforce area loses its closing brace
    let broken = GOOD_SPEC.replacen(
        "    all u in units: u.cc_qualified >= 50%\n    ref \"GPICS v2.1, nursing\"\n  }\n}\n",
        "    all u in units: u.cc_qualified >= 50%\n    ref \"GPICS v2.1, nursing\"\n  }\n",
        1,
    );
    assert_ne!(broken, GOOD_SPEC);
    d.write("open.netspec", &broken);
    let line_of = |needle: &str| broken.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let opened = line_of("area workforce {");
    let noticed = line_of("area service_delivery {");
    let run = netspec(&d, &["check", "open.netspec"]);
    assert_exit(&run, 1);
    assert!(
        run.stderr.contains(&format!(
            "error[NS0001]: unclosed `{{` opened at line {opened}"
        )),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(&format!("open.netspec:{opened}:16")),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("noticed here: expected `requirement`"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("error[NS0001]: expected"), "{run:?}");
    let run = netspec(&d, &["check", "--format", "json", "open.netspec"]);
    assert_exit(&run, 1);
    let v = run.json();
    let diags = v[0]["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diags.len(), 1, "{v:#}");
    assert_eq!(diags[0]["location"]["line"], opened);
    assert_eq!(diags[0]["location"]["column"], 16);
    let related = diags[0]["related"].as_array().expect("related");
    assert_eq!(related.len(), 1, "{v:#}");
    assert_eq!(related[0]["location"]["line"], noticed);
    assert_eq!(related[0]["location"]["column"], 1);
    assert!(related[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("noticed here"));
}

// ------------------------------------------------------------------ eval

#[test]
fn eval_text_report() {
    let d = Dir::new("eval-text");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    let run = netspec(&d, &["eval", "demo.netspec", "sub.json"]);
    assert_exit(&run, 0);
    let out = &run.stdout;
    for needle in [
        "Demo network",
        "2025-06-30",
        "WF-01",
        "WF-02",
        "SD-01",
        "QU-01",
        "unit 2, B: Registered nurses rostered on a day shift: 9; needs at least 11",
        "to pass: 2 more registered nurses rostered on a day shift",
        "CT scans within 60 minutes: 29 of 33 (87.88%); needs at least 90%",
        "compliance 25.0% (1 of 4 met; 0 incomplete)",
        "Workforce",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in {run:?}");
    }
    // the overall rating is red (two musts not met)
    assert!(
        out.lines()
            .any(|l| l.to_lowercase().starts_with("overall") && l.contains("RED")),
        "{run:?}"
    );
}

#[test]
fn eval_json_report() {
    let d = Dir::new("eval-json");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    let run = netspec(
        &d,
        &["eval", "demo.netspec", "sub.json", "--format", "json"],
    );
    assert_exit(&run, 0);
    let r = run.json();
    assert_eq!(r["spec"]["id"], "demo");
    assert_eq!(r["spec"]["version"], "2025.1");
    assert_eq!(r["assessed_on"], "2025-06-30");
    assert_eq!(r["overall"]["rating"], "red");
    assert_eq!(r["overall"]["counts"]["met"], 1);
    assert_eq!(r["overall"]["counts"]["not_met"], 3);
    assert_eq!(area(&r, "workforce")["rating"], "red");
    assert_eq!(area(&r, "quality")["rating"], "green");
    assert_eq!(area(&r, "service_delivery")["rating"], "red");

    let wf1 = requirement(&r, "WF-01");
    assert_eq!(wf1["outcome"], "not_met");
    assert_eq!(wf1["level"], "must");
    assert_eq!(wf1["ref"], "GPICS v2.1, nursing");
    let e = &wf1["explanation"][0];
    assert_eq!(e["element"], "units[1] (B)");
    assert_eq!(e["left"], 9);
    assert_eq!(e["right"], 11);
    assert_eq!(e["gap"], 2);
    assert_eq!(e["held"], false);
    assert_eq!(wf1["evidence"]["given"][0]["reference"], "rosters-q1.pdf");
    assert_eq!(wf1["evidence"]["missing"], serde_json::json!([]));

    let wf2 = requirement(&r, "WF-02");
    assert_eq!(wf2["outcome"], "not_met");
    assert_eq!(wf2["explanation"][0]["left"], 45);
    assert_eq!(wf2["explanation"][0]["right"], 50);

    let sd1 = requirement(&r, "SD-01");
    assert_eq!(sd1["outcome"], "not_met");
    let left = sd1["explanation"][0]["left"].as_f64().unwrap();
    assert!((left - 87.878_787).abs() < 1e-3, "{sd1:#}");

    assert_eq!(requirement(&r, "QU-01")["outcome"], "met");

    // --no-explanations leaves them out but keeps the outcomes
    let run = netspec(
        &d,
        &[
            "eval",
            "demo.netspec",
            "sub.json",
            "--format",
            "json",
            "--no-explanations",
        ],
    );
    assert_exit(&run, 0);
    let r2 = run.json();
    assert_eq!(requirement(&r2, "WF-01")["outcome"], "not_met");
    assert_eq!(
        requirement(&r2, "WF-01")["explanation"],
        serde_json::json!([])
    );
}

#[test]
fn eval_is_byte_identical_across_runs() {
    let d = Dir::new("eval-determinism");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    for format in ["json", "text"] {
        let a = netspec(
            &d,
            &["eval", "demo.netspec", "sub.json", "--format", format],
        );
        let b = netspec(
            &d,
            &["eval", "demo.netspec", "sub.json", "--format", format],
        );
        assert_eq!(a.stdout, b.stdout);
        assert!(!a.stdout.is_empty());
    }
}

/// `netspec compile` writes a compiled document; `eval --compiled` gives
/// the same report bytes from it (text, JSON and batch), refuses another
/// engine's document with NS0312, and a spec that does not compile gives
/// its errors and no document.
#[test]
fn compile_and_eval_compiled() {
    let d = Dir::new("compile-document");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    let run = netspec(&d, &["compile", "demo.netspec", "-o", "demo.json"]);
    assert_exit(&run, 0);
    let doc: Value = serde_json::from_str(&d.read("demo.json")).unwrap();
    assert_eq!(doc["format"], 1);
    assert_eq!(doc["spec"]["id"], "demo");
    assert_eq!(doc["spec"]["version"], "2025.1");
    // standard output, the same document
    let out = netspec(&d, &["compile", "demo.netspec"]);
    assert_exit(&out, 0);
    assert_eq!(out.stdout, d.read("demo.json"));
    for format in ["json", "text"] {
        let a = netspec(
            &d,
            &["eval", "demo.netspec", "sub.json", "--format", format],
        );
        let b = netspec(
            &d,
            &[
                "eval",
                "--compiled",
                "demo.json",
                "sub.json",
                "--format",
                format,
            ],
        );
        assert_exit(&b, a.code.unwrap());
        assert_eq!(a.stdout, b.stdout, "{format}");
        assert!(!b.stdout.is_empty());
    }
    d.write(
        "lines.jsonl",
        format!("{}\n{{}}\n", SUBMISSION.replace('\n', " ")),
    );
    let a = netspec(
        &d,
        &[
            "eval",
            "demo.netspec",
            "--batch",
            "lines.jsonl",
            "--no-progress",
        ],
    );
    let b = netspec(
        &d,
        &[
            "eval",
            "--compiled",
            "demo.json",
            "--batch",
            "lines.jsonl",
            "--no-progress",
        ],
    );
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stdout.lines().count(), 2);

    let mut other = doc.clone();
    other["engine"] = Value::from("0.0.1");
    d.write("old.json", other.to_string());
    let run = netspec(&d, &["eval", "--compiled", "old.json", "sub.json"]);
    assert_exit(&run, 1);
    assert!(
        run.stderr.contains("NS0312") && run.stderr.contains("0.0.1"),
        "{run:?}"
    );
    let run = netspec(
        &d,
        &[
            "eval",
            "--compiled",
            "--format",
            "json",
            "demo.netspec",
            "sub.json",
        ],
    );
    assert_exit(&run, 1);
    assert_eq!(run.json()["diagnostics"][0]["code"], "NS0312");
    let run = netspec(
        &d,
        &["--root", ".", "eval", "--compiled", "demo.json", "sub.json"],
    );
    assert_exit(&run, 2);

    d.write(
        "bad.netspec",
        "spec bad \"Bad\" { version \"1\" }\nlet x = nothing\n",
    );
    let run = netspec(&d, &["compile", "bad.netspec", "-o", "bad.json"]);
    assert_exit(&run, 1);
    assert!(run.stderr.contains("NS0002"), "{run:?}");
    assert!(!d.path().join("bad.json").exists());
}

#[test]
fn eval_missing_answers_are_incomplete() {
    let d = Dir::new("eval-incomplete");
    d.write("demo.netspec", GOOD_SPEC);
    d.write(
        "sub.json",
        r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXA", "name": "Eastmoor Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "provider": {"role": "level3_unit"}, "ct_within_60": 30}"#,
    );
    let run = netspec(
        &d,
        &["eval", "demo.netspec", "sub.json", "--format", "json"],
    );
    assert_exit(&run, 0);
    let r = run.json();
    let sd1 = requirement(&r, "SD-01");
    assert_eq!(sd1["outcome"], "incomplete");
    assert_eq!(sd1["missing"][0]["path"], "/ct_indicated");
    assert_eq!(sd1["missing"][0]["question"], "CT scans indicated");
    let run = netspec(
        &d,
        &[
            "eval",
            "demo.netspec",
            "sub.json",
            "--fail-on",
            "incomplete",
        ],
    );
    assert_exit(&run, 1);
}

#[test]
fn eval_as_of_overrides_the_submission_date() {
    let d = Dir::new("eval-as-of");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    // reviewed 2024-09-01: within 12 months of 2025-06-30, not of 2025-10-01
    let run = netspec(
        &d,
        &["eval", "demo.netspec", "sub.json", "--format", "json"],
    );
    assert_eq!(requirement(&run.json(), "QU-01")["outcome"], "met");
    let run = netspec(
        &d,
        &[
            "eval",
            "demo.netspec",
            "sub.json",
            "--format",
            "json",
            "--as-of",
            "2025-10-01",
        ],
    );
    assert_exit(&run, 0);
    let r = run.json();
    assert_eq!(r["assessed_on"], "2025-10-01");
    assert_eq!(requirement(&r, "QU-01")["outcome"], "not_met");
    // a submission without a header is refused, unless --unattributed says
    // who it is from; it then has no date but --as-of
    let undated = SUBMISSION.replace("\"header\": {\"respondent\": \"provider\", \"organisation\": {\"ods_code\": \"RXA\", \"name\": \"Eastmoor Hospitals NHS Trust\"}, \"period\": {\"start\": \"2024-07-01\", \"end\": \"2025-06-30\"}, \"completed_by\": \"A. Example\"},", "");
    assert!(!undated.contains("header"));
    d.write("undated.json", &undated);
    let run = netspec(&d, &["eval", "demo.netspec", "undated.json"]);
    assert_exit(&run, 1);
    assert!(run.stderr.contains("NS0211"), "{run:?}");
    let run = netspec(
        &d,
        &[
            "eval",
            "demo.netspec",
            "undated.json",
            "--unattributed",
            "provider",
        ],
    );
    assert_exit(&run, 1);
    assert!(run.stderr.contains("NS0208"), "{run:?}");
    let run = netspec(
        &d,
        &[
            "eval",
            "demo.netspec",
            "undated.json",
            "--format",
            "json",
            "--unattributed",
            "provider",
            "--as-of",
            "2025-06-30",
        ],
    );
    assert_exit(&run, 0);
    let r = run.json();
    assert_eq!(r["assessed_on"], "2025-06-30");
    assert_eq!(r["header"], Value::Null);
    assert_eq!(r["respondent"], "provider");
    assert_eq!(r["warnings"][0]["code"], "NS0217");
}

#[test]
fn eval_fail_on() {
    let d = Dir::new("eval-fail-on");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    d.write("good.json", GOOD_SUBMISSION);
    let run = netspec(
        &d,
        &["eval", "demo.netspec", "sub.json", "--fail-on", "not-met"],
    );
    assert_exit(&run, 1);
    assert!(
        run.stdout.contains("WF-01"),
        "the report is still printed: {run:?}"
    );
    let run = netspec(
        &d,
        &["eval", "demo.netspec", "sub.json", "--fail-on", "red"],
    );
    assert_exit(&run, 1);
    let run = netspec(
        &d,
        &[
            "eval",
            "demo.netspec",
            "sub.json",
            "--fail-on",
            "incomplete",
        ],
    );
    assert_exit(&run, 0);
    for when in ["not-met", "red", "amber", "incomplete"] {
        let run = netspec(
            &d,
            &["eval", "demo.netspec", "good.json", "--fail-on", when],
        );
        assert_exit(&run, 0);
    }
    let run = netspec(
        &d,
        &["eval", "demo.netspec", "good.json", "--format", "json"],
    );
    assert_eq!(run.json()["overall"]["rating"], "green");
}

#[test]
fn eval_invalid_submission_lists_errors_and_warnings() {
    let d = Dir::new("eval-invalid");
    d.write("demo.netspec", GOOD_SPEC);
    d.write(
        "bad.json",
        r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXA", "name": "Eastmoor Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"},
            "units": [{"name": "A", "l3_beds": "six", "l2_beds": 4, "rn_per_shift": 8}],
            "policy_reviewed_on": "2025-02-30",
            "ct_indicatd": 33}"#,
    );
    let run = netspec(&d, &["eval", "demo.netspec", "bad.json"]);
    assert_exit(&run, 1);
    assert_eq!(
        run.stdout, "",
        "no report for an invalid submission: {run:?}"
    );
    let err = &run.stderr;
    let errors = err.lines().filter(|l| l.starts_with("error[")).count();
    let warnings = err.lines().filter(|l| l.starts_with("warning[")).count();
    assert_eq!((errors, warnings), (2, 1), "{run:?}");
    assert!(err.contains("error[NS0201]"), "{run:?}");
    assert!(err.contains("/units/0/l3_beds"), "{run:?}");
    assert!(err.contains("error[NS0203]"), "{run:?}");
    assert!(err.contains("/policy_reviewed_on"), "{run:?}");
    assert!(err.contains("warning[NS0205]"), "{run:?}");
    assert!(err.contains("/ct_indicatd"), "{run:?}");
    assert!(err.contains("did you mean `ct_indicated`?"), "{run:?}");
    assert!(
        err.contains("bad.json"),
        "names the submission file: {run:?}"
    );

    let run = netspec(
        &d,
        &["eval", "demo.netspec", "bad.json", "--format", "json"],
    );
    assert_exit(&run, 1);
    let v = run.json();
    let diags = v["diagnostics"].as_array().unwrap();
    let got: Vec<(String, String, String)> = diags
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        ("error", "NS0201", "/units/0/l3_beds"),
        ("error", "NS0203", "/policy_reviewed_on"),
        ("warning", "NS0205", "/ct_indicatd"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut want_sorted = want;
    want_sorted.sort();
    assert_eq!(got_sorted, want_sorted, "{v:#}");
}

#[test]
fn eval_warnings_do_not_stop_the_report() {
    let d = Dir::new("eval-warnings");
    d.write("demo.netspec", GOOD_SPEC);
    let sub = GOOD_SUBMISSION.replace("\"ct_within_60\"", "\"extra\": 1, \"ct_within_60\"");
    d.write("sub.json", &sub);
    let run = netspec(
        &d,
        &["eval", "demo.netspec", "sub.json", "--format", "json"],
    );
    assert_exit(&run, 0);
    let r = run.json();
    assert_eq!(r["warnings"][0]["code"], "NS0205");
    assert_eq!(r["warnings"][0]["path"], "/extra");
}

#[test]
fn unreadable_files_exit_2() {
    let d = Dir::new("unreadable");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    std::fs::create_dir_all(d.path().join("folder.netspec")).unwrap();
    for args in [
        &["check", "missing.netspec"][..],
        &["eval", "missing.netspec", "sub.json"],
        &["eval", "demo.netspec", "missing.json"],
        &["eval", "demo.netspec", "folder.netspec"],
        &["check", "folder.netspec"],
        &["test", "missing.netspec"],
    ] {
        let run = netspec(&d, args);
        assert_exit(&run, 2);
        assert!(
            run.stderr.contains("missing") || run.stderr.contains("folder"),
            "{args:?}: {run:?}"
        );
    }
}

#[test]
fn submission_that_is_not_json_exits_2() {
    let d = Dir::new("not-json");
    d.write("demo.netspec", GOOD_SPEC);
    for (name, text) in [
        ("trailing.json", "{\"units\": [},"),
        ("empty.json", ""),
        ("yaml.json", "units:\n  - name: A\n"),
    ] {
        d.write(name, text);
        let run = netspec(&d, &["eval", "demo.netspec", name]);
        assert_exit(&run, 2);
        assert!(run.stderr.contains("NS0207"), "{name}: {run:?}");
        let run = netspec(&d, &["eval", "demo.netspec", name, "--format", "json"]);
        assert_exit(&run, 2);
        assert_eq!(run.json()["diagnostics"][0]["code"], "NS0207");
    }
    // JSON, but not an object: an invalid submission, not unreadable
    d.write("array.json", "[1, 2]");
    let run = netspec(&d, &["eval", "demo.netspec", "array.json"]);
    assert_exit(&run, 1);
    assert!(run.stderr.contains("NS0206"), "{run:?}");
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new("usage");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    for args in [
        &[][..],
        &["frobnicate"],
        &["check"],
        &["eval", "demo.netspec"],
        &["eval", "demo.netspec", "sub.json", "--format", "xml"],
        &["eval", "demo.netspec", "sub.json", "--fail-on", "sometimes"],
        &["eval", "demo.netspec", "sub.json", "--as-of", "2025-13-01"],
        &["eval", "demo.netspec", "sub.json", "--as-of", "yesterday"],
        &["eval", "demo.netspec", "sub.json", "--no-such-flag"],
        &["test"],
        &["explain"],
    ] {
        let run = netspec(&d, args);
        assert_exit(&run, 2);
        assert_eq!(
            run.stdout, "",
            "{args:?}: usage errors go to stderr: {run:?}"
        );
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
}

/// The subcommands `netspec --help` lists (so new ones are covered too).
fn subcommands(d: &Dir) -> Vec<String> {
    let run = netspec(d, &["--help"]);
    assert_exit(&run, 0);
    let mut out = Vec::new();
    let mut in_commands = false;
    for line in run.stdout.lines() {
        if line.starts_with("Commands:") {
            in_commands = true;
            continue;
        }
        if in_commands {
            let Some(rest) = line.strip_prefix("  ") else {
                break;
            };
            if let Some(word) = rest.split_whitespace().next() {
                if !rest.starts_with(' ') && word != "help" {
                    out.push(word.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn help_for_every_subcommand() {
    let d = Dir::new("help");
    let commands = subcommands(&d);
    for expected in ["check", "eval", "test", "explain"] {
        assert!(commands.iter().any(|c| c == expected), "{commands:?}");
    }
    for c in &commands {
        for args in [
            vec![c.as_str(), "--help"],
            vec!["help", c.as_str()],
            vec![c.as_str(), "-h"],
        ] {
            let run = netspec(&d, &args);
            assert_exit(&run, 0);
            assert!(run.stdout.contains("Usage: netspec"), "{args:?}: {run:?}");
        }
    }
    for args in [&["--help"][..], &["-h"], &["help"], &["--version"], &["-V"]] {
        let run = netspec(&d, args);
        assert_exit(&run, 0);
        assert!(!run.stdout.is_empty(), "{args:?}");
    }
    let run = netspec(&d, &["--version"]);
    assert!(run.stdout.starts_with("netspec "), "{run:?}");
}

// ------------------------------------------------------------------ test

const TESTED_SPEC: &str = r#"spec demo "Demo network" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  nurses: int min 0 "Registered nurses on a day shift"
}
area workforce {
  requirement WF-01 must "One nurse per bed" {
    nurses >= beds
  }
}
test "enough nurses" {
  given { "beds": 4, "nurses": 4 }
  expect WF-01 met
  expect area workforce green
  expect overall green
}
test "short of nurses" {
  given file "examples/short.json"
  expect WF-01 not_met
  expect overall red
}
test "wrongly expects not met" {
  given { "beds": 4, "nurses": 5 }
  expect WF-01 not_met
  expect area workforce red
}
"#;

#[test]
fn test_command_counts_and_explains_failures() {
    let d = Dir::new("test-cmd");
    d.write("specs/demo.netspec", TESTED_SPEC);
    d.write("specs/examples/short.json", r#"{"beds": 4, "nurses": 3}"#);
    let run = netspec(&d, &["test", "specs/demo.netspec"]);
    assert_exit(&run, 1);
    let out = &run.stdout;
    assert!(out.contains("2 passed, 1 failed"), "{run:?}");
    assert!(out.contains("enough nurses ... ok"), "{run:?}");
    assert!(out.contains("short of nurses ... ok"), "{run:?}");
    assert!(
        out.contains("wrongly expects not met ... FAILED"),
        "{run:?}"
    );
    // the failure shows expected against actual, with the explanation
    assert!(out.contains("WF-01: expected not_met, got met"), "{run:?}");
    assert!(
        out.contains("area workforce: expected red, got green"),
        "{run:?}"
    );
    assert!(
        out.contains("Registered nurses on a day shift: 5; at least 4 (Funded beds)"),
        "{run:?}"
    );
    let test_line = TESTED_SPEC
        .lines()
        .position(|l| l.starts_with("test \"wrongly"))
        .unwrap();
    assert!(
        out.contains(&format!("demo.netspec:{}:", test_line + 1)),
        "the failure names its place: {run:?}"
    );

    // only some tests
    let run = netspec(&d, &["test", "specs/demo.netspec", "--filter", "nurses"]);
    assert_exit(&run, 0);
    assert!(run.stdout.contains("2 passed, 0 failed"), "{run:?}");
    let run = netspec(&d, &["test", "specs/demo.netspec", "--filter", "wrongly"]);
    assert_exit(&run, 1);
    assert!(run.stdout.contains("0 passed, 1 failed"), "{run:?}");
    let run = netspec(&d, &["test", "specs", "--filter", "enough"]);
    assert_exit(&run, 0);
    assert!(run.stdout.contains("1 passed, 0 failed"), "{run:?}");
}

#[test]
fn test_command_all_passing_and_folders() {
    let d = Dir::new("test-pass");
    let passing = TESTED_SPEC.replace(
        "  expect WF-01 not_met\n  expect area workforce red\n",
        "  expect WF-01 met\n  expect area workforce green\n",
    );
    d.write("specs/demo.netspec", &passing);
    d.write("specs/examples/short.json", r#"{"beds": 4, "nurses": 3}"#);
    // a shared file (no header) in the folder is not a spec of its own
    d.write("specs/common/shared.netspec", "let unused_total = 1\n");
    let run = netspec(&d, &["test", "specs"]);
    assert_exit(&run, 0);
    assert!(run.stdout.contains("3 passed, 0 failed"), "{run:?}");
    // a spec that does not compile is a failure
    d.write(
        "specs/broken.netspec",
        "spec broken \"Broken\" { version \"1\" }\narea nowhere {}\n",
    );
    let run = netspec(&d, &["test", "specs"]);
    assert_exit(&run, 1);
    assert!(run.stderr.contains("NS0013"), "{run:?}");
}

// ------------------------------------------------------------------ explain

#[test]
fn explain_codes() {
    let d = Dir::new("explain");
    let run = netspec(&d, &["explain", "NS0002"]);
    assert_exit(&run, 0);
    assert!(run.stdout.starts_with("NS0002: unknown name"), "{run:?}");
    assert!(run.stdout.contains("Example"), "{run:?}");
    let run = netspec(&d, &["explain", "ns0201"]);
    assert_exit(&run, 0);
    assert!(run.stdout.starts_with("NS0201"), "{run:?}");
    for bad in ["NS9999", "E0001", ""] {
        let run = netspec(&d, &["explain", bad]);
        assert_exit(&run, 2);
        assert!(run.stderr.contains("unknown code"), "{run:?}");
    }
}

#[test]
fn explain_lists_every_code() {
    let d = Dir::new("explain-list");
    let run = netspec(&d, &["explain", "--list"]);
    assert_exit(&run, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"NS0001  syntax error"), "{run:?}");
    assert!(
        lines.contains(&"NS0109  requirement without `ref`"),
        "{run:?}"
    );
    assert!(lines.contains(&"NS0311  file may not be read"), "{run:?}");
    // one line per code, each one `netspec explain` knows
    assert_eq!(lines.len(), netspec::Code::ALL.len(), "{run:?}");
    for l in &lines {
        let code = l.split(' ').next().unwrap();
        assert_exit(&netspec(&d, &["explain", code]), 0);
    }
    // a code and --list together is a usage error
    let run = netspec(&d, &["explain", "NS0001", "--list"]);
    assert_exit(&run, 2);
}

// ------------------------------------------------------------------ use

const SHARED: &str = r#"inputs "Governance" {
  governance.board_tor_signed: bool "Has the board signed terms of reference?"
}
area collaboration {
  requirement GOV-01 must "Board has signed terms of reference" {
    governance.board_tor_signed
  }
}
"#;

#[test]
fn use_of_a_file_in_a_subfolder() {
    let d = Dir::new("use");
    let spec = GOOD_SPEC.replace(
        "inputs \"Units\" {",
        "use \"common/governance.netspec\"\n\ninputs \"Units\" {",
    );
    let spec_path = d.write("specs/demo.netspec", &spec);
    d.write("specs/common/governance.netspec", SHARED);
    let sub = GOOD_SUBMISSION.replace(
        "\"ct_within_60\"",
        "\"governance\": {\"board_tor_signed\": false}, \"ct_within_60\"",
    );
    d.write("sub.json", &sub);
    // from the folder above, with a relative path
    let run = netspec(&d, &["check", "specs/demo.netspec"]);
    assert_exit(&run, 0);
    let run = netspec(
        &d,
        &["eval", "specs/demo.netspec", "sub.json", "--format", "json"],
    );
    assert_exit(&run, 0);
    let r = run.json();
    assert_eq!(requirement(&r, "GOV-01")["outcome"], "not_met");
    assert_eq!(area(&r, "collaboration")["rating"], "red");
    // from the spec's own folder
    let run = netspec_in(&d.path().join("specs"), &["check", "demo.netspec"]);
    assert_exit(&run, 0);
    // from elsewhere, with an absolute path
    let run = netspec_in(
        &std::env::temp_dir(),
        &["check", spec_path.to_str().unwrap()],
    );
    assert_exit(&run, 0);
    // with `..` in the spec's path
    let run = netspec_in(
        &d.path().join("specs/common"),
        &["check", "../demo.netspec"],
    );
    assert_exit(&run, 0);
}

#[test]
fn use_with_parent_folder_and_errors_in_the_used_file() {
    let d = Dir::new("use-parent");
    let spec = GOOD_SPEC.replace(
        "inputs \"Units\" {",
        "use \"../common/governance.netspec\"\n\ninputs \"Units\" {",
    );
    d.write("specs/acc/demo.netspec", &spec);
    d.write(
        "specs/common/governance.netspec",
        SHARED.replace(
            "governance.board_tor_signed\n  }",
            "governance.board_signed\n  }",
        ),
    );
    // outside the spec's own folder: refused unless --root names a folder holding it
    let run = netspec(&d, &["check", "specs/acc/demo.netspec"]);
    assert_exit(&run, 1);
    assert!(run.stderr.contains("error[NS0311]"), "{run:?}");
    let run = netspec(&d, &["check", "--root", "specs", "specs/acc/demo.netspec"]);
    assert_exit(&run, 1);
    // the error is located in the used file
    assert!(run.stderr.contains("error[NS0017]"), "{run:?}");
    assert!(run.stderr.contains("governance.netspec:6:"), "{run:?}");
    // a used file that is missing
    std::fs::remove_file(d.path().join("specs/common/governance.netspec")).unwrap();
    let run = netspec(&d, &["check", "--root", "specs", "specs/acc/demo.netspec"]);
    assert_exit(&run, 1);
    assert!(run.stderr.contains("error[NS0008]"), "{run:?}");
}

#[test]
fn eval_help_documents_unattributed() {
    let d = Dir::new("eval-help");
    let run = netspec(&d, &["eval", "--help"]);
    assert_exit(&run, 0);
    assert!(
        run.stdout.contains("--unattributed <RESPONDENT>"),
        "{run:?}"
    );
    assert!(run.stdout.contains("without a header"), "{run:?}");
    assert!(run.stdout.contains("provider"), "{run:?}");
    assert!(run.stdout.contains("network"), "{run:?}");
}

#[test]
fn eval_text_report_shows_the_header_and_compliance() {
    let d = Dir::new("eval-header");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    let run = netspec(&d, &["eval", "demo.netspec", "sub.json"]);
    assert!(
        run.stdout
            .contains("Eastmoor Hospitals NHS Trust (RXA), provider submission"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("period 2024-07-01 to 2025-06-30"),
        "{run:?}"
    );
    assert!(run.stdout.contains("overall: RED  compliance "), "{run:?}");
    // a wrong answer names the question beside its pointer
    let bad = SUBMISSION.replace("\"ct_within_60\": 29", "\"ct_within_60\": \"many\"");
    d.write("bad.json", &bad);
    let run = netspec(&d, &["eval", "demo.netspec", "bad.json"]);
    assert_exit(&run, 1);
    assert!(run.stderr.contains(" = at /ct_within_60"), "{run:?}");
    assert!(run.stderr.contains(" = question: "), "{run:?}");
}

// ------------------------------------------------------------------ fhir

#[test]
fn fhir_questionnaire_response_and_back() {
    let d = Dir::new("fhir");
    d.write("demo.netspec", GOOD_SPEC);
    d.write("sub.json", SUBMISSION);
    let run = netspec(&d, &["fhir", "questionnaire", "demo.netspec"]);
    assert_exit(&run, 0);
    let q = run.json();
    assert_eq!(q["resourceType"], "Questionnaire");
    assert_eq!(q["url"], "urn:netspec:spec:demo:questionnaire:provider");
    assert_eq!(q["version"], "2025.1");
    let run = netspec(
        &d,
        &[
            "fhir",
            "questionnaire",
            "--respondent",
            "network",
            "demo.netspec",
        ],
    );
    assert_exit(&run, 0);
    assert_eq!(
        run.json()["url"],
        "urn:netspec:spec:demo:questionnaire:network"
    );

    // a submission as a response, the response as the submission again
    let run = netspec(
        &d,
        &["fhir", "response", "--reverse", "demo.netspec", "sub.json"],
    );
    assert_exit(&run, 0);
    let qr = run.json();
    assert_eq!(
        qr["questionnaire"],
        "urn:netspec:spec:demo:questionnaire:provider|2025.1"
    );
    d.write("qr.json", &run.stdout);
    let run = netspec(&d, &["fhir", "response", "demo.netspec", "qr.json"]);
    assert_exit(&run, 0);
    let original: Value = serde_json::from_str(SUBMISSION).unwrap();
    assert_eq!(run.json(), original);
    // and evaluated directly: the same report
    let direct = netspec(
        &d,
        &["eval", "--format", "json", "demo.netspec", "sub.json"],
    );
    let from = netspec(
        &d,
        &[
            "eval",
            "--format",
            "json",
            "--from",
            "fhir",
            "demo.netspec",
            "qr.json",
        ],
    );
    assert_exit(&direct, 0);
    assert_exit(&from, 0);
    assert_eq!(direct.stdout, from.stdout);
    assert!(!direct.stdout.is_empty());
}

#[test]
fn fhir_errors_name_the_pointer_and_the_fhir_path() {
    let d = Dir::new("fhir-errors");
    d.write("demo.netspec", GOOD_SPEC);
    d.write(
        "qr.json",
        r#"{"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": "urn:netspec:spec:demo:questionnaire:provider|2025.1",
            "item": [{"linkId": "/units", "item": [
              {"linkId": "/units/*/l3_beds", "answer": [{"valueString": "six"}]}]}]}"#,
    );
    for args in [
        &["fhir", "response", "demo.netspec", "qr.json"][..],
        &["eval", "--from", "fhir", "demo.netspec", "qr.json"][..],
    ] {
        let run = netspec(&d, args);
        assert_exit(&run, 1);
        assert!(run.stdout.is_empty(), "{run:?}");
        assert!(run.stderr.contains("error[NS0223]"), "{run:?}");
        assert!(run.stderr.contains(" = at /units/0/l3_beds\n"), "{run:?}");
        assert!(
            run.stderr
                .contains(" = FHIR path: item[0].item[0].answer[0]\n"),
            "{run:?}"
        );
    }
    // not JSON: exit 2; another spec's Questionnaire: NS0221
    d.write("broken.json", "{\"resourceType\": ");
    assert_exit(
        &netspec(&d, &["fhir", "response", "demo.netspec", "broken.json"]),
        2,
    );
    d.write(
        "other.json",
        r#"{"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": "urn:netspec:spec:burns:questionnaire:provider"}"#,
    );
    let run = netspec(&d, &["fhir", "response", "demo.netspec", "other.json"]);
    assert_exit(&run, 1);
    assert!(run.stderr.contains("error[NS0221]"), "{run:?}");
    // usage: --unattributed only with --reverse; --from with --batch
    assert_exit(
        &netspec(
            &d,
            &[
                "fhir",
                "response",
                "--unattributed",
                "network",
                "demo.netspec",
                "qr.json",
            ],
        ),
        2,
    );
    assert_exit(
        &netspec(
            &d,
            &[
                "eval",
                "demo.netspec",
                "--batch",
                "qr.json",
                "--from",
                "fhir",
            ],
        ),
        2,
    );
}
