// Numbers in a submission are read exactly, from their text, whether or
// not serde_json's `arbitrary_precision` feature is on: a program that
// embeds netspec may turn it on (cargo unifies features). netspec itself
// never turns it on: `tests/embedding` holds serde_json to its default
// number behaviour with netspec in the build.

use netspec_core::number::Num;
use netspec_core::submission::Stored;
use netspec_core::{EvalError, Sources, Spec};

const SPEC: &str = r#"
spec exact "Exact numbers" { version "1" }
inputs "Numbers" {
  x: number "A number"
  flag: bool "A flag"
}
area resources { requirement RE-01 must "Positive" { x > 0 } }
"#;

fn spec() -> Spec {
    match Spec::compile("exact.netspec", &Sources::single("exact.netspec", SPEC)) {
        Ok(s) => s,
        Err(e) => unreachable!("the spec compiles: {e:?}"),
    }
}

/// The number `x` holds once `{"x": <text>}` is read, from text and from a
/// `serde_json::Value`, or the first error's message.
fn read(spec: &Spec, text: &str) -> (Result<Num, String>, Result<Num, String>) {
    let json = format!(r#"{{"x": {text}}}"#);
    let pick = |r: Result<netspec_core::submission::Submission, EvalError>| match r {
        // a whole number within i64 is stored as `Stored::Int`, any other as
        // `Stored::Num`: the value is the same either way
        Ok(sub) => match sub.answer(&sub.root, 0) {
            Some(s @ (Stored::Int(_) | Stored::Num(_))) => s.num().ok_or_else(String::new),
            other => Err(format!("not a number: {other:?}")),
        },
        Err(e) => Err(e
            .diagnostics()
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default()),
    };
    let from_text = pick(spec.ingest_str(&json));
    let from_value = match serde_json::from_str::<serde_json::Value>(&json) {
        Ok(v) => pick(spec.ingest(&v)),
        Err(e) => Err(e.to_string()),
    };
    (from_text, from_value)
}

fn exact(text: &str) -> Num {
    match Num::parse_decimal(text) {
        Some(n) => n,
        None => unreachable!("{text} is a decimal"),
    }
}

#[test]
fn numbers_are_read_exactly_from_their_text() {
    let spec = spec();
    let tenth = Num::int(1).over(Num::int(10)).ok();
    for (text, want) in [
        ("0.1", tenth),
        ("0.10", tenth),
        ("1e-1", tenth),
        ("-0", Some(Num::ZERO)),
        ("-0.0", Some(Num::ZERO)),
        ("1E2", Some(Num::int(100))),
        (
            "12345678901234567890",
            Some(Num::int(12_345_678_901_234_567_890)),
        ),
        (
            "12345678901234567890.5",
            Some(exact("12345678901234567890.5")),
        ),
        (
            "0.30000000000000000001",
            Some(exact("0.30000000000000000001")),
        ),
    ] {
        let (from_text, _) = read(&spec, text);
        assert_eq!(from_text.ok(), want, "{text}");
    }
    // digits a double cannot hold are kept
    let (n, _) = read(&spec, "12345678901234567890.5");
    let n = n.ok().and_then(|n| n.times(Num::int(2)).ok());
    assert_eq!(n, Some(Num::int(24_691_357_802_469_135_781)));
}

#[test]
fn numbers_no_rational_holds_are_errors_naming_their_text() {
    let spec = spec();
    let (from_text, _) = read(&spec, "1e400");
    assert_eq!(
        from_text.err().as_deref(),
        Some("1e+400 cannot be held exactly")
    );
    let Err(e) = spec.ingest_str(r#"{"flag": 1.50}"#) else {
        unreachable!("a number is not a bool")
    };
    assert_eq!(
        e.diagnostics().first().map(|d| d.message.as_str()),
        Some("expected true or false, found a number 1.50")
    );
}

#[test]
fn a_value_holds_numbers_as_serde_json_does() {
    // a serde_json::Value holds a number as exactly as serde_json does in
    // this build: short decimals are exact either way
    let spec = spec();
    let tenth = Num::int(1).over(Num::int(10)).ok();
    for (text, want) in [
        ("0.1", tenth),
        ("-0", Some(Num::ZERO)),
        ("1E2", Some(Num::int(100))),
    ] {
        let (_, from_value) = read(&spec, text);
        assert_eq!(from_value.ok(), want, "{text}");
    }
}
