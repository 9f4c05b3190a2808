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
//!
//! The report of a pre-loaded `non_compliant`, explanations off
//! (`a_report`), the peers on workload A (`a_datalogic`, `a_zen`, `a_typed`:
//! pre-loaded `non_compliant`; with `_text`, from its JSON text), workload B
//! (`benches/src/workload_b.rs`: `b_outcomes`, `b_report` pre-loaded,
//! `b_text_outcomes`, `b_text_report` from text, explanations off; the
//! peers `b_datalogic`, `b_zen`, `b_typed`, `b_value`, each also with
//! `_text`), reading alone (`a_read`, `b_read`: JSON text → a read
//! submission, then dropped), and compiles (`b_compile`: workload B for evaluation only;
//! `b_compile_datalogic`, `b_compile_zen`: the peers' 25 rules;
//! `compile_largest`, `compile_largest_eval_only`: neurosurgery) are
//! counted in `measure_op`: use `--toggle-collect='*count::measure*'`,
//! which matches both loops.
//!
//! `count <scenario> print` prints the JSON report of one run instead (the
//! first submission of a batch), to check that a change keeps the bytes.

use std::hint::black_box;

use netspec::{CompileOptions, EvalOptions, Spec, Submission};
use netspec_bench::workload_b as b;
use netspec_bench::{
    example, gen, spec_sources, typed, typed_parse, Datalogic, Netspec, Zen, DECIDED_EXAMPLES,
};

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

/// The counted loop of the peers, of workload B and of compiles: `runs`
/// calls of `op`.
#[inline(never)]
fn measure_op(runs: usize, op: &mut dyn FnMut() -> usize) -> usize {
    let mut sum = 0usize;
    for _ in 0..runs {
        sum += op();
    }
    sum
}

/// Scenarios other than netspec's on workload A, as a closure to count;
/// `None` if `scenario` is not one of them.
fn other(scenario: &str, runs: usize) -> Option<usize> {
    let text_a = || ok(example("non_compliant"));
    let plain = options(false);
    let sum = match scenario {
        // workload A's peers
        "a_datalogic" | "a_datalogic_text" => {
            let dl = ok(Datalogic::new());
            let text = text_a();
            let parsed = ok(Datalogic::parse(&text));
            let mut session = dl.engine.session();
            let mut out = Vec::new();
            let from_text = scenario.ends_with("_text");
            measure_op(runs, &mut || {
                if from_text {
                    let parsed = ok(Datalogic::parse(black_box(&text)));
                    dl.verdicts(&mut session, &parsed, &mut out);
                } else {
                    dl.verdicts(&mut session, black_box(&parsed), &mut out);
                }
                out.len()
            })
        }
        "a_zen" | "a_zen_text" => {
            let zn = ok(Zen::new());
            let text = text_a();
            let data = ok(Zen::parse(&text));
            let mut vm = zen_expression::vm::VM::new();
            let mut out = Vec::new();
            let from_text = scenario.ends_with("_text");
            measure_op(runs, &mut || {
                if from_text {
                    let data = ok(Zen::parse(black_box(&text)));
                    zn.verdicts(&mut vm, &data, &mut out);
                } else {
                    zn.verdicts(&mut vm, black_box(&data), &mut out);
                }
                out.len()
            })
        }
        "a_typed" => {
            let sub = ok(typed_parse(&text_a()));
            measure_op(runs, &mut || typed::verdicts(black_box(&sub)).len())
        }
        "a_typed_text" => {
            let text = text_a();
            measure_op(runs, &mut || {
                typed::verdicts(&ok(typed_parse(black_box(&text)))).len()
            })
        }
        // workload A's report from a pre-loaded submission, explanations off
        "a_report" => {
            let ns = ok(Netspec::new());
            let sub = ok(ns.spec.read_submission(&text_a()));
            let spec = &ns.spec;
            measure_op(runs, &mut || {
                ok(spec.evaluate_submission(black_box(&sub), &plain))
                    .requirements
                    .len()
            })
        }
        // workload B
        // reading alone: JSON text -> a read submission (dropped)
        "a_read" | "b_read" => {
            let (ns, text) = if scenario == "a_read" {
                (ok(Netspec::new()).spec, text_a())
            } else {
                (ok(b::Netspec::new()).spec, ok(b::example()))
            };
            measure_op(runs, &mut || {
                let sub = ok(ns.read_submission(black_box(&text)));
                std::mem::size_of_val(black_box(&sub))
            })
        }
        "b_outcomes" | "b_text_outcomes" | "b_report" | "b_text_report" => {
            let ns = ok(b::Netspec::new());
            let text = ok(b::example());
            let sub = ok(ns.spec.read_submission(&text));
            let spec = &ns.spec;
            match scenario {
                "b_outcomes" => measure_op(runs, &mut || {
                    ok(spec.outcomes(black_box(&sub), &plain)).len()
                }),
                "b_report" => measure_op(runs, &mut || {
                    ok(spec.evaluate_submission(black_box(&sub), &plain))
                        .requirements
                        .len()
                }),
                "b_text_outcomes" => measure_op(runs, &mut || {
                    let sub = ok(spec.read_submission(black_box(&text)));
                    ok(spec.outcomes(&sub, &plain)).len()
                }),
                _ => measure_op(runs, &mut || {
                    ok(spec.evaluate_str(black_box(&text), &plain))
                        .requirements
                        .len()
                }),
            }
        }
        "b_datalogic" | "b_datalogic_text" => {
            let dl = ok(b::Datalogic::new());
            let text = ok(b::example());
            let parsed = ok(b::Datalogic::parse(&text));
            let mut session = dl.engine.session();
            let mut out = Vec::new();
            let from_text = scenario.ends_with("_text");
            measure_op(runs, &mut || {
                if from_text {
                    let parsed = ok(b::Datalogic::parse(black_box(&text)));
                    dl.verdicts(&mut session, &parsed, &mut out);
                } else {
                    dl.verdicts(&mut session, black_box(&parsed), &mut out);
                }
                out.len()
            })
        }
        "b_zen" | "b_zen_text" => {
            let zn = ok(b::Zen::new());
            let text = ok(b::example());
            let data = ok(b::Zen::parse(&text));
            let mut vm = zen_expression::vm::VM::new();
            let mut out = Vec::new();
            let from_text = scenario.ends_with("_text");
            measure_op(runs, &mut || {
                if from_text {
                    let data = ok(b::Zen::parse(black_box(&text)));
                    zn.verdicts(&mut vm, &data, &mut out);
                } else {
                    zn.verdicts(&mut vm, black_box(&data), &mut out);
                }
                out.len()
            })
        }
        "b_typed" => {
            let sub = ok(b::typed_parse(&ok(b::example())));
            measure_op(runs, &mut || b::typed_verdicts(black_box(&sub)).len())
        }
        "b_typed_text" => {
            let text = ok(b::example());
            measure_op(runs, &mut || {
                b::typed_verdicts(&ok(b::typed_parse(black_box(&text)))).len()
            })
        }
        "b_value" => {
            let v = ok(b::value_parse(&ok(b::example())));
            measure_op(runs, &mut || {
                b::value_verdicts(black_box(&v)).map_or(0, |x| x.len())
            })
        }
        "b_value_text" => {
            let text = ok(b::example());
            measure_op(runs, &mut || {
                b::value_verdicts(&ok(b::value_parse(black_box(&text)))).map_or(0, |x| x.len())
            })
        }
        // compiles
        "b_compile" => {
            let (path, sources) = b::sources();
            let opts = CompileOptions::evaluation_only();
            measure_op(runs, &mut || {
                ok(Spec::compile_with_options(
                    black_box(&path),
                    &sources,
                    &opts,
                ))
                .requirement_ids()
                .count()
            })
        }
        "b_compile_datalogic" => measure_op(runs, &mut || ok(b::Datalogic::new()).rules.len()),
        "b_compile_zen" => measure_op(runs, &mut || ok(b::Zen::new()).rules.len()),
        "keystroke"
        | "keystroke_sorted"
        | "keystroke_eval"
        | "keystroke_pretty"
        | "keystroke_value_pretty" => {
            // the browser form's work on a keystroke: the largest bundled
            // spec (as it is bundled, not the frozen 2025.1 edition), its
            // compliant example, the report explained and written as JSON
            // text with its keys sorted: by the spec's writer
            // (`keystroke`, what `ffi::Compiled::evaluate` does), by the
            // general sorted writer (`keystroke_sorted`, `ffi::to_json`), or
            // not written (`keystroke_eval`); indented, as `netspec eval
            // --format json` prints it: by the spec's writer
            // (`keystroke_pretty`) or through a `serde_json::Value`
            // (`keystroke_value_pretty`)
            let root = netspec_bench::repo_root().join("specs");
            let sources = netspec::gather_sources(
                "adult_critical_care.netspec",
                &CompileOptions::default(),
                |p| std::fs::read_to_string(root.join(p)).ok(),
            );
            let spec = ok(Spec::compile("adult_critical_care.netspec", &sources));
            let text = ok(std::fs::read_to_string(
                root.join("examples/adult_critical_care/compliant.json"),
            ));
            let opts = options(true);
            measure_op(runs, &mut || {
                let report = ok(spec.evaluate_str(black_box(&text), &opts));
                match scenario {
                    "keystroke_eval" => report.requirements.len(),
                    "keystroke_pretty" => {
                        ok(netspec::ffi::report_json(&spec, &report, true).map_err(|f| f.message))
                            .len()
                    }
                    "keystroke_value_pretty" => ok(serde_json::to_value(&report)
                        .and_then(|v| serde_json::to_string_pretty(&v)))
                    .len(),
                    "keystroke_sorted" => {
                        ok(netspec::ffi::to_json(&report, false).map_err(|f| f.message)).len()
                    }
                    _ => {
                        let mut out = Vec::new();
                        spec.write_report_json(&report, &mut out);
                        out.len()
                    }
                }
            })
        }
        "compile_largest" | "compile_largest_eval_only" => {
            let (path, sources) = spec_sources("neurosurgery");
            let opts = if scenario == "compile_largest" {
                CompileOptions::default()
            } else {
                CompileOptions::evaluation_only()
            };
            measure_op(runs, &mut || {
                ok(Spec::compile_with_options(
                    black_box(&path),
                    &sources,
                    &opts,
                ))
                .requirement_ids()
                .count()
            })
        }
        _ => return None,
    };
    Some(sum)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(scenario), Some(runs)) = (args.get(1), args.get(2)) else {
        fail("usage: count <scenario> <runs>")
    };
    let print = runs == "print";
    let runs: usize = if print { 0 } else { ok(runs.parse()) };
    if !print {
        if let Some(sum) = other(scenario, runs) {
            println!("{scenario}: {runs} operations, checksum {sum}");
            return;
        }
    }
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
