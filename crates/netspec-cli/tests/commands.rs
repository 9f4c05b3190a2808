//! `netspec fmt`, `netspec schema` and `netspec inputs` end to end, on specs
//! written here: what each prints for a spec whose answer is known by hand,
//! and each one's errors (a spec with an error, a missing file, a bad
//! option, a file that is not UTF-8) with their exit codes (0 ok; 1 spec
//! errors or `fmt --check` finding unformatted files; 2 usage error or
//! unreadable input).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use serde_json::{json, Value};

mod support;
use support::{Dir, MESSY, TIDY};

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn netspec(dir: &Dir, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_netspec"))
        .args(args)
        .current_dir(&dir.0)
        .output()
        .expect("run netspec");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    run
}

// ------------------------------------------------------------------ fmt

#[test]
fn fmt_check_lists_unformatted_files_and_changes_nothing() {
    let dir = Dir::new("fmt-check");
    dir.write("messy.netspec", MESSY.as_bytes());
    dir.write("tidy.netspec", TIDY.as_bytes());
    let run = netspec(&dir, &["fmt", "--check", "messy.netspec", "tidy.netspec"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let listed = format!("{}{}", run.stdout, run.stderr);
    assert!(listed.contains("messy.netspec: not formatted"), "{run:?}");
    assert!(!listed.contains("tidy.netspec"), "{run:?}");
    assert_eq!(dir.read("messy.netspec"), MESSY);
    // formatted files only: exit 0
    let run = netspec(&dir, &["fmt", "--check", "tidy.netspec"]);
    assert_eq!(run.code, Some(0), "{run:?}");
}

#[test]
fn fmt_writes_the_documented_layout_once() {
    let dir = Dir::new("fmt-write");
    dir.write("demo.netspec", MESSY.as_bytes());
    let run = netspec(&dir, &["fmt", "demo.netspec"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(dir.read("demo.netspec"), TIDY);
    // again: nothing to change
    let run = netspec(&dir, &["fmt", "demo.netspec"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(dir.read("demo.netspec"), TIDY);
}

#[test]
fn fmt_walks_folders_and_defaults_to_the_current_one() {
    let dir = Dir::new("fmt-folders");
    dir.write("a/one.netspec", MESSY.as_bytes());
    dir.write("a/b/two.netspec", MESSY.as_bytes());
    dir.write("a/notes.txt", MESSY.as_bytes());
    let run = netspec(&dir, &["fmt", "--check"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let listed = format!("{}{}", run.stdout, run.stderr);
    assert!(
        listed.contains("one.netspec") && listed.contains("two.netspec"),
        "{run:?}"
    );
    assert!(!listed.contains("notes.txt"), "{run:?}");
    let run = netspec(&dir, &["fmt", "a"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(dir.read("a/one.netspec"), TIDY);
    assert_eq!(dir.read("a/b/two.netspec"), TIDY);
    // only spec files are touched
    assert_eq!(dir.read("a/notes.txt"), MESSY);
    // each file written is named
    assert!(run.stdout.contains("one.netspec: formatted"), "{run:?}");
    assert!(run.stdout.contains("two.netspec: formatted"), "{run:?}");
}

#[test]
fn fmt_without_a_path_says_what_it_changed() {
    let dir = Dir::new("fmt-no-path");
    dir.write("one.netspec", MESSY.as_bytes());
    dir.write("b/two.netspec", TIDY.as_bytes());
    dir.write("b/three.netspec", MESSY.as_bytes());
    let run = netspec(&dir, &["fmt"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{run:?}");
    assert!(
        lines.iter().any(|l| l.ends_with("one.netspec: formatted")),
        "{run:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("three.netspec: formatted")),
        "{run:?}"
    );
    assert!(!run.stdout.contains("two.netspec"), "{run:?}");
    assert_eq!(
        lines.last(),
        Some(&"netspec fmt: 2 of 3 spec file(s) under the current folder were reformatted"),
        "{run:?}"
    );
    assert_eq!(dir.read("one.netspec"), TIDY);
    assert_eq!(dir.read("b/three.netspec"), TIDY);
    // again: nothing left to change, and it says so
    let run = netspec(&dir, &["fmt"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "netspec fmt: 0 of 3 spec file(s) under the current folder were reformatted\n"
    );
    // --quiet: nothing printed
    dir.write("one.netspec", MESSY.as_bytes());
    let run = netspec(&dir, &["--quiet", "fmt"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""), "{run:?}");
    assert_eq!(dir.read("one.netspec"), TIDY);
    // --check and --diff without a path: as before, nothing written
    dir.write("one.netspec", MESSY.as_bytes());
    let run = netspec(&dir, &["fmt", "--check"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("one.netspec: not formatted"), "{run:?}");
    assert!(!run.stdout.contains("reformatted"), "{run:?}");
    let run = netspec(&dir, &["fmt", "--diff"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("+++ b/"), "{run:?}");
    assert_eq!(dir.read("one.netspec"), MESSY);
}

#[test]
fn fmt_errors() {
    let dir = Dir::new("fmt-errors");
    // a syntax error: reported with its code and place, the file left alone
    let broken = "spec demo \"Demo\" { version \"1\" }\ninputs \"Unit\" { beds: int \"Beds\"\n";
    dir.write("broken.netspec", broken.as_bytes());
    let run = netspec(&dir, &["fmt", "broken.netspec"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("NS0001"), "{run:?}");
    assert!(run.stderr.contains("broken.netspec:"), "{run:?}");
    assert_eq!(dir.read("broken.netspec"), broken);
    // a file that is not there: unreadable input
    let run = netspec(&dir, &["fmt", "missing.netspec"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("missing.netspec"), "{run:?}");
    // not UTF-8: a diagnostic in the file (exit 1) with its code and the
    // offset, as `check` and `eval` give it, the file left alone
    let mut bytes = TIDY.as_bytes().to_vec();
    bytes.insert(10, 0xff);
    dir.write("latin1.netspec", &bytes);
    let run = netspec(&dir, &["fmt", "latin1.netspec"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.contains("latin1.netspec:")
            && run.stderr.contains("NS0309")
            && run.stderr.contains("offset 10"),
        "{run:?}"
    );
    assert_eq!(std::fs::read(dir.0.join("latin1.netspec")).unwrap(), bytes);
    // an unknown option
    let run = netspec(&dir, &["fmt", "--fix", "broken.netspec"]);
    assert_eq!(run.code, Some(2), "{run:?}");
}

// ------------------------------------------------------------------ schema and inputs

const SPEC: &str = r#"spec demo "Demo" { version "1" }

inputs "Unit" {
  beds: int min 0 max 100 "Funded beds"
  role: enum(level3_unit, level2_unit) "Designation"
  units: list min 1 "Units" {
    name: text "Unit name"
    occupancy: percent "Mean bed occupancy"
  }
}

area workforce {
  requirement WF-01 must "Beds" {
    beds >= 1
  }
}
"#;

const BROKEN: &str = r#"spec demo "Demo" { version "1" }

area workforce {
  requirement WF-01 must "Beds" {
    nope >= 1
  }
}
"#;

fn types(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(xs) => xs.iter().map(|x| x.as_str().unwrap()).collect(),
        _ => panic!("not a type: {v}"),
    }
}

#[test]
fn schema_describes_the_declared_inputs() {
    let dir = Dir::new("schema");
    dir.write("demo.netspec", SPEC.as_bytes());
    let run = netspec(&dir, &["schema", "demo.netspec"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let s: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    // a submission needs a header (grammar/README.md §2); answers may be null
    assert_eq!(s["required"], json!(["header"]));
    let p = &s["properties"];
    // `beds: int min 0 max 100`
    assert_eq!(types(&p["beds"]["type"]), ["integer", "null"]);
    assert_eq!(
        (p["beds"]["minimum"].as_i64(), p["beds"]["maximum"].as_i64()),
        (Some(0), Some(100))
    );
    assert_eq!(p["beds"]["title"], "Funded beds");
    // `role: enum(level3_unit, level2_unit)`, or not answered
    assert_eq!(
        p["role"]["enum"],
        json!(["level3_unit", "level2_unit", null])
    );
    // `units: list min 1` of records; a percent is 0 to 100
    assert_eq!(types(&p["units"]["type"]), ["array", "null"]);
    assert_eq!(p["units"]["minItems"], 1);
    let unit = &p["units"]["items"]["properties"];
    assert_eq!(types(&unit["name"]["type"]), ["string", "null"]);
    assert_eq!(types(&unit["occupancy"]["type"]), ["number", "null"]);
    assert_eq!(
        (
            unit["occupancy"]["minimum"].as_i64(),
            unit["occupancy"]["maximum"].as_i64()
        ),
        (Some(0), Some(100))
    );
    // the header's parts
    let h = &p["header"]["properties"];
    assert_eq!(h["organisation"]["required"], json!(["ods_code", "name"]));
    assert_eq!(h["period"]["required"], json!(["start", "end"]));
}

#[test]
fn inputs_lists_the_questions_in_text_and_json() {
    let dir = Dir::new("inputs");
    dir.write("demo.netspec", SPEC.as_bytes());
    let run = netspec(&dir, &["inputs", "demo.netspec"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    // one section, the questions in declaration order, who reads each
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "== Unit");
    assert!(
        lines[1].starts_with("beds: int, min 0, max 100  \"Funded beds\""),
        "{lines:?}"
    );
    assert!(lines[1].ends_with("[read by WF-01]"), "{lines:?}");
    assert!(
        lines[2].starts_with("role: enum(level3_unit, level2_unit)  \"Designation\""),
        "{lines:?}"
    );
    assert!(lines[2].ends_with("[read by no requirement]"), "{lines:?}");
    assert!(
        lines[3].starts_with("units: list, min 1  \"Units\""),
        "{lines:?}"
    );
    assert!(
        lines[4].starts_with("  name: text  \"Unit name\""),
        "{lines:?}"
    );
    assert!(
        lines[5].starts_with("  occupancy: percent, min 0, max 100"),
        "{lines:?}"
    );

    let run = netspec(&dir, &["inputs", "--format", "json", "demo.netspec"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["title"], "Unit");
    let q = v[0]["questions"].as_array().unwrap();
    let paths: Vec<&str> = q.iter().map(|q| q["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/beds", "/role", "/units"]);
    assert_eq!(q[0]["read_by"], json!(["WF-01"]));
    assert_eq!(
        (
            q[0]["type"].as_str(),
            q[0]["min"].as_i64(),
            q[0]["max"].as_i64()
        ),
        (Some("int"), Some(0), Some(100))
    );
    assert_eq!(q[1]["values"], json!(["level3_unit", "level2_unit"]));
    let fields: Vec<&str> = q[2]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["/units/*/name", "/units/*/occupancy"]);
    assert_eq!(q[2]["min"], 1);
}

#[test]
fn schema_and_inputs_errors() {
    let dir = Dir::new("schema-errors");
    dir.write("broken.netspec", BROKEN.as_bytes());
    dir.write("demo.netspec", SPEC.as_bytes());
    for cmd in ["schema", "inputs"] {
        // a spec with an error: exit 1, the diagnostic at its place, nothing on stdout
        let run = netspec(&dir, &[cmd, "broken.netspec"]);
        assert_eq!(run.code, Some(1), "{cmd}: {run:?}");
        assert!(
            run.stderr.contains("error[NS0002]: unknown name `nope`"),
            "{cmd}: {run:?}"
        );
        assert!(run.stderr.contains("broken.netspec:5:5"), "{cmd}: {run:?}");
        assert_eq!(run.stdout, "", "{cmd}");
        // a missing file: exit 2, naming it
        let run = netspec(&dir, &[cmd, "missing.netspec"]);
        assert_eq!(run.code, Some(2), "{cmd}: {run:?}");
        assert!(run.stderr.contains("missing.netspec"), "{cmd}: {run:?}");
        // no spec at all: usage
        let run = netspec(&dir, &[cmd]);
        assert_eq!(run.code, Some(2), "{cmd}: {run:?}");
    }
    let run = netspec(&dir, &["inputs", "--format", "xml", "demo.netspec"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("invalid value 'xml'"), "{run:?}");
}

// ------------------------------------------------------------------ blank and new

/// The keys of a JSON object written two spaces in, in the order written.
fn top_keys(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split('"').next().map(str::to_string))
        .collect()
}

#[test]
fn blank_submissions_of_every_bundled_spec_are_accepted_and_decide_nothing_met() {
    let dir = Dir::new("blank");
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    for name in ["adult_critical_care", "burns", "renal"] {
        let spec = specs.join(format!("{name}.netspec"));
        let spec = spec.to_str().unwrap();
        let inputs = netspec(&dir, &["inputs", "--format", "json", spec]);
        let sections: Value = serde_json::from_str(&inputs.stdout).unwrap();
        for who in ["provider", "network"] {
            let run = netspec(&dir, &["blank", "--respondent", who, "--items", "2", spec]);
            assert_eq!(run.code, Some(0), "{run:?}");
            // the header first, then the respondent's questions in the form's order
            let mut want = vec!["header".to_string()];
            for s in sections.as_array().unwrap() {
                for q in s["questions"].as_array().unwrap() {
                    if q["respondent"] == who {
                        want.push(q["name"].as_str().unwrap().to_string());
                    }
                }
            }
            assert_eq!(top_keys(&run.stdout), want, "{name} {who}");
            let blank: Value = serde_json::from_str(&run.stdout).unwrap();
            assert_eq!(blank["header"]["respondent"], who);
            assert_eq!(blank["header"]["period"]["end"], "2025-03-31");
            dir.write("blank.json", run.stdout.as_bytes());
            let eval = netspec(&dir, &["eval", "--format", "json", spec, "blank.json"]);
            assert_eq!(eval.code, Some(0), "{name} {who}: {eval:?}");
            let report: Value = serde_json::from_str(&eval.stdout).unwrap();
            assert_eq!(report["warnings"], json!([]), "{name} {who}");
            assert_eq!(report["assessed_on"], "2025-03-31");
            let reqs = report["requirements"].as_array().unwrap();
            assert!(!reqs.is_empty());
            assert!(
                reqs.iter().all(|r| r["outcome"] != "met"),
                "{name} {who}: a blank submission meets nothing"
            );
            assert!(
                reqs.iter().filter(|r| r["outcome"] == "incomplete").count() * 2 > reqs.len(),
                "{name} {who}: mostly incomplete"
            );
        }
    }
}

#[test]
fn blank_lists_and_periods() {
    let dir = Dir::new("blank-lists");
    dir.write(
        "s.netspec",
        "spec s \"S\" { version \"1\" }\ninputs \"U\" {\n  units: list min 3 \"Units\" { name: text \"Name\"\n    beds: int \"Beds\" }\n  lead: bool \"Lead?\"\n}\ninputs \"N\" respondent network { board: bool \"Board?\" }\n",
    );
    let run = netspec(
        &dir,
        &[
            "blank",
            "s.netspec",
            "--period-start",
            "2023-01-01",
            "--period-end",
            "2023-12-31",
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    // a list gets its min (3) elements when --items is smaller; network questions are left out
    assert_eq!(
        v["units"],
        json!([{"name": null, "beds": null}, {"name": null, "beds": null}, {"name": null, "beds": null}])
    );
    assert_eq!(v["lead"], Value::Null);
    assert!(v.get("board").is_none(), "{v:#}");
    assert_eq!(
        v["header"]["period"],
        json!({"start": "2023-01-01", "end": "2023-12-31"})
    );
    let run = netspec(&dir, &["blank", "s.netspec", "--respondent", "network"]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(top_keys(&run.stdout), ["header", "board"], "{v:#}");
    // a date that does not exist, or a period ending before it starts: usage errors
    let run = netspec(&dir, &["blank", "s.netspec", "--period-end", "2025-02-30"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let run = netspec(
        &dir,
        &["blank", "s.netspec", "--period-start", "2026-01-01"],
    );
    assert_eq!(run.code, Some(2), "{run:?}");
}

#[test]
fn new_writes_a_spec_that_checks_and_passes_its_tests() {
    let dir = Dir::new("new");
    let run = netspec(&dir, &["new", "stroke"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    for f in [
        "stroke/stroke.netspec",
        "stroke/examples/blank.json",
        "stroke/examples/example.json",
    ] {
        assert!(run.stdout.contains(f), "{run:?}");
    }
    let spec = dir.read("stroke/stroke.netspec");
    // all seven areas, a requirement in each, with basis and ref
    for area in [
        "service_delivery",
        "resources",
        "workforce",
        "quality",
        "collaboration",
        "transformation",
        "population_health",
    ] {
        assert!(spec.contains(&format!("area {area} {{")), "{area}");
    }
    assert_eq!(spec.matches("  requirement STR-").count(), 7);
    assert_eq!(spec.matches("    basis ").count(), 7);
    assert_eq!(spec.matches("    ref \"").count(), 7);
    // checks without a warning, passes its tests, is formatted
    let check = netspec(&dir, &["check", "stroke/stroke.netspec"]);
    assert_eq!(
        (check.code, check.stderr.as_str()),
        (Some(0), ""),
        "{check:?}"
    );
    let test = netspec(&dir, &["test", "--coverage", "stroke/stroke.netspec"]);
    assert_eq!(test.code, Some(0), "{test:?}");
    assert!(test.stdout.contains("4 passed, 0 failed"), "{test:?}");
    let fmt = netspec(&dir, &["fmt", "--check", "stroke"]);
    assert_eq!(fmt.code, Some(0), "{fmt:?}");
    // the blank submission is `netspec blank`'s for the spec and period
    let blank = netspec(&dir, &["blank", "stroke/stroke.netspec"]);
    assert_eq!(blank.stdout, dir.read("stroke/examples/blank.json"));
    // the example is met throughout
    let eval = netspec(
        &dir,
        &[
            "eval",
            "--format",
            "json",
            "stroke/stroke.netspec",
            "stroke/examples/example.json",
        ],
    );
    let report: Value = serde_json::from_str(&eval.stdout).unwrap();
    assert_eq!(report["overall"]["rating"], "green", "{eval:?}");
    assert_eq!(report["overall"]["counts"]["met"], 7, "{eval:?}");
    // a name in parts gives the initials; an existing folder is left alone
    let run = netspec(&dir, &["new", "adult_critical_care", "--dir", "sub"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(dir
        .read("sub/adult_critical_care/adult_critical_care.netspec")
        .contains("requirement ACC-SD-01"));
    let run = netspec(&dir, &["new", "stroke"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("exists already"), "{run:?}");
    assert_eq!(dir.read("stroke/stroke.netspec"), spec);
    for bad in [
        "9lives",
        "a-b",
        "within",
        "true",
        "assessment_date",
        "",
        "x/y",
    ] {
        let run = netspec(&dir, &["new", bad]);
        assert_eq!(run.code, Some(2), "{bad}: {run:?}");
    }
}

#[test]
fn enum_labels_reach_the_form_the_schema_and_the_layout() {
    let dir = Dir::new("enum-labels");
    let spec = "spec s \"S\" { version \"1\" }\n\ninputs \"Unit\" {\n  ssnap: enum(a \"A\", b \"B\", c, d \"D \\\"low\\\"\") \"Latest SSNAP rating?\"\n}\n\narea quality {\n  requirement QU-01 must \"Rated A or B\" {\n    ssnap in [a, b]\n    basis standard\n    ref \"SSNAP\"\n  }\n}\n";
    dir.write("s.netspec", spec.as_bytes());
    // the canonical layout keeps the labels as written
    let run = netspec(&dir, &["fmt", "--check", "s.netspec"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let run = netspec(&dir, &["inputs", "--format", "json", "s.netspec"]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let q = &v[0]["questions"][0];
    assert_eq!(q["values"], json!(["a", "b", "c", "d"]));
    assert_eq!(q["value_labels"], json!(["A", "B", "c", "D \"low\""]));
    let run = netspec(&dir, &["inputs", "s.netspec"]);
    assert!(
        run.stdout
            .contains(r#"ssnap: enum(a "A", b "B", c, d "D "low"")"#),
        "{run:?}"
    );
    let run = netspec(&dir, &["schema", "s.netspec"]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        v["properties"]["ssnap"]["enum"],
        json!(["a", "b", "c", "d", null])
    );
    assert_eq!(
        v["properties"]["ssnap"]["x-value-labels"],
        json!({"a": "A", "b": "B", "d": "D \"low\""})
    );
    // without labels: neither field
    dir.write(
        "plain.netspec",
        spec.replace(" \"A\"", "")
            .replace(" \"B\"", "")
            .replace(" \"D \\\"low\\\"\"", "")
            .as_bytes(),
    );
    let run = netspec(&dir, &["inputs", "--format", "json", "plain.netspec"]);
    assert!(!run.stdout.contains("value_labels"), "{run:?}");
    let run = netspec(&dir, &["schema", "plain.netspec"]);
    assert!(!run.stdout.contains("x-value-labels"), "{run:?}");
}
