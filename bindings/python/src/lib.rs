//! Python bindings of the netspec engine: the extension module
//! `netspec._netspec`, glue between Python and the `netspec` facade.
//!
//! This crate is the Rust half of the Python package `netspec`: the classes
//! here are raw (`RawSpec`, `RawReport`; typed in
//! `python/netspec/_netspec.pyi`), and the pure-Python package
//! (`python/netspec/__init__.py`, type hints inline) turns them into the
//! public API. A failure is raised as `_Failure` whose one argument is the
//! JSON text of the failure (the shape of [`netspec::ffi::Failure`]); the
//! package raises it again as `CompileError`, `SubmissionError` or
//! `UsageError`.
//!
//! Evaluation releases the GIL: a report is made while other Python threads
//! run, and `evaluate_many` spreads submissions over several threads.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use netspec::ffi::{self, CompileCall, FailureKind};
use netspec::render::{self, Style};
use netspec::{
    Code, CompileError, CompileOptions, Date, Diagnostic, EvalError, EvalOptions, Report,
    Respondent, Spec,
};
use pyo3::exceptions::{PyException, PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyByteArray, PyBytes, PyString};
use serde::Serialize;

pyo3::create_exception!(
    _netspec,
    _Failure,
    PyException,
    "A failed call: its one argument is the failure as JSON text."
);

self_cell::self_cell!(
    /// A report kept together with the (cheaply cloned) spec whose texts it
    /// borrows: no copy of the spec's texts per report.
    struct OwnedReport {
        owner: Spec,
        #[covariant]
        dependent: Report,
    }
);

/// Threads `evaluate_many` uses at most, whatever it is asked for.
const MAX_THREADS: usize = 256;

/// Where JSON text stops being JSON.
#[derive(Debug, Clone, Copy, Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
}

/// A failure, in the JSON shape of [`netspec::ffi::Failure`].
#[derive(Debug, Serialize)]
struct Problem {
    kind: &'static str,
    message: String,
    diagnostics: Vec<Diagnostic>,
    rendered: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    json_position: Option<JsonPosition>,
}

impl Problem {
    fn usage(message: String) -> Problem {
        Problem {
            kind: "usage",
            message,
            diagnostics: Vec::new(),
            rendered: String::new(),
            json_position: None,
        }
    }

    fn compile(e: &CompileError) -> Problem {
        Problem {
            kind: "compile",
            message: e.to_string(),
            rendered: render::compile_error(e, Style::Plain),
            diagnostics: e.diagnostics.clone(),
            json_position: None,
        }
    }

    fn from_ffi(f: ffi::Failure) -> Problem {
        Problem {
            kind: match f.kind {
                FailureKind::Compile => "compile",
                FailureKind::Submission => "submission",
                _ => "usage",
            },
            message: f.message,
            diagnostics: f.diagnostics,
            rendered: f.rendered,
            json_position: f.json_position.map(|p| JsonPosition {
                line: p.line,
                column: p.column,
            }),
        }
    }

    /// A submission the spec refused (`submission`, its bytes): as the
    /// other bindings say it ([`ffi::Failure::submission`]).
    fn submission(spec: &Spec, e: &EvalError, submission: &[u8]) -> Problem {
        Problem::from_ffi(ffi::Failure::submission(spec, submission, e))
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(
                "{{\"kind\":\"usage\",\"message\":{},\"diagnostics\":[],\"rendered\":\"\"}}",
                serde_json::Value::String(format!("cannot serialise an error: {e}"))
            )
        })
    }

    fn raise(&self) -> PyErr {
        _Failure::new_err(self.to_json())
    }
}

/// Spec text or a submission as Python gave it: `str` or bytes (read as
/// UTF-8 by the engine).
enum Input {
    Text(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl Input {
    fn from_py(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Input> {
        if let Ok(s) = value.cast::<PyString>() {
            return Ok(Input::Text(PyBackedStr::try_from(s.clone())?));
        }
        if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>() {
            return Ok(Input::Bytes(value.extract::<PyBackedBytes>()?));
        }
        Err(PyTypeError::new_err(format!(
            "{what} must be str or bytes, not {}",
            value.get_type().name()?
        )))
    }

    /// The text, or the NS0309 failure of `kind` for bytes that are not UTF-8.
    fn text(&self, kind: FailureKind, what: &str) -> Result<String, Problem> {
        match self {
            Input::Text(s) => Ok(s.to_string()),
            Input::Bytes(b) => ffi::decode_utf8(b, kind, what).map_err(Problem::from_ffi),
        }
    }
}

/// The options of one evaluation, or the failure of a bad date or respondent.
fn eval_options(
    as_of: Option<&str>,
    explanations: bool,
    unattributed: Option<&str>,
) -> Result<EvalOptions, Problem> {
    let as_of = match as_of {
        None => None,
        Some(text) => match Date::parse(text) {
            Some(d) => Some(d),
            None => {
                let d = Diagnostic::error(
                    Code::AssessmentDate,
                    format!("`as_of` \"{text}\" is not a valid date"),
                )
                .with_help("write the assessment date as YYYY-MM-DD, e.g. 2025-06-30");
                return Err(Problem {
                    kind: "submission",
                    message: d.to_string(),
                    rendered: String::new(),
                    diagnostics: vec![d],
                    json_position: None,
                });
            }
        },
    };
    let unattributed = match unattributed {
        None => None,
        Some("provider") => Some(Respondent::Provider),
        Some("network") => Some(Respondent::Network),
        Some(other) => {
            return Err(Problem::usage(format!(
                "`unattributed` must be \"provider\" or \"network\", got \"{other}\""
            )))
        }
    };
    Ok(EvalOptions::default()
        .with_as_of(as_of)
        .with_explanations(explanations)
        .with_unattributed(unattributed))
}

/// Evaluates one submission (no Python object is touched: runs without the GIL).
fn evaluate_one(spec: &Spec, input: &Input, opts: &EvalOptions) -> Result<OwnedReport, Problem> {
    match input {
        Input::Text(text) => {
            let text: &str = text;
            OwnedReport::try_new(spec.clone(), |s| s.evaluate_str(text, opts))
                .map_err(|e| Problem::submission(spec, &e, text.as_bytes()))
        }
        Input::Bytes(bytes) => {
            let bytes: &[u8] = bytes;
            OwnedReport::try_new(spec.clone(), |s| s.evaluate_bytes(bytes, opts))
                .map_err(|e| Problem::submission(spec, &e, bytes))
        }
    }
}

/// A compiled spec.
#[pyclass(frozen, module = "netspec._netspec")]
struct RawSpec {
    spec: Spec,
}

#[pymethods]
impl RawSpec {
    /// Reads the spec at `path` and the files it uses, only inside `root`
    /// (default: the spec's folder), and compiles it.
    #[staticmethod]
    #[pyo3(signature = (path, root = None, tests = false))]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        root: Option<PathBuf>,
        tests: bool,
    ) -> PyResult<RawSpec> {
        let Some(name) = path.to_str().map(str::to_string) else {
            return Err(Problem::usage(format!(
                "the spec's path is not UTF-8: {}",
                path.to_string_lossy()
            ))
            .raise());
        };
        let options = if tests {
            CompileOptions::default()
        } else {
            CompileOptions::evaluation_only()
        };
        let compiled = py.detach(|| {
            let sources = netspec::read_spec(&name, None, root.as_deref(), &options);
            Spec::compile_with_options(&name, &sources, &options)
        });
        match compiled {
            Ok(spec) => Ok(RawSpec { spec }),
            Err(e) => Err(Problem::compile(&e).raise()),
        }
    }

    /// Compiles spec text (`str` or UTF-8 bytes) named `name`, with the
    /// files it uses in `files` (names relative to the spec's folder).
    #[staticmethod]
    #[pyo3(signature = (source, files = None, name = "spec.netspec", tests = false))]
    fn compile(
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
        files: Option<BTreeMap<String, Bound<'_, PyAny>>>,
        name: &str,
        tests: bool,
    ) -> PyResult<RawSpec> {
        let source = Input::from_py(source, "source")?;
        let mut texts = BTreeMap::new();
        for (file, text) in files.unwrap_or_default() {
            let what = format!("files[{file:?}]");
            let input = Input::from_py(&text, &what)?;
            let text = input
                .text(FailureKind::Compile, &file)
                .map_err(|p| p.raise())?;
            texts.insert(file, text);
        }
        let source = source
            .text(FailureKind::Compile, name)
            .map_err(|p| p.raise())?;
        let mut call = CompileCall::new(name, &source, texts);
        call.tests = tests;
        match py.detach(|| ffi::compile(&call)) {
            Ok(compiled) => Ok(RawSpec {
                spec: compiled.spec().clone(),
            }),
            Err(f) => Err(Problem::from_ffi(f).raise()),
        }
    }

    #[getter]
    fn id(&self) -> &str {
        self.spec.id()
    }

    #[getter]
    fn title(&self) -> &str {
        self.spec.title()
    }

    #[getter]
    fn version(&self) -> Option<&str> {
        self.spec.version()
    }

    /// The ids of the spec's requirements, in report order.
    fn requirement_ids(&self) -> Vec<String> {
        self.spec.requirement_ids().map(str::to_string).collect()
    }

    /// The warnings found while compiling, as a JSON array.
    fn warnings_json(&self) -> PyResult<String> {
        json_of(&self.spec.warnings())
    }

    /// The form model, as JSON.
    fn inputs_json(&self) -> PyResult<String> {
        json_of(&self.spec.inputs())
    }

    /// The JSON Schema of a valid submission, as JSON.
    fn json_schema_json(&self) -> PyResult<String> {
        json_of(&self.spec.json_schema())
    }

    /// Evaluates one submission (`str` or bytes) without the GIL.
    #[pyo3(signature = (submission, as_of = None, explanations = true, unattributed = None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        submission: &Bound<'_, PyAny>,
        as_of: Option<&str>,
        explanations: bool,
        unattributed: Option<&str>,
    ) -> PyResult<RawReport> {
        let input = Input::from_py(submission, "the submission")?;
        let opts = eval_options(as_of, explanations, unattributed).map_err(|p| p.raise())?;
        let spec = &self.spec;
        match py.detach(|| evaluate_one(spec, &input, &opts)) {
            Ok(report) => Ok(RawReport { report }),
            Err(p) => Err(p.raise()),
        }
    }

    /// Evaluates every submission (`str` or bytes) on up to `threads`
    /// threads (default: one per core) without the GIL; in input order, a
    /// `RawReport` or the failure's JSON text for each.
    #[pyo3(signature = (submissions, threads = None, as_of = None, explanations = true, unattributed = None))]
    fn evaluate_many(
        &self,
        py: Python<'_>,
        submissions: Vec<Bound<'_, PyAny>>,
        threads: Option<usize>,
        as_of: Option<&str>,
        explanations: bool,
        unattributed: Option<&str>,
    ) -> PyResult<Vec<Py<PyAny>>> {
        let inputs = submissions
            .iter()
            .enumerate()
            .map(|(i, s)| Input::from_py(s, &format!("submission {i}")))
            .collect::<PyResult<Vec<_>>>()?;
        drop(submissions);
        let opts = eval_options(as_of, explanations, unattributed).map_err(|p| p.raise())?;
        let threads = threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .clamp(1, MAX_THREADS);
        let spec = &self.spec;
        let results = py.detach(|| run_all(&inputs, |i| evaluate_one(spec, i, &opts), threads));
        results
            .into_iter()
            .map(|r| match r {
                Some(Ok(report)) => Ok(Py::new(py, RawReport { report })?.into_any()),
                Some(Err(p)) => Ok(PyString::new(py, &p.to_json()).into_any().unbind()),
                None => Ok(PyString::new(
                    py,
                    &Problem::usage("the submission was not evaluated".into()).to_json(),
                )
                .into_any()
                .unbind()),
            })
            .collect()
    }
}

/// Runs `f` on every item on `threads` threads (the calling one among
/// them), each taking the next item not yet taken; the results in input
/// order. A thread that cannot be started leaves its share to the others.
fn run_all<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    threads: usize,
) -> Vec<Option<R>> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            mine.push((i, f(item)));
        }
        if let Ok(mut all) = done.lock() {
            all.extend(mine);
        }
    };
    let helpers = threads.min(items.len()).saturating_sub(1);
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            if std::thread::Builder::new()
                .name("netspec-eval".into())
                .spawn_scoped(scope, work)
                .is_err()
            {
                break;
            }
        }
        work();
    });
    let mut ordered: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let all = done.into_inner().unwrap_or_else(|e| e.into_inner());
    for (i, r) in all {
        if let Some(slot) = ordered.get_mut(i) {
            *slot = Some(r);
        }
    }
    ordered
}

fn json_of<T: Serialize>(value: &T) -> PyResult<String> {
    ffi::to_json(value, false).map_err(|f| Problem::from_ffi(f).raise())
}

/// A report.
#[pyclass(frozen, module = "netspec._netspec")]
struct RawReport {
    report: OwnedReport,
}

#[pymethods]
impl RawReport {
    /// The report as JSON text, as the CLI prints it: indented with sorted
    /// keys as `netspec eval --format json` (`pretty`), else one line as
    /// `netspec eval --batch` writes it, less the `line` and `ods_code`
    /// members a batch line ends with; either ends with a newline.
    #[pyo3(signature = (pretty = true))]
    fn to_json(&self, py: Python<'_>, pretty: bool) -> PyResult<String> {
        let report = &self.report;
        py.detach(|| {
            ffi::report_json(report.borrow_owner(), report.borrow_dependent(), pretty).map(
                |mut text| {
                    text.push('\n');
                    text
                },
            )
        })
        .map_err(|f| Problem::from_ffi(f).raise())
    }

    /// One top-level field of the report as compact JSON (`overall`,
    /// `areas`, `requirements`, `warnings`, `header`, `spec`, `respondent`,
    /// `assessed_on`, `report_format`, `engine_version`): the typed view
    /// reads only the parts asked for.
    fn part_json(&self, name: &str) -> PyResult<String> {
        let r = self.report.borrow_dependent();
        let text = match name {
            "overall" => serde_json::to_string(&r.overall),
            "areas" => serde_json::to_string(&r.areas),
            "requirements" => serde_json::to_string(&r.requirements),
            "warnings" => serde_json::to_string(&r.warnings),
            "header" => serde_json::to_string(&r.header),
            "spec" => serde_json::to_string(&r.spec),
            "respondent" => serde_json::to_string(&r.respondent),
            "assessed_on" => serde_json::to_string(&r.assessed_on),
            "report_format" => serde_json::to_string(&r.report_format),
            "engine_version" => serde_json::to_string(&r.engine_version),
            _ => return Err(PyKeyError::new_err(format!("no part `{name}` in a report"))),
        };
        text.map_err(|e| Problem::usage(format!("cannot serialise the report: {e}")).raise())
    }

    /// The overall rating (`green`, `amber`, `red`, `incomplete`).
    #[getter]
    fn overall_rating(&self) -> &'static str {
        self.report.borrow_dependent().overall.rating.as_str()
    }
}

/// The version of the engine (the crate version).
#[pyfunction]
fn engine_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Every diagnostic code with its title and explanation, or the one `code`
/// names, as JSON.
#[pyfunction]
#[pyo3(signature = (code = None))]
fn codes_json(code: Option<&str>) -> PyResult<String> {
    json_of(&ffi::codes(code))
}

/// For the benchmark (`bench/bench.py`): evaluates every submission
/// `repeat` times in Rust, no Python object touched, one after another or
/// (with `threads`) as `evaluate_many` spreads them; the seconds it took.
/// The native cost a Python call is set against, measured in the same
/// process.
#[pyfunction]
#[pyo3(signature = (spec, submissions, repeat, explanations = true, threads = None))]
fn _time_native(
    py: Python<'_>,
    spec: PyRef<'_, RawSpec>,
    submissions: Vec<String>,
    repeat: u64,
    explanations: bool,
    threads: Option<usize>,
) -> PyResult<f64> {
    let opts = eval_options(None, explanations, None).map_err(|p| p.raise())?;
    let spec = &spec.spec;
    py.detach(|| {
        let start = std::time::Instant::now();
        for _ in 0..repeat {
            match threads {
                None => {
                    for text in &submissions {
                        let report = spec.evaluate_str(text, &opts);
                        std::hint::black_box(&report);
                    }
                }
                Some(n) => {
                    let results = run_all(
                        &submissions,
                        |text| spec.evaluate_str(text, &opts).is_ok(),
                        n.clamp(1, MAX_THREADS),
                    );
                    std::hint::black_box(&results);
                }
            }
        }
        Ok(start.elapsed().as_secs_f64())
    })
}

#[pymodule]
fn _netspec(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RawSpec>()?;
    m.add_class::<RawReport>()?;
    m.add("_Failure", m.py().get_type::<_Failure>())?;
    m.add_function(wrap_pyfunction!(engine_version, m)?)?;
    m.add_function(wrap_pyfunction!(codes_json, m)?)?;
    m.add_function(wrap_pyfunction!(_time_native, m)?)?;
    Ok(())
}
