//! # netspec-lsp
//!
//! The netspec language server: the Language Server Protocol over a byte
//! stream (standard input and output for `netspec lsp`), answered by the
//! engine's checker and its editor queries ([`netspec::ide`]).
//!
//! It gives diagnostics as a spec is opened and edited (debounced), with
//! their codes, ranges, notes as related information and the code's
//! explanation on hover; hover on inputs, requirements and functions; go to
//! definition and find references (across the files a spec `use`s);
//! completion; the outline; formatting (`netspec fmt`'s printer); semantic
//! tokens; and code lenses over `test` blocks with the command
//! `netspec.runTests`, which runs the spec's tests and shows pass or fail
//! on each block.
//!
//! The protocol's messages are read with a bound on their size
//! ([`framing::MAX_MESSAGE_BYTES`]); files are read only as
//! `netspec::read_spec` reads them (a spec's `use`s inside its own folder),
//! and specs are looked for only in the workspace's folders.

mod framing;
mod server;
mod text;

use std::io::{self, BufRead, Write};
use std::thread;

use crossbeam_channel::{bounded, unbounded};

pub use framing::MAX_MESSAGE_BYTES;

/// Why the server stopped other than by `exit` after `shutdown`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input could not be read on (its framing is lost).
    #[error("reading the client's messages: {0}")]
    Read(#[from] io::Error),
    /// The client went away before `shutdown`.
    #[error("the client closed the connection without shutting the server down")]
    Disconnected,
}

/// Serves one client on standard input and output until it exits.
pub fn run_stdio() -> Result<(), Error> {
    run(io::BufReader::new(io::stdin()), io::stdout())
}

/// Serves one client reading `input` and writing `output` until it exits:
/// `Ok` after `shutdown` and `exit`.
pub fn run(input: impl BufRead + Send, output: impl Write + Send + 'static) -> Result<(), Error> {
    let (to_server, from_client) = bounded::<framing::Frame>(64);
    let (to_client, from_server) = unbounded::<lsp_server::Message>();
    let writer = thread::spawn(move || {
        let mut output = output;
        for msg in from_server {
            if framing::write(&mut output, &msg).is_err() {
                break;
            }
        }
    });
    let result = thread::scope(|s| {
        let reader = s.spawn(move || -> Result<(), Error> {
            let mut input = input;
            loop {
                match framing::read(&mut input) {
                    Ok(Some(frame)) => {
                        if to_server.send(frame).is_err() {
                            return Ok(());
                        }
                    }
                    Ok(None) => return Ok(()),
                    Err(e) => return Err(Error::Read(e)),
                }
            }
        });
        let served = server::Server::new(to_client).serve(&from_client);
        // the reader ends when the client closes its end or on a read error
        drop(from_client);
        let read = reader.join().unwrap_or(Ok(()));
        served.and(read)
    });
    let _ = writer.join();
    result
}
