//! The checker on arbitrary text (with the shared governance file available
//! to `use`): compiling never panics; a spec that compiles runs its own
//! tests, evaluates an empty submission and renders its diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netspec::{EvalOptions, Sources, Spec};

const GOVERNANCE: &str = include_str!("../../specs/common/network_governance.netspec");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sources =
        Sources::single("fuzz.netspec", text).with("common/network_governance.netspec", GOVERNANCE);
    match Spec::compile("fuzz.netspec", &sources) {
        Ok(spec) => {
            let _ = spec.render(spec.warnings());
            let _ = spec.run_tests();
            let _ = spec.evaluate_str("{}", &EvalOptions::default());
            let _ = spec.json_schema();
            let _ = spec.inputs();
        }
        Err(e) => {
            let _ = e.render();
        }
    }
});
