//! WebAssembly bindings of the netspec engine.
//!
//! This crate is the Rust half of the npm package `netspec`: the
//! `#[wasm_bindgen]` exports here are raw and string-based, and the thin
//! JavaScript wrapper (`js/core.js`, `index.js`, `web.js`) turns them into the
//! public API described by `index.d.ts`.
//!
//! Every structured value crosses the boundary as JSON text made by
//! `serde_json`, the same way the CLI's `--format json` makes it, so a report
//! is byte-for-byte what the native engine gives. A failure is thrown as a
//! JSON string ([`ErrorBody`]) that the wrapper turns into a `NetspecError`.
//! Nothing here panics on any input; should the engine ever panic, the panic
//! hook keeps the message so the wrapper can report it and reset the module.

use std::cell::RefCell;
use std::collections::BTreeMap;

use netspec::testing::{coverage, Coverage};
use netspec::vocab::Respondent;
use netspec::{
    Code, CompileOptions, Date, Diagnostic, EvalError, EvalOptions, Sources, Spec, TestResult,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The version of this package (the crate version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps the message of any panic for [`take_panic_message`]. Runs when the
/// module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        let _ = LAST_PANIC.try_with(|p| {
            if let Ok(mut slot) = p.try_borrow_mut() {
                *slot = Some(text);
            }
        });
    }));
}

/// The message of the last panic, if one happened since the last call.
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC
        .try_with(|p| p.try_borrow_mut().ok().and_then(|mut s| s.take()))
        .ok()
        .flatten()
}

/// Test hook: panics on purpose, so the JavaScript tests can check that the
/// wrapper recovers from a trap. Not part of the public API.
#[wasm_bindgen(js_name = __panicForTests)]
#[allow(clippy::panic)]
pub fn panic_for_tests(message: &str) {
    panic!("{message}");
}

/// What a failure looks like when it crosses the boundary (as JSON text).
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// `compile`, `submission` or `usage`.
    pub kind: &'static str,
    /// One line for people.
    pub message: String,
    /// Every diagnostic, in the engine's order.
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics drawn rustc-style against the spec's files.
    pub rendered: String,
    /// For a submission that is not JSON: the 1-based line and column of the
    /// JSON syntax error in the submission text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_position: Option<JsonPosition>,
}

/// A position in JSON text.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct JsonPosition {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl ErrorBody {
    fn usage(message: String) -> Self {
        ErrorBody {
            kind: "usage",
            message,
            diagnostics: Vec::new(),
            rendered: String::new(),
            json_position: None,
        }
    }

    /// The error as the JSON text thrown to JavaScript.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(
                "{{\"kind\":\"usage\",\"message\":{},\"diagnostics\":[],\"rendered\":\"\"}}",
                serde_json::Value::String(format!("cannot serialise an error: {e}"))
            )
        })
    }
}

fn thrown(e: ErrorBody) -> JsValue {
    JsValue::from_str(&e.to_json())
}

/// Serialises like the CLI: through `serde_json::Value` (keys sorted), compact or pretty.
pub fn to_json<T: Serialize>(value: &T, pretty: bool) -> Result<String, ErrorBody> {
    let v = serde_json::to_value(value)
        .map_err(|e| ErrorBody::usage(format!("cannot serialise the result: {e}")))?;
    let text = if pretty {
        serde_json::to_string_pretty(&v)
    } else {
        serde_json::to_string(&v)
    };
    text.map_err(|e| ErrorBody::usage(format!("cannot serialise the result: {e}")))
}

/// A compiled spec, and what it was compiled from.
#[derive(Debug)]
pub struct Compiled {
    /// The spec.
    pub spec: Spec,
    /// The spec's normalised file name.
    pub root: String,
    /// Every file given (the spec and `files`), for compiling the tests
    /// when they are run of a spec compiled without them.
    pub sources: Sources,
}

impl Compiled {
    /// The `given file` submissions of the spec's tests that were not
    /// supplied (none for a spec compiled with its tests).
    pub fn missing_test_files(&self) -> Vec<String> {
        if self.spec.compiled_with_tests() {
            return Vec::new();
        }
        let mut missing = Vec::new();
        let _ = netspec::gather_sources(&self.root, |n| {
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

    /// The spec with its tests: itself when compiled with them, else
    /// compiled again from the same files, tests included.
    pub fn with_tests(&self) -> Result<std::borrow::Cow<'_, Spec>, ErrorBody> {
        if self.spec.compiled_with_tests() {
            return Ok(std::borrow::Cow::Borrowed(&self.spec));
        }
        let missing = self.missing_test_files();
        if !missing.is_empty() {
            return Err(ErrorBody::usage(format!(
                "runTests: the spec was compiled with `tests: false` and without its test files ({}); \
                 compile it with them in `files` to run its tests",
                missing.join(", ")
            )));
        }
        Spec::compile(&self.root, &self.sources)
            .map(std::borrow::Cow::Owned)
            .map_err(compile_error)
    }
}

fn compile_error(e: netspec::CompileError) -> ErrorBody {
    ErrorBody {
        kind: "compile",
        message: e.to_string(),
        rendered: e.render(),
        diagnostics: e.diagnostics.clone(),
        json_position: None,
    }
}

/// Compiles `root` (named `name`) with the other files in `files_json`, a JSON
/// object mapping file names (relative to the root's folder) to their text.
///
/// With `tests = false` the spec is compiled for evaluation only
/// ([`CompileOptions::evaluation_only`]): its `test` blocks are not read, so
/// the `given file` submissions they name need not be supplied; running the
/// tests then compiles them from the same files ([`Compiled::with_tests`]).
pub fn compile_native(
    name: &str,
    root: &str,
    files_json: &str,
    tests: bool,
) -> Result<Compiled, ErrorBody> {
    let files: BTreeMap<String, String> = if files_json.trim().is_empty() {
        BTreeMap::new()
    } else {
        serde_json::from_str(files_json).map_err(|e| {
            ErrorBody::usage(format!("`files` must map file names to their text: {e}"))
        })?
    };
    let name = if name.trim().is_empty() {
        "spec.netspec"
    } else {
        name
    };
    let mut sources = Sources::new();
    for (n, text) in files {
        sources.insert(n, text);
    }
    sources.insert(name, root);
    let root_name = netspec::source::normalize_path(name);
    let options = if tests {
        CompileOptions::default()
    } else {
        CompileOptions::evaluation_only()
    };
    match Spec::compile_with_options(&root_name, &sources, &options) {
        Ok(spec) => Ok(Compiled {
            spec,
            root: root_name,
            sources,
        }),
        Err(e) => Err(compile_error(e)),
    }
}

/// Reads bytes given from JavaScript (a `Uint8Array`) as UTF-8 text, as the
/// CLI reads a file: text that is not UTF-8 is an NS0309 error naming the
/// first bad byte. `kind` is the error's kind (`compile` for a spec or a file
/// it uses, `submission` for a submission); `what` names the input in the
/// message.
pub fn decode_native(bytes: &[u8], kind: &str, what: &str) -> Result<String, ErrorBody> {
    match netspec::diagnostic::decode_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(d) => {
            let kind = if kind == "compile" {
                "compile"
            } else {
                "submission"
            };
            Err(ErrorBody {
                kind,
                message: format!("{what}: {d}"),
                rendered: format!("{what}:\n{d}"),
                diagnostics: vec![*d],
                json_position: None,
            })
        }
    }
}

/// [`decode_native`] for JavaScript: the text, or a thrown [`ErrorBody`].
#[wasm_bindgen(js_name = decodeUtf8)]
pub fn decode_utf8(bytes: &[u8], kind: &str, what: &str) -> Result<String, JsValue> {
    decode_native(bytes, kind, what).map_err(thrown)
}

/// Parses an `asOf` option.
pub fn parse_as_of(as_of: Option<&str>) -> Result<Option<Date>, ErrorBody> {
    match as_of {
        None => Ok(None),
        Some(text) => match Date::parse(text) {
            Some(d) => Ok(Some(d)),
            None => {
                let d = Diagnostic::error(
                    Code::AssessmentDate,
                    format!("`asOf` \"{text}\" is not a valid date"),
                )
                .with_help("write the assessment date as YYYY-MM-DD, e.g. 2025-06-30");
                Err(ErrorBody {
                    kind: "submission",
                    message: d.to_string(),
                    rendered: String::new(),
                    diagnostics: vec![d],
                    json_position: None,
                })
            }
        },
    }
}

/// Parses an `unattributed` option: `provider` or `network`; `None` (the
/// default) requires a header in every submission.
pub fn parse_unattributed(unattributed: Option<&str>) -> Result<Option<Respondent>, ErrorBody> {
    match unattributed {
        None => Ok(None),
        Some("provider") => Ok(Some(Respondent::Provider)),
        Some("network") => Ok(Some(Respondent::Network)),
        Some(other) => Err(ErrorBody::usage(format!(
            "`unattributed` must be \"provider\" or \"network\", got \"{other}\""
        ))),
    }
}

/// Evaluates a submission (JSON text) and returns the report as JSON text,
/// exactly as `netspec eval --format json` prints it when `pretty`.
/// `unattributed` (`provider` or `network`) accepts a submission without a
/// header, evaluated as from that respondent ([`EvalOptions::unattributed`]).
pub fn evaluate_native(
    spec: &Spec,
    submission: &str,
    as_of: Option<&str>,
    explanations: bool,
    pretty: bool,
    unattributed: Option<&str>,
) -> Result<String, ErrorBody> {
    let opts = EvalOptions {
        as_of: parse_as_of(as_of)?,
        explanations,
        unattributed: parse_unattributed(unattributed)?,
    };
    match spec.evaluate_str(submission, &opts) {
        Ok(report) => to_json(&report, pretty),
        Err(e) => {
            let diagnostics = e.diagnostics();
            let (message, json_position) = match &e {
                EvalError::Json(d) => (d.to_string(), json_error_position(submission)),
                EvalError::Invalid { .. } => (e.to_string(), None),
            };
            Err(ErrorBody {
                kind: "submission",
                message,
                rendered: spec.render(&diagnostics),
                diagnostics,
                json_position,
            })
        }
    }
}

/// Where JSON text stops being JSON (as the engine reads it: a leading BOM is skipped).
fn json_error_position(text: &str) -> Option<JsonPosition> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .err()
        .map(|e| JsonPosition {
            line: e.line(),
            column: e.column(),
        })
}

/// The result of running a spec's tests.
#[derive(Debug, Serialize)]
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

/// Runs the spec's `test` blocks.
pub fn run_tests_native(spec: &Spec) -> TestRun {
    let results = spec.run_tests();
    let coverage = coverage(spec, &results);
    let passed = results.iter().filter(|r| r.passed).count();
    TestRun {
        failed: results.len() - passed,
        passed,
        results,
        coverage,
    }
}

/// One diagnostic code, for `explain`.
#[derive(Debug, Serialize)]
pub struct CodeInfo {
    /// `NS0002`.
    pub code: &'static str,
    /// Short title.
    pub title: &'static str,
    /// Longer explanation with an example.
    pub explanation: &'static str,
}

fn code_info(c: Code) -> CodeInfo {
    CodeInfo {
        code: c.as_str(),
        title: c.title(),
        explanation: c.explanation(),
    }
}

/// The explanation of a diagnostic code (`NS0002`, case-insensitive) as JSON, if it exists.
#[wasm_bindgen(js_name = explainCode)]
pub fn explain_code(code: &str) -> Option<String> {
    Code::parse(code).and_then(|c| to_json(&code_info(c), false).ok())
}

/// Every diagnostic code with its title and explanation, as a JSON array.
#[wasm_bindgen(js_name = allCodes)]
pub fn all_codes() -> String {
    let all: Vec<CodeInfo> = Code::ALL.iter().copied().map(code_info).collect();
    to_json(&all, false).unwrap_or_else(|_| "[]".into())
}

/// A compiled spec (the raw handle the JavaScript `Spec` wraps).
#[wasm_bindgen(js_name = RawSpec)]
pub struct RawSpec {
    compiled: Compiled,
}

/// Compiles a spec. Throws an [`ErrorBody`] JSON string on failure.
#[wasm_bindgen(js_name = compileRaw)]
pub fn compile_raw(
    name: &str,
    root: &str,
    files_json: &str,
    tests: bool,
) -> Result<RawSpec, JsValue> {
    compile_native(name, root, files_json, tests)
        .map(|compiled| RawSpec { compiled })
        .map_err(thrown)
}

#[wasm_bindgen(js_class = RawSpec)]
impl RawSpec {
    /// Spec id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.compiled.spec.id().to_string()
    }

    /// Spec title.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> String {
        self.compiled.spec.title().to_string()
    }

    /// Spec version, if declared.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> Option<String> {
        self.compiled.spec.version().map(str::to_string)
    }

    /// Compilation warnings, as a JSON array of diagnostics.
    pub fn warnings(&self) -> Result<String, JsValue> {
        to_json(&self.compiled.spec.warnings(), false).map_err(thrown)
    }

    /// Evaluates a submission given as JSON text; returns the report as JSON text.
    /// `unattributed`: `provider` or `network` to accept a submission without a header.
    pub fn evaluate(
        &self,
        submission: &str,
        as_of: Option<String>,
        explanations: bool,
        pretty: bool,
        unattributed: Option<String>,
    ) -> Result<String, JsValue> {
        evaluate_native(
            &self.compiled.spec,
            submission,
            as_of.as_deref(),
            explanations,
            pretty,
            unattributed.as_deref(),
        )
        .map_err(thrown)
    }

    /// The form model (sections of questions), as JSON text.
    pub fn inputs(&self) -> Result<String, JsValue> {
        to_json(&self.compiled.spec.inputs(), false).map_err(thrown)
    }

    /// The JSON Schema of a valid submission, as JSON text.
    #[wasm_bindgen(js_name = jsonSchema)]
    pub fn json_schema(&self) -> Result<String, JsValue> {
        to_json(&self.compiled.spec.json_schema(), false).map_err(thrown)
    }

    /// Runs the spec's tests; returns results and coverage as JSON text.
    #[wasm_bindgen(js_name = runTests)]
    pub fn run_tests(&self) -> Result<String, JsValue> {
        let spec = self.compiled.with_tests().map_err(thrown)?;
        to_json(&run_tests_native(&spec), false).map_err(thrown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A complete submission header.
    const HEADER: &str = r#"{"respondent": "provider", "organisation": {"ods_code": "RRK", "name": "Eastmoor"},
        "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo Bloggs"}"#;

    #[test]
    fn compile_and_evaluate_natively() {
        let text = "spec demo \"Demo\" { version \"1\" }\n\
                    inputs { beds: int min 0 \"Beds\" }\n\
                    area resources { requirement R-1 must \"Some beds\" { beds > 0 } }\n";
        let spec = compile_native("demo.netspec", text, "{}", true).map_err(|e| e.message);
        assert!(spec.is_ok());
        if let Ok(spec) = spec {
            let spec = spec.spec;
            let with_header = format!(r#"{{"header": {HEADER}, "beds": 2}}"#);
            let report = evaluate_native(&spec, &with_header, None, true, false, None);
            assert!(report.is_ok_and(|r| r.contains("\"outcome\":\"met\"")
                && r.contains("\"ods_code\":\"RRK\"")
                && r.contains("\"respondent\":\"provider\"")));
            let bad = format!(r#"{{"header": {HEADER}, "beds": "x"}}"#);
            let bad = evaluate_native(&spec, &bad, None, true, false, None);
            assert!(bad.is_err_and(|e| e.kind == "submission" && !e.diagnostics.is_empty()));
            let date = evaluate_native(&spec, "{}", Some("2025-02-30"), true, false, None);
            assert!(date.is_err_and(|e| e.diagnostics[0].code == Code::AssessmentDate));
            // without a header: refused, unless evaluated as from a respondent
            let bare = evaluate_native(&spec, r#"{"beds": 2}"#, None, true, false, None);
            assert!(bare.is_err_and(|e| e.kind == "submission"
                && e.diagnostics
                    .first()
                    .is_some_and(|d| d.code == Code::MissingHeader)));
            let draft =
                evaluate_native(&spec, r#"{"beds": 2}"#, None, true, false, Some("network"));
            assert!(draft.is_ok_and(|r| r.contains("\"header\":null")
                && r.contains("\"respondent\":\"network\"")
                && r.contains("NS0217")));
            let who = evaluate_native(&spec, "{}", None, true, false, Some("everyone"));
            assert!(who.is_err_and(|e| e.kind == "usage" && e.message.contains("everyone")));
        }
    }

    #[test]
    fn unattributed_names_a_respondent() {
        assert!(parse_unattributed(None).is_ok_and(|r| r.is_none()));
        assert!(parse_unattributed(Some("provider")).is_ok_and(|r| r == Some(Respondent::Provider)));
        assert!(parse_unattributed(Some("network")).is_ok_and(|r| r == Some(Respondent::Network)));
        assert!(parse_unattributed(Some("Network")).is_err_and(|e| e.kind == "usage"));
    }

    #[test]
    fn compile_errors_carry_diagnostics() {
        let e = compile_native("x.netspec", "spec x", "", true);
        assert!(e
            .is_err_and(|e| e.kind == "compile"
                && e.diagnostics.first().is_some_and(|d| d.location.is_some())));
        let e = compile_native("x.netspec", "", "[1]", true);
        assert!(e.is_err_and(|e| e.kind == "usage"));
    }

    #[test]
    fn test_files_can_be_left_out() {
        let text = "spec demo \"Demo\" { version \"1\" }\n\
                    inputs { beds: int min 0 \"Beds\" }\n\
                    area resources { requirement R-1 must \"Some beds\" { beds > 0 } }\n\
                    test \"t\" { given file \"ex/a.json\" expect R-1 met }\n";
        assert!(compile_native("demo.netspec", text, "{}", true).is_err());
        let c = compile_native("demo.netspec", text, "{}", false);
        assert!(c.is_ok_and(|c| c.missing_test_files() == ["ex/a.json"]
            && c.with_tests()
                .is_err_and(|e| e.kind == "usage" && e.message.contains("ex/a.json"))));
        let c = compile_native(
            "demo.netspec",
            text,
            r#"{"ex/a.json": "{\"beds\": 1}"}"#,
            false,
        );
        assert!(c.is_ok_and(|c| !c.spec.compiled_with_tests()
            && c.missing_test_files().is_empty()
            && c.with_tests()
                .is_ok_and(|s| run_tests_native(&s).passed == 1)));
        // a test that does not check is not read for evaluation, and is an error when run
        let broken = text.replace("expect R-1 met", "expect R-1 sometimes");
        let c = compile_native("demo.netspec", &broken, r#"{"ex/a.json": "{}"}"#, false);
        assert!(c.is_ok_and(|c| c.with_tests().is_err_and(|e| e.kind == "compile")));
    }

    #[test]
    fn json_errors_have_a_position() {
        assert!(json_error_position("{\n  \"a\": 1,,\n}")
            .is_some_and(|p| p.line == 2 && p.column == 10));
        assert!(json_error_position("{}").is_none());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_ns0309() {
        assert!(decode_native("spec \u{e9}".as_bytes(), "compile", "x")
            .is_ok_and(|t| t == "spec \u{e9}"));
        let e = decode_native(b"{\"a\": \"\xff\"}", "submission", "the submission");
        assert!(e.is_err_and(|e| e.kind == "submission"
            && e.diagnostics
                .first()
                .is_some_and(|d| d.code == Code::NotUtf8)
            && e.message.starts_with("the submission: ")
            && e.message.contains("offset 7")));
        let e = decode_native(b"\xfe", "compile", "spec.netspec");
        assert!(e.is_err_and(|e| e.kind == "compile"));
    }

    #[test]
    fn codes_are_explained() {
        assert!(explain_code("ns0002").is_some_and(|t| t.contains("unknown name")));
        assert!(explain_code("NS9999").is_none());
        assert!(all_codes().contains("NS0209"));
    }
}
