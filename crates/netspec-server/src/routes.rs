//! The routes, their answers and the layers around them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::rejection::QueryRejection;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http_body_util::BodyExt as _;
use netspec::ffi::{CompileCall, Failure};
use netspec::{Diagnostic, EvalOptions, Limits, Respondent};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use tower::ServiceBuilder;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::catalog::{Catalog, LoadFailure, Loaded};
use crate::AppState;

type Shared = Arc<AppState>;

/// The media types evaluate-batch reads (and the first, which it writes).
const NDJSON: [&str; 3] = [
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
];

/// The largest `POST /v1/check` body: a spec and its files within the
/// compile limit, written as JSON strings (escapes can double a text).
fn check_limit() -> usize {
    Limits::default()
        .max_source_bytes
        .saturating_mul(2)
        .saturating_add(64 * 1024)
}

// ---------------------------------------------------------------- answers

/// A spec served.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecInfo {
    /// Its id in URLs: the file's stem (`adult_critical_care`).
    pub id: String,
    /// The id the spec declares (`spec acc "…"`).
    pub spec: String,
    /// Its title.
    pub title: String,
    /// Its `version`, if it declares one.
    pub version: Option<String>,
    /// Who answers its questions: `provider`, `network`, or both.
    pub respondents: Vec<String>,
    /// How many requirements it has.
    pub requirements: usize,
    /// The load (1 at start, one more per reload) that compiled the version served.
    pub generation: u64,
}

/// A spec served, with its requirements and its form model.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecDetail {
    /// What `GET /v1/specs` lists.
    #[serde(flatten)]
    pub info: SpecInfo,
    /// The ids of its requirements, in report order.
    pub requirement_ids: Vec<String>,
    /// The form model: the questions, grouped as a form shows them
    /// (`netspec inputs --format json`).
    #[schema(value_type = Vec<Object>)]
    pub inputs: Vec<netspec::form::Section>,
}

/// What `POST /v1/check` finds.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckAnswer {
    /// No errors (warnings allowed).
    pub ok: bool,
    /// How many diagnostics are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
    /// Every diagnostic, in the engine's order (as `netspec check --format json`).
    #[schema(value_type = Vec<Object>)]
    pub diagnostics: Vec<Diagnostic>,
}

/// `GET /readyz`, and the answer of a reload.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadyAnswer {
    /// Loaded, and every spec file has a version to serve.
    pub ready: bool,
    /// Whether the first load has finished.
    pub loaded: bool,
    /// How many loads made the specs served (1 after the first).
    pub generation: u64,
    /// The ids of the specs served.
    pub specs: Vec<String>,
    /// Spec files that did not compile at the last load, and whether an
    /// earlier version of each is still served.
    pub failures: Vec<LoadFailure>,
}

impl ReadyAnswer {
    fn of(c: &Catalog) -> ReadyAnswer {
        ReadyAnswer {
            ready: c.ready(),
            loaded: c.loaded,
            generation: c.generation,
            specs: c.specs.keys().cloned().collect(),
            failures: c.failures.values().cloned().collect(),
        }
    }
}

/// `GET /healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`: the process answers.
    pub status: String,
}

/// A request that failed: the shape every netspec binding uses
/// (`netspec::ffi::Failure`).
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct FailureDoc {
    /// `submission` (the submission cannot be evaluated), `compile` or
    /// `usage` (the request itself is wrong: an unknown spec, a bad query).
    #[schema(pattern = "^(compile|submission|usage)$")]
    pub kind: String,
    /// One line for people.
    pub message: String,
    /// Every diagnostic, each with a stable code (`NS0207`) and, for a
    /// submission, a JSON pointer (`path`).
    #[schema(value_type = Vec<Object>)]
    pub diagnostics: Vec<serde_json::Value>,
    /// The diagnostics drawn for people.
    pub rendered: String,
    /// For a submission that is not JSON: where it stops being JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_position: Option<JsonPositionDoc>,
}

/// A position in JSON text.
#[derive(Debug, Serialize, ToSchema)]
pub struct JsonPositionDoc {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// `POST /v1/check`'s body (`netspec::ffi::CompileCall`).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct CheckCall {
    /// The spec's file name (default `spec.netspec`), as diagnostics name it.
    #[serde(default)]
    pub name: String,
    /// The spec's text.
    pub source: String,
    /// Every file it uses (and, with `tests`, every submission its tests
    /// name), by name relative to the spec's folder.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Check the spec's `test` blocks too (default `true`).
    #[serde(default)]
    pub tests: Option<bool>,
}

/// How to evaluate.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EvalQuery {
    /// The assessment date (YYYY-MM-DD); default the end of the assessment
    /// period in the submission's header (`netspec eval --as-of`).
    pub as_of: Option<String>,
    /// Build explanations (default `true`; `false` is `netspec eval --no-explanations`).
    pub explanations: Option<bool>,
    /// Evaluate a submission without a header as from `provider` or
    /// `network` (`netspec eval --unattributed`).
    pub unattributed: Option<String>,
    /// The report as compact JSON on one line (as `netspec eval --batch`
    /// writes it, without the `line` and `ods_code` members a batch line
    /// ends with) rather than indented as `netspec eval --format json`
    /// prints it (default `false`).
    pub compact: Option<bool>,
}

/// How to evaluate a batch.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    /// The assessment date (YYYY-MM-DD) for every line.
    pub as_of: Option<String>,
    /// Build explanations (default `true`).
    pub explanations: Option<bool>,
    /// Evaluate lines without a header as from `provider` or `network`.
    pub unattributed: Option<String>,
}

// the Err side is the answer to send: the error path of a handler
#[allow(clippy::result_large_err)]
fn options(
    as_of: Option<&str>,
    explanations: Option<bool>,
    unattributed: Option<&str>,
) -> Result<EvalOptions, Response> {
    let as_of = match as_of {
        None => None,
        Some(text) => match netspec::Date::parse(text) {
            Some(d) => Some(d),
            None => {
                return Err(usage(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "`as_of` is not a valid date (YYYY-MM-DD): \"{}\"",
                        shown(text)
                    ),
                ))
            }
        },
    };
    let unattributed = match unattributed {
        None => None,
        Some("provider") => Some(Respondent::Provider),
        Some("network") => Some(Respondent::Network),
        Some(other) => {
            return Err(usage(
                StatusCode::BAD_REQUEST,
                format!(
                    "`unattributed` must be \"provider\" or \"network\", got \"{}\"",
                    shown(other)
                ),
            ))
        }
    };
    Ok(EvalOptions::default()
        .with_as_of(as_of)
        .with_explanations(explanations.unwrap_or(true))
        .with_unattributed(unattributed))
}

// ---------------------------------------------------------------- helpers

/// Text from a request, as shown in an answer or a log: at most 200
/// characters, control characters escaped.
pub(crate) fn shown(text: &str) -> String {
    let cut: String = text.chars().take(200).collect();
    netspec::render::escape_controls(&cut).into_owned()
}

fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(mut body) => {
            body.push(b'\n');
            json_bytes(status, body)
        }
        Err(e) => internal(&format!("cannot serialise the answer: {e}")),
    }
}

fn failure(status: StatusCode, f: &Failure) -> Response {
    let mut body = f.to_json().into_bytes();
    body.push(b'\n');
    json_bytes(status, body)
}

fn usage(status: StatusCode, message: String) -> Response {
    failure(status, &Failure::usage(message))
}

fn internal(message: &str) -> Response {
    tracing::error!(error = %message, "internal error");
    usage(StatusCode::INTERNAL_SERVER_ERROR, message.to_string())
}

fn retry_after(mut r: Response, seconds: &'static str) -> Response {
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static(seconds));
    r
}

/// The spec `id`, or the answer: 503 while loading, 404 when there is none.
#[allow(clippy::result_large_err)]
fn find(st: &AppState, id: &str) -> Result<Arc<Loaded>, Response> {
    let catalog = st.catalog.load();
    if let Some(entry) = catalog.specs.get(id) {
        return Ok(entry.clone());
    }
    if !catalog.loaded {
        return Err(retry_after(
            usage(
                StatusCode::SERVICE_UNAVAILABLE,
                "the specs are still loading; try again in a moment".to_string(),
            ),
            "1",
        ));
    }
    Err(usage(
        StatusCode::NOT_FOUND,
        format!("no spec `{}` here; GET /v1/specs lists them", shown(id)),
    ))
}

/// Whether the request's content type is one of `types` (parameters such
/// as `charset=utf-8` allowed).
fn media_is(headers: &HeaderMap, types: &[&str]) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|t| t.trim())
        .is_some_and(|t| types.iter().any(|want| t.eq_ignore_ascii_case(want)))
}

fn unsupported(types: &[&str]) -> Response {
    usage(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!(
            "send the body with `content-type: {}`",
            types.join("` or `")
        ),
    )
}

enum BodyError {
    /// More than the limit: the size declared, or the limit plus one.
    TooLarge(usize),
    /// The body could not be read.
    Read(String),
}

/// The body, at most `limit` bytes (a larger declared length is refused
/// unread).
async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Vec<u8>, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared {
        if n > limit as u64 {
            return Err(BodyError::TooLarge(
                usize::try_from(n).unwrap_or(usize::MAX),
            ));
        }
    }
    let capacity = declared.map_or(8 * 1024, |n| usize::try_from(n).unwrap_or(limit));
    let mut bytes = Vec::with_capacity(capacity.min(limit));
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Read(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            if bytes.len().saturating_add(data.len()) > limit {
                return Err(BodyError::TooLarge(limit.saturating_add(1)));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

fn unreadable(e: &str) -> Response {
    usage(
        StatusCode::BAD_REQUEST,
        format!("cannot read the request body: {}", shown(e)),
    )
}

// ---------------------------------------------------------------- routes

/// Every spec served.
#[utoipa::path(get, path = "/v1/specs", tag = "specs",
    responses(
        (status = 200, description = "Every spec served, by id", body = Vec<SpecInfo>),
        (status = 503, description = "The specs are still loading", body = FailureDoc),
    ))]
async fn list_specs(State(st): State<Shared>) -> Response {
    let catalog = st.catalog.load();
    if !catalog.loaded {
        return retry_after(
            usage(
                StatusCode::SERVICE_UNAVAILABLE,
                "the specs are still loading; try again in a moment".to_string(),
            ),
            "1",
        );
    }
    let list: Vec<SpecInfo> = catalog.specs.values().map(|e| info(e)).collect();
    json(StatusCode::OK, &list)
}

fn info(e: &Loaded) -> SpecInfo {
    SpecInfo {
        id: e.id.clone(),
        spec: e.spec.id().to_string(),
        title: e.spec.title().to_string(),
        version: e.spec.version().map(str::to_string),
        respondents: e.respondents.iter().map(|r| r.to_string()).collect(),
        requirements: e.spec.requirement_ids().count(),
        generation: e.generation,
    }
}

/// One spec: metadata, requirement ids and the form model.
#[utoipa::path(get, path = "/v1/specs/{id}", tag = "specs",
    params(("id" = String, Path, description = "The spec's id (its file stem), e.g. `adult_critical_care`")),
    responses(
        (status = 200, description = "The spec", body = SpecDetail),
        (status = 404, description = "No such spec", body = FailureDoc),
        (status = 503, description = "The specs are still loading", body = FailureDoc),
    ))]
async fn get_spec(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    let entry = match find(&st, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let detail = SpecDetail {
        info: info(&entry),
        requirement_ids: entry.spec.requirement_ids().map(str::to_string).collect(),
        inputs: entry.spec.inputs(),
    };
    json(StatusCode::OK, &detail)
}

/// The JSON Schema (draft 2020-12) of a valid submission (`netspec schema`).
#[utoipa::path(get, path = "/v1/specs/{id}/schema", tag = "specs",
    params(("id" = String, Path, description = "The spec's id")),
    responses(
        (status = 200, description = "The JSON Schema", body = Object, content_type = "application/schema+json"),
        (status = 404, description = "No such spec", body = FailureDoc),
        (status = 503, description = "The specs are still loading", body = FailureDoc),
    ))]
async fn get_schema(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    let entry = match find(&st, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let mut r = json(StatusCode::OK, &entry.spec.json_schema());
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/schema+json"),
    );
    r
}

/// Evaluates one submission: the report, byte for byte what `netspec eval
/// --format json SPEC SUBMISSION` prints (indented, keys sorted, a final
/// newline), or with `compact=true` one line as `netspec eval --batch`
/// writes it (less the `line` and `ods_code` members a batch line ends with).
#[utoipa::path(post, path = "/v1/specs/{id}/evaluate", tag = "evaluate",
    params(("id" = String, Path, description = "The spec's id"), EvalQuery),
    request_body(content = Object, content_type = "application/json",
        description = "The submission (JSON), at most the spec's submission size limit (4 MiB by default)"),
    responses(
        (status = 200, description = "The report", body = Object, content_type = "application/json"),
        (status = 400, description = "A bad query parameter", body = FailureDoc),
        (status = 404, description = "No such spec", body = FailureDoc),
        (status = 408, description = "The request took longer than the request timeout", body = FailureDoc),
        (status = 413, description = "The submission is over the size limit (NS0305)", body = FailureDoc),
        (status = 415, description = "Not sent as application/json", body = FailureDoc),
        (status = 422, description = "The submission cannot be evaluated: not UTF-8, not JSON, or not valid against the spec; the coded diagnostics", body = FailureDoc),
        (status = 503, description = "Saturated (see Retry-After), or the specs are still loading", body = FailureDoc),
    ))]
async fn evaluate(
    State(st): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<EvalQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let entry = match find(&st, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    if !media_is(&headers, &["application/json"]) {
        return unsupported(&["application/json"]);
    }
    let q = match query {
        Ok(Query(q)) => q,
        Err(e) => return usage(StatusCode::BAD_REQUEST, shown(&e.body_text())),
    };
    let opts = match options(
        q.as_of.as_deref(),
        q.explanations,
        q.unattributed.as_deref(),
    ) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let limit = entry.spec.limits().max_submission_bytes;
    let bytes = match read_body(&headers, body, limit).await {
        Ok(b) => b,
        Err(BodyError::TooLarge(n)) => {
            let e = entry.spec.too_large(n);
            return failure(
                StatusCode::PAYLOAD_TOO_LARGE,
                &Failure::submission(&entry.spec, b"", &e),
            );
        }
        Err(BodyError::Read(e)) => return unreadable(&e),
    };
    let compact = q.compact.unwrap_or(false);
    let state = st.clone();
    let done = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let spec = &entry.spec;
        match spec.evaluate_bytes(&bytes, &opts) {
            Ok(report) => {
                let mut out = Vec::with_capacity(if compact { 16 << 10 } else { 48 << 10 });
                if compact {
                    spec.write_report_json(&report, &mut out);
                } else {
                    // what `netspec eval --format json` prints
                    let text =
                        netspec::ffi::report_json(spec, &report, true).map_err(|f| f.message)?;
                    out.extend_from_slice(text.as_bytes());
                }
                out.push(b'\n');
                state.metrics.evaluation(
                    &entry.id,
                    started.elapsed().as_secs_f64(),
                    Some(report.requirements.iter().map(|r| r.outcome.as_str())),
                );
                Ok::<_, String>(Ok(out))
            }
            Err(e) => {
                state.metrics.evaluation(
                    &entry.id,
                    started.elapsed().as_secs_f64(),
                    None::<std::iter::Empty<&str>>,
                );
                Ok(Err(Failure::submission(spec, &bytes, &e)))
            }
        }
    })
    .await;
    match done {
        Ok(Ok(Ok(report))) => json_bytes(StatusCode::OK, report),
        Ok(Ok(Err(f))) => failure(StatusCode::UNPROCESSABLE_ENTITY, &f),
        Ok(Err(e)) => internal(&format!("cannot write the report: {e}")),
        Err(e) => internal(&format!("the evaluation stopped: {e}")),
    }
}

/// Evaluates a stream of submissions, one JSON document per line (NDJSON):
/// one output line per non-blank input line, in order, written as soon as
/// it is made: the report as compact JSON, or for a line that is not a
/// valid submission `{"line": N, "diagnostics": [...]}` (the contract of
/// `netspec eval --batch`). Blank lines are skipped; a line over the size
/// limit is refused on its own line (NS0305).
#[utoipa::path(post, path = "/v1/specs/{id}/evaluate-batch", tag = "evaluate",
    params(("id" = String, Path, description = "The spec's id"), BatchQuery),
    request_body(content = String, content_type = "application/x-ndjson",
        description = "One JSON submission per line (also accepted as application/ndjson or application/jsonl)"),
    responses(
        (status = 200, description = "One JSON line per non-blank input line, streamed", body = String, content_type = "application/x-ndjson"),
        (status = 400, description = "A bad query parameter", body = FailureDoc),
        (status = 404, description = "No such spec", body = FailureDoc),
        (status = 415, description = "Not sent as NDJSON", body = FailureDoc),
        (status = 503, description = "Saturated (see Retry-After), or the specs are still loading", body = FailureDoc),
    ))]
async fn evaluate_batch(
    State(st): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<BatchQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let entry = match find(&st, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    if !media_is(&headers, &NDJSON) {
        return unsupported(&NDJSON);
    }
    let q = match query {
        Ok(Query(q)) => q,
        Err(e) => return usage(StatusCode::BAD_REQUEST, shown(&e.body_text())),
    };
    let opts = match options(
        q.as_of.as_deref(),
        q.explanations,
        q.unattributed.as_deref(),
    ) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let idle = st.request_timeout;
    let out = crate::batch::stream(st.clone(), entry, opts, body, idle);
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(NDJSON[0])),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        out,
    )
        .into_response()
}

/// Checks a spec and the files it uses (for authoring tools): every
/// diagnostic, as `netspec check --format json` finds them, within the same
/// limits. Reads no file: everything comes in the body.
#[utoipa::path(post, path = "/v1/check", tag = "authoring",
    request_body(content = CheckCall, content_type = "application/json"),
    responses(
        (status = 200, description = "The diagnostics (none: the spec is clean)", body = CheckAnswer),
        (status = 400, description = "The body is not a check call", body = FailureDoc),
        (status = 413, description = "The body is over the limit", body = FailureDoc),
        (status = 415, description = "Not sent as application/json", body = FailureDoc),
        (status = 503, description = "Saturated (see Retry-After)", body = FailureDoc),
    ))]
async fn check(State(_st): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    if !media_is(&headers, &["application/json"]) {
        return unsupported(&["application/json"]);
    }
    let limit = check_limit();
    let bytes = match read_body(&headers, body, limit).await {
        Ok(b) => b,
        Err(BodyError::TooLarge(n)) => {
            return usage(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body ({n} bytes or more) is over the limit of {limit} bytes"),
            )
        }
        Err(BodyError::Read(e)) => return unreadable(&e),
    };
    let call: CompileCall = match serde_json::from_slice(&bytes) {
        Ok(c) => c,
        Err(e) => {
            return usage(
                StatusCode::BAD_REQUEST,
                format!(
                "the body is not a check call ({{\"name\", \"source\", \"files\", \"tests\"}}): {}",
                shown(&e.to_string())
            ),
            )
        }
    };
    let done = tokio::task::spawn_blocking(move || netspec::ffi::check(&call)).await;
    match done {
        Ok(diagnostics) => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let answer = CheckAnswer {
                ok: errors == 0,
                errors,
                warnings: diagnostics.len() - errors,
                diagnostics,
            };
            json(StatusCode::OK, &answer)
        }
        Err(e) => internal(&format!("the check stopped: {e}")),
    }
}

/// Compiles the specs folder again and swaps the new versions in at once;
/// a spec that no longer compiles keeps its last good version. Off unless
/// the server was started with an admin token.
#[utoipa::path(post, path = "/v1/admin/reload", tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reloaded: what is served now", body = ReadyAnswer),
        (status = 401, description = "No token, or the wrong one", body = FailureDoc),
        (status = 404, description = "Off: the server has no admin token", body = FailureDoc),
        (status = 500, description = "The folder could not be read; the specs loaded before are still served", body = FailureDoc),
    ))]
async fn admin_reload(State(st): State<Shared>, headers: HeaderMap) -> Response {
    let Some(token) = &st.admin_token else {
        return usage(
            StatusCode::NOT_FOUND,
            "the admin routes are off: start netspec serve with --admin-token".to_string(),
        );
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes)
        .and_then(|v| v.strip_prefix(b"Bearer "))
        .unwrap_or_default();
    if !bool::from(given.ct_eq(token.as_slice())) {
        let mut r = usage(
            StatusCode::UNAUTHORIZED,
            "give the admin token as `authorization: Bearer TOKEN`".to_string(),
        );
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"netspec\""),
        );
        return r;
    }
    match crate::reload(&st).await {
        Ok(catalog) => json(StatusCode::OK, &ReadyAnswer::of(&catalog)),
        Err(message) => usage(StatusCode::INTERNAL_SERVER_ERROR, message),
    }
}

/// The process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = Health)))]
async fn healthz() -> Response {
    json(
        StatusCode::OK,
        &Health {
            status: "ok".to_string(),
        },
    )
}

/// Ready once every spec compiled; shows the spec files that no longer
/// compile (each still served in its last good version).
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = ReadyAnswer),
        (status = 503, description = "Not ready: loading, or a spec with no version that compiles", body = ReadyAnswer),
    ))]
async fn readyz(State(st): State<Shared>) -> Response {
    let answer = ReadyAnswer::of(&st.catalog.load());
    let status = if answer.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    json(status, &answer)
}

/// Requests by route and status, evaluation latency, outcomes by spec, in
/// the OpenMetrics text format Prometheus scrapes.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "The metrics", body = String,
        content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8")))]
async fn metrics(State(st): State<Shared>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(crate::metrics::CONTENT_TYPE),
        )],
        st.metrics.encode(),
    )
        .into_response()
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document of this service", body = Object)))]
async fn openapi(State(st): State<Shared>) -> Response {
    json_bytes(StatusCode::OK, st.openapi.to_vec())
}

/// The self-assessment form.
#[utoipa::path(get, path = "/", tag = "pages",
    responses(
        (status = 200, description = "The self-assessment form", body = String, content_type = "text/html"),
        (status = 503, description = "The WebAssembly package the page needs is not built (the answer says how to build it)", body = String, content_type = "text/plain"),
    ))]
#[allow(dead_code)]
async fn form_page() {}

/// The spec playground.
#[utoipa::path(get, path = "/playground", tag = "pages",
    responses(
        (status = 200, description = "The playground", body = String, content_type = "text/html"),
        (status = 503, description = "The WebAssembly package the page needs is not built", body = String, content_type = "text/plain"),
    ))]
#[allow(dead_code)]
async fn playground_page() {}

/// The static pages and their files; anything else is 404.
async fn pages(State(st): State<Shared>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    match &st.pages {
        Some(p) => p.answer(&method, uri.path(), &headers).await,
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("not found: {}\n", shown(uri.path())),
        )
            .into_response(),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "netspec",
        description = "The netspec rules engine over HTTP: evaluate self-assessment submissions against NHS England specialised-services clinical network specifications (`netspec serve`).",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    paths(list_specs, get_spec, get_schema, evaluate, evaluate_batch, check, admin_reload,
          healthz, readyz, metrics, openapi, form_page, playground_page),
    components(schemas(SpecInfo, SpecDetail, CheckAnswer, ReadyAnswer, Health, FailureDoc,
                       JsonPositionDoc, CheckCall, LoadFailure)),
    modifiers(&Security),
    tags(
        (name = "specs", description = "The specs served"),
        (name = "evaluate", description = "Evaluate submissions"),
        (name = "authoring", description = "For authoring tools"),
        (name = "operations", description = "Health, readiness, metrics, reload"),
        (name = "pages", description = "The web pages"),
    )
)]
pub(crate) struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

// ---------------------------------------------------------------- layers

/// Answers for the errors of the limiting layers: saturated (503 +
/// Retry-After) or too slow (408).
async fn limit_error(err: tower::BoxError) -> Response {
    if err.is::<tower::load_shed::error::Overloaded>() {
        return retry_after(
            usage(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy; try again shortly".to_string(),
            ),
            "1",
        );
    }
    if err.is::<tower::timeout::error::Elapsed>() {
        return usage(
            StatusCode::REQUEST_TIMEOUT,
            "the request took longer than the server's request timeout".to_string(),
        );
    }
    internal(&format!("unexpected: {err}"))
}

static REQUESTS: AtomicU64 = AtomicU64::new(0);

/// A request id: the caller's `x-request-id` when it is short and plain,
/// else a new one.
fn request_id(headers: &HeaderMap) -> HeaderValue {
    if let Some(v) = headers.get("x-request-id") {
        let b = v.as_bytes();
        if !b.is_empty()
            && b.len() <= 64
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'))
        {
            return v.clone();
        }
    }
    static BOOT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let boot = *BOOT.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    let n = REQUESTS.fetch_add(1, Ordering::Relaxed);
    HeaderValue::from_str(&format!("{boot:x}-{n:x}"))
        .unwrap_or_else(|_| HeaderValue::from_static("0"))
}

/// Gives every request an id (`x-request-id`, echoed in the answer), counts
/// it in the metrics and logs it (never its body).
async fn track(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(req.headers());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "pages".to_string(), |m| m.as_str().to_string());
    let method = req.method().clone();
    let path = shown(req.uri().path());
    let mut r = next.run(req).await;
    let status = r.status().as_u16();
    st.metrics.request(&route, method.as_str(), status);
    tracing::info!(
        request_id = %id.to_str().unwrap_or_default(),
        method = %method,
        route = %route,
        path = %path,
        status,
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    r.headers_mut().insert("x-request-id", id);
    r
}

/// The service's routes over `state`, with their layers: request ids,
/// logging and metrics on every route; the request timeout and the
/// concurrency limit (503 + Retry-After when saturated) on the API routes
/// (not on health, readiness, metrics and the pages); CORS for the one
/// origin configured, if any.
pub fn router(state: Arc<AppState>) -> Router {
    let limits = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(limit_error))
        .load_shed()
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            state.max_concurrency,
        ))
        .timeout(state.request_timeout);
    let api = Router::new()
        .route("/v1/specs", get(list_specs))
        .route("/v1/specs/{id}", get(get_spec))
        .route("/v1/specs/{id}/schema", get(get_schema))
        .route("/v1/specs/{id}/evaluate", post(evaluate))
        .route("/v1/specs/{id}/evaluate-batch", post(evaluate_batch))
        .route("/v1/check", post(check))
        .route("/v1/admin/reload", post(admin_reload))
        .layer(limits);
    let ops = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi));
    let mut app = api
        .merge(ops)
        .fallback(pages)
        .layer(middleware::from_fn_with_state(state.clone(), track));
    if let Some(origin) = &state.cors_origin {
        app = app.layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(origin.clone())
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
                .expose_headers([header::HeaderName::from_static("x-request-id")]),
        );
    }
    app.with_state(state)
}
