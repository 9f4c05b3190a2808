//! A stand-in for a service that embeds netspec: its own code reads JSON
//! with `serde_json::Value` and evaluates submissions with netspec in the
//! same build. The tests (`tests/numbers.rs`) hold serde_json to its default
//! number behaviour there, and netspec to exact numbers.

/// Reads `text` as a `serde_json::Value`, the way the embedding service's
/// own code would.
pub fn service_value(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_str(text)
}
