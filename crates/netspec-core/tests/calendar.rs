//! `netspec::Date` through its public API: the behaviour the mutation run
//! over `calendar.rs` (tests/MUTANTS.md) found no test asserting. Expected
//! values are the calendar's, by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use netspec_core::Date;

#[test]
fn parse_needs_both_dashes_in_place() {
    // a dash at 4 but a digit at 7 (or the other way round) is not a date,
    // though the digits around it would make one
    for text in ["2025-06130", "2025106-30", "2025106130", "2025-06-3x"] {
        assert_eq!(Date::parse(text), None, "{text}");
    }
    assert!(Date::parse("2025-06-30").is_some());
}

#[test]
fn from_ymd_is_the_date_parse_gives() {
    assert_eq!(Date::from_ymd(2025, 6, 30), Date::parse("2025-06-30"));
    assert!(Date::from_ymd(2025, 6, 30).is_some());
    assert_eq!(Date::from_ymd(2024, 2, 29), Date::parse("2024-02-29"));
    // days that do not exist
    assert_eq!(Date::from_ymd(2025, 2, 29), None);
    assert_eq!(Date::from_ymd(2025, 4, 31), None);
    assert_eq!(Date::from_ymd(2025, 13, 1), None);
}

#[test]
fn year() {
    assert_eq!(Date::parse("2025-06-30").unwrap().year(), 2025);
    assert_eq!(Date::parse("1999-12-31").unwrap().year(), 1999);
}

#[test]
fn display_and_debug_are_iso_8601() {
    for text in ["2025-06-30", "2024-02-29", "0009-01-05", "1999-12-31"] {
        let d = Date::parse(text).unwrap();
        assert_eq!(d.to_string(), text);
        assert_eq!(format!("{d:?}"), text);
        assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{text}\""));
    }
}
