//! The documented limits (grammar/README.md §10) at their boundaries, as
//! text: for each, a spec or submission with the largest value allowed and
//! one with the next value. Shared by the library's `tests/limits.rs` and the
//! CLI's `tests/limits.rs` (through `#[path]`), so both pin the same values.
//!
//! Worked out from the documentation: a spec's area and requirement braces
//! are two bracket levels, an operator chain of k operands is k levels deep,
//! a chain of k definitions is k deep, a submission's top-level object is
//! one JSON level.

#![allow(dead_code)]

/// A limit on specs: `at` compiles without errors, `over` fails with `code` only.
pub struct SpecLimit {
    pub name: &'static str,
    pub code: &'static str,
    pub at: String,
    pub over: String,
}

/// A limit on submissions to `spec`: `at` evaluates (with the warnings
/// `at_warnings`, or is refused with `at_errors`), `over` gives `code`.
pub struct SubLimit {
    pub name: &'static str,
    pub code: &'static str,
    pub spec: String,
    pub at: Vec<u8>,
    /// What `at` gives: Ok(warning codes) or Err(error codes).
    pub at_gives: Result<Vec<&'static str>, Vec<&'static str>>,
    pub over: Vec<u8>,
    /// What `over` gives: Ok(warning codes) or Err(error codes).
    pub over_gives: Result<Vec<&'static str>, Vec<&'static str>>,
    /// Evaluated without explanations (the work budget counts them too).
    pub no_explanations: bool,
    /// The spec `over` is evaluated against, when not `spec`.
    pub over_spec: Option<String>,
}

pub const HEAD: &str = "spec s \"S\" { version \"1\" }\n\
    inputs \"I\" {\n  a: bool \"A\"\n  n: int \"N\"\n  \
    units: list \"U\" {\n    ok: bool \"OK\"\n  }\n}\n";

pub const MIB4: usize = 4 * 1024 * 1024;

/// The spec with one requirement whose rule is `rule`.
pub fn with_rule(rule: &str) -> String {
    format!("{HEAD}area quality {{\n  requirement Q-01 must \"t\" {{ {rule} }}\n}}\n")
}

/// `text` padded with a comment line to exactly `len` bytes.
pub fn padded(text: &str, len: usize) -> String {
    let pad = len - text.len() - "//\n".len();
    format!("{text}//{}\n", "x".repeat(pad))
}

/// `k` `(if a then a else a)` in one expression, in groups of 64 joined by
/// `and`, each group in brackets, so that no other depth limit is near.
pub fn ifs(k: usize) -> String {
    let one = "(if a then a else a)";
    let groups: Vec<String> = (0..k)
        .collect::<Vec<_>>()
        .chunks(64)
        .map(|c| format!("({})", vec![one; c.len()].join(" and ")))
        .collect();
    with_rule(&groups.join(" and "))
}

/// `k` quantifiers nested in one another.
pub fn quantifiers(k: usize) -> String {
    let binders: String = (0..k).map(|i| format!("all u{i} in units: ")).collect();
    with_rule(&format!("{binders}a"))
}

/// `k` aggregates nested in one another.
pub fn sums(k: usize) -> String {
    let mut e = String::from("1");
    for i in 0..k {
        e = format!("sum({e} for u{i} in units)");
    }
    with_rule(&format!("{e} > 0"))
}

/// A chain of `k` definitions, `v1 = n + 1`, `v2 = v1 + 1`, …, `vk`, read by
/// the requirement (declared in that order, or last first).
pub fn let_chain(k: usize, reverse: bool) -> String {
    let mut lets: Vec<String> = (1..=k)
        .map(|i| {
            if i == 1 {
                "let v1 = n + 1\n".to_string()
            } else {
                format!("let v{i} = v{} + 1\n", i - 1)
            }
        })
        .collect();
    if reverse {
        lets.reverse();
    }
    format!(
        "{HEAD}{}area quality {{\n  requirement Q-01 must \"t\" {{ v{k} > 0 }}\n}}\n",
        lets.concat()
    )
}

pub fn many_inputs(k: usize) -> String {
    let inputs: String = (0..k).map(|i| format!("  i{i}: int \"Q{i}\"\n")).collect();
    format!(
        "spec s \"S\" {{ version \"1\" }}\ninputs \"I\" {{\n{inputs}}}\n\
         area quality {{\n  requirement Q-01 must \"t\" {{ i0 > 0 }}\n}}\n"
    )
}

/// 4,996 + `extra` inputs, a list with one field (2) and an enum input with
/// one value (2): 5,000 + `extra` counted.
pub fn mixed_inputs(extra: usize) -> String {
    let inputs: String = (0..4996 + extra)
        .map(|i| format!("  i{i}: int \"Q{i}\"\n"))
        .collect();
    format!(
        "spec s \"S\" {{ version \"1\" }}\ninputs \"I\" {{\n{inputs}  \
         l: list \"L\" {{ f: int \"F\" }}\n  e: enum(only) \"E\"\n}}\n\
         area quality {{\n  requirement Q-01 must \"t\" {{ i0 > 0 }}\n}}\n"
    )
}

pub fn many_requirements(k: usize) -> String {
    let reqs: String = (0..k)
        .map(|i| format!("  requirement R-{i} must \"T{i}\" {{ n > {i} }}\n"))
        .collect();
    format!("{HEAD}area quality {{\n{reqs}}}\n")
}

pub fn many_definitions(k: usize) -> String {
    let lets: String = (0..k).map(|i| format!("let d{i} = n + {i}\n")).collect();
    format!("{HEAD}{lets}area quality {{\n  requirement Q-01 must \"t\" {{ d0 > 0 }}\n}}\n")
}

/// `k` requirements reading an unknown name: one NS0002 each.
pub fn unknown_names(k: usize) -> String {
    let reqs: String = (0..k)
        .map(|i| format!("  requirement R-{i} must \"T\" {{ nope{i} > 0 }}\n"))
        .collect();
    format!("{HEAD}area quality {{\n{reqs}}}\n")
}

pub fn spec_limits() -> Vec<SpecLimit> {
    let pair = |name, code, at: String, over: String| SpecLimit {
        name,
        code,
        at,
        over,
    };
    let rule_pair =
        |name, at: String, over: String| pair(name, "NS0026", with_rule(&at), with_rule(&over));
    vec![
        rule_pair(
            "max_depth: parentheses (126 + the area's and requirement's braces)",
            format!("{}a{}", "(".repeat(126), ")".repeat(126)),
            format!("{}a{}", "(".repeat(127), ")".repeat(127)),
        ),
        rule_pair(
            "max_depth: calls",
            format!("{}n{} > 0", "abs(".repeat(126), ")".repeat(126)),
            format!("{}n{} > 0", "abs(".repeat(127), ")".repeat(127)),
        ),
        rule_pair(
            "max_depth: an `and` chain of 128 operands",
            vec!["a"; 128].join(" and "),
            vec!["a"; 129].join(" and "),
        ),
        rule_pair(
            "max_prefix_run: `not`",
            format!("{}a", "not ".repeat(64)),
            format!("{}a", "not ".repeat(65)),
        ),
        rule_pair(
            "max_prefix_run: `-`",
            format!("{}n > 0", "- ".repeat(64)),
            format!("{}n > 0", "- ".repeat(65)),
        ),
        rule_pair(
            "max_implies",
            vec!["a"; 65].join(" implies "),
            vec!["a"; 66].join(" implies "),
        ),
        pair("max_nesting_keywords: `if`", "NS0026", ifs(256), ifs(257)),
        pair(
            "max_binders: `all`",
            "NS0026",
            quantifiers(4),
            quantifiers(5),
        ),
        pair("max_binders: `sum`", "NS0026", sums(4), sums(5)),
        pair(
            "max_let_depth",
            "NS0026",
            let_chain(32, false),
            let_chain(33, false),
        ),
        pair(
            "max_let_depth, declared last first",
            "NS0026",
            let_chain(32, true),
            let_chain(33, true),
        ),
        pair(
            "max_source_bytes",
            "NS0301",
            padded(&with_rule("a"), MIB4),
            padded(&with_rule("a"), MIB4 + 1),
        ),
        pair("max_inputs", "NS0302", many_inputs(5000), many_inputs(5001)),
        pair(
            "max_inputs: fields and enum values count",
            "NS0302",
            mixed_inputs(0),
            mixed_inputs(1),
        ),
        pair(
            "max_requirements",
            "NS0303",
            many_requirements(5000),
            many_requirements(5001),
        ),
        pair(
            "max_definitions",
            "NS0304",
            many_definitions(5000),
            many_definitions(5001),
        ),
    ]
}

pub const HEADER: &str = r#""header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}"#;

/// The submission `{BODY}` with a header: `{"header": …, BODY}`.
pub fn sub(body: &str) -> Vec<u8> {
    let body = body.strip_prefix('{').expect("an object");
    let sep = if body.trim_start().starts_with('}') {
        ""
    } else {
        ", "
    };
    format!("{{{HEADER}{sep}{body}").into_bytes()
}

/// `{"a": true}` with a header, padded with spaces to exactly `len` bytes.
pub fn padded_submission(len: usize) -> Vec<u8> {
    let mut v = sub(r#"{"a": true}"#);
    v.resize(len, b' ');
    v
}

/// A submission whose deepest value is `levels` arrays and objects deep,
/// counting the top-level object: `units` (2) holds objects (3) whose `ok`
/// is wrapped in arrays.
pub fn deep_submission(levels: usize) -> Vec<u8> {
    let arrays = levels - 3;
    sub(&format!(
        r#"{{"units": [{{"ok": {}true{}}}]}}"#,
        "[".repeat(arrays),
        "]".repeat(arrays)
    ))
}

pub fn units(k: usize) -> Vec<u8> {
    sub(&format!(
        r#"{{"units": [{}]}}"#,
        vec![r#"{"ok": true}"#; k].join(",")
    ))
}

/// `k` wrong-typed list elements: one NS0201 each.
pub fn wrong_units(k: usize) -> Vec<u8> {
    sub(&format!(
        r#"{{"units": [{}]}}"#,
        vec![r#"{"ok": "yes"}"#; k].join(",")
    ))
}

/// `k` unknown fields: one NS0205 warning each.
pub fn unknown_fields(k: usize) -> Vec<u8> {
    let f: Vec<String> = (0..k).map(|i| format!(r#""x{i}": 1"#)).collect();
    sub(&format!(r#"{{"a": true, {}}}"#, f.join(",")))
}

/// A spec and a submission that need exactly 10,000,000 steps without
/// explanations, and one more step with the third requirement:
/// - R-1 `all u in units: all v in units: u.ok` over k units: the outer
///   quantifier and its list (2), k elements visited, and for each the inner
///   quantifier and its list (2), k elements and `u.ok` (2 nodes) for each:
///   2 + 3k + 3k² = 9,997,352 for k = 1,825;
/// - R-2 `all x in xs: x.ok` over m elements: 2 + 3m = 2,648 for m = 882;
/// - R-3 (only in the spec over the limit) `a`: 1 step.
pub fn ten_million(over: bool) -> (String, Vec<u8>) {
    let text = format!(
        "spec s \"S\" {{ version \"1\" }}\n\
         inputs \"I\" {{\n  a: bool \"A\"\n  units: list \"U\" {{ ok: bool \"OK\" }}\n  \
         xs: list \"X\" {{ ok: bool \"OK\" }}\n}}\n\
         area quality {{\n  \
         requirement R-1 must \"t\" {{ all u in units: all v in units: u.ok }}\n  \
         requirement R-2 must \"t\" {{ all x in xs: x.ok }}\n{}}}\n",
        if over {
            "  requirement R-3 must \"t\" { a }\n"
        } else {
            ""
        }
    );
    let units = vec![r#"{"ok": true}"#; 1825].join(",");
    let xs = vec![r#"{"ok": true}"#; 882].join(",");
    let sub = sub(&format!(
        r#"{{"a": true, "units": [{units}], "xs": [{xs}]}}"#
    ));
    (text, sub)
}

/// The submission limits with the default limits. (NS0309 is not a limit
/// but shares the range: a valid two-byte `é`, then the same with its last
/// byte gone.)
pub fn sub_limits() -> Vec<SubLimit> {
    let spec = with_rule("all u in units: u.ok");
    let case = |name, code, at, at_gives, over, over_gives| SubLimit {
        name,
        code,
        spec: spec.clone(),
        at,
        at_gives,
        over,
        over_gives,
        no_explanations: false,
        over_spec: None,
    };
    let utf8 = sub(r#"{"a": true, "x": "é"}"#);
    let mut broken = utf8.clone();
    let at = broken.iter().position(|b| *b == 0xa9).expect("é");
    broken.remove(at);
    let mut out = vec![
        case(
            "max_submission_bytes",
            "NS0305",
            padded_submission(MIB4),
            Ok(vec![]),
            padded_submission(MIB4 + 1),
            Err(vec!["NS0305"]),
        ),
        // at the limit the value is read, and is not a bool: NS0201
        case(
            "max_json_depth",
            "NS0306",
            deep_submission(64),
            Err(vec!["NS0201"]),
            deep_submission(65),
            Err(vec!["NS0306"]),
        ),
        // without explanations: with them, the 10,000 checks that held are
        // cut at 50 (NS0310), which is another limit's case
        SubLimit {
            no_explanations: true,
            ..case(
                "max_list_len",
                "NS0307",
                units(10_000),
                Ok(vec![]),
                units(10_001),
                Err(vec!["NS0307"]),
            )
        },
        case(
            "not UTF-8",
            "NS0309",
            utf8,
            Ok(vec!["NS0205"]),
            broken,
            Err(vec!["NS0309"]),
        ),
        case(
            "100 errors",
            "NS0310",
            wrong_units(100),
            Err(vec!["NS0201"; 100]),
            wrong_units(101),
            Err([vec!["NS0201"; 100], vec!["NS0310"]].concat()),
        ),
        case(
            "100 warnings",
            "NS0310",
            unknown_fields(100),
            Ok(vec!["NS0205"; 100]),
            unknown_fields(101),
            Ok([vec!["NS0205"; 100], vec!["NS0310"]].concat()),
        ),
    ];
    // the same submission: exactly the budget without R-3, one step over with it
    let (at_spec, steps) = ten_million(false);
    let (over_spec, _) = ten_million(true);
    out.push(SubLimit {
        name: "max_eval_steps",
        code: "NS0308",
        spec: at_spec,
        at: steps.clone(),
        at_gives: Ok(vec![]),
        over: steps,
        over_gives: Ok(vec!["NS0308"]),
        no_explanations: true,
        over_spec: Some(over_spec),
    });
    out
}
