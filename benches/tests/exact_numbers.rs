//! The exact-number tests of the core, run here where cargo turns on
//! serde_json's `arbitrary_precision` (zen-expression asks for it): the
//! engine reads numbers the same either way.

include!("../../crates/netspec-core/tests/exact_numbers.rs");

#[test]
fn serde_json_here_keeps_a_number_s_text() {
    // the setting these tests are here for
    let v: Result<serde_json::Value, _> = serde_json::from_str("12345678901234567890.5");
    assert_eq!(
        v.map(|v| v.to_string()).ok().as_deref(),
        Some("12345678901234567890.5")
    );
}
