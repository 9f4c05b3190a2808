//! WebAssembly bindings of the netspec engine: glue between JavaScript and
//! [`netspec::ffi`].
//!
//! This crate is the Rust half of the npm package `netspec`: the
//! `#[wasm_bindgen]` exports here are raw and string-based, and the thin
//! JavaScript wrapper (`js/core.js`, `index.js`, `web.js`) turns them into the
//! public API described by `index.d.ts`. Every call and answer is one of
//! [`netspec::ffi`]'s, crossing as JSON text, so a report is byte for byte
//! what the native engine gives; a failure is thrown as the JSON text of a
//! [`netspec::ffi::Failure`]. Should the engine ever panic, the panic hook
//! keeps the message so the wrapper can report it and reset the module.

use std::collections::BTreeMap;

#[path = "../glue/common.rs"]
mod common;

use common::thrown;
pub use common::{decode_utf8, start, take_panic_message, version, RawSpec};
use netspec::ffi::{self, CompileCall, Failure};
use wasm_bindgen::prelude::*;

/// Test hook: panics on purpose, so the JavaScript tests can check that the
/// wrapper recovers from a trap. Not part of the public API.
#[wasm_bindgen(js_name = __panicForTests)]
#[allow(clippy::panic)]
pub fn panic_for_tests(message: &str) {
    panic!("{message}");
}

/// The explanation of a diagnostic code (`NS0002`, any case) as JSON, if it exists.
#[wasm_bindgen(js_name = explainCode)]
pub fn explain_code(code: &str) -> Option<String> {
    ffi::codes(Some(code))
        .first()
        .and_then(|c| ffi::to_json(c, false).ok())
}

/// Every diagnostic code with its title and explanation, as a JSON array.
#[wasm_bindgen(js_name = allCodes)]
pub fn all_codes() -> String {
    ffi::to_json(&ffi::codes(None), false).unwrap_or_else(|_| "[]".into())
}

/// What to show at `offset` (UTF-16 code units) of one spec's text, as JSON
/// `{"contents", "from", "to"}` (UTF-16 offsets), or nothing
/// (`netspec::ide::hover`; the JavaScript `hover`).
#[wasm_bindgen(js_name = ideHover)]
pub fn ide_hover(source: &str, offset: u32) -> Option<String> {
    let byte = netspec::ide::byte_offset(source, offset as usize);
    let h = netspec::ide::hover(source, byte)?;
    let json = serde_json::json!({
        "contents": h.contents,
        "from": netspec::ide::utf16_offset(source, h.start),
        "to": netspec::ide::utf16_offset(source, h.end),
    });
    Some(json.to_string())
}

/// Completion candidates at `offset` (UTF-16 code units) of one spec's
/// text, as JSON `{"from", "options": [{"label", "kind", "detail"?,
/// "info"?}]}` (`netspec::ide::complete`; the JavaScript `complete`).
#[wasm_bindgen(js_name = ideComplete)]
pub fn ide_complete(source: &str, offset: u32) -> String {
    let byte = netspec::ide::byte_offset(source, offset as usize);
    let c = netspec::ide::complete(source, byte);
    let options: Vec<serde_json::Value> = c
        .options
        .iter()
        .map(|o| {
            let mut v = serde_json::json!({"label": o.label, "kind": o.kind.as_str()});
            if let Some(d) = &o.detail {
                v["detail"] = serde_json::Value::from(d.as_str());
            }
            if let Some(i) = &o.info {
                v["info"] = serde_json::Value::from(i.as_str());
            }
            v
        })
        .collect();
    serde_json::json!({
        "from": netspec::ide::utf16_offset(source, c.from),
        "options": options,
    })
    .to_string()
}

/// The call to compile `root`, named `name`, with the files in `files_json`
/// (a JSON object of file names and texts; empty for none).
pub fn compile_call(
    name: &str,
    root: &str,
    files_json: &str,
    tests: bool,
) -> Result<CompileCall, Failure> {
    let files: BTreeMap<String, String> = if files_json.trim().is_empty() {
        BTreeMap::new()
    } else {
        serde_json::from_str(files_json).map_err(|e| {
            Failure::usage(format!("`files` must map file names to their text: {e}"))
        })?
    };
    let mut call = CompileCall::new(name, root, files);
    call.tests = tests;
    Ok(call)
}

/// Compiles a spec. Throws a [`Failure`] JSON string on failure.
#[wasm_bindgen(js_name = compileRaw)]
pub fn compile_raw(
    name: &str,
    root: &str,
    files_json: &str,
    tests: bool,
) -> Result<RawSpec, JsValue> {
    compile_call(name, root, files_json, tests)
        .and_then(|call| ffi::compile(&call))
        .map(|compiled| RawSpec { compiled })
        .map_err(thrown)
}

#[wasm_bindgen(js_class = RawSpec)]
impl RawSpec {
    /// The FHIR R4 Questionnaire of `respondent`'s questions (`provider`,
    /// the default, or `network`), as JSON text.
    #[wasm_bindgen(js_name = fhirQuestionnaire)]
    pub fn fhir_questionnaire(&self, respondent: Option<String>) -> Result<String, JsValue> {
        self.compiled
            .fhir_questionnaire(respondent.as_deref(), false)
            .map_err(thrown)
    }

    /// A FHIR QuestionnaireResponse (JSON text) read as a submission (JSON text).
    #[wasm_bindgen(js_name = fhirToSubmission)]
    pub fn fhir_to_submission(&self, response: &str) -> Result<String, JsValue> {
        self.compiled
            .fhir_to_submission(response, false)
            .map_err(thrown)
    }

    /// A submission (JSON text) as a FHIR QuestionnaireResponse (JSON text).
    #[wasm_bindgen(js_name = submissionToFhir)]
    pub fn submission_to_fhir(
        &self,
        submission: &str,
        unattributed: Option<String>,
    ) -> Result<String, JsValue> {
        self.compiled
            .submission_to_fhir(submission, unattributed.as_deref(), false)
            .map_err(thrown)
    }

    /// The JSON Schema of a valid submission, as JSON text.
    #[wasm_bindgen(js_name = jsonSchema)]
    pub fn json_schema(&self) -> Result<String, JsValue> {
        ffi::to_json(&self.compiled.spec().json_schema(), false).map_err(thrown)
    }

    /// Runs the spec's tests; returns results and coverage as JSON text.
    #[wasm_bindgen(js_name = runTests)]
    pub fn run_tests(&self) -> Result<String, JsValue> {
        let run = self.compiled.run_tests().map_err(thrown)?;
        ffi::to_json(&run, false).map_err(thrown)
    }
}

/// A network roll-up under way (the raw handle the JavaScript `Rollup`
/// wraps): submissions are evaluated and folded in one at a time by
/// [`netspec_network::Rollup`], the same roll-up as `netspec network`;
/// nothing but the summary is kept.
#[wasm_bindgen(js_name = RawRollup)]
pub struct RawRollup {
    rollup: Option<netspec_network::Rollup>,
    report: Option<netspec_network::NetworkReport>,
}

#[wasm_bindgen(js_class = RawRollup)]
impl RawRollup {
    /// A roll-up of submissions to `spec`; `as_of` (YYYY-MM-DD) overrides
    /// each header's period end.
    #[wasm_bindgen(constructor)]
    pub fn new(
        spec: &RawSpec,
        as_of: Option<String>,
        explanations: bool,
    ) -> Result<RawRollup, JsValue> {
        let date = match as_of.as_deref() {
            None => None,
            Some(text) => Some(netspec::Date::parse(text).ok_or_else(|| {
                thrown(Failure::usage(format!(
                    "`asOf` must be a date (YYYY-MM-DD), not `{text}`"
                )))
            })?),
        };
        let opts = netspec::EvalOptions::default()
            .with_as_of(date)
            .with_explanations(explanations);
        Ok(RawRollup {
            rollup: Some(netspec_network::Rollup::new(self_spec(spec), opts)),
            report: None,
        })
    }

    /// Evaluates one submission (its bytes; `name` says where it came
    /// from) and folds it in.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), JsValue> {
        match self.rollup.as_mut() {
            Some(r) => {
                r.add(netspec_network::Source::file(name), bytes);
                Ok(())
            }
            None => Err(thrown(Failure::usage("the roll-up is finished"))),
        }
    }

    /// Ends the roll-up; the network report as JSON text.
    pub fn finish(&mut self, pretty: bool) -> Result<String, JsValue> {
        if let Some(r) = self.rollup.take() {
            self.report = Some(r.finish());
        }
        let report = self
            .report
            .as_ref()
            .ok_or_else(|| thrown(Failure::usage("the roll-up is finished")))?;
        ffi::to_json(report, pretty).map_err(thrown)
    }

    /// The finished report as tidy CSV (one row per provider × requirement).
    pub fn csv(&self) -> Result<String, JsValue> {
        self.report
            .as_ref()
            .map(netspec_network::csv::write)
            .ok_or_else(|| thrown(Failure::usage("finish the roll-up first")))
    }
}

fn self_spec(spec: &RawSpec) -> &netspec::Spec {
    spec.compiled.spec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use netspec::ffi::FailureKind;

    #[test]
    fn files_must_map_names_to_text() {
        assert!(compile_call("x.netspec", "", "", true).is_ok_and(|c| c.files.is_empty()));
        assert!(compile_call("x.netspec", "", "[1]", true)
            .is_err_and(|e| e.kind == FailureKind::Usage && e.message.contains("`files`")));
        assert!(compile_call("x.netspec", "", r#"{"a.json": "{}"}"#, false)
            .is_ok_and(|c| !c.tests && c.files.len() == 1));
    }
}
