//! Properties of the roll-up: over generated networks (the example
//! submissions of two specs, picked in any number and order, their numbers
//! changed, some broken), the network report's counts are the sums of the
//! single reports, and nothing is dropped.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use netspec::{CompileOptions, EvalOptions, Outcome, Rating, Respondent, Spec};
use netspec_network::{Rollup, Source};
use proptest::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn spec(name: &str) -> Spec {
    let path = root().join(format!("specs/{name}.netspec"));
    Spec::read(
        path.to_str().unwrap(),
        None,
        None,
        &CompileOptions::evaluation_only(),
    )
    .unwrap()
}

/// Every example submission of a spec: its own folder and its network folder.
fn examples(name: &str) -> Vec<Value> {
    let mut out = vec![];
    for dir in [
        root().join("specs/examples").join(name),
        root().join("specs/examples").join(name).join("network"),
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            out.push(serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap());
        }
    }
    out
}

/// Changes the `k`-th number found in `v` (depth first) to `to`.
fn set_number(v: &mut Value, k: &mut usize, to: i64) -> bool {
    match v {
        Value::Number(_) => {
            if *k == 0 {
                *v = Value::from(to);
                return true;
            }
            *k -= 1;
            false
        }
        Value::Array(xs) => xs.iter_mut().any(|x| set_number(x, k, to)),
        Value::Object(m) => m
            .iter_mut()
            .filter(|(key, _)| key.as_str() != "header")
            .any(|(_, x)| set_number(x, k, to)),
        _ => false,
    }
}

/// One generated submission: an example, some numbers changed, perhaps a
/// key dropped (a half-filled answer) or the whole text cut (broken).
#[derive(Debug, Clone)]
struct Pick {
    example: usize,
    edits: Vec<(usize, i64)>,
    drop: Option<usize>,
    cut: bool,
}

fn pick() -> impl Strategy<Value = Pick> {
    (
        0usize..64,
        prop::collection::vec((0usize..80, -5i64..6000), 0..4),
        prop::option::weighted(0.2, 0usize..8),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(example, edits, drop, cut)| Pick {
            example,
            edits,
            drop,
            cut,
        })
}

fn make(examples: &[Value], p: &Pick) -> String {
    let mut v = examples[p.example % examples.len()].clone();
    for &(at, to) in &p.edits {
        let mut k = at;
        set_number(&mut v, &mut k, to);
    }
    if let (Some(d), Some(m)) = (p.drop, v.as_object_mut()) {
        let keys: Vec<String> = m.keys().filter(|k| *k != "header").cloned().collect();
        if !keys.is_empty() {
            m.remove(&keys[d % keys.len()]);
        }
    }
    let text = serde_json::to_string(&v).unwrap();
    if p.cut {
        text[..text.len() / 2].to_string()
    } else {
        text
    }
}

fn check(name: &str, spec: &Spec, examples: &[Value], picks: &[Pick]) {
    let opts = EvalOptions::default();
    let mut rollup = Rollup::new(spec, opts);
    let texts: Vec<String> = picks.iter().map(|p| make(examples, p)).collect();
    for (k, t) in texts.iter().enumerate() {
        rollup.add(Source::line(name, k as u64 + 1), t.as_bytes());
    }
    let report = rollup.finish();

    // the single reports, summed here independently
    let mut providers = vec![];
    let mut network = 0u64;
    let mut failed = vec![];
    for (k, t) in texts.iter().enumerate() {
        match spec.evaluate_str(t, &opts) {
            Ok(r) if r.respondent == Respondent::Network => network += 1,
            Ok(r) => providers.push(r),
            Err(_) => failed.push(k as u64 + 1),
        }
    }
    assert_eq!(report.totals.submissions, texts.len() as u64);
    assert_eq!(report.totals.providers, providers.len() as u64);
    assert_eq!(report.totals.network, network);
    assert_eq!(report.totals.failed, failed.len() as u64);
    let listed: Vec<u64> = report
        .failed
        .iter()
        .map(|f| f.source.line.unwrap())
        .collect();
    assert_eq!(listed, failed);
    assert!(report.failed.iter().all(|f| !f.diagnostics.is_empty()));

    for row in &report.requirements {
        let (mut met, mut not_met, mut na, mut inc) = (0, 0, 0, 0);
        let mut missing = vec![];
        for p in &providers {
            let r = p.requirements.iter().find(|r| r.id == row.id).unwrap();
            match r.outcome {
                Outcome::Met => met += 1,
                Outcome::NotMet => {
                    not_met += 1;
                    if r.level == netspec::Level::Must {
                        missing.push(p.header.as_ref().unwrap().organisation.ods_code.clone());
                    }
                }
                Outcome::NotApplicable => na += 1,
                Outcome::Incomplete => inc += 1,
            }
        }
        assert_eq!(
            (
                row.counts.met,
                row.counts.not_met,
                row.counts.not_applicable,
                row.counts.incomplete
            ),
            (met, not_met, na, inc),
            "{}",
            row.id
        );
        assert_eq!(row.not_meeting, missing);
    }
    // every provider requirement has a row
    if let Some(p) = providers.first() {
        assert_eq!(report.requirements.len(), p.requirements.len());
    }
    // the overall counts of every provider sum to the requirement rows' counts
    let (mut a, mut b) = (0u32, 0u32);
    for p in &providers {
        a += p.overall.counts.met + p.overall.counts.not_met;
    }
    for r in &report.requirements {
        b += r.counts.met + r.counts.not_met;
    }
    assert_eq!(a, b);
    for area in &report.areas {
        let mut ratings = [0u32; 4];
        let mut met = 0;
        for p in &providers {
            let x = p.areas.iter().find(|x| x.area == area.area).unwrap();
            let c = x.counts;
            met += c.met;
            if c.met + c.not_met + c.not_applicable + c.incomplete > 0 {
                ratings[match x.rating {
                    Rating::Green => 0,
                    Rating::Amber => 1,
                    Rating::Red => 2,
                    Rating::Incomplete => 3,
                }] += 1;
            }
        }
        let got = area.ratings;
        assert_eq!([got.green, got.amber, got.red, got.incomplete], ratings);
        assert_eq!(area.counts.met, met);
    }
    // and it reads back from its JSON
    let json = serde_json::to_string(&report).unwrap();
    let back: netspec_network::NetworkReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn network_counts_are_the_sums_of_the_single_reports(
        picks in prop::collection::vec(pick(), 0..24),
        neonatal in any::<bool>(),
    ) {
        let name = if neonatal { "neonatal_critical_care" } else { "adult_critical_care" };
        check(name, &spec(name), &examples(name), &picks);
    }
}
