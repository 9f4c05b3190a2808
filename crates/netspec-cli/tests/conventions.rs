//! The command line's conventions, driving the real binary: colour
//! (`--color`, `NO_COLOR`), `-` for standard input, `--quiet`,
//! `fmt --diff`, shell completions and the man page, and the usage error
//! (exit code 2, naming both) for flags that have no effect together.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

mod support;
use support::{Dir, MESSY, TIDY};

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `netspec ARGS` in `cwd` with `stdin` on standard input and
/// `env` added to the environment (NO_COLOR removed unless given).
fn run_in(cwd: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netspec"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run netspec");
    let mut input = child.stdin.take().unwrap();
    // the command may not read its input: a closed pipe is fine
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    run
}

fn run_with(dir: &Dir, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    run_in(dir.path(), args, stdin, env)
}

fn run(dir: &Dir, args: &[&str]) -> Run {
    run_with(dir, args, "", &[])
}

const SPEC: &str = r#"spec demo "Demo" { version "1" }

inputs "Unit" {
  beds: int min 0 "Funded beds"
  nurses: int min 0 "Registered nurses on a day shift"
}

area workforce {
  requirement WF-01 must "One nurse per bed" {
    nurses >= beds
    basis standard
    ref "Unit standard 1"
  }
}
"#;

/// [`SPEC`] with an input no rule reads: a warning (NS0102), no error.
const SPEC_WITH_WARNING: &str = r#"spec demo "Demo" { version "1" }

inputs "Unit" {
  beds: int min 0 "Funded beds"
  nurses: int min 0 "Registered nurses on a day shift"
  spare: int "A question nothing reads"
}

area workforce {
  requirement WF-01 must "One nurse per bed" {
    nurses >= beds
    basis standard
    ref "Unit standard 1"
  }
}
"#;

/// A spec with an error (NS0002).
const BROKEN: &str = r#"spec demo "Demo" { version "1" }

area workforce {
  requirement WF-01 must "One nurse per bed" {
    nurses >= beds
  }
}
"#;

const SUBMISSION: &str = r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo Bloggs"}, "beds": 10, "nurses": 8}"#;

fn demo() -> Dir {
    let dir = Dir::new("conventions");
    dir.write("demo.netspec", SPEC);
    dir.write("warned.netspec", SPEC_WITH_WARNING);
    dir.write("broken.netspec", BROKEN);
    dir.write("sub.json", SUBMISSION);
    dir
}

const ESC: char = '\u{1b}';

// ---------------------------------------------------------------- colour

#[test]
fn color_always_colours_reports_and_diagnostics() {
    let dir = demo();
    let r = run(
        &dir,
        &["eval", "demo.netspec", "sub.json", "--color", "always"],
    );
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains(ESC), "{r:?}");
    assert!(r.stdout.contains("NOT MET"), "{r:?}");
    assert!(r.stdout.contains("RED"), "{r:?}");
    let r = run(&dir, &["check", "broken.netspec", "--color", "always"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains(ESC), "{r:?}");
    assert!(r.stderr.contains("NS0002"), "{r:?}");
    // an explicit --color always wins over NO_COLOR
    let r = run_with(
        &dir,
        &["eval", "demo.netspec", "sub.json", "--color", "always"],
        "",
        &[("NO_COLOR", "1")],
    );
    assert!(r.stdout.contains(ESC), "{r:?}");
}

#[test]
fn no_color_and_color_never_give_plain_text() {
    let dir = demo();
    let plain = run(&dir, &["eval", "demo.netspec", "sub.json"]);
    assert!(!plain.stdout.contains(ESC), "{plain:?}");
    for (args, env) in [
        (
            &["eval", "demo.netspec", "sub.json", "--color", "never"][..],
            &[][..],
        ),
        (
            &["eval", "demo.netspec", "sub.json"][..],
            &[("NO_COLOR", "1")][..],
        ),
        (
            &["eval", "demo.netspec", "sub.json", "--color", "auto"][..],
            &[("NO_COLOR", "1")][..],
        ),
    ] {
        let r = run_with(&dir, args, "", env);
        assert_eq!(r.code, Some(0), "{r:?}");
        assert!(!r.stdout.contains(ESC), "{args:?} {r:?}");
        assert_eq!(r.stdout, plain.stdout, "{args:?}");
    }
    for (args, env) in [
        (
            &["check", "broken.netspec", "--color", "never"][..],
            &[][..],
        ),
        (&["check", "broken.netspec"][..], &[("NO_COLOR", "1")][..]),
    ] {
        let r = run_with(&dir, args, "", env);
        assert_eq!(r.code, Some(1), "{r:?}");
        assert!(r.stderr.contains("error[NS0002]"), "{r:?}");
        assert!(!r.stderr.contains(ESC), "{args:?} {r:?}");
    }
}

#[test]
fn colour_changes_nothing_but_the_escapes() {
    let dir = demo();
    let strip = |s: &str| {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == ESC {
                // CSI: ESC [ parameters final-byte
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    let plain = run(&dir, &["eval", "demo.netspec", "sub.json"]);
    let coloured = run(
        &dir,
        &["eval", "demo.netspec", "sub.json", "--color", "always"],
    );
    assert_eq!(strip(&coloured.stdout), plain.stdout);
    let plain = run(&dir, &["check", "broken.netspec"]);
    let coloured = run(&dir, &["check", "broken.netspec", "--color", "always"]);
    assert_eq!(strip(&coloured.stderr), plain.stderr);
}

#[test]
fn colour_never_lets_control_characters_from_the_input_through() {
    let dir = demo();
    // a submission whose organisation name holds an escape sequence
    let sub = SUBMISSION.replace("Testvale", "Test\\u001b[31mvale");
    dir.write("evil.json", sub);
    let r = run(
        &dir,
        &["eval", "demo.netspec", "evil.json", "--color", "always"],
    );
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("Test\\u{1b}[31mvale"), "{r:?}");
    assert!(!r.stdout.contains("\u{1b}[31mvale"), "{r:?}");
}

// ---------------------------------------------------------------- standard input

#[test]
fn eval_reads_the_submission_from_standard_input() {
    let dir = demo();
    let from_file = run(&dir, &["eval", "demo.netspec", "sub.json"]);
    let r = run_with(&dir, &["eval", "demo.netspec", "-"], SUBMISSION, &[]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, from_file.stdout);
    // a bad submission on stdin is named <stdin>
    let r = run_with(&dir, &["eval", "demo.netspec", "-"], "{\"beds\": 1}", &[]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.starts_with("<stdin>:\n"), "{r:?}");
    assert!(r.stderr.contains("NS0211"), "{r:?}");
}

#[test]
fn check_reads_the_spec_from_standard_input() {
    let dir = demo();
    let r = run_with(&dir, &["check", "-"], SPEC, &[]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stderr, "");
    let r = run_with(&dir, &["check", "-"], BROKEN, &[]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("<stdin>.netspec:5:5"), "{r:?}");
    // the spec on stdin and a file, together
    let r = run_with(&dir, &["check", "-", "broken.netspec"], SPEC, &[]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("broken.netspec:5:5"), "{r:?}");
}

#[test]
fn a_spec_from_standard_input_uses_files_of_the_current_folder_only() {
    let dir = Dir::new("stdin-use");
    dir.write(
        "work/common.netspec",
        "inputs \"Unit\" {\n  beds: int min 0 \"Funded beds\"\n  nurses: int min 0 \"Nurses\"\n}\n",
    );
    dir.write("outside.netspec", "inputs \"Other\" {\n  x: int \"X\"\n}\n");
    dir.write("work/sub.json", SUBMISSION);
    let inside = "spec demo \"Demo\" { version \"1\" }\nuse \"common.netspec\"\narea workforce {\n  requirement WF-01 must \"One nurse per bed\" {\n    nurses >= beds\n  }\n}\n";
    let work = dir.path().join("work");
    let r = run_in(&work, &["check", "-"], inside, &[]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let r = run_in(&work, &["eval", "-", "sub.json"], inside, &[]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("NOT MET"), "{r:?}");
    // a file outside the current folder is refused, as any file outside the spec's folder
    let outside = inside.replace("common.netspec", "../outside.netspec");
    let r = run_in(&work, &["check", "-"], &outside, &[]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("NS0311"), "{r:?}");
    // --root widens the folder
    let r = run_in(
        &work,
        &["check", "-", "--root", dir.path().to_str().unwrap()],
        &outside,
        &[],
    );
    assert!(!r.stderr.contains("NS0311"), "{r:?}");
}

#[test]
fn fmt_formats_standard_input_to_standard_output() {
    let dir = demo();
    let r = run_with(&dir, &["fmt", "-"], MESSY, &[]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, TIDY);
    let r = run_with(&dir, &["fmt", "-"], TIDY, &[]);
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), TIDY), "{r:?}");
    let r = run_with(&dir, &["fmt", "--check", "-"], MESSY, &[]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(r.stdout, "<stdin>: not formatted\n");
    let r = run_with(&dir, &["fmt", "--check", "-"], TIDY, &[]);
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), ""), "{r:?}");
    let r = run_with(&dir, &["fmt", "--diff", "-"], MESSY, &[]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stdout.starts_with("--- a/<stdin>\n+++ b/<stdin>\n"),
        "{r:?}"
    );
}

#[test]
fn standard_input_is_read_once() {
    let dir = demo();
    for args in [
        &["eval", "-", "-"][..],
        &["eval", "-", "--batch", "-"][..],
        &["check", "-", "-"][..],
        &["fmt", "-", "demo.netspec"][..],
    ] {
        let r = run_with(&dir, args, SPEC, &[]);
        assert_eq!(r.code, Some(2), "{args:?} {r:?}");
        assert!(r.stderr.contains("standard input"), "{args:?} {r:?}");
    }
}

// ---------------------------------------------------------------- --quiet

#[test]
fn quiet_prints_only_errors_with_the_same_exit_codes() {
    let dir = demo();
    let r = run(&dir, &["check", "warned.netspec"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stderr.contains("warning[NS0102]"), "{r:?}");
    for q in ["--quiet", "-q"] {
        let r = run(&dir, &["check", "warned.netspec", q]);
        assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""), "{r:?}");
    }
    let r = run(
        &dir,
        &["check", "--format", "json", "--quiet", "warned.netspec"],
    );
    assert_eq!((r.code, r.stdout.trim()), (Some(0), "[]"), "{r:?}");
    let r = run(&dir, &["check", "--quiet", "broken.netspec"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("error[NS0002]"), "{r:?}");
    // the report is the command's result: still written
    let loud = run(&dir, &["eval", "demo.netspec", "sub.json"]);
    let r = run(&dir, &["eval", "--quiet", "demo.netspec", "sub.json"]);
    assert_eq!((r.code, &r.stdout), (Some(0), &loud.stdout), "{r:?}");
    let r = run(
        &dir,
        &[
            "eval",
            "--quiet",
            "demo.netspec",
            "sub.json",
            "--fail-on",
            "red",
        ],
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    // passing tests are not listed; the count and the coverage asked for are
    let tested = format!(
        "{SPEC}\ntest \"short of nurses\" {{\n  given {}\n  expect WF-01 not_met\n}}\n",
        SUBMISSION
    );
    dir.write("tested.netspec", tested);
    let r = run(&dir, &["test", "tested.netspec"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("... ok"), "{r:?}");
    let r = run(&dir, &["test", "--quiet", "--coverage", "tested.netspec"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(!r.stdout.contains("... ok"), "{r:?}");
    assert!(r.stdout.contains("coverage demo: "), "{r:?}");
    assert!(r.stdout.contains("1 passed, 0 failed"), "{r:?}");
}

#[test]
fn batch_takes_no_progress_and_quiet() {
    let dir = demo();
    dir.write("lines.jsonl", format!("{SUBMISSION}\n{SUBMISSION}\n"));
    for extra in ["--no-progress", "--quiet"] {
        let r = run(
            &dir,
            &["eval", "demo.netspec", "--batch", "lines.jsonl", extra],
        );
        assert_eq!(r.code, Some(0), "{r:?}");
        assert_eq!(r.stdout.lines().count(), 2, "{r:?}");
        assert_eq!(r.stderr, "", "{r:?}");
    }
}

// ---------------------------------------------------------------- fmt --diff

#[test]
fn fmt_diff_prints_what_would_change_and_writes_nothing() {
    let dir = Dir::new("fmt-diff");
    dir.write("tidy.netspec", TIDY);
    let r = run(&dir, &["fmt", "--diff", "tidy.netspec"]);
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), ""), "{r:?}");
    dir.write("messy.netspec", MESSY);
    let r = run(&dir, &["fmt", "--diff", "messy.netspec"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stdout
            .starts_with("--- a/messy.netspec\n+++ b/messy.netspec\n@@ "),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("\n-area workforce { requirement WF-01"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("\n+    nurses >= beds and beds > 0\n"),
        "{r:?}"
    );
    assert!(!r.stdout.contains(ESC), "{r:?}");
    assert_eq!(dir.read("messy.netspec"), MESSY, "--diff writes nothing");
    // the folder: only the file that would change
    let r = run(&dir, &["fmt", "--diff"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stdout.contains("a/./messy.netspec") || r.stdout.contains("a/messy.netspec"));
    assert!(!r.stdout.contains("tidy.netspec"), "{r:?}");
    // coloured on request
    let r = run(
        &dir,
        &["fmt", "--diff", "messy.netspec", "--color", "always"],
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stdout.contains(ESC), "{r:?}");
}

// ---------------------------------------------------------------- completions, man

#[test]
fn completions_and_the_man_page() {
    let dir = Dir::new("generated");
    let r = run(&dir, &["completions", "bash"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(!r.stdout.is_empty());
    assert!(r.stdout.contains("eval"), "{r:?}");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let r = run(&dir, &["completions", shell]);
        assert_eq!(r.code, Some(0), "{shell}: {r:?}");
        assert!(r.stdout.contains("eval"), "{shell}: {r:?}");
    }
    let r = run(&dir, &["completions", "tcsh"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    let r = run(&dir, &["man"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains(".TH"), "{r:?}");
    assert!(r.stdout.contains("netspec"), "{r:?}");
    let r = run(&dir, &["man", "--out", "pages"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(dir.read("pages/netspec.1").contains(".TH"));
    assert!(dir.read("pages/netspec-eval.1").contains(".TH"));
}

// ---------------------------------------------------------------- flags without effect

#[test]
fn flags_without_effect_together_are_usage_errors() {
    let dir = demo();
    dir.write("lines.jsonl", format!("{SUBMISSION}\n"));
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &[
                "eval",
                "demo.netspec",
                "--batch",
                "lines.jsonl",
                "--format",
                "text",
            ],
            "--batch",
            "--format",
        ),
        (
            &[
                "eval",
                "demo.netspec",
                "--batch",
                "lines.jsonl",
                "--format",
                "json",
            ],
            "--batch",
            "--format",
        ),
        (
            &["eval", "demo.netspec", "sub.json", "--no-progress"],
            "--no-progress",
            "--batch",
        ),
        (
            &["eval", "demo.netspec", "sub.json", "--batch", "lines.jsonl"],
            "--batch",
            "SUBMISSION",
        ),
        (
            &["fmt", "--check", "--diff", "demo.netspec"],
            "--check",
            "--diff",
        ),
        (&["explain", "NS0001", "--root", "."], "--root", "explain"),
        (&["fmt", "--root", ".", "demo.netspec"], "--root", "fmt"),
        (
            &["completions", "bash", "--root", "."],
            "--root",
            "completions",
        ),
        (&["man", "--root", "."], "--root", "man"),
    ];
    for (args, a, b) in cases {
        let r = run(&dir, args);
        assert_eq!(r.code, Some(2), "{args:?}: {r:?}");
        assert!(
            r.stderr.contains(a) && r.stderr.contains(b),
            "{args:?} should name {a} and {b}: {r:?}"
        );
        assert_eq!(r.stdout, "", "{args:?}");
    }
    // each flag alone is fine
    for args in [
        &[
            "eval",
            "demo.netspec",
            "--batch",
            "lines.jsonl",
            "--no-progress",
        ][..],
        &["eval", "demo.netspec", "sub.json", "--format", "json"][..],
        &["fmt", "--diff", "demo.netspec"][..],
        &["check", "demo.netspec", "--root", "."][..],
    ] {
        let r = run(&dir, args);
        assert_ne!(r.code, Some(2), "{args:?}: {r:?}");
    }
}

#[test]
fn help_documents_the_conventions() {
    let dir = Dir::new("help");
    let r = run(&dir, &["--help"]);
    for flag in ["--color", "--quiet", "completions", "man"] {
        assert!(r.stdout.contains(flag), "{flag}: {r:?}");
    }
    let r = run(&dir, &["check", "--help"]);
    assert!(r.stdout.contains("standard input"), "{r:?}");
    assert!(r.stdout.contains("current folder"), "{r:?}");
    let r = run(&dir, &["eval", "--help"]);
    assert!(r.stdout.contains("--no-progress"), "{r:?}");
    let r = run(&dir, &["fmt", "--help"]);
    assert!(r.stdout.contains("--diff"), "{r:?}");
}

/// A bad `--as-of` is a usage error in every command that takes one, and
/// the date is shown with its control characters escaped.
#[test]
fn a_bad_as_of_is_a_usage_error_shown_escaped() {
    let dir = demo();
    for args in [
        &["eval", "demo.netspec", "sub.json", "--as-of", "2025-13-01"][..],
        &[
            "eval",
            "demo.netspec",
            "--batch",
            "sub.json",
            "--as-of",
            "2025-13-01",
        ][..],
        &[
            "network",
            "demo.netspec",
            "sub.json",
            "--as-of",
            "2025-13-01",
        ][..],
    ] {
        let r = run(&dir, args);
        assert_eq!(r.code, Some(2), "{args:?}: {r:?}");
        assert!(
            r.stderr
                .contains("`--as-of 2025-13-01` is not a valid date (YYYY-MM-DD)"),
            "{args:?}: {r:?}"
        );
    }
    let r = run(
        &dir,
        &["eval", "demo.netspec", "sub.json", "--as-of", "20\x1b[2J25"],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        !r.stderr.contains('\x1b') && r.stderr.contains("\\u{1b}"),
        "{r:?}"
    );
}
