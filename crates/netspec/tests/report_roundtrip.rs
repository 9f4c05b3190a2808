//! A report read back from its JSON is the same report: serialising what
//! was deserialised gives the same bytes, for every example submission of
//! every bundled spec (explanations on and off), so a service can store
//! reports as JSON and read them again. (Byte for byte needs a JSON reader
//! that parses floats exactly, as serde_json does with `float_roundtrip`,
//! which these tests turn on; with its default, faster parsing the last
//! digit of a float such as a check's `gap` can differ.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use netspec::{CompileOptions, EvalOptions, Report, Spec};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn compile(name: &str) -> Spec {
    let root = repo();
    let path = format!("specs/{name}.netspec");
    let options = CompileOptions::evaluation_only();
    let sources = netspec::gather_sources(&path, &options, |p| {
        std::fs::read_to_string(root.join(p)).ok()
    });
    Spec::compile_with_options(&path, &sources, &options).unwrap_or_else(|e| {
        panic!(
            "{path}: {}",
            netspec::render::compile_error(&e, Default::default())
        )
    })
}

#[test]
fn every_example_report_survives_a_json_round_trip() {
    let mut compared = 0;
    for entry in std::fs::read_dir(repo().join("specs/examples")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let spec = compile(&name);
        for example in std::fs::read_dir(&dir).unwrap() {
            let path = example.unwrap().path();
            // the network examples are folders of their own (network/)
            if path.is_dir() {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            for explanations in [true, false] {
                let opts = EvalOptions::default().with_explanations(explanations);
                let Ok(report) = spec.evaluate_str(&text, &opts) else {
                    continue;
                };
                let json = serde_json::to_string(&report).unwrap();
                let back: Report<'static> = serde_json::from_str(&json)
                    .unwrap_or_else(|e| panic!("{name}: the report does not read back: {e}"));
                let again = serde_json::to_string(&back).unwrap();
                if again != json {
                    let at = again
                        .bytes()
                        .zip(json.bytes())
                        .position(|(x, y)| x != y)
                        .unwrap_or(again.len().min(json.len()));
                    let near = |t: &str| {
                        t.get(at.saturating_sub(120)..(at + 60).min(t.len()))
                            .unwrap_or("")
                            .to_string()
                    };
                    panic!(
                        "{name}: written again, the report read back differs at byte {at}:\n{}\n{}",
                        near(&again),
                        near(&json)
                    );
                }
                // the values too, where JSON numbers cannot tell an integer
                // from a float (a check's `left` of 82 may be either)
                let (a, b) = (format!("{back:?}"), format!("{:?}", report.into_owned()));
                assert!(
                    a == b || a.replace(".0)", ")") == b.replace(".0)", ")"),
                    "{name}: read back differs"
                );
                compared += 1;
            }
        }
    }
    // 12 specs, at least 4 evaluable examples each, explanations on and off
    assert!(compared >= 12 * 4 * 2, "only {compared} reports compared");
}

#[test]
fn a_report_says_its_format_and_engine() {
    let spec = compile("adult_critical_care");
    let text = std::fs::read_to_string(
        repo().join("specs/examples/adult_critical_care/non_compliant.json"),
    )
    .unwrap();
    let report = spec.evaluate_str(&text, &EvalOptions::default()).unwrap();
    assert_eq!(report.report_format, Report::FORMAT);
    assert_eq!(report.engine_version, env!("CARGO_PKG_VERSION"));
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["report_format"], 1);
    assert_eq!(json["engine_version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn a_report_with_an_unknown_area_or_code_is_refused() {
    let spec = compile("adult_critical_care");
    let text =
        std::fs::read_to_string(repo().join("specs/examples/adult_critical_care/half_filled.json"))
            .unwrap();
    let report = spec.evaluate_str(&text, &EvalOptions::default()).unwrap();
    let json = serde_json::to_string(&report).unwrap();
    let area = json.replacen("\"area\":\"workforce\"", "\"area\":\"catering\"", 1);
    assert_ne!(area, json);
    let err = serde_json::from_str::<Report>(&area).unwrap_err();
    assert!(
        err.to_string().contains("`catering` is not an area"),
        "{err}"
    );
    let date = json.replacen("\"assessed_on\":\"", "\"assessed_on\":\"2025-02-30 ", 1);
    assert!(serde_json::from_str::<Report>(&date).is_err());
}
