//! The OpenAPI 3.1 document of the service, generated from the route
//! handlers and the answer types (`GET /openapi.json`,
//! `netspec serve --print-openapi`).

use utoipa::OpenApi as _;

/// The OpenAPI 3.1 document, as indented JSON.
pub fn openapi_json() -> String {
    let mut doc = crate::routes::ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc.to_pretty_json().unwrap_or_else(|e| {
        format!(
            "{{\"openapi\":\"3.1.0\",\"info\":{{\"title\":\"netspec\",\"version\":\"{}\",\"description\":{}}},\"paths\":{{}}}}",
            env!("CARGO_PKG_VERSION"),
            serde_json::Value::String(format!("cannot write the document: {e}"))
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented_in_openapi_3_1() {
        let doc: serde_json::Value = serde_json::from_str(&openapi_json()).unwrap_or_default();
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().map(|p| p.len()).unwrap_or(0);
        assert_eq!(paths, 13);
        for (path, method) in [
            ("/v1/specs", "get"),
            ("/v1/specs/{id}", "get"),
            ("/v1/specs/{id}/schema", "get"),
            ("/v1/specs/{id}/evaluate", "post"),
            ("/v1/specs/{id}/evaluate-batch", "post"),
            ("/v1/check", "post"),
            ("/v1/admin/reload", "post"),
            ("/healthz", "get"),
            ("/readyz", "get"),
            ("/metrics", "get"),
            ("/openapi.json", "get"),
            ("/", "get"),
            ("/playground", "get"),
        ] {
            assert!(doc["paths"][path][method].is_object(), "{method} {path}");
        }
        let evaluate = &doc["paths"]["/v1/specs/{id}/evaluate"]["post"];
        for status in ["200", "400", "404", "408", "413", "415", "422", "503"] {
            assert!(evaluate["responses"][status].is_object(), "{status}");
        }
        let params: Vec<&str> = evaluate["parameters"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            params,
            ["id", "as_of", "explanations", "unattributed", "compact"]
        );
    }

    #[test]
    fn the_failure_schema_has_the_fields_of_a_real_failure() {
        let doc: serde_json::Value = serde_json::from_str(&openapi_json()).unwrap_or_default();
        let props = &doc["components"]["schemas"]["FailureDoc"]["properties"];
        let f: serde_json::Value =
            serde_json::from_str(&netspec::ffi::Failure::usage("x").to_json()).unwrap_or_default();
        let keys: Vec<&String> = f
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), 4);
        for k in keys {
            assert!(props[k.as_str()].is_object(), "{k}");
        }
        assert!(props["json_position"].is_object());
    }
}
