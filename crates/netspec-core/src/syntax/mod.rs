//! Parsing: spec text → syntax tree ([`ast`]) with a byte span on every node.
//!
//! [`parse_file`] runs the pest grammar (`grammar/netspec.pest`). Nothing is
//! resolved or typed here; [`crate::check`] does that.

pub mod ast;
mod parser;

pub(crate) use parser::comment_around;
pub use parser::{
    outcome_name, parse_expr, parse_file, parse_file_partial, parse_file_with,
    parse_file_without_tests,
};
