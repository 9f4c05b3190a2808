//! Evaluation of arbitrary submission text against each bundled spec: never
//! panics, never hangs, and every report renders. The first byte picks the
//! spec, the second the options (bit 0: an assessment date, bit 1: no
//! explanations, bits 2-4: a small work budget for the comparison of the
//! fast and full evaluators); the rest is the submission.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use netspec_core::{Date, EvalOptions, Sources, Spec};

const GOVERNANCE: &str = include_str!("../../specs/common/network_governance.netspec");

/// A bundled spec: its file name, its text, and the example submissions its
/// tests name with `given file`.
type Bundled = (
    &'static str,
    &'static str,
    [(&'static str, &'static str); 4],
);

macro_rules! specs {
    ($($name:literal),* $(,)?) => {
        [$(one!($name)),*]
    };
}

macro_rules! one {
    ($name:literal) => {
        (
            concat!($name, ".netspec"),
            include_str!(concat!("../../specs/", $name, ".netspec")),
            [
                example!($name, "compliant"),
                example!($name, "half_filled"),
                example!($name, "non_compliant"),
                example!($name, "partly_compliant"),
            ],
        )
    };
}

macro_rules! example {
    ($name:literal, $example:literal) => {
        (
            concat!("examples/", $name, "/", $example, ".json"),
            include_str!(concat!(
                "../../specs/examples/",
                $name,
                "/",
                $example,
                ".json"
            )),
        )
    };
}

const SPECS: [Bundled; 12] = specs![
    "adult_critical_care",
    "burns",
    "cardiac",
    "congenital_heart_disease",
    "hepatitis_c",
    "major_trauma",
    "neonatal_critical_care",
    "neurosurgery",
    "paediatric_critical_care",
    "renal",
    "spinal_surgery",
    "surgery_in_children",
];

static COMPILED: LazyLock<Vec<Spec>> = LazyLock::new(|| {
    SPECS
        .iter()
        .filter_map(|(name, text, examples)| {
            let mut sources =
                Sources::single(*name, *text).with("common/network_governance.netspec", GOVERNANCE);
            for (file, json) in examples {
                sources.insert(*file, *json);
            }
            // the tests name more example files than the four read here:
            // evaluation needs none of them
            Spec::compile_with_options(name, &sources, &netspec_core::CompileOptions::evaluation_only())
                .ok()
        })
        .collect()
});

/// Each spec without its fast form: the full evaluator decides everything.
static FULL_ONLY: LazyLock<Vec<netspec_core::Spec>> =
    LazyLock::new(|| COMPILED.iter().map(|s| s.without_fast_path()).collect());

fuzz_target!(|data: &[u8]| {
    let [which, flags, rest @ ..] = data else {
        return;
    };
    let specs = &*COMPILED;
    assert_eq!(specs.len(), SPECS.len(), "a bundled spec did not compile");
    let Some(spec) = specs.get(usize::from(*which) % specs.len()) else {
        return;
    };
    let Ok(json) = std::str::from_utf8(rest) else {
        return;
    };
    let opts = EvalOptions::default().with_as_of(if flags & 1 == 1 {
            Date::from_ymd(2025, 6, 30)
        } else {
            None
        }).with_explanations(flags & 2 == 0).with_unattributed(if flags & 32 == 0 {
            Some(netspec_core::vocab::Respondent::Provider)
        } else {
            None
        });
    let via_text = spec.evaluate_str(json, &opts);
    match &via_text {
        Ok(report) => {
            let _ = netspec::render::report_text(&report, netspec::render::Style::Plain);
            // what `netspec eval --format json` writes: keys sorted, through a Value
            let json = serde_json::to_value(report)
                .and_then(|v| serde_json::to_vec(&v))
                .expect("a report serialises");
            let mut fast = Vec::new();
            spec.write_report_json(report, &mut fast);
            assert_eq!(fast, json, "write_report_json differs from serde_json");
        }
        Err(e) => {
            let _ = netspec::render::diagnostics_in(&e.diagnostics(), spec.source_map(), netspec::render::Style::Plain);
        }
    }
    // the fast evaluator decides as the full one, and counts the same work
    if let Ok(sub) = spec.ingest_str(json) {
        let k = usize::from(*which) % specs.len();
        let full = FULL_ONLY.get(k).expect("one per spec");
        let date = opts.as_of.or(sub.period_end());
        let budget = match (flags >> 2) & 7 {
            0 => spec.limits().max_eval_steps,
            b => u64::from(b) * 97,
        };
        let map = spec.source_map();
        let a = netspec_core::report::assess_with(
            spec.checked(),
            spec.fast_form(),
            map,
            &sub,
            date,
            opts.explanations,
            budget,
        );
        let b = netspec_core::report::assess_with(
            full.checked(),
            full.fast_form(),
            map,
            &sub,
            date,
            opts.explanations,
            budget,
        );
        assert_eq!(a, b, "the fast and full evaluators give different reports");
        let a = netspec_core::report::outcomes_with(
            spec.checked(),
            spec.fast_form(),
            map,
            &sub,
            date,
            budget,
        );
        let b = netspec_core::report::outcomes_with(
            full.checked(),
            full.fast_form(),
            map,
            &sub,
            date,
            budget,
        );
        assert_eq!(a, b, "the fast and full evaluators give different outcomes");
    }
    // text read in one pass (the fast path for clean submissions) and the
    // same text read into a value first come to the same result
    if let Ok(value) = netspec_core::submission::read_json(json, spec.limits()) {
        match (&via_text, spec.evaluate(&value, &opts)) {
            (Ok(a), Ok(b)) => assert_eq!(a, &b, "text and value give different reports"),
            (Err(a), Err(b)) => assert_eq!(
                a.diagnostics(),
                b.diagnostics(),
                "text and value give different errors"
            ),
            (a, b) => panic!("text and value disagree: {a:?} / {b:?}"),
        }
    }
});
