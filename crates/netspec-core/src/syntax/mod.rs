//! Parsing: spec text → syntax tree ([`ast`]) with a byte span on every node.
//!
//! [`parse_file`] reads the text with a hand-written reader (`fast`) that
//! builds the same tree, and with the pest grammar (`grammar/netspec.pest`)
//! wherever that reader gives up: on every error, the grammar gives the
//! diagnostics. Nothing is resolved or typed here; [`crate::check`] does that.

pub mod ast;
mod fast;
mod parser;

#[doc(hidden)]
pub use parser::parse_with_pest;
pub(crate) use parser::{comment_around, parse_for_check};
pub use parser::{
    outcome_name, parse_expr, parse_file, parse_file_partial, parse_file_with,
    parse_file_without_tests,
};
