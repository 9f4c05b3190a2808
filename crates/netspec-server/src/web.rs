//! The self-assessment form (`/`) and the playground (`/playground`) as
//! static pages: the files `bindings/web/server.mjs` serves, and only those.
//!
//! ```text
//! /                  -> index.html (the self-assessment form)
//! /playground        -> playground.html (the spec playground)
//! /index.html, /playground.html, /css/*, /js/*, /generated/*, /docs/*   from the web folder
//! /wasm/web.js, /wasm/pkg/core.mjs, /wasm/pkg/web/*                     from ../wasm beside it
//! ```

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// Largest file served (the WebAssembly module is about 1 MB).
const MAX_FILE: u64 = 64 << 20;

/// The files the pages need from the WebAssembly package.
const WASM_FILES: [&str; 4] = [
    "web.js",
    "pkg/core.mjs",
    "pkg/web/netspec_wasm.js",
    "pkg/web/netspec_wasm_bg.wasm",
];

/// Where the pages are.
#[derive(Debug, Clone)]
pub struct Pages {
    web: PathBuf,
    wasm: PathBuf,
}

/// A URL path's file: in the web folder or the WebAssembly package.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    /// The file.
    pub file: PathBuf,
    /// Whether it is one of the two pages (which need the package built).
    pub page: bool,
}

fn media_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Percent-decodes a URL path; `None` for a bad escape or text that is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Pages {
    /// The pages of the web folder `web`, with the WebAssembly package in
    /// `../wasm` beside it (as in the repository: `bindings/web`, `bindings/wasm`).
    pub fn new(web: &Path) -> Pages {
        let wasm = web
            .parent()
            .map(|p| p.join("wasm"))
            .unwrap_or_else(|| PathBuf::from("../wasm"));
        Pages {
            web: web.to_path_buf(),
            wasm,
        }
    }

    /// The file a URL path names, when it is one that is served.
    pub fn resolve(&self, url_path: &str) -> Option<Found> {
        let decoded = percent_decode(url_path)?;
        let (p, page) = match decoded.as_str() {
            "/" | "/index.html" => ("/index.html", true),
            "/playground" | "/playground.html" => ("/playground.html", true),
            other => (other, false),
        };
        if p.contains('\0') || p.contains('\\') {
            return None;
        }
        let routes: [(&str, &Path, &[&str]); 2] = [
            (
                "/wasm/",
                &self.wasm,
                &["web.js", "pkg/core.mjs", "pkg/web/"],
            ),
            (
                "/",
                &self.web,
                &[
                    "index.html",
                    "playground.html",
                    "css/",
                    "js/",
                    "generated/",
                    "docs/",
                ],
            ),
        ];
        for (prefix, root, allowed) in routes {
            let Some(rest) = p.strip_prefix(prefix) else {
                continue;
            };
            let mut parts = Vec::new();
            for segment in rest.split('/') {
                if segment.is_empty() {
                    continue;
                }
                // no `..`, no hidden files, nothing that leaves the folder
                if segment.starts_with('.') {
                    return None;
                }
                parts.push(segment);
            }
            let rel = parts.join("/");
            // a file named, or a file below a folder named (`css/`)
            let allows = |a: &&str| {
                if a.ends_with('/') {
                    rel.starts_with(*a)
                } else {
                    rel == *a
                }
            };
            if !allowed.iter().any(allows) {
                return None;
            }
            let mut file = root.to_path_buf();
            for part in parts {
                file.push(part);
            }
            return Some(Found { file, page });
        }
        None
    }

    /// What is missing for the pages to work (a message saying how to build
    /// it), or `None` when they can be served.
    pub fn missing(&self) -> Option<String> {
        if !self.web.join("index.html").is_file() {
            return Some(format!(
                "the web pages are not in `{}`: start netspec serve from a netspec checkout, or give the folder with --web DIR\n",
                netspec::render::escape_controls(&self.web.to_string_lossy())
            ));
        }
        let missing: Vec<&str> = WASM_FILES
            .iter()
            .copied()
            .filter(|f| !self.wasm.join(f).is_file())
            .collect();
        if !missing.is_empty() {
            return Some(format!(
                "the web pages need the WebAssembly package, which is not built (missing {}): run `bash bindings/wasm/build.sh`, then `npm --prefix bindings/web run build`, and reload this page\n",
                missing.join(", ")
            ));
        }
        if !self.web.join("generated/specs.js").is_file() {
            return Some(
                "the web pages need the bundled specs (generated/specs.js): run `npm --prefix bindings/web run build`, and reload this page\n"
                    .to_string(),
            );
        }
        None
    }

    /// Answers a GET or HEAD of `url_path`.
    pub async fn answer(&self, method: &Method, url_path: &str, headers: &HeaderMap) -> Response {
        if method != Method::GET && method != Method::HEAD {
            return text(
                StatusCode::NOT_FOUND,
                format!("not found: {}\n", shown(url_path)),
            );
        }
        let Some(found) = self.resolve(url_path) else {
            return text(
                StatusCode::NOT_FOUND,
                format!("not found: {}\n", shown(url_path)),
            );
        };
        if found.page {
            if let Some(message) = self.missing() {
                let mut r = text(StatusCode::SERVICE_UNAVAILABLE, message);
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
                return r;
            }
        }
        let meta = match tokio::fs::metadata(&found.file).await {
            Ok(m) if m.is_file() && m.len() <= MAX_FILE => m,
            _ => {
                let hint = if url_path.starts_with("/wasm/") {
                    " (build the WebAssembly package first: bash bindings/wasm/build.sh)"
                } else if url_path.starts_with("/generated/") {
                    " (bundle the specs first: npm --prefix bindings/web run build)"
                } else {
                    ""
                };
                return text(
                    StatusCode::NOT_FOUND,
                    format!("not found: {}{hint}\n", shown(url_path)),
                );
            }
        };
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_millis());
        let etag = format!("\"{:x}-{:x}\"", meta.len(), mtime);
        let mut r = if headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == etag.as_bytes())
        {
            StatusCode::NOT_MODIFIED.into_response()
        } else if method == Method::HEAD {
            let mut r = StatusCode::OK.into_response();
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(meta.len()));
            r
        } else {
            match tokio::fs::read(&found.file).await {
                Ok(bytes) => Response::new(Body::from(bytes)),
                Err(_) => {
                    return text(
                        StatusCode::NOT_FOUND,
                        format!("not found: {}\n", shown(url_path)),
                    )
                }
            }
        };
        let not_modified = r.status() == StatusCode::NOT_MODIFIED;
        let h = r.headers_mut();
        if !not_modified {
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(media_type(&found.file)),
            );
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        r
    }
}

/// A URL path as shown in a message: at most 200 characters, control
/// characters escaped.
fn shown(path: &str) -> String {
    let cut: String = path.chars().take(200).collect();
    netspec::render::escape_controls(&cut).into_owned()
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Pages {
        Pages::new(Path::new("/srv/bindings/web"))
    }

    #[test]
    fn only_the_files_the_pages_need_are_served() {
        let p = pages();
        let f = |u: &str| p.resolve(u).map(|f| (f.file, f.page));
        assert_eq!(
            f("/"),
            Some((PathBuf::from("/srv/bindings/web/index.html"), true))
        );
        assert_eq!(
            f("/playground"),
            Some((PathBuf::from("/srv/bindings/web/playground.html"), true))
        );
        assert_eq!(
            f("/css/site.css"),
            Some((PathBuf::from("/srv/bindings/web/css/site.css"), false))
        );
        assert_eq!(
            f("/wasm/pkg/web/netspec_wasm_bg.wasm"),
            Some((
                PathBuf::from("/srv/bindings/wasm/pkg/web/netspec_wasm_bg.wasm"),
                false
            ))
        );
        assert_eq!(
            f("/wasm/web.js"),
            Some((PathBuf::from("/srv/bindings/wasm/web.js"), false))
        );
        for refused in [
            "/package.json",
            "/server.mjs",
            "/node_modules/x.js",
            "/test/a.js",
            "/css/../server.mjs",
            "/css/%2e%2e/server.mjs",
            "/js/.hidden",
            "/wasm/src/lib.rs",
            "/wasm/pkg/core.mjs.map",
            "/js/a%00.js",
            "/js/a\\b.js",
            "/js/%ff.js",
            "/js/%zz.js",
            "/css",
        ] {
            assert_eq!(f(refused), None, "{refused}");
        }
    }

    #[test]
    fn missing_pages_say_how_to_build_them() {
        let p = pages();
        let m = p.missing().unwrap_or_default();
        assert!(m.contains("--web DIR"), "{m}");
    }
}
