//! `netspec::render`: colour adds ANSI escapes and changes nothing else;
//! control characters from the input never reach a terminal, coloured or not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use netspec::render::{self, Style};
use netspec::{EvalOptions, Sources, Spec};

const SPEC: &str = "spec demo \"Demo\" { version \"1\" }\n\
inputs \"Unit\" {\n  beds: int min 0 \"Funded beds\"\n  nurses: int min 0 \"Nurses\"\n}\n\
area workforce {\n  requirement WF-01 must \"One nurse per bed\" {\n    nurses >= beds\n  }\n  \
requirement WF-02 should \"Some beds\" {\n    beds >= 1\n  }\n}\n";

const SUBMISSION: &str = r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Test\u001b[2Jvale"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo"}, "beds": 10, "nurses": 8}"#;

/// `text` without its ANSI escape sequences (ESC [ ... letter).
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn a_coloured_report_is_the_plain_one_with_escapes() {
    let spec = Spec::compile("demo.netspec", &Sources::single("demo.netspec", SPEC)).unwrap();
    let report = spec
        .evaluate_str(SUBMISSION, &EvalOptions::default())
        .unwrap();
    let plain = render::report_text(&report, Style::Plain);
    let coloured = render::report_text(&report, Style::Ansi);
    assert!(!plain.contains('\u{1b}'));
    assert!(coloured.contains("\u{1b}["));
    assert_eq!(strip(&coloured), plain);
    // the organisation's escape sequence is written as text in both
    assert!(plain.contains("Test\\u{1b}[2Jvale"), "{plain}");
    assert!(coloured.contains("Test\\u{1b}[2Jvale"), "{coloured}");
    assert!(plain.contains("  NOT MET       WF-01"), "{plain}");
    assert!(plain.contains("  met           WF-02"), "{plain}");
    assert_eq!(Style::coloured(true), Style::Ansi);
    assert_eq!(Style::coloured(false), Style::default());
}

#[test]
fn coloured_diagnostics_are_the_plain_ones_with_escapes() {
    let text = "spec demo \"Demo\" { version \"1\" }\n\
area workforce {\n  requirement WF-01 must \"A\u{7}bell\" {\n    missing >= 1 // \u{1b}[31m\n  }\n}\n";
    let err = Spec::compile("demo.netspec", &Sources::single("demo.netspec", text)).unwrap_err();
    let plain = render::compile_error(&err, Style::Plain);
    let coloured = render::compile_error(&err, Style::Ansi);
    assert!(plain.contains("error[NS0002]"), "{plain}");
    assert!(!plain.contains('\u{1b}'));
    assert!(coloured.contains("\u{1b}["));
    assert_eq!(strip(&coloured), plain);
    assert_eq!(
        render::diagnostics_in(&err.diagnostics, err.source_map(), Style::Plain),
        plain
    );
    // the source line's escape sequence is written as text in both
    assert!(plain.contains("// \\u{1b}[31m"), "{plain}");
    assert!(coloured.contains("// \\u{1b}[31m"), "{coloured}");
}
