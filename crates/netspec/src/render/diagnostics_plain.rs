//! Diagnostics as plain lines, for a build without the `compile` feature
//! (whose rustc-style drawing needs codespan-reporting): one line per
//! diagnostic (`error[NS0201]: message at /path`), then its help. Such a
//! build loads compiled documents, so the diagnostics it draws are a
//! submission's, which point into no spec file.

use super::Style;
use netspec_core::diagnostic::escape_controls;
use netspec_core::source::SourceMap;

use crate::{CompileError, Diagnostic, Spec};

/// Draws diagnostics one per line, with their help on the next.
pub fn diagnostics(diagnostics: &[Diagnostic], spec: Option<&Spec>, style: Style) -> String {
    let _ = spec;
    diagnostics_in(diagnostics, &SourceMap::default(), style)
}

/// [`diagnostics`] against a core source map (the same lines).
#[doc(hidden)]
pub fn diagnostics_in(diagnostics: &[Diagnostic], sources: &SourceMap, style: Style) -> String {
    let _ = (sources, style);
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&escape_controls(&d.to_string()));
        out.push('\n');
        if let Some(h) = &d.help {
            out.push_str(" = help: ");
            out.push_str(&escape_controls(h));
            out.push('\n');
        }
    }
    out
}

/// [`diagnostics`] for every diagnostic of a spec that did not load.
pub fn compile_error(error: &CompileError, style: Style) -> String {
    diagnostics_in(&error.diagnostics, error.source_map(), style)
}
