//! Embedding netspec in a service: compile a spec once, share it across
//! threads, and evaluate many submissions.
//!
//! Run with `cargo run -p netspec --example embed`.

use std::thread;

use netspec::{Date, EvalOptions, Outcome, Sources, Spec};

const SPEC: &str = r#"
spec demo_network "Demo network" { version "1" }

inputs "Units" {
  units: list "Critical care units" {
    name: text "Unit name"
    beds: int min 0 "Funded beds"
    nurses: int min 0 "Registered nurses on a day shift"
  }
  audit_date: date "Date of the last staffing audit"
}

area workforce {
  requirement WF-01 must "Every unit has one nurse per bed" {
    all u in units: u.nurses >= u.beds
    ref "Demo standard 1"
  }
}

area quality {
  requirement QU-01 should "Staffing audited in the last 12 months" {
    audit_date within 12 months
    ref "Demo standard 2"
  }
}
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The caller supplies every file's text; the engine does no I/O.
    let spec = Spec::compile("demo.netspec", &Sources::single("demo.netspec", SPEC))?;
    let as_of = Date::parse("2025-06-30");

    // who answered, for which organisation and period
    let header = r#""header": {"respondent": "provider",
        "organisation": {"ods_code": "RRK", "name": "Eastmoor Hospitals NHS Trust"},
        "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo Bloggs"}"#;
    let submissions = [
        format!(
            r#"{{{header}, "units": [{{"name": "A", "beds": 8, "nurses": 8}}], "audit_date": "2025-01-10"}}"#
        ),
        format!(
            r#"{{{header}, "units": [{{"name": "A", "beds": 8, "nurses": 6}}, {{"name": "B", "beds": 4, "nurses": 4}}]}}"#
        ),
    ];

    // `Spec` is `Send + Sync` and cheap to clone: share it across threads.
    let handles: Vec<_> = submissions
        .iter()
        .map(|text| {
            let spec = spec.clone();
            let text = text.clone();
            thread::spawn(move || {
                let opts = EvalOptions::default().with_as_of(as_of);
                // a report borrows the spec's texts; `into_owned` lets it
                // outlive this thread's handle on the spec
                spec.evaluate_str(&text, &opts)
                    .map(netspec::Report::into_owned)
            })
        })
        .collect();

    for (i, h) in handles.into_iter().enumerate() {
        let report = h.join().map_err(|_| "worker thread failed")??;
        println!("submission {i}: overall {}", report.overall.rating.as_str());
        for r in &report.requirements {
            match r.outcome {
                Outcome::NotMet => {
                    for c in &r.explanation {
                        println!(
                            "  {} not met: {}: {}",
                            r.id,
                            c.element.as_deref().unwrap_or("-"),
                            c.message
                        );
                    }
                }
                Outcome::Incomplete => {
                    let paths: Vec<&str> = r.missing.iter().map(|m| m.path.as_str()).collect();
                    println!("  {} incomplete: needs {}", r.id, paths.join(", "));
                }
                _ => println!("  {} {}", r.id, r.outcome.as_str()),
            }
        }
    }
    Ok(())
}
