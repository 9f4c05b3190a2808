//! The `netspec` binary against hostile specs and a hostile environment:
//! files a spec may not read (NS0311), write errors, oversized inputs,
//! terminal control characters, folder discovery.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

mod support;
use support::Dir;

fn netspec() -> Command {
    Command::new(env!("CARGO_BIN_EXE_netspec"))
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.stdin(Stdio::null()).output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

const SPEC: &str = r#"spec demo "Demo" { version "1" }
inputs "Unit" { beds: int min 0 "Funded beds" }
area resources { requirement RE-01 must "Two beds" { beds >= 2 } }
"#;

const SUBMISSION: &str = r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RRK", "name": "Eastmoor"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo"}, "beds": 3}"#;

fn spec_using(target: &str) -> String {
    format!("use \"{target}\"\n{SPEC}")
}

/// `use` of a path outside the spec's folder, of a device, of a FIFO, of a
/// symlink leading out: NS0311 at once, nothing of the file printed, and the
/// same message whether or not the file exists.
#[test]
fn use_outside_the_spec_folder_is_refused() {
    let d = Dir::new("use");
    d.write("outside.netspec", "SECRET-OUTSIDE\n");
    let inner = d.path().join("spec");
    std::fs::create_dir_all(&inner).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", inner.join("passwd.netspec")).unwrap();
    std::os::unix::fs::symlink(d.path().join("outside.netspec"), inner.join("out.netspec"))
        .unwrap();
    let fifo = inner.join("fifo.netspec");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let targets = [
        "/etc/passwd",
        "../../../../../../../../etc/passwd",
        "../outside.netspec",
        "/dev/zero",
        "/dev/stdin",
        "fifo.netspec",
        "passwd.netspec",
        "out.netspec",
        "/no/such/file.netspec",
        "../no-such-file.netspec",
    ];
    let mut messages = Vec::new();
    for t in targets {
        let spec = d.write("spec/main.netspec", spec_using(t));
        let started = std::time::Instant::now();
        let (code, stdout, stderr) = run(netspec().args(["check", "--format", "json"]).arg(&spec));
        assert!(started.elapsed().as_secs() < 20, "{t}: slow");
        assert_eq!(code, 1, "{t}: {stderr}");
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let diag = &v[0]["diagnostics"][0];
        assert_eq!(diag["code"], "NS0311", "{t}: {stdout}");
        assert!(
            !stdout.contains("root:") && !stdout.contains("SECRET"),
            "{t}: {stdout}"
        );
        let msg = diag["message"].as_str().unwrap().to_string();
        // the message names the path as given, and nothing about the file
        messages.push(msg.replace(t.trim_start_matches("../"), "PATH"));
        let (code, _, stderr) = run(netspec().arg("check").arg(&spec));
        assert_eq!(code, 1);
        assert!(stderr.contains("NS0311"), "{t}: {stderr}");
        assert!(
            !stderr.contains("root:x") && !stderr.contains("SECRET"),
            "{t}: {stderr}"
        );
    }
    // the texts differ only by the path
    let shapes: std::collections::BTreeSet<String> = messages
        .iter()
        .map(|m| {
            m.split('`')
                .enumerate()
                .filter(|(i, _)| i % 2 == 0)
                .map(|(_, s)| s)
                .collect()
        })
        .collect();
    assert_eq!(shapes.len(), 1, "{messages:?}");
}

/// `--root DIR` widens the folder; a file inside it is read.
#[test]
fn root_flag_names_the_folder() {
    let d = Dir::new("root");
    d.write("common/shared.netspec", "let two = 2\n");
    let spec = d.write(
        "spec/main.netspec",
        spec_using("../common/shared.netspec").replace("beds >= 2", "beds >= two"),
    );
    let (code, _, stderr) = run(netspec().arg("check").arg(&spec));
    assert_eq!(code, 1);
    assert!(stderr.contains("NS0311"), "{stderr}");
    let (code, _, stderr) = run(netspec()
        .arg("check")
        .arg("--root")
        .arg(d.path())
        .arg(&spec));
    assert_eq!(code, 0, "{stderr}");
}

/// `given file` is confined the same way.
#[test]
fn given_file_outside_the_folder_is_refused() {
    let d = Dir::new("given");
    let spec = d.write(
        "spec/main.netspec",
        format!("{SPEC}test \"t\" {{ given file \"/etc/passwd\" expect RE-01 met }}\n"),
    );
    let (code, stdout, _) = run(netspec().args(["test", "--format", "json"]).arg(&spec));
    assert_eq!(code, 1);
    assert!(!stdout.contains("root:x"));
    let (_, stdout, _) = run(netspec().args(["check", "--format", "json"]).arg(&spec));
    assert!(stdout.contains("NS0311"), "{stdout}");
    assert!(!stdout.contains("root:x"));
}

/// Writing to a full disk: a message and a non-zero exit, for every command
/// that writes to stdout.
#[test]
fn write_errors_are_reported() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let d = Dir::new("full");
    let spec = d.write("demo.netspec", SPEC);
    let sub = d.write("sub.json", SUBMISSION);
    let lines = d.write("lines.jsonl", format!("{SUBMISSION}\n{SUBMISSION}\n"));
    let tests = d.write(
        "t.netspec",
        format!("{SPEC}test \"t\" {{ given {{\"beds\": 3}} expect RE-01 met }}\n"),
    );
    let runs: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec![
            "eval".as_ref(),
            spec.as_os_str(),
            "--batch".as_ref(),
            lines.as_os_str(),
        ],
        vec!["eval".as_ref(), spec.as_os_str(), sub.as_os_str()],
        vec![
            "eval".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            spec.as_os_str(),
            sub.as_os_str(),
        ],
        vec!["schema".as_ref(), spec.as_os_str()],
        vec!["inputs".as_ref(), spec.as_os_str()],
        vec![
            "inputs".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            spec.as_os_str(),
        ],
        vec!["test".as_ref(), tests.as_os_str()],
        vec![
            "test".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            tests.as_os_str(),
        ],
        vec![
            "check".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            spec.as_os_str(),
        ],
        vec!["explain".as_ref(), "NS0311".as_ref()],
    ];
    for args in runs {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = netspec()
            .args(&args)
            .stdin(Stdio::null())
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.contains("cannot write"), "{args:?}: {stderr}");
    }
    // fmt --check lists unformatted files on stdout
    let ugly = d.write("ugly.netspec", SPEC.replace(' ', "  "));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = netspec()
        .args(["fmt", "--check"])
        .arg(&ugly)
        .stdout(full)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
}

/// A closed pipe stays a quiet exit.
#[test]
fn closed_pipe_is_quiet() {
    let d = Dir::new("pipe");
    let spec = d.write("demo.netspec", SPEC);
    let many: String = std::iter::repeat_n(format!("{SUBMISSION}\n"), 3000).collect();
    let lines = d.write("lines.jsonl", many);
    let mut child = netspec()
        .arg("eval")
        .arg(&spec)
        .arg("--batch")
        .arg(&lines)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Oversized submissions are refused from their size (NS0305) without being
/// read whole; `/dev/zero` is cut one byte past the limit.
#[test]
fn oversized_submission_is_refused_unread() {
    let d = Dir::new("big");
    let spec = d.write("demo.netspec", SPEC);
    let big = d.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(1 << 30).unwrap(); // sparse: 1 GiB of zero bytes
    for sub in [big.as_path(), Path::new("/dev/zero")] {
        let (code, stdout, _) = run(netspec()
            .args(["eval", "--format", "json"])
            .arg(&spec)
            .arg(sub));
        assert_eq!(code, 1, "{}", sub.display());
        assert!(stdout.contains("NS0305"), "{stdout}");
    }
    // a device as the spec: not a regular file
    let (code, _, stderr) = run(netspec().arg("check").arg("/dev/zero"));
    assert_eq!(code, 1);
    assert!(stderr.contains("NS0311"), "{stderr}");
}

/// Newlines and escape sequences in a submission's answers and header, and
/// in a line of JSON under NS0207, reach the terminal as escapes; the JSON
/// report keeps them as they are.
#[test]
fn terminal_output_escapes_control_characters() {
    let d = Dir::new("term");
    let spec = d.write(
        "demo.netspec",
        "spec demo \"Demo\" { version \"1\" }\ninputs \"Unit\" { name: text \"Name\" }\narea resources { requirement RE-01 must \"Named\" { name == \"x\" } }\n",
    );
    let sub = d.write(
        "sub.json",
        r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RRK", "name": "E\u001b[31mRED"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo\n  met           RE-99 forged"}, "name": "a\nb\u0007"}"#,
    );
    let (_, stdout, _) = run(netspec().arg("eval").arg(&spec).arg(&sub));
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout}"
    );
    assert!(!stdout
        .lines()
        .any(|l| l.trim_start().starts_with("met           RE-99")));
    assert!(stdout.contains("\\u{1b}[31mRED"), "{stdout}");
    let (_, json, _) = run(netspec()
        .args(["eval", "--format", "json"])
        .arg(&spec)
        .arg(&sub));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["header"]["organisation"]["name"], "E\u{1b}[31mRED");
    let bad = d.write("bad.json", b"{\"name\": 1,\x1b[31m\x07 }".as_slice());
    let (code, _, stderr) = run(netspec().arg("eval").arg(&spec).arg(&bad));
    assert_eq!(code, 2); // not JSON
    assert!(stderr.contains("NS0207"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr}"
    );
}

/// `netspec test DIR` finds specs by extension and by parsing: a BOM, a tab
/// or a newline after `spec` still make a spec; a file that is not UTF-8 is
/// NS0309 and fails the run; a symlink loop is walked once, each file tested once.
#[test]
fn test_discovery_by_extension_and_loops() {
    let d = Dir::new("discover");
    let body = "spec demo \"Demo\" { version \"1\" }\ninputs \"Unit\" { beds: int min 0 \"Beds\" }\narea resources { requirement RE-01 must \"Two\" { beds >= 2 } }\ntest \"t\" { given {\"beds\": 3} expect RE-01 met }\n";
    d.write("a/bom.netspec", format!("\u{feff}{body}"));
    d.write("a/tab.netspec", body.replacen("spec demo", "spec\tdemo", 1));
    d.write("a/nl.netspec", body.replacen("spec demo", "spec\ndemo", 1));
    d.write("a/shared.netspec", "let two = 2\n");
    std::os::unix::fs::symlink("..", d.path().join("a/loop")).unwrap();
    let (code, stdout, stderr) = run(netspec().arg("test").arg(d.path().join("a")));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("3 passed, 0 failed"), "{stdout}");
    d.write(
        "a/latin.netspec",
        [b"// caf\xe9\n".as_slice(), body.as_bytes()].concat(),
    );
    let (code, stdout, stderr) = run(netspec().arg("test").arg(d.path().join("a")));
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("NS0309"), "{stderr}");
    let (code, _, stderr) = run(netspec().arg("fmt").arg("--check").arg(d.path().join("a")));
    assert_ne!(code, 0);
    assert!(stderr.contains("NS0309"), "{stderr}");
    let (code, _, stderr) = run(netspec()
        .args(["test", "--min-coverage", "NaN"])
        .arg(d.path().join("a")));
    assert_eq!(code, 2, "{stderr}");
}

/// A batch line holding only a form feed is not blank: NS0207 on its line.
#[test]
fn batch_form_feed_line_is_not_blank() {
    let d = Dir::new("ff");
    let spec = d.write("demo.netspec", SPEC);
    let lines = d.write("lines.jsonl", format!("{SUBMISSION}\n\u{c}\n"));
    let (code, stdout, _) = run(netspec().arg("eval").arg(&spec).arg("--batch").arg(&lines));
    assert_eq!(code, 1);
    let last: serde_json::Value = serde_json::from_str(stdout.lines().nth(1).unwrap()).unwrap();
    assert_eq!(last["line"], 2);
    assert_eq!(last["diagnostics"][0]["code"], "NS0207");
}
