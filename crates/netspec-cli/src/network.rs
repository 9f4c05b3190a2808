//! `netspec network SPEC SUBMISSIONS…`: every submission (files, folders of
//! `.json` and `.jsonl` files, JSON Lines files, `-` for JSON Lines on
//! standard input) evaluated and rolled up into one network report
//! (`netspec_network`), written as JSON, CSV, HTML or an Excel workbook.
//!
//! One submission is read, evaluated and folded in at a time; its report is
//! then dropped, so memory holds the summary and one submission.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use netspec::{EvalOptions, Spec};
use netspec_network::{NetworkReport, Rollup, Source};

/// A place submissions are read from.
enum Input {
    /// One JSON submission.
    File(PathBuf),
    /// One submission per line.
    Lines(PathBuf),
}

/// Whether a file is read as JSON Lines: by its extension.
fn is_lines(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "jsonl" || x == "ndjson")
}

/// The inputs named: files as given, folders walked for `.json`, `.jsonl`
/// and `.ndjson` files (sorted; each file once), `-` as JSON Lines on
/// standard input. Err(message) for a path that does not exist.
fn inputs(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Lines(p.clone()));
        } else if p.is_dir() {
            let mut found = Vec::new();
            let mut dirs = std::collections::HashSet::new();
            walk(p, &mut found, &mut dirs);
            found.sort();
            for f in found {
                if seen.insert(std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone())) {
                    out.push(if is_lines(&f) {
                        Input::Lines(f)
                    } else {
                        Input::File(f)
                    });
                }
            }
        } else if p.exists() {
            if seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())) {
                out.push(if is_lines(p) {
                    Input::Lines(p.clone())
                } else {
                    Input::File(p.clone())
                });
            }
        } else {
            return Err(format!(
                "`{}` does not exist",
                netspec::render::escape_controls(&p.to_string_lossy())
            ));
        }
    }
    Ok(out)
}

/// Most folders walked below one folder named.
const MAX_DEPTH: usize = 32;

fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut std::collections::HashSet<PathBuf>) {
    walk_at(dir, out, seen, 0)
}

fn walk_at(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut std::collections::HashSet<PathBuf>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(real) = std::fs::canonicalize(dir) else {
        return;
    };
    if !seen.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk_at(&p, out, seen, depth + 1);
        } else if p
            .extension()
            .is_some_and(|x| x == "json" || x == "jsonl" || x == "ndjson")
        {
            out.push(p);
        }
    }
}

fn name_of(p: &Path) -> String {
    if p.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        netspec::render::escape_controls(&p.to_string_lossy()).into_owned()
    }
}

/// Rolls up every submission of `paths`. Err(message) when a file cannot
/// be read (exit code 2).
pub fn roll_up(
    spec: &Spec,
    opts: &EvalOptions,
    paths: &[PathBuf],
) -> Result<NetworkReport, String> {
    let inputs = inputs(paths)?;
    let mut rollup = Rollup::new(spec, *opts);
    let max = spec.limits().max_submission_bytes;
    for input in inputs {
        match input {
            Input::File(p) => {
                let name = name_of(&p);
                match crate::read_capped(&p, max) {
                    Ok(Ok(bytes)) => rollup.add(Source::file(name), &bytes),
                    Ok(Err(size)) => rollup.add_failure(
                        Source::file(name),
                        spec.too_large(size).diagnostics(),
                        None,
                    ),
                    Err(e) => return Err(format!("cannot read `{name}`: {e}")),
                }
            }
            Input::Lines(p) => {
                let name = name_of(&p);
                let reader: Box<dyn Read> = if p.as_os_str() == "-" {
                    Box::new(std::io::stdin())
                } else {
                    Box::new(
                        std::fs::File::open(&p)
                            .map_err(|e| format!("cannot read `{name}`: {e}"))?,
                    )
                };
                let mut reader = BufReader::with_capacity(1 << 20, reader);
                let mut line = Vec::new();
                let mut n: u64 = 0;
                loop {
                    line.clear();
                    let whole = read_line(&mut reader, &mut line, max.saturating_add(2))
                        .map_err(|e| format!("cannot read `{name}` at line {}: {e}", n + 1))?;
                    let Some(whole) = whole else { break };
                    n += 1;
                    let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
                    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
                    if whole > bytes.len() {
                        rollup.add_failure(
                            Source::line(name.clone(), n),
                            spec.too_large(whole).diagnostics(),
                            None,
                        );
                    } else if !netspec::ffi::blank_line(bytes) {
                        rollup.add(Source::line(name.clone(), n), bytes);
                    }
                }
            }
        }
    }
    Ok(rollup.finish())
}

/// Appends one line (with its line feed) to `text`, keeping at most `max`
/// bytes of it and reading past the rest. Gives the whole line's length
/// less its line ending, or `None` at the end of the input.
fn read_line(
    reader: &mut impl BufRead,
    text: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<usize>> {
    let mut len = 0usize;
    let mut any = false;
    let mut ends_cr = false;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            let content = if ends_cr { len.saturating_sub(1) } else { len };
            return Ok(any.then_some(content));
        }
        any = true;
        let (part, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (buf.get(..=i).unwrap_or(buf), true),
            None => (buf, false),
        };
        let n = part.len();
        let room = max.saturating_sub(text.len());
        text.extend_from_slice(part.get(..room.min(n)).unwrap_or_default());
        let body = if done {
            part.get(..n - 1).unwrap_or_default()
        } else {
            part
        };
        if let Some(&last) = body.last() {
            ends_cr = last == b'\r';
        }
        len += body.len();
        reader.consume(n);
        if done {
            return Ok(Some(if ends_cr { len.saturating_sub(1) } else { len }));
        }
    }
}
