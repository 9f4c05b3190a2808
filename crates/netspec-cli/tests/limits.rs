//! The documented limits (grammar/README.md §10) at their boundaries through
//! the CLI: `netspec check` accepts the largest value allowed and refuses the
//! next one with the documented code; `netspec eval` the same for
//! submissions. The cases are the library's (`crates/netspec-core/tests/common/
//! limit_cases.rs`), so both pin the same values.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../netspec-core/tests/common/limit_cases.rs"]
mod limit_cases;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod support;
use support::Dir;

/// Runs `netspec ARGS`: the exit code and stdout as JSON.
fn netspec(args: &[&Path]) -> (Option<i32>, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_netspec"))
        .args(args)
        .output()
        .expect("run netspec");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}\n{stderr}"));
    (out.status.code(), json, stderr)
}

/// The codes of a list of diagnostics (JSON), errors and warnings apart.
fn codes(diags: &Value) -> (Vec<String>, Vec<String>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for d in diags.as_array().into_iter().flatten() {
        let code = d["code"].as_str().unwrap().to_string();
        if d["severity"] == "warning" {
            warnings.push(code);
        } else {
            errors.push(code);
        }
    }
    (errors, warnings)
}

/// `netspec check --format json`: the exit code and the error codes.
fn check(dir: &Dir, name: &str, text: &str) -> (Option<i32>, Vec<String>) {
    let path = dir.write(name, text.as_bytes());
    let (code, json, _) = netspec(&[
        Path::new("check"),
        Path::new("--format"),
        Path::new("json"),
        &path,
    ]);
    let mut errors = Vec::new();
    for file in json.as_array().unwrap() {
        errors.extend(codes(&file["diagnostics"]).0);
    }
    (code, errors)
}

#[test]
fn spec_limits_through_check() {
    let dir = Dir::new("spec");
    let mut failures = Vec::new();
    for (i, c) in limit_cases::spec_limits().iter().enumerate() {
        let (code, errors) = check(&dir, &format!("at{i}.netspec"), &c.at);
        if code != Some(0) || !errors.is_empty() {
            failures.push(format!(
                "{}: at the limit, exit {code:?}, {errors:?}",
                c.name
            ));
        }
        let (code, errors) = check(&dir, &format!("over{i}.netspec"), &c.over);
        if code != Some(1) || errors.is_empty() || errors.iter().any(|e| e != c.code) {
            failures.push(format!(
                "{}: one past the limit, exit {code:?}, {errors:?} (expected only {})",
                c.name, c.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `netspec eval --format json`: Ok(warning codes) with exit 0, or
/// Err(error codes) with exit 1 (2 for text that is not UTF-8: the CLI
/// cannot read it, and says so with exit code 2, as for an unreadable file).
fn eval(
    dir: &Dir,
    spec: &str,
    sub: &[u8],
    no_explanations: bool,
) -> Result<Vec<String>, Vec<String>> {
    let spec = dir.write("s.netspec", spec.as_bytes());
    let sub = dir.write("sub.json", sub);
    let mut args: Vec<&Path> = vec![Path::new("eval"), Path::new("--format"), Path::new("json")];
    if no_explanations {
        args.push(Path::new("--no-explanations"));
    }
    args.push(&spec);
    args.push(&sub);
    let (code, json, stderr) = netspec(&args);
    if json.get("requirements").is_some() {
        assert_eq!(code, Some(0), "{stderr}");
        Ok(codes(&json["warnings"]).1)
    } else {
        let (mut errors, warnings) = codes(&json["diagnostics"]);
        errors.extend(warnings);
        let want = if errors == ["NS0309"] { 2 } else { 1 };
        assert_eq!(code, Some(want), "{json}\n{stderr}");
        Err(errors)
    }
}

fn owned(r: &Result<Vec<&str>, Vec<&str>>) -> Result<Vec<String>, Vec<String>> {
    let f = |v: &Vec<&str>| v.iter().map(|c| c.to_string()).collect();
    r.as_ref().map(f).map_err(f)
}

#[test]
fn submission_limits_through_eval() {
    let dir = Dir::new("sub");
    let mut failures = Vec::new();
    for c in limit_cases::sub_limits() {
        let got = eval(&dir, &c.spec, &c.at, c.no_explanations);
        if got != owned(&c.at_gives) {
            failures.push(format!("{}: at the limit {got:?}", c.name));
        }
        let spec = c.over_spec.as_deref().unwrap_or(&c.spec);
        let got = eval(&dir, spec, &c.over, c.no_explanations);
        if got != owned(&c.over_gives) {
            failures.push(format!("{}: one past the limit {got:?}", c.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
