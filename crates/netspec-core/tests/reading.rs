//! Reading a spec's files while compiling: one walk follows `use` (and the
//! files tests name) for both gathering and compiling, each file is asked
//! for once, and the result is the same as compiling gathered sources.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use netspec_core::files::FileRead;
use netspec_core::{gather_sources_with, CompileOptions, Sources, Spec};

/// A small spec set on "disk": a root using a common file twice (directly
/// and through a second file), a test naming an example submission.
fn disk() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        (
            "root.netspec",
            r#"spec demo "Demo" { version "1" }
use "common/gov.netspec"
use "more.netspec"
inputs "Unit" { beds: int min 0 "Funded beds" }
area resources { requirement RE-01 must "Two beds" { beds >= 2 } }
test "the example" { given file "examples/full.json" expect RE-01 met }
"#,
        ),
        (
            "more.netspec",
            r#"use "common/gov.netspec"
area workforce { requirement WF-01 should "Three beds" { beds >= 3 } }
"#,
        ),
        (
            "common/gov.netspec",
            r#"area collaboration { requirement GOV-01 must "One bed" { beds >= 1 } }
"#,
        ),
        (
            "examples/full.json",
            r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "A Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Lead"}, "beds": 4}"#,
        ),
    ])
}

/// What a reader of `files` hands over for `name`.
fn read_from(files: &BTreeMap<&str, &str>, name: &str) -> FileRead {
    files
        .get(name)
        .map_or(FileRead::NotFound, |t| FileRead::Text(t.to_string()))
}

#[test]
fn compiling_while_reading_asks_for_each_file_once_and_matches_gathering() {
    let files = disk();
    let mut asked: Vec<String> = Vec::new();
    let mut read = |name: &str, _left: usize| {
        asked.push(name.to_string());
        read_from(&files, name)
    };
    let options = CompileOptions::default();
    let (read_sources, spec) = Spec::compile_reading("root.netspec", &mut read, &options);
    let spec = spec.unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    asked.sort();
    assert_eq!(
        asked,
        [
            "common/gov.netspec",
            "examples/full.json",
            "more.netspec",
            "root.netspec"
        ]
    );
    let ids: Vec<&str> = spec
        .checked()
        .requirements
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(spec.run_tests().iter().all(|t| t.passed));

    // gathering walks the same way and reads the same files
    let gathered = gather_sources_with("root.netspec", &options, |n| {
        files.get(n).map(|t| t.to_string())
    });
    let names = |s: &Sources| s.names().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(names(&gathered), names(&read_sources));
    let again = Spec::compile_with_options("root.netspec", &gathered, &options).unwrap();
    let again_ids: Vec<&str> = again
        .checked()
        .requirements
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(again_ids, ids);
}

#[test]
fn without_tests_the_files_tests_name_are_not_read() {
    let files = disk();
    let mut asked: Vec<String> = Vec::new();
    let mut read = |name: &str, _left: usize| {
        asked.push(name.to_string());
        read_from(&files, name)
    };
    let (_, spec) = Spec::compile_reading(
        "root.netspec",
        &mut read,
        &CompileOptions::evaluation_only(),
    );
    assert!(spec.is_ok());
    assert!(!asked.iter().any(|n| n.ends_with(".json")), "{asked:?}");
}

#[test]
fn a_missing_use_is_reported_with_a_suggestion_from_the_files_read() {
    let mut files = disk();
    files.insert(
        "more.netspec",
        "use \"common/gov.netspc\"\narea workforce { requirement WF-01 should \"x\" { beds >= 3 } }\n",
    );
    let mut read = |name: &str, _left: usize| read_from(&files, name);
    let (_, spec) = Spec::compile_reading("root.netspec", &mut read, &CompileOptions::default());
    let err = spec.unwrap_err();
    let d = err
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "NS0008")
        .unwrap_or_else(|| panic!("{:?}", err.diagnostics));
    assert!(d.message.contains("common/gov.netspc"), "{}", d.message);
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("common/gov.netspec"),
        "{:?}",
        d.help
    );
}

#[test]
fn the_byte_budget_shrinks_with_every_file_read() {
    let files = disk();
    let mut lefts: Vec<(String, usize)> = Vec::new();
    let mut read = |name: &str, left: usize| {
        lefts.push((name.to_string(), left));
        read_from(&files, name)
    };
    let options = CompileOptions::default();
    let _ = Spec::compile_reading("root.netspec", &mut read, &options);
    let max = options.limits.max_source_bytes;
    assert_eq!(lefts[0], ("root.netspec".to_string(), max));
    let mut expected = max;
    for (name, left) in &lefts {
        assert_eq!(*left, expected, "{name}");
        expected -= files[name.as_str()].len();
    }
}

/// A file that is not there is asked for once, however many files use it,
/// and each use is reported where it is.
#[test]
fn a_missing_file_is_asked_for_once() {
    let mut files = disk();
    files.insert(
        "root.netspec",
        "spec demo \"Demo\" { version \"1\" }\nuse \"gone.netspec\"\nuse \"more.netspec\"\ninputs \"Unit\" { beds: int min 0 \"Funded beds\" }\n",
    );
    files.insert(
        "more.netspec",
        "use \"gone.netspec\"\narea workforce { requirement WF-01 should \"x\" { beds >= 3 } }\n",
    );
    let mut asked: Vec<String> = Vec::new();
    let mut read = |name: &str, _left: usize| {
        asked.push(name.to_string());
        read_from(&files, name)
    };
    let (_, spec) = Spec::compile_reading("root.netspec", &mut read, &CompileOptions::default());
    let err = spec.unwrap_err();
    let missing = err
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "NS0008")
        .count();
    assert_eq!(missing, 2, "{:?}", err.diagnostics);
    assert_eq!(
        asked
            .iter()
            .filter(|n| n.as_str() == "gone.netspec")
            .count(),
        1,
        "{asked:?}"
    );
}

/// A test's submission file the reader refuses is reported as refused
/// (NS0311, at the file's name in the test), not as a file not found.
#[test]
fn a_refused_test_file_is_said_to_be_refused() {
    let files = disk();
    let mut read = |name: &str, _left: usize| {
        if name == "examples/full.json" {
            FileRead::Problem(netspec_core::source::FileProblem::Refused)
        } else {
            read_from(&files, name)
        }
    };
    let (_, spec) = Spec::compile_reading("root.netspec", &mut read, &CompileOptions::default());
    let err = spec.unwrap_err();
    let codes: Vec<&str> = err.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["NS0311"], "{:?}", err.diagnostics);
    assert!(
        err.diagnostics[0]
            .message
            .contains("`examples/full.json` may not be read"),
        "{}",
        err.diagnostics[0].message
    );
}

/// A test's submission file with a byte order mark runs as the same file
/// without one, also when its answers break a relation between them (the
/// test then stops at the same problem).
#[test]
fn a_test_file_with_a_byte_order_mark_runs_as_one_without() {
    let spec = r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  open_beds: int min 0 max beds "Open beds"
}
area resources { requirement RE-01 must "Two beds" { beds >= 2 } }
test "the example" { given file "examples/full.json" expect RE-01 met }
"#;
    let json = r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "A Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Lead"}, "beds": 4, "open_beds": OPEN}"#;
    let run = |open: u32, bom: bool| {
        let text = format!(
            "{}{}",
            if bom { "\u{FEFF}" } else { "" },
            json.replace("OPEN", &open.to_string())
        );
        let sources = Sources::single("root.netspec", spec).with("examples/full.json", text);
        let compiled = Spec::compile("root.netspec", &sources).expect("compiles");
        compiled
            .run_tests()
            .into_iter()
            .map(|t| (t.passed, t.error, t.mismatches.len()))
            .collect::<Vec<_>>()
    };
    // within the relation: passes; past it (5 open of 4): stopped by it
    assert_eq!(run(3, true), run(3, false));
    assert_eq!(run(3, false), vec![(true, None, 0)]);
    let broken = run(5, false);
    assert!(
        broken.first().is_some_and(|t| !t.0
            && t.1
                .as_deref()
                .is_some_and(|e| e.contains("open_beds") || e.contains("beds"))),
        "{broken:?}"
    );
    assert_eq!(run(5, true), broken);
}
