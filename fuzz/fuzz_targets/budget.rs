//! Specs with large lists and nested quantifiers, generated from the input
//! bytes, evaluated within a small work budget: the steps done
//! (`Spec::evaluate_counted`) never pass the budget by more than the longest
//! single charge (one list's length, one `in` list, one call's arguments)
//! plus a few per requirement, whatever the shape. The steps are what bound
//! the time; libFuzzer's `-timeout` catches a loop that does work without
//! counting it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netspec_core::{CompileOptions, EvalOptions, Limits, Sources, Spec};

const HEADER: &str = r#""header": {"respondent": "provider", "organisation": {"ods_code": "RRK", "name": "E"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo"}"#;

/// One rule body over the bound variables `v0`..`v{depth-1}`, picked by `b`.
fn leaf(b: u8, depth: usize, in_len: usize, args: usize) -> String {
    let var = format!("v{}", usize::from(b >> 4) % depth.max(1));
    match b % 8 {
        0 => format!("{var}.a > 0"),
        1 => {
            let items: Vec<String> = (0..in_len).map(|i| (i % 7 + 7).to_string()).collect();
            format!("{var}.a not in [{}]", items.join(", "))
        }
        2 => {
            let xs: Vec<String> = (0..args).map(|_| format!("{var}.a")).collect();
            format!("min({}) >= 0", xs.join(", "))
        }
        3 => format!("count(x in xs where x.a > {var}.a) >= 0"),
        4 => format!("sum(x.a for x in xs) >= {var}.a"),
        5 => format!("max(x.a for x in xs where x.b) >= 0"),
        6 => {
            let items: Vec<String> = (0..in_len).map(|i| format!("{}", i % 3)).collect();
            format!("len([{}]) >= {var}.a", items.join(", "))
        }
        _ => format!("{var}.b or {var}.a <= 3"),
    }
}

fuzz_target!(|data: &[u8]| {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let elements = usize::from(byte(0)) * 8; // up to 2,040
    // compiling is not what is measured: lists stay small enough to compile
    // well within libFuzzer's timeout under AddressSanitizer
    let in_len = usize::from(byte(1)) * 40; // up to 10,200
    let args = usize::from(byte(2)) * 20; // up to 5,100
    let depth = 1 + usize::from(byte(3)) % 3; // binders nested
    // small budgets keep each run short under AddressSanitizer; the bound
    // is the same whatever the budget
    let budget = 10_000 + u64::from(byte(4)) * 1_000; // up to 265,000
    let answered = byte(5);
    let requirements = 1 + usize::from(byte(6)) % 4;
    let mut reqs = Vec::new();
    for r in 0..requirements {
        let mut rule = leaf(byte(7 + r), depth, in_len, args);
        for d in (0..depth).rev() {
            let q = if byte(11 + d + r) % 2 == 0 { "all" } else { "any" };
            rule = format!("{q} v{d} in xs: {rule}");
        }
        reqs.push(format!("  requirement RE-{r:02} must \"R{r}\" {{ {rule} }}"));
    }
    let text = format!(
        "spec f \"F\" {{ version \"1\" }}\ninputs \"U\" {{ xs: list \"Xs\" {{ a: int min 0 \"A\"\n b: bool \"B\" }} }}\narea resources {{\n{}\n}}\n",
        reqs.join("\n")
    );
    let mut limits = Limits::default();
    limits.max_eval_steps = budget;
    let options = CompileOptions::default().with_limits(limits).with_tests(false);
    let Ok(spec) = Spec::compile_with_options("f.netspec", &Sources::single("f.netspec", text.as_str()), &options) else {
        return;
    };
    let one = match answered % 3 {
        0 => r#"{"a": 1, "b": false}"#,
        1 => "{}",
        _ => r#"{"a": 2}"#,
    };
    let items: Vec<&str> = std::iter::repeat_n(one, elements).collect();
    let sub = format!("{{{HEADER}, \"xs\": [{}]}}", items.join(", "));
    for explanations in [false, true] {
        let opts = EvalOptions::default().with_explanations(explanations);
        let (report, steps) = spec.evaluate_counted(&sub, &opts);
        let longest = elements.max(in_len).max(args) as u64;
        let bound = budget + longest + 4 * requirements as u64 + 16;
        assert!(
            steps <= bound,
            "{steps} steps, more than {bound} (budget {budget}, elements {elements}, in {in_len}, args {args}, depth {depth})"
        );
        if let Ok(r) = report {
            // a cut list is capped
            for q in &r.requirements {
                assert!(q.missing.len() <= 101 && q.problems.len() <= 101);
            }
        }
    }
});
