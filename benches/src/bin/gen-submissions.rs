//! Writes N generated adult critical care submissions, one JSON per line:
//! `cargo run --release -p netspec-bench --bin gen-submissions -- 100000 > subs.jsonl`.

use std::io::Write;

use netspec_bench::{example, gen, DECIDED_EXAMPLES};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let examples: Vec<serde_json::Value> = DECIDED_EXAMPLES
        .iter()
        .filter_map(|name| example(name).ok())
        .filter_map(|t| serde_json::from_str(&t).ok())
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for i in 0..n {
        let v = gen::varied(&examples, i);
        if serde_json::to_writer(&mut out, &v).is_err() || writeln!(out).is_err() {
            std::process::exit(0);
        }
    }
    let _ = out.flush();
}
