//! serde_json behaves as its defaults say with netspec in the build: no
//! crate of netspec (nor, under `cargo test --workspace`, of its workspace)
//! turns on a serde_json feature such as `arbitrary_precision` that cargo
//! would unify into a user's build. And netspec still reads a submission's
//! numbers exactly, from their text.

use netspec::{EvalOptions, Outcome, Sources, Spec};
use netspec_embedding::service_value;
use serde_json::Value;

fn value(text: &str) -> Value {
    match service_value(text) {
        Ok(v) => v,
        Err(e) => unreachable!("{text} is JSON: {e}"),
    }
}

#[test]
fn a_decimal_is_an_f64_and_prints_as_one() {
    let v = value("1.0");
    assert!(v.is_f64(), "1.0 read as {v:?}");
    assert_eq!(v.as_f64(), Some(1.0));
    assert_eq!(v.to_string(), "1.0");
    // with `arbitrary_precision` these would keep their text: "0.10", "1E2"
    assert_eq!(value("0.10").to_string(), "0.1");
    assert_eq!(value("1E2").to_string(), "100.0");
    assert_eq!(value("0.1").as_f64(), Some(0.1));
    // the nearest f64, not the exact sum
    let sum = value("0.1").as_f64().unwrap_or(0.0) + value("0.2").as_f64().unwrap_or(0.0);
    assert_eq!(sum.to_string(), "0.30000000000000004");
}

#[test]
fn integers_are_u64_or_i64_and_bigger_ones_become_f64() {
    assert_eq!(value("18446744073709551615").as_u64(), Some(u64::MAX));
    assert_eq!(value("-9223372036854775808").as_i64(), Some(i64::MIN));
    let big = value("18446744073709551616"); // u64::MAX + 1
    assert!(big.is_f64(), "read as {big:?}");
    assert_eq!(big.as_u64(), None);
    assert_eq!(big.to_string(), "1.8446744073709552e+19");
    let huge = value("123456789012345678901234567890");
    assert_eq!(huge.to_string(), "1.2345678901234568e+29");
}

#[test]
fn numbers_out_of_f64_range_are_refused() {
    // with `arbitrary_precision` serde_json would accept it as text
    assert!(service_value("1e400").is_err());
    assert!(service_value("[-1e400]").is_err());
}

#[test]
fn a_number_is_compared_and_written_as_a_number() {
    // with `arbitrary_precision`, 1 and 1.0 are different numbers and
    // `Value::Number` is a string inside: equality and writing change
    assert_ne!(value("1"), value("1.0"));
    assert_eq!(value("1.0"), value("1.00"));
    assert_eq!(value(r#"{"a": 2.50}"#).to_string(), r#"{"a":2.5}"#);
    let n = serde_json::Number::from_f64(2.5);
    assert_eq!(n.map(|n| n.to_string()).as_deref(), Some("2.5"));
}

const SPEC: &str = r#"
spec embed "Embedding" { version "1" }
inputs "Figures" {
  a: number "A"
  b: number "B"
  c: number "C"
}
area resources {
  requirement RE-01 must "a + b is exactly c" { a + b == c }
}
"#;

#[test]
fn netspec_in_the_same_build_reads_numbers_exactly() {
    let spec = match Spec::compile("embed.netspec", &Sources::single("embed.netspec", SPEC)) {
        Ok(s) => s,
        Err(e) => unreachable!("the spec compiles: {e:?}"),
    };
    let header = r#""header": {"respondent": "provider",
        "organisation": {"ods_code": "RRK", "name": "Eastmoor Hospitals NHS Trust"},
        "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo Bloggs"}"#;
    let outcome = |a: &str, b: &str, c: &str| {
        let json = format!(r#"{{{header}, "a": {a}, "b": {b}, "c": {c}}}"#);
        let sub = spec.read_submission(&json).map_err(|e| format!("{e:?}"));
        let out = sub.and_then(|s| {
            spec.outcomes(&s, &EvalOptions::default())
                .map_err(|e| format!("{e:?}"))
        });
        out.map(|o| o.first().copied())
    };
    // exact decimals, whatever serde_json does with f64
    assert_eq!(outcome("0.1", "0.2", "0.3"), Ok(Some(Outcome::Met)));
    assert_eq!(
        outcome("0.1", "0.2", "0.30000000000000004"),
        Ok(Some(Outcome::NotMet))
    );
    // integers past u64 and f64's 53 bits, exactly
    assert_eq!(
        outcome("18446744073709551616", "1", "18446744073709551617"),
        Ok(Some(Outcome::Met))
    );
    assert_eq!(
        outcome("9007199254740993", "0", "9007199254740992"),
        Ok(Some(Outcome::NotMet))
    );
    // and the same text through the service's own Value still reads as
    // serde_json's default
    assert!(value("9007199254740993").is_u64());
}
