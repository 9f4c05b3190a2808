//! The compiled spec, and reading and formatting spec text.

#[cfg(feature = "compile")]
use std::path::Path;

#[cfg(feature = "compile")]
use netspec_core::files::{ConfinedReader, FileRead};
#[cfg(feature = "compile")]
use netspec_core::source::FileId;
#[cfg(feature = "compile")]
use netspec_core::syntax::{ast::Item, parse_file_without_tests};

use crate::form::Section;
#[cfg(feature = "compile")]
use crate::testing::{Coverage, TestResult};
use crate::{CompileError, Diagnostic, EvalError, EvalOptions, Limits, Outcome, Report};
#[cfg(feature = "compile")]
use crate::{CompileOptions, Sources};

/// A compiled spec: cheap to clone, `Send + Sync`, evaluates any number of
/// submissions.
#[derive(Clone, Debug)]
pub struct Spec {
    pub(crate) inner: netspec_core::Spec,
}

impl Spec {
    /// Compiles `root` from `sources` (which must also hold every file it
    /// uses and every submission its tests name), with the default
    /// [`CompileOptions`].
    #[cfg(feature = "compile")]
    pub fn compile(root: &str, sources: &Sources) -> Result<Spec, CompileError> {
        Spec::compile_with_options(root, sources, &CompileOptions::default())
    }

    /// Compiles `root` from `sources` with `options` (limits; whether to
    /// read the spec's tests).
    #[cfg(feature = "compile")]
    pub fn compile_with_options(
        root: &str,
        sources: &Sources,
        options: &CompileOptions,
    ) -> Result<Spec, CompileError> {
        netspec_core::Spec::compile_with_options(root, sources, options).map(|inner| Spec { inner })
    }

    /// Reads the spec at `path` and the files it needs from disk the way
    /// [`read_spec`] does (only inside `within`, by default the spec's
    /// folder; the spec's own text from `text` when given) and compiles it,
    /// reading and parsing each file once.
    ///
    /// ```
    /// let opts = netspec::CompileOptions::default();
    /// let err = netspec::Spec::read("/no/such/folder/x.netspec", None, None, &opts).unwrap_err();
    /// assert_eq!(err.diagnostics[0].code.as_str(), "NS0311");
    /// ```
    #[cfg(feature = "compile")]
    pub fn read(
        path: &str,
        text: Option<String>,
        within: Option<&Path>,
        options: &CompileOptions,
    ) -> Result<Spec, CompileError> {
        let mut read = disk_reader(path, text, within);
        netspec_core::Spec::compile_reading(path, &mut read, options)
            .1
            .map(|inner| Spec { inner })
    }

    /// The spec as a compiled document: one JSON text (its format in
    /// `docs/compiled.md`) that [`Spec::from_document`] loads without
    /// parsing or checking the spec again, for programs that only evaluate.
    /// The spec's tests and warnings are not part of it.
    pub fn to_document(&self) -> String {
        self.inner.to_document()
    }

    /// Loads a compiled document written by [`Spec::to_document`] by this
    /// version of netspec. The document is checked as untrusted input
    /// before use; one of another format or engine version, or one that
    /// fails the checks, is refused with NS0312. The spec's reports are
    /// byte for byte those of the spec it was written from; it has no tests
    /// and no warnings.
    ///
    /// ```
    /// use netspec::{Sources, Spec};
    /// let text = "spec demo \"Demo\" { version \"1\" }\ninputs \"Unit\" { beds: int min 0 \"Beds\" }";
    /// let spec = Spec::compile("demo.netspec", &Sources::single("demo.netspec", text))?;
    /// let loaded = Spec::from_document(&spec.to_document())?;
    /// assert_eq!(loaded.id(), "demo");
    /// let err = Spec::from_document("{}").unwrap_err();
    /// assert_eq!(err.diagnostics[0].code.as_str(), "NS0312");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_document(text: &str) -> Result<Spec, CompileError> {
        netspec_core::Spec::from_document(text).map(|inner| Spec { inner })
    }

    /// The spec's id (`spec acc ...`).
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// The spec's title.
    pub fn title(&self) -> &str {
        self.inner.title()
    }

    /// The spec's `version`, if it declares one.
    pub fn version(&self) -> Option<&str> {
        self.inner.version()
    }

    /// The ids of the spec's requirements, in report order.
    pub fn requirement_ids(&self) -> impl Iterator<Item = &str> {
        self.inner
            .checked()
            .requirements
            .iter()
            .map(|r| r.id.as_str())
    }

    /// Warnings found while compiling.
    pub fn warnings(&self) -> &[Diagnostic] {
        self.inner.warnings()
    }

    /// The limits the spec was compiled with, which its evaluations use.
    pub fn limits(&self) -> &Limits {
        self.inner.limits()
    }

    /// The same spec, evaluating within other limits (the limits on the
    /// spec's own text were checked when it was compiled).
    pub fn with_limits(self, limits: Limits) -> Spec {
        Spec {
            inner: self.inner.with_limits(limits),
        }
    }

    /// Whether the spec's `test` blocks were read ([`CompileOptions::tests`]).
    pub fn compiled_with_tests(&self) -> bool {
        self.inner.compiled_with_tests()
    }

    /// Evaluates a submission given as JSON text.
    pub fn evaluate_str(&self, json: &str, opts: &EvalOptions) -> Result<Report<'_>, EvalError> {
        self.inner.evaluate_str(json, opts)
    }

    /// Evaluates a submission already read as a JSON value.
    pub fn evaluate(
        &self,
        submission: &serde_json::Value,
        opts: &EvalOptions,
    ) -> Result<Report<'_>, EvalError> {
        self.inner.evaluate(submission, opts)
    }

    /// Evaluates a submission given as bytes: text that is not UTF-8 is an
    /// NS0309 error naming the first bad byte; bytes over
    /// [`Limits::max_submission_bytes`] are refused unread (NS0305).
    pub fn evaluate_bytes(&self, json: &[u8], opts: &EvalOptions) -> Result<Report<'_>, EvalError> {
        self.inner.evaluate_bytes(json, opts)
    }

    /// Reads a submission (JSON text) once, to evaluate it any number of
    /// times ([`Spec::evaluate_submission`], [`Spec::outcomes`]), e.g. at
    /// several assessment dates. Refused as [`Spec::evaluate_str`] refuses
    /// it, except that a missing header is decided when it is evaluated.
    pub fn read_submission(&self, json: &str) -> Result<Submission, EvalError> {
        self.inner
            .ingest_str(json)
            .map(|inner| Submission { inner })
    }

    /// Evaluates a submission this spec read ([`Spec::read_submission`]; one
    /// read by another spec gives meaningless results). The report equals
    /// [`Spec::evaluate_str`]'s.
    pub fn evaluate_submission(
        &self,
        submission: &Submission,
        opts: &EvalOptions,
    ) -> Result<Report<'_>, EvalError> {
        self.inner.evaluate_submission(&submission.inner, opts)
    }

    /// Only the outcome of every requirement, in report order, without
    /// building a report: the fastest way to decide a submission. The
    /// outcomes are those of the full report (`opts.explanations` is not
    /// used).
    pub fn outcomes(
        &self,
        submission: &Submission,
        opts: &EvalOptions,
    ) -> Result<Vec<Outcome>, EvalError> {
        self.inner.outcomes(&submission.inner, opts)
    }

    /// The report as compact JSON, every object's keys sorted, appended to
    /// `out`: byte for byte what `netspec eval --format json` prints,
    /// compact (`serde_json::to_value` then `to_writer`), faster (the
    /// spec's own texts are escaped once, not for every report). `report`
    /// must come from this spec.
    pub fn write_report_json(&self, report: &Report<'_>, out: &mut Vec<u8>) {
        self.inner.write_report_json(report, out)
    }

    /// The error for a submission of `bytes` bytes over the size limit
    /// (NS0305), for callers that refuse it before reading it.
    pub fn too_large(&self, bytes: usize) -> EvalError {
        self.inner.too_large(bytes)
    }

    /// The questions a respondent answers, grouped as a form shows them.
    pub fn inputs(&self) -> Vec<Section> {
        self.inner.inputs()
    }

    /// The JSON Schema (draft 2020-12) of a valid submission.
    pub fn json_schema(&self) -> serde_json::Value {
        self.inner.json_schema()
    }

    /// The FHIR R4 `Questionnaire` (JSON) of the questions `who` answers:
    /// one item per input, its `linkId` the input's JSON pointer (the
    /// mapping: `docs/fhir.md`).
    pub fn fhir_questionnaire(&self, who: crate::Respondent) -> serde_json::Value {
        self.inner.fhir_questionnaire(who)
    }

    /// Reads a FHIR `QuestionnaireResponse` (JSON text) to this spec's
    /// Questionnaire ([`Spec::fhir_questionnaire`]) as a submission, refused
    /// as [`Spec::read_submission`] refuses one, and for a response to
    /// another Questionnaire (NS0221), an unknown `linkId` (NS0222), an
    /// answer of the wrong type (NS0223) or a question answered twice
    /// (NS0224). Every error names the JSON pointer and, in a note, the
    /// FHIR path (`FHIR path: item[3].item[0].answer[0]`).
    ///
    /// ```
    /// use netspec::{EvalOptions, Respondent, Sources, Spec};
    ///
    /// let text = "spec demo \"Demo\" { version \"1\" }\ninputs \"Unit\" { beds: int min 0 \"Beds\" }\narea resources { requirement R-1 must \"Beds\" { beds > 0 } }\n";
    /// let spec = Spec::compile("demo.netspec", &Sources::single("demo.netspec", text))?;
    /// let q = spec.fhir_questionnaire(Respondent::Provider);
    /// assert_eq!(q["url"], "urn:netspec:spec:demo:questionnaire:provider");
    /// let qr = r#"{"resourceType": "QuestionnaireResponse", "status": "completed",
    ///   "questionnaire": "urn:netspec:spec:demo:questionnaire:provider|1",
    ///   "item": [{"linkId": "section-1", "item": [{"linkId": "/beds", "answer": [{"valueInteger": 4}]}]}]}"#;
    /// let submission = spec.submission_from_fhir_str(qr)?;
    /// assert_eq!(submission, serde_json::json!({"beds": 4}));
    ///
    /// let wrong = qr.replace(r#"{"valueInteger": 4}"#, r#"{"valueString": "four"}"#);
    /// let err = spec.submission_from_fhir_str(&wrong).unwrap_err();
    /// let d = &err.diagnostics()[0];
    /// assert_eq!((d.code.as_str(), d.path.as_deref()), ("NS0223", Some("/beds")));
    /// assert_eq!(d.notes, ["FHIR path: item[0].item[0].answer[0]"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn submission_from_fhir_str(&self, text: &str) -> Result<serde_json::Value, EvalError> {
        self.inner
            .submission_from_fhir_str(text)
            .map(|c| c.submission)
    }

    /// A submission (JSON text) as a FHIR `QuestionnaireResponse` to the
    /// Questionnaire of its header's respondent (`unattributed` for a
    /// submission without a header; a provider's when neither says). Read
    /// back with [`Spec::submission_from_fhir_str`], it evaluates to the
    /// same report.
    pub fn submission_to_fhir_str(
        &self,
        text: &str,
        unattributed: Option<crate::Respondent>,
    ) -> Result<serde_json::Value, EvalError> {
        self.inner.submission_to_fhir_str(text, unattributed)
    }

    /// A blank submission for `respondent`, to fill in, as JSON text (in
    /// declaration order, the header first): a header with
    /// placeholders (organisation `XXX`, "Organisation name", the period
    /// from `period.0` to `period.1`, "Name, role", not signed off) and
    /// every question the respondent answers set to `null` (unanswered); a
    /// list gets `items` elements (at least its `min`, at most 100), each
    /// with its fields `null`. It is a valid submission; evaluated as it is,
    /// what needs an answer is incomplete.
    pub fn blank_submission(
        &self,
        respondent: crate::Respondent,
        period: (&str, &str),
        items: usize,
    ) -> String {
        self.inner.blank_submission(respondent, period, items)
    }

    /// Runs the spec's `test` blocks (none when it was compiled without them).
    #[cfg(feature = "compile")]
    pub fn run_tests(&self) -> Vec<TestResult> {
        self.inner.run_tests()
    }

    /// Which outcomes `results` (this spec's test results) produced for
    /// each requirement.
    #[cfg(feature = "compile")]
    pub fn coverage(&self, results: &[TestResult]) -> Coverage {
        netspec_core::testing::coverage(&self.inner, results)
    }

    /// Whether `text` declares a spec (a `spec` header) rather than being a
    /// file other specs `use`. Text that does not parse is not a spec.
    #[cfg(feature = "compile")]
    pub fn declared_in(text: &str) -> bool {
        parse_file_without_tests(text, FileId(0), &Limits::default())
            .is_ok_and(|f| f.items.iter().any(|i| matches!(i, Item::Spec(_))))
    }
}

/// A submission read by a spec ([`Spec::read_submission`]), ready to be
/// evaluated any number of times.
#[derive(Clone, Debug)]
pub struct Submission {
    inner: netspec_core::submission::Submission,
}

/// Reads bytes as UTF-8 text: text that is not UTF-8 is an NS0309
/// diagnostic naming the first bad byte.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, Box<Diagnostic>> {
    netspec_core::diagnostic::decode_utf8(bytes)
}

/// Reads the spec at `path` and every file it needs (`use`d files, the
/// submissions its tests name) from disk, reading only regular files inside
/// `within` (by default the spec's own folder). This is the way to read specs
/// that come from other people: a path outside the folder, a link out of it,
/// a file too large or not UTF-8 is reported when compiling (NS0311, NS0301,
/// NS0309), never read.
///
/// With `text`, the spec's own text is `text` (read from standard input,
/// say) and only the files it names are read from disk, under the same
/// rules and the same size limit; `path` then only names it (the folder of
/// `path` is where its `use`s are resolved from).
///
/// ```
/// let sources = netspec::read_spec("/no/such/folder/x.netspec", None, None, &netspec::CompileOptions::default());
/// let err = netspec::Spec::compile("/no/such/folder/x.netspec", &sources).unwrap_err();
/// assert_eq!(err.diagnostics[0].code.as_str(), "NS0311");
/// ```
#[cfg(feature = "compile")]
pub fn read_spec(
    path: &str,
    text: Option<String>,
    within: Option<&Path>,
    options: &CompileOptions,
) -> Sources {
    let mut read = disk_reader(path, text, within);
    netspec_core::check::gather_reading(path, &mut read, &options.limits, options.tests)
}

/// The reader [`read_spec`] and [`Spec::read`] share: files inside `within`
/// (or the spec's folder), and the spec itself from `text` when given.
#[cfg(feature = "compile")]
fn disk_reader(
    path: &str,
    text: Option<String>,
    within: Option<&Path>,
) -> impl FnMut(&str, usize) -> FileRead {
    let reader = match within {
        Some(dir) => ConfinedReader::new(dir),
        None => ConfinedReader::for_spec(Path::new(path)),
    };
    let root = netspec_core::source::normalize_path(path);
    let mut given = text;
    move |name: &str, left: usize| match given.take_if(|_| name == root) {
        Some(text) => FileRead::Text(text),
        None => reader.read(name, left),
    }
}

/// Collects a spec and every file it needs (`use`d files, and with
/// [`CompileOptions::tests`] the submissions its tests name) through `read`,
/// which the caller implements (from a bundle, a database, a map in memory):
/// it gets each name relative to the spec's folder, normalised. Files `read`
/// cannot supply are left out; compiling then reports them. `read` is handed
/// every path a spec names, `../../etc/passwd` included: to read from disk,
/// use [`read_spec`].
#[cfg(feature = "compile")]
pub fn gather_sources(
    root: &str,
    options: &CompileOptions,
    read: impl FnMut(&str) -> Option<String>,
) -> Sources {
    netspec_core::gather_sources_with(root, options, read)
}

/// Formats spec text, the file `name`, in the one house style (comments
/// and blank lines kept; formatting twice changes nothing). Text that does
/// not parse gives its parse errors, located in `name`
/// ([`crate::render::compile_error`] draws them). A file holding the line
/// `// netspec-fmt: skip` is returned unchanged.
#[cfg(feature = "compile")]
pub fn format(name: &str, text: &str) -> Result<String, CompileError> {
    if text
        .lines()
        .any(|l| l.trim() == netspec_core::format::SKIP_MARKER)
    {
        return Ok(text.to_string());
    }
    netspec_core::format_file(name, text)
}
