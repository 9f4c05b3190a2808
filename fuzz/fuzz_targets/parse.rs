//! The parser on arbitrary text: never panics, never overflows the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netspec::source::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = netspec::syntax::parse_file(text, FileId(0));
    let _ = netspec::syntax::parse_expr(text, FileId(0));
});
