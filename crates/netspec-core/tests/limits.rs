//! Every documented limit (grammar/README.md §10: NS0026 and NS0301–NS0310)
//! pinned at its boundary with the default limits: the largest value the
//! documentation allows is accepted, and one more gives the documented code
//! (and nothing else). The cases are in `common/limit_cases.rs`, shared with
//! the CLI's tests; the WebAssembly package pins the same values in
//! `bindings/wasm/test/errors.test.js`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/limit_cases.rs"]
mod limit_cases;

use limit_cases::*;
use netspec_core::{Diagnostic, EvalOptions, Limits, Outcome, Sources, Spec};

fn compile(text: &str) -> Result<Spec, Vec<Diagnostic>> {
    Spec::compile("s.netspec", &Sources::single("s.netspec", text)).map_err(|e| e.diagnostics)
}

fn codes(diags: &[Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

fn opts(no_explanations: bool) -> EvalOptions {
    EvalOptions::default().with_explanations(!no_explanations)
}

/// Ok(warning codes) or Err(error codes).
fn eval(spec: &Spec, text: &[u8], no_explanations: bool) -> Result<Vec<String>, Vec<String>> {
    match spec.evaluate_bytes(text, &opts(no_explanations)) {
        Ok(r) => Ok(r.warnings.iter().map(|d| d.code.to_string()).collect()),
        Err(e) => Err(e.diagnostics().iter().map(|d| d.code.to_string()).collect()),
    }
}

fn owned(r: &Result<Vec<&str>, Vec<&str>>) -> Result<Vec<String>, Vec<String>> {
    let f = |v: &Vec<&str>| v.iter().map(|c| c.to_string()).collect();
    r.as_ref().map(f).map_err(f)
}

#[test]
fn spec_limits_at_their_boundaries() {
    let mut failures = Vec::new();
    for c in spec_limits() {
        if let Err(d) = compile(&c.at) {
            failures.push(format!(
                "{}: the largest allowed is refused: {:?}",
                c.name,
                codes(&d)
            ));
        }
        match compile(&c.over) {
            Ok(_) => failures.push(format!("{}: one past the limit compiles", c.name)),
            Err(d) if codes(&d).iter().any(|x| *x != c.code) => {
                failures.push(format!(
                    "{}: expected only {}, got {:?}",
                    c.name,
                    c.code,
                    codes(&d)
                ));
            }
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn submission_limits_at_their_boundaries() {
    let mut failures = Vec::new();
    for c in sub_limits() {
        let spec = compile(&c.spec).unwrap();
        let got = eval(&spec, &c.at, c.no_explanations);
        if got != owned(&c.at_gives) {
            failures.push(format!("{}: at the limit {got:?}", c.name));
        }
        let over_spec = c.over_spec.as_deref().map(|t| compile(t).unwrap());
        let got = eval(
            over_spec.as_ref().unwrap_or(&spec),
            &c.over,
            c.no_explanations,
        );
        if got != owned(&c.over_gives) {
            failures.push(format!("{}: one past the limit {got:?}", c.name));
        }
        let over = match &c.over_gives {
            Ok(w) | Err(w) => w,
        };
        assert!(
            over.contains(&c.code),
            "{}: the case must give {}",
            c.name,
            c.code
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_defaults_are_the_documented_ones() {
    let l = Limits::default();
    assert_eq!(
        (
            l.max_source_bytes,
            l.max_depth,
            l.max_prefix_run,
            l.max_implies
        ),
        (4 * 1024 * 1024, 128, 64, 64)
    );
    assert_eq!(
        (l.max_nesting_keywords, l.max_let_depth, l.max_binders),
        (256, 32, 4)
    );
    assert_eq!(
        (l.max_inputs, l.max_requirements, l.max_definitions),
        (5_000, 5_000, 5_000)
    );
    assert_eq!(
        (
            l.max_submission_bytes,
            l.max_json_depth,
            l.max_list_len,
            l.max_eval_steps
        ),
        (4 * 1024 * 1024, 64, 10_000, 10_000_000)
    );
    assert_eq!(netspec_core::limits::MAX_DIAGNOSTICS, 100);
}

#[test]
fn the_accepted_definition_chain_evaluates() {
    // v32 = n + 32
    let spec = compile(&let_chain(32, false)).unwrap();
    for (n, want) in [(-31, Outcome::Met), (-32, Outcome::NotMet)] {
        let r = spec
            .evaluate_bytes(&sub(&format!(r#"{{"n": {n}}}"#)), &EvalOptions::default())
            .unwrap();
        assert_eq!(r.requirements[0].outcome, want, "n = {n}");
    }
}

#[test]
fn source_bytes_count_every_used_file() {
    // two files of 2 MiB together
    let half = MIB4 / 2;
    let sources = |extra: usize| {
        let root = padded(&format!("use \"g.netspec\"\n{}", with_rule("a")), half);
        let used = padded("let w = 1\n", half + extra);
        Sources::new()
            .with("s.netspec", root)
            .with("g.netspec", used)
    };
    assert!(Spec::compile("s.netspec", &sources(0)).is_ok());
    let e = Spec::compile("s.netspec", &sources(1)).err().unwrap();
    assert_eq!(codes(&e.diagnostics), ["NS0301"]);
}

#[test]
fn an_objects_entries_count_as_a_lists() {
    let spec = compile(&with_rule("all u in units: u.ok")).unwrap();
    let evidence = |k: usize| {
        let e: Vec<String> = (0..k).map(|i| format!(r#""R-{i}": {{}}"#)).collect();
        sub(&format!(
            r#"{{"a": true, "evidence": {{{}}}}}"#,
            e.join(",")
        ))
    };
    let over = eval(&spec, &evidence(10_001), false).unwrap_err();
    assert_eq!(over, ["NS0307"]);
    let at = eval(&spec, &evidence(10_000), false);
    assert!(
        !matches!(&at, Ok(c) | Err(c) if c.iter().any(|c| c == "NS0307")),
        "{at:?}"
    );
}

#[test]
fn eval_steps_of_one_node() {
    // `a` alone is one node: one step decides it, none does not (without
    // explanations: they are work too)
    let spec = compile(&with_rule("a")).unwrap();
    let text = sub(r#"{"a": true}"#);
    let mut limits = Limits::default();
    for (budget, want) in [(1, Outcome::Met), (0, Outcome::Incomplete)] {
        limits.max_eval_steps = budget;
        let limited = spec.clone().with_limits(limits);
        let r = limited.evaluate_bytes(&text, &opts(true)).unwrap();
        assert_eq!(r.requirements[0].outcome, want, "budget {budget}");
        let warned = if budget == 1 { vec![] } else { vec!["NS0308"] };
        assert_eq!(codes(&r.warnings), warned, "budget {budget}");
        // the requirement says why it is open
        let problems: Vec<String> = if budget == 1 {
            vec![]
        } else {
            vec!["the evaluation work budget (0 steps) was exceeded before this was decided".into()]
        };
        assert_eq!(r.requirements[0].problems, problems, "budget {budget}");
    }
}

#[test]
fn eval_steps_through_a_quantifier() {
    // `all u in units: u.ok` over k elements: the quantifier node (1), the
    // list `units` (1), each element visited (k), and `u.ok` for each (a
    // field of a variable: 2 nodes each, 2k): 2 + 3k steps
    let spec = compile(&with_rule("all u in units: u.ok")).unwrap();
    let need = 2 + 3 * 5;
    for (budget, want) in [(need, Outcome::Met), (need - 1, Outcome::Incomplete)] {
        let mut limits = Limits::default();
        limits.max_eval_steps = budget;
        let limited = spec.clone().with_limits(limits);
        let r = limited.evaluate_bytes(&units(5), &opts(true)).unwrap();
        assert_eq!(r.requirements[0].outcome, want, "budget {budget}");
    }
}

#[test]
fn eval_steps_through_a_list_written_in_the_rule() {
    // `all x in [1, 2, 3]: x > 0`: the quantifier (1), the list (1) and its
    // three values (3), each value visited (3), and `x > 0` for each (the
    // comparison, `x` and `0`: 3 nodes each, 9): 17 steps, by the general
    // evaluator and by the fast one alike
    let spec = compile(&with_rule("all x in [1, 2, 3]: x > 0")).unwrap();
    let text = sub(r#"{"a": true}"#);
    for general in [false, true] {
        for (budget, want) in [(17, Outcome::Met), (16, Outcome::Incomplete)] {
            let mut limits = Limits::default();
            limits.max_eval_steps = budget;
            let limited = if general {
                spec.without_fast_path()
            } else {
                spec.clone()
            }
            .with_limits(limits);
            let r = limited.evaluate_bytes(&text, &opts(true)).unwrap();
            assert_eq!(
                r.requirements[0].outcome, want,
                "budget {budget}, general {general}"
            );
        }
    }
}

#[test]
fn ten_million_steps_decide_and_one_more_does_not() {
    assert_eq!(2 + 3 * 1825 + 3 * 1825 * 1825 + 2 + 3 * 882, 10_000_000);
    for over in [false, true] {
        let (text, sub) = ten_million(over);
        let spec = compile(&text).unwrap();
        let r = spec.evaluate_bytes(&sub, &opts(true)).unwrap();
        let outcomes: Vec<Outcome> = r.requirements.iter().map(|r| r.outcome).collect();
        if over {
            assert_eq!(outcomes, [Outcome::Met, Outcome::Met, Outcome::Incomplete]);
            assert_eq!(codes(&r.warnings), ["NS0308"]);
        } else {
            assert_eq!(outcomes, [Outcome::Met, Outcome::Met]);
            assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        }
    }
}

#[test]
fn a_compilation_reports_100_errors() {
    let d = compile(&unknown_names(100)).err().unwrap();
    assert_eq!(codes(&d), vec!["NS0002"; 100]);
    let d = compile(&unknown_names(101)).err().unwrap();
    assert_eq!(codes(&d), [vec!["NS0002"; 100], vec!["NS0310"]].concat());
}

/// NS0026 also counts the depth a rule reaches through its definitions, each
/// shallow on its own. By the checker's count (every node one level, a
/// definition one level above its value) `let a0 = n + 1` is 3 deep,
/// `let ak = a(k-1) + 1` is 3 + 2k, and the rule `ak > 0` 4 + 2k: with
/// `max_depth` 10, `a3 > 0` (10) compiles and `a4 > 0` (12) is refused.
/// Checking `a4 > 0` comes to `a0` 10 expressions in, and stops there.
#[test]
fn depth_through_definitions_at_its_boundary() {
    let lets = |k: usize| {
        let mut text = String::from(
            "spec s \"S\" { version \"1\" }\ninputs \"U\" { n: int \"N\" }\nlet a0 = n + 1\n",
        );
        for i in 1..=k {
            text.push_str(&format!("let a{i} = a{} + 1\n", i - 1));
        }
        text
    };
    let compile = |text: String| {
        let mut limits = Limits::default();
        limits.max_depth = 10;
        let options = netspec_core::CompileOptions::default().with_limits(limits);
        Spec::compile_with_options(
            "s.netspec",
            &Sources::single("s.netspec", text.as_str()),
            &options,
        )
        .map_err(|e| e.diagnostics)
    };
    let chain = |k: usize| {
        compile(format!(
            "{}area resources {{ requirement RE-01 must \"N\" {{ a{k} > 0 }} }}\n",
            lets(k)
        ))
    };
    assert!(chain(3).is_ok(), "{:?}", chain(3).err());
    let d = chain(4).expect_err("a4 > 0 nests 12 deep");
    assert_eq!(codes(&d), ["NS0026"]);
    assert!(
        d[0].message
            .contains("the rule nests more than 10 levels deep through its definitions by here"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].label.as_deref(), Some("`a0` used 10 levels in"));
    // a long chain stops as soon, at the same place
    let d = chain(30).expect_err("a30 > 0 nests 64 deep");
    assert_eq!(codes(&d), ["NS0026"]);
    assert_eq!(d[0].label.as_deref(), Some("`a26` used 10 levels in"));

    // definitions first checked each where it is used shallowly: the whole
    // depth is counted after checking, exactly up to four times the limit
    // (40), then "more than"; requirement RE-k has the rule `ak > 0`
    let mut text = lets(19);
    text.push_str("area resources {\n");
    for k in 0..=19 {
        text.push_str(&format!(
            "  requirement RE-{k:02} must \"N{k}\" {{ a{k} > 0 }}\n"
        ));
    }
    text.push_str("}\n");
    let d = compile(text).expect_err("RE-04 to RE-19 are too deep");
    assert_eq!(codes(&d), ["NS0026"; 16]);
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages.first().copied(),
        Some("`RE-04` nests 12 levels deep through its definitions (at most 10)")
    );
    assert_eq!(
        messages.get(14).copied(),
        Some("`RE-18` nests 40 levels deep through its definitions (at most 10)")
    );
    assert_eq!(
        messages.get(15).copied(),
        Some("`RE-19` nests more than 40 levels deep through its definitions (at most 10)")
    );
}

/// A chain of 32 definitions, each 60 `not`s deep, is within every limit
/// of one expression and of the chain's length, yet checking it used to go
/// a level of the stack per expression through the whole chain, about
/// 2,000 levels: past the stack of a 2 MiB thread (and of WebAssembly). It
/// is refused once a definition is used past `max_depth`, on such a thread.
#[test]
fn a_long_chain_of_deep_definitions_is_refused_within_a_small_stack() {
    let mut text = String::from(
        "spec s \"S\" { version \"1\" }\ninputs \"U\" { n: int \"N\" }\nlet a0 = n > 0\n",
    );
    for i in 1..32 {
        text.push_str(&format!("let a{i} = {}a{}\n", "not ".repeat(60), i - 1));
    }
    text.push_str("area resources { requirement RE-01 must \"N\" { a31 } }\n");
    let found = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            compile(&text)
                .err()
                .map(|d| (codes(&d).join(" "), d[0].label.clone()))
        })
        .unwrap()
        .join()
        .unwrap();
    // a31 at 1, a30 at 62, a29 at 123, a28 at 184: the first past 128
    assert_eq!(
        found,
        Some((
            "NS0026".to_string(),
            Some("`a28` used 184 levels in".to_string())
        ))
    );
}
