//! `netspec eval SPEC --batch FILE`: one JSON submission per line in, one
//! compact JSON report per line out, in input order.
//!
//! Lines are read in windows of [`WINDOW`] lines into one buffer. While a
//! window is evaluated on every core (rayon, [`CHUNK`] lines to a task, each
//! task writing its lines' reports into one output buffer), the next window
//! is read, and a writer thread writes the previous window's buffers, which
//! then go back to a pool to be filled again. So memory stays flat however
//! many lines there are (about three windows of lines and reports are held
//! at once, in buffers that are reused), and no core waits for the reading
//! or the writing. Each report is followed by two fields that join it back
//! to its submission: its 1-based input line and the ODS code of its
//! header's organisation (`…,"line":3,"ods_code":"RXA"}`; `null` without a
//! header). A line that is not a valid submission gives, on its own
//! output line, a JSON object with its line number, the ODS code when its
//! header can be read, and the diagnostics
//! (`{"diagnostics": [...], "line": 3, "ods_code": "RXA"}`), and the batch goes on. Blank
//! lines are skipped. A progress bar is drawn on stderr when stderr is a
//! terminal (not with `--no-progress` or `--quiet`).

use std::io::{BufRead, BufReader, IsTerminal as _, Read, Write};
use std::path::Path;
use std::sync::{mpsc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use netspec::{EvalOptions, Spec};
use rayon::prelude::*;

/// Lines evaluated together; the bound on lines (and reports) in flight.
const WINDOW: usize = 512;
/// Bytes of input read into one window at most (a window holds fewer lines
/// when they are long).
const WINDOW_BYTES: usize = 32 << 20;
/// Lines one task evaluates, into one output buffer.
const CHUNK: usize = 8;
/// Bytes of reports a window should make at most: the number of lines in a
/// window is cut to this over the largest output per line seen so far (a
/// report is bounded by the limits, but large reports must not be held 512
/// at a time). The first window holds [`FIRST_WINDOW`] lines.
const WINDOW_OUT_BYTES: usize = 64 << 20;
/// Lines in the first window, before any report's size is known.
const FIRST_WINDOW: usize = 2 * CHUNK;

/// What a batch did.
pub struct Summary {
    /// Lines that were evaluated.
    pub reports: u64,
    /// Lines that were not valid submissions.
    pub errors: u64,
    /// Reports that triggered `--fail-on`.
    pub triggered: u64,
}

/// A window of input lines: their text, one after another, and where each
/// non-blank line is (its 1-based number, start and end in `text`, and its
/// whole length less the line ending: more than is kept of a line over the
/// size limit).
#[derive(Default)]
struct Window {
    text: Vec<u8>,
    lines: Vec<(u64, usize, usize, usize)>,
}

/// What one task made: its lines' output, and what they were.
struct Done {
    out: Vec<u8>,
    reports: u64,
    errors: u64,
    triggered: u64,
}

/// Evaluates every line of `input` (`-` for stdin) against `spec`; writes to stdout.
/// `fail` says whether a report triggers `--fail-on`; `progress` whether a
/// progress bar may be drawn (on a terminal). Err(message) when the input
/// cannot be read.
pub fn run(
    spec: &Spec,
    input: &Path,
    opts: &EvalOptions,
    fail: &(dyn Fn(&netspec::Report) -> bool + Sync),
    progress: bool,
) -> Result<Summary, String> {
    let stdin = input.as_os_str() == "-";
    let name = input.display().to_string();
    let reader: Box<dyn Read + Send> = if stdin {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(input).map_err(|e| format!("cannot read `{name}`: {e}"))?)
    };
    let show = progress && std::io::stderr().is_terminal();
    let total = if stdin || !show {
        None
    } else {
        count_lines(input)
    };
    let bar = if show {
        progress_bar(total)
    } else {
        ProgressBar::hidden()
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);

    // output buffers, reused: the writer gives them back once written
    let pool: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let (tx, rx) = mpsc::sync_channel::<Vec<Vec<u8>>>(1);
    let mut summary = Summary {
        reports: 0,
        errors: 0,
        triggered: 0,
    };
    let mut line_no: u64 = 0;
    let mut failed_write = false;
    let mut read_error: Option<String> = None;

    let written = std::thread::scope(|scope| {
        let pool = &pool;
        let writer = scope.spawn(move || -> std::io::Result<()> {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for window in rx {
                for mut buf in window {
                    out.write_all(&buf)?;
                    buf.clear();
                    if let Ok(mut p) = pool.lock() {
                        p.push(buf);
                    }
                }
            }
            out.flush()
        });

        let mut current = Window::default();
        let mut next = Window::default();
        // a line is kept up to one byte past the largest submission the spec takes
        let max_line = spec.limits().max_submission_bytes.saturating_add(2);
        // lines per window, from the largest report per line seen so far
        let mut lines_cap = FIRST_WINDOW;
        let mut largest_out = 0usize;
        let mut eof =
            match read_window(&mut reader, &mut current, &mut line_no, max_line, lines_cap) {
                Ok(eof) => eof,
                Err(e) => {
                    read_error = Some(format!("cannot read `{name}` at line {}: {e}", line_no + 1));
                    true
                }
            };
        while read_error.is_none() && !current.lines.is_empty() {
            // evaluate this window while the next one is read
            let (done, read) = rayon::join(
                || evaluate_window(spec, opts, fail, &current, pool),
                || {
                    if eof {
                        // nothing more to read: the next window is empty
                        next.text.clear();
                        next.lines.clear();
                        Ok(true)
                    } else {
                        read_window(&mut reader, &mut next, &mut line_no, max_line, lines_cap)
                    }
                },
            );
            let mut buffers = Vec::with_capacity(done.len());
            for d in done {
                let lines = usize::try_from(d.reports + d.errors).unwrap_or(1).max(1);
                largest_out = largest_out.max(d.out.len() / lines);
                summary.reports += d.reports;
                summary.errors += d.errors;
                summary.triggered += d.triggered;
                buffers.push(d.out);
            }
            lines_cap = (WINDOW_OUT_BYTES / largest_out.max(1)).clamp(CHUNK, WINDOW);
            bar.inc(current.lines.len() as u64);
            if tx.send(buffers).is_err() {
                // the writer stopped: stdout is closed
                failed_write = true;
                break;
            }
            match read {
                Ok(e) => eof = e,
                Err(e) => {
                    read_error = Some(format!("cannot read `{name}` at line {}: {e}", line_no + 1));
                }
            }
            std::mem::swap(&mut current, &mut next);
        }
        drop(tx);
        writer.join()
    });
    bar.finish_and_clear();
    if let Some(e) = read_error {
        return Err(e);
    }
    match written {
        Ok(Ok(())) if !failed_write => {}
        // a closed pipe (`netspec … | head`) ends the batch quietly
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        // any other write error (a full disk) must not lose reports silently
        Ok(Err(e)) => return Err(format!("cannot write the reports: {e}")),
        _ => return Err("cannot write the reports".to_string()),
    }
    Ok(summary)
}

/// Reads up to `cap` non-blank lines into `w` (emptied first); true at
/// the end of the input.
fn read_window(
    reader: &mut impl BufRead,
    w: &mut Window,
    line_no: &mut u64,
    max_line: usize,
    cap: usize,
) -> std::io::Result<bool> {
    w.text.clear();
    w.lines.clear();
    while w.lines.len() < cap && w.text.len() < WINDOW_BYTES {
        let start = w.text.len();
        let Some(len) = read_line(reader, &mut w.text, max_line)? else {
            return Ok(true);
        };
        *line_no += 1;
        let line = w.text.get(start..).unwrap_or_default();
        // blank: JSON's white space only (a form feed is not, and is NS0207)
        if len <= line.len() && netspec::ffi::blank_line(line) {
            w.text.truncate(start);
        } else {
            w.lines.push((*line_no, start, w.text.len(), len));
        }
    }
    Ok(false)
}

/// Appends one line (with its line feed) to `text`, keeping at most `max`
/// bytes of it: a longer line is too large a submission whatever it holds
/// (NS0305), so the rest is read past, not kept. Gives the length of the
/// whole line less its line ending (`\n` or `\r\n`), or `None` at the end
/// of the input.
fn read_line(
    reader: &mut impl BufRead,
    text: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<usize>> {
    let mut kept = 0usize;
    let mut len = 0usize;
    let mut any = false;
    // the last two bytes of the line, for its ending
    let mut tail = [0u8; 2];
    // less a final `\n`, then a `\r` before it (as the line is read)
    let content = |len: usize, tail: [u8; 2]| {
        let (mut n, mut last) = (len, tail[1]);
        if last == b'\n' {
            n = n.saturating_sub(1);
            last = if len > 1 { tail[0] } else { 0 };
        }
        if last == b'\r' {
            n = n.saturating_sub(1);
        }
        n
    };
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(any.then(|| content(len, tail)));
        }
        any = true;
        let (part, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (buf.get(..=i).unwrap_or(buf), true),
            None => (buf, false),
        };
        let n = part.len();
        let keep = part
            .get(..max.saturating_sub(kept).min(n))
            .unwrap_or_default();
        text.extend_from_slice(keep);
        kept += keep.len();
        len += n;
        for &b in part.iter().rev().take(2).rev() {
            tail = [tail[1], b];
        }
        reader.consume(n);
        if done {
            return Ok(Some(content(len, tail)));
        }
    }
}

/// Evaluates a window on every core, in order: one [`Done`] per [`CHUNK`] lines.
fn evaluate_window(
    spec: &Spec,
    opts: &EvalOptions,
    fail: &(dyn Fn(&netspec::Report) -> bool + Sync),
    w: &Window,
    pool: &Mutex<Vec<Vec<u8>>>,
) -> Vec<Done> {
    w.lines
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut out = pool
                .lock()
                .ok()
                .and_then(|mut p| p.pop())
                .unwrap_or_default();
            let mut done = Done {
                out: Vec::new(),
                reports: 0,
                errors: 0,
                triggered: 0,
            };
            for &(n, start, end, len) in chunk {
                let bytes = w.text.get(start..end).unwrap_or_default();
                match evaluate_line(spec, opts, fail, n, bytes, len, &mut out) {
                    Line::Report { triggered } => {
                        done.reports += 1;
                        done.triggered += u64::from(triggered);
                    }
                    Line::Error => done.errors += 1,
                }
            }
            done.out = out;
            done
        })
        .collect()
}

enum Line {
    Report { triggered: bool },
    Error,
}

/// Appends the output line (with its newline) for one input line, of which
/// `bytes` is what was kept and `len` the whole length less the line ending
/// ([`netspec::ffi::batch_line`], shared with the HTTP service).
fn evaluate_line(
    spec: &Spec,
    opts: &EvalOptions,
    fail: &(dyn Fn(&netspec::Report) -> bool + Sync),
    line: u64,
    bytes: &[u8],
    len: usize,
    out: &mut Vec<u8>,
) -> Line {
    match netspec::ffi::batch_line(spec, opts, line, bytes, len, out) {
        Some(report) => Line::Report {
            triggered: fail(&report),
        },
        None => Line::Error,
    }
}

/// Lines in a file (for the progress bar's length), counted in one quick pass.
fn count_lines(path: &Path) -> Option<u64> {
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

/// A progress bar on stderr, with the rate in whole submissions a second.
fn progress_bar(total: Option<u64>) -> ProgressBar {
    let bar = match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    let template = if total.is_some() {
        "{bar:40} {pos}/{len} submissions ({rate}, {eta} left)"
    } else {
        "{spinner} {pos} submissions ({rate})"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&rate_text(state.per_sec()));
            },
        ));
    }
    bar
}

/// A rate of submissions a second, rounded: "12346/s" (no fraction).
fn rate_text(per_sec: f64) -> String {
    if per_sec.is_finite() && per_sec >= 0.0 {
        format!("{:.0}/s", per_sec)
    } else {
        "-/s".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::rate_text;

    #[test]
    fn the_rate_is_whole_submissions_a_second() {
        assert_eq!(rate_text(12345.678), "12346/s");
        assert_eq!(rate_text(0.4), "0/s");
        assert_eq!(rate_text(f64::NAN), "-/s");
    }
}
