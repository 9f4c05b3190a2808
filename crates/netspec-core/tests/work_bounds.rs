//! The work budget bounds every loop, and every list in a report is capped:
//! each case is asserted in steps, entries or bytes, never in seconds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use netspec_core::{EvalOptions, Limits, Outcome, Sources, Spec};

const HEADER: &str = r#""header": {"respondent": "provider", "organisation": {"ods_code": "RRK", "name": "Eastmoor"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo"}"#;

fn spec(text: &str) -> Spec {
    Spec::compile("w.netspec", &Sources::single("w.netspec", text)).unwrap()
}

fn elements(n: usize, each: &str) -> String {
    let items: Vec<&str> = std::iter::repeat_n(each, n).collect();
    format!("{{{HEADER}, \"xs\": [{}]}}", items.join(", "))
}

/// Whatever was exceeded: the steps done stay within the budget plus the
/// longest single charge (one list's length) plus a few per requirement.
fn assert_bounded(steps: u64, longest: u64, requirements: u64) {
    let budget = Limits::default().max_eval_steps;
    let bound = budget + longest + 4 * requirements + 16;
    assert!(steps <= bound, "{steps} steps, more than {bound}");
}

fn has_code(report: &netspec_core::Report, code: &str) -> bool {
    report.warnings.iter().any(|w| w.code.as_str() == code)
}

/// `all a in xs: a.v not in [7, 7, … 200,000 items]` over 10,000 elements:
/// each scan counts every literal and the budget is checked at each one.
#[test]
fn long_in_list_inside_a_quantifier_stops_at_the_budget() {
    let items: Vec<&str> = std::iter::repeat_n("7", 200_000).collect();
    let s = spec(&format!(
        "spec w \"W\" {{ version \"1\" }}\ninputs \"U\" {{ xs: list \"Xs\" {{ v: int min 0 \"V\" }} }}\narea resources {{ requirement RE-01 must \"In\" {{ all a in xs: a.v not in [{}] }} }}\n",
        items.join(", ")
    ));
    for explanations in [true, false] {
        let opts = EvalOptions::default().with_explanations(explanations);
        let (report, steps) = s.evaluate_counted(&elements(10_000, r#"{"v": 1}"#), &opts);
        let report = report.unwrap();
        assert!(has_code(&report, "NS0308"));
        assert_eq!(report.requirements[0].outcome, Outcome::Incomplete);
        assert_bounded(steps, 200_000, 1);
    }
}

/// `min()` with 100,000 arguments inside two nested `all`s: each argument
/// is a step, checked as it is counted.
#[test]
fn variadic_call_inside_nested_quantifiers_stops_at_the_budget() {
    let args: Vec<&str> = std::iter::repeat_n("a.v", 100_000).collect();
    let s = spec(&format!(
        "spec w \"W\" {{ version \"1\" }}\ninputs \"U\" {{ xs: list \"Xs\" {{ v: int min 0 \"V\" }} }}\narea resources {{ requirement RE-01 must \"Min\" {{ all a in xs: all b in xs: min({}) >= 0 }} }}\n",
        args.join(", ")
    ));
    let (report, steps) =
        s.evaluate_counted(&elements(100, r#"{"v": 1}"#), &EvalOptions::default());
    let report = report.unwrap();
    assert!(has_code(&report, "NS0308"));
    assert_bounded(steps, 100, 1);
    // unanswered: the general evaluator does the walking, and stops as soon
    let (report, steps) = s.evaluate_counted(&elements(100, "{}"), &EvalOptions::default());
    assert!(has_code(&report.unwrap(), "NS0308"));
    assert_bounded(steps, 100, 1);
}

/// 1,000 requirements `all a in xs: a.v > 0` over 10,000 unanswered
/// elements: each `missing` list holds at most 100 entries and one
/// "… and N more", the report says so (NS0310), and its JSON stays small.
#[test]
fn missing_lists_are_capped() {
    let reqs: Vec<String> = (0..1000)
        .map(|i| format!("  requirement RE-{i:04} must \"R{i}\" {{ all a in xs: a.v > 0 }}"))
        .collect();
    let s = spec(&format!(
        "spec w \"W\" {{ version \"1\" }}\ninputs \"U\" {{ xs: list \"Xs\" {{ v: int min 0 \"V\" }} }}\narea resources {{\n{}\n}}\n",
        reqs.join("\n")
    ));
    let (report, steps) = s.evaluate_counted(&elements(10_000, "{}"), &EvalOptions::default());
    let report = report.unwrap();
    assert_bounded(steps, 10_000, 1000);
    let first = &report.requirements[0];
    assert_eq!(first.missing.len(), 101);
    assert_eq!(first.missing[100].question, "… and 9900 more");
    assert!(report.requirements.iter().all(|r| r.missing.len() <= 101));
    assert!(has_code(&report, "NS0310"));
    let json = serde_json::to_vec(&report).unwrap();
    assert!(json.len() < 8 << 20, "{} bytes of JSON", json.len());
}

/// 9,000 unknown evidence keys, 200 unknown requirement ids: at most 100
/// warnings and an NS0310; pointers are escaped.
#[test]
fn evidence_warnings_are_capped_and_escaped() {
    let s = spec(
        "spec w \"W\" { version \"1\" }\ninputs \"U\" { beds: int min 0 \"Beds\" }\narea resources { requirement RE-01 must \"Beds\" { beds >= 1\n evidence plan \"The plan\" } }\n",
    );
    let keys: Vec<String> = (0..9000).map(|i| format!("\"k{i}\": \"x\"")).collect();
    let sub = format!(
        "{{{HEADER}, \"beds\": 2, \"evidence\": {{\"RE-01\": {{{}}}}}}}",
        keys.join(", ")
    );
    let report = s.evaluate_str(&sub, &EvalOptions::default()).unwrap();
    // 100 warnings about unknown keys and an NS0310 for the rest of them;
    // then an NS0310 for the requirement's list of evidence given, cut at 100
    let codes: Vec<&str> = report.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes.len(), 102, "{codes:?}");
    assert!(codes[..100].iter().all(|c| *c == "NS0209"), "{codes:?}");
    assert_eq!(codes[100..], ["NS0310", "NS0310"]);
    assert_eq!(report.warnings[100].path.as_deref(), Some("/evidence"));
    assert_eq!(report.requirements[0].evidence.given.len(), 101);
    let ids: Vec<String> = (0..200)
        .map(|i| format!("\"XX-{i}\": {{\"a\": \"x\"}}"))
        .collect();
    let sub = format!(
        "{{{HEADER}, \"beds\": 2, \"evidence\": {{{}}}}}",
        ids.join(", ")
    );
    let report = s.evaluate_str(&sub, &EvalOptions::default()).unwrap();
    assert!(report.warnings.len() <= 101);
    assert!(has_code(&report, "NS0310"));
    let sub =
        format!("{{{HEADER}, \"beds\": 2, \"evidence\": {{\"RE-01\": {{\"a/b~c\": \"x\"}}}}}}");
    let report = s.evaluate_str(&sub, &EvalOptions::default()).unwrap();
    assert_eq!(
        report.warnings[0].path.as_deref(),
        Some("/evidence/RE-01/a~1b~0c")
    );
}

/// 200 failing elements: the explanation lists 50 checks and one "… and
/// more", and the report says so (NS0310).
#[test]
fn explanations_are_capped() {
    let s = spec("spec w \"W\" { version \"1\" }\ninputs \"U\" { xs: list \"Xs\" { v: int min 0 \"V\" } }\narea resources { requirement RE-01 must \"V\" { all a in xs: a.v > 5 } }\n");
    let (report, _) = s.evaluate_counted(&elements(200, r#"{"v": 1}"#), &EvalOptions::default());
    let report = report.unwrap();
    let r = &report.requirements[0];
    assert_eq!(r.outcome, Outcome::NotMet);
    assert_eq!(r.explanation.len(), 51);
    assert!(r.explanation[50].message.starts_with("… and more"));
    assert!(has_code(&report, "NS0310"));
}

/// 1,000 requirements with two warnings each: 100 warnings and one NS0310.
#[test]
fn compile_warnings_are_capped() {
    let reqs: Vec<String> = (0..1000)
        .map(|i| format!("  requirement RE-{i:04} must \"R\" {{ all a in xs: a.v > 0 }}"))
        .collect();
    let s = spec(&format!(
        "spec w \"W\" {{ version \"1\" }}\ninputs \"U\" {{ xs: list \"Xs\" {{ v: int min 0 \"V\" }} }}\narea resources {{\n{}\n}}\n",
        reqs.join("\n")
    ));
    assert_eq!(s.warnings().len(), 101);
    assert_eq!(s.warnings()[100].code.as_str(), "NS0310");
}

/// Evidence given for one requirement under 150 keys, one declared: the
/// declared one is found (so nothing declared is missing), the report lists
/// 100 pieces and "… and 50 more", and says it cut a list (NS0310); the 149
/// unknown keys are warnings, capped at 100 too.
#[test]
fn evidence_given_is_capped() {
    let s = spec(
        "spec w \"W\" { version \"1\" }\ninputs \"U\" { a: bool \"A\" }\narea resources { requirement RE-01 must \"A\" { a\n evidence plan \"The plan\" } }\n",
    );
    let mut keys: Vec<String> = (0..149).map(|i| format!("\"k{i:03}\": \"x\"")).collect();
    keys.push("\"plan\": \"plan.pdf\"".to_string());
    let sub = format!(
        "{{{HEADER}, \"a\": true, \"evidence\": {{\"RE-01\": {{{}}}}}}}",
        keys.join(", ")
    );
    let report = s.evaluate_str(&sub, &EvalOptions::default()).unwrap();
    let r = &report.requirements[0];
    assert_eq!(r.outcome, Outcome::Met);
    assert!(r.evidence.missing.is_empty(), "{:?}", r.evidence.missing);
    assert_eq!(r.evidence.given.len(), 101);
    assert_eq!(r.evidence.given[100].reference, "… and 50 more");
    assert!(has_code(&report, "NS0310"));
    let unknown = report
        .warnings
        .iter()
        .filter(|w| w.code.as_str() == "NS0209")
        .count();
    assert_eq!(unknown, 100);
    // the fast JSON writer writes the cut list as serde does
    let mut out = Vec::new();
    s.write_report_json(&report, &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        serde_json::to_string(&serde_json::to_value(&report).unwrap()).unwrap()
    );
}

/// At the caps exactly, nothing is cut: 50 failing checks are all listed,
/// 100 unanswered inputs are all listed, 100 pieces of evidence given are
/// all listed, with no "… and" entry and no NS0310; one more is cut.
#[test]
fn lists_at_their_caps_are_not_cut() {
    let s = spec("spec w \"W\" { version \"1\" }\ninputs \"U\" { xs: list \"Xs\" { v: int min 0 \"V\" } }\narea resources { requirement RE-01 must \"V\" { all a in xs: a.v > 5 } }\n");
    // 50 failing elements: 50 checks, no cut
    let (report, _) = s.evaluate_counted(&elements(50, r#"{"v": 1}"#), &EvalOptions::default());
    let report = report.unwrap();
    let r = &report.requirements[0];
    assert_eq!(r.outcome, Outcome::NotMet);
    assert_eq!(r.explanation.len(), 50);
    assert!(r.explanation.iter().all(|c| !c.message.starts_with('…')));
    assert!(!has_code(&report, "NS0310"));
    // 51: 50 and one "… and more"
    let (report, _) = s.evaluate_counted(&elements(51, r#"{"v": 1}"#), &EvalOptions::default());
    let report = report.unwrap();
    assert_eq!(report.requirements[0].explanation.len(), 51);
    assert!(has_code(&report, "NS0310"));
    // 100 unanswered elements: 100 missing inputs, no cut
    let (report, _) = s.evaluate_counted(&elements(100, "{}"), &EvalOptions::default());
    let report = report.unwrap();
    let r = &report.requirements[0];
    assert_eq!(r.outcome, Outcome::Incomplete);
    assert_eq!(r.missing.len(), 100);
    assert!(r.missing.iter().all(|m| !m.question.starts_with('…')));
    assert!(!has_code(&report, "NS0310"));
    // 101: 100 and "… and 1 more"
    let (report, _) = s.evaluate_counted(&elements(101, "{}"), &EvalOptions::default());
    let report = report.unwrap();
    assert_eq!(report.requirements[0].missing.len(), 101);
    assert_eq!(report.requirements[0].missing[100].question, "… and 1 more");
    assert!(has_code(&report, "NS0310"));
}

/// Evidence given under exactly 100 keys (one declared) is listed whole.
#[test]
fn evidence_given_at_the_cap_is_not_cut() {
    let s = spec(
        "spec w \"W\" { version \"1\" }\ninputs \"U\" { a: bool \"A\" }\narea resources { requirement RE-01 must \"A\" { a\n evidence plan \"The plan\" } }\n",
    );
    let mut keys: Vec<String> = (0..99).map(|i| format!("\"k{i:03}\": \"x\"")).collect();
    keys.push("\"plan\": \"plan.pdf\"".to_string());
    let sub = format!(
        "{{{HEADER}, \"a\": true, \"evidence\": {{\"RE-01\": {{{}}}}}}}",
        keys.join(", ")
    );
    let report = s.evaluate_str(&sub, &EvalOptions::default()).unwrap();
    let r = &report.requirements[0];
    assert_eq!(r.evidence.given.len(), 100);
    assert!(r
        .evidence
        .given
        .iter()
        .all(|g| !g.reference.starts_with('…')));
    // 99 unknown keys: 99 warnings, none cut, so no NS0310 at all
    assert!(!has_code(&report, "NS0310"), "{:?}", report.warnings);
}

/// A rule with `n` distinct problems: `1 / z > 0 and 2 / z > 0 and …` (in
/// definitions of ten, to stay within the nesting limit) with `z` answered 0:
/// each division by zero is its own problem.
fn problems_spec(n: usize) -> Spec {
    let parts: Vec<String> = (1..=n).map(|i| format!("{i} / z > 0")).collect();
    let lets: Vec<String> = parts
        .chunks(10)
        .enumerate()
        .map(|(k, c)| format!("let d{k} = {}", c.join(" and ")))
        .collect();
    let names: Vec<String> = (0..lets.len()).map(|k| format!("d{k}")).collect();
    spec(&format!(
        "spec w \"W\" {{ version \"1\" }}\ninputs \"U\" {{ z: int min 0 \"Z\" }}\n{}\narea resources {{ requirement RE-01 must \"Z\" {{ {} }} }}\n",
        lets.join("\n"),
        names.join(" and ")
    ))
}

/// 100 distinct problems are listed whole; 250 are cut to 100 and
/// "… and 150 more", and the report says so (NS0310).
#[test]
fn problem_lists_are_capped_at_100() {
    let sub = format!("{{{HEADER}, \"z\": 0}}");
    let hundred = problems_spec(100);
    let report = hundred.evaluate_str(&sub, &EvalOptions::default()).unwrap();
    let r = &report.requirements[0];
    assert_eq!(r.outcome, Outcome::Incomplete);
    assert_eq!(r.problems.len(), 100, "{:?}", r.problems);
    assert!(r.problems.iter().all(|p| !p.starts_with('…')));
    assert!(!has_code(&report, "NS0310"));
    let many = problems_spec(250);
    let report = many.evaluate_str(&sub, &EvalOptions::default()).unwrap();
    let r = &report.requirements[0];
    assert_eq!(r.problems.len(), 101);
    assert_eq!(r.problems[100], "… and 150 more");
    assert!(has_code(&report, "NS0310"));
}

/// Evidence under an unknown requirement or an undeclared key is a warning
/// that names it; a long key is quoted by its first 100 characters and "…".
#[test]
fn evidence_warnings_name_what_was_given() {
    let s = spec(
        "spec w \"W\" { version \"1\" }\ninputs \"U\" { beds: int min 0 \"Beds\" }\narea resources { requirement RE-01 must \"Beds\" { beds >= 1\n evidence plan \"The plan\" } }\n",
    );
    let long = "é".repeat(150);
    let sub = format!(
        "{{{HEADER}, \"beds\": 2, \"evidence\": {{\"RE-02\": {{\"plan\": \"x\"}}, \"RE-01\": {{\"plam\": \"x\", \"{long}\": \"y\"}}}}}}"
    );
    let report = s.evaluate_str(&sub, &EvalOptions::default()).unwrap();
    let messages: Vec<&str> = report.warnings.iter().map(|w| w.message.as_str()).collect();
    let cut = format!("`RE-01` declares no evidence `{}…`", "é".repeat(100));
    for expected in [
        "evidence for unknown requirement `RE-02`",
        "`RE-01` declares no evidence `plam`",
        cut.as_str(),
    ] {
        assert!(
            messages.contains(&expected),
            "{expected} not in {messages:?}"
        );
    }
}

/// Each comparison of a rating rule's `count(…)`, at and around its number:
/// with `k` of three `should` requirements not met, `red when count(should
/// not_met) OP 1` gives red exactly when `k OP 1` (worked by hand below).
#[test]
fn rating_counts_compare_as_written() {
    use netspec_core::vocab::Rating::{Green, Red};
    let cases: [(&str, [netspec_core::vocab::Rating; 3]); 6] = [
        ("<=", [Red, Red, Green]),
        (">=", [Green, Red, Red]),
        ("==", [Green, Red, Green]),
        ("!=", [Red, Green, Red]),
        ("<", [Red, Green, Green]),
        (">", [Green, Green, Red]),
    ];
    for (op, expected) in cases {
        let s = spec(&format!(
            "spec w \"W\" {{ version \"1\" }}\ninputs \"U\" {{ a: bool \"A\"\n b: bool \"B\"\n c: bool \"C\" }}\narea resources {{\n requirement RE-01 should \"A\" {{ a }}\n requirement RE-02 should \"B\" {{ b }}\n requirement RE-03 should \"C\" {{ c }}\n}}\nrating {{\n red when count(should not_met) {op} 1\n green otherwise\n}}\n"
        ));
        for (k, want) in expected.iter().enumerate() {
            let answers: Vec<&str> = (0..3)
                .map(|i| if i < k { "false" } else { "true" })
                .collect();
            let sub = format!(
                "{{{HEADER}, \"a\": {}, \"b\": {}, \"c\": {}}}",
                answers[0], answers[1], answers[2]
            );
            let report = s.evaluate_str(&sub, &EvalOptions::default()).unwrap();
            assert_eq!(
                report.overall.rating, *want,
                "count {op} 1 with {k} not met"
            );
        }
    }
}
