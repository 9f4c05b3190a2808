//! `netspec`: check specs, evaluate submissions, run spec tests, format
//! specs; print shell completions and the manual page.
//!
//! Exit codes: 0 success; 1 the spec has errors, the submission is invalid,
//! a test failed, `--fail-on` was triggered, or `fmt --check`/`--diff`
//! found a file not formatted; 2 usage error (a flag without effect in its
//! mode included) or a file that cannot be read.
//!
//! Conventions: `-` names standard input; `--color` and `NO_COLOR` decide
//! colour (drawn by `netspec::render`); `--quiet` prints only errors.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand, ValueEnum};

mod batch;
mod ci;
mod network;
mod scaffold;

/// Writes a line to stdout; a closed pipe (`netspec … | head`) ends the
/// program quietly, any other write error with a message and exit code 2.
/// Control characters from specs and submissions (escape sequences, bells)
/// are written as escapes (`\u{1b}`); line ends and tabs are kept.
macro_rules! outln {
    ($($t:tt)*) => {{
        let text = format!($($t)*);
        let text = netspec::render::escape_terminal(&text);
        if let Err(e) = writeln!(std::io::stdout(), "{text}") {
            write_failed(&e);
        }
    }};
}

/// [`outln!`] without the newline.
macro_rules! outp {
    ($($t:tt)*) => {{
        let text = format!($($t)*);
        let text = netspec::render::escape_terminal(&text);
        if let Err(e) = write!(std::io::stdout(), "{text}") {
            write_failed(&e);
        }
    }};
}

/// Ends the program after stdout could not be written: quietly for a closed
/// pipe, else with a message and exit code 2 (a full disk must not lose a
/// report silently).
fn write_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write the output: {e}");
    std::process::exit(2);
}

use netspec::render::{self, Style};
use netspec::{Code, CompileOptions, Diagnostic, EvalError, EvalOptions, Outcome, Spec};

/// Rules engine for NHS England specialised-services clinical network specifications.
#[derive(Parser)]
#[command(name = "netspec", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 ok; 1 spec errors, invalid submission, failed tests, --fail-on triggered or (fmt --check, --diff) a file not formatted; 2 usage error or unreadable input."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The folder a spec's `use` and `given file` may read from (default:
    /// the folder of each spec; the current folder for a spec read from
    /// standard input). Nothing outside it is read, only regular files, and
    /// no symlink leading out of it (NS0311).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Colour diagnostics and text reports: `auto` colours a terminal unless
    /// the environment variable NO_COLOR is set (to anything but nothing).
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// Print only errors: no warnings, no passing tests, no progress bar.
    /// Reports, schemas, coverage and JSON output are still written, and
    /// exit codes are the same.
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Check specs for errors and warnings.
    Check {
        /// Spec files (.netspec); `-` reads one from standard input (its
        /// `use`d files are then read relative to the current folder, and
        /// only inside it, or inside --root).
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Output format for diagnostics: text, json, or sarif (SARIF
        /// 2.1.0, for code scanning in CI).
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Evaluate a submission against a spec and print the report.
    Eval {
        /// The spec (.netspec); `-` reads it from standard input (its `use`d
        /// files are then read relative to the current folder, and only
        /// inside it, or inside --root).
        spec: PathBuf,
        /// The submission (JSON); `-` reads it from standard input.
        #[arg(required_unless_present = "batch")]
        submission: Option<PathBuf>,
        /// Evaluate every line of FILE (one JSON submission per line; `-` for
        /// stdin) on all cores; print one compact JSON report per line, in
        /// input order. A bad line prints {"line": N, "diagnostics": [...]}
        /// and the batch goes on; the exit code is then 1.
        #[arg(long, value_name = "FILE", conflicts_with = "submission")]
        batch: Option<PathBuf>,
        /// Assessment date (YYYY-MM-DD); overrides the end of the assessment
        /// period in the submission's header.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Evaluate a submission without a header as from this respondent
        /// (its report then has no header and the warning NS0217); without
        /// this option a submission must have a header (NS0211). A header,
        /// when given, always decides.
        #[arg(long, value_enum, value_name = "RESPONDENT")]
        unattributed: Option<Who>,
        /// Report format (not with --batch, which always writes JSON lines).
        #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "batch")]
        format: Format,
        /// Exit with status 1 when the report shows this.
        #[arg(long, value_enum, value_name = "WHEN")]
        fail_on: Option<FailOn>,
        /// Leave explanations out (faster).
        #[arg(long)]
        no_explanations: bool,
        /// Draw no progress bar (with --batch; it is drawn only on a terminal).
        #[arg(long)]
        no_progress: bool,
        /// What the submission is: a netspec submission (`json`), or a FHIR
        /// R4 QuestionnaireResponse to the spec's Questionnaire (`fhir`;
        /// see `netspec fhir`), read as `netspec fhir response` reads it.
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReadAs::Json, conflicts_with = "batch")]
        from: ReadAs,
        /// SPEC is a compiled document (written by `netspec compile`),
        /// loaded without parsing or checking the spec again; the report is
        /// byte for byte the one from the spec's source.
        #[arg(long)]
        compiled: bool,
    },
    /// Compile a spec into a compiled document: one JSON text that
    /// `netspec eval --compiled` (and the browser form's WebAssembly module)
    /// loads without parsing or checking the spec again. It holds the
    /// compiled spec, the spec's files (explanations quote them) and its
    /// limits, with the document format and the engine version: only this
    /// version of netspec loads it (NS0312 otherwise). Its tests are not
    /// part of it. See docs/compiled.md.
    Compile {
        /// The spec (.netspec); `-` reads it from standard input.
        spec: PathBuf,
        /// Write the document to FILE (default: standard output).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Roll every provider's submission up into one network report: per
    /// provider, per requirement and per area, the network's own duties
    /// apart, and the submissions that could not be evaluated (listed,
    /// never dropped). Exit 0 when the report is written, failed
    /// submissions included.
    Network {
        /// The spec (.netspec); `-` reads it from standard input.
        spec: PathBuf,
        /// Submissions: JSON files, folders (their .json, .jsonl and .ndjson
        /// files, sorted), JSON Lines files (.jsonl, .ndjson: one submission
        /// a line), `-` for JSON Lines on standard input.
        #[arg(required = true)]
        submissions: Vec<PathBuf>,
        /// Output format: json (the network report, `network_format` 1),
        /// csv (one row per provider × requirement), html (one
        /// self-contained printable page), xlsx (an Excel workbook).
        #[arg(long, value_enum, default_value_t = NetworkFormat::Json)]
        format: NetworkFormat,
        /// The previous period's submissions (files or folders, as
        /// SUBMISSIONS): the report then says what changed, per provider
        /// (matched by ODS code) and per requirement.
        #[arg(long, value_name = "DIR")]
        previous: Option<PathBuf>,
        /// Write the report into FILE rather than standard output (an xlsx
        /// workbook is never written to a terminal).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Assessment date (YYYY-MM-DD) for every submission; overrides the
        /// end of each header's assessment period.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Leave the explanations of requirements not met out (faster, smaller).
        #[arg(long)]
        no_explanations: bool,
    },
    /// Run the `test` blocks of specs (files or folders).
    Test {
        /// Spec files or folders searched for .netspec files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Only tests whose name contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// Report which outcomes the tests produced for each requirement.
        #[arg(long)]
        coverage: bool,
        /// Fail (exit 1) when a spec's coverage is below this percentage (implies --coverage).
        #[arg(long, value_name = "PERCENT")]
        min_coverage: Option<f64>,
        /// Output format: text, json, or junit (JUnit XML, for CI test
        /// reports).
        #[arg(long, value_enum, default_value_t = TestFormat::Text)]
        format: TestFormat,
    },
    /// What changed between two versions of a spec: requirements added,
    /// removed, retitled, moved area, level, basis, thresholds (old and new
    /// value), rules (both texts), evidence; inputs added, removed,
    /// retyped, bounds, questions; and what it means for a submission
    /// written for the old version. Exit 0 when both compile.
    Diff {
        /// The old version (.netspec); `-` reads it from standard input.
        old: PathBuf,
        /// The new version (.netspec); `-` reads it from standard input.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Format spec files in the canonical layout (in place; or check them
    /// with --check, or show the changes with --diff).
    Fmt {
        /// Spec files or folders (default: the current folder); `-` alone
        /// reads a spec from standard input and writes it formatted to
        /// standard output.
        paths: Vec<PathBuf>,
        /// Do not write; list files that are not formatted and exit 1 if any.
        #[arg(long)]
        check: bool,
        /// Do not write; print a unified diff of what formatting would change
        /// and exit 1 if anything would.
        #[arg(long, conflicts_with = "check")]
        diff: bool,
    },
    /// FHIR R4 Structured Data Capture: the spec's form as a Questionnaire,
    /// a QuestionnaireResponse as a submission and back.
    Fhir {
        #[command(subcommand)]
        command: FhirCommand,
    },
    /// Print a blank submission to fill in: a header with placeholders and
    /// every question the respondent answers, unanswered (null).
    Blank {
        /// The spec (.netspec); `-` reads it from standard input.
        spec: PathBuf,
        /// Whose submission: a provider's (the default) or the network's.
        #[arg(long, value_enum, default_value_t = Who::Provider)]
        respondent: Who,
        /// Elements given to each list (at least its `min`, at most 100).
        #[arg(long, value_name = "N", default_value_t = 1)]
        items: usize,
        /// The first day of the assessment period in the header.
        #[arg(long, value_name = "DATE", default_value = "2024-04-01")]
        period_start: String,
        /// The last day of the assessment period (the assessment date).
        #[arg(long, value_name = "DATE", default_value = "2025-03-31")]
        period_end: String,
    },
    /// Start a new spec: writes NAME/NAME.netspec (a skeleton with all
    /// seven areas, a requirement in each, and tests), NAME/examples/blank.json
    /// (a blank submission) and NAME/examples/example.json (a filled-in
    /// example that the tests read); `netspec check` and `netspec test` pass
    /// on it as written.
    New {
        /// The spec's id: letters, digits and `_`, starting with a letter.
        name: String,
        /// The folder to create it in (default: the current folder).
        #[arg(long, value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
    /// Print the JSON Schema (draft 2020-12) of a valid submission.
    Schema {
        /// The spec (.netspec); `-` reads it from standard input.
        spec: PathBuf,
    },
    /// List the questions a provider answers, grouped as the form shows them.
    Inputs {
        /// The spec (.netspec); `-` reads it from standard input.
        spec: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Serve the specs of a folder over HTTP: evaluate submissions, list
    /// specs and their forms, check specs, health, readiness, metrics, the
    /// OpenAPI document and the web pages. Prints `netspec serve: listening
    /// on http://ADDR` once listening; logs JSON lines on stderr (RUST_LOG
    /// filters them). SIGHUP reloads the specs; SIGTERM or Ctrl-C stops,
    /// letting requests in flight finish.
    Serve(ServeArgs),
    /// Run the language server: the Language Server Protocol over standard
    /// input and output, for editors (diagnostics, hover, go to definition,
    /// references, completion, outline, formatting, semantic tokens and
    /// test lenses). Specs' `use`d files are read only inside their folder.
    Lsp {
        /// Accepted for editors that pass it; standard input and output is
        /// the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Explain a diagnostic code, e.g. `netspec explain NS0002`; `--list`
    /// lists every code with its title.
    Explain {
        /// The code.
        #[arg(required_unless_present = "list", conflicts_with = "list")]
        code: Option<String>,
        /// List every code with its title, one a line.
        #[arg(long)]
        list: bool,
    },
    /// Print a shell completion script, e.g. `netspec completions bash >
    /// /etc/bash_completion.d/netspec`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a folder.
    Man {
        /// Write netspec.1 and a page per command (netspec-eval.1, ...) into DIR.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// `netspec fhir`.
#[derive(Subcommand)]
enum FhirCommand {
    /// Print the FHIR R4 Questionnaire (JSON) of the questions one
    /// respondent answers: the submission header, one group per inputs
    /// section (one item per input, its linkId the input's JSON pointer),
    /// the evidence the respondent's requirements declare.
    Questionnaire {
        /// The spec (.netspec); `-` reads it from standard input.
        spec: PathBuf,
        /// Whose questions.
        #[arg(long, value_enum, value_name = "RESPONDENT", default_value_t = Who::Provider)]
        respondent: Who,
    },
    /// Read a FHIR R4 QuestionnaireResponse to the spec's Questionnaire and
    /// print it as a netspec submission (JSON); with --reverse, read a
    /// submission and print it as a QuestionnaireResponse. Errors name the
    /// JSON pointer and the FHIR path (exit 1).
    Response {
        /// The spec (.netspec).
        spec: PathBuf,
        /// The QuestionnaireResponse (JSON), or with --reverse the
        /// submission; `-` reads it from standard input.
        response: PathBuf,
        /// Convert a submission into a QuestionnaireResponse.
        #[arg(long)]
        reverse: bool,
        /// With --reverse: answer the Questionnaire of this respondent for
        /// a submission without a header (default provider).
        #[arg(long, value_enum, value_name = "RESPONDENT", requires = "reverse")]
        unattributed: Option<Who>,
    },
}

/// What `eval` reads (`--from`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReadAs {
    /// A netspec submission.
    Json,
    /// A FHIR R4 QuestionnaireResponse to the spec's Questionnaire.
    Fhir,
}

/// `netspec serve`.
#[derive(clap::Args)]
struct ServeArgs {
    /// The folder of specs: every `*.netspec` in it is served, by its file
    /// stem (`adult_critical_care`); the files a spec uses are read only
    /// inside the folder.
    #[arg(long, value_name = "DIR", default_value = "specs")]
    specs: PathBuf,
    /// Where to listen (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Turn on `POST /v1/admin/reload`, for callers sending
    /// `authorization: Bearer TOKEN` (compared in constant time). Also read
    /// from the environment variable NETSPEC_ADMIN_TOKEN, which keeps it
    /// out of the process list.
    #[arg(long, value_name = "TOKEN")]
    admin_token: Option<String>,
    /// Allow cross-origin requests from this one origin
    /// (`https://forms.example.nhs.uk`); CORS is off without it.
    #[arg(long, value_name = "ORIGIN")]
    cors_origin: Option<String>,
    /// The folder of the web pages (`/` the self-assessment form,
    /// `/playground`), with the built WebAssembly package in `../wasm`
    /// beside it.
    #[arg(long, value_name = "DIR", default_value = "bindings/web")]
    web: PathBuf,
    /// Serve no web pages.
    #[arg(long)]
    no_web: bool,
    /// The longest a request may take, reading its body included (408
    /// past it); for evaluate-batch, the longest wait for more input.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    request_timeout: f64,
    /// The most API requests handled at once; more are answered 503 with
    /// Retry-After.
    #[arg(long, value_name = "N", default_value_t = 256)]
    max_concurrency: usize,
    /// The longest a client may take to send a request's headers (also
    /// the longest a kept-alive connection stays idle); the connection is
    /// closed past it.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    header_timeout: f64,
    /// The most connections open at once; past it new connections wait,
    /// not accepted, until one closes. Keep it under the limit of open
    /// files (`ulimit -n`).
    #[arg(long, value_name = "N", default_value_t = 1024)]
    max_connections: usize,
    /// How long requests in flight may take to finish once SIGTERM or
    /// SIGINT asks the server to stop.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    shutdown_timeout: f64,
    /// Print the OpenAPI 3.1 document of the service and exit.
    #[arg(long)]
    print_openapi: bool,
}

/// `netspec serve`: runs the HTTP service until it is stopped.
fn serve(args: ServeArgs) -> u8 {
    if args.print_openapi {
        outln!("{}", netspec_server::openapi_json());
        return 0;
    }
    let seconds = |name: &str, s: f64| {
        if s.is_finite() && s > 0.0 && s <= 86_400.0 {
            Ok(std::time::Duration::from_secs_f64(s))
        } else {
            Err(usage_error(&format!(
                "`--{name} {s}` must be a number of seconds above 0, at most 86400"
            )))
        }
    };
    let request_timeout = match seconds("request-timeout", args.request_timeout) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let shutdown_timeout = match seconds("shutdown-timeout", args.shutdown_timeout) {
        Ok(d) => d,
        Err(code) => return code,
    };
    if args.max_concurrency == 0 {
        return usage_error("`--max-concurrency` must be at least 1");
    }
    let header_timeout = match seconds("header-timeout", args.header_timeout) {
        Ok(d) => d,
        Err(code) => return code,
    };
    if args.max_connections == 0 {
        return usage_error("`--max-connections` must be at least 1");
    }
    let admin_token = args.admin_token.or_else(|| {
        std::env::var("NETSPEC_ADMIN_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
    });
    let mut config = netspec_server::Config::new();
    config.specs = args.specs;
    config.addr = args.addr;
    config.admin_token = admin_token;
    config.cors_origin = args.cors_origin;
    config.web = (!args.no_web).then_some(args.web);
    config.request_timeout = request_timeout;
    config.max_concurrency = args.max_concurrency;
    config.shutdown_timeout = shutdown_timeout;
    config.header_timeout = header_timeout;
    config.max_connections = args.max_connections;
    netspec_server::init_logging();
    match netspec_server::run(config) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!(
                "error: {}",
                netspec::render::escape_controls(&e.to_string())
            );
            2
        }
    }
}

impl Command {
    /// The command's name, as typed.
    fn name(&self) -> &'static str {
        match self {
            Command::Check { .. } => "check",
            Command::Eval { .. } => "eval",
            Command::Compile { .. } => "compile",
            Command::Test { .. } => "test",
            Command::Diff { .. } => "diff",
            Command::Network { .. } => "network",
            Command::Fmt { .. } => "fmt",
            Command::Fhir { .. } => "fhir",
            Command::Schema { .. } => "schema",
            Command::Blank { .. } => "blank",
            Command::New { .. } => "new",
            Command::Inputs { .. } => "inputs",
            Command::Serve(_) => "serve",
            Command::Lsp { .. } => "lsp",
            Command::Explain { .. } => "explain",
            Command::Completions { .. } => "completions",
            Command::Man { .. } => "man",
        }
    }

    /// Whether the command compiles specs (and so reads `use`d files, which
    /// `--root` confines).
    fn reads_used_files(&self) -> bool {
        matches!(
            self,
            Command::Check { .. }
                | Command::Eval { .. }
                | Command::Compile { .. }
                | Command::Test { .. }
                | Command::Diff { .. }
                | Command::Network { .. }
                | Command::Schema { .. }
                | Command::Blank { .. }
                | Command::Inputs { .. }
                | Command::Fhir { .. }
        )
    }
}

/// The formats of `netspec network`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum NetworkFormat {
    /// The network report as JSON.
    Json,
    /// Tidy CSV: one row per provider × requirement.
    Csv,
    /// One self-contained, printable HTML page.
    Html,
    /// An Excel workbook: summary, matrix, tidy sheet.
    Xlsx,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// The formats of `netspec check`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// Diagnostics as text (rustc-style).
    Text,
    /// Diagnostics as JSON, per file.
    Json,
    /// A SARIF 2.1.0 log.
    Sarif,
}

/// The formats of `netspec test`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TestFormat {
    /// One line per test, failures explained.
    Text,
    /// Every result as JSON.
    Json,
    /// JUnit XML.
    Junit,
}

/// When to colour (`--color`).
#[derive(Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

/// Who answers a submission (`--unattributed`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Who {
    /// A provider service.
    Provider,
    /// The network itself.
    Network,
}

impl From<Who> for netspec::Respondent {
    fn from(w: Who) -> Self {
        match w {
            Who::Provider => netspec::Respondent::Provider,
            Who::Network => netspec::Respondent::Network,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Any requirement not met.
    NotMet,
    /// Any requirement incomplete.
    Incomplete,
    /// The overall rating is red.
    Red,
    /// The overall rating is amber or red.
    Amber,
}

/// A usage error that clap cannot say: printed as clap prints its own,
/// exit code 2.
fn usage_error(message: &str) -> u8 {
    eprintln!("error: {message}\n\nFor more information, try '--help'.");
    2
}

/// Whether a path is `-`, standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The usage errors clap cannot say: a flag without effect in its mode,
/// standard input named twice.
fn misuse(cli: &Cli) -> Option<String> {
    if cli.root.is_some() && !cli.command.reads_used_files() {
        return Some(format!(
            "`--root` has no effect with `netspec {}`, which reads no `use`d file",
            cli.command.name()
        ));
    }
    match &cli.command {
        Command::Eval { compiled: true, .. } if cli.root.is_some() => Some(
            "`--root` has no effect with `netspec eval --compiled`: a compiled document reads no `use`d file"
                .to_string(),
        ),
        // (clap's `requires` yields to the conflict between --batch and
        // SUBMISSION, so it would let `eval SPEC SUB --no-progress` through)
        Command::Eval {
            no_progress: true,
            batch: None,
            ..
        } => Some(
            "`--no-progress` has no effect without `--batch`: only a batch draws a progress bar"
                .to_string(),
        ),
        Command::Check { specs, .. } if specs.iter().filter(|p| is_stdin(p)).count() > 1 => {
            Some("standard input (`-`) can be read only once".to_string())
        }
        Command::Eval {
            spec,
            submission,
            batch,
            ..
        } if is_stdin(spec) && submission.iter().chain(batch.iter()).any(|p| is_stdin(p)) => Some(
            "the spec and the submission cannot both be read from standard input (`-`)".to_string(),
        ),
        Command::Fhir {
            command: FhirCommand::Response { spec, response, .. },
        } if is_stdin(spec) && is_stdin(response) => Some(
            "the spec and the response cannot both be read from standard input (`-`)".to_string(),
        ),
        Command::Diff { old, new, .. } if is_stdin(old) && is_stdin(new) => {
            Some("standard input (`-`) can be read only once".to_string())
        }
        Command::Fmt { paths, .. } if paths.len() > 1 && paths.iter().any(|p| is_stdin(p)) => {
            Some("`netspec fmt -` formats standard input alone: name no other path".to_string())
        }
        _ => None,
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if let Some(message) = misuse(&cli) {
        return ExitCode::from(usage_error(&message));
    }
    let _ = SETTINGS.set(Settings {
        root: cli.root.clone(),
        color: cli.color,
        quiet: cli.quiet,
    });
    let code = match cli.command {
        Command::Check { specs, format } => check(&specs, format),
        Command::Eval {
            spec,
            submission,
            batch,
            as_of,
            unattributed,
            format,
            fail_on,
            no_explanations,
            no_progress,
            from,
            compiled,
        } => match (batch, submission) {
            (Some(lines), _) => eval_batch(
                (&spec, compiled),
                &lines,
                as_of.as_deref(),
                unattributed.map(Into::into),
                fail_on,
                !no_explanations,
                !no_progress && !cli.quiet,
            ),
            (None, Some(submission)) => eval(
                (&spec, compiled),
                &submission,
                as_of.as_deref(),
                unattributed.map(Into::into),
                format,
                fail_on,
                !no_explanations,
                from,
            ),
            (None, None) => 2,
        },
        Command::Test {
            min_coverage: Some(m),
            ..
        } if !(0.0..=100.0).contains(&m) => {
            eprintln!("error: `--min-coverage {m}` is not a percentage from 0 to 100");
            2
        }
        Command::Test {
            paths,
            filter,
            coverage,
            min_coverage,
            format,
        } => test(
            &paths,
            filter.as_deref(),
            coverage || min_coverage.is_some(),
            min_coverage,
            format,
        ),
        Command::Diff { old, new, format } => diff(&old, &new, format),
        Command::Network {
            spec,
            submissions,
            format,
            previous,
            output,
            as_of,
            no_explanations,
        } => network_command(
            &spec,
            &submissions,
            format,
            previous.as_deref(),
            output.as_deref(),
            as_of.as_deref(),
            !no_explanations,
        ),
        Command::Fmt { paths, check, diff } => {
            let mode = if diff {
                FmtMode::Diff
            } else if check {
                FmtMode::Check
            } else {
                FmtMode::Write
            };
            fmt(&paths, mode)
        }
        Command::Fhir { command } => fhir(command),
        Command::Blank {
            spec,
            respondent,
            items,
            period_start,
            period_end,
        } => blank(
            &spec,
            respondent.into(),
            items,
            (&period_start, &period_end),
        ),
        Command::New { name, dir } => scaffold::new_spec(&name, &dir),
        Command::Compile { spec, output } => compile(&spec, output.as_deref()),
        Command::Schema { spec } => match load(&spec, Format::Text, false) {
            Ok(s) => {
                print_json(&s.json_schema());
                0
            }
            Err(code) => code,
        },
        Command::Inputs { spec, format } => match load(&spec, Format::Text, false) {
            Ok(s) => {
                let sections = s.inputs();
                match format {
                    Format::Json => {
                        print_json(&serde_json::to_value(&sections).unwrap_or_default())
                    }
                    Format::Text => outp!("{}", inputs_text(&sections)),
                }
                0
            }
            Err(code) => code,
        },
        Command::Serve(args) => serve(args),
        Command::Lsp { stdio: _ } => match netspec_lsp::run_stdio() {
            Ok(()) => 0,
            Err(e) => {
                eprintln!(
                    "error: {}",
                    netspec::render::escape_controls(&e.to_string())
                );
                1
            }
        },
        Command::Explain { code, list } => match code {
            Some(code) if !list => explain(&code),
            _ => {
                for c in Code::ALL {
                    outln!("{}  {}", c.as_str(), c.title());
                }
                0
            }
        },
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "netspec", &mut out);
            write_raw(&String::from_utf8_lossy(&out));
            0
        }
        Command::Man { out } => man(out.as_deref()),
    };
    if let Err(e) = std::io::stdout().flush() {
        write_failed(&e);
    }
    ExitCode::from(code)
}

/// The options every command shares.
#[derive(Default)]
struct Settings {
    /// `--root DIR`.
    root: Option<PathBuf>,
    /// `--color WHEN`.
    color: ColorWhen,
    /// `--quiet`.
    quiet: bool,
}

static SETTINGS: std::sync::OnceLock<Settings> = std::sync::OnceLock::new();

fn settings() -> &'static Settings {
    static DEFAULT: Settings = Settings {
        root: None,
        color: ColorWhen::Auto,
        quiet: false,
    };
    SETTINGS.get().unwrap_or(&DEFAULT)
}

/// Whether only errors are printed (`--quiet`).
fn quiet() -> bool {
    settings().quiet
}

/// Where text goes.
#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// How text for `stream` is drawn: coloured with `--color always`, or with
/// `auto` (the default) on a terminal when NO_COLOR is not set.
fn style(stream: Stream) -> Style {
    use std::io::IsTerminal as _;
    match settings().color {
        ColorWhen::Always => Style::Ansi,
        ColorWhen::Never => Style::Plain,
        ColorWhen::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let terminal = match stream {
                Stream::Stdout => std::io::stdout().is_terminal(),
                Stream::Stderr => std::io::stderr().is_terminal(),
            };
            Style::coloured(terminal && !no_color)
        }
    }
}

/// Writes text that is already safe for a terminal (rendered, its control
/// characters escaped) to stdout, as it is.
fn write_raw(text: &str) {
    if let Err(e) = std::io::stdout().write_all(text.as_bytes()) {
        write_failed(&e);
    }
}

/// `netspec man`: the top page on stdout, or every page into `dir`.
fn man(dir: Option<&Path>) -> u8 {
    let cmd = Cli::command();
    match dir {
        Some(dir) => {
            let written =
                std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir));
            match written {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!(
                        "error: cannot write the manual pages into `{}`: {e}",
                        netspec::render::escape_controls(&dir.to_string_lossy())
                    );
                    2
                }
            }
        }
        None => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut out) {
                Ok(()) => {
                    write_raw(&String::from_utf8_lossy(&out));
                    0
                }
                Err(e) => {
                    eprintln!("error: cannot write the manual page: {e}");
                    2
                }
            }
        }
    }
}

/// A path as text for the engine, which names files in UTF-8; `None`
/// (message printed) for a name that is not.
fn utf8_name(path: &Path) -> Option<String> {
    match path.to_str() {
        Some(s) => Some(s.to_string()),
        None => {
            eprintln!(
                "error: the file name `{}` is not UTF-8; netspec names files in UTF-8",
                netspec::render::escape_controls(&path.to_string_lossy())
            );
            None
        }
    }
}

/// The name a spec read from standard input goes by: the files it `use`s
/// are resolved from the current folder.
const STDIN_SPEC: &str = "<stdin>.netspec";

/// The name a submission (or a spec to format) read from standard input goes by.
const STDIN_NAME: &str = "<stdin>";

/// Reads and compiles a spec from disk, or from standard input for `-`
/// (then the files it names are read from the current folder, or
/// `--root`), through the confined reader: inside `--root`, or the spec's
/// own folder, under the same rules and limits. Err(exit code) when the
/// spec itself cannot be read (message printed).
fn read_spec(
    path: &Path,
    options: &CompileOptions,
    format: Format,
    sink: Option<&mut Vec<serde_json::Value>>,
) -> Result<(String, Result<Spec, netspec::CompileError>), u8> {
    let root = settings().root.as_deref();
    if is_stdin(path) {
        return match read_text(path, 1, options.limits.max_source_bytes) {
            Ok(text) => Ok((
                STDIN_SPEC.to_string(),
                Spec::read(STDIN_SPEC, Some(text), root, options),
            )),
            Err(e) => Err(e.report(STDIN_SPEC, format, sink)),
        };
    }
    let name = utf8_name(path).ok_or(2u8)?;
    match read_text(path, 1, options.limits.max_source_bytes) {
        // too large: compiling says so (NS0301)
        Ok(_) | Err(Unreadable::TooLarge(_)) => {}
        Err(e) => return Err(e.report(&name, format, sink)),
    }
    let compiled = Spec::read(&name, None, root, options);
    Ok((name, compiled))
}

/// Compiles a spec from disk or standard input (with its `test` blocks when
/// `tests`, else for evaluation only); on failure prints diagnostics and
/// returns the exit code.
fn load(path: &Path, format: Format, tests: bool) -> Result<Spec, u8> {
    let options = if tests {
        CompileOptions::default()
    } else {
        CompileOptions::evaluation_only()
    };
    let (name, compiled) = read_spec(path, &options, format, None)?;
    compiled.map_err(|e| {
        match format {
            Format::Text => eprint!("{}", render::compile_error(&e, style(Stream::Stderr))),
            Format::Json => {
                print_json(&serde_json::json!({ "file": name, "diagnostics": e.diagnostics }))
            }
        }
        1
    })
}

/// Most bytes of a compiled document read (the engine refuses more, NS0312).
const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// The spec to evaluate: compiled from its source, or loaded from a
/// compiled document (`--compiled`); on failure prints diagnostics and
/// returns the exit code.
fn load_for_eval(path: &Path, format: Format, compiled: bool) -> Result<Spec, u8> {
    if !compiled {
        return load(path, format, false);
    }
    let name = if is_stdin(path) {
        STDIN_NAME.to_string()
    } else {
        path.to_string_lossy().into_owned()
    };
    let loaded = match read_text(path, 1, MAX_DOCUMENT_BYTES) {
        Ok(text) => Spec::from_document(&text),
        Err(Unreadable::TooLarge(max)) => {
            let d = Diagnostic::error(
                Code::DocumentRefused,
                format!("the compiled document is larger than the {max} bytes a document may have"),
            );
            report_diagnostics(&name, format, &[d]);
            return Err(1);
        }
        Err(e) => return Err(e.report(&name, format, None)),
    };
    loaded.map_err(|e| {
        report_diagnostics(&name, format, &e.diagnostics);
        1
    })
}

/// Prints diagnostics about the file `name`: rendered on standard error,
/// or as JSON on standard output.
fn report_diagnostics(name: &str, format: Format, diagnostics: &[Diagnostic]) {
    match format {
        Format::Text => {
            eprintln!("{}:", netspec::render::escape_controls(name));
            eprint!(
                "{}",
                render::diagnostics(diagnostics, None, style(Stream::Stderr))
            );
        }
        Format::Json => {
            print_json(&serde_json::json!({ "file": name, "diagnostics": diagnostics }))
        }
    }
}

/// `netspec compile`: the spec's compiled document, to `output` or
/// standard output. The document is loaded back before it is written, so a
/// document written is one this engine loads.
fn compile(spec_path: &Path, output: Option<&Path>) -> u8 {
    let spec = match load(spec_path, Format::Text, false) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut doc = spec.to_document();
    if let Err(e) = Spec::from_document(&doc) {
        let name = spec_path.to_string_lossy().into_owned();
        report_diagnostics(&name, Format::Text, &e.diagnostics);
        return 1;
    }
    doc.push('\n');
    match output {
        None => {
            write_raw(&doc);
            0
        }
        Some(path) => match std::fs::write(path, doc) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!(
                    "error: cannot write `{}`: {e}",
                    netspec::render::escape_controls(&path.to_string_lossy())
                );
                2
            }
        },
    }
}

/// A file that could not be read as text.
enum Unreadable {
    /// Not there, or not readable (message printed): exit code 2.
    Io,
    /// Not UTF-8: an NS0309 diagnostic, and the exit code to give.
    NotUtf8(Box<Diagnostic>, u8),
    /// Larger than the limit it was read under (in bytes): a spec (NS0301).
    TooLarge(usize),
}

impl Unreadable {
    /// Prints the NS0309 diagnostic (into `sink` for JSON output that
    /// collects diagnostics) and returns the exit code.
    fn report(self, name: &str, format: Format, sink: Option<&mut Vec<serde_json::Value>>) -> u8 {
        let (d, code) = match self {
            Unreadable::Io => return 2,
            Unreadable::NotUtf8(d, code) => (d, code),
            Unreadable::TooLarge(max) => (
                Box::new(
                    Diagnostic::error(
                        Code::SourceTooLarge,
                        format!("the spec file is larger than the limit of {max} bytes"),
                    )
                    .with_help("split the spec"),
                ),
                1,
            ),
        };
        {
            {
                let entry = serde_json::json!({ "file": name, "diagnostics": [d] });
                match (format, sink) {
                    (Format::Text, _) => {
                        let text = render::diagnostics(&[*d], None, style(Stream::Stderr));
                        eprint!("{}:\n{text}", netspec::render::escape_controls(name));
                    }
                    (Format::Json, Some(all)) => all.push(entry),
                    (Format::Json, None) => print_json(&entry),
                }
                code
            }
        }
    }
}

/// Reads a file that must be UTF-8 text, at most `max` bytes (a larger one
/// is [`Unreadable::TooLarge`]: its size is checked first, and the reading
/// stops one byte past `max`); `not_utf8` is the exit code for text that is
/// not UTF-8.
fn read_text(path: &Path, not_utf8: u8, max: usize) -> Result<String, Unreadable> {
    let bytes = read_capped(path, max).map_err(|e| {
        eprintln!(
            "error: cannot read `{}`: {e}",
            netspec::render::escape_controls(&path.to_string_lossy())
        );
        Unreadable::Io
    })?;
    let bytes = bytes.map_err(|_| Unreadable::TooLarge(max))?;
    match netspec::decode_utf8(&bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(d) => Err(Unreadable::NotUtf8(d, not_utf8)),
    }
}

/// At most `max` bytes of a file; `Err(n)` when it holds more: `n` is its
/// size for a regular file (checked before reading), else `max + 1` (the
/// reading of a device or a pipe stops one byte past `max`).
/// `-` reads standard input, up to one byte past `max`.
fn read_capped(path: &Path, max: usize) -> std::io::Result<Result<Vec<u8>, usize>> {
    use std::io::Read as _;
    if is_stdin(path) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take((max as u64).saturating_add(1))
            .read_to_end(&mut bytes)?;
        return Ok(if bytes.len() > max {
            Err(max.saturating_add(1))
        } else {
            Ok(bytes)
        });
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::Error::other("it is a folder"));
    }
    if meta.is_file() && meta.len() > max as u64 {
        return Ok(Err(usize::try_from(meta.len()).unwrap_or(usize::MAX)));
    }
    let mut bytes = Vec::new();
    file.take((max as u64).saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(if bytes.len() > max {
        Err(max.saturating_add(1))
    } else {
        Ok(bytes)
    })
}

/// `text` and a line break on stdout, flushed; a write error is reported.
fn print_text_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let written = out
        .write_all(text.as_bytes())
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        write_failed(&e);
    }
}

fn print_json(v: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, v)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        write_failed(&e);
    }
}

fn check(specs: &[PathBuf], check_format: CheckFormat) -> u8 {
    let mut worst = 0;
    let mut all = Vec::new();
    let mut sarif = Vec::new();
    let options = CompileOptions::default();
    let format = match check_format {
        CheckFormat::Text => Format::Text,
        CheckFormat::Json | CheckFormat::Sarif => Format::Json,
    };
    for path in specs {
        let (name, compiled) = match read_spec(path, &options, format, Some(&mut all)) {
            Ok(found) => found,
            Err(code) => {
                worst = worst.max(code);
                continue;
            }
        };
        let (diagnostics, text) = match compiled {
            Ok(spec) => {
                let mut diagnostics = spec.warnings().to_vec();
                if quiet() {
                    diagnostics.retain(Diagnostic::is_error);
                }
                let text = render::diagnostics(&diagnostics, Some(&spec), style(Stream::Stderr));
                (diagnostics, text)
            }
            Err(mut e) => {
                worst = worst.max(1);
                if quiet() {
                    e.diagnostics.retain(Diagnostic::is_error);
                }
                let text = render::compile_error(&e, style(Stream::Stderr));
                (e.diagnostics, text)
            }
        };
        match check_format {
            CheckFormat::Text => eprint!("{text}"),
            CheckFormat::Json if !diagnostics.is_empty() => {
                all.push(serde_json::json!({ "file": name, "diagnostics": diagnostics }))
            }
            CheckFormat::Sarif => sarif.push((name, diagnostics)),
            CheckFormat::Json => {}
        }
    }
    match check_format {
        CheckFormat::Json => print_json(&serde_json::Value::Array(all)),
        CheckFormat::Sarif => {
            // files that could not be read (NS0309, NS0301) were collected as JSON
            for entry in all {
                let name = entry["file"].as_str().unwrap_or_default().to_string();
                let ds = serde_json::from_value(entry["diagnostics"].clone()).unwrap_or_default();
                sarif.push((name, ds));
            }
            print_json(&ci::sarif(&sarif));
        }
        CheckFormat::Text => {}
    }
    worst
}

/// `netspec diff OLD NEW`: both compiled for evaluation (their tests are
/// not read), then compared by `netspec::diff`.
fn diff(old: &Path, new: &Path, format: Format) -> u8 {
    let old = match load(old, format, false) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let new = match load(new, format, false) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let d = netspec::diff(&old, &new);
    match format {
        Format::Json => print_json(&serde_json::to_value(&d).unwrap_or_default()),
        Format::Text => outp!("{d}"),
    }
    0
}

/// `--as-of DATE`: a date, or (message printed) exit code 2.
fn parse_as_of(as_of: Option<&str>) -> Result<Option<netspec::Date>, ()> {
    match as_of.map(|d| (d, netspec::Date::parse(d))) {
        None => Ok(None),
        Some((_, Some(d))) => Ok(Some(d)),
        Some((text, None)) => {
            eprintln!(
                "error: `--as-of {}` is not a valid date (YYYY-MM-DD)",
                render::escape_terminal(text)
            );
            Err(())
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn eval(
    (spec_path, compiled): (&Path, bool),
    sub_path: &Path,
    as_of: Option<&str>,
    unattributed: Option<netspec::Respondent>,
    format: Format,
    fail_on: Option<FailOn>,
    explanations: bool,
    from: ReadAs,
) -> u8 {
    let Ok(as_of) = parse_as_of(as_of) else {
        return 2;
    };
    let spec = match load_for_eval(spec_path, format, compiled) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let sub_name = if is_stdin(sub_path) {
        STDIN_NAME.to_string()
    } else {
        sub_path.to_string_lossy().into_owned()
    };
    let max = spec.limits().max_submission_bytes;
    let text = match read_capped(sub_path, max) {
        Ok(Err(size)) => Err(spec.too_large(size)),
        Ok(Ok(bytes)) => match netspec::decode_utf8(&bytes) {
            Ok(t) => Ok(t.to_string()),
            Err(d) => return Unreadable::NotUtf8(d, 2).report(&sub_name, format, None),
        },
        Err(e) => {
            eprintln!(
                "error: cannot read `{}`: {e}",
                netspec::render::escape_controls(&sub_path.to_string_lossy())
            );
            return 2;
        }
    };
    let opts = EvalOptions::default()
        .with_as_of(as_of)
        .with_explanations(explanations)
        .with_unattributed(unattributed);
    let text = match from {
        ReadAs::Json => text,
        // a response is read as a submission first: its errors name the FHIR path
        ReadAs::Fhir => text.and_then(|t| spec.submission_from_fhir_str(&t).map(|c| c.to_string())),
    };
    let report = match text.and_then(|text| spec.evaluate_str(&text, &opts)) {
        Ok(r) => r,
        Err(e) => {
            let code = if matches!(e, EvalError::Json(_)) {
                2
            } else {
                1
            };
            let diags = e.diagnostics();
            match format {
                Format::Text => {
                    eprintln!("{}:", netspec::render::escape_controls(&sub_name));
                    let text = render::diagnostics(&diags, Some(&spec), style(Stream::Stderr));
                    eprint!("{text}");
                    let n = diags.iter().filter(|d| d.is_error()).count();
                    eprintln!("error: the submission has {n} error(s); no report was made");
                }
                Format::Json => {
                    print_json(&serde_json::json!({ "file": sub_name, "diagnostics": diags }))
                }
            }
            return code;
        }
    };
    match format {
        Format::Text => write_raw(&render::report_text(&report, style(Stream::Stdout))),
        // the spec's own writer: what `print_json` of the report prints, faster
        Format::Json => match netspec::ffi::report_json(&spec, &report, true) {
            Ok(text) => print_text_line(&text),
            Err(f) => {
                eprintln!("error: {}", f.message);
                return 2;
            }
        },
    }
    u8::from(triggers(fail_on, &report))
}

/// `netspec fhir questionnaire` and `netspec fhir response`.
fn fhir(command: FhirCommand) -> u8 {
    match command {
        FhirCommand::Questionnaire { spec, respondent } => match load(&spec, Format::Text, false) {
            Ok(s) => {
                print_json(&s.fhir_questionnaire(respondent.into()));
                0
            }
            Err(code) => code,
        },
        FhirCommand::Response {
            spec,
            response,
            reverse,
            unattributed,
        } => {
            let spec = match load(&spec, Format::Text, false) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let name = if is_stdin(&response) {
                STDIN_NAME.to_string()
            } else {
                response.to_string_lossy().into_owned()
            };
            let text = match read_capped(&response, spec.limits().max_submission_bytes) {
                Ok(Err(size)) => Err(spec.too_large(size)),
                Ok(Ok(bytes)) => match netspec::decode_utf8(&bytes) {
                    Ok(t) => Ok(t.to_string()),
                    Err(d) => return Unreadable::NotUtf8(d, 2).report(&name, Format::Text, None),
                },
                Err(e) => {
                    eprintln!(
                        "error: cannot read `{}`: {e}",
                        netspec::render::escape_controls(&response.to_string_lossy())
                    );
                    return 2;
                }
            };
            let converted = text.and_then(|t| {
                if reverse {
                    spec.submission_to_fhir_str(&t, unattributed.map(Into::into))
                } else {
                    spec.submission_from_fhir_str(&t)
                }
            });
            match converted {
                Ok(v) => {
                    print_json(&v);
                    0
                }
                Err(e) => {
                    let diags = e.diagnostics();
                    eprintln!("{}:", netspec::render::escape_controls(&name));
                    eprint!(
                        "{}",
                        render::diagnostics(&diags, Some(&spec), style(Stream::Stderr))
                    );
                    let n = diags.iter().filter(|d| d.is_error()).count();
                    let what = if reverse { "submission" } else { "response" };
                    eprintln!("error: the {what} has {n} error(s); nothing was converted");
                    if matches!(e, EvalError::Json(_)) {
                        2
                    } else {
                        1
                    }
                }
            }
        }
    }
}

/// `eval --batch`: see [`batch`].
fn eval_batch(
    (spec_path, compiled): (&Path, bool),
    lines: &Path,
    as_of: Option<&str>,
    unattributed: Option<netspec::Respondent>,
    fail_on: Option<FailOn>,
    explanations: bool,
    progress: bool,
) -> u8 {
    let Ok(as_of) = parse_as_of(as_of) else {
        return 2;
    };
    let spec = match load_for_eval(spec_path, Format::Text, compiled) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let opts = EvalOptions::default()
        .with_as_of(as_of)
        .with_explanations(explanations)
        .with_unattributed(unattributed);
    let fail = |r: &netspec::Report| triggers(fail_on, r);
    match batch::run(&spec, lines, &opts, &fail, progress) {
        Ok(summary) => {
            if summary.errors > 0 {
                eprintln!(
                    "error: {} of {} line(s) were not valid submissions",
                    summary.errors,
                    summary.errors + summary.reports
                );
            }
            u8::from(summary.errors > 0 || summary.triggered > 0)
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

/// `netspec network`: see [`network`].
fn network_command(
    spec_path: &Path,
    submissions: &[PathBuf],
    format: NetworkFormat,
    previous: Option<&Path>,
    output: Option<&Path>,
    as_of: Option<&str>,
    explanations: bool,
) -> u8 {
    use std::io::IsTerminal as _;
    let Ok(as_of) = parse_as_of(as_of) else {
        return 2;
    };
    if is_stdin(spec_path) && submissions.iter().any(|p| is_stdin(p)) {
        return usage_error(
            "the spec and the submissions cannot both be read from standard input (`-`)",
        );
    }
    if format == NetworkFormat::Xlsx && output.is_none() && std::io::stdout().is_terminal() {
        return usage_error(
            "an xlsx workbook is not written to a terminal: redirect standard output or use --output FILE",
        );
    }
    let spec = match load(spec_path, Format::Text, false) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let opts = EvalOptions::default()
        .with_as_of(as_of)
        .with_explanations(explanations);
    let mut report = match network::roll_up(&spec, &opts, submissions) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if let Some(dir) = previous {
        match network::roll_up(&spec, &opts, &[dir.to_path_buf()]) {
            Ok(before) => report.changes = Some(netspec_network::compare(&before, &report)),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    // written straight into the output: no second copy of a large report
    let mut sink: Box<dyn std::io::Write> = match output {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Box::new(std::io::BufWriter::with_capacity(1 << 16, f)),
            Err(e) => {
                eprintln!(
                    "error: cannot write `{}`: {e}",
                    netspec::render::escape_controls(&path.to_string_lossy())
                );
                return 2;
            }
        },
        None => Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        )),
    };
    let written: std::io::Result<()> = match format {
        NetworkFormat::Json => serde_json::to_writer_pretty(&mut sink, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| sink.write_all(b"\n")),
        NetworkFormat::Csv => netspec_network::csv::write_to(&report, &mut sink),
        NetworkFormat::Html => sink.write_all(netspec_network::html::write(&report).as_bytes()),
        NetworkFormat::Xlsx => match netspec_network::xlsx::workbook(&report) {
            Ok(b) => sink.write_all(&b),
            Err(e) => {
                eprintln!("error: cannot write the workbook: {e}");
                return 2;
            }
        },
    };
    if let Err(e) = written.and_then(|()| sink.flush()) {
        if output.is_none() {
            write_failed(&e);
        }
        eprintln!("error: cannot write the report: {e}");
        return 2;
    }
    if !quiet() {
        let t = report.totals;
        eprintln!(
            "rolled up {} submission(s): {} provider(s), {} from the network itself, {} could not be evaluated{}",
            t.submissions,
            t.providers,
            t.network,
            t.failed,
            if t.failed > 0 { " (listed in the report)" } else { "" }
        );
    }
    0
}

/// Whether a report shows what `--fail-on` names.
fn triggers(fail_on: Option<FailOn>, report: &netspec::Report) -> bool {
    match fail_on {
        None => false,
        Some(FailOn::NotMet) => report
            .requirements
            .iter()
            .any(|r| r.outcome == Outcome::NotMet),
        Some(FailOn::Incomplete) => report
            .requirements
            .iter()
            .any(|r| r.outcome == Outcome::Incomplete),
        Some(FailOn::Red) => report.overall.rating == netspec::Rating::Red,
        Some(FailOn::Amber) => matches!(
            report.overall.rating,
            netspec::Rating::Red | netspec::Rating::Amber
        ),
    }
}

/// The spec files named, and the `.netspec` files in the folders named
/// (sorted, each once: a file reached twice, through a symlink or a second
/// path, is listed once; a symlink loop is followed once).
fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, u8> {
    let mut out = Vec::new();
    let mut seen_files = std::collections::HashSet::new();
    let mut seen_dirs = std::collections::HashSet::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            collect_dir(p, &mut found, &mut seen_dirs);
            found.sort();
            for f in found {
                if seen_files.insert(std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone())) {
                    out.push(f);
                }
            }
        } else if p.exists() {
            if seen_files.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())) {
                out.push(p.clone());
            }
        } else {
            eprintln!(
                "error: `{}` does not exist",
                netspec::render::escape_controls(&p.to_string_lossy())
            );
            return Err(2);
        }
    }
    Ok(out)
}

/// The files ending in `.netspec` under `dir`; `seen` holds the folders
/// walked (by canonical path), so that a symlink loop is walked once.
fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut std::collections::HashSet<PathBuf>) {
    let Ok(real) = std::fs::canonicalize(dir) else {
        return;
    };
    if !seen.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        if quiet() {
            return;
        }
        eprintln!(
            "warning: cannot read the folder `{}`",
            netspec::render::escape_controls(&dir.to_string_lossy())
        );
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_dir(&p, out, seen);
        } else if p.extension().is_some_and(|x| x == "netspec") {
            out.push(p);
        }
    }
}

/// Whether a `.netspec` file is a spec (it has a `spec` header) rather than
/// a file shared through `use`: decided by parsing it, not by its first
/// characters. A file that does not parse counts as a spec, so that its
/// errors are reported.
fn is_spec_file(text: &str) -> bool {
    Spec::declared_in(text) || netspec::format("", text).is_err()
}

fn test(
    paths: &[PathBuf],
    filter: Option<&str>,
    show_coverage: bool,
    min_coverage: Option<f64>,
    format: TestFormat,
) -> u8 {
    let files = match spec_files(paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut broken = 0;
    let mut below = Vec::new();
    let mut json_specs = Vec::new();
    let mut suites = Vec::new();
    let text_out = format == TestFormat::Text;
    for f in files {
        // shared files (no `spec` header) are tested through the specs that use them
        let Some(name) = utf8_name(&f) else {
            broken += 1;
            continue;
        };
        match read_text(&f, 1, netspec::Limits::default().max_source_bytes) {
            Ok(text) if !is_spec_file(&text) => continue,
            // too large: compiling says so (NS0301)
            Ok(_) | Err(Unreadable::TooLarge(_)) => {}
            Err(e) => {
                e.report(&name, Format::Text, None);
                broken += 1;
                suites.push(ci::Suite {
                    name: name.clone(),
                    file: name,
                    results: Err("the spec file could not be read".into()),
                });
                continue;
            }
        }
        let spec = match load(&f, Format::Text, true) {
            Ok(s) => s,
            Err(_) => {
                broken += 1;
                suites.push(ci::Suite {
                    name: name.clone(),
                    file: name,
                    results: Err("the spec did not compile (see `netspec check`)".into()),
                });
                continue;
            }
        };
        let results: Vec<netspec::testing::TestResult> = spec
            .run_tests()
            .into_iter()
            .filter(|r| filter.is_none_or(|flt| r.name.contains(flt)))
            .collect();
        for r in &results {
            if r.passed {
                passed += 1;
            } else {
                failed += 1;
            }
            if text_out && !(quiet() && r.passed) {
                print_test_result(spec.id(), r);
            }
        }
        let cov = spec.coverage(&results);
        if show_coverage && text_out {
            print_coverage(&cov);
        }
        if let Some(min) = min_coverage {
            if cov.percent < min {
                below.push(format!("{}: {:.1}% < {min}%", cov.spec, cov.percent));
            }
        }
        if format == TestFormat::Junit {
            suites.push(ci::Suite {
                name: spec.id().to_string(),
                file: name,
                results: Ok(results),
            });
        } else if !text_out {
            json_specs.push(serde_json::json!({
                "spec": spec.id(),
                "file": f.to_string_lossy(),
                "tests": results,
                "coverage": if show_coverage { serde_json::to_value(&cov).unwrap_or_default() } else { serde_json::Value::Null },
            }));
        }
    }
    match format {
        TestFormat::Text => {
            outln!("");
            outln!("{passed} passed, {failed} failed");
        }
        TestFormat::Json => print_json(
            &serde_json::json!({ "specs": json_specs, "passed": passed, "failed": failed }),
        ),
        TestFormat::Junit => write_raw(&ci::junit(&suites)),
    }
    if broken > 0 {
        eprintln!("error: {broken} spec(s) did not compile");
    }
    for b in &below {
        eprintln!("error: coverage below the minimum: {b}");
    }
    u8::from(failed > 0 || broken > 0 || !below.is_empty())
}

fn print_test_result(spec: &str, r: &netspec::testing::TestResult) {
    if r.passed {
        outln!("test {spec} :: {} ... ok", r.name);
        return;
    }
    outln!("test {spec} :: {} ... FAILED", r.name);
    if let Some(loc) = &r.location {
        outln!("    at {}:{}:{}", loc.file, loc.line, loc.column);
    }
    if let Some(e) = &r.error {
        outln!("    {e}");
    }
    for m in &r.mismatches {
        outln!(
            "    {}: expected {}, got {}",
            m.subject,
            m.expected,
            m.actual
        );
        for d in &m.detail {
            outln!("        {d}");
        }
    }
}

fn print_coverage(cov: &netspec::testing::Coverage) {
    outln!(
        "coverage {}: {}/{} requirements seen met and not met (and not applicable where they can be): {:.1}%",
        cov.spec, cov.covered, cov.total, cov.percent
    );
    for a in cov.areas.iter().filter(|a| a.total > 0) {
        outln!("    {:<18} {}/{}", a.area, a.covered, a.total);
    }
    for r in cov.requirements.iter().filter(|r| !r.covered()) {
        let mut seen = Vec::new();
        let mut never = Vec::new();
        let flags = [
            ("met", r.met, true),
            ("not_met", r.not_met, true),
            ("not_applicable", r.not_applicable, r.has_applies),
            ("incomplete", r.incomplete, false),
        ];
        for (name, was, needed) in flags {
            if was {
                seen.push(name);
            } else if needed {
                never.push(name);
            }
        }
        let seen = if seen.is_empty() {
            "nothing".to_string()
        } else {
            seen.join(", ")
        };
        outln!(
            "    not covered: {} (seen {seen}; never {})",
            r.id,
            never.join(", ")
        );
    }
}

/// What `netspec fmt` does with a file that is not formatted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FmtMode {
    /// Write it formatted (the default).
    Write,
    /// Name it (`--check`).
    Check,
    /// Print the unified diff of the change (`--diff`).
    Diff,
}

fn fmt(paths: &[PathBuf], mode: FmtMode) -> u8 {
    if let [only] = paths {
        if is_stdin(only) {
            return fmt_stdin(mode);
        }
    }
    let default_folder = paths.is_empty();
    let paths = if default_folder {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let files = match spec_files(&paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let seen = files.len();
    let mut unformatted = 0;
    let mut worst = 0;
    for f in files {
        let Some(name) = utf8_name(&f) else {
            worst = 2;
            continue;
        };
        let text = match read_text(&f, 1, netspec::Limits::default().max_source_bytes) {
            Ok(t) => t,
            Err(e) => {
                worst = worst.max(e.report(&name, Format::Text, None));
                if worst == 0 {
                    worst = 2;
                }
                continue;
            }
        };
        let Some(formatted) = formatted(&name, &text) else {
            worst = worst.max(1);
            continue;
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        match mode {
            FmtMode::Check => outln!("{name}: not formatted"),
            FmtMode::Diff => print_diff(&name, &text, &formatted),
            FmtMode::Write => {
                if let Err(e) = std::fs::write(&f, formatted) {
                    eprintln!("error: cannot write `{name}`: {e}");
                    worst = 2;
                } else if !quiet() {
                    outln!("{name}: formatted");
                }
            }
        }
    }
    if mode != FmtMode::Write && unformatted > 0 {
        worst = worst.max(1);
    }
    if mode == FmtMode::Write && default_folder && !quiet() {
        // no path given: say what was looked at, also when nothing changed
        let verb = if unformatted == 1 { "was" } else { "were" };
        outln!(
            "netspec fmt: {unformatted} of {seen} spec file(s) under the current folder {verb} reformatted"
        );
    }
    worst
}

/// `netspec fmt -`: the spec on standard input, formatted on standard
/// output (exactly, as a file's content), or checked, or diffed.
fn fmt_stdin(mode: FmtMode) -> u8 {
    let name = STDIN_NAME;
    let text = match read_text(
        Path::new("-"),
        1,
        netspec::Limits::default().max_source_bytes,
    ) {
        Ok(t) => t,
        Err(e) => return e.report(name, Format::Text, None).max(1),
    };
    let Some(formatted) = formatted(name, &text) else {
        return 1;
    };
    match mode {
        FmtMode::Write => {
            if let Err(e) = std::io::stdout().write_all(formatted.as_bytes()) {
                write_failed(&e);
            }
            0
        }
        _ if formatted == text => 0,
        FmtMode::Check => {
            outln!("{name}: not formatted");
            1
        }
        FmtMode::Diff => {
            print_diff(name, &text, &formatted);
            1
        }
    }
}

/// A spec's text in the canonical layout (as it is when it has the skip
/// marker); `None` when it does not parse (its diagnostics printed).
fn formatted(name: &str, text: &str) -> Option<String> {
    match netspec::format(name, text) {
        Ok(t) => Some(t),
        Err(e) => {
            eprint!("{}", render::compile_error(&e, style(Stream::Stderr)));
            None
        }
    }
}

/// Prints the unified diff (three lines of context) from `old` to `new`,
/// headed `--- a/NAME` and `+++ b/NAME`; its control characters escaped,
/// its added and removed lines coloured on a terminal.
fn print_diff(name: &str, old: &str, new: &str) {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    let text = netspec::render::escape_terminal(&text);
    if style(Stream::Stdout) == Style::Plain {
        write_raw(&text);
        return;
    }
    let paint = |c: anstyle::AnsiColor| anstyle::Style::new().fg_color(Some(c.into()));
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let colour = if line.starts_with("+++") || line.starts_with("---") {
            Some(anstyle::Style::new().bold())
        } else if line.starts_with('+') {
            Some(paint(anstyle::AnsiColor::Green))
        } else if line.starts_with('-') {
            Some(paint(anstyle::AnsiColor::Red))
        } else if line.starts_with("@@") {
            Some(paint(anstyle::AnsiColor::Cyan))
        } else {
            None
        };
        match colour {
            Some(c) => {
                let body = line.strip_suffix('\n').unwrap_or(line);
                out.push_str(&format!("{}{body}{}", c.render(), c.render_reset()));
                if body.len() < line.len() {
                    out.push('\n');
                }
            }
            None => out.push_str(line),
        }
    }
    write_raw(&out);
}

/// `netspec blank`: the blank submission of a spec for a respondent.
fn blank(spec: &Path, respondent: netspec::Respondent, items: usize, period: (&str, &str)) -> u8 {
    for (flag, date) in [("--period-start", period.0), ("--period-end", period.1)] {
        if netspec::Date::parse(date).is_none() {
            return usage_error(&format!(
                "`{flag} {}` is not a valid date (YYYY-MM-DD)",
                render::escape_controls(date)
            ));
        }
    }
    if period.1 < period.0 {
        return usage_error("the assessment period ends before it starts");
    }
    match load(spec, Format::Text, false) {
        Ok(s) => {
            outp!("{}", s.blank_submission(respondent, period, items));
            0
        }
        Err(code) => code,
    }
}

fn inputs_text(sections: &[netspec::form::Section]) -> String {
    fn one(out: &mut String, q: &netspec::form::Question, indent: usize) {
        let pad = "  ".repeat(indent);
        let mut ty = q.kind.to_string();
        if !q.values.is_empty() {
            // a value with a declared label is shown with it: `a "A"`
            let shown: Vec<String> = q
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| match q.value_labels.get(i) {
                    Some(l) if l != v => format!("{v} \"{l}\""),
                    _ => v.clone(),
                })
                .collect();
            ty = format!("enum({})", shown.join(", "));
        }
        let mut facts = vec![ty];
        if let Some(m) = &q.min {
            facts.push(format!("min {m}"));
        }
        if let Some(m) = &q.max {
            facts.push(format!("max {m}"));
        }
        if let Some(u) = &q.unit {
            facts.push(format!("unit {u}"));
        }
        out.push_str(&format!(
            "{pad}{}: {}  \"{}\"",
            q.name,
            facts.join(", "),
            q.question
        ));
        if q.read_by.is_empty() {
            out.push_str("  [read by no requirement]\n");
        } else {
            out.push_str(&format!("  [read by {}]\n", q.read_by.join(", ")));
        }
        if let Some(h) = &q.help {
            out.push_str(&format!("{pad}    help: {h}\n"));
        }
        for f in &q.fields {
            one(out, f, indent + 1);
        }
    }
    let mut out = String::new();
    for s in sections {
        out.push_str(&format!("== {}\n", s.title.as_deref().unwrap_or("Inputs")));
        for q in &s.questions {
            one(&mut out, q, 0);
        }
        out.push('\n');
    }
    out
}

fn explain(code: &str) -> u8 {
    match Code::parse(code) {
        Some(c) => {
            outln!("{}: {}\n\n{}", c.as_str(), c.title(), c.explanation());
            0
        }
        None => {
            let d = Diagnostic::error(Code::Syntax, format!("unknown code `{code}`"));
            eprintln!("error: {}", d.message);
            eprintln!(
                "codes: {}",
                Code::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            2
        }
    }
}
