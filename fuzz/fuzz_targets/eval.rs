//! Evaluation of arbitrary submission text against each bundled spec: never
//! panics, never hangs, and every report renders. The first byte picks the
//! spec, the second the options; the rest is the submission.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use netspec::{Date, EvalOptions, Sources, Spec};

const GOVERNANCE: &str = include_str!("../../specs/common/network_governance.netspec");

macro_rules! specs {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../specs/", $name)))),*]
    };
}

const SPECS: [(&str, &str); 12] = specs![
    "adult_critical_care.netspec",
    "burns.netspec",
    "cardiac.netspec",
    "congenital_heart_disease.netspec",
    "hepatitis_c.netspec",
    "major_trauma.netspec",
    "neonatal_critical_care.netspec",
    "neurosurgery.netspec",
    "paediatric_critical_care.netspec",
    "renal.netspec",
    "spinal_surgery.netspec",
    "surgery_in_children.netspec",
];

static COMPILED: LazyLock<Vec<Spec>> = LazyLock::new(|| {
    SPECS
        .iter()
        .filter_map(|(name, text)| {
            let sources = Sources::single(*name, *text)
                .with("common/network_governance.netspec", GOVERNANCE);
            Spec::compile(name, &sources).ok()
        })
        .collect()
});

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
    let opts = EvalOptions {
        as_of: if flags & 1 == 1 {
            Date::from_ymd(2025, 6, 30)
        } else {
            None
        },
        explanations: flags & 2 == 0,
    };
    match spec.evaluate_str(json, &opts) {
        Ok(report) => {
            let _ = report.to_text();
            let _ = serde_json::to_string(&report).expect("a report serialises");
        }
        Err(e) => {
            let _ = spec.render(&e.diagnostics());
        }
    }
});
