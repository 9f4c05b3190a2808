//! Runs one benchmark scenario a given number of times, for counting
//! instructions under callgrind rather than timing on a shared machine:
//!
//! ```sh
//! cargo build --release -p netspec-bench --bin count
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*count::measure*' \
//!     target/release/count non_compliant_explained 200
//! ```
//!
//! Only `measure` (the timed loop) is counted, so the total divided by the
//! number of runs is the instructions per operation. Scenarios (on the
//! frozen adult critical care spec, as `benches/benches/engines.rs`):
//!
//! - `outcomes`: outcomes of a pre-loaded `non_compliant`, explanations off;
//! - `text_outcomes`: JSON text → outcomes;
//! - `text_report`: JSON text → report, explanations off;
//! - `non_compliant_explained`, `half_filled_explained` (and `_plain`):
//!   JSON text → report;
//! - `batch_explained`, `batch_plain`: 60 varied copies of the three decided
//!   examples, each JSON text → report → JSON bytes (one core); one
//!   operation is one submission.
//!
//! `count <scenario> print` prints the JSON report of one run instead (the
//! first submission of a batch), to check that a change keeps the bytes.

use std::hint::black_box;

use netspec::{EvalOptions, Spec, Submission};
use netspec_bench::{example, gen, Netspec, DECIDED_EXAMPLES};

/// Submissions in one batch operation.
const BATCH: usize = 60;

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(1)
}

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| fail(e))
}

fn options(explanations: bool) -> EvalOptions {
    EvalOptions::default()
        .with_as_of(None)
        .with_explanations(explanations)
        .with_unattributed(None)
}

/// What one run of a scenario works on.
enum Work {
    Outcomes(Box<Submission>),
    TextOutcomes(String),
    Report(String, EvalOptions),
    Batch(Vec<String>, EvalOptions),
}

/// The counted loop: `runs` operations; a checksum so nothing is elided.
#[inline(never)]
fn measure(spec: &Spec, work: &Work, runs: usize) -> usize {
    let plain = options(false);
    let mut sum = 0usize;
    let mut out = Vec::new();
    for _ in 0..runs {
        sum += match work {
            Work::Outcomes(sub) => ok(spec.outcomes(black_box(sub), &plain)).len(),
            Work::TextOutcomes(text) => {
                let sub = ok(spec.read_submission(black_box(text)));
                ok(spec.outcomes(&sub, &plain)).len()
            }
            Work::Report(text, opts) => ok(spec.evaluate_str(black_box(text), opts))
                .requirements
                .len(),
            Work::Batch(lines, opts) => {
                for line in lines {
                    out.clear();
                    let report = ok(spec.evaluate_str(black_box(line), opts));
                    spec.write_report_json(&report, &mut out);
                    sum += out.len();
                }
                0
            }
        };
    }
    sum
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(scenario), Some(runs)) = (args.get(1), args.get(2)) else {
        fail("usage: count <scenario> <runs>")
    };
    let print = runs == "print";
    let runs: usize = if print { 0 } else { ok(runs.parse()) };
    let ns = ok(Netspec::new());
    let spec = &ns.spec;
    let work = match scenario.as_str() {
        "outcomes" => Work::Outcomes(Box::new(ok(
            spec.read_submission(&ok(example("non_compliant")))
        ))),
        "text_outcomes" => Work::TextOutcomes(ok(example("non_compliant"))),
        "text_report" => Work::Report(ok(example("non_compliant")), options(false)),
        "non_compliant_explained" => Work::Report(ok(example("non_compliant")), options(true)),
        "non_compliant_plain" => Work::Report(ok(example("non_compliant")), options(false)),
        "half_filled_explained" => Work::Report(ok(example("half_filled")), options(true)),
        "half_filled_plain" => Work::Report(ok(example("half_filled")), options(false)),
        "batch_explained" | "batch_plain" => {
            let examples: Vec<serde_json::Value> = DECIDED_EXAMPLES
                .iter()
                .map(|name| ok(serde_json::from_str(&ok(example(name)))))
                .collect();
            let lines = (0..BATCH as u64)
                .map(|i| ok(serde_json::to_string(&gen::varied(&examples, i))))
                .collect();
            Work::Batch(lines, options(scenario == "batch_explained"))
        }
        other => fail(format!("unknown scenario {other}")),
    };
    if print {
        // the report of one run, as `Spec::write_report_json` writes it
        let text = match &work {
            Work::Report(text, _) | Work::TextOutcomes(text) => text.as_str(),
            Work::Batch(lines, _) => lines.first().map_or("", String::as_str),
            Work::Outcomes(_) => fail("outcomes have no report"),
        };
        let opts = match &work {
            Work::Report(_, o) | Work::Batch(_, o) => *o,
            _ => options(false),
        };
        let mut out = Vec::new();
        spec.write_report_json(&ok(spec.evaluate_str(text, &opts)), &mut out);
        println!("{}", String::from_utf8_lossy(&out));
        return;
    }
    let per_op = match work {
        Work::Batch(..) => runs * BATCH,
        _ => runs,
    };
    let sum = measure(spec, &work, runs);
    println!("{scenario}: {per_op} operations, checksum {sum}");
}
