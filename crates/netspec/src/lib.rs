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
//! use netspec::{EvalOptions, Outcome, Sources, Spec};
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
//! let submission = r#"{
//!   "header": {
//!     "respondent": "provider",
//!     "organisation": {"ods_code": "RRK", "name": "Eastmoor Hospitals NHS Trust"},
//!     "period": {"start": "2024-07-01", "end": "2025-06-30"},
//!     "completed_by": "Jo Bloggs, critical care matron"
//!   },
//!   "beds": 10,
//!   "nurses": 8
//! }"#;
//! let report = spec.evaluate_str(submission, &EvalOptions::default())?;
//! assert_eq!(report.assessed_on.map(|d| d.to_string()).as_deref(), Some("2025-06-30"));
//! let r = &report.requirements[0];
//! assert_eq!(r.outcome, Outcome::NotMet);
//! assert_eq!(
//!     r.explanation[0].message,
//!     "Registered nurses on a day shift: 8; needs at least 10 (Funded beds)"
//! );
//! // what it would take: 2 more nurses
//! assert_eq!(r.explanation[0].to_pass[0].message, "2 more registered nurses on a day shift");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What is here
//!
//! - [`Spec`]: compile ([`Spec::compile`], [`CompileOptions`]), evaluate
//!   ([`Spec::evaluate_str`], [`EvalOptions`]), the form model
//!   ([`Spec::inputs`]), the JSON Schema of a submission, the spec's tests,
//!   FHIR Questionnaires and responses ([`Spec::fhir_questionnaire`]).
//! - [`Report`] and the types it is made of ([`report`]): serialisable and
//!   deserialisable, stamped with [`Report::FORMAT`] and the engine version.
//! - [`Diagnostic`]: every problem in a spec or a submission, with a stable
//!   [`Code`] and a location.
//! - [`read_spec`]: read a spec and the files it uses from disk, only inside
//!   the spec's folder.
//! - [`render`]: diagnostics and reports as text for people.
//! - [`diff()`]: what changed between two versions of a spec ([`SpecDiff`]).
//! - `ffi` (feature `ffi`): the calls and answers every binding (WebAssembly,
//!   HTTP, Python) exchanges, as serde types.
//! - `ide` (feature `ide`): editor queries (hover, completion, definitions,
//!   references, outline, semantic tokens) over a spec's text.
//! - feature `fast-read` (on with `compile`): clean submissions read in one
//!   pass, the same results faster; without `compile` it is off unless asked
//!   for.
//!
//! ## Untrusted input
//!
//! Specs and submissions may come from anyone. Every input that can make
//! the engine work harder is bounded by a [`Limits`] (source size, nesting,
//! counts of inputs, requirements and definitions, list length, submission
//! size, and an evaluation work budget that bounds time), each with a safe
//! default; going over one is a diagnostic with a stable code (NS0026,
//! NS0301–NS0310), never a panic, a stack overflow or unbounded memory:
//!
//! ```
//! use netspec::{CompileOptions, EvalOptions, Limits, Respondent, Sources, Spec};
//!
//! let text = r#"
//! spec demo "Demo" { version "1" }
//! inputs "Units" { units: list "Units" { beds: int min 0 "Beds" } }
//! area resources {
//!   requirement RE-01 must "Every unit has beds" {
//!     all u in units: u.beds > 0
//!     ref "Demo standard 1"
//!   }
//! }
//! "#;
//! let mut limits = Limits::default();
//! limits.max_list_len = 2;
//! let options = CompileOptions::default().with_limits(limits);
//! let spec = Spec::compile_with_options("demo.netspec", &Sources::single("demo.netspec", text), &options)?;
//! // a submission without a header, evaluated as from a provider
//! let opts = EvalOptions::default().with_unattributed(Some(Respondent::Provider));
//! let err = spec
//!     .evaluate_str(r#"{"units": [{"beds": 1}, {"beds": 2}, {"beds": 3}]}"#, &opts)
//!     .unwrap_err();
//! assert_eq!(err.diagnostics()[0].code.as_str(), "NS0307");
//! assert_eq!(err.diagnostics()[0].path.as_deref(), Some("/units"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pipeline behind this facade lives in the `netspec-core` crate, whose
//! API is not stable; see `ARCHITECTURE.md`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod render;
mod spec;

#[cfg(feature = "ffi")]
pub mod ffi;

/// Editor queries over a spec's text (feature `ide`): hover, completion,
/// definitions and references, the outline, semantic tokens and the test
/// blocks, on text that need not parse, by byte offset. [`ide::Index`]
/// holds a spec's files; [`ide::hover`] and [`ide::complete`] ask of one
/// file's text. The language server (`netspec lsp`) and the WebAssembly
/// package answer with these.
#[cfg(all(feature = "ide", feature = "compile"))]
pub mod ide {
    pub use netspec_core::ide::{
        byte_offset, complete, hover, utf16_offset, Completion, CompletionKind, Completions, Hover,
        Index, Symbol, SymbolKind, Target, TestBlock, Token, TokenKind, MAX_FILES, TOKEN_KINDS,
    };
}

pub use netspec_core::calendar::Date;
pub use netspec_core::diagnostic::{Code, Diagnostic, Related, Severity};
pub use netspec_core::limits::Limits;
pub use netspec_core::source::{Location, Sources};
pub use netspec_core::{CompileError, CompileOptions, EvalError, EvalOptions};
pub use spec::{decode_utf8, Spec, Submission};
#[cfg(feature = "compile")]
pub use spec::{format, gather_sources, read_spec};

#[cfg(feature = "compile")]
pub use netspec_core::diff::{Answer, Change, SpecDiff};

/// What changed from `old` to `new`, two compiled versions of a spec, in
/// the spec's terms: requirements (added, removed, retitled, moved area,
/// level, basis, respondent, one change per threshold, rules with both
/// texts, declared evidence), definitions, inputs (added, removed, retyped,
/// bounds, questions, units), and what it means for a submission written
/// for `old` ([`SpecDiff::no_longer_read`], [`SpecDiff::to_answer`]).
/// [`SpecDiff`] prints as text and serialises as JSON.
///
/// ```
/// use netspec::{Change, Sources, Spec};
///
/// let v1 = r#"spec demo "Demo" { version "1" }
/// inputs "Unit" { seen: int min 0 "Patients seen" total: int min 1 "Patients" }
/// area quality { requirement Q-01 must "Most are seen" { seen / total >= 80% ref "Demo 1" basis standard } }"#;
/// let v2 = v1.replace("80%", "85%").replace(r#""1""#, r#""2""#);
/// let old = Spec::compile("demo.netspec", &Sources::single("demo.netspec", v1))?;
/// let new = Spec::compile("demo.netspec", &Sources::single("demo.netspec", v2))?;
/// let d = netspec::diff(&old, &new);
/// assert_eq!(d.changes.len(), 1);
/// assert!(matches!(&d.changes[0],
///     Change::ThresholdChanged { id, old, new, .. } if id == "Q-01" && old == "80%" && new == "85%"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "compile")]
pub fn diff(old: &Spec, new: &Spec) -> SpecDiff {
    netspec_core::diff::diff(
        old.inner.checked(),
        old.inner.source_map(),
        new.inner.checked(),
        new.inner.source_map(),
    )
}

pub use netspec_core::report::Report;
pub use netspec_core::vocab::{Basis, Level, Outcome, Rating, Respondent};

/// The parts of a [`Report`].
pub mod report {
    pub use netspec_core::eval::{Check, ToPass};
    pub use netspec_core::report::{
        AreaSummary, Counts, DeclaredEvidence, EvidenceStatus, GivenEvidence, MissingInput,
        RequirementResult, SpecSummary, Summary,
    };
    pub use netspec_core::submission::{Header, Organisation, Period};
}

/// The form model: the questions a spec asks ([`Spec::inputs`]).
pub mod form {
    pub use netspec_core::inputs::{Question, QuestionRelation, Section};
}

/// The results of a spec's own tests ([`Spec::run_tests`]).
#[cfg(feature = "compile")]
pub mod testing {
    pub use netspec_core::testing::{
        AreaCoverage, Coverage, Mismatch, RequirementCoverage, TestResult,
    };
}
