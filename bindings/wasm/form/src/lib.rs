//! The browser form's WebAssembly module: glue between JavaScript and
//! [`netspec::ffi`] for a spec that comes as a compiled document
//! (`netspec compile`), built without netspec's `compile` feature, so
//! without the parser, the checker and the rest of the compiler. The
//! JavaScript wrapper is the npm package's (`js/core.js`), through
//! `form.js`; a report is byte for byte the full module's. It has what the
//! self-assessment page uses on every keystroke: the spec's metadata, the
//! form model and evaluation; not the JSON Schema or FHIR (Questionnaires,
//! QuestionnaireResponses read and written): the full module has them, and
//! the page loads it when someone first imports or exports FHIR.

use std::cell::RefCell;

use netspec::ffi::{self, EvaluateCall, Failure};
use wasm_bindgen::prelude::*;

/// The version of this module (the crate version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps the message of any panic for [`take_panic_message`].
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        let _ = LAST_PANIC.try_with(|p| {
            if let Ok(mut slot) = p.try_borrow_mut() {
                *slot = Some(text);
            }
        });
    }));
}

/// The message of the last panic, if one happened since the last call.
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC
        .try_with(|p| p.try_borrow_mut().ok().and_then(|mut s| s.take()))
        .ok()
        .flatten()
}

fn thrown(f: Failure) -> JsValue {
    JsValue::from_str(&f.to_json())
}

/// Reads bytes given from JavaScript as UTF-8 text ([`ffi::decode_utf8`]).
#[wasm_bindgen(js_name = decodeUtf8)]
pub fn decode_utf8(bytes: &[u8], kind_name: &str, what: &str) -> Result<String, JsValue> {
    let kind = if kind_name == "compile" {
        ffi::FailureKind::Compile
    } else {
        ffi::FailureKind::Submission
    };
    ffi::decode_utf8(bytes, kind, what).map_err(thrown)
}

/// A loaded spec (the raw handle the JavaScript `Spec` wraps).
#[wasm_bindgen(js_name = RawSpec)]
pub struct RawSpec {
    compiled: ffi::Compiled,
}

/// Loads a compiled document. Throws a [`Failure`] JSON string (NS0312)
/// when it is refused.
#[wasm_bindgen(js_name = loadCompiled)]
pub fn load_compiled(document: &str) -> Result<RawSpec, JsValue> {
    ffi::Compiled::from_document(document)
        .map(|compiled| RawSpec { compiled })
        .map_err(thrown)
}

#[wasm_bindgen(js_class = RawSpec)]
impl RawSpec {
    /// Spec id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.compiled.spec().id().to_string()
    }

    /// Spec title.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> String {
        self.compiled.spec().title().to_string()
    }

    /// Spec version, if declared.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> Option<String> {
        self.compiled.spec().version().map(str::to_string)
    }

    /// Warnings (a loaded spec has none), as a JSON array.
    pub fn warnings(&self) -> Result<String, JsValue> {
        ffi::to_json(&self.compiled.spec().warnings(), false).map_err(thrown)
    }

    /// Evaluates a submission given as JSON text; the report as JSON text,
    /// as the full module's `RawSpec.evaluate`.
    pub fn evaluate(
        &self,
        submission: &str,
        as_of: Option<String>,
        explanations: bool,
        pretty: bool,
        unattributed: Option<String>,
    ) -> Result<String, JsValue> {
        let mut call = EvaluateCall::default();
        call.as_of = as_of;
        call.explanations = explanations;
        call.pretty = pretty;
        call.unattributed = unattributed;
        self.compiled.evaluate(submission, &call).map_err(thrown)
    }

    /// The form model (sections of questions), as JSON text.
    pub fn inputs(&self) -> Result<String, JsValue> {
        ffi::to_json(&self.compiled.inputs(), false).map_err(thrown)
    }
}
