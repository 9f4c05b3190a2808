//! # netspec
//!
//! A rules engine for NHS England specialised-services clinical network
//! specifications.

#![forbid(unsafe_code)]

pub use netspec_core::*;

pub mod render;
