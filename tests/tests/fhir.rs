//! The FHIR mapping's conformance cases (`tests/fhir/cases/`): for each
//! case, parts of the exported Questionnaire, the submission a
//! QuestionnaireResponse reads as (or the coded errors it gives, each with
//! its JSON pointer and FHIR path), and the response a submission writes.
//! Every expected value was written by hand from the mapping in
//! `docs/fhir.md`. The bundled examples' round trip (submission → response
//! → submission, the same report) is `round_trip_every_bundled_example`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use netspec::{CompileOptions, EvalOptions, Respondent, Sources, Spec};
use serde_json::Value as Json;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn compile(dir: &Path, name: &str) -> Spec {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    Spec::compile(name, &Sources::single(name, text.as_str()))
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

const KEYS: &[&str] = &[
    "description",
    "spec",
    "respondent",
    "questionnaire",
    "response",
    "submission",
    "reverse",
    "errors",
];

/// `actual` holds every key of `expect` with the same value (an object),
/// or equals it; `null` expects nothing there.
fn holds(actual: Option<&Json>, expect: &Json) -> bool {
    match (actual, expect) {
        (None, Json::Null) => true,
        (Some(Json::Object(a)), Json::Object(e)) => e.iter().all(|(k, v)| a.get(k) == Some(v)),
        (Some(a), e) => a == e,
        (None, _) => false,
    }
}

#[test]
fn conformance_cases() {
    let dir = repo().join("tests/fhir/cases");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 20, "only {} cases", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let case: Json = serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let obj = case.as_object().unwrap();
        for k in obj.keys() {
            assert!(KEYS.contains(&k.as_str()), "{name}: unknown key `{k}`");
        }
        assert!(
            obj.get("description")
                .and_then(Json::as_str)
                .is_some_and(|d| !d.is_empty()),
            "{name}: no description"
        );
        let spec_name = obj
            .get("spec")
            .and_then(Json::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| name.replace(".json", ".netspec"));
        let spec = compile(&dir, &spec_name);
        let who = match obj.get("respondent").and_then(Json::as_str) {
            Some("network") => Respondent::Network,
            _ => Respondent::Provider,
        };
        let q = spec.fhir_questionnaire(who);
        for part in obj
            .get("questionnaire")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let at = part["at"].as_str().unwrap();
            if !holds(q.pointer(at), &part["expect"]) {
                failures.push(format!(
                    "{name}: Questionnaire at `{at}`: expected {}, found {}",
                    part["expect"],
                    q.pointer(at).map_or("nothing".into(), ToString::to_string)
                ));
            }
        }
        let Some(response) = obj.get("response") else {
            continue;
        };
        let read = spec.submission_from_fhir_str(&response.to_string());
        match (read, obj.get("errors")) {
            (Ok(c), None) => {
                let mut expect = obj["submission"].clone();
                // the respondent comes from the Questionnaire answered
                if let Some(h) = expect.get_mut("header").and_then(Json::as_object_mut) {
                    assert_eq!(
                        h.get("respondent").and_then(Json::as_str),
                        Some(who.as_str())
                    );
                }
                if c != expect {
                    failures.push(format!("{name}: read as {c}, expected {expect}"));
                }
                if let Some(r) = c.pointer("/header/respondent") {
                    assert_eq!(r.as_str(), Some(who.as_str()), "{name}");
                }
            }
            (Ok(c), Some(_)) => {
                failures.push(format!("{name}: read as {c} where errors were expected"))
            }
            (Err(e), None) => failures.push(format!("{name}: refused: {:?}", e.diagnostics())),
            (Err(e), Some(expected)) => {
                let errors: Vec<_> = e
                    .diagnostics()
                    .into_iter()
                    .filter(netspec::Diagnostic::is_error)
                    .collect();
                let expected = expected.as_array().unwrap();
                if errors.len() != expected.len() {
                    failures.push(format!("{name}: {} errors: {errors:?}", errors.len()));
                    continue;
                }
                for (d, x) in errors.iter().zip(expected) {
                    let note = format!("FHIR path: {}", x["fhir_path"].as_str().unwrap());
                    let ok = d.code.as_str() == x["code"]
                        && d.path.as_deref() == x.get("path").and_then(Json::as_str)
                        && d.notes.contains(&note);
                    if !ok {
                        failures.push(format!("{name}: expected {x}, found {d:?}"));
                    }
                }
            }
        }
        if obj.get("reverse") == Some(&Json::Bool(true)) {
            let text = obj["submission"].to_string();
            let written = spec.submission_to_fhir_str(&text, Some(who)).unwrap();
            if &written != response {
                failures.push(format!(
                    "{name}: the submission writes {written}, expected {response}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every bundled example: submission → QuestionnaireResponse → submission
/// gives the same report, byte for byte.
#[test]
fn round_trip_every_bundled_example() {
    let specs = repo().join("specs");
    let mut count = 0;
    let opts = CompileOptions::evaluation_only();
    for entry in std::fs::read_dir(&specs).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("netspec") {
            continue;
        }
        let spec = Spec::read(path.to_str().unwrap(), None, None, &opts).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut files = Vec::new();
        for e in std::fs::read_dir(specs.join("examples").join(&stem)).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            } else {
                files.push(p);
            }
        }
        for file in files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let text = std::fs::read_to_string(file).unwrap();
            let eval = EvalOptions::default();
            let Ok(report) = spec.evaluate_str(&text, &eval) else {
                continue; // an example of a refused submission
            };
            let mut direct = Vec::new();
            spec.write_report_json(&report, &mut direct);
            let qr = spec.submission_to_fhir_str(&text, None).unwrap();
            assert_eq!(qr["resourceType"], "QuestionnaireResponse");
            let back = spec
                .submission_from_fhir_str(&qr.to_string())
                .unwrap_or_else(|e| panic!("{}: {:?}", file.display(), e.diagnostics()));
            let mut again = Vec::new();
            spec.write_report_json(
                &spec.evaluate_str(&back.to_string(), &eval).unwrap(),
                &mut again,
            );
            assert!(
                direct == again,
                "{}: the report differs after the round trip",
                file.display()
            );
            count += 1;
        }
    }
    // 12 specs with 6 examples each, and the network folders' providers
    assert!(count >= 72, "only {count} examples");
}

/// Every node of a real response replaced in turn by each of a few values
/// of other JSON types (and every item's `linkId` by an unknown one): the
/// import never panics, and gives either a submission the spec reads or
/// coded errors, each an NS02xx/NS03xx code whose FHIR path note is there
/// when the code is one of the FHIR import's own.
#[test]
fn mutated_responses_are_refused_or_read_never_panic() {
    let spec = Spec::read(
        repo().join("specs/renal.netspec").to_str().unwrap(),
        None,
        None,
        &CompileOptions::evaluation_only(),
    )
    .unwrap();
    let text = std::fs::read_to_string(repo().join("specs/examples/renal/compliant.json")).unwrap();
    let qr = spec.submission_to_fhir_str(&text, None).unwrap();
    let mut pointers = Vec::new();
    fn walk(v: &Json, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match v {
            Json::Object(m) => m.iter().for_each(|(k, x)| {
                walk(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                )
            }),
            Json::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| walk(x, format!("{at}/{i}"), out)),
            _ => {}
        }
    }
    walk(&qr, String::new(), &mut pointers);
    assert!(pointers.len() > 300, "{} nodes", pointers.len());
    let replacements = [
        Json::Null,
        serde_json::json!(1.5),
        serde_json::json!("x"),
        serde_json::json!([{"linkId": "/nowhere"}]),
    ];
    let (mut read, mut refused) = (0, 0);
    // every node, with two of the four replacements (alternating)
    for (i, p) in pointers.iter().enumerate() {
        for r in replacements.iter().skip(i % 2).step_by(2) {
            let mut m = qr.clone();
            match m.pointer_mut(p) {
                Some(slot) => *slot = r.clone(),
                None => continue,
            }
            match spec.submission_from_fhir_str(&m.to_string()) {
                Ok(c) => {
                    assert!(spec.read_submission(&c.to_string()).is_ok(), "{p}");
                    read += 1;
                }
                Err(e) => {
                    for d in e.diagnostics().iter().filter(|d| d.is_error()) {
                        let code = d.code.as_str();
                        assert!(
                            code.starts_with("NS02") || code.starts_with("NS03"),
                            "{p}: {d:?}"
                        );
                        if ("NS0220"..="NS0224").contains(&code) {
                            assert!(
                                d.notes.iter().any(|n| n.starts_with("FHIR path: ")),
                                "{p}: {d:?}"
                            );
                        }
                    }
                    refused += 1;
                }
            }
        }
    }
    // both happen: a wrong value is refused, a dropped answer is only unknown
    assert!(
        read > 100 && refused > 100,
        "read {read}, refused {refused}"
    );
}
