//! The glue both WebAssembly modules share (the npm package's full module,
//! `bindings/wasm`, and the browser form's, `bindings/wasm/form`): the
//! version, the panic hook and its message, failures thrown as JSON text,
//! UTF-8 decoding and the spec handle's metadata, evaluation and form model.
//! Each crate includes this file as a module (`#[path]`), so the two modules
//! answer these calls with the same code.

use std::cell::RefCell;

use netspec::ffi::{self, EvaluateCall, Failure, FailureKind};
use wasm_bindgen::prelude::*;

/// The version of this module (the crate version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps the message of any panic for [`take_panic_message`]. Runs when the
/// module is instantiated.
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

/// A failure as JavaScript receives it: the JSON text of a [`Failure`].
pub(crate) fn thrown(f: Failure) -> JsValue {
    JsValue::from_str(&f.to_json())
}

/// The kind a JavaScript caller names: `compile`, else `submission`.
pub(crate) fn kind(name: &str) -> FailureKind {
    if name == "compile" {
        FailureKind::Compile
    } else {
        FailureKind::Submission
    }
}

/// Reads bytes given from JavaScript (a `Uint8Array`) as UTF-8 text
/// ([`ffi::decode_utf8`]); `kind` is `compile` or `submission`.
#[wasm_bindgen(js_name = decodeUtf8)]
pub fn decode_utf8(bytes: &[u8], kind_name: &str, what: &str) -> Result<String, JsValue> {
    ffi::decode_utf8(bytes, kind(kind_name), what).map_err(thrown)
}

/// A spec ready to evaluate (the raw handle the JavaScript `Spec` wraps).
#[wasm_bindgen(js_name = RawSpec)]
pub struct RawSpec {
    pub(crate) compiled: ffi::Compiled,
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

    /// Compilation warnings (a loaded compiled document has none), as a
    /// JSON array of diagnostics.
    pub fn warnings(&self) -> Result<String, JsValue> {
        ffi::to_json(&self.compiled.spec().warnings(), false).map_err(thrown)
    }

    /// Evaluates a submission given as JSON text; returns the report as JSON
    /// text. `unattributed`: `provider` or `network` to accept a submission
    /// without a header.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_named_as_javascript_names_them() {
        assert_eq!(kind("compile"), FailureKind::Compile);
        assert_eq!(kind("submission"), FailureKind::Submission);
        assert_eq!(kind("anything else"), FailureKind::Submission);
    }
}
