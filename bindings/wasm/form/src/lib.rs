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

#[path = "../../glue/common.rs"]
mod common;

use common::thrown;
pub use common::{decode_utf8, start, take_panic_message, version, RawSpec};
use netspec::ffi;
use wasm_bindgen::prelude::*;

/// Loads a compiled document. Throws a [`netspec::ffi::Failure`] JSON string (NS0312)
/// when it is refused.
#[wasm_bindgen(js_name = loadCompiled)]
pub fn load_compiled(document: &str) -> Result<RawSpec, JsValue> {
    ffi::Compiled::from_document(document)
        .map(|compiled| RawSpec { compiled })
        .map_err(thrown)
}
