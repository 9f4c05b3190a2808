//! The checker on arbitrary text (with the shared governance file available
//! to `use`): compiling never panics; a spec that compiles runs its own
//! tests, evaluates an empty submission and renders its diagnostics, and
//! compiles for evaluation only too, to the same evaluation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netspec_core::{EvalOptions, Sources, Spec};

const GOVERNANCE: &str = include_str!("../../specs/common/network_governance.netspec");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sources =
        Sources::single("fuzz.netspec", text).with("common/network_governance.netspec", GOVERNANCE);
    match Spec::compile("fuzz.netspec", &sources) {
        Ok(spec) => {
            let _ = netspec::render::diagnostics_in(spec.warnings(), spec.source_map(), netspec::render::Style::Plain);
            let _ = spec.run_tests();
            let report = spec.evaluate_str("{}", &EvalOptions::default());
            let fast = Spec::compile_with_options(
                "fuzz.netspec",
                &sources,
                &netspec_core::CompileOptions::evaluation_only(),
            )
            .expect("a spec that compiles compiles for evaluation only");
            let again = fast.evaluate_str("{}", &EvalOptions::default());
            assert_eq!(
                report.map_err(|e| e.to_string()),
                again.map_err(|e| e.to_string()),
                "compiled for evaluation only, the spec evaluates differently"
            );
            let _ = spec.json_schema();
            let _ = spec.inputs();
        }
        Err(e) => {
            let _ = netspec::render::compile_error(&e, netspec::render::Style::Plain);
        }
    }
});
