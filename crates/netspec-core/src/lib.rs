//! # netspec-core
//!
//! The engine behind the `netspec` crate, which is its stable API: this
//! crate's modules are the engine's parts and change with it.
//!
//! A spec in the netspec language (`grammar/README.md`) is compiled once,
//! then evaluates any number of JSON submissions and explains every outcome.
//! The engine reads no files, clock or environment (except [`files`], when
//! asked): the caller supplies the spec's text, every file it `use`s, and
//! the assessment date.
//!
//! ```
//! use netspec_core::{EvalOptions, Sources, Spec};
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
//! assert_eq!(r.outcome, netspec_core::Outcome::NotMet);
//! assert_eq!(
//!     r.explanation[0].message,
//!     "Registered nurses on a day shift: 8; needs at least 10 (Funded beds)"
//! );
//! // what it would take: 2 more nurses
//! assert_eq!(r.explanation[0].to_pass[0].message, "2 more registered nurses on a day shift");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The modules, in layers from the bottom; a module uses only modules of its
//! own layer or below, without cycles (`tests/layers.rs` checks it):
//!
//! | layer | modules | takes → produces |
//! |---|---|---|
//! | shared | [`source`], [`diagnostic`], [`number`], [`calendar`], [`vocab`], [`limits`], [`files`] | files and spans, diagnostics, exact numbers, dates, shared words, limits |
//! | syntax | [`syntax`], [`format`](mod@format) | text → syntax tree; syntax tree → canonical text |
//! | compiled spec | [`ir`] | [`ir::CompiledSpec`]: slots, typed operations |
//! | check, read | [`check`]; [`submission`] and its one-pass reader | syntax trees → compiled spec; JSON → typed records |
//! | evaluate | [`eval`], [`eval::fast`] | compiled spec + records → three-valued results, explanations |
//! | results | [`report`], [`inputs`], [`testing`] | → [`Report`]; the form and JSON Schema; test results |
//! | editors | [`ide`] | spec text → hover, definitions, references, completion, symbols, tokens |
//! | root | [`Spec`] | the compiled spec, its fast form and its files, together |
//!
//! Reading and evaluating have a fast path for the common case, with the
//! general one behind it: a clean submission is read in one pass from its
//! text, and a requirement whose inputs are all answered is decided by
//! [`eval::fast`]. Each gives up at the first thing it does not handle, so
//! results, diagnostics and the work counted are the same either way. The
//! one-pass reader is the feature `fast-read`, on with `compile`; a build
//! without it (the browser form's WebAssembly module, to be smaller) reads
//! every submission with the general reader.
//!
//! Specs and submissions may come from anyone: everything that can make the
//! engine work harder is bounded by a [`Limits`], each with a safe default
//! (listed in [`limits`]); going over one is a diagnostic with a stable code,
//! never a panic, a stack overflow or unbounded memory or time.
//!
//! ```
//! use netspec_core::{EvalOptions, Limits, Sources, Spec};
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
//! let spec = Spec::compile_with("demo.netspec", &Sources::single("demo.netspec", text), &limits)?;
//! // a submission without a header, evaluated as from a provider
//! let opts = EvalOptions::default().with_unattributed(Some(netspec_core::vocab::Respondent::Provider));
//! let err = spec
//!     .evaluate_str(r#"{"units": [{"beds": 1}, {"beds": 2}, {"beds": 3}]}"#, &opts)
//!     .unwrap_err();
//! assert_eq!(err.diagnostics()[0].code.as_str(), "NS0307");
//! assert_eq!(err.diagnostics()[0].path.as_deref(), Some("/units"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
// no panics reachable from input: no indexing or slicing that can go out of
// bounds (and, through the workspace lints, no unwrap, expect or panic)
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]
#![warn(missing_docs)]

pub mod builtins;
pub mod calendar;
#[cfg(feature = "compile")]
pub mod check;
pub mod diagnostic;
#[cfg(feature = "compile")]
pub mod diff;
pub mod document;
pub mod eval;
#[cfg(feature = "fast-read")]
mod fastread;
pub mod fhir;
pub mod files;
#[cfg(feature = "compile")]
pub mod format;
#[cfg(feature = "compile")]
pub mod ide;
pub mod inputs;
pub mod ir;
pub mod limits;
pub mod number;
pub mod report;
pub mod sorted_json;
pub mod source;
pub mod submission;
#[cfg(feature = "compile")]
pub mod syntax;
#[cfg(feature = "compile")]
pub mod testing;
pub mod vocab;

use std::sync::Arc;

pub use calendar::Date;
pub use diagnostic::{Code, Diagnostic, Severity};
pub use limits::Limits;
pub use report::Report;
pub use source::Sources;
#[cfg(feature = "compile")]
pub use testing::TestResult;
pub use vocab::Outcome;

use ir::CompiledSpec;
use source::SourceMap;

/// A compiled spec: cheap to clone, `Send + Sync`, evaluates any number of submissions.
#[derive(Clone)]
pub struct Spec {
    checked: Arc<CompiledSpec>,
    /// Its rules compiled once more for the fast evaluator.
    fast: Arc<eval::fast::FastSpec>,
    map: Arc<SourceMap>,
    warnings: Arc<[Diagnostic]>,
    limits: Limits,
    /// Its texts as JSON, made the first time a report is written.
    json: Arc<std::sync::OnceLock<report::json::Pieces>>,
    /// Where answers to the other respondent's questions can be.
    others: Arc<OtherSlots>,
    /// How the fast reader reads its inputs, made the first time it reads.
    #[cfg(feature = "fast-read")]
    reader: Arc<std::sync::OnceLock<fastread::Plan>>,
}

/// For a provider's and for the network's submissions, per record of the
/// schema: the slots [`Spec::other_respondent`] looks at, in order (the
/// fields asked of the other respondent, and the groups that hold one), so
/// that a spec with few such questions is not walked field by field.
#[derive(Debug, Default)]
struct OtherSlots {
    provider: Vec<Vec<usize>>,
    network: Vec<Vec<usize>>,
}

impl OtherSlots {
    fn of(schema: &ir::Schema) -> OtherSlots {
        OtherSlots {
            provider: Self::for_respondent(schema, vocab::Respondent::Provider),
            network: Self::for_respondent(schema, vocab::Respondent::Network),
        }
    }

    fn for_respondent(schema: &ir::Schema, respondent: vocab::Respondent) -> Vec<Vec<usize>> {
        fn slots(
            schema: &ir::Schema,
            rid: ir::RecordId,
            respondent: vocab::Respondent,
            memo: &mut [Option<Vec<usize>>],
        ) -> Vec<usize> {
            match memo.get(rid) {
                Some(Some(known)) => return known.clone(),
                Some(None) => {}
                None => return Vec::new(),
            }
            // a record met again on the way (never in a checked schema) adds nothing
            if let Some(m) = memo.get_mut(rid) {
                *m = Some(Vec::new());
            }
            let fields = schema.records.get(rid).map_or(&[][..], |r| &r.fields[..]);
            let mut out = Vec::new();
            for (k, f) in fields.iter().enumerate() {
                let holds_one = match &f.kind {
                    ir::FieldKind::Group { record } => {
                        !slots(schema, *record, respondent, memo).is_empty()
                    }
                    _ => false,
                };
                if f.respondent != respondent || holds_one {
                    out.push(k);
                }
            }
            if let Some(m) = memo.get_mut(rid) {
                *m = Some(out.clone());
            }
            out
        }
        let mut memo = vec![None; schema.records.len()];
        (0..schema.records.len())
            .map(|rid| slots(schema, rid, respondent, &mut memo))
            .collect()
    }

    fn slots(&self, respondent: vocab::Respondent, rid: ir::RecordId) -> &[usize] {
        let table = match respondent {
            vocab::Respondent::Provider => &self.provider,
            vocab::Respondent::Network => &self.network,
        };
        table.get(rid).map_or(&[], Vec::as_slice)
    }
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
    /// The files the spec was compiled from, which the diagnostics point into.
    pub fn source_map(&self) -> &SourceMap {
        &self.map
    }
}

/// A submission that could not be evaluated.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EvalError {
    /// Not JSON (NS0207), or not UTF-8 (NS0309).
    #[error("{0}")]
    Json(Box<Diagnostic>),
    /// JSON, but refused by the reader (a duplicate key NS0210, or a limit
    /// NS0305–NS0307) or not valid against the spec's inputs.
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

/// How to compile ([`Spec::compile_with_options`]). Start from
/// `CompileOptions::default()` and change what you need with the `with_`
/// methods; options may be added in later versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompileOptions {
    /// Limits on the spec and on the submissions it evaluates.
    pub limits: Limits,
    /// Read and check the spec's `test` blocks (the default, as
    /// `netspec check` and `netspec test` do). Off, the blocks are stepped
    /// over unread: compiling takes about half the time for a spec with many
    /// tests, the files their `given file` clauses name need not be
    /// supplied, nothing in them is checked, and the spec has no tests to
    /// run ([`Spec::compiled_with_tests`] is false). Evaluations are the same.
    pub tests: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            limits: Limits::default(),
            tests: true,
        }
    }
}

impl CompileOptions {
    /// These options with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// These options, reading the spec's `test` blocks or not.
    pub fn with_tests(mut self, tests: bool) -> Self {
        self.tests = tests;
        self
    }

    /// The options for a spec that is only evaluated: default limits, test
    /// blocks not read.
    pub fn evaluation_only() -> Self {
        CompileOptions {
            tests: false,
            ..CompileOptions::default()
        }
    }
}

/// How to evaluate. Start from `EvalOptions::default()` and change what you
/// need with the `with_` methods; options may be added in later versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EvalOptions {
    /// Assessment date; overrides the submission's `header.period.end`.
    pub as_of: Option<Date>,
    /// Build explanations (on by default; off is faster).
    pub explanations: bool,
    /// `None` (the default): a submission must have a `header`. `Some(r)`:
    /// a submission without one is evaluated as an unattributed submission
    /// from respondent `r` (spec tests, quick checks); its report says so.
    pub unattributed: Option<vocab::Respondent>,
}

impl EvalOptions {
    /// These options with an assessment date (`None`: the submission's
    /// period end).
    pub fn with_as_of(mut self, as_of: Option<Date>) -> Self {
        self.as_of = as_of;
        self
    }

    /// These options, building explanations or not.
    pub fn with_explanations(mut self, explanations: bool) -> Self {
        self.explanations = explanations;
        self
    }

    /// These options, accepting a submission without a header as from
    /// `respondent` (`None`: a header is required).
    pub fn with_unattributed(mut self, respondent: Option<vocab::Respondent>) -> Self {
        self.unattributed = respondent;
        self
    }
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            as_of: None,
            explanations: true,
            unattributed: None,
        }
    }
}

impl Spec {
    /// Compiles `root` from `sources` (which must also hold every file it
    /// uses), within the default [`Limits`].
    #[cfg(feature = "compile")]
    pub fn compile(root: &str, sources: &Sources) -> Result<Spec, CompileError> {
        Spec::compile_with(root, sources, &Limits::default())
    }

    /// Compiles `root` from `sources` within `limits`; the spec keeps them
    /// for its evaluations.
    #[cfg(feature = "compile")]
    pub fn compile_with(
        root: &str,
        sources: &Sources,
        limits: &Limits,
    ) -> Result<Spec, CompileError> {
        Spec::compile_with_options(
            root,
            sources,
            &CompileOptions {
                limits: *limits,
                ..CompileOptions::default()
            },
        )
    }

    /// Compiles `root` from `sources` with `options`: limits, and whether to
    /// read the `test` blocks.
    ///
    /// ```
    /// use netspec_core::{CompileOptions, EvalOptions, Sources, Spec};
    ///
    /// let text = r#"
    /// spec demo "Demo" { version "1" }
    /// inputs "Unit" { beds: int min 0 "Funded beds" }
    /// area resources { requirement RE-01 must "Two beds" { beds >= 2 } }
    /// test "the example" { given file "examples/full.json" expect RE-01 met }
    /// "#;
    /// // the example file is not needed when the tests are not read
    /// let sources = Sources::single("demo.netspec", text);
    /// assert!(Spec::compile("demo.netspec", &sources).is_err());
    /// let spec = Spec::compile_with_options("demo.netspec", &sources, &CompileOptions::evaluation_only())?;
    /// assert!(!spec.compiled_with_tests());
    /// let opts = EvalOptions::default().with_unattributed(Some(netspec_core::vocab::Respondent::Provider));
    /// let report = spec.evaluate_str(r#"{"beds": 3}"#, &opts)?;
    /// assert_eq!(report.requirements[0].outcome, netspec_core::Outcome::Met);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "compile")]
    pub fn compile_with_options(
        root: &str,
        sources: &Sources,
        options: &CompileOptions,
    ) -> Result<Spec, CompileError> {
        let compiled = check::compile_sources_for(root, sources, &options.limits, options.tests);
        Spec::from_compiled(compiled, &options.limits)
    }

    /// Reads and compiles `root` in one walk: each file is asked of `read`
    /// (a normalised name, and the bytes of spec text left under
    /// [`Limits::max_source_bytes`]) when the walk first reaches it, and
    /// parsed once. Also returns the files read.
    #[cfg(feature = "compile")]
    pub fn compile_reading(
        root: &str,
        read: &mut dyn FnMut(&str, usize) -> files::FileRead,
        options: &CompileOptions,
    ) -> (Sources, Result<Spec, CompileError>) {
        let (sources, compiled) =
            check::compile_reading(root, read, &options.limits, options.tests);
        (sources, Spec::from_compiled(compiled, &options.limits))
    }

    #[cfg(feature = "compile")]
    fn from_compiled(compiled: check::Compiled, limits: &Limits) -> Result<Spec, CompileError> {
        let map = Arc::new(compiled.map);
        match compiled.checked {
            Some(checked) => Ok(Spec::assemble(
                checked,
                map,
                cap_warnings(compiled.diagnostics),
                limits,
            )),
            None => Err(CompileError {
                diagnostics: compiled.diagnostics,
                map,
            }),
        }
    }

    /// A spec from its compiled form: what the evaluators need besides it
    /// (the fast form, its label tables, the other respondent's slots) made
    /// from it.
    fn assemble(
        checked: CompiledSpec,
        map: Arc<SourceMap>,
        warnings: Vec<Diagnostic>,
        limits: &Limits,
    ) -> Spec {
        Spec {
            fast: Arc::new(eval::fast::FastSpec {
                labels: eval::field_labels(&checked.schema),
                ..eval::fast::compile(&checked.requirements, &checked.lets)
            }),
            others: Arc::new(OtherSlots::of(&checked.schema)),
            checked: Arc::new(checked),
            map,
            warnings: warnings.into(),
            limits: *limits,
            json: Arc::default(),
            #[cfg(feature = "fast-read")]
            reader: Arc::default(),
        }
    }

    /// The spec as a compiled document ([`document`]): one JSON text that
    /// [`Spec::from_document`] loads without parsing or checking the spec
    /// again. Its tests and warnings are not part of it.
    pub fn to_document(&self) -> String {
        document::write(&self.checked, &self.map, &self.limits)
    }

    /// Loads a compiled document written by [`Spec::to_document`], checking
    /// it first as untrusted input: a document of another format or engine
    /// version, or one that fails the checks, is an NS0312 error. The spec
    /// evaluates as the one the document was written from, with the same
    /// report bytes; it has no tests ([`Spec::compiled_with_tests`] is
    /// false) and no warnings.
    pub fn from_document(text: &str) -> Result<Spec, CompileError> {
        match document::load(text) {
            Ok(l) => Ok(Spec::assemble(
                l.compiled,
                Arc::new(l.map),
                Vec::new(),
                &l.limits,
            )),
            Err(d) => Err(CompileError {
                diagnostics: vec![*d],
                map: Arc::default(),
            }),
        }
    }

    /// Whether the spec's `test` blocks were read and checked (see
    /// [`CompileOptions::tests`]); when not, [`Spec::run_tests`] has nothing to run.
    pub fn compiled_with_tests(&self) -> bool {
        self.checked.tests_read
    }

    /// The limits this spec's evaluations keep to.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The same spec with other limits for its evaluations (submission size,
    /// nesting and list length, and the work budget).
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Spec {
        self.limits = limits;
        self
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
    pub fn checked(&self) -> &CompiledSpec {
        &self.checked
    }

    /// The rules compiled for the fast evaluator, which decides what it can
    /// before the general one (for tests comparing the two).
    #[doc(hidden)]
    pub fn fast_form(&self) -> &eval::fast::FastSpec {
        &self.fast
    }

    /// The same spec without its fast form: the general evaluator decides
    /// every requirement, with the same results (for tests comparing the two).
    #[doc(hidden)]
    #[must_use]
    pub fn without_fast_path(&self) -> Spec {
        Spec {
            fast: Arc::default(),
            ..self.clone()
        }
    }

    /// The files the spec was compiled from.
    pub fn source_map(&self) -> &SourceMap {
        &self.map
    }

    /// Evaluates a submission given as JSON text.
    pub fn evaluate_str(&self, json: &str, opts: &EvalOptions) -> Result<Report<'_>, EvalError> {
        let sub = self.read_str(json, opts.unattributed.is_none())?;
        self.evaluate_read(&sub, opts, self.limits.max_eval_steps).0
    }

    /// Evaluates a submission given as bytes: text that is not UTF-8 is an
    /// NS0309 error ([`EvalError::Json`]) naming the first bad byte. Bytes
    /// over [`Limits::max_submission_bytes`] are refused first (NS0305),
    /// unread.
    pub fn evaluate_bytes(&self, json: &[u8], opts: &EvalOptions) -> Result<Report<'_>, EvalError> {
        if json.len() > self.limits.max_submission_bytes {
            return Err(self.too_large(json.len()));
        }
        let text = diagnostic::decode_utf8(json).map_err(EvalError::Json)?;
        self.evaluate_str(text, opts)
    }

    /// The error for a submission of `bytes` bytes, over the size limit (NS0305).
    pub fn too_large(&self, bytes: usize) -> EvalError {
        EvalError::Invalid {
            errors: vec![submission::too_large(bytes, &self.limits)],
            warnings: Vec::new(),
        }
    }

    /// Evaluates a submission given as a JSON value.
    pub fn evaluate(
        &self,
        value: &serde_json::Value,
        opts: &EvalOptions,
    ) -> Result<Report<'_>, EvalError> {
        let sub = self.read(value, opts.unattributed.is_none())?;
        self.evaluate_read(&sub, opts, self.limits.max_eval_steps).0
    }

    /// [`Spec::evaluate_str`], also giving the steps of work the evaluation
    /// did (see [`Limits::max_eval_steps`]): every loop counts its steps and
    /// stops where it counts them once over the budget, so the steps stay
    /// within the budget plus one list's length, plus a few per requirement
    /// left undecided. For measuring, and for tests that bound the work.
    pub fn evaluate_counted(
        &self,
        json: &str,
        opts: &EvalOptions,
    ) -> (Result<Report<'_>, EvalError>, u64) {
        match self.read_str(json, opts.unattributed.is_none()) {
            Ok(sub) => self.evaluate_read(&sub, opts, self.limits.max_eval_steps),
            Err(e) => (Err(e), 0),
        }
    }

    /// [`Spec::evaluate_submission`] within `budget` steps, also giving the
    /// steps done.
    fn evaluate_read(
        &self,
        sub: &submission::Submission,
        opts: &EvalOptions,
        budget: u64,
    ) -> (Result<Report<'_>, EvalError>, u64) {
        let (date, whom) = match self.attribution(sub, opts) {
            Ok(d) => d,
            Err(e) => return (Err(e), 0),
        };
        let (report, steps) = report::assess_given(
            &self.checked,
            &self.fast,
            &self.map,
            sub,
            date,
            opts.explanations,
            budget,
            whom,
        );
        (Ok(report), steps)
    }

    /// Reads a submission given as JSON text and validates it against the
    /// spec's inputs, once: the result can then be evaluated any number of
    /// times ([`Spec::evaluate_submission`], [`Spec::outcomes`]), with
    /// different options. The errors are those of [`Spec::evaluate_str`].
    ///
    /// ```
    /// use netspec_core::{EvalOptions, Outcome, Sources, Spec};
    ///
    /// let text = r#"
    /// spec demo "Demo" { version "1" }
    /// inputs "Unit" { beds: int min 0 "Funded beds" }
    /// area resources { requirement RE-01 must "Two beds" { beds >= 2 } }
    /// "#;
    /// let spec = Spec::compile("demo.netspec", &Sources::single("demo.netspec", text))?;
    /// let sub = spec.ingest_str(r#"{"beds": 3}"#)?;
    /// // no header: evaluated as from a provider, and the report says so (NS0217)
    /// let opts = EvalOptions::default().with_unattributed(Some(netspec_core::vocab::Respondent::Provider));
    /// let plain = opts.with_explanations(false);
    /// assert_eq!(spec.outcomes(&sub, &plain)?, vec![Outcome::Met]);
    /// let report = spec.evaluate_submission(&sub, &opts)?;
    /// assert_eq!(report.warnings[0].code.as_str(), "NS0217");
    /// assert_eq!(report.requirements[0].outcome, Outcome::Met);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A submission without a header is read (whether it may be evaluated
    /// depends on [`EvalOptions::unattributed`]); answers that break a
    /// declared relation are NS0216 errors, beside the reader's own.
    pub fn ingest_str(&self, json: &str) -> Result<submission::Submission, EvalError> {
        self.read_str(json, false)
    }

    /// The fast reader's plan of the inputs.
    #[cfg(feature = "fast-read")]
    fn reading_plan(&self) -> &fastread::Plan {
        self.reader
            .get_or_init(|| fastread::Plan::of(&self.checked.schema))
    }

    /// Whether every declared relation between the answers of `sub` (read
    /// by the fast reader) holds: decided by the reader's plan when every
    /// bound is one answer, else by the general check. Builds with debug
    /// assertions (every test, property test and fuzz run) hold the plan's
    /// answer to the general check's.
    #[cfg(feature = "fast-read")]
    fn relations_hold(&self, plan: &fastread::Plan, sub: &submission::Submission) -> bool {
        if plan.checks_relations() {
            let holds = plan.relations_hold(sub);
            debug_assert_eq!(
                holds,
                eval::check_relations(&self.checked, &self.map, sub, 1).is_empty()
            );
            holds
        } else {
            eval::check_relations(&self.checked, &self.map, sub, 1).is_empty()
        }
    }

    /// A clean submission read by the one-pass reader, its declared
    /// relations holding; `None` leaves it to the general reader.
    #[cfg(feature = "fast-read")]
    fn read_fast(&self, json: &str, need_header: bool) -> Option<submission::Submission> {
        let plan = self.reading_plan();
        let sub = fastread::read_with(&self.checked.schema, plan, json, &self.limits, need_header)?;
        self.relations_hold(plan, &sub).then_some(sub)
    }

    /// Without the `fast-read` feature every submission is read by the
    /// general reader (the same results).
    #[cfg(not(feature = "fast-read"))]
    fn read_fast(&self, _json: &str, _need_header: bool) -> Option<submission::Submission> {
        None
    }

    /// [`Spec::ingest_str`]; with `need_header`, no header is an NS0211 error.
    fn read_str(&self, json: &str, need_header: bool) -> Result<submission::Submission, EvalError> {
        // a clean submission is read by the fast path; anything else (an
        // error, a warning, a limit) by the reader, which explains it
        if let Some(sub) = self.read_fast(json, need_header) {
            return Ok(sub);
        }
        let read = submission::read_text(&self.checked.schema, json, &self.limits, need_header)
            .map_err(|e| {
                let d = submission::json_error(json, e);
                if d.code == Code::SubmissionJson {
                    EvalError::Json(d)
                } else {
                    // JSON, but refused: a duplicate key, or over a limit
                    EvalError::Invalid {
                        errors: vec![self.with_question(*d)],
                        warnings: Vec::new(),
                    }
                }
            })?;
        self.checked_read(read)
    }

    /// [`Spec::ingest_str`] for a submission given as a JSON value.
    pub fn ingest(&self, value: &serde_json::Value) -> Result<submission::Submission, EvalError> {
        self.read(value, false)
    }

    /// [`Spec::ingest`]; with `need_header`, no header is an NS0211 error.
    fn read(
        &self,
        value: &serde_json::Value,
        need_header: bool,
    ) -> Result<submission::Submission, EvalError> {
        // a clean submission is read by the fast path from the value's text,
        // as one given as text is; anything else by the reader
        match serde_json::to_string(value) {
            Ok(text) => self.read_written(&text, need_header),
            Err(_) => self.checked_read(submission::read_value(
                &self.checked.schema,
                value,
                &self.limits,
                need_header,
            )),
        }
    }

    /// [`Spec::read`] of a test's submission ([`ir::TestCase::given`]):
    /// the text `serde_json::to_string` writes for a value, or a text read
    /// into the same answers.
    fn read_written(
        &self,
        text: &str,
        need_header: bool,
    ) -> Result<submission::Submission, EvalError> {
        #[cfg(feature = "fast-read")]
        if let Some(sub) = self.read_fast(text, need_header) {
            return Ok(sub);
        }
        self.checked_read(submission::read_written(
            &self.checked.schema,
            text,
            &self.limits,
            need_header,
        ))
    }

    /// A submission read, with its answers' relations checked: the
    /// submission, or every error.
    fn checked_read(
        &self,
        read: Result<submission::Read, submission::Rejected>,
    ) -> Result<submission::Submission, EvalError> {
        let invalid = |r: submission::Rejected| EvalError::Invalid {
            errors: r
                .errors
                .into_iter()
                .map(|d| self.with_question(d))
                .collect(),
            warnings: r
                .warnings
                .into_iter()
                .map(|d| self.with_question(d))
                .collect(),
        };
        let mut read = read.map_err(invalid)?;
        // relations are checked on what could be read, so that their errors
        // come with the others (within the NS0310 limit)
        let room = (limits::MAX_DIAGNOSTICS + 1).saturating_sub(read.errors.len());
        let broken = eval::check_relations(&self.checked, &self.map, &read.sub, room);
        read.errors.extend(broken);
        let mut sub = submission::conclude(read).map_err(invalid)?;
        sub.warnings = std::mem::take(&mut sub.warnings)
            .into_iter()
            .map(|d| self.with_question(d))
            .collect();
        Ok(sub)
    }

    /// `d` with a note giving the question its JSON pointer names, when it
    /// names a declared input (`/units/1/l3_beds`: "question: Level 3 beds").
    fn with_question(&self, d: Diagnostic) -> Diagnostic {
        if matches!(d.code, Code::BrokenRelation | Code::OtherRespondent) {
            // their messages name the questions already
            return d;
        }
        let Some(path) = d.path.as_deref().filter(|p| !p.is_empty()) else {
            return d;
        };
        let pattern: String = path
            .split('/')
            .skip(1)
            .map(|seg| {
                if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                    "/*"
                } else {
                    seg
                }
            })
            .fold(String::new(), |mut acc, seg| {
                if seg != "/*" {
                    acc.push('/');
                }
                acc.push_str(seg);
                acc
            });
        let question = self
            .checked
            .schema
            .records
            .iter()
            .flat_map(|r| &r.fields)
            .find(|f| f.pointer == pattern)
            .map(|f| f.question.clone());
        match question {
            Some(q) => d.with_note(format!("question: {q}")),
            None => d,
        }
    }

    /// Evaluates a submission read by this spec's [`Spec::ingest_str`] or
    /// [`Spec::ingest`] (one read by another spec gives meaningless
    /// results). The report equals [`Spec::evaluate_str`]'s.
    pub fn evaluate_submission(
        &self,
        sub: &submission::Submission,
        opts: &EvalOptions,
    ) -> Result<Report<'_>, EvalError> {
        self.evaluate_read(sub, opts, self.limits.max_eval_steps).0
    }

    /// Appends `report` (made by this spec) to `out` as compact JSON, every
    /// object's keys sorted: byte for byte what `netspec eval --format json`
    /// prints, compact (what `serde_json::to_value` then `to_writer`
    /// write), in a fraction of the time, since the spec's own texts (most
    /// of a report) are escaped once, not for every report.
    ///
    /// ```
    /// use netspec_core::{EvalOptions, Sources, Spec};
    ///
    /// let text = r#"
    /// spec demo "Demo" { version "1" }
    /// inputs "Unit" { beds: int min 0 "Funded beds" }
    /// area resources { requirement RE-01 must "Two \"funded\" beds" { beds >= 2 } }
    /// "#;
    /// let spec = Spec::compile("demo.netspec", &Sources::single("demo.netspec", text))?;
    /// let opts = EvalOptions::default().with_unattributed(Some(netspec_core::vocab::Respondent::Provider));
    /// let report = spec.evaluate_str(r#"{"beds": 3}"#, &opts)?;
    /// let mut out = Vec::new();
    /// spec.write_report_json(&report, &mut out);
    /// assert_eq!(out, serde_json::to_vec(&serde_json::to_value(&report)?)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_report_json(&self, report: &Report<'_>, out: &mut Vec<u8>) {
        let pieces = self
            .json
            .get_or_init(|| report::json::Pieces::of(&self.checked));
        report::json::write(pieces, &self.checked, report, out);
    }

    /// Only the outcome of every requirement, in report order, without
    /// building the report (no explanations, missing inputs, evidence or
    /// ratings): the fastest way to decide a submission. The outcomes are
    /// those of [`Spec::evaluate_submission`]'s report with explanations
    /// off (`opts.explanations` is not used).
    pub fn outcomes(
        &self,
        sub: &submission::Submission,
        opts: &EvalOptions,
    ) -> Result<Vec<Outcome>, EvalError> {
        // the outcomes carry no warnings: none are made
        let (date, whom) = self.attribution_with(sub, opts, false)?;
        Ok(report::outcomes_as(
            &self.checked,
            &self.fast,
            &self.map,
            sub,
            date,
            self.limits.max_eval_steps,
            whom.respondent,
        ))
    }

    /// [`Spec::evaluate`] within a work budget of `budget` steps, also
    /// giving the steps done (for test runs that share one budget).
    #[cfg(feature = "compile")]
    fn evaluate_within(
        &self,
        written: &str,
        opts: &EvalOptions,
        budget: u64,
    ) -> (Result<Report<'_>, EvalError>, u64) {
        match self.read_written(written, opts.unattributed.is_none()) {
            Ok(sub) => self.evaluate_read(&sub, opts, budget),
            Err(e) => (Err(e), 0),
        }
    }

    /// Who a submission is judged as from and the assessment date: the
    /// header's respondent (else [`EvalOptions::unattributed`], with an
    /// NS0217 warning; else NS0211) and `opts.as_of`, else the header's
    /// period end (NS0208 when the spec needs a date and there is none).
    /// Answers to the other respondent's questions get NS0215 warnings.
    fn attribution(
        &self,
        sub: &submission::Submission,
        opts: &EvalOptions,
    ) -> Result<(Option<Date>, report::Attribution), EvalError> {
        self.attribution_with(sub, opts, true)
    }

    /// [`Spec::attribution`], with its warnings only when `warn` (the
    /// same respondent, date and errors either way).
    fn attribution_with(
        &self,
        sub: &submission::Submission,
        opts: &EvalOptions,
        warn: bool,
    ) -> Result<(Option<Date>, report::Attribution), EvalError> {
        let mut warnings = Vec::new();
        let respondent = match (&sub.header, opts.unattributed) {
            (Some(h), _) => h.respondent,
            (None, Some(r)) if !warn => r,
            (None, Some(r)) => {
                warnings.push(
                    Diagnostic::warning(
                        Code::Unattributed,
                        format!(
                            "unattributed submission: it has no header and was evaluated as from a {}",
                            r.as_str()
                        ),
                    )
                    .at_path("/header")
                    .with_help("add a header saying who answers, for which organisation and period (see `netspec explain NS0211`)"),
                );
                r
            }
            (None, None) => {
                return Err(EvalError::Invalid {
                    errors: vec![submission::missing_header()],
                    warnings: sub.warnings.clone(),
                })
            }
        };
        if warn {
            warnings.extend(self.other_respondent(sub, respondent));
        }
        let date = opts.as_of.or(sub.header.as_ref().map(|h| h.period.end));
        if date.is_none() && self.checked.uses_assessment_date {
            return Err(EvalError::Invalid {
                errors: vec![Diagnostic::error(
                    Code::AssessmentDate,
                    "this spec has date rules, so it needs an assessment date",
                )
                .at_path("/header/period/end")
                .with_help(
                    "give the submission a header with its assessment period (the date is the period's end), or pass --as-of",
                )],
                warnings: sub.warnings.clone(),
            });
        }
        Ok((
            date,
            report::Attribution {
                respondent,
                warnings,
            },
        ))
    }

    /// NS0215 warnings for the answered questions asked of the other
    /// respondent than `respondent` (their answers are not read): each
    /// answered input outside groups, each inside a group.
    fn other_respondent(
        &self,
        sub: &submission::Submission,
        respondent: vocab::Respondent,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        self.other_respondent_in(sub, 0, &sub.root, respondent, &mut out);
        out
    }

    fn other_respondent_in(
        &self,
        sub: &submission::Submission,
        rid: ir::RecordId,
        rec: &submission::Record,
        respondent: vocab::Respondent,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(schema) = self.checked.schema.records.get(rid) else {
            return;
        };
        let from = match respondent {
            vocab::Respondent::Provider => "a provider's",
            vocab::Respondent::Network => "the network's",
        };
        // only the fields asked of the other respondent and the groups holding one
        for &k in self.others.slots(respondent, rid) {
            let Some(f) = schema.fields.get(k) else {
                continue;
            };
            if out.len() >= limits::MAX_DIAGNOSTICS {
                return;
            }
            match (sub.answer(rec, k), &f.kind) {
                (None, _) => {}
                (Some(submission::Stored::Group(g)), ir::FieldKind::Group { record }) => {
                    self.other_respondent_in(sub, *record, g, respondent, out);
                }
                (Some(_), _) if f.respondent != respondent => {
                    let path = format!("{}/{}", sub.pointer(rec), f.name);
                    out.push(
                        Diagnostic::warning(
                            Code::OtherRespondent,
                            format!(
                                "{path} ({}) is asked of the {}, so it is ignored in {from} submission",
                                f.question,
                                f.respondent.as_str()
                            ),
                        )
                        .at_path(path)
                        .with_help(format!(
                            "answer it in the {} submission, or leave it out of this one",
                            f.respondent.as_str()
                        )),
                    );
                }
                _ => {}
            }
        }
    }

    /// The questions a provider answers, grouped as the form shows them.
    pub fn inputs(&self) -> Vec<inputs::Section> {
        inputs::form(&self.checked)
    }

    /// The JSON Schema (draft 2020-12) of a valid submission.
    pub fn json_schema(&self) -> serde_json::Value {
        inputs::json_schema(&self.checked)
    }

    /// The FHIR R4 `Questionnaire` of the questions `who` answers
    /// ([`fhir::questionnaire`]).
    pub fn fhir_questionnaire(&self, who: vocab::Respondent) -> serde_json::Value {
        fhir::questionnaire(&self.checked, who)
    }

    /// Reads a FHIR `QuestionnaireResponse` (JSON text, within the
    /// submission limits) to this spec's Questionnaire as a submission, and
    /// checks it as [`Spec::ingest_str`] does: every error names the
    /// submission's JSON pointer and, in a note, the FHIR path.
    pub fn submission_from_fhir_str(&self, text: &str) -> Result<fhir::Converted, EvalError> {
        let value = submission::parse_json_with(text, &self.limits).map_err(|d| {
            if d.code == Code::SubmissionJson || d.code == Code::NotUtf8 {
                EvalError::Json(d)
            } else {
                EvalError::Invalid {
                    errors: vec![*d],
                    warnings: Vec::new(),
                }
            }
        })?;
        let converted =
            fhir::from_response(&self.checked, &value).map_err(|errors| EvalError::Invalid {
                errors,
                warnings: Vec::new(),
            })?;
        match self.ingest(&converted.submission) {
            Ok(_) => Ok(converted),
            Err(EvalError::Invalid {
                mut errors,
                mut warnings,
            }) => {
                converted.locate(&mut errors);
                converted.locate(&mut warnings);
                Err(EvalError::Invalid { errors, warnings })
            }
            Err(e) => Err(e),
        }
    }

    /// A submission (JSON text, read and checked as [`Spec::ingest_str`]
    /// reads it) as a FHIR `QuestionnaireResponse` to the Questionnaire of
    /// its header's respondent (`unattributed` without a header; a
    /// provider's when neither is given).
    pub fn submission_to_fhir_str(
        &self,
        text: &str,
        unattributed: Option<vocab::Respondent>,
    ) -> Result<serde_json::Value, EvalError> {
        self.ingest_str(text)?;
        let value = submission::parse_json_with(text, &self.limits).map_err(EvalError::Json)?;
        let who = match value.pointer("/header/respondent").and_then(|r| r.as_str()) {
            Some("network") => vocab::Respondent::Network,
            Some(_) => vocab::Respondent::Provider,
            None => unattributed.unwrap_or_default(),
        };
        Ok(fhir::to_response(&self.checked, &value, who))
    }

    /// A blank submission for `respondent` ([`inputs::blank_submission`]).
    pub fn blank_submission(
        &self,
        respondent: vocab::Respondent,
        period: (&str, &str),
        items: usize,
    ) -> String {
        inputs::blank_submission(&self.checked, respondent, period, items)
    }

    /// Runs the spec's `test` blocks (none when it was compiled without
    /// them: [`Spec::compiled_with_tests`]).
    #[cfg(feature = "compile")]
    pub fn run_tests(&self) -> Vec<TestResult> {
        testing::run_tests(
            &self.checked.tests,
            &self.map,
            self.limits.max_eval_steps,
            |t, left| {
                let opts = EvalOptions {
                    as_of: t.assessed_on,
                    explanations: true,
                    unattributed: Some(t.respondent),
                };
                let (result, used) = self.evaluate_within(&t.given, &opts, left);
                (result.map_err(|e| e.to_string()), used)
            },
        )
    }
}

impl AsRef<CompiledSpec> for Spec {
    fn as_ref(&self) -> &CompiledSpec {
        &self.checked
    }
}

/// Formats `text`, the spec file `name`, in the house style
/// ([`format::format_source`]); a file that does not parse gives its parse
/// errors, located in it.
#[cfg(feature = "compile")]
pub fn format_file(name: &str, text: &str) -> Result<String, CompileError> {
    format::format_source(text).map_err(|diagnostics| {
        let mut map = SourceMap::default();
        map.add(name.to_string(), text.into());
        let diagnostics = diagnostics
            .into_iter()
            .map(|mut d| {
                d.location = d.span().and_then(|s| map.locate(s));
                for r in &mut d.related {
                    r.location = r.span().and_then(|s| map.locate(s));
                }
                d
            })
            .collect();
        CompileError {
            diagnostics,
            map: Arc::new(map),
        }
    })
}

/// At most [`limits::MAX_DIAGNOSTICS`] compile warnings, then one NS0310
/// saying how many more there were.
#[cfg(feature = "compile")]
fn cap_warnings(mut warnings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let most = limits::MAX_DIAGNOSTICS;
    if warnings.len() > most {
        let more = warnings.len() - most;
        warnings.truncate(most);
        warnings.push(Diagnostic::warning(
            Code::TooManyDiagnostics,
            format!("… and {more} more warnings: the first {most} are shown"),
        ));
    }
    warnings
}

/// Collects a spec and every file it needs (`use`d files, `given file`
/// submissions) from disk, reading only regular files inside the folder of
/// the spec `root` (a path relative to the current folder, or absolute):
/// see [`files::ConfinedReader`]. This is the way to read specs that come
/// from other people. A path the reader refuses is reported by compiling as
/// NS0311; a file too large for [`Limits::max_source_bytes`] as NS0301,
/// one that is not UTF-8 as NS0309.
///
/// ```
/// let sources = netspec_core::gather_files("/no/such/folder/x.netspec", &netspec_core::CompileOptions::default());
/// let err = netspec_core::Spec::compile("/no/such/folder/x.netspec", &sources).unwrap_err();
/// assert_eq!(err.diagnostics[0].code.as_str(), "NS0311");
/// ```
#[cfg(feature = "compile")]
pub fn gather_files(root: &str, options: &CompileOptions) -> Sources {
    let reader = files::ConfinedReader::for_spec(std::path::Path::new(root));
    gather_files_in(root, &reader, options)
}

/// [`gather_files`] with a reader for another folder (`netspec --root DIR`).
#[cfg(feature = "compile")]
pub fn gather_files_in(
    root: &str,
    reader: &files::ConfinedReader,
    options: &CompileOptions,
) -> Sources {
    gather(root, options, |name, left| reader.read(name, left))
}

/// Collects a spec and every file it needs (`use`d files, `given file`
/// submissions) through `read`, which the caller implements (from a bundle,
/// a map in memory). Files `read` cannot supply are left out; compiling then
/// reports them. `read` is handed every path a spec names, `/etc/passwd`
/// included: to read from disk, use [`gather_files`], which reads only
/// inside the spec's folder.
#[cfg(feature = "compile")]
pub fn gather_sources(root: &str, read: impl FnMut(&str) -> Option<String>) -> Sources {
    gather_sources_with(root, &CompileOptions::default(), read)
}

/// [`gather_sources`] for a compilation with `options`: without tests
/// ([`CompileOptions::tests`] off) only the `use`d files are read, not the
/// test submissions.
#[cfg(feature = "compile")]
pub fn gather_sources_with(
    root: &str,
    options: &CompileOptions,
    mut read: impl FnMut(&str) -> Option<String>,
) -> Sources {
    gather(root, options, |name, _| {
        read(name).map_or(files::FileRead::NotFound, files::FileRead::Text)
    })
}

/// Walks `root` and the files it names the way compiling does
/// ([`check::gather_reading`]); `read` gets a name and the bytes of spec
/// text left under the limit.
#[cfg(feature = "compile")]
fn gather(
    root: &str,
    options: &CompileOptions,
    mut read: impl FnMut(&str, usize) -> files::FileRead,
) -> Sources {
    check::gather_reading(root, &mut read, &options.limits, options.tests)
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    #![allow(clippy::panic)]
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn spec_is_send_and_sync() {
        assert_send_sync::<Spec>();
    }

    /// NS0215's paths by walking every field of every record answered (the
    /// way before [`OtherSlots`]), for comparison.
    fn other_respondent_walked(
        spec: &Spec,
        sub: &submission::Submission,
        rid: ir::RecordId,
        rec: &submission::Record,
        respondent: vocab::Respondent,
        out: &mut Vec<String>,
    ) {
        let Some(schema) = spec.checked.schema.records.get(rid) else {
            return;
        };
        for (k, f) in schema.fields.iter().enumerate() {
            match (sub.answer(rec, k), &f.kind) {
                (None, _) => {}
                (Some(submission::Stored::Group(g)), ir::FieldKind::Group { record }) => {
                    other_respondent_walked(spec, sub, *record, g, respondent, out);
                }
                (Some(_), _) if f.respondent != respondent => {
                    out.push(format!("{}/{}", sub.pointer(rec), f.name));
                }
                _ => {}
            }
        }
    }

    #[test]
    fn answers_to_the_other_respondent_are_found_as_by_walking_every_field() {
        let text = "spec resp \"R\" { version \"1\" }\n\
            inputs \"Unit\" {\n\
              beds: int min 0 \"Beds\"\n\
              unit.name: text \"Unit name\"\n\
              unit.nurses: int min 0 \"Nurses\"\n\
              wards: list \"Wards\" { name: text \"Ward\" }\n\
            }\n\
            inputs \"Network\" respondent network {\n\
              icbs: int min 0 \"ICBs\"\n\
              network.plan: bool \"Plan signed?\"\n\
              network.audit.done: bool \"Audit done?\"\n\
            }\n\
            area workforce {\n\
              requirement WF-01 must \"r\" { beds >= 0 basis standard }\n\
              requirement CO-01 must \"n\" { respondent network icbs >= 0 basis standard }\n\
            }\n";
        let spec = match Spec::compile("resp.netspec", &Sources::single("resp.netspec", text)) {
            Ok(s) => s,
            Err(e) => panic!("{:?}", e.diagnostics),
        };
        let header = |who: &str| {
            format!(
                r#""header": {{"respondent": "{who}", "organisation": {{"ods_code": "RXX", "name": "T"}}, "period": {{"start": "2024-07-01", "end": "2025-06-30"}}, "completed_by": "A"}}"#
            )
        };
        let bodies = [
            "",
            r#", "beds": 3"#,
            r#", "beds": 3, "icbs": 2"#,
            r#", "network": {"plan": true}"#,
            r#", "network": {"audit": {"done": false}}, "unit": {"name": "A", "nurses": 4}"#,
            r#", "beds": 1, "unit": {"name": "A"}, "wards": [{"name": "W"}], "icbs": 1, "network": {"plan": false, "audit": {"done": true}}"#,
        ];
        let mut found = 0;
        for who in ["provider", "network"] {
            for body in bodies {
                let json = format!("{{{}{body}}}", header(who));
                let sub = match spec.ingest_str(&json) {
                    Ok(s) => s,
                    Err(e) => panic!("{json}: {e:?}"),
                };
                let respondent = sub
                    .header
                    .as_ref()
                    .map(|h| h.respondent)
                    .unwrap_or_default();
                let fast: Vec<String> = spec
                    .other_respondent(&sub, respondent)
                    .into_iter()
                    .filter_map(|d| d.path)
                    .collect();
                let mut walked = Vec::new();
                other_respondent_walked(&spec, &sub, 0, &sub.root, respondent, &mut walked);
                assert_eq!(fast, walked, "{json}");
                found += walked.len();
            }
        }
        // as a provider: icbs, network.plan and network.audit.done answered
        // 0+0+1+1+1+3 times; as the network: beds, unit.name, unit.nurses
        // and wards 0+1+1+0+2+3 times
        assert_eq!(found, 13);
    }
}
