//! Prints what the native engine makes of every case of the conformance
//! corpus, for the WebAssembly parity test (`test/parity.test.js`).
//!
//! Usage: `cargo run -p netspec-wasm --example native_reports -- [CORPUS_DIR]`
//! (default: the repository's `tests/conformance`). Prints one JSON object:
//! `{"cases": [{"id", "compile_ok", "compile_diagnostics", "evaluation"}]}`
//! where `evaluation` is null (the spec did not compile), `{"report": TEXT}`
//! with the report exactly as `netspec eval --format json` prints it (without
//! its final newline), or `{"errors": [diagnostics]}` for a rejected submission.
//! Cases are compiled and evaluated as `tests/conformance/README.md` says,
//! with one difference shared with the JavaScript side: the compilation is
//! given every file under the case's group folder (not only the files the
//! spec reaches), as a JavaScript caller hands over a `files` map.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use netspec::{Date, EvalOptions, Sources, Spec};
use serde_json::{json, Value};

fn main() -> ExitCode {
    let root = std::env::args().nth(1).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance"),
        PathBuf::from,
    );
    match run(&root) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    v.sort();
    Ok(v)
}

fn run(root: &Path) -> Result<Value, String> {
    let mut cases = Vec::new();
    for group in sorted_entries(root)?.into_iter().filter(|p| p.is_dir()) {
        let group_name = group
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for path in sorted_entries(&group)? {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(stem) = name.strip_suffix(".json") else {
                continue;
            };
            let spec_name = format!("{stem}.netspec");
            if !path.is_file() || !group.join(&spec_name).is_file() {
                continue;
            }
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let case: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
            cases.push(run_case(
                &group,
                &format!("{group_name}/{stem}"),
                &spec_name,
                &case,
            )?);
        }
    }
    Ok(json!({ "cases": cases }))
}

/// Every file under `dir`, named by its `/`-separated path relative to the group folder.
fn add_files(dir: &Path, prefix: &str, sources: &mut Sources) -> Result<(), String> {
    for path in sorted_entries(dir)? {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if path.is_dir() {
            add_files(&path, &rel, sources)?;
        } else if path.is_file() {
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            sources.insert(rel, text);
        }
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value, String> {
    serde_json::to_value(v).map_err(|e| e.to_string())
}

fn run_case(dir: &Path, id: &str, spec_name: &str, case: &Value) -> Result<Value, String> {
    let mut sources = Sources::new();
    add_files(dir, "", &mut sources)?;
    let spec = match Spec::compile(spec_name, &sources) {
        Ok(s) => s,
        Err(e) => {
            return Ok(json!({
                "id": id, "compile_ok": false,
                "compile_diagnostics": to_json(&e.diagnostics)?, "evaluation": null,
            }))
        }
    };
    let opts = EvalOptions::default().with_as_of(
        case.get("as_of")
            .and_then(Value::as_str)
            .and_then(Date::parse),
    );
    let result = match (case.get("submission_text"), case.get("submission")) {
        (Some(Value::String(text)), _) => spec.evaluate_str(text, &opts),
        (_, Some(v)) => spec.evaluate(v, &opts),
        _ => spec.evaluate(&json!({}), &opts),
    };
    let evaluation = match result {
        // exactly what `netspec eval --format json` prints (see crates/netspec-cli)
        Ok(report) => json!({ "report": serde_json::to_string_pretty(&to_json(&report)?)
            .map_err(|e| e.to_string())? }),
        Err(e) => json!({ "errors": to_json(&e.diagnostics())? }),
    };
    Ok(json!({
        "id": id, "compile_ok": true,
        "compile_diagnostics": to_json(&spec.warnings())?, "evaluation": evaluation,
    }))
}
