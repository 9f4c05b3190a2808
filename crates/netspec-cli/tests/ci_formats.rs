//! The formats CI systems read, end to end: `netspec check --format sarif`
//! validated against the official SARIF 2.1.0 JSON Schema
//! (`tests/fixtures/sarif-schema-2.1.0.json`, source in
//! `tests/fixtures/README.md`), `netspec test --format junit`, and
//! `netspec diff` on committed versions of bundled specs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

mod support;
use support::Dir;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn netspec(dir: &std::path::Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_netspec"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run netspec");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sarif_errors(log: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

const BROKEN: &str = r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  nurses: int min 0 "Nurses"
}
area workforce {
  requirement WF-01 must "Nurses" {
    nurses >= bedz
    ref "Demo 1"
    basis standard
  }
}
area quality {
  requirement QU-01 must "An estimate" {
    beds > 2
    ref "Demo 2"
    basis estimate
  }
}
"#;

#[test]
fn sarif_of_a_spec_with_an_error_and_a_warning_is_valid_and_points_at_them() {
    let dir = Dir::new("sarif");
    dir.write("my specs/demo.netspec", BROKEN);
    let run = netspec(
        &dir.0,
        &["check", "--format", "sarif", "my specs/demo.netspec"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    assert_eq!(log["version"], "2.1.0");
    // the schema does catch a log that is not SARIF 2.1.0
    let mut bad = log.clone();
    bad["version"] = "2.0.0".into();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert_eq!(sarif_errors(&bad).len(), 2, "{:?}", sarif_errors(&bad));
    let r = &log["runs"][0];
    assert_eq!(r["tool"]["driver"]["name"], "netspec");
    let results = r["results"].as_array().unwrap();
    // the unknown name `bedz` (NS0002) at line 8, columns 15 to 19
    let e = results
        .iter()
        .find(|x| x["level"] == "error")
        .expect("an error");
    assert_eq!(e["ruleId"], "NS0002");
    let loc = &e["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "my%20specs/demo.netspec");
    assert_eq!(loc["region"]["startLine"], 8);
    assert_eq!(loc["region"]["startColumn"], 15);
    assert_eq!(loc["region"]["endLine"], 8);
    assert_eq!(loc["region"]["endColumn"], 19);
    assert!(e["message"]["text"].as_str().unwrap().contains("bedz"));
    // the rule the result names by index is its code
    let rules = r["tool"]["driver"]["rules"].as_array().unwrap();
    let i = e["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[i]["id"], "NS0002");
    assert_eq!(rules[i]["shortDescription"]["text"], "unknown name");
}

#[test]
fn sarif_of_every_bundled_spec_is_valid() {
    let specs: Vec<String> = std::fs::read_dir(repo().join("specs"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension().is_some_and(|x| x == "netspec"))
                .then(|| format!("specs/{}", p.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert_eq!(specs.len(), 12);
    let mut args = vec!["check", "--format", "sarif"];
    args.extend(specs.iter().map(String::as_str));
    let run = netspec(&repo(), &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    // no error in a bundled spec
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["level"] != "error"));
}

#[test]
fn a_file_that_is_not_utf8_is_a_sarif_result_too() {
    let dir = Dir::new("sarif-utf8");
    dir.write("bad.netspec", b"spec x \"\xff\" {}");
    let run = netspec(&dir.0, &["check", "--format", "sarif", "bad.netspec"]);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{}", run.stdout);
    assert_eq!(results[0]["ruleId"], "NS0309");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bad.netspec"
    );
}

const TESTED: &str = r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds" unit "beds"
  nurses: int min 0 max beds "Nurses on shift" unit "beds"
}
area workforce {
  requirement WF-01 must "One nurse per bed" {
    nurses >= beds
    ref "Demo 1"
    basis standard
  }
}
test "enough nurses" {
  given { "beds": 4, "nurses": 4 }
  assessed_on 2025-06-30
  expect WF-01 met
}
test "too few <nurses> & \"beds\"" {
  given { "beds": 4, "nurses": 3 }
  assessed_on 2025-06-30
  expect WF-01 met
}
test "a bad answer" {
  given { "beds": 4, "nurses": 5 }
  assessed_on 2025-06-30
  expect WF-01 not_met
}
"#;

#[test]
fn junit_lists_each_test_with_failures_and_errors() {
    let dir = Dir::new("junit");
    dir.write("demo.netspec", TESTED);
    dir.write("broken.netspec", BROKEN);
    let run = netspec(
        &dir.0,
        &[
            "test",
            "--format",
            "junit",
            "demo.netspec",
            "broken.netspec",
        ],
    );
    assert_eq!(run.code, Some(1));
    let x = &run.stdout;
    assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"netspec\" tests=\"4\" failures=\"1\" errors=\"2\">"), "{x}");
    assert!(x.contains("<testsuite name=\"demo\" tests=\"3\" failures=\"1\" errors=\"1\" skipped=\"0\" file=\"demo.netspec\">"), "{x}");
    assert!(x.contains("<testcase name=\"enough nurses\" classname=\"demo\" file=\"demo.netspec\" line=\"13\"/>"), "{x}");
    // names escaped; the mismatch says what was expected and what came
    assert!(x.contains("<testcase name=\"too few &lt;nurses&gt; &amp; &quot;beds&quot;\" classname=\"demo\" file=\"demo.netspec\" line=\"18\">"), "{x}");
    assert!(
        x.contains("<failure message=\"1 expectation(s) not met\" type=\"mismatch\">"),
        "{x}"
    );
    assert!(x.contains("WF-01: expected met, got not_met\n    Nurses on shift: 3; needs at least 4 (Funded beds)\n</failure>"), "{x}");
    // a test whose submission is refused is an error, not a failure
    assert!(x.contains("<testcase name=\"a bad answer\" classname=\"demo\" file=\"demo.netspec\" line=\"23\">\n      <error message=\"the submission has 1 error(s); first: error[NS0216]: /nurses (Nurses on shift) is 5, more than /beds (Funded beds), 4 at /nurses\" type=\"error\">"), "{x}");
    // the spec that does not compile is a suite with one error
    assert!(x.contains("<testsuite name=\"broken.netspec\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" file=\"broken.netspec\">"), "{x}");
    assert!(x.trim_end().ends_with("</testsuites>"));
}

#[test]
fn junit_of_the_bundled_specs_counts_every_test() {
    let run = netspec(
        &repo(),
        &["test", "--format", "junit", "specs/renal.netspec"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = netspec(&repo(), &["test", "specs/renal.netspec"]);
    // "N passed, 0 failed" from the text output
    let last = text.stdout.lines().last().unwrap().to_string();
    let n: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(n > 5, "{last}");
    assert!(
        run.stdout.contains(&format!(
            "<testsuite name=\"renal\" tests=\"{n}\" failures=\"0\" errors=\"0\""
        )),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("<testcase ").count(), n);
}

#[test]
fn diff_prints_changes_as_text_and_json() {
    let fixtures = repo().join("crates/netspec/tests/diff");
    let old = fixtures.join("bfbb193/congenital_heart_disease.netspec");
    let new = fixtures.join("9f4938a/congenital_heart_disease.netspec");
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let run = netspec(&repo(), &["diff", old, new]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("congenital_heart_disease 2025.1 -> congenital_heart_disease 2025.2\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("~ requirement CHD-WF-03 applies when threshold 2021-04-01 -> 2022-01-01\n    old: is_level1 and assessment_date >= 2021-04-01\n    new: is_level1 and assessment_date >= 2022-01-01\n"), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("~ requirement CHD-CO-01 level should -> may\n"));
    assert_eq!(run.stdout.matches(" threshold ").count(), 1);
    let run = netspec(&repo(), &["diff", "--format", "json", old, new]);
    assert_eq!(run.code, Some(0));
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let thresholds: Vec<&Value> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "threshold_changed")
        .collect();
    assert_eq!(thresholds.len(), 1);
    assert_eq!(thresholds[0]["id"], "CHD-WF-03");
    assert_eq!(thresholds[0]["old"], "2021-04-01");
    assert_eq!(thresholds[0]["new"], "2022-01-01");
    assert_eq!(v["old_version"], "2025.1");
    // a spec against itself: no changes, exit 0
    let run = netspec(
        &repo(),
        &["diff", "specs/renal.netspec", "specs/renal.netspec"],
    );
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stdout, "renal 2026.1 -> renal 2026.1\nno changes\n");
    // a spec that does not compile: its diagnostics, exit 1
    let dir = Dir::new("diff-broken");
    dir.write("broken.netspec", BROKEN);
    let run = netspec(&dir.0, &["diff", "broken.netspec", "broken.netspec"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("NS0002"));
    // standard input only once
    let run = netspec(&dir.0, &["diff", "-", "-"]);
    assert_eq!(run.code, Some(2));
}
