//! The formatter's round trip on arbitrary text: when a file parses, its
//! formatted text parses too and formatting it again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netspec_core::format::format_source;
use netspec_core::source::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(once) = format_source(text) else {
        return;
    };
    if let Err(e) = netspec_core::syntax::parse_file(&once, FileId(0)) {
        panic!("formatted text does not parse: {e:?}\n--- input\n{text}\n--- formatted\n{once}");
    }
    match format_source(&once) {
        Ok(twice) => assert_eq!(
            once, twice,
            "formatting is not idempotent\n--- input\n{text}"
        ),
        Err(e) => panic!("formatted text does not format: {e:?}"),
    }
});
