//! The Language Server Protocol's framing over a byte stream
//! (`Content-Length: N` headers, then N bytes of JSON), with every size
//! bounded: a header line, the number of headers and a message's body.

use std::io::{self, BufRead, Read, Write};

use lsp_server::Message;

/// The largest message body read; a larger one is skipped unread.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;
/// The longest header line.
const MAX_HEADER_LINE: usize = 1024;
/// The most header lines of one message.
const MAX_HEADERS: usize = 16;

/// What reading one message gave.
#[derive(Debug)]
pub enum Frame {
    /// A message.
    Message(Message),
    /// A body over [`MAX_MESSAGE_BYTES`] (skipped), or not a JSON-RPC message.
    Refused(String),
}

/// Reads one framed message; `Ok(None)` at the end of the stream. An error
/// means the stream cannot be read on (its framing is lost).
pub fn read(r: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut headers = 0usize;
    loop {
        let mut line = Vec::new();
        let n = r
            .by_ref()
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return if headers == 0 {
                Ok(None)
            } else {
                Err(invalid("the stream ended inside a message's headers"))
            };
        }
        if !line.ends_with(b"\n") {
            return Err(invalid("a header line is too long"));
        }
        headers += 1;
        if headers > MAX_HEADERS {
            return Err(invalid("too many header lines"));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if headers == 1 {
                // a stray blank line between messages
                headers = 0;
                continue;
            }
            break;
        }
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| invalid("Content-Length is not a number"))?,
                );
            }
        }
    }
    let Some(length) = length else {
        return Err(invalid("a message without Content-Length"));
    };
    if length > MAX_MESSAGE_BYTES {
        let skipped = io::copy(&mut r.by_ref().take(length as u64), &mut io::sink())?;
        if skipped < length as u64 {
            return Err(invalid("the stream ended inside a message"));
        }
        return Ok(Some(Frame::Refused(format!(
            "a message of {length} bytes, over the limit of {MAX_MESSAGE_BYTES}, was skipped"
        ))));
    }
    let mut body = vec![0u8; length];
    r.read_exact(&mut body)?;
    match serde_json::from_slice::<Message>(&body) {
        Ok(m) => Ok(Some(Frame::Message(m))),
        Err(e) => Ok(Some(Frame::Refused(format!("not a JSON-RPC message: {e}")))),
    }
}

/// Writes one message, framed.
pub fn write(w: &mut impl Write, msg: &Message) -> io::Result<()> {
    let mut buf = Vec::new();
    msg.clone().write(&mut buf)?;
    w.write_all(&buf)?;
    w.flush()
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}
