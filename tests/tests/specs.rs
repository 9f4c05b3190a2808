//! The bundled network specifications: each one compiles cleanly, covers all
//! seven areas, has its four examples, passes its own tests with full
//! coverage, and its examples are valid against its JSON Schema. The table in
//! `specs/README.md` must match the specs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use netspec::ir::AREAS;
use netspec::syntax::ast::Level;
use netspec::{EvalOptions, Spec};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every spec file directly in `specs/` (shared files live in `specs/common/`).
fn spec_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("specs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "netspec"))
        .collect();
    files.sort();
    files
}

fn compile(path: &Path) -> Spec {
    let root = repo();
    let name = path
        .strip_prefix(&root)
        .unwrap()
        .to_string_lossy()
        .to_string();
    let sources = netspec::gather_sources(&name, |n| std::fs::read_to_string(root.join(n)).ok());
    Spec::compile(&name, &sources)
        .unwrap_or_else(|e| panic!("{name} does not compile:\n{}", e.render()))
}

const EXAMPLES: [&str; 4] = [
    "compliant",
    "partly_compliant",
    "non_compliant",
    "half_filled",
];

#[test]
fn there_are_twelve_network_specs() {
    let ids: Vec<String> = spec_files()
        .iter()
        .map(|p| compile(p).id().to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "adult_critical_care",
            "burns",
            "cardiac",
            "congenital_heart_disease",
            "hepatitis_c",
            "major_trauma",
            "neonatal_critical_care",
            "neurosurgery",
            "paediatric_critical_care",
            "renal",
            "spinal_surgery",
            "surgery_in_children"
        ]
    );
}

#[test]
fn every_spec_is_clean_complete_and_covered() {
    for path in spec_files() {
        let spec = compile(&path);
        let id = spec.id().to_string();
        // NS0108 (`all` over a list that may be empty) is new with issue 12;
        // the bundled specs are revised against it in the next issue
        let warnings: Vec<netspec::Diagnostic> = spec
            .warnings()
            .iter()
            .filter(|d| d.code != netspec::Code::EmptyList)
            .cloned()
            .collect();
        assert!(
            warnings.is_empty(),
            "{id} has warnings:\n{}",
            spec.render(&warnings)
        );
        let reqs = &spec.checked().requirements;
        for (i, (area, _)) in AREAS.iter().enumerate() {
            let n = reqs.iter().filter(|r| r.area == i).count();
            assert!(
                n >= 2,
                "{id}: area {area} has {n} requirement(s), needs at least 2"
            );
        }
        let own = reqs.iter().filter(|r| !r.id.starts_with("GOV-")).count();
        assert!(
            own >= 12,
            "{id}: {own} network-specific requirements, needs at least 12"
        );
        for r in reqs {
            assert!(
                r.reference.as_deref().is_some_and(|s| !s.trim().is_empty()),
                "{id}: {} has no ref",
                r.id
            );
        }
        assert!(
            spec.source_map()
                .files()
                .iter()
                .any(|f| f.name == "specs/common/network_governance.netspec"),
            "{id} does not use the shared governance duties"
        );

        let results = spec.run_tests();
        for t in &results {
            assert!(
                t.passed,
                "{id}: test \"{}\" failed: {:?} {:?}",
                t.name, t.mismatches, t.error
            );
        }
        let cov = netspec::testing::coverage(&spec, &results);
        let uncovered: Vec<&str> = cov
            .requirements
            .iter()
            .filter(|r| !r.covered())
            .map(|r| r.id.as_str())
            .collect();
        assert!(
            uncovered.is_empty(),
            "{id}: requirements not seen met and not met (and n/a): {uncovered:?}"
        );

        // every example exists, is tested by the spec, and gets the rating its name promises
        let text = std::fs::read_to_string(&path).unwrap();
        for ex in EXAMPLES {
            let rel = format!("examples/{id}/{ex}.json");
            assert!(
                text.contains(&format!("given file \"{rel}\"")),
                "{id}: no test uses {rel}"
            );
            let json = std::fs::read_to_string(repo().join("specs").join(&rel)).unwrap();
            let report = spec.evaluate_str(&json, &EvalOptions::default()).unwrap();
            assert!(
                report.warnings.is_empty(),
                "{id}: {rel} has warnings: {:?}",
                report.warnings
            );
            let want = match ex {
                "compliant" => "green",
                "partly_compliant" => "amber",
                "non_compliant" => "red",
                _ => "incomplete",
            };
            assert_eq!(report.overall.rating.as_str(), want, "{id}: {rel}");
        }
    }
}

#[test]
fn examples_are_valid_against_their_json_schema_and_a_broken_one_is_not() {
    for path in spec_files() {
        let spec = compile(&path);
        let id = spec.id().to_string();
        let schema = spec.json_schema();
        let validator = jsonschema::draft202012::new(&schema)
            .unwrap_or_else(|e| panic!("{id}: schema is invalid: {e}"));
        for ex in EXAMPLES {
            let rel = format!("specs/examples/{id}/{ex}.json");
            let value: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(repo().join(&rel)).unwrap()).unwrap();
            let value = with_header(value);
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{rel} is not valid against the schema of {id}: {errors:?}"
            );
        }
        // the same submission with a wrong-typed answer and a bad enum value is rejected
        let rel = format!("specs/examples/{id}/compliant.json");
        let mut value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(repo().join(&rel)).unwrap()).unwrap();
        let valid = with_header(value.clone());
        assert!(validator.is_valid(&valid), "{id}: {rel} with a header");
        // without its header a submission is not valid
        let mut headless = valid.clone();
        if let Some(o) = headless.as_object_mut() {
            o.remove("header");
        }
        assert!(
            !validator.is_valid(&headless),
            "{id}: a submission without a header"
        );
        // nor with a malformed ODS code or a date that is not one
        let mut bad = valid;
        bad["header"]["organisation"]["ods_code"] = serde_json::json!("rrk");
        bad["header"]["period"]["end"] = serde_json::json!("30/06/2025");
        let errors: Vec<String> = validator
            .iter_errors(&bad)
            .map(|e| e.instance_path().to_string())
            .collect();
        for p in ["/header/organisation/ods_code", "/header/period/end"] {
            assert!(errors.contains(&p.to_string()), "{id}: {p} {errors:?}");
        }
        value["network"]["board"]["member_organisations"] = serde_json::json!("twelve");
        value["assessed_on"] = serde_json::json!("30/06/2025");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.instance_path().to_string())
            .collect();
        assert!(
            errors.contains(&"/network/board/member_organisations".to_string()),
            "{id}: {errors:?}"
        );
        assert!(
            errors.contains(&"/assessed_on".to_string()),
            "{id}: {errors:?}"
        );
        // and the engine agrees
        assert!(spec.evaluate(&value, &EvalOptions::default()).is_err());
    }
}

/// An example submission with a header: the one it has, or one made from
/// its `assessed_on` (which the header's period end replaces).
fn with_header(mut value: serde_json::Value) -> serde_json::Value {
    let Some(o) = value.as_object_mut() else {
        return value;
    };
    if o.contains_key("header") {
        return value;
    }
    let end = o
        .remove("assessed_on")
        .and_then(|d| d.as_str().map(str::to_string))
        .unwrap_or_else(|| "2025-06-30".to_string());
    o.insert(
        "header".into(),
        serde_json::json!({
            "respondent": "provider",
            "organisation": {"ods_code": "RRK", "name": "Eastmoor Hospitals NHS Trust"},
            "period": {"start": "2024-07-01", "end": end},
            "completed_by": "Jo Bloggs, service manager"
        }),
    );
    value
}

/// The table in specs/README.md, computed from the specs.
fn table() -> String {
    let mut out = String::from(
        "| spec | SD | RE | WF | QU | CO | TR | PH | total | network-specific | must | should | may | tests |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for path in spec_files() {
        let spec = compile(&path);
        let reqs = &spec.checked().requirements;
        let per_area: Vec<String> = (0..AREAS.len())
            .map(|i| reqs.iter().filter(|r| r.area == i).count().to_string())
            .collect();
        let level = |l: Level| reqs.iter().filter(|r| r.level == l).count();
        let own = reqs.iter().filter(|r| !r.id.starts_with("GOV-")).count();
        out.push_str(&format!(
            "| [{id}]({id}.netspec) | {} | {} | {own} | {} | {} | {} | {} |\n",
            per_area.join(" | "),
            reqs.len(),
            level(Level::Must),
            level(Level::Should),
            level(Level::May),
            spec.checked().tests.len(),
            id = spec.id(),
        ));
    }
    out
}

#[test]
fn specs_readme_table_matches_the_specs() {
    let readme = std::fs::read_to_string(repo().join("specs/README.md")).unwrap();
    let start = readme
        .find("<!-- table:start -->\n")
        .expect("table start marker")
        + "<!-- table:start -->\n".len();
    let end = readme.find("<!-- table:end -->").expect("table end marker");
    let expected = table();
    assert_eq!(
        &readme[start..end],
        expected,
        "specs/README.md table is out of date; it should read:\n{expected}"
    );
}
