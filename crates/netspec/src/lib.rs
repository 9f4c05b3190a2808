//! # netspec
//!
//! A rules engine for NHS England specialised-services clinical network
//! specifications. A spec is written in the netspec language (see
//! `grammar/README.md`); a provider's self-assessment is a JSON submission;
//! the engine checks one against the other and explains every outcome.
//!
//! Compile a spec once, then evaluate as many submissions as you like. The
//! engine reads no files, clock or environment: the caller supplies the
//! spec's text (and every file it `use`s) and the assessment date.
//!
//! ```
//! use netspec::{EvalOptions, Sources, Spec};
//!
//! let spec_text = r#"
//! spec demo "Demo network" { version "1" }
//! inputs "Unit" {
//!   beds: int min 0 "Funded beds"
//!   nurses: int min 0 "Registered nurses on a day shift"
//! }
//! area workforce {
//!   requirement WF-01 must "One nurse per bed" {
//!     nurses >= beds
//!     ref "Demo standard 1"
//!   }
//! }
//! "#;
//! let spec = Spec::compile("demo.netspec", &Sources::single("demo.netspec", spec_text))?;
//! let report = spec.evaluate_str(r#"{"beds": 10, "nurses": 8}"#, &EvalOptions::default())?;
//! let r = &report.requirements[0];
//! assert_eq!(r.outcome, netspec::Outcome::NotMet);
//! assert_eq!(r.explanation[0].message, "nurses is 8, needs at least 10 (beds): short by 2");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pipeline, one module per stage:
//!
//! | stage | module | produces |
//! |---|---|---|
//! | parse | [`syntax`] | syntax tree with byte spans |
//! | resolve, type-check, compile | [`check`] | [`ir`]: slots, typed operations |
//! | read the submission | [`submission`] | typed records |
//! | evaluate | [`eval`] | three-valued results, explanations |
//! | report | [`report`] | [`Report`] (JSON and text) |

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod calendar;
pub mod check;
pub mod diagnostic;
pub mod eval;
pub mod format;
pub mod inputs;
pub mod ir;
pub mod number;
pub mod report;
pub mod source;
pub mod submission;
pub mod syntax;
pub mod testing;

use std::sync::Arc;

pub use calendar::Date;
pub use diagnostic::{render, Code, Diagnostic, Severity};
pub use report::{Outcome, Report};
pub use source::Sources;
pub use testing::TestResult;

use check::Checked;
use source::SourceMap;

/// A compiled spec: cheap to clone, `Send + Sync`, evaluates any number of submissions.
#[derive(Clone)]
pub struct Spec {
    checked: Arc<Checked>,
    map: Arc<SourceMap>,
    warnings: Arc<[Diagnostic]>,
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spec")
            .field("id", &self.checked.info.id)
            .finish_non_exhaustive()
    }
}

/// A spec that did not compile.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} error(s) in the spec; first: {}", self.error_count(), self.first())]
pub struct CompileError {
    /// Every diagnostic, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
    map: Arc<SourceMap>,
}

impl CompileError {
    fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    fn first(&self) -> String {
        self.diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(ToString::to_string)
            .unwrap_or_default()
    }
    /// Renders the diagnostics rustc-style.
    pub fn render(&self) -> String {
        render(&self.diagnostics, &self.map)
    }
}

/// A submission that could not be evaluated.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EvalError {
    /// Not JSON.
    #[error("{0}")]
    Json(Box<Diagnostic>),
    /// JSON, but not valid against the spec's inputs.
    #[error("the submission has {} error(s); first: {}", .errors.len(), .errors.first().map(ToString::to_string).unwrap_or_default())]
    Invalid {
        /// Errors, each with a JSON pointer.
        errors: Vec<Diagnostic>,
        /// Warnings found on the way.
        warnings: Vec<Diagnostic>,
    },
}

impl EvalError {
    /// Every diagnostic.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            EvalError::Json(d) => vec![(**d).clone()],
            EvalError::Invalid { errors, warnings } => {
                errors.iter().chain(warnings).cloned().collect()
            }
        }
    }
}

/// How to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalOptions {
    /// Assessment date; overrides the submission's `assessed_on`.
    pub as_of: Option<Date>,
    /// Build explanations (on by default; off is faster).
    pub explanations: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            as_of: None,
            explanations: true,
        }
    }
}

impl Spec {
    /// Compiles `root` from `sources` (which must also hold every file it uses).
    pub fn compile(root: &str, sources: &Sources) -> Result<Spec, CompileError> {
        let compiled = check::compile_sources(root, sources);
        let map = Arc::new(compiled.map);
        match compiled.checked {
            Some(checked) => Ok(Spec {
                checked: Arc::new(checked),
                map,
                warnings: compiled.diagnostics.into(),
            }),
            None => Err(CompileError {
                diagnostics: compiled.diagnostics,
                map,
            }),
        }
    }

    /// Spec id.
    pub fn id(&self) -> &str {
        &self.checked.info.id
    }

    /// Spec title.
    pub fn title(&self) -> &str {
        &self.checked.info.title
    }

    /// Spec version.
    pub fn version(&self) -> Option<&str> {
        self.checked.info.version.as_deref()
    }

    /// Warnings from compilation.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The compiled form.
    pub fn checked(&self) -> &Checked {
        &self.checked
    }

    /// The files the spec was compiled from.
    pub fn source_map(&self) -> &SourceMap {
        &self.map
    }

    /// Renders diagnostics against this spec's files.
    pub fn render(&self, diagnostics: &[Diagnostic]) -> String {
        render(diagnostics, &self.map)
    }

    /// Evaluates a submission given as JSON text.
    pub fn evaluate_str(&self, json: &str, opts: &EvalOptions) -> Result<Report, EvalError> {
        let value = submission::parse_json(json).map_err(EvalError::Json)?;
        self.evaluate(&value, opts)
    }

    /// Evaluates a submission given as a JSON value.
    pub fn evaluate(
        &self,
        value: &serde_json::Value,
        opts: &EvalOptions,
    ) -> Result<Report, EvalError> {
        let sub =
            submission::ingest(&self.checked.schema, value).map_err(|r| EvalError::Invalid {
                errors: r.errors,
                warnings: r.warnings,
            })?;
        let date = opts.as_of.or(sub.assessed_on);
        if date.is_none() && self.checked.uses_assessment_date {
            return Err(EvalError::Invalid {
                errors: vec![Diagnostic::error(
                    Code::AssessmentDate,
                    "this spec has date rules, so it needs an assessment date",
                )
                .at_path("/assessed_on")
                .with_help(
                    "add \"assessed_on\": \"YYYY-MM-DD\" to the submission, or pass --as-of",
                )],
                warnings: sub.warnings,
            });
        }
        Ok(report::assess(
            &self.checked,
            &self.map,
            &sub,
            date,
            opts.explanations,
        ))
    }

    /// The questions a provider answers, grouped as the form shows them.
    pub fn inputs(&self) -> Vec<inputs::Section> {
        inputs::form(&self.checked)
    }

    /// The JSON Schema (draft 2020-12) of a valid submission.
    pub fn json_schema(&self) -> serde_json::Value {
        inputs::json_schema(&self.checked)
    }

    /// Runs the spec's `test` blocks.
    pub fn run_tests(&self) -> Vec<TestResult> {
        testing::run_tests(self)
    }
}

/// Collects a spec and every file it needs (`use`d files, `given file`
/// submissions) through `read`, which the caller implements (from disk, a
/// bundle, a map). Files `read` cannot supply are left out; compiling then
/// reports them.
pub fn gather_sources(root: &str, mut read: impl FnMut(&str) -> Option<String>) -> Sources {
    let mut sources = Sources::new();
    let mut queue = vec![source::normalize_path(root)];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(text) = read(&name) else { continue };
        if name.ends_with(".netspec") {
            if let Ok(file) = syntax::parse_file(&text, source::FileId(0)) {
                for item in &file.items {
                    match item {
                        syntax::ast::Item::Use(u) => {
                            queue.push(source::resolve_relative(&name, &u.value))
                        }
                        syntax::ast::Item::Test(t) => {
                            for c in &t.clauses {
                                if let syntax::ast::TestClause::GivenFile(f) = c {
                                    queue.push(source::resolve_relative(&name, &f.value));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        sources.insert(name, text);
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn spec_is_send_and_sync() {
        assert_send_sync::<Spec>();
    }
}
