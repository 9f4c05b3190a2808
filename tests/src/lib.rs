//! Shared helpers for the conformance corpus and end-to-end tests.
//!
//! The conformance corpus lives in `tests/conformance/<group>/`: one case is a
//! pair `NAME.netspec` + `NAME.json` (the format is documented in
//! `tests/conformance/README.md`). [`discover`] finds the cases, [`run_case`]
//! compiles and evaluates one through the engine and compares the result with
//! the case's expectations, returning every mismatch as a readable line.
//!
//! Everything is compared on the JSON form of the engine's output (the
//! serialised [`netspec::Report`] and [`netspec::Diagnostic`]s), so a harness
//! in another language (the JavaScript one for the WebAssembly build) can
//! follow the same rules.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use netspec::render::{self, Style};
use netspec::{EvalOptions, Spec};
use serde::Deserialize;
use serde_json::Value as Json;

/// The outcomes a requirement can have.
pub const OUTCOMES: [&str; 4] = ["met", "not_met", "not_applicable", "incomplete"];
/// The ratings an area or the whole spec can have.
pub const RATINGS: [&str; 4] = ["green", "amber", "red", "incomplete"];
/// The seven functional areas.
pub const AREAS: [&str; 7] = [
    "service_delivery",
    "resources",
    "workforce",
    "quality",
    "collaboration",
    "transformation",
    "population_health",
];

/// The folder holding the corpus: `tests/conformance`.
pub fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

/// One case file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// What the case pins down.
    pub description: String,
    /// The submission (a JSON value; usually an object). Default `{}`.
    #[serde(default)]
    pub submission: Option<Json>,
    /// The submission as raw text, for cases about text that is not JSON.
    #[serde(default)]
    pub submission_text: Option<String>,
    /// Assessment date passed by the caller (`YYYY-MM-DD`).
    #[serde(default)]
    pub as_of: Option<String>,
    /// Set when the case exposes an engine bug: the case stays correct, and
    /// the harness reports it separately instead of failing.
    #[serde(default)]
    pub known_bug: Option<String>,
    /// What must come out.
    pub expect: Expect,
}

/// Expectations of a case. Every part is optional, but a case must assert something.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Outcome of every requirement (all of them must be listed).
    #[serde(default)]
    pub outcomes: Option<BTreeMap<String, String>>,
    /// Exact missing pointers per requirement; unlisted requirements must have none.
    #[serde(default)]
    pub missing: Option<BTreeMap<String, Vec<String>>>,
    /// Whether a requirement has runtime problems; unlisted requirements must have none.
    #[serde(default)]
    pub problems: Option<BTreeMap<String, bool>>,
    /// Overall rating.
    #[serde(default)]
    pub overall: Option<String>,
    /// Area ratings (listed areas only).
    #[serde(default)]
    pub areas: Option<BTreeMap<String, String>>,
    /// Fragments of single requirements' report entries, by id.
    #[serde(default)]
    pub requirements: Option<BTreeMap<String, Json>>,
    /// A fragment of the whole report.
    #[serde(default)]
    pub report: Option<Json>,
    /// The spec must not compile, with exactly these errors (and at least these warnings).
    #[serde(default)]
    pub diagnostics: Option<Vec<ExpectedDiagnostic>>,
    /// The submission must be rejected with exactly these errors.
    #[serde(default)]
    pub submission_errors: Option<Vec<ExpectedPathDiagnostic>>,
    /// Exactly these submission warnings.
    #[serde(default)]
    pub warnings: Option<Vec<ExpectedPathDiagnostic>>,
}

/// An expected compile diagnostic.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedDiagnostic {
    /// `NS0002`.
    pub code: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// File, relative to the group folder; default the case's own spec.
    #[serde(default)]
    pub file: Option<String>,
    /// `error` (default) or `warning`.
    #[serde(default)]
    pub severity: Option<String>,
    /// Text the message must contain.
    #[serde(default)]
    pub message: Option<String>,
}

/// An expected submission diagnostic.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedPathDiagnostic {
    /// `NS0201`.
    pub code: String,
    /// JSON pointer; `null` (or left out) for a diagnostic without one.
    #[serde(default)]
    pub path: Option<String>,
    /// Text the message must contain.
    #[serde(default)]
    pub message: Option<String>,
}

/// A case found on disk.
#[derive(Debug, Clone)]
pub struct Case {
    /// `group/name`.
    pub id: String,
    /// The group folder.
    pub dir: PathBuf,
    /// `NAME.netspec`, relative to the group folder.
    pub spec_name: String,
    /// The parsed case file.
    pub file: CaseFile,
}

/// What running a case gave.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// `group/name`.
    pub id: String,
    /// The case's `known_bug`, if any.
    pub known_bug: Option<String>,
    /// Every expectation that did not hold; empty when the case passed.
    pub mismatches: Vec<String>,
}

impl CaseResult {
    /// Did every expectation hold?
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }

    /// Does the case fail the corpus: it did not pass, or it is marked
    /// `known_bug` and passes (the mark must go, so that the case guards the
    /// fix from then on).
    pub fn fails_the_corpus(&self) -> bool {
        self.passed() == self.known_bug.is_some()
    }
}

/// Finds every case under `root` (one folder per group). Errors are problems
/// with the corpus itself: unreadable or malformed case files, a case without
/// its spec, a spec without its case.
pub fn discover(root: &Path) -> Result<Vec<Case>, Vec<String>> {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    let mut groups: Vec<PathBuf> = match fs::read_dir(root) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect(),
        Err(e) => return Err(vec![format!("cannot read {}: {e}", root.display())]),
    };
    groups.sort();
    for dir in groups {
        let group = file_name(&dir);
        let mut entries: Vec<PathBuf> = match fs::read_dir(&dir) {
            Ok(rd) => rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect(),
            Err(e) => {
                errors.push(format!("cannot read {}: {e}", dir.display()));
                continue;
            }
        };
        entries.sort();
        for path in &entries {
            let name = file_name(path);
            if let Some(stem) = name.strip_suffix(".netspec") {
                if !dir.join(format!("{stem}.json")).is_file() {
                    errors.push(format!(
                        "{group}/{name}: a spec without a case file (helper files belong in a subfolder)"
                    ));
                }
                continue;
            }
            let Some(stem) = name.strip_suffix(".json") else {
                continue;
            };
            let id = format!("{group}/{stem}");
            let spec_name = format!("{stem}.netspec");
            if !dir.join(&spec_name).is_file() {
                errors.push(format!("{id}: no {spec_name} next to the case file"));
                continue;
            }
            let text = match fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(format!("{id}: cannot read the case file: {e}"));
                    continue;
                }
            };
            match serde_json::from_str::<CaseFile>(&text) {
                Ok(file) => match validate(&file) {
                    Ok(()) => cases.push(Case {
                        id,
                        dir: dir.clone(),
                        spec_name,
                        file,
                    }),
                    Err(e) => errors.push(format!("{id}: {e}")),
                },
                Err(e) => errors.push(format!("{id}: malformed case file: {e}")),
            }
        }
    }
    if errors.is_empty() {
        Ok(cases)
    } else {
        Err(errors)
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Checks that a case asserts something and names only real outcomes, ratings and areas.
pub fn validate(c: &CaseFile) -> Result<(), String> {
    let e = &c.expect;
    if c.description.trim().is_empty() {
        return Err("the description is empty".into());
    }
    if c.submission.is_some() && c.submission_text.is_some() {
        return Err("give `submission` or `submission_text`, not both".into());
    }
    // `missing`, `problems`, `warnings`, `submission_errors` and `diagnostics`
    // assert something even when empty (nothing missing, no problems, ...)
    let asserts = e.outcomes.as_ref().is_some_and(|m| !m.is_empty())
        || e.missing.is_some()
        || e.problems.is_some()
        || e.overall.is_some()
        || e.areas.as_ref().is_some_and(|m| !m.is_empty())
        || e.requirements.as_ref().is_some_and(|m| !m.is_empty())
        || e.report.is_some()
        || e.diagnostics.is_some()
        || e.submission_errors.is_some()
        || e.warnings.is_some();
    if !asserts {
        return Err("the case asserts nothing".into());
    }
    for (id, o) in e.outcomes.iter().flatten() {
        if !OUTCOMES.contains(&o.as_str()) {
            return Err(format!("`{o}` (for {id}) is not an outcome"));
        }
    }
    for r in e
        .overall
        .iter()
        .chain(e.areas.iter().flat_map(|m| m.values()))
    {
        if !RATINGS.contains(&r.as_str()) {
            return Err(format!("`{r}` is not a rating"));
        }
    }
    for a in e.areas.iter().flat_map(|m| m.keys()) {
        if !AREAS.contains(&a.as_str()) {
            return Err(format!("`{a}` is not an area"));
        }
    }
    for d in e.diagnostics.iter().flatten() {
        if let Some(s) = &d.severity {
            if s != "error" && s != "warning" {
                return Err(format!("severity `{s}` is neither error nor warning"));
            }
        }
    }
    if let Some(d) = &c.as_of {
        if netspec::Date::parse(d).is_none() {
            return Err(format!("as_of `{d}` is not a date"));
        }
    }
    Ok(())
}

/// Runs one case through the engine and compares.
pub fn run_case(case: &Case) -> CaseResult {
    let mut m = Vec::new();
    run_into(case, &mut m);
    CaseResult {
        id: case.id.clone(),
        known_bug: case.file.known_bug.clone(),
        mismatches: m,
    }
}

fn run_into(case: &Case, m: &mut Vec<String>) {
    let e = &case.file.expect;
    let dir = case.dir.clone();
    let sources = netspec::gather_sources(
        &case.spec_name,
        &netspec::CompileOptions::default(),
        |name| fs::read_to_string(dir.join(name)).ok(),
    );
    let compiled = Spec::compile(&case.spec_name, &sources);

    // ---- compilation
    let spec = match compiled {
        Err(err) => {
            let diags = to_json_list(&err.diagnostics);
            match &e.diagnostics {
                Some(expected) => {
                    compare_diagnostics(expected, &diags, &case.spec_name, m);
                    if has_eval_expectations(e) {
                        m.push("the case expects compile errors and evaluation results".into());
                    }
                }
                None => m.push(format!(
                    "the spec did not compile:\n{}",
                    render::compile_error(&err, Style::Plain)
                )),
            }
            return;
        }
        Ok(spec) => spec,
    };
    if let Some(expected) = &e.diagnostics {
        let diags = to_json_list(spec.warnings());
        if expected.iter().any(|d| is_error(d.severity.as_deref())) {
            m.push(format!(
                "expected the spec to fail to compile with {}, but it compiled",
                expected
                    .iter()
                    .filter(|d| is_error(d.severity.as_deref()))
                    .map(|d| format!("{} at {}:{}", d.code, d.line, d.column))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        compare_diagnostics(expected, &diags, &case.spec_name, m);
    }
    if !has_eval_expectations(e) {
        return;
    }

    // ---- evaluation
    let mut opts = EvalOptions::default();
    if let Some(d) = &case.file.as_of {
        opts.as_of = netspec::Date::parse(d);
    }
    let evaluate = || match (&case.file.submission_text, &case.file.submission) {
        (Some(text), _) => spec.evaluate_str(text, &opts),
        (None, Some(v)) => spec.evaluate(v, &opts),
        (None, None) => spec.evaluate(&Json::Object(serde_json::Map::new()), &opts),
    };
    let result = evaluate();
    same_from_document(case, &spec, &opts, result.as_ref(), m);
    let report = match result {
        Err(err) => {
            let all = to_json_list(&err.diagnostics());
            let (errors, warnings): (Vec<Json>, Vec<Json>) = all
                .into_iter()
                .partition(|d| d.get("severity").and_then(Json::as_str) != Some("warning"));
            match &e.submission_errors {
                Some(expected) => compare_path_diagnostics("error", expected, &errors, m),
                None => m.push(format!(
                    "the submission was rejected: {}",
                    errors
                        .iter()
                        .map(describe_diagnostic)
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
            }
            if let Some(expected) = &e.warnings {
                compare_path_diagnostics("warning", expected, &warnings, m);
            }
            if has_report_expectations(e) {
                m.push("the case expects a report, but the submission was rejected".into());
            }
            return;
        }
        Ok(r) => r,
    };
    let report = match serde_json::to_value(&report) {
        Ok(v) => v,
        Err(err) => {
            m.push(format!("the report did not serialise: {err}"));
            return;
        }
    };
    // determinism: the same spec, submission and date give the same report
    let again = evaluate().ok().and_then(|r| serde_json::to_value(&r).ok());
    if again.as_ref() != Some(&report) {
        m.push("evaluating the same submission twice gave different reports".into());
    }
    if let Some(expected) = &e.submission_errors {
        if !expected.is_empty() {
            m.push(format!(
                "expected the submission to be rejected with {}, but it was accepted",
                expected
                    .iter()
                    .map(|d| format!("{} at {}", d.code, d.path.as_deref().unwrap_or("-")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    compare_report(e, &report, m);
}

/// The spec loaded from its compiled document evaluates the case's
/// submission to the same JSON report bytes (or the same diagnostics) as the
/// spec compiled from source.
fn same_from_document(
    case: &Case,
    spec: &Spec,
    opts: &EvalOptions,
    compiled: Result<&netspec::Report<'_>, &netspec::EvalError>,
    m: &mut Vec<String>,
) {
    let loaded = match Spec::from_document(&spec.to_document()) {
        Ok(s) => s,
        Err(e) => {
            m.push(format!("the spec's compiled document did not load: {e}"));
            return;
        }
    };
    let result = match (&case.file.submission_text, &case.file.submission) {
        (Some(text), _) => loaded.evaluate_str(text, opts),
        (None, Some(v)) => loaded.evaluate(v, opts),
        (None, None) => loaded.evaluate(&Json::Object(serde_json::Map::new()), opts),
    };
    match (compiled, &result) {
        (Ok(a), Ok(b)) => {
            let (mut x, mut y) = (Vec::new(), Vec::new());
            spec.write_report_json(a, &mut x);
            loaded.write_report_json(b, &mut y);
            if x != y {
                m.push("the spec loaded from its compiled document gave other report bytes".into());
            }
        }
        (Err(a), Err(b)) => {
            if to_json_list(&a.diagnostics()) != to_json_list(&b.diagnostics()) {
                m.push("the spec loaded from its compiled document rejected the submission otherwise".into());
            }
        }
        _ => m.push("the spec loaded from its compiled document accepted or rejected the submission otherwise".into()),
    }
}

fn is_error(severity: Option<&str>) -> bool {
    severity.is_none_or(|s| s == "error")
}

fn has_report_expectations(e: &Expect) -> bool {
    e.outcomes.is_some()
        || e.missing.is_some()
        || e.problems.is_some()
        || e.overall.is_some()
        || e.areas.is_some()
        || e.requirements.is_some()
        || e.report.is_some()
}

fn has_eval_expectations(e: &Expect) -> bool {
    has_report_expectations(e) || e.submission_errors.is_some() || e.warnings.is_some()
}

fn to_json_list<T: serde::Serialize>(items: &[T]) -> Vec<Json> {
    items
        .iter()
        .map(|d| serde_json::to_value(d).unwrap_or(Json::Null))
        .collect()
}

fn str_at<'a>(v: &'a Json, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Json::as_str)
}

fn describe_diagnostic(d: &Json) -> String {
    let code = str_at(d, "/code").unwrap_or("?");
    let msg = str_at(d, "/message").unwrap_or("");
    let mut s = format!("{code} {msg}");
    if let Some(loc) = d.get("location") {
        let _ = write!(
            s,
            " at {}:{}:{}",
            str_at(loc, "/file").unwrap_or("?"),
            loc.get("line").and_then(Json::as_u64).unwrap_or(0),
            loc.get("column").and_then(Json::as_u64).unwrap_or(0)
        );
    }
    if let Some(p) = str_at(d, "/path") {
        let _ = write!(s, " at path {p}");
    }
    s
}

fn diagnostic_matches(x: &ExpectedDiagnostic, d: &Json, root: &str) -> bool {
    let sev = x.severity.as_deref().unwrap_or("error");
    let file = x.file.as_deref().unwrap_or(root);
    str_at(d, "/code") == Some(x.code.as_str())
        && str_at(d, "/severity") == Some(sev)
        && str_at(d, "/location/file") == Some(file)
        && d.pointer("/location/line").and_then(Json::as_u64) == Some(x.line as u64)
        && d.pointer("/location/column").and_then(Json::as_u64) == Some(x.column as u64)
        && x.message
            .as_ref()
            .is_none_or(|t| str_at(d, "/message").is_some_and(|msg| msg.contains(t.as_str())))
}

/// Errors must match exactly (as a multiset); listed warnings must be present.
fn compare_diagnostics(
    expected: &[ExpectedDiagnostic],
    actual: &[Json],
    root: &str,
    m: &mut Vec<String>,
) {
    let mut used = vec![false; actual.len()];
    for x in expected {
        let found = actual.iter().enumerate().find(|(i, d)| {
            !used.get(*i).copied().unwrap_or(true) && diagnostic_matches(x, d, root)
        });
        match found {
            Some((i, _)) => {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
            None => m.push(format!(
                "missing diagnostic {} {} at {}:{}:{}{}",
                x.severity.as_deref().unwrap_or("error"),
                x.code,
                x.file.as_deref().unwrap_or(root),
                x.line,
                x.column,
                x.message
                    .as_ref()
                    .map(|t| format!(" containing \"{t}\""))
                    .unwrap_or_default()
            )),
        }
    }
    for (d, u) in actual.iter().zip(&used) {
        if !u && str_at(d, "/severity") == Some("error") {
            m.push(format!("unexpected diagnostic {}", describe_diagnostic(d)));
        }
    }
}

/// Submission errors or warnings: exact multiset on (code, path), messages by substring.
fn compare_path_diagnostics(
    kind: &str,
    expected: &[ExpectedPathDiagnostic],
    actual: &[Json],
    m: &mut Vec<String>,
) {
    let mut used = vec![false; actual.len()];
    for x in expected {
        let found = actual.iter().enumerate().find(|(i, d)| {
            !used.get(*i).copied().unwrap_or(true)
                && str_at(d, "/code") == Some(x.code.as_str())
                && str_at(d, "/path") == x.path.as_deref()
                && x.message.as_ref().is_none_or(|t| {
                    str_at(d, "/message").is_some_and(|msg| msg.contains(t.as_str()))
                })
        });
        match found {
            Some((i, _)) => {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
            None => m.push(format!(
                "missing submission {kind} {} at {}{}",
                x.code,
                x.path.as_deref().unwrap_or("(no path)"),
                x.message
                    .as_ref()
                    .map(|t| format!(" containing \"{t}\""))
                    .unwrap_or_default()
            )),
        }
    }
    for (d, u) in actual.iter().zip(&used) {
        if !u {
            m.push(format!(
                "unexpected submission {kind} {}",
                describe_diagnostic(d)
            ));
        }
    }
}

fn compare_report(e: &Expect, report: &Json, m: &mut Vec<String>) {
    let empty = Vec::new();
    let reqs = report
        .get("requirements")
        .and_then(Json::as_array)
        .unwrap_or(&empty);
    let by_id: BTreeMap<&str, &Json> = reqs
        .iter()
        .filter_map(|r| Some((str_at(r, "/id")?, r)))
        .collect();
    let summary = |r: &Json| -> String {
        let mut s = str_at(r, "/outcome").unwrap_or("?").to_string();
        let missing = paths_of(r);
        if !missing.is_empty() {
            let _ = write!(s, "; missing {missing:?}");
        }
        if let Some(p) = r.get("problems").and_then(Json::as_array) {
            if !p.is_empty() {
                let _ = write!(s, "; problems {p:?}");
            }
        }
        if let Some(ex) = r.get("explanation").and_then(Json::as_array) {
            for c in ex {
                let el = str_at(c, "/element")
                    .map(|x| format!("{x}: "))
                    .unwrap_or_default();
                let _ = write!(s, "; {el}{}", str_at(c, "/message").unwrap_or(""));
            }
        }
        s
    };

    if let Some(outcomes) = &e.outcomes {
        for (id, want) in outcomes {
            match by_id.get(id.as_str()) {
                None => m.push(format!("{id}: no such requirement in the report")),
                Some(r) => {
                    let got = str_at(r, "/outcome").unwrap_or("?");
                    if got != want {
                        m.push(format!("{id}: expected {want}, got {}", summary(r)));
                    }
                }
            }
        }
        for id in by_id.keys() {
            if !outcomes.contains_key(*id) {
                m.push(format!(
                    "{id}: in the report but not listed in `outcomes` (list every requirement)"
                ));
            }
        }
    }

    if let Some(missing) = &e.missing {
        for id in missing.keys() {
            if !by_id.contains_key(id.as_str()) {
                m.push(format!(
                    "{id}: `missing` names no requirement of the report"
                ));
            }
        }
        for (id, r) in &by_id {
            let want: BTreeSet<&str> = missing
                .get(*id)
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let got_list = paths_of(r);
            let got: BTreeSet<&str> = got_list.iter().map(String::as_str).collect();
            if want != got {
                m.push(format!(
                    "{id}: expected missing {:?}, got {:?}",
                    want.iter().collect::<Vec<_>>(),
                    got.iter().collect::<Vec<_>>()
                ));
            }
        }
    }

    if let Some(problems) = &e.problems {
        for id in problems.keys() {
            if !by_id.contains_key(id.as_str()) {
                m.push(format!(
                    "{id}: `problems` names no requirement of the report"
                ));
            }
        }
        for (id, r) in &by_id {
            let want = problems.get(*id).copied().unwrap_or(false);
            let list = r.get("problems").and_then(Json::as_array);
            let got = list.is_some_and(|p| !p.is_empty());
            if want != got {
                m.push(format!(
                    "{id}: expected {}, got problems {:?}",
                    if want {
                        "a runtime problem"
                    } else {
                        "no runtime problem"
                    },
                    list.cloned().unwrap_or_default()
                ));
            }
        }
    }

    if let Some(want) = &e.overall {
        let got = str_at(report, "/overall/rating").unwrap_or("?");
        if got != want {
            m.push(format!("overall: expected {want}, got {got}"));
        }
    }

    if let Some(areas) = &e.areas {
        let list = report
            .get("areas")
            .and_then(Json::as_array)
            .unwrap_or(&empty);
        for (area, want) in areas {
            let got = list
                .iter()
                .find(|a| str_at(a, "/area") == Some(area.as_str()))
                .and_then(|a| str_at(a, "/rating"))
                .unwrap_or("?");
            if got != want {
                m.push(format!("area {area}: expected {want}, got {got}"));
            }
        }
    }

    if let Some(fragments) = &e.requirements {
        for (id, fragment) in fragments {
            match by_id.get(id.as_str()) {
                None => m.push(format!("{id}: no such requirement in the report")),
                Some(r) => {
                    let mut diffs = Vec::new();
                    match_fragment(fragment, r, "", &mut diffs);
                    for d in diffs {
                        m.push(format!("{id}: {d}"));
                    }
                }
            }
        }
    }

    if let Some(fragment) = &e.report {
        let mut diffs = Vec::new();
        match_fragment(fragment, report, "", &mut diffs);
        for d in diffs {
            m.push(format!("report: {d}"));
        }
    }

    if let Some(expected) = &e.warnings {
        let warnings = report
            .get("warnings")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        compare_path_diagnostics("warning", expected, &warnings, m);
    }
}

fn paths_of(r: &Json) -> Vec<String> {
    r.get("missing")
        .and_then(Json::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|x| str_at(x, "/path").map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Objects match as subsets (every expected key present and matching),
/// arrays elementwise with equal length, numbers by value, the rest exactly.
pub fn match_fragment(expected: &Json, actual: &Json, at: &str, diffs: &mut Vec<String>) {
    let here = if at.is_empty() { "/" } else { at };
    match (expected, actual) {
        (Json::Object(x), Json::Object(y)) => {
            for (k, v) in x {
                let path = format!("{at}/{k}");
                match y.get(k) {
                    Some(w) => match_fragment(v, w, &path, diffs),
                    None => diffs.push(format!("{path}: expected {v}, but there is no such key")),
                }
            }
        }
        (Json::Array(x), Json::Array(y)) => {
            if x.len() != y.len() {
                diffs.push(format!(
                    "{here}: expected {} entries, got {}: {actual}",
                    x.len(),
                    y.len()
                ));
                return;
            }
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                match_fragment(v, w, &format!("{at}/{i}"), diffs);
            }
        }
        (Json::Number(x), Json::Number(y)) => {
            let same = match (x.as_i64(), y.as_i64()) {
                (Some(a), Some(b)) => a == b,
                _ => x.as_f64() == y.as_f64(),
            };
            if !same {
                diffs.push(format!("{here}: expected {x}, got {y}"));
            }
        }
        (x, y) => {
            if x != y {
                diffs.push(format!("{here}: expected {x}, got {y}"));
            }
        }
    }
}

/// Runs every case and formats a summary: (results, text). A case that
/// fails, and a `known_bug` case that passes, fail the corpus
/// ([`CaseResult::fails_the_corpus`]).
pub fn run_all(cases: &[Case]) -> (Vec<CaseResult>, String) {
    let results: Vec<CaseResult> = cases.iter().map(run_case).collect();
    let mut out = String::new();
    let mut passed = 0;
    let mut failed = 0;
    let mut known = 0;
    let mut fixed = Vec::new();
    for r in &results {
        match (&r.known_bug, r.passed()) {
            (None, true) => passed += 1,
            (None, false) => {
                failed += 1;
                let _ = writeln!(out, "FAIL {}", r.id);
                for x in &r.mismatches {
                    let _ = writeln!(out, "    {}", x.replace('\n', "\n    "));
                }
            }
            (Some(bug), false) => {
                known += 1;
                let _ = writeln!(out, "KNOWN BUG {}: {bug}", r.id);
                for x in &r.mismatches {
                    let _ = writeln!(out, "    {}", x.replace('\n', "\n    "));
                }
            }
            (Some(_), true) => {
                passed += 1;
                fixed.push(r.id.clone());
            }
        }
    }
    for id in &fixed {
        let _ = writeln!(
            out,
            "FIXED {id}: marked known_bug but passes now; remove the known_bug entry"
        );
    }
    let _ = writeln!(
        out,
        "conformance: {} cases, {passed} passed ({} of them marked known_bug), {failed} failed, {known} known bugs",
        results.len(),
        fixed.len()
    );
    (results, out)
}
