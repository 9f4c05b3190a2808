//! The conformance harness itself: it must catch wrong expectations, so the
//! corpus can never pass because the comparison is blind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use netspec_tests::{discover, run_all, run_case};

const SPEC: &str = r#"spec h "Harness" { version "1" }
inputs "A" {
  a: int "A"
  b: int "B"
  u: list "U" { name: text "Name" x: int "X" }
}
area quality {
  requirement R1 must "a is 1" { a == 1 }
  requirement R2 should "b is 1" { b == 1 }
  requirement R3 must "every x is 1" { all e in u: e.x == 1 }
}
"#;

/// A scratch corpus with one group holding the given cases.
fn corpus(name: &str, cases: &[(&str, &str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("netspec-harness-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let group = root.join("g");
    fs::create_dir_all(&group).unwrap();
    for (case, spec, json) in cases {
        fs::write(group.join(format!("{case}.netspec")), spec).unwrap();
        fs::write(group.join(format!("{case}.json")), json).unwrap();
    }
    root
}

fn mismatches(root: &Path) -> Vec<String> {
    let cases = discover(root).unwrap();
    assert_eq!(cases.len(), 1);
    run_case(&cases[0]).mismatches
}

fn case_with(expect: &str) -> String {
    format!(
        r#"{{"description": "d", "submission": {{"header": {{"respondent": "provider", "organisation": {{"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}}, "period": {{"start": "2024-07-01", "end": "2025-06-30"}}, "completed_by": "A. Example"}}, "a": 1, "b": 2, "u": [{{"name": "P", "x": 1}}, {{"name": "Q"}}]}}, "expect": {expect}}}"#
    )
}

#[test]
fn a_correct_case_passes() {
    let json = case_with(
        r#"{"outcomes": {"R1": "met", "R2": "not_met", "R3": "incomplete"},
            "missing": {"R3": ["/u/1/x"]}, "problems": {}, "overall": "incomplete",
            "areas": {"quality": "incomplete", "workforce": "green"},
            "requirements": {"R2": {"explanation": [{"left": 2, "right": 1, "gap": 1}]}},
            "report": {"spec": {"id": "h"}}, "warnings": []}"#,
    );
    let root = corpus("ok", &[("c", SPEC, &json)]);
    assert_eq!(mismatches(&root), Vec::<String>::new());
}

#[test]
fn wrong_expectations_are_caught() {
    let wrong = [
        r#"{"outcomes": {"R1": "not_met", "R2": "not_met", "R3": "incomplete"}}"#,
        r#"{"outcomes": {"R1": "met", "R2": "not_met"}}"#,
        r#"{"missing": {"R3": ["/u/1/x", "/u/0/x"]}}"#,
        r#"{"missing": {}}"#,
        r#"{"problems": {"R3": true}}"#,
        r#"{"overall": "red"}"#,
        r#"{"areas": {"quality": "green"}}"#,
        r#"{"requirements": {"R2": {"explanation": [{"gap": 2}]}}}"#,
        r#"{"requirements": {"R2": {"explanation": []}}}"#,
        r#"{"report": {"spec": {"id": "other"}}}"#,
        r#"{"report": {"spec": {"nope": 1}}}"#,
        r#"{"warnings": [{"code": "NS0205", "path": "/zzz"}]}"#,
        r#"{"submission_errors": [{"code": "NS0201", "path": "/a"}]}"#,
        r#"{"diagnostics": [{"code": "NS0002", "line": 1, "column": 1}]}"#,
    ];
    for (i, expect) in wrong.iter().enumerate() {
        let root = corpus(&format!("wrong{i}"), &[("c", SPEC, &case_with(expect))]);
        assert!(
            !mismatches(&root).is_empty(),
            "the harness accepted a wrong expectation: {expect}"
        );
    }
}

#[test]
fn diagnostics_are_compared_by_code_and_position() {
    let bad = SPEC.replace("a == 1", "aa == 1");
    let right = r#"{"description": "d", "expect": {"diagnostics": [{"code": "NS0002", "line": 8, "column": 34}]}}"#;
    let root = corpus("diag-ok", &[("c", &bad, right)]);
    assert_eq!(mismatches(&root), Vec::<String>::new());
    for wrong in [
        r#"{"description": "d", "expect": {"diagnostics": [{"code": "NS0002", "line": 8, "column": 35}]}}"#,
        r#"{"description": "d", "expect": {"diagnostics": [{"code": "NS0003", "line": 8, "column": 34}]}}"#,
        r#"{"description": "d", "expect": {"diagnostics": [{"code": "NS0002", "line": 8, "column": 34}, {"code": "NS0002", "line": 8, "column": 34}]}}"#,
        r#"{"description": "d", "expect": {"outcomes": {"R1": "met"}}}"#,
    ] {
        let root = corpus("diag-wrong", &[("c", &bad, wrong)]);
        assert!(!mismatches(&root).is_empty(), "accepted: {wrong}");
    }
}

#[test]
fn submission_errors_must_match_exactly() {
    let sub = r#"{"description": "d", "submission": {"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "a": "x", "b": 1.5}, "expect": {"submission_errors": [{"code": "NS0201", "path": "/a"}, {"code": "NS0202", "path": "/b"}]}}"#;
    let root = corpus("sub-ok", &[("c", SPEC, sub)]);
    assert_eq!(mismatches(&root), Vec::<String>::new());
    let partial = r#"{"description": "d", "submission": {"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "a": "x", "b": 1.5}, "expect": {"submission_errors": [{"code": "NS0201", "path": "/a"}]}}"#;
    let root = corpus("sub-partial", &[("c", SPEC, partial)]);
    assert!(!mismatches(&root).is_empty());
}

#[test]
fn malformed_corpora_are_rejected() {
    // asserts nothing
    let root = corpus(
        "empty-expect",
        &[("c", SPEC, r#"{"description": "d", "expect": {}}"#)],
    );
    assert!(discover(&root).is_err());
    // unknown key (a typo in the case format)
    let root = corpus(
        "typo",
        &[(
            "c",
            SPEC,
            r#"{"description": "d", "expect": {"outcome": {"R1": "met"}}}"#,
        )],
    );
    assert!(discover(&root).is_err());
    // not an outcome
    let root = corpus(
        "bad-outcome",
        &[(
            "c",
            SPEC,
            r#"{"description": "d", "expect": {"outcomes": {"R1": "passed"}}}"#,
        )],
    );
    assert!(discover(&root).is_err());
    // a spec without its case file
    let root = corpus("orphan", &[]);
    fs::write(root.join("g").join("lonely.netspec"), SPEC).unwrap();
    assert!(discover(&root).is_err());
}

/// A `known_bug` case that still fails is reported and does not fail the
/// corpus; once it passes, it fails the corpus, and the summary says to
/// remove the key.
#[test]
fn a_known_bug_that_passes_fails_the_corpus() {
    let right = r#"{"outcomes": {"R1": "met", "R2": "not_met", "R3": "incomplete"}}"#;
    let wrong = r#"{"outcomes": {"R1": "not_met", "R2": "not_met", "R3": "incomplete"}}"#;
    let with_bug = |expect: &str| {
        case_with(expect).replacen(
            r#"{"description": "d", "#,
            r#"{"description": "d", "known_bug": "R1 is decided wrongly", "#,
            1,
        )
    };
    // still failing: a known bug, reported, not a failure of the corpus
    let root = corpus("known-failing", &[("c", SPEC, &with_bug(wrong))]);
    let cases = discover(&root).unwrap();
    assert_eq!(cases.len(), 1);
    let (results, summary) = run_all(&cases);
    assert!(!results[0].passed());
    assert!(!results[0].fails_the_corpus(), "{summary}");
    assert!(
        summary.contains("KNOWN BUG g/c: R1 is decided wrongly"),
        "{summary}"
    );
    // passing: the corpus fails, and the summary says to remove the key
    let root = corpus("known-passing", &[("c", SPEC, &with_bug(right))]);
    let (results, summary) = run_all(&discover(&root).unwrap());
    assert!(results[0].passed());
    assert!(results[0].fails_the_corpus(), "{summary}");
    assert!(
        summary.contains("FIXED g/c: marked known_bug but passes now; remove the known_bug entry"),
        "{summary}"
    );
    // and a case without the mark fails the corpus when it fails only
    let root = corpus("plain", &[("c", SPEC, &case_with(wrong))]);
    let (results, _) = run_all(&discover(&root).unwrap());
    assert!(results[0].fails_the_corpus());
    let root = corpus("plain-ok", &[("c", SPEC, &case_with(right))]);
    let (results, _) = run_all(&discover(&root).unwrap());
    assert!(!results[0].fails_the_corpus());
}
