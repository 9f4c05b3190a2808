//! Deeply nested or long-chained input must give a result or a diagnostic
//! (NS0026 "too deeply nested"), never a stack overflow.
//!
//! A stack overflow aborts the whole process, so each case runs in a child
//! process (this test binary re-run with `NESTING_CASE` set), on a thread
//! with Rust's default 2 MiB stack for spawned threads: the engine is a
//! library and may be called from any thread, and WebAssembly stacks are
//! no bigger. The parent test fails with the child's stderr when the child
//! dies, when it did not run the case (the child prints a marker line when
//! it is done), or when it hangs (a generous safety timeout, not a timing
//! budget: a case that is merely slow on a loaded machine still passes).
//!
//! `child` is `#[ignore]`d: in an ordinary run it is listed as ignored, never
//! as a test that passed without doing anything; the parent runs it with
//! `--ignored`, and it panics when it is not given a case.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netspec::render::{self, Style};
use netspec_core::{EvalOptions, Sources, Spec};

const STACK: usize = 2 * 1024 * 1024;
const CASE_VAR: &str = "NESTING_CASE";
/// A child still running after this is taken for a hang: killed and counted
/// as a failure. A safety net, far above what any case needs (each is a
/// fraction of a second), not a performance budget.
const HANG: Duration = Duration::from_secs(600);
/// What the child prints last, when the case ran to the end.
const DONE: &str = "nesting case done:";

const HEADER: &str = "spec s \"S\" { version \"1\" }\n\
    inputs \"I\" {\n  a: bool \"A\"\n  n: int \"N\"\n  units: list \"U\" { ok: bool \"OK\" }\n}\n";

fn with_rule(rule: &str) -> String {
    format!("{HEADER}area quality {{\n  requirement Q-01 must \"t\" {{ {rule} }}\n}}\n")
}

/// The spec text for a case, by name: `kind/size`.
fn case_text(kind: &str, n: usize) -> Sources {
    let single = |t: String| Sources::single("s.netspec", t);
    match kind {
        "not" => single(with_rule(&format!("{}a", "not ".repeat(n)))),
        "neg" => single(with_rule(&format!("{}n > 0", "- ".repeat(n)))),
        "if" => single(with_rule(&format!(
            "{}a{}",
            "if a then ".repeat(n),
            " else a".repeat(n)
        ))),
        "all" => single(with_rule(&format!("{}a", "all u in units: ".repeat(n)))),
        "and" => single(with_rule(&vec!["a"; n].join(" and "))),
        "implies" => single(with_rule(&vec!["a"; n].join(" implies "))),
        "plus" => single(with_rule(&format!("{} > 0", vec!["n"; n].join(" + ")))),
        "eq" => single(with_rule(&format!("a{}", " == a".repeat(n)))),
        "field" => single(with_rule(&format!("a{} == a", ".x".repeat(n)))),
        // brackets up to the documented limit (the area and requirement braces count)
        "parens" => single(with_rule(&format!("{}a{}", "(".repeat(n), ")".repeat(n)))),
        "list" => single(with_rule(&format!(
            "n in {}1{}",
            "[".repeat(n),
            "]".repeat(n)
        ))),
        "calls" => single(with_rule(&format!(
            "{}n{} > 0",
            "abs(".repeat(n),
            ")".repeat(n)
        ))),
        "lets" => {
            let mut t = String::from(HEADER);
            t.push_str("let v0 = n\n");
            for i in 1..=n {
                t.push_str(&format!("let v{i} = v{} + 1\n", i - 1));
            }
            t.push_str(&format!(
                "area quality {{\n  requirement Q-01 must \"t\" {{ v{n} > 0 }}\n}}\n"
            ));
            single(t)
        }
        "uses" => {
            let mut s = Sources::new().with(
                "s.netspec",
                format!("use \"f1.netspec\"\n{}", with_rule("a")),
            );
            for i in 1..=n {
                let next = if i < n {
                    format!("use \"f{}.netspec\"\n", i + 1)
                } else {
                    String::new()
                };
                s.insert(format!("f{i}.netspec"), format!("{next}let w{i} = {i}\n"));
            }
            s
        }
        other => panic!("unknown case {other}"),
    }
}

/// Runs in the child: compile, evaluate, run tests, render.
fn run_case(kind: &str, n: usize) {
    let sources = case_text(kind, n);
    let _ =
        netspec_core::gather_sources("s.netspec", |name| sources.get(name).map(|t| t.to_string()));
    match Spec::compile("s.netspec", &sources) {
        Ok(spec) => {
            // one unit: nested quantifiers cost units^depth, and the point
            // here is depth, not time
            let sub = r#"{"a": true, "n": 3, "units": [{"ok": true}]}"#;
            let r = spec.evaluate_str(sub, &EvalOptions::default());
            eprintln!("compiled; evaluated: {:?}", r.map(|r| r.overall.rating));
            let _ = spec.evaluate_str("{}", &EvalOptions::default());
            let _ = spec.run_tests();
        }
        Err(e) => {
            let _ = render::compile_error(&e, Style::Plain);
            eprintln!("did not compile: {e}");
        }
    }
    eprintln!("{DONE} {kind}/{n}");
}

/// The child entry point, run by `check` with `NESTING_CASE` naming a case.
#[test]
#[ignore = "run by the other tests of this file in a child process, with NESTING_CASE set"]
fn child() {
    let case = std::env::var(CASE_VAR)
        .unwrap_or_else(|_| panic!("{CASE_VAR} is not set: this test is run by the others"));
    let (kind, n) = case.split_once('/').expect("kind/size");
    let (kind, n) = (kind.to_string(), n.parse::<usize>().expect("size"));
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || run_case(&kind, n))
        .expect("spawn")
        .join()
        .expect("the case panicked");
}

/// Runs `kind` at each size in a child process; fails listing every size that crashed.
fn check(kind: &str, sizes: &[usize]) {
    let exe = std::env::current_exe().expect("test binary");
    let mut failures = Vec::new();
    for n in sizes {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CASE_VAR, format!("{kind}/{n}"))
            .env_remove("RUST_MIN_STACK")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the child");
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for the child") {
                break Some(status);
            }
            if start.elapsed() > HANG {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
        }
        match status {
            None => failures.push(format!(
                "{kind} x{n}: hung (killed by the {HANG:?} safety timeout)"
            )),
            Some(s) if !s.success() => {
                let why = stderr
                    .lines()
                    .find(|l| l.contains("overflow") || l.contains("panicked"))
                    .unwrap_or("died");
                failures.push(format!("{kind} x{n}: {s} ({why})"));
            }
            Some(_) if !stderr.contains(&format!("{DONE} {kind}/{n}")) => failures.push(format!(
                "{kind} x{n}: the child exited without running the case:\n{stderr}"
            )),
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "crashed:\n{}", failures.join("\n"));
}

const SIZES: &[usize] = &[50, 120, 200, 500, 2_000, 20_000];

#[test]
fn prefix_not_chain() {
    check("not", SIZES);
}

#[test]
fn prefix_minus_chain() {
    check("neg", SIZES);
}

#[test]
fn nested_if() {
    check("if", SIZES);
}

#[test]
fn nested_quantifiers() {
    check("all", SIZES);
}

#[test]
fn and_chain() {
    check("and", SIZES);
}

#[test]
fn implies_chain() {
    check("implies", SIZES);
}

#[test]
fn plus_chain() {
    check("plus", SIZES);
}

#[test]
fn comparison_chain() {
    check("eq", SIZES);
}

#[test]
fn field_chain() {
    check("field", SIZES);
}

#[test]
fn brackets_up_to_and_past_the_limit() {
    check("parens", &[50, 100, 125, 126, 127, 200, 100_000]);
    check("list", &[50, 100, 125, 126, 127, 200, 100_000]);
    check("calls", &[50, 100, 125, 126, 127, 200, 100_000]);
}

#[test]
fn let_chain() {
    check("lets", &[50, 200, 1_000, 10_000]);
}

#[test]
fn use_chain() {
    check("uses", &[50, 200, 1_000, 5_000]);
}
