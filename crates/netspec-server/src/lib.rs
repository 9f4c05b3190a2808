//! # netspec-server
//!
//! `netspec serve`: the netspec rules engine as an HTTP service, for any
//! system that can send an HTTP request (a trust's integration engine, a
//! .NET, Java, Python or Go service). It loads every spec of a folder
//! (`*.netspec`, by file stem: `adult_critical_care`) through the confined
//! file reader and answers:
//!
//! | route | what |
//! |---|---|
//! | `GET /v1/specs` | every spec: id, title, version, respondents |
//! | `GET /v1/specs/{id}` | one spec: metadata, requirement ids, the form model |
//! | `GET /v1/specs/{id}/schema` | the JSON Schema of a valid submission |
//! | `POST /v1/specs/{id}/evaluate` | a submission → the report, byte for byte `netspec eval --format json` |
//! | `POST /v1/specs/{id}/evaluate-batch` | NDJSON in → NDJSON out, streamed, as `netspec eval --batch` |
//! | `POST /v1/check` | a spec and the files it uses → its diagnostics (no file access) |
//! | `POST /v1/admin/reload` | compile the folder again (with `--admin-token`) |
//! | `GET /healthz`, `GET /readyz`, `GET /metrics`, `GET /openapi.json` | operations |
//! | `GET /`, `GET /playground` | the self-assessment form and the playground |
//!
//! ```no_run
//! # async fn demo() -> Result<(), netspec_server::ServeError> {
//! let config = netspec_server::Config::default();
//! let state = netspec_server::AppState::new(&config)?;
//! netspec_server::reload(&state).await;
//! let app: axum::Router = netspec_server::router(state);
//! # let _ = app; Ok(()) }
//! ```
//!
//! [`serve`] binds, loads the specs, reloads them on SIGHUP and stops
//! gracefully on SIGTERM or SIGINT; [`run`] does the same on a runtime of
//! its own. It closes a connection whose client takes longer than
//! [`Config::header_timeout`] to send a request's headers, and keeps at
//! most [`Config::max_connections`] open (past it, new ones wait unaccepted). Evaluation runs on tokio's blocking pool, never on the async
//! threads. Logs are JSON lines on stderr (`RUST_LOG` filters them) and
//! never hold a request's body.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::http::HeaderValue;

mod batch;
pub mod catalog;
pub mod metrics;
mod openapi;
mod routes;
pub mod web;

pub use openapi::openapi_json;
pub use routes::router;

use catalog::Catalog;
use metrics::Metrics;

/// How to serve.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The folder of specs (`*.netspec`, each served by its file stem).
    pub specs: PathBuf,
    /// Where to listen (port 0 picks a free port).
    pub addr: SocketAddr,
    /// The bearer token of `POST /v1/admin/reload` (the route is off without one).
    pub admin_token: Option<String>,
    /// The one origin CORS allows (CORS is off without one).
    pub cors_origin: Option<String>,
    /// The web folder of the static pages (`bindings/web`, with the
    /// WebAssembly package in `../wasm` beside it); `None` serves no pages.
    pub web: Option<PathBuf>,
    /// The longest a request may take, reading its body included
    /// (408 past it); for evaluate-batch, the longest wait for more input.
    pub request_timeout: Duration,
    /// The most API requests handled at once; more are answered 503 with
    /// Retry-After.
    pub max_concurrency: usize,
    /// How long requests in flight may take to finish after SIGTERM/SIGINT.
    pub shutdown_timeout: Duration,
    /// The longest a client may take to send a request's headers, counted
    /// from the connection's opening or from the end of its previous answer
    /// (so also the longest a kept-alive connection stays idle); the
    /// connection is closed, without an answer, past it. Above zero.
    pub header_timeout: Duration,
    /// The most connections open at once. Past it no new connection is
    /// accepted until one closes: new ones wait in the listen backlog (the
    /// operating system's queue of connections not yet accepted). Keep it
    /// under the process's limit of open files (`ulimit -n`). At least 1
    /// (0 counts as 1).
    pub max_connections: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            specs: PathBuf::from("specs"),
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            admin_token: None,
            cors_origin: None,
            web: Some(PathBuf::from("bindings/web")),
            request_timeout: Duration::from_secs(30),
            max_concurrency: 256,
            shutdown_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

impl Config {
    /// The default configuration: `specs/`, 127.0.0.1:8080, no admin
    /// token, no CORS, the pages of `bindings/web`, 30 s request and
    /// shutdown timeouts, 256 requests at once, 10 s to send a request's
    /// headers, 1024 connections open at once.
    pub fn new() -> Config {
        Config::default()
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The specs folder cannot be read.
    #[error(transparent)]
    Specs(#[from] catalog::FolderError),
    /// `--cors-origin` is not an origin.
    #[error("`{0}` is not an origin for CORS (write it as scheme://host[:port], e.g. https://forms.example.nhs.uk)")]
    CorsOrigin(String),
    /// The admin token is empty or not printable ASCII.
    #[error("the admin token must be 1 to 1024 printable ASCII characters, without spaces")]
    AdminToken,
    /// The runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// Serving failed.
    #[error("the server stopped: {0}")]
    Io(#[source] std::io::Error),
}

/// Everything the routes share.
pub struct AppState {
    /// The specs served now: swapped whole by a reload.
    pub catalog: ArcSwap<Catalog>,
    /// The metrics.
    pub metrics: Metrics,
    reloading: tokio::sync::Mutex<()>,
    specs_dir: PathBuf,
    admin_token: Option<Vec<u8>>,
    cors_origin: Option<HeaderValue>,
    pages: Option<web::Pages>,
    request_timeout: Duration,
    max_concurrency: usize,
    openapi: bytes::Bytes,
}

impl AppState {
    /// The state for `config`, with no spec loaded yet ([`reload`] loads
    /// them). Checks that the specs folder can be read.
    pub fn new(config: &Config) -> Result<Arc<AppState>, ServeError> {
        catalog::spec_files(&config.specs)?;
        let cors_origin = match &config.cors_origin {
            None => None,
            Some(o) => Some(cors_origin(o).ok_or_else(|| ServeError::CorsOrigin(o.clone()))?),
        };
        let admin_token = match &config.admin_token {
            None => None,
            Some(t) => {
                if t.is_empty() || t.len() > 1024 || !t.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(ServeError::AdminToken);
                }
                Some(t.as_bytes().to_vec())
            }
        };
        Ok(Arc::new(AppState {
            catalog: ArcSwap::from_pointee(Catalog::default()),
            metrics: Metrics::new(),
            reloading: tokio::sync::Mutex::new(()),
            specs_dir: config.specs.clone(),
            admin_token,
            cors_origin,
            pages: config.web.as_deref().map(web::Pages::new),
            request_timeout: config.request_timeout,
            max_concurrency: config.max_concurrency.max(1),
            openapi: bytes::Bytes::from(openapi_json()),
        }))
    }
}

/// `https://host[:port]` (or http), nothing more, as a header value.
fn cors_origin(text: &str) -> Option<HeaderValue> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !ok {
        return None;
    }
    HeaderValue::from_str(text).ok()
}

/// Loads the specs folder again, in the background of the async threads,
/// and swaps the new catalog in at once; a spec that no longer compiles
/// keeps its last good version. One reload runs at a time. Gives the
/// catalog now served; `Err` (the old catalog kept) when the folder cannot
/// be read.
pub async fn reload(state: &Arc<AppState>) -> Result<Arc<Catalog>, String> {
    let _one = state.reloading.lock().await;
    let previous = state.catalog.load_full();
    let dir = state.specs_dir.clone();
    let loaded = tokio::task::spawn_blocking(move || catalog::load(&dir, &previous))
        .await
        .map_err(|e| format!("the reload stopped: {e}"))
        .and_then(|r| r.map_err(|e| e.to_string()));
    let m = &state.metrics;
    match loaded {
        Ok(next) => {
            let result = if next.failures.is_empty() {
                "ok"
            } else {
                "failures"
            };
            m.reloads
                .get_or_create(&metrics::ReloadLabels {
                    result: result.to_string(),
                })
                .inc();
            m.specs_loaded
                .set(i64::try_from(next.specs.len()).unwrap_or(i64::MAX));
            m.spec_failures
                .set(i64::try_from(next.failures.len()).unwrap_or(i64::MAX));
            tracing::info!(
                generation = next.generation,
                specs = next.specs.len(),
                failures = next.failures.len(),
                ready = next.ready(),
                "specs loaded"
            );
            let next = Arc::new(next);
            state.catalog.store(next.clone());
            Ok(next)
        }
        Err(message) => {
            m.reloads
                .get_or_create(&metrics::ReloadLabels {
                    result: "error".to_string(),
                })
                .inc();
            tracing::error!(
                error = %message,
                "specs not loaded; the specs loaded before are still served"
            );
            Err(message)
        }
    }
}

/// Logs as JSON lines on stderr, filtered by `RUST_LOG` (default `info`).
/// Does nothing when logging is already set up.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Waits for SIGTERM or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Reloads the specs on every SIGHUP.
fn reload_on_hangup(state: Arc<AppState>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::hangup()) {
            Ok(mut hup) => {
                tokio::spawn(async move {
                    while hup.recv().await.is_some() {
                        tracing::info!("SIGHUP: reloading the specs");
                        let _ = reload(&state).await;
                    }
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGHUP; reload with POST /v1/admin/reload")
            }
        }
    }
    #[cfg(not(unix))]
    let _ = state;
}

/// The most a connection's read buffer holds (hyper's default is about
/// 400 KiB): a request's headers must fit in it or the answer is 431, and
/// with `--max-connections` it bounds the memory that open connections take.
/// Bodies do not count against it: they are read in pieces, up to the body
/// limit.
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// The first pause after an error accepting a connection that is not the
/// connection's own (too many open files, out of memory); it doubles while
/// the errors go on, up to [`ACCEPT_BACKOFF_MAX`].
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
/// The longest pause between two failed accepts.
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// An accept error about that one connection (the client went away before
/// it was accepted): the next accept may well succeed at once.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// Serves until SIGTERM or SIGINT: binds `config.addr`, prints
/// `netspec serve: listening on http://ADDR` on stdout, loads the specs,
/// reloads them on SIGHUP; on a stop signal, takes no new connections and
/// lets the requests in flight finish, for at most `config.shutdown_timeout`.
///
/// Connections are HTTP/1.1 with keep-alive. A client must send each
/// request's headers within `config.header_timeout` (the connection is
/// closed past it); at most `config.max_connections` connections are open
/// at once, and past that new ones wait, not accepted, until one closes.
/// An accept that fails (too many open files) is logged and tried again
/// after a short pause; it never stops the server.
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let state = AppState::new(&config)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.addr,
            source,
        })?;
    let local = listener.local_addr().map_err(ServeError::Io)?;
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "netspec serve: listening on http://{local}");
        let _ = out.flush();
    }
    tracing::info!(addr = %local, specs = %netspec::render::escape_controls(&config.specs.to_string_lossy()), "listening");
    {
        let state = state.clone();
        tokio::spawn(async move {
            let _ = reload(&state).await;
        });
    }
    reload_on_hangup(state.clone());

    let app = router(state.clone());
    // hyper's HTTP/1 connection itself (the service speaks HTTP/1.1 only):
    // its header-read timeout runs from the first byte awaited, where a
    // connection that detects the protocol would first wait for the
    // opening bytes with no timeout at all
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .max_buf_size(READ_BUFFER_BYTES)
        .keep_alive(true);
    let slots = Arc::new(tokio::sync::Semaphore::new(
        config
            .max_connections
            .clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
    ));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let stop = shutdown_signal();
    tokio::pin!(stop);
    let mut backoff = ACCEPT_BACKOFF_MIN;
    loop {
        // a free slot first: at the limit, accept pauses and new
        // connections wait in the listen backlog
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                backoff = ACCEPT_BACKOFF_MIN;
                accepted
            }
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                tracing::error!(error = %e, pause_ms = backoff.as_millis() as u64, "cannot accept a connection; trying again after a pause");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = &mut stop => break,
                }
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection =
            graceful.watch(http.serve_connection(hyper_util::rt::TokioIo::new(stream), service));
        let state = state.clone();
        state.metrics.connections_open.inc();
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                if e.is_timeout() {
                    state.metrics.header_timeouts.inc();
                }
                tracing::debug!(peer = %peer, error = %e, "connection closed on an error");
            }
            state.metrics.connections_open.dec();
            // the slot is given back last, once the connection is counted out
            drop(slot);
        });
    }
    // no new connections: the port is closed at once
    drop(listener);
    tracing::info!(
        timeout_s = config.shutdown_timeout.as_secs_f64(),
        "stopping: no new connections; finishing the requests in flight"
    );
    match tokio::time::timeout(config.shutdown_timeout, graceful.shutdown()).await {
        Ok(()) => {
            tracing::info!("stopped");
            Ok(())
        }
        Err(_) => {
            tracing::warn!(
                "stopped: requests still in flight after the shutdown timeout were cut off"
            );
            Ok(())
        }
    }
}

/// [`serve`] on a multi-threaded runtime of its own (evaluations on a
/// blocking pool of twice as many threads as cores, at least 4).
pub fn run(config: Config) -> Result<(), ServeError> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads((cores * 2).max(4))
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(serve(config))
}
