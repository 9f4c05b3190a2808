//! `netspec eval SPEC --batch FILE`: one JSON submission per line in, one
//! compact JSON report per line out, in input order.
//!
//! Lines are read in windows of [`WINDOW`] lines; each window is evaluated
//! on every core (rayon) while the previous window's reports are written by
//! a writer thread, so memory stays flat however many lines there are (at
//! most about three windows of lines and reports are held at once). A line
//! that is not a valid submission gives, on its own output line, a JSON
//! object with its line number and the diagnostics
//! (`{"line": 3, "diagnostics": [...]}`), and the batch goes on. Blank lines
//! are skipped. A progress bar is drawn on stderr when stderr is a terminal.

use std::io::{BufRead, BufReader, IsTerminal as _, Read, Write};
use std::path::Path;
use std::sync::mpsc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use netspec::{EvalOptions, Spec};
use rayon::prelude::*;

/// Lines evaluated together; the bound on lines (and reports) in flight.
const WINDOW: usize = 1024;

/// What a batch did.
pub struct Summary {
    /// Lines that were evaluated.
    pub reports: u64,
    /// Lines that were not valid submissions.
    pub errors: u64,
    /// Reports that triggered `--fail-on`.
    pub triggered: u64,
}

/// Evaluates every line of `input` (`-` for stdin) against `spec`; writes to stdout.
/// `fail` says whether a report triggers `--fail-on`. Err(message) when the
/// input cannot be read.
pub fn run(
    spec: &Spec,
    input: &Path,
    opts: &EvalOptions,
    fail: &(dyn Fn(&netspec::Report) -> bool + Sync),
) -> Result<Summary, String> {
    let stdin = input.as_os_str() == "-";
    let name = input.display().to_string();
    let reader: Box<dyn Read> = if stdin {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(input).map_err(|e| format!("cannot read `{name}`: {e}"))?)
    };
    let total = if stdin { None } else { count_lines(input) };
    let bar = progress(total);
    let mut reader = BufReader::with_capacity(1 << 16, reader);

    // the writer thread: windows of output lines, in order, at most two waiting
    let (tx, rx) = mpsc::sync_channel::<Vec<Vec<u8>>>(1);
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
        for window in rx {
            for line in window {
                out.write_all(&line)?;
            }
        }
        out.flush()
    });

    let mut summary = Summary {
        reports: 0,
        errors: 0,
        triggered: 0,
    };
    let mut line_no: u64 = 0;
    let mut failed_write = false;
    loop {
        // read a window: (line number, bytes) of non-blank lines
        let mut lines: Vec<(u64, Vec<u8>)> = Vec::with_capacity(WINDOW);
        let mut eof = false;
        while lines.len() < WINDOW {
            let mut buf = Vec::new();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(_) => {
                    line_no += 1;
                    if !buf.iter().all(u8::is_ascii_whitespace) {
                        lines.push((line_no, buf));
                    }
                }
                Err(e) => {
                    drop(tx);
                    let _ = writer.join();
                    bar.finish_and_clear();
                    return Err(format!("cannot read `{name}` at line {}: {e}", line_no + 1));
                }
            }
        }
        let results: Vec<(Vec<u8>, Line)> = lines
            .par_iter()
            .map(|(n, bytes)| evaluate_line(spec, opts, fail, *n, bytes))
            .collect();
        let mut window = Vec::with_capacity(results.len());
        for (bytes, kind) in results {
            match kind {
                Line::Report { triggered } => {
                    summary.reports += 1;
                    summary.triggered += u64::from(triggered);
                }
                Line::Error => summary.errors += 1,
            }
            window.push(bytes);
        }
        bar.inc(lines.len() as u64);
        if !window.is_empty() && tx.send(window).is_err() {
            // the writer stopped: stdout is closed
            failed_write = true;
            break;
        }
        if eof {
            break;
        }
    }
    drop(tx);
    let written = writer.join();
    bar.finish_and_clear();
    if failed_write || !matches!(written, Ok(Ok(()))) {
        // a closed pipe (`netspec … | head`) ends the batch quietly
        std::process::exit(0);
    }
    Ok(summary)
}

enum Line {
    Report { triggered: bool },
    Error,
}

/// One output line (with its newline) for one input line.
fn evaluate_line(
    spec: &Spec,
    opts: &EvalOptions,
    fail: &(dyn Fn(&netspec::Report) -> bool + Sync),
    line: u64,
    bytes: &[u8],
) -> (Vec<u8>, Line) {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let result = spec.evaluate_bytes(bytes, opts);
    let mut out = Vec::with_capacity(4096);
    let kind = match result {
        Ok(report) => {
            let triggered = fail(&report);
            if serde_json::to_writer(&mut out, &report).is_err() {
                out.clear();
            }
            Line::Report { triggered }
        }
        Err(e) => {
            let v = serde_json::json!({ "line": line, "diagnostics": e.diagnostics() });
            if serde_json::to_writer(&mut out, &v).is_err() {
                out.clear();
            }
            Line::Error
        }
    };
    out.push(b'\n');
    (out, kind)
}

/// Lines in a file (for the progress bar's length), counted in one quick pass.
fn count_lines(path: &Path) -> Option<u64> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let mut f = std::fs::File::open(path).ok()?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut n, mut last) = (0u64, b'\n');
    loop {
        let k = f.read(&mut buf).ok()?;
        if k == 0 {
            break;
        }
        let chunk = buf.get(..k)?;
        n += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        last = *chunk.last()?;
    }
    Some(n + u64::from(last != b'\n'))
}

/// A progress bar on stderr when it is a terminal; hidden otherwise.
fn progress(total: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    let template = if total.is_some() {
        "{bar:40} {pos}/{len} submissions ({per_sec}, {eta} left)"
    } else {
        "{spinner} {pos} submissions ({per_sec})"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
