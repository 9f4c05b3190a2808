//! `POST /v1/specs/{id}/evaluate-batch`: NDJSON in, NDJSON out, streamed.
//!
//! The body is read as it comes; every complete line is evaluated as soon
//! as it is there (on the blocking pool, the lines of one read together,
//! in order) and its output line sent at once, through a channel of a few
//! chunks: a client that stops reading the answer stops the reading of its
//! body, so memory stays bounded whatever the length of the stream. Each
//! line gets what `netspec eval --batch` gives it
//! ([`netspec::ffi::batch_line`]): blank lines are skipped, a line is kept
//! up to one byte past the submission size limit (a longer one is refused
//! with its whole size, NS0305), line numbers count every line.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use bytes::Bytes;
use http_body_util::BodyExt as _;
use netspec::EvalOptions;

use crate::catalog::Loaded;
use crate::AppState;

/// Chunks of output waiting to be sent, at most.
const IN_FLIGHT: usize = 4;

/// Complete lines waiting to be evaluated: their bytes one after another,
/// and for each its number, start, end and whole length less the line ending.
#[derive(Default)]
pub(crate) struct Group {
    text: Vec<u8>,
    lines: Vec<(u64, usize, usize, usize)>,
}

/// Splits a byte stream into lines, keeping at most `max` bytes of each.
pub(crate) struct Lines {
    max: usize,
    line_no: u64,
    /// What was kept of the current line (without its `\n`).
    current: Vec<u8>,
    /// Its whole length so far.
    len: usize,
    /// Its last byte so far.
    last: u8,
    /// Whether anything of it was read.
    started: bool,
    group: Group,
}

impl Lines {
    pub(crate) fn new(max: usize) -> Lines {
        Lines {
            max,
            line_no: 0,
            current: Vec::new(),
            len: 0,
            last: 0,
            started: false,
            group: Group::default(),
        }
    }

    fn add(&mut self, part: &[u8]) {
        if part.is_empty() {
            return;
        }
        self.started = true;
        let room = self.max.saturating_sub(self.current.len());
        self.current
            .extend_from_slice(part.get(..room.min(part.len())).unwrap_or_default());
        self.len = self.len.saturating_add(part.len());
        self.last = part.last().copied().unwrap_or(self.last);
    }

    fn end_line(&mut self) {
        self.line_no += 1;
        let len = self.len - usize::from(self.len > 0 && self.last == b'\r');
        let whole = self.len == self.current.len();
        if !(whole && netspec::ffi::blank_line(&self.current)) {
            let start = self.group.text.len();
            self.group.text.extend_from_slice(&self.current);
            self.group
                .lines
                .push((self.line_no, start, self.group.text.len(), len));
        }
        self.current.clear();
        self.len = 0;
        self.last = 0;
        self.started = false;
    }

    /// Reads `data`; gives the lines it completed.
    pub(crate) fn push(&mut self, data: &[u8]) -> Group {
        let mut rest = data;
        while let Some(i) = memchr_newline(rest) {
            self.add(rest.get(..i).unwrap_or_default());
            self.end_line();
            rest = rest.get(i + 1..).unwrap_or_default();
        }
        self.add(rest);
        std::mem::take(&mut self.group)
    }

    /// The end of the input: gives the last line, if it had no line feed.
    pub(crate) fn finish(&mut self) -> Group {
        if self.started {
            self.end_line();
        }
        std::mem::take(&mut self.group)
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

type Chunk = Result<Bytes, std::io::Error>;

/// The answer's body: the output lines of `body`'s lines, as they are made.
pub(crate) fn stream(
    st: Arc<AppState>,
    entry: Arc<Loaded>,
    opts: EvalOptions,
    body: Body,
    idle: Duration,
) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(IN_FLIGHT);
    tokio::spawn(drive(st, entry, opts, body, idle, tx));
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }))
}

/// Evaluates a group on the blocking pool; false when the answer can no
/// longer be sent.
async fn send_group(
    st: &Arc<AppState>,
    entry: &Arc<Loaded>,
    opts: &EvalOptions,
    group: Group,
    tx: &tokio::sync::mpsc::Sender<Chunk>,
) -> bool {
    if group.lines.is_empty() {
        return true;
    }
    let (st2, entry2, opts2) = (st.clone(), entry.clone(), *opts);
    let done = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for &(n, start, end, len) in &group.lines {
            let bytes = group.text.get(start..end).unwrap_or_default();
            let started = Instant::now();
            let report = netspec::ffi::batch_line(&entry2.spec, &opts2, n, bytes, len, &mut out);
            st2.metrics.evaluation(
                &entry2.id,
                started.elapsed().as_secs_f64(),
                report
                    .as_ref()
                    .map(|r| r.requirements.iter().map(|q| q.outcome.as_str())),
            );
        }
        out
    })
    .await;
    match done {
        Ok(out) => tx.send(Ok(Bytes::from(out))).await.is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "a batch evaluation stopped");
            let _ = tx
                .send(Err(std::io::Error::other("the evaluation stopped")))
                .await;
            false
        }
    }
}

async fn drive(
    st: Arc<AppState>,
    entry: Arc<Loaded>,
    opts: EvalOptions,
    mut body: Body,
    idle: Duration,
    tx: tokio::sync::mpsc::Sender<Chunk>,
) {
    // a line is kept up to one byte past the largest submission (and a `\r`)
    let max = entry.spec.limits().max_submission_bytes.saturating_add(2);
    let mut lines = Lines::new(max);
    loop {
        let frame = match tokio::time::timeout(idle, body.frame()).await {
            Err(_) => {
                tracing::warn!(spec = %entry.id, "batch: no input within the request timeout; the answer is cut off");
                let _ = tx
                    .send(Err(std::io::Error::other(
                        "no input within the request timeout",
                    )))
                    .await;
                return;
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                tracing::warn!(spec = %entry.id, error = %e, "batch: the body could not be read; the answer is cut off");
                let _ = tx
                    .send(Err(std::io::Error::other("cannot read the body")))
                    .await;
                return;
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let group = lines.push(&data);
        if !send_group(&st, &entry, &opts, group, &tx).await {
            return;
        }
    }
    let group = lines.finish();
    let _ = send_group(&st, &entry, &opts, group, &tx).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(g: &Group) -> Vec<(u64, String, usize)> {
        g.lines
            .iter()
            .map(|&(n, s, e, len)| {
                (
                    n,
                    String::from_utf8_lossy(g.text.get(s..e).unwrap_or_default()).into_owned(),
                    len,
                )
            })
            .collect()
    }

    #[test]
    fn lines_are_split_across_reads_blank_ones_skipped() {
        let mut l = Lines::new(10);
        let g = l.push(b"{\"a\":1}\n\n  \r\n{\"b\"");
        assert_eq!(lines_of(&g), [(1, "{\"a\":1}".to_string(), 7)]);
        let g = l.push(b":2}\r\n{}");
        assert_eq!(lines_of(&g), [(4, "{\"b\":2}\r".to_string(), 7)]);
        let g = l.finish();
        assert_eq!(lines_of(&g), [(5, "{}".to_string(), 2)]);
        assert!(l.finish().lines.is_empty());
    }

    #[test]
    fn a_long_line_is_cut_and_keeps_its_whole_length() {
        let mut l = Lines::new(4);
        let g = l.push(b"0123456789");
        assert!(g.lines.is_empty());
        let g = l.push(b"ab\r\n          \n");
        // the second line is blank only when whole: cut, it is kept (and refused)
        assert_eq!(
            lines_of(&g),
            [(1, "0123".to_string(), 12), (2, "    ".to_string(), 10)]
        );
    }
}
