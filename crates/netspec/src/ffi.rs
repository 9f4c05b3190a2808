//! The calls and answers every binding exchanges (feature `ffi`).
//!
//! A binding (the WebAssembly package, the HTTP service, the Python package)
//! takes a call as plain data, hands it to a function here and gives back
//! the answer: serde types, the same for every binding, so a report or an
//! error is byte for byte the same whichever way it was asked for. Nothing
//! here panics on any input.
//!
//! ```
//! use netspec::ffi::{compile, CompileCall, EvaluateCall};
//!
//! let call: CompileCall = serde_json::from_str(r#"{
//!   "name": "demo.netspec",
//!   "source": "spec demo \"Demo\" { version \"1\" }\ninputs { beds: int min 0 \"Beds\" }\narea resources { requirement R-1 must \"Some beds\" { beds > 0 } }\n"
//! }"#)?;
//! let spec = compile(&call).map_err(|f| f.message)?;
//! let eval: EvaluateCall = serde_json::from_str(r#"{"unattributed": "provider"}"#)?;
//! let report = spec.evaluate(r#"{"beds": 2}"#, &eval).map_err(|f| f.message)?;
//! assert!(report.contains(r#""outcome":"met""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "compile")]
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::form::Section;
use crate::render::Style;
#[cfg(feature = "compile")]
use crate::testing::{Coverage, TestResult};
#[cfg(feature = "compile")]
use crate::CompileOptions;
use crate::{Code, CompileError, Date, Diagnostic, EvalError, EvalOptions};
use crate::{Respondent, Sources, Spec};

#[cfg(feature = "ts")]
mod typescript;
#[cfg(feature = "ts")]
pub use typescript::{typescript_declarations, TYPESCRIPT_COMMAND};

/// Compile a spec: its text, and the files it uses (and the submissions its
/// tests name), by name relative to the spec's folder.
#[cfg(feature = "compile")]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct CompileCall {
    /// The spec's file name (default `spec.netspec`), as diagnostics name it.
    #[serde(default)]
    pub name: String,
    /// The spec's text.
    pub source: String,
    /// Every other file, by name.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Read the spec's `test` blocks (default `true`). Off, the submissions
    /// they name need not be given; running the tests then compiles them.
    #[serde(default = "yes")]
    pub tests: bool,
}

#[cfg(feature = "compile")]
impl CompileCall {
    /// A call to compile `source`, named `name`, with `files`, reading its tests.
    pub fn new(name: &str, source: &str, files: BTreeMap<String, String>) -> CompileCall {
        CompileCall {
            name: name.to_string(),
            source: source.to_string(),
            files,
            tests: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// How to evaluate a submission.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct EvaluateCall {
    /// The assessment date (`YYYY-MM-DD`); default the submission's period end.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Build explanations (default `true`).
    #[serde(default = "yes")]
    pub explanations: bool,
    /// Indent the report (default `false`: compact).
    #[serde(default)]
    pub pretty: bool,
    /// `provider` or `network`: accept a submission without a header, as
    /// from that respondent (default: a header is required).
    #[serde(default)]
    pub unattributed: Option<String>,
}

impl Default for EvaluateCall {
    fn default() -> Self {
        EvaluateCall {
            as_of: None,
            explanations: true,
            pretty: false,
            unattributed: None,
        }
    }
}

/// What kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FailureKind {
    /// The spec (or a file it uses) does not compile.
    Compile,
    /// The submission cannot be evaluated (not JSON, not valid, a bad date).
    Submission,
    /// The call itself is wrong (an unknown option value, bad `files`).
    Usage,
}

/// A call that failed, as every binding reports it.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Failure {
    /// What failed.
    pub kind: FailureKind,
    /// One line for people.
    pub message: String,
    /// Every diagnostic, in the engine's order.
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics drawn rustc-style against the spec's files.
    pub rendered: String,
    /// For a submission that is not JSON: where the JSON stops being JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub json_position: Option<JsonPosition>,
}

/// A position in JSON text: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JsonPosition {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Failure {
    /// A usage failure with `message`.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            kind: FailureKind::Usage,
            message: message.into(),
            diagnostics: Vec::new(),
            rendered: String::new(),
            json_position: None,
        }
    }

    /// The failure as JSON text (never fails).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(
                "{{\"kind\":\"usage\",\"message\":{},\"diagnostics\":[],\"rendered\":\"\"}}",
                serde_json::Value::String(format!("cannot serialise an error: {e}"))
            )
        })
    }

    /// The failure for a submission (`submission`, its bytes) that `spec`
    /// refused with `error`: its diagnostics, drawn against the spec, and
    /// for text that is not JSON where it stops being JSON.
    pub fn submission(spec: &Spec, submission: &[u8], error: &EvalError) -> Failure {
        let diagnostics = error.diagnostics();
        let (message, json_position) = match error {
            EvalError::Json(d) => (
                d.to_string(),
                std::str::from_utf8(submission)
                    .ok()
                    .and_then(json_error_position),
            ),
            EvalError::Invalid { .. } => (error.to_string(), None),
        };
        Failure {
            kind: FailureKind::Submission,
            message,
            rendered: crate::render::diagnostics(&diagnostics, Some(spec), Style::Plain),
            diagnostics,
            json_position,
        }
    }

    fn compile(e: CompileError) -> Failure {
        Failure {
            kind: FailureKind::Compile,
            message: e.to_string(),
            rendered: crate::render::compile_error(&e, Style::Plain),
            diagnostics: e.diagnostics,
            json_position: None,
        }
    }
}

/// `value` as JSON text, the way the CLI prints it: keys sorted, compact or
/// indented (byte for byte `serde_json::to_value` then `to_string` or
/// `to_string_pretty`, written without the `Value`).
pub fn to_json<T: Serialize>(value: &T, pretty: bool) -> Result<String, Failure> {
    netspec_core::sorted_json::to_string(value, pretty)
        .map_err(|e| Failure::usage(format!("cannot serialise the result: {e}")))
}

/// A report `spec` made as JSON text: what [`to_json`] writes (indented
/// when `pretty`), faster, by the spec's own writer
/// ([`Spec::write_report_json`]).
pub fn report_json(
    spec: &Spec,
    report: &crate::Report<'_>,
    pretty: bool,
) -> Result<String, Failure> {
    let mut out = Vec::with_capacity(16 << 10);
    spec.write_report_json(report, &mut out);
    netspec_core::sorted_json::finish(out, pretty)
        .map_err(|e| Failure::usage(format!("cannot serialise the result: {e}")))
}

/// A compiled spec, and what it was compiled from.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "compile"), allow(dead_code))]
pub struct Compiled {
    spec: Spec,
    root: String,
    sources: Sources,
}

/// Compiles a spec.
#[cfg(feature = "compile")]
pub fn compile(call: &CompileCall) -> Result<Compiled, Failure> {
    let name = if call.name.trim().is_empty() {
        "spec.netspec"
    } else {
        call.name.as_str()
    };
    let mut sources = Sources::new();
    for (n, text) in &call.files {
        sources.insert(n.clone(), text.clone());
    }
    sources.insert(name, call.source.clone());
    let root = netspec_core::source::normalize_path(name);
    let options = CompileOptions::default().with_tests(call.tests);
    match Spec::compile_with_options(&root, &sources, &options) {
        Ok(spec) => Ok(Compiled {
            spec,
            root,
            sources,
        }),
        Err(e) => Err(Failure::compile(e)),
    }
}

/// Checks a spec without keeping it: every diagnostic (errors and
/// warnings), for authoring tools. Reads no file: everything the spec uses
/// comes in the call.
#[cfg(feature = "compile")]
pub fn check(call: &CompileCall) -> Vec<Diagnostic> {
    match compile(call) {
        Ok(c) => c.spec.warnings().to_vec(),
        Err(f) => f.diagnostics,
    }
}

/// Formats spec text, the file `name` ([`crate::format`]).
#[cfg(feature = "compile")]
pub fn format(name: &str, source: &str) -> Result<String, Failure> {
    crate::format(name, source).map_err(Failure::compile)
}

/// One diagnostic code, explained.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CodeInfo {
    /// `NS0002`.
    #[cfg_attr(feature = "ts", ts(as = "Code"))]
    pub code: &'static str,
    /// Short title.
    pub title: &'static str,
    /// Longer explanation with an example.
    pub explanation: &'static str,
}

/// Every diagnostic code, explained, in code order; or the one `code` names
/// (`NS0002`, any case).
pub fn codes(code: Option<&str>) -> Vec<CodeInfo> {
    let info = |c: Code| CodeInfo {
        code: c.as_str(),
        title: c.title(),
        explanation: c.explanation(),
    };
    match code {
        Some(text) => Code::parse(text).map(info).into_iter().collect(),
        None => Code::ALL.iter().copied().map(info).collect(),
    }
}

/// Reads bytes as UTF-8 text, as the CLI reads a file: text that is not
/// UTF-8 is an NS0309 failure of `kind` naming the first bad byte; `what`
/// names the input in the message.
pub fn decode_utf8(bytes: &[u8], kind: FailureKind, what: &str) -> Result<String, Failure> {
    match netspec_core::diagnostic::decode_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(d) => Err(Failure {
            kind,
            message: format!("{what}: {d}"),
            rendered: format!("{what}:\n{d}"),
            diagnostics: vec![*d],
            json_position: None,
        }),
    }
}

/// The result of running a spec's tests.
#[cfg(feature = "compile")]
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TestRun {
    /// One result per `test` block.
    pub results: Vec<TestResult>,
    /// Which outcomes the tests produced for each requirement.
    pub coverage: Coverage,
    /// Tests whose expectations all held.
    pub passed: usize,
    /// The others.
    pub failed: usize,
}

fn parse_as_of(as_of: Option<&str>) -> Result<Option<Date>, Failure> {
    let Some(text) = as_of else {
        return Ok(None);
    };
    match Date::parse(text) {
        Some(d) => Ok(Some(d)),
        None => {
            let d = Diagnostic::error(
                Code::AssessmentDate,
                format!("`asOf` \"{text}\" is not a valid date"),
            )
            .with_help("write the assessment date as YYYY-MM-DD, e.g. 2025-06-30");
            Err(Failure {
                kind: FailureKind::Submission,
                message: d.to_string(),
                rendered: String::new(),
                diagnostics: vec![d],
                json_position: None,
            })
        }
    }
}

fn parse_unattributed(unattributed: Option<&str>) -> Result<Option<Respondent>, Failure> {
    match unattributed {
        None => Ok(None),
        Some("provider") => Ok(Some(Respondent::Provider)),
        Some("network") => Ok(Some(Respondent::Network)),
        Some(other) => Err(Failure::usage(format!(
            "`unattributed` must be \"provider\" or \"network\", got \"{other}\""
        ))),
    }
}

/// Where JSON text stops being JSON (a leading BOM is skipped, as the
/// engine skips it).
fn json_error_position(text: &str) -> Option<JsonPosition> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .err()
        .map(|e| JsonPosition {
            line: e.line(),
            column: e.column(),
        })
}

impl Compiled {
    /// A spec loaded from its compiled document ([`Spec::from_document`]);
    /// a document refused is a `compile` failure (NS0312). It has no tests
    /// to run.
    pub fn from_document(document: &str) -> Result<Compiled, Failure> {
        let spec = Spec::from_document(document).map_err(Failure::compile)?;
        Ok(Compiled {
            root: spec.id().to_string(),
            spec,
            sources: Sources::new(),
        })
    }

    /// The spec's compiled document ([`Spec::to_document`]).
    pub fn to_document(&self) -> String {
        self.spec.to_document()
    }

    /// The spec.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// Evaluates a submission (JSON text); the report as JSON text, exactly
    /// as `netspec eval --format json` prints it when `pretty`.
    pub fn evaluate(&self, submission: &str, call: &EvaluateCall) -> Result<String, Failure> {
        let opts = EvalOptions::default()
            .with_as_of(parse_as_of(call.as_of.as_deref())?)
            .with_explanations(call.explanations)
            .with_unattributed(parse_unattributed(call.unattributed.as_deref())?);
        match self.spec.evaluate_str(submission, &opts) {
            Ok(report) => report_json(&self.spec, &report, call.pretty),
            Err(e) => Err(Failure::submission(&self.spec, submission.as_bytes(), &e)),
        }
    }

    /// The form model.
    pub fn inputs(&self) -> Vec<Section> {
        self.spec.inputs()
    }

    /// The FHIR R4 `Questionnaire` of `respondent`'s questions (`provider`
    /// or `network`; `None`: provider), as JSON text as `netspec fhir
    /// questionnaire` prints it when `pretty`.
    pub fn fhir_questionnaire(
        &self,
        respondent: Option<&str>,
        pretty: bool,
    ) -> Result<String, Failure> {
        let who = match respondent {
            None | Some("provider") => Respondent::Provider,
            Some("network") => Respondent::Network,
            Some(other) => {
                return Err(Failure::usage(format!(
                    "`respondent` must be \"provider\" or \"network\", got \"{}\"",
                    crate::render::escape_controls(other)
                )))
            }
        };
        to_json(&self.spec.fhir_questionnaire(who), pretty)
    }

    /// A FHIR `QuestionnaireResponse` (JSON text) read as a submission (JSON
    /// text, as `netspec fhir response` prints it when `pretty`); refused
    /// as a submission is, every error with its FHIR path.
    pub fn fhir_to_submission(&self, response: &str, pretty: bool) -> Result<String, Failure> {
        match self.spec.submission_from_fhir_str(response) {
            Ok(c) => to_json(&c, pretty),
            Err(e) => Err(Failure::submission(&self.spec, response.as_bytes(), &e)),
        }
    }

    /// A submission (JSON text) as a FHIR `QuestionnaireResponse` (JSON
    /// text, as `netspec fhir response --reverse` prints it when `pretty`);
    /// `unattributed` (`provider` or `network`) answers for a submission
    /// without a header.
    pub fn submission_to_fhir(
        &self,
        submission: &str,
        unattributed: Option<&str>,
        pretty: bool,
    ) -> Result<String, Failure> {
        let who = parse_unattributed(unattributed)?;
        match self.spec.submission_to_fhir_str(submission, who) {
            Ok(v) => to_json(&v, pretty),
            Err(e) => Err(Failure::submission(&self.spec, submission.as_bytes(), &e)),
        }
    }

    /// The `given file` submissions of the spec's tests that were not
    /// supplied (none for a spec compiled with its tests).
    #[cfg(feature = "compile")]
    pub fn missing_test_files(&self) -> Vec<String> {
        if self.spec.compiled_with_tests() {
            return Vec::new();
        }
        let mut missing = Vec::new();
        let _ = netspec_core::gather_sources(&self.root, |n| {
            let text = self.sources.get(n).map(|t| t.to_string());
            if text.is_none() && !n.ends_with(".netspec") {
                missing.push(n.to_string());
            }
            text
        });
        missing.sort();
        missing.dedup();
        missing
    }

    /// Runs the spec's tests: compiled again with them when the spec was
    /// compiled without (then every submission they name must have been
    /// given).
    #[cfg(feature = "compile")]
    pub fn run_tests(&self) -> Result<TestRun, Failure> {
        let again;
        let spec = if self.spec.compiled_with_tests() {
            &self.spec
        } else {
            let missing = self.missing_test_files();
            if !missing.is_empty() {
                return Err(Failure::usage(format!(
                    "runTests: the spec was compiled with `tests: false` and without its test files ({}); \
                     compile it with them in `files` to run its tests",
                    missing.join(", ")
                )));
            }
            again = Spec::compile(&self.root, &self.sources).map_err(Failure::compile)?;
            &again
        };
        let results = spec.run_tests();
        let coverage = spec.coverage(&results);
        let passed = results.iter().filter(|r| r.passed).count();
        Ok(TestRun {
            failed: results.len() - passed,
            passed,
            results,
            coverage,
        })
    }
}

/// Evaluates one line of a batch (`netspec eval --batch`, the HTTP
/// service's evaluate-batch) and appends its output line, with its newline,
/// to `out`: the report as compact JSON ([`Spec::write_report_json`]) with
/// two more members at its end, `"line": N` and `"ods_code"` (the header's
/// organisation, or null), so that reports join back to their submissions;
/// or for a line that is not a valid submission `{"line": N, "ods_code":
/// ..., "diagnostics": [...]}` (the ODS code when the header can be read,
/// [`ods_code_of`]). `bytes` is what was kept of input line number `line` (its line
/// ending, `\n` or `\r\n`, may still be on it), `len` the whole line's
/// length less its line ending: a line cut short because it was over the
/// size limit is refused with its whole size (NS0305). Gives the report,
/// when there is one. Blank lines (JSON white space only) are the caller's
/// to skip: they have no output line.
pub fn batch_line<'s>(
    spec: &'s Spec,
    opts: &EvalOptions,
    line: u64,
    bytes: &[u8],
    len: usize,
    out: &mut Vec<u8>,
) -> Option<crate::Report<'s>> {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let result = if len > bytes.len() {
        Err(spec.too_large(len))
    } else {
        spec.evaluate_bytes(bytes, opts)
    };
    let report = match result {
        Ok(report) => {
            let at = out.len();
            spec.write_report_json(&report, out);
            // the report, then its line and its organisation
            if out.last() == Some(&b'}') && out.len() > at + 1 {
                out.pop();
                let ods = report.header.as_ref().map(|h| &h.organisation.ods_code);
                out.extend_from_slice(format!(",\"line\":{line},\"ods_code\":").as_bytes());
                if serde_json::to_writer(&mut *out, &ods).is_err() {
                    out.extend_from_slice(b"null");
                }
                out.push(b'}');
            }
            Some(report)
        }
        Err(e) => {
            let ods = ods_code_of(bytes);
            let v = serde_json::json!({ "line": line, "ods_code": ods, "diagnostics": e.diagnostics() });
            let at = out.len();
            if serde_json::to_writer(&mut *out, &v).is_err() {
                out.truncate(at);
            }
            None
        }
    };
    out.push(b'\n');
    report
}

/// The ODS code in a submission's header, read leniently from a submission
/// the engine refused (so that its error can still be joined back): only a
/// code of the shape of an ODS code, else `None`.
pub fn ods_code_of(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Org {
        ods_code: String,
    }
    #[derive(serde::Deserialize)]
    struct Head {
        organisation: Org,
    }
    #[derive(serde::Deserialize)]
    struct Sub {
        header: Head,
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let sub: Sub = serde_json::from_str(text).ok()?;
    let code = sub.header.organisation.ods_code;
    netspec_core::submission::is_ods_code(&code).then_some(code)
}

/// Whether a batch line is blank: JSON's white space only (a form feed is
/// not, and is NS0207). Blank lines have no output line.
pub fn blank_line(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;

    /// A complete submission header.
    const HEADER: &str = r#"{"respondent": "provider", "organisation": {"ods_code": "RRK", "name": "Eastmoor"},
        "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo Bloggs"}"#;

    const DEMO: &str = "spec demo \"Demo\" { version \"1\" }\n\
                        inputs { beds: int min 0 \"Beds\" }\n\
                        area resources { requirement R-1 must \"Some beds\" { beds > 0 ref \"Standard 1\" } }\n";

    fn call(source: &str, files: &[(&str, &str)], tests: bool) -> CompileCall {
        let files = files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        CompileCall {
            tests,
            ..CompileCall::new("demo.netspec", source, files)
        }
    }

    fn eval(unattributed: Option<&str>, as_of: Option<&str>) -> EvaluateCall {
        EvaluateCall {
            as_of: as_of.map(str::to_string),
            unattributed: unattributed.map(str::to_string),
            ..EvaluateCall::default()
        }
    }

    #[test]
    fn compile_and_evaluate() {
        let spec = compile(&call(DEMO, &[], true));
        assert!(spec.is_ok());
        let Ok(spec) = spec else { return };
        let with_header = format!(r#"{{"header": {HEADER}, "beds": 2}}"#);
        let report = spec.evaluate(&with_header, &eval(None, None));
        assert!(report.is_ok_and(|r| r.contains("\"outcome\":\"met\"")
            && r.contains("\"ods_code\":\"RRK\"")
            && r.contains("\"respondent\":\"provider\"")));
        let bad = format!(r#"{{"header": {HEADER}, "beds": "x"}}"#);
        let bad = spec.evaluate(&bad, &eval(None, None));
        assert!(bad.is_err_and(|e| e.kind == FailureKind::Submission
            && !e.diagnostics.is_empty()
            && e.rendered.contains("/beds")));
        let date = spec.evaluate("{}", &eval(None, Some("2025-02-30")));
        assert!(date.is_err_and(|e| e.diagnostics[0].code == Code::AssessmentDate));
        // without a header: refused, unless evaluated as from a respondent
        let bare = spec.evaluate(r#"{"beds": 2}"#, &eval(None, None));
        assert!(bare.is_err_and(|e| e.kind == FailureKind::Submission
            && e.diagnostics
                .first()
                .is_some_and(|d| d.code == Code::MissingHeader)));
        let draft = spec.evaluate(r#"{"beds": 2}"#, &eval(Some("network"), None));
        assert!(draft.is_ok_and(|r| r.contains("\"header\":null")
            && r.contains("\"respondent\":\"network\"")
            && r.contains("NS0217")));
        let who = spec.evaluate("{}", &eval(Some("everyone"), None));
        assert!(who.is_err_and(|e| e.kind == FailureKind::Usage && e.message.contains("everyone")));
        let not_json = spec.evaluate("{\n  \"a\": 1,,\n}", &eval(None, None));
        assert!(not_json.is_err_and(|e| e.json_position
            == Some(JsonPosition {
                line: 2,
                column: 10
            })));
    }

    /// A report's text from `evaluate` is what `netspec eval --format json`
    /// prints (through a `serde_json::Value`), compact and indented, for
    /// every example of the adult critical care spec, explained and not.
    #[test]
    fn reports_are_written_as_the_cli_prints_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
        let files = [(
            "common/network_governance.netspec",
            read("common/network_governance.netspec"),
        )];
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let spec = compile(&call(&read("adult_critical_care.netspec"), &files, false));
        assert!(spec.is_ok());
        let Ok(spec) = spec else { return };
        let mut seen = 0;
        for example in [
            "compliant",
            "partly_compliant",
            "non_compliant",
            "half_filled",
        ] {
            let text = read(&format!("examples/adult_critical_care/{example}.json"));
            for (explanations, pretty) in [(true, false), (true, true), (false, false)] {
                let mut how = eval(None, None);
                how.explanations = explanations;
                how.pretty = pretty;
                let opts = EvalOptions::default().with_explanations(explanations);
                let report = spec.spec().evaluate_str(&text, &opts);
                assert!(report.is_ok(), "{example} is not evaluated");
                let Ok(report) = report else { return };
                let value = serde_json::to_value(&report).unwrap_or_default();
                let want = if pretty {
                    serde_json::to_string_pretty(&value)
                } else {
                    serde_json::to_string(&value)
                };
                assert_eq!(spec.evaluate(&text, &how).ok(), want.ok(), "{example}");
                seen += 1;
            }
        }
        assert_eq!(seen, 12);
    }

    #[test]
    fn calls_are_read_from_json() {
        let c: Result<CompileCall, _> = serde_json::from_str(r#"{"source": "x", "tests": false}"#);
        assert!(c.is_ok_and(|c| c.name.is_empty() && !c.tests && c.files.is_empty()));
        let c: Result<CompileCall, _> = serde_json::from_str(r#"{"source": "x", "test": false}"#);
        assert!(c.is_err_and(|e| e.to_string().contains("unknown field `test`")));
        let e: Result<EvaluateCall, _> = serde_json::from_str(r#"{"asOf": "2025-01-01"}"#);
        assert!(e.is_ok_and(|e| e.as_of.as_deref() == Some("2025-01-01") && e.explanations));
    }

    #[test]
    fn compile_failures_carry_located_diagnostics() {
        let e = compile(&call("spec x", &[], true));
        assert!(e.is_err_and(|e| e.kind == FailureKind::Compile
            && e.diagnostics.first().is_some_and(|d| d.location.is_some())
            && e.rendered.contains("demo.netspec")));
        let diags = check(&call("spec x", &[], true));
        assert!(diags.first().is_some_and(|d| d.is_error()));
        assert!(check(&call(DEMO, &[], true)).is_empty());
    }

    #[test]
    fn test_files_can_be_left_out() {
        let text = format!("{DEMO}test \"t\" {{ given file \"ex/a.json\" expect R-1 met }}\n");
        assert!(compile(&call(&text, &[], true)).is_err());
        let c = compile(&call(&text, &[], false));
        assert!(c.is_ok_and(|c| c.missing_test_files() == ["ex/a.json"]
            && c.run_tests()
                .is_err_and(|e| e.kind == FailureKind::Usage && e.message.contains("ex/a.json"))));
        let c = compile(&call(&text, &[("ex/a.json", r#"{"beds": 1}"#)], false));
        assert!(c.is_ok_and(|c| !c.spec().compiled_with_tests()
            && c.missing_test_files().is_empty()
            && c.run_tests().is_ok_and(|r| r.passed == 1 && r.failed == 0)));
        // a test that does not check is not read for evaluation, and fails to compile when run
        let broken = text.replace("expect R-1 met", "expect R-1 sometimes");
        let c = compile(&call(&broken, &[("ex/a.json", "{}")], false));
        assert!(c.is_ok_and(|c| c.run_tests().is_err_and(|e| e.kind == FailureKind::Compile)));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_ns0309() {
        assert!(
            decode_utf8("spec \u{e9}".as_bytes(), FailureKind::Compile, "x")
                .is_ok_and(|t| t == "spec \u{e9}")
        );
        let e = decode_utf8(
            b"{\"a\": \"\xff\"}",
            FailureKind::Submission,
            "the submission",
        );
        assert!(e.is_err_and(|e| e.kind == FailureKind::Submission
            && e.diagnostics
                .first()
                .is_some_and(|d| d.code == Code::NotUtf8)
            && e.message.starts_with("the submission: ")
            && e.message.contains("offset 7")));
    }

    #[test]
    fn batch_lines_give_a_report_or_the_line_and_its_diagnostics() {
        let c = compile(&call(DEMO, &[], true));
        assert!(c.is_ok());
        let Ok(c) = c else { return };
        let spec = c.spec();
        let opts = EvalOptions::default();
        let sub = format!(r#"{{"header": {HEADER}, "beds": 2}}"#).replace('\n', " ");
        let mut out = Vec::new();
        let line = format!("{sub}\r\n");
        let report = batch_line(spec, &opts, 1, line.as_bytes(), sub.len(), &mut out);
        assert!(report.is_some_and(|r| r.requirements.len() == 1));
        let mut want = Vec::new();
        if let Ok(r) = spec.evaluate_str(&sub, &opts) {
            spec.write_report_json(&r, &mut want);
        }
        // the report, its last brace moved after the line and the header's ODS code
        assert_eq!(want.pop(), Some(b'}'));
        want.extend_from_slice(b",\"line\":1,\"ods_code\":\"RRK\"}\n");
        assert!(want.len() > 100);
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&want)
        );
        // not JSON: the line number and the diagnostics, on one line
        out.clear();
        assert!(batch_line(spec, &opts, 7, b"{,}\n", 3, &mut out).is_none());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
        assert_eq!(v["line"], 7);
        assert_eq!(v["ods_code"], serde_json::Value::Null);
        assert_eq!(v["diagnostics"][0]["code"], "NS0207");
        // refused, but its header can be read: the ODS code joins it back
        out.clear();
        let bad = format!(r#"{{"header": {HEADER}, "beds": "two"}}"#).replace('\n', " ");
        assert!(batch_line(spec, &opts, 3, bad.as_bytes(), bad.len(), &mut out).is_none());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
        assert_eq!(
            (v["line"].as_u64(), v["ods_code"].as_str()),
            (Some(3), Some("RRK"))
        );
        assert_eq!(v["diagnostics"][0]["code"], "NS0201");
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        // cut short: refused with its whole size
        out.clear();
        assert!(batch_line(spec, &opts, 2, b"{\"be", 1_000_000_000, &mut out).is_none());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
        assert_eq!(v["diagnostics"][0]["code"], "NS0305");
        assert!(blank_line(b" \t\r\n") && blank_line(b"") && !blank_line(b"\x0c"));
    }

    #[test]
    fn a_refused_submission_is_a_submission_failure() {
        let c = compile(&call(DEMO, &[], true));
        assert!(c.is_ok());
        let Ok(c) = c else { return };
        let spec = c.spec();
        let text = b"{\n  \"a\": 1,,\n}";
        let e = spec.evaluate_bytes(text, &EvalOptions::default());
        assert!(e.is_err());
        let Err(e) = e else { return };
        let f = Failure::submission(spec, text, &e);
        assert_eq!(f.kind, FailureKind::Submission);
        assert_eq!(
            f.json_position,
            Some(JsonPosition {
                line: 2,
                column: 10
            })
        );
        assert_eq!(f.diagnostics[0].code, Code::SubmissionJson);
    }

    #[test]
    fn codes_are_explained() {
        assert!(codes(Some("ns0002"))
            .first()
            .is_some_and(|c| c.code == "NS0002" && c.title.contains("unknown name")));
        assert!(codes(Some("NS9999")).is_empty());
        assert_eq!(codes(None).len(), Code::ALL.len());
    }

    #[test]
    fn formatting_gives_the_house_style_or_the_parse_errors() {
        assert!(
            format("demo.netspec", "spec demo \"Demo\"   { version \"1\" }\n")
                .is_ok_and(|t| t == "spec demo \"Demo\" { version \"1\" }\n")
        );
        assert!(
            format("demo.netspec", "spec {").is_err_and(|f| f.kind == FailureKind::Compile
                && f.diagnostics.first().is_some_and(|d| d.is_error()))
        );
    }
}
