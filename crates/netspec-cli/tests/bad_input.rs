//! The bad-input catalogue (`tests/bad_input/catalogue.json`) through the
//! `netspec` binary: `netspec check --format json SPEC` for spec cases,
//! `netspec eval --format json SPEC SUBMISSION` for submission cases. Each
//! gives the documented exit code and the documented code at the documented
//! place, with output of bounded size (the diagnostics are capped, so a
//! huge input never gives a huge answer). Time is not asserted: the work is
//! bounded by the engine's limits and budget, which the library side
//! (`tests/tests/bad_input.rs`) counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Most bytes one case may print (stdout and stderr together), besides what
/// it quotes of its input: the JSON of at most 201 diagnostics (100 errors,
/// 100 warnings and NS0310), each a few hundred bytes.
const MOST_OUTPUT: usize = 256 * 1024;
/// How many times a report may quote the input: a text answer shows in the
/// report wherever it is named (the 1 MB string of `submission_1mb_string` is
/// in its report 4 times, 4 MB of output).
const QUOTED: usize = 4;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad_input")
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The case's bytes: its file, or prefix + repeat × times + suffix, with
/// `{n}` in `repeat` replaced by the 0-based repetition number.
fn input(case: &Value) -> Vec<u8> {
    if let Some(f) = text(case, "file") {
        return std::fs::read(dir().join(f)).unwrap();
    }
    let g = &case["generate"];
    let repeat = text(g, "repeat").unwrap();
    let times = usize::try_from(g["times"].as_u64().unwrap()).unwrap();
    let mut out = text(g, "prefix").unwrap().to_string();
    if repeat.contains("{n}") {
        for i in 0..times {
            out.push_str(&repeat.replace("{n}", &i.to_string()));
        }
    } else {
        out.push_str(&repeat.repeat(times));
    }
    out.push_str(text(g, "suffix").unwrap());
    out.into_bytes()
}

/// Every diagnostic in the JSON the CLI printed: `[{file, diagnostics}]`
/// from `check`, `{file, diagnostics}` for a refused submission, or a
/// report with `warnings`.
fn diagnostics(stdout: &str) -> Vec<Value> {
    let Ok(v) = serde_json::from_str::<Value>(stdout) else {
        return Vec::new();
    };
    let files = match &v {
        Value::Array(files) => files.clone(),
        other => vec![other.clone()],
    };
    files
        .iter()
        .flat_map(|f| {
            f.get("diagnostics")
                .or_else(|| f.get("warnings"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

fn check(case: &Value, exit: i32, stdout: &str, stderr: &str) -> Result<(), String> {
    let expect = &case["expect"];
    let want_exit = expect["exit"].as_i64().unwrap();
    let shown = || format!("stdout:\n{}\nstderr:\n{}", cut(stdout), cut(stderr));
    if i64::from(exit) != want_exit {
        return Err(format!(
            "exit {want_exit} expected, got {exit}\n{}",
            shown()
        ));
    }
    let diags = diagnostics(stdout);
    let Some(code) = text(expect, "code") else {
        if diags.iter().any(|d| text(d, "severity") == Some("error")) {
            return Err(format!("no error expected\n{}", shown()));
        }
        return Ok(());
    };
    let Some(d) = diags.iter().find(|d| text(d, "code") == Some(code)) else {
        return Err(format!("{code} expected\n{}", shown()));
    };
    if text(d, "severity") != text(expect, "severity") {
        return Err(format!("{code}: wrong severity\n{}", shown()));
    }
    if text(case, "kind") == Some("spec") {
        if let (Some(line), Some(col)) = (expect["line"].as_u64(), expect["column"].as_u64()) {
            let loc = &d["location"];
            if loc["line"].as_u64() != Some(line) || loc["column"].as_u64() != Some(col) {
                return Err(format!("{code} at {loc}, expected {line}:{col}"));
            }
        }
    } else if d.get("path") != expect.get("path").filter(|p| !p.is_null()) {
        return Err(format!(
            "{code} at {:?}, expected at {:?}",
            d.get("path"),
            expect.get("path")
        ));
    }
    Ok(())
}

fn cut(s: &str) -> String {
    s.chars().take(2000).collect()
}

#[test]
fn catalogue_through_the_cli() {
    let bin = env!("CARGO_BIN_EXE_netspec");
    let cat: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("catalogue.json")).unwrap())
            .unwrap();
    let sub_spec = dir().join(text(&cat, "submission_spec").unwrap());
    let tmp = std::env::temp_dir().join(format!("netspec-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut failed = Vec::new();
    let cases = cat["cases"].as_array().unwrap();
    for case in cases {
        let name = text(case, "name").unwrap();
        let kind = text(case, "kind").unwrap();
        let path = match text(case, "file") {
            Some(f) => dir().join(f),
            None => {
                let ext = if kind == "spec" { "netspec" } else { "json" };
                let p = tmp.join(format!("{name}.{ext}"));
                std::fs::write(&p, input(case)).unwrap();
                p
            }
        };
        let mut cmd = Command::new(bin);
        if kind == "spec" {
            cmd.args(["check", "--format", "json"]).arg(&path);
        } else {
            cmd.args(["eval", "--format", "json"])
                .arg(&sub_spec)
                .arg(&path);
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let exit = out.status.code().unwrap_or(-1);
        if let Err(e) = check(case, exit, &stdout, &stderr) {
            failed.push(format!("{name}: {e}"));
        }
        let printed = out.stdout.len() + out.stderr.len();
        let most = MOST_OUTPUT + QUOTED * std::fs::metadata(&path).unwrap().len() as usize;
        if printed > most {
            failed.push(format!(
                "{name}: {printed} bytes of output (at most {most})"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        failed.is_empty(),
        "{} of {} case(s) failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n\n")
    );
}
