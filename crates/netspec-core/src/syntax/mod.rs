//! Stage 1: source text → syntax tree with spans.
//!
//! [`parse_file`] runs the pest grammar (`grammar/netspec.pest`) and builds
//! the [`ast`] tree. Nothing is resolved here.

pub mod ast;
mod parser;

pub(crate) use parser::comment_around;
pub use parser::{outcome_name, parse_expr, parse_file, parse_file_with, parse_file_without_tests};
