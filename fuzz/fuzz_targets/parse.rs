//! The parser on arbitrary text: never panics, never overflows the stack;
//! gives what the pest grammar alone gives (the hand-written reader it
//! tries first builds the same tree, or leaves the text to the grammar);
//! and reading a file without its tests gives what reading it whole gives,
//! less the tests (and succeeds whenever reading it whole does).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netspec_core::source::FileId;
use netspec_core::syntax::ast::Item;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = netspec_core::Limits::default();
    let whole = netspec_core::syntax::parse_file(text, FileId(0));
    let skipped = netspec_core::syntax::parse_file_without_tests(text, FileId(0), &limits);
    for (read, with_tests) in [(&whole, true), (&skipped, false)] {
        let grammar = netspec_core::syntax::parse_with_pest(text, FileId(0), &limits, with_tests);
        assert_eq!(read, &grammar, "the reader and the grammar differ (tests: {with_tests})");
    }
    if let Ok(whole) = &whole {
        let Ok(skipped) = &skipped else {
            panic!("parses whole but not without its tests: {skipped:?}");
        };
        let kept: Vec<&Item> = whole
            .items
            .iter()
            .filter(|i| !matches!(i, Item::Test(_)))
            .collect();
        let read: Vec<&Item> = skipped.items.iter().collect();
        assert_eq!(kept, read, "the items differ without tests");
    }
    let _ = netspec_core::syntax::parse_expr(text, FileId(0));
});
