//! The read-once API: `Spec::ingest_str` / `ingest`, then
//! `evaluate_submission` and `outcomes`, give exactly what `evaluate_str`
//! gives, for every bundled spec and example, with and without
//! explanations and with an `as_of` override.

use std::path::{Path, PathBuf};

use netspec::render::{self, Style};
use netspec_core::{Date, EvalError, EvalOptions, Outcome, Sources, Spec};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn compile(name: &str) -> Result<Spec, String> {
    let path = format!("specs/{name}.netspec");
    let sources =
        netspec_core::gather_sources(&path, |p| std::fs::read_to_string(root().join(p)).ok());
    Spec::compile(&path, &sources).map_err(|e| render::compile_error(&e, Style::Plain))
}

fn examples(name: &str) -> Vec<(String, String)> {
    let dir = root().join("specs/examples").join(name);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let p = e.path();
                    let text = std::fs::read_to_string(&p).ok()?;
                    Some((p.display().to_string(), text))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn spec_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("specs"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let p = e.path();
                    if p.extension()? != "netspec" {
                        return None;
                    }
                    Some(p.file_stem()?.to_str()?.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn read_once_evaluations_equal_evaluate_str() -> Result<(), String> {
    let as_of = Date::parse("2025-09-30");
    let mut seen = 0;
    for name in spec_names() {
        let spec = compile(&name)?;
        for (file, text) in examples(&name) {
            let sub = spec.ingest_str(&text).map_err(|e| format!("{file}: {e}"))?;
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
            let sub2 = spec.ingest(&value).map_err(|e| format!("{file}: {e}"))?;
            for explanations in [true, false] {
                for as_of in [None, as_of] {
                    let opts = EvalOptions::default()
                        .with_as_of(as_of)
                        .with_explanations(explanations)
                        .with_unattributed(None);
                    let whole = spec
                        .evaluate_str(&text, &opts)
                        .map_err(|e| format!("{file}: {e}"))?;
                    let read_once = spec
                        .evaluate_submission(&sub, &opts)
                        .map_err(|e| format!("{file}: {e}"))?;
                    assert_eq!(whole, read_once, "{file}");
                    let from_value = spec
                        .evaluate_submission(&sub2, &opts)
                        .map_err(|e| format!("{file}: {e}"))?;
                    assert_eq!(whole, from_value, "{file}");
                    let outcomes = spec
                        .outcomes(&sub, &opts)
                        .map_err(|e| format!("{file}: {e}"))?;
                    let expected: Vec<Outcome> =
                        whole.requirements.iter().map(|r| r.outcome).collect();
                    assert_eq!(outcomes, expected, "{file}");
                }
            }
            seen += 1;
        }
    }
    assert!(seen >= 48, "only {seen} examples");
    Ok(())
}

#[test]
fn outcomes_need_an_assessment_date_when_the_spec_has_date_rules() -> Result<(), String> {
    let text = r#"spec demo "Demo" { version "1" }
inputs "U" { reviewed: date "Reviewed on" }
area quality { requirement QU-01 must "Reviewed" { reviewed within 12 months } }
"#;
    let spec = Spec::compile("demo.netspec", &Sources::single("demo.netspec", text))
        .map_err(|e| render::compile_error(&e, Style::Plain))?;
    let sub = spec
        .ingest_str(r#"{"reviewed": "2025-01-01"}"#)
        .map_err(|e| e.to_string())?;
    let plain = EvalOptions::default()
        .with_as_of(None)
        .with_explanations(false)
        .with_unattributed(Some(netspec_core::vocab::Respondent::Provider));
    assert!(matches!(
        spec.outcomes(&sub, &plain),
        Err(EvalError::Invalid { .. })
    ));
    let dated = plain.with_as_of(Date::parse("2025-06-30"));
    assert_eq!(
        spec.outcomes(&sub, &dated).map_err(|e| e.to_string())?,
        vec![Outcome::Met]
    );
    Ok(())
}

#[test]
fn ingest_reports_the_same_errors_as_evaluate_str() -> Result<(), String> {
    let spec = compile("adult_critical_care")?;
    const HEADER: &str = r#""header": {"respondent": "provider", "organisation": {"ods_code": "RXA", "name": "Eastmoor Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}"#;
    for bad in [
        "{".to_string(),
        "[]".to_string(),
        format!(r#"{{{HEADER}, "units": [{{"l3_beds": "ten"}}]}}"#),
        format!(r#"{{{HEADER}, "assessed_on": "2025-02-30"}}"#),
        format!(r#"{{{HEADER}, "units": [{{"unit_type": "Combined"}}], "unit_count": 3}}"#),
        r#"{"header": {"respondent": "provider"}}"#.to_string(),
    ] {
        let bad = bad.as_str();
        let a = spec
            .ingest_str(bad)
            .map(|_| ())
            .map_err(|e| e.diagnostics());
        let b = spec
            .evaluate_str(bad, &EvalOptions::default())
            .map(|_| ())
            .map_err(|e| e.diagnostics());
        assert!(a.is_err(), "{bad}");
        assert_eq!(a, b, "{bad}");
    }
    // without a header, evaluation (which needs one) says so beside the rest
    let bad = r#"{"units": [{"l3_beds": "ten"}]}"#;
    let read = spec
        .ingest_str(bad)
        .map(|_| ())
        .map_err(|e| e.diagnostics());
    let evaluated = spec
        .evaluate_str(bad, &EvalOptions::default())
        .map(|_| ())
        .map_err(|e| e.diagnostics());
    let codes = |r: &Result<(), Vec<netspec_core::Diagnostic>>| -> Vec<String> {
        r.as_ref()
            .err()
            .map(|ds| ds.iter().map(|d| d.code.as_str().to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(codes(&read), ["NS0201"]);
    assert_eq!(codes(&evaluated), ["NS0211", "NS0201"]);
    // read once without a header, it cannot be evaluated without `unattributed`
    let sub = spec.ingest_str("{}").map_err(|e| e.to_string())?;
    let err = spec
        .evaluate_submission(&sub, &EvalOptions::default())
        .map(|_| ())
        .map_err(|e| e.diagnostics());
    assert_eq!(codes(&err), ["NS0211"]);
    Ok(())
}
