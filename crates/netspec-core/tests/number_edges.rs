// Edges of exact arithmetic that the rest of the suite did not reach: what a
// reader sees when a computation cannot be done, signs of quotients by
// negative numbers, parts at the edge of i128, and comparisons whose cross
// products would not fit. Each expected value below is worked by hand.

use std::cmp::Ordering;

use netspec_core::number::Num;
use netspec_core::{EvalOptions, Outcome, Sources, Spec};

const SPEC: &str = r#"
spec edges "Arithmetic edges" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  nurses: int min 0 "Nurses"
  big: number "A big number"
}
area workforce {
  requirement WF-01 must "Beds per nurse" {
    beds / nurses <= 2
    ref "Demo"
  }
  requirement WF-02 must "Big" {
    big * big > 1
    ref "Demo"
  }
}
"#;

const HEADER: &str = r#""header": {"respondent": "provider",
  "organisation": {"ods_code": "RRK", "name": "Eastmoor"},
  "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo"}"#;

/// The outcome and the first problem (why it cannot be decided) of each
/// requirement.
fn evaluate(answers: &str) -> Vec<(Outcome, String)> {
    let spec = match Spec::compile("edges.netspec", &Sources::single("edges.netspec", SPEC)) {
        Ok(s) => s,
        Err(e) => unreachable!("the spec compiles: {e:?}"),
    };
    let text = format!("{{{HEADER}, {answers}}}");
    let report = match spec.evaluate_str(&text, &EvalOptions::default()) {
        Ok(r) => r,
        Err(e) => unreachable!("the submission is valid: {e:?}"),
    };
    report
        .requirements
        .iter()
        .map(|r| (r.outcome, r.problems.first().cloned().unwrap_or_default()))
        .collect()
}

#[test]
fn a_computation_that_cannot_be_done_says_why_and_where() {
    let got = evaluate(r#""beds": 4, "nurses": 0, "big": 1e30"#);
    assert_eq!(
        got,
        [
            (
                Outcome::Incomplete,
                "division by zero in `beds / nurses`".to_string()
            ),
            // 1e60 is past i128 (about 1.7e38)
            (
                Outcome::Incomplete,
                "number too large to compute exactly in `big * big`".to_string()
            ),
        ]
    );
}

#[test]
fn a_quotient_by_a_negative_number_keeps_its_denominator_positive() {
    // 3 / -6 = -1/2
    let q = Num::int(3).over(Num::int(-6));
    assert_eq!(q.map(|n| (n.numer(), n.denom())), Ok((-1, 2)));
    // -8 / -12 = 2/3
    let q = Num::int(-8).over(Num::int(-12));
    assert_eq!(q.map(|n| (n.numer(), n.denom())), Ok((2, 3)));
    // and it compares as the number it is
    let half = Num::ratio(-1, 2).map(|h| Num::int(3).over(Num::int(-6)).map(|q| q.compare(h)));
    assert_eq!(half, Some(Ok(Ordering::Equal)));
    assert_eq!(
        Num::int(3).over(Num::int(-6)).map(|q| q.compare(Num::ZERO)),
        Ok(Ordering::Less)
    );
    assert_eq!(
        Num::int(3).over(Num::int(-6)).map(|q| q.display(2)),
        Ok("-0.5".to_string())
    );
}

#[test]
fn a_ratio_with_the_most_negative_i128_in_either_part_is_refused() {
    // its negation does not fit, and normalising the sign would need it
    assert_eq!(Num::ratio(i128::MIN, 3), None);
    assert_eq!(Num::ratio(1, i128::MIN), None);
    assert_eq!(Num::ratio(i128::MIN, i128::MIN), None);
    assert_eq!(Num::ratio(1, 0), None);
    assert_eq!(
        Num::ratio(i128::MIN + 1, 1).map(Num::numer),
        Some(i128::MIN + 1)
    );
}

#[test]
fn comparisons_whose_cross_products_do_not_fit_are_still_exact() {
    let two_120 = 1i128 << 120;
    let big = |n: i128, d: i128| match Num::ratio(n, d) {
        Some(x) => x,
        None => unreachable!("{n}/{d} is a number"),
    };
    // one big part in each of the four places, the other three small:
    // a/b against c/d with a*d or c*b past i128
    assert_eq!(big(two_120, 3).compare(big(5, 1024)), Ordering::Greater);
    assert_eq!(big(-two_120, 3).compare(big(5, 1024)), Ordering::Less);
    assert_eq!(big(5, two_120 + 1).compare(big(1 << 20, 3)), Ordering::Less);
    assert_eq!(big(5, 1024).compare(big(two_120, 3)), Ordering::Less);
    assert_eq!(
        big(1 << 20, 3).compare(big(5, two_120 + 1)),
        Ordering::Greater
    );
    // equal numbers written with big parts
    assert_eq!(big(two_120, 3).compare(big(two_120, 3)), Ordering::Equal);
}

#[test]
fn a_number_too_long_to_show_in_decimals_is_shown_as_a_fraction_with_its_sign() {
    // 2^125 / 3 times 10^2 does not fit in i128 (2^125 · 100 > 2^127), so
    // it is shown exactly as a fraction
    // (2^125 = 42535295865117307932921825928971026432)
    let big = 1i128 << 125;
    let show = |n: i128| Num::ratio(n, 3).map(|x| x.display(2));
    assert_eq!(
        show(-big).as_deref(),
        Some("-42535295865117307932921825928971026432/3")
    );
    assert_eq!(
        show(big).as_deref(),
        Some("42535295865117307932921825928971026432/3")
    );
}

#[test]
fn display_rounds_to_two_places_and_debug_shows_the_exact_fraction() {
    let third = Num::ratio(-1, 3);
    assert_eq!(third.map(|n| format!("{n}")).as_deref(), Some("-0.33"));
    assert_eq!(third.map(|n| format!("{n:?}")).as_deref(), Some("-1/3"));
    assert_eq!(format!("{} {:?}", Num::int(42), Num::int(-7)), "42 -7");
    // 1/8 has an exact decimal of three places: shown whole
    let eighth = Num::ratio(1, 8);
    assert_eq!(
        eighth.map(|n| format!("{n} {n:?}")).as_deref(),
        Some("0.125 1/8")
    );
}
