//! The bundled network specifications: each one compiles cleanly (no
//! warnings: an `all` over a list that may be empty is NS0108), covers all
//! seven areas, has its provider and network examples, passes its own tests
//! with full coverage, and its examples are valid against its JSON Schema.
//! Every requirement states its basis and its source, and no `must` rests on
//! an estimate. The tables in `specs/README.md` are generated from the
//! compiled specs and must match them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use netspec::render::{self, Style};
use netspec_core::ir::AREAS;
use netspec_core::vocab::{Basis, Level, Respondent};
use netspec_core::{EvalOptions, Spec};

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
    let sources =
        netspec_core::gather_sources(&name, |n| std::fs::read_to_string(root.join(n)).ok());
    Spec::compile(&name, &sources).unwrap_or_else(|e| {
        panic!(
            "{name} does not compile:\n{}",
            render::compile_error(&e, Style::Plain)
        )
    })
}

/// Provider examples, then network examples (a network submission answers
/// the network's duties: the shared GOV-* ones and any of the network's own).
const EXAMPLES: [&str; 6] = [
    "compliant",
    "partly_compliant",
    "non_compliant",
    "half_filled",
    "network_compliant",
    "network_non_compliant",
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
        assert!(
            spec.warnings().is_empty(),
            "{id} has warnings:\n{}",
            render::diagnostics_in(spec.warnings(), spec.source_map(), Style::Plain)
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
        let cov = netspec_core::testing::coverage(&spec, &results);
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
                "compliant" | "network_compliant" => "green",
                "partly_compliant" => "amber",
                "non_compliant" | "network_non_compliant" => "red",
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
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{rel} is not valid against the schema of {id}: {errors:?}"
            );
        }
        // the network example is valid with its header
        let rel = format!("specs/examples/{id}/network_compliant.json");
        let mut value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(repo().join(&rel)).unwrap()).unwrap();
        let valid = value.clone();
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
        // and with a wrong-typed answer and a malformed period end it is not
        value["network"]["board"]["member_organisations"] = serde_json::json!("twelve");
        value["header"]["period"]["end"] = serde_json::json!("30/06/2025");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.instance_path().to_string())
            .collect();
        assert!(
            errors.contains(&"/network/board/member_organisations".to_string()),
            "{id}: {errors:?}"
        );
        assert!(
            errors.contains(&"/header/period/end".to_string()),
            "{id}: {errors:?}"
        );
        // and the engine agrees
        assert!(spec.evaluate(&value, &EvalOptions::default()).is_err());
    }
}

#[test]
fn every_requirement_has_a_basis_and_a_ref_and_no_must_rests_on_an_estimate() {
    let mut problems = Vec::new();
    for path in spec_files() {
        let spec = compile(&path);
        let id = spec.id().to_string();
        for r in &spec.checked().requirements {
            match r.basis {
                None => problems.push(format!("{id}: {} has no basis", r.id)),
                Some(Basis::Estimate) if r.level == Level::Must => problems.push(format!(
                    "{id}: {} is a must whose basis is an estimate (at most a should)",
                    r.id
                )),
                Some(_) => {}
            }
            if r.reference.as_deref().is_none_or(|s| s.trim().is_empty()) {
                problems.push(format!("{id}: {} has no ref", r.id));
            }
        }
        // an `all` over a list that may be empty, with no `applies when`
        // excluding the empty case, is the checker's NS0108; a must on an
        // estimate is NS0106
        for w in spec.warnings() {
            let code = w.code.as_str();
            if code == "NS0108" || code == "NS0106" {
                problems.push(format!("{id}: {code} {}", w.message));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_spec_has_network_duties_and_the_shared_ones_are_the_networks() {
    for path in spec_files() {
        let spec = compile(&path);
        let id = spec.id().to_string();
        let reqs = &spec.checked().requirements;
        assert!(
            reqs.iter().any(|r| r.respondent == Respondent::Network),
            "{id}: no network requirement"
        );
        assert!(
            reqs.iter()
                .filter(|r| r.id.starts_with("GOV-"))
                .all(|r| r.respondent == Respondent::Network),
            "{id}: a shared GOV-* duty is not the network's"
        );
    }
}

/// Counts per spec, read from the compiled spec.
struct Counts {
    id: String,
    per_area: Vec<usize>,
    total: usize,
    provider: usize,
    network: usize,
    /// [level][basis]: level must/should/may, basis standard/derived/estimate/none
    by_level_basis: [[usize; 4]; 3],
    tests: usize,
}

fn counts(path: &Path) -> Counts {
    let spec = compile(path);
    let reqs = &spec.checked().requirements;
    let mut by_level_basis = [[0usize; 4]; 3];
    for r in reqs {
        let l = match r.level {
            Level::Must => 0,
            Level::Should => 1,
            Level::May => 2,
        };
        let b = match r.basis {
            Some(Basis::Standard) => 0,
            Some(Basis::Derived) => 1,
            Some(Basis::Estimate) => 2,
            None => 3,
        };
        by_level_basis[l][b] += 1;
    }
    Counts {
        id: spec.id().to_string(),
        per_area: (0..AREAS.len())
            .map(|i| reqs.iter().filter(|r| r.area == i).count())
            .collect(),
        total: reqs.len(),
        provider: reqs
            .iter()
            .filter(|r| r.respondent == Respondent::Provider)
            .count(),
        network: reqs
            .iter()
            .filter(|r| r.respondent == Respondent::Network)
            .count(),
        by_level_basis,
        tests: spec.checked().tests.len(),
    }
}

/// The tables in specs/README.md, computed from the specs: requirements by
/// area and respondent, then by level and basis.
fn tables() -> (String, String) {
    let all: Vec<Counts> = spec_files().iter().map(|p| counts(p)).collect();
    let mut areas = String::from(
        "| spec | SD | RE | WF | QU | CO | TR | PH | total | provider | network | tests |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for c in &all {
        let per_area: Vec<String> = c.per_area.iter().map(|n| n.to_string()).collect();
        areas.push_str(&format!(
            "| [{id}]({id}.netspec) | {} | {} | {} | {} | {} |\n",
            per_area.join(" | "),
            c.total,
            c.provider,
            c.network,
            c.tests,
            id = c.id,
        ));
    }
    let mut basis = String::from(
        "| spec | must: standard | must: derived | must: estimate | should: standard | should: derived | should: estimate | may: standard | may: derived | may: estimate | no basis |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for c in &all {
        let mut cells = Vec::new();
        for l in 0..3 {
            for b in 0..3 {
                cells.push(c.by_level_basis[l][b].to_string());
            }
        }
        let none: usize = (0..3).map(|l| c.by_level_basis[l][3]).sum();
        basis.push_str(&format!(
            "| [{id}]({id}.netspec) | {} | {none} |\n",
            cells.join(" | "),
            id = c.id,
        ));
    }
    (areas, basis)
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let s = text
        .find(start)
        .unwrap_or_else(|| panic!("specs/README.md: no {start}"))
        + start.len();
    let e = text[s..]
        .find(end)
        .unwrap_or_else(|| panic!("specs/README.md: no {end}"))
        + s;
    &text[s..e]
}

#[test]
fn specs_readme_tables_match_the_specs() {
    let readme = std::fs::read_to_string(repo().join("specs/README.md")).unwrap();
    let (areas, basis) = tables();
    assert_eq!(
        between(
            &readme,
            "<!-- table:areas:start -->\n",
            "<!-- table:areas:end -->"
        ),
        areas,
        "specs/README.md table of areas is out of date; it should read:\n{areas}"
    );
    assert_eq!(
        between(
            &readme,
            "<!-- table:basis:start -->\n",
            "<!-- table:basis:end -->"
        ),
        basis,
        "specs/README.md table of levels and bases is out of date; it should read:\n{basis}"
    );
}

#[test]
fn specs_readme_has_a_note_for_every_network() {
    let readme = std::fs::read_to_string(repo().join("specs/README.md")).unwrap();
    let notes = between(&readme, "<!-- notes:start -->\n", "<!-- notes:end -->");
    for path in spec_files() {
        let id = compile(&path).id().to_string();
        assert!(
            notes.contains(&format!("### {id}\n")),
            "specs/README.md has no note for {id} (a `### {id}` heading between the notes markers)"
        );
    }
}

/// The non-compliant examples: every requirement not met says where its
/// threshold comes from, adult critical care's each say what would make them
/// pass in the answer's unit, and every change proposed, made to the
/// submission, turns that check into a pass.
#[test]
fn what_it_would_take_turns_each_failed_check_into_a_pass() {
    let (mut applied, mut without) = (0, 0);
    for path in spec_files() {
        let spec = compile(&path);
        let file = repo().join(format!("specs/examples/{}/non_compliant.json", spec.id()));
        let text = std::fs::read_to_string(&file).unwrap();
        let submission: serde_json::Value = serde_json::from_str(&text).unwrap();
        let report = spec.evaluate_str(&text, &EvalOptions::default()).unwrap();
        let report = serde_json::to_value(&report).unwrap();
        for r in report["requirements"].as_array().unwrap() {
            if r["outcome"] != "not_met" {
                continue;
            }
            let id = r["id"].as_str().unwrap();
            assert!(!r["basis"].is_null(), "{}: {id} has no basis", spec.id());
            let failed: Vec<&serde_json::Value> = r["explanation"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["held"] == false)
                .collect();
            let changes: Vec<(&serde_json::Value, &serde_json::Value)> = failed
                .iter()
                .flat_map(|c| {
                    c["to_pass"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(move |t| (*c, t))
                })
                .collect();
            if spec.id() == "adult_critical_care" {
                // the acceptance check of the adult critical care example: a
                // change with a number in the answer's unit for every
                // requirement not met
                assert!(
                    changes
                        .iter()
                        .any(|(_, t)| t["change"].is_number() && t["unit"].is_string()),
                    "{id}: no change with a number and a unit"
                );
            } else if changes.is_empty() {
                without += 1;
            }
            for (check, t) in changes {
                // a change to a total over a list, or one ruled out by a
                // bound, names no single answer to set
                let (Some(pointer), false) = (t["path"].as_str(), t["to"].is_null()) else {
                    continue;
                };
                let mut changed = submission.clone();
                *changed
                    .pointer_mut(pointer)
                    .unwrap_or_else(|| panic!("{}: {id}: no answer at {pointer}", spec.id())) =
                    t["to"].clone();
                let again = spec
                    .evaluate_str(&changed.to_string(), &EvalOptions::default())
                    .unwrap_or_else(|e| {
                        panic!("{}: {id}: {pointer} → {}: {e}", spec.id(), t["to"])
                    });
                let again = serde_json::to_value(&again).unwrap();
                let after = again["requirements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["id"] == id)
                    .unwrap();
                let still_failing = after["explanation"].as_array().unwrap().iter().any(|c| {
                    c["held"] == false
                        && c["check"] == check["check"]
                        && c["element"] == check["element"]
                });
                assert!(
                    !still_failing,
                    "{}: {id}: setting {pointer} to {} did not make `{}` pass",
                    spec.id(),
                    t["to"],
                    check["check"]
                );
                applied += 1;
            }
        }
    }
    // every bundled non-compliant example together proposes this many
    // changes that name one answer; far fewer means the engine stopped
    // proposing them
    eprintln!("{applied} changes applied; {without} requirements not met without one");
    assert!(applied >= 100, "only {applied} changes applied");
    // requirements whose checks read no answer a change can be proposed for
    // (a count of elements, a mean, a rule over a checklist's items)
    assert!(
        without <= 20,
        "{without} requirements not met say nothing of what would pass"
    );
}
