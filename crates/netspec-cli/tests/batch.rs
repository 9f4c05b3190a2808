//! End-to-end tests of `netspec eval SPEC --batch FILE`: one report per
//! line, in input order, each equal to the single evaluation of that line;
//! a bad line reported on its own line without stopping the batch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn netspec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netspec"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("netspec-batch-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

const SPEC: &str = "specs/adult_critical_care.netspec";

/// The four adult critical care examples, each on one line, varied so that
/// no two lines are the same.
fn submissions(n: usize) -> Vec<String> {
    let names = [
        "compliant",
        "partly_compliant",
        "non_compliant",
        "half_filled",
    ];
    (0..n)
        .map(|i| {
            let name = names[i % names.len()];
            let text = std::fs::read_to_string(
                root().join(format!("specs/examples/adult_critical_care/{name}.json")),
            )
            .unwrap();
            let mut v: Value = serde_json::from_str(&text).unwrap();
            if let Some(units) = v.get_mut("units").and_then(Value::as_array_mut) {
                if let Some(u) = units.first_mut() {
                    u["mm_meetings"] = Value::from((i % 14) as i64);
                    u["name"] = Value::from(format!("Unit of line {}", i + 1));
                }
            }
            serde_json::to_string(&v).unwrap()
        })
        .collect()
}

/// The single evaluation of one submission, as `netspec eval --format json` prints it.
fn single(dir: &Path, i: usize, text: &str, extra: &[&str]) -> (Value, Option<i32>) {
    let file = dir.join(format!("single-{i}.json"));
    std::fs::write(&file, text).unwrap();
    let mut args = vec!["eval", SPEC, file.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = netspec(&args);
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        out.status.code(),
    )
}

/// A batch line less the two fields that join it back to its submission,
/// which must be its input line and its header's ODS code.
fn without_ids(mut batch: Value, line: usize, ods_code: &Value) -> Value {
    let m = batch.as_object_mut().unwrap();
    assert_eq!(m.remove("line"), Some(Value::from(line)), "line {line}");
    assert_eq!(m.remove("ods_code").as_ref(), Some(ods_code), "line {line}");
    batch
}

#[test]
fn every_line_equals_its_single_evaluation_in_input_order() {
    let dir = temp_dir("order");
    let lines = submissions(40);
    let file = dir.join("subs.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    for extra in [&[][..], &["--no-explanations", "--as-of", "2025-09-30"][..]] {
        let mut args = vec!["eval", SPEC, "--batch", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = netspec(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let got: Vec<&str> = stdout.lines().collect();
        assert_eq!(got.len(), lines.len());
        for (i, (line, sub)) in got.iter().zip(&lines).enumerate() {
            // compact JSON, one report per line
            assert!(!line.contains('\n') && line.starts_with("{\"areas\":["));
            // the report, then its line and organisation
            assert!(
                line.ends_with(&format!(",\"line\":{},\"ods_code\":\"RXA\"}}", i + 1)),
                "{line}"
            );
            let batch: Value = serde_json::from_str(line).unwrap();
            let (one, _) = single(&dir, i, sub, extra);
            let ods = one["header"]["organisation"]["ods_code"].clone();
            assert_eq!(without_ids(batch, i + 1, &ods), one, "line {}", i + 1);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Thousands of lines, over several windows of lines read and evaluated
/// together (the last one part full), with blank and bad lines among them:
/// every line, once, in order, equal to the library's evaluation of it.
#[test]
fn many_windows_of_lines_give_every_report_once_in_order() {
    let dir = temp_dir("windows");
    let mut lines = submissions(2_345);
    lines[700] = String::new();
    lines[1_500] = "{\"units\": 3}".to_string();
    let file = dir.join("subs.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap(); // no newline after the last line
    let out = netspec(&[
        "eval",
        SPEC,
        "--batch",
        file.to_str().unwrap(),
        "--no-explanations",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let got: Vec<&str> = stdout.lines().collect();
    let wanted: Vec<(usize, &String)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .collect();
    assert_eq!(got.len(), wanted.len());
    let sources = netspec::gather_sources(SPEC, &netspec::CompileOptions::default(), |p| {
        std::fs::read_to_string(root().join(p)).ok()
    });
    let spec = netspec::Spec::compile(SPEC, &sources).unwrap();
    let opts = netspec::EvalOptions::default()
        .with_as_of(None)
        .with_explanations(false)
        .with_unattributed(None);
    for (line, (i, sub)) in got.iter().zip(wanted) {
        let batch: Value = serde_json::from_str(line).unwrap();
        match spec.evaluate_str(sub, &opts) {
            Ok(report) => assert_eq!(
                without_ids(batch, i + 1, &Value::from("RXA")),
                serde_json::to_value(&report).unwrap(),
                "line {}",
                i + 1
            ),
            Err(_) => {
                assert_eq!(batch["line"], Value::from(i + 1), "line {}", i + 1);
                // `{"units": 3}` has no header to name its organisation
                assert_eq!(batch["ods_code"], Value::Null);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A line over the size limit is refused as its single evaluation is
/// (NS0305, with its whole size), without being kept, and the batch goes on.
#[test]
fn a_line_over_the_size_limit_is_refused_with_its_size() {
    let dir = temp_dir("huge");
    let lines = submissions(3);
    let huge = format!("{{\"notes\": \"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let text = format!("{}\n{huge}\r\n{}\n", lines[0], lines[2]);
    let file = dir.join("subs.jsonl");
    std::fs::write(&file, text).unwrap();
    let out = netspec(&[
        "eval",
        SPEC,
        "--batch",
        file.to_str().unwrap(),
        "--no-explanations",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let got: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), 3);
    assert!(got[0]["spec"].is_object() && got[2]["spec"].is_object());
    assert_eq!(got[1]["line"], Value::from(2));
    let d = &got[1]["diagnostics"][0];
    assert_eq!(d["code"], "NS0305");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains(&format!("is {} bytes", huge.len())),
        "{d}"
    );
    // the same as the single evaluation of that line
    let (one, code) = single(&dir, 1, &huge, &["--no-explanations"]);
    assert_eq!(code, Some(1));
    assert_eq!(one["diagnostics"][0]["message"], d["message"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_line_is_reported_on_its_line_and_the_rest_are_evaluated() {
    let dir = temp_dir("bad");
    let mut lines = submissions(6);
    lines[1] = "{\"units\": [".to_string(); // not JSON
    lines[3] = r#"{"units": [{"l3_beds": "ten"}], "header": {"respondent": "provider", "organisation": {"ods_code": "RXA", "name": "Eastmoor Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}}"#.to_string();
    // a blank line is skipped, and does not shift the line numbers
    let text = format!("{}\n\n{}\n", lines[..3].join("\n"), lines[3..].join("\n"));
    let file = dir.join("subs.jsonl");
    std::fs::write(&file, text).unwrap();
    let out = netspec(&["eval", SPEC, "--batch", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 of 6 line(s) were not valid submissions"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let got: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), 6);
    // input line 2: not JSON
    assert_eq!(got[1]["line"], 2);
    assert_eq!(got[1]["diagnostics"][0]["code"], "NS0207");
    // input line 5 (after the blank line 4): a wrong type, with its pointer
    assert_eq!(got[3]["line"], 5);
    assert_eq!(got[3]["diagnostics"][0]["code"], "NS0201");
    assert_eq!(got[3]["diagnostics"][0]["path"], "/units/0/l3_beds");
    // its header names its organisation; line 2's cannot be read
    assert_eq!(got[3]["ods_code"], "RXA");
    assert_eq!(got[1]["ods_code"], Value::Null);
    // input lines 1, 3, 6 and 7
    for (i, input_line) in [(0, 1), (2, 3), (4, 6), (5, 7)] {
        let (one, _) = single(&dir, i, &lines[i], &[]);
        let ods = Value::from("RXA");
        assert_eq!(
            without_ids(got[i].clone(), input_line, &ods),
            one,
            "line {i}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A line without a header is refused (NS0211) unless `--unattributed`
/// names the respondent it is evaluated as from; its report then says so.
/// (With no header there is no period end: the date comes from `--as-of`.)
#[test]
fn unattributed_lines_need_the_option() {
    let dir = temp_dir("unattributed");
    let mut lines = submissions(2);
    let mut v: Value = serde_json::from_str(&lines[1]).unwrap();
    v.as_object_mut().unwrap().remove("header");
    lines[1] = serde_json::to_string(&v).unwrap();
    let file = dir.join("subs.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let out = netspec(&["eval", SPEC, "--batch", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let got: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got[1]["diagnostics"][0]["code"], "NS0211");
    assert_eq!(got[1]["diagnostics"][0]["path"], "/header");
    let out = netspec(&[
        "eval",
        SPEC,
        "--batch",
        file.to_str().unwrap(),
        "--unattributed",
        "provider",
        "--as-of",
        "2025-06-30",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let got: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got[0]["respondent"], "provider");
    assert_eq!(got[0]["header"]["organisation"]["ods_code"], "RXA");
    assert!(got[0]["warnings"].as_array().unwrap().is_empty());
    assert_eq!(got[1]["header"], Value::Null);
    assert_eq!(got[1]["respondent"], "provider");
    assert_eq!(got[1]["warnings"][0]["code"], "NS0217");
    let (one, code) = single(
        &dir,
        1,
        &lines[1],
        &["--unattributed", "provider", "--as-of", "2025-06-30"],
    );
    assert_eq!(code, Some(0));
    // no header: no organisation to name
    assert_eq!(without_ids(got[1].clone(), 2, &Value::Null), one);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn batch_reads_stdin_and_fail_on_applies_to_every_report() {
    let lines = submissions(4);
    let mut child = Command::new(env!("CARGO_BIN_EXE_netspec"))
        .args(["eval", SPEC, "--batch", "-", "--fail-on", "red"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(lines.join("\n").as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 4);
    // the non-compliant example is red
    assert_eq!(out.status.code(), Some(1));
    // piped: no progress bar on stderr
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn batch_and_a_submission_are_exclusive_and_an_unreadable_file_is_exit_2() {
    let out = netspec(&[
        "eval",
        SPEC,
        "specs/examples/adult_critical_care/compliant.json",
        "--batch",
        "x.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = netspec(&["eval", SPEC, "--batch", "no/such/file.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = netspec(&["eval", SPEC]);
    assert_eq!(out.status.code(), Some(2));
}
