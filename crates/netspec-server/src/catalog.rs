//! The specs a server serves: every `*.netspec` file of one folder, compiled
//! through the confined file reader, by id (the file's stem). Reloading
//! compiles every file again and keeps the last good version of a spec that
//! no longer compiles.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use netspec::render::Style;
use netspec::{CompileOptions, Diagnostic, Spec};
use serde::Serialize;
use utoipa::ToSchema;

/// Most spec files one folder may hold (files past it are left out, with a
/// warning in the log).
pub const MAX_SPECS: usize = 10_000;

/// The longest spec id (a file stem).
const MAX_ID: usize = 128;

/// A spec that compiled.
#[derive(Debug)]
pub struct Loaded {
    /// The id: the file's stem (`adult_critical_care`).
    pub id: String,
    /// The spec.
    pub spec: Spec,
    /// Who answers it: `provider`, `network`, or both.
    pub respondents: Vec<&'static str>,
    /// The generation (reload count) that compiled this version.
    pub generation: u64,
}

/// A spec file that did not compile at the last (re)load.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoadFailure {
    /// The spec's id (the file's stem).
    pub id: String,
    /// The file, as the server names it.
    pub file: String,
    /// One line for people.
    pub message: String,
    /// Whether an earlier version of the spec is still served (`true`), or
    /// none is (`false`: it never compiled since the server started).
    pub serving_previous: bool,
    /// The generation of the version still served, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_generation: Option<u64>,
    /// Every diagnostic, in the engine's order.
    #[schema(value_type = Vec<Object>)]
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics drawn rustc-style.
    pub rendered: String,
}

/// Every spec served at one moment: swapped whole on a reload.
#[derive(Debug, Default)]
pub struct Catalog {
    /// How many loads made this catalog (1 after the first).
    pub generation: u64,
    /// Whether the first load has finished.
    pub loaded: bool,
    /// The specs served, by id.
    pub specs: BTreeMap<String, Arc<Loaded>>,
    /// Spec files that did not compile at the last load.
    pub failures: BTreeMap<String, LoadFailure>,
}

impl Catalog {
    /// Ready: loaded, and every spec file has a version to serve.
    pub fn ready(&self) -> bool {
        self.loaded && self.failures.values().all(|f| f.serving_previous)
    }
}

/// Why a folder could not be loaded at all.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the specs folder `{dir}`: {source}")]
pub struct FolderError {
    /// The folder.
    pub dir: String,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Whether a file stem is a usable spec id: letters, digits, `_` and `-`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The spec files of `dir` (`*.netspec`, not in sub-folders), by id, sorted.
pub fn spec_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, FolderError> {
    let error = |source| FolderError {
        dir: netspec::render::escape_controls(&dir.to_string_lossy()).into_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(error)? {
        let entry = entry.map_err(error)?;
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("netspec") {
            continue;
        }
        let Some(id) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if !valid_id(id) {
            tracing::warn!(
                file = %netspec::render::escape_controls(&path.to_string_lossy()),
                "spec file left out: its name is not a usable id (letters, digits, `_`, `-`)"
            );
            continue;
        }
        if !path.is_file() {
            continue;
        }
        files.push((id.to_string(), path));
    }
    files.sort();
    if files.len() > MAX_SPECS {
        tracing::warn!(
            files = files.len(),
            kept = MAX_SPECS,
            "too many spec files; the rest are left out"
        );
        files.truncate(MAX_SPECS);
    }
    Ok(files)
}

/// Who answers a spec's questions, in the order provider, network.
fn respondents(spec: &Spec) -> Vec<&'static str> {
    let mut provider = false;
    let mut network = false;
    for section in spec.inputs() {
        for q in &section.questions {
            match q.respondent {
                "network" => network = true,
                _ => provider = true,
            }
        }
    }
    let mut out = Vec::new();
    if provider {
        out.push("provider");
    }
    if network {
        out.push("network");
    }
    out
}

/// Compiles one spec file for evaluation, as `netspec eval` does: through
/// the confined reader (`use`d files only inside the spec's folder).
pub fn compile(path: &Path) -> Result<Spec, (String, Vec<Diagnostic>, String)> {
    let name = path.to_string_lossy().into_owned();
    let options = CompileOptions::evaluation_only();
    let sources = netspec::read_spec(&name, None, None, &options);
    Spec::compile_with_options(&name, &sources, &options).map_err(|e| {
        let rendered = netspec::render::compile_error(&e, Style::Plain);
        (e.to_string(), e.diagnostics, rendered)
    })
}

/// Loads every spec of `dir` into the catalog after `previous`: a spec that
/// does not compile keeps its version in `previous`, if it has one.
pub fn load(dir: &Path, previous: &Catalog) -> Result<Catalog, FolderError> {
    let files = spec_files(dir)?;
    let generation = previous.generation.saturating_add(1);
    let mut next = Catalog {
        generation,
        loaded: true,
        ..Catalog::default()
    };
    for (id, path) in files {
        let file = netspec::render::escape_controls(&path.to_string_lossy()).into_owned();
        match compile(&path) {
            Ok(spec) => {
                let respondents = respondents(&spec);
                next.specs.insert(
                    id.clone(),
                    Arc::new(Loaded {
                        id,
                        spec,
                        respondents,
                        generation,
                    }),
                );
            }
            Err((message, diagnostics, rendered)) => {
                let kept = previous.specs.get(&id).cloned();
                tracing::error!(
                    spec = %id,
                    file = %file,
                    serving_previous = kept.is_some(),
                    errors = diagnostics.iter().filter(|d| d.is_error()).count(),
                    message = %netspec::render::escape_controls(&message),
                    "spec does not compile"
                );
                next.failures.insert(
                    id.clone(),
                    LoadFailure {
                        id: id.clone(),
                        file,
                        message,
                        serving_previous: kept.is_some(),
                        previous_generation: kept.as_ref().map(|k| k.generation),
                        diagnostics,
                        rendered,
                    },
                );
                if let Some(kept) = kept {
                    next.specs.insert(id, kept);
                }
            }
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_names() {
        assert!(valid_id("adult_critical_care"));
        assert!(valid_id("renal-2"));
        assert!(!valid_id(""));
        assert!(!valid_id("a b"));
        assert!(!valid_id("a.b"));
        assert!(!valid_id("caf\u{e9}"));
        assert!(!valid_id(&"a".repeat(129)));
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "netspec-server-catalog-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let made = std::fs::create_dir_all(&dir);
        assert!(made.is_ok());
        dir
    }

    const GOOD: &str = "spec demo \"Demo\" { version \"1\" }\n\
                        inputs { beds: int min 0 \"Beds\" }\n\
                        area resources { requirement R-1 must \"Some beds\" { beds > 0 } }\n";

    #[test]
    fn a_spec_that_stops_compiling_keeps_its_last_good_version() {
        let dir = temp_dir("reload");
        assert!(std::fs::write(dir.join("demo.netspec"), GOOD).is_ok());
        assert!(std::fs::write(dir.join("not a spec.netspec"), GOOD).is_ok());
        assert!(std::fs::write(dir.join("notes.txt"), "x").is_ok());
        let first = load(&dir, &Catalog::default());
        assert!(first.is_ok());
        let Ok(first) = first else { return };
        assert_eq!(first.generation, 1);
        assert!(first.ready());
        assert_eq!(first.specs.keys().collect::<Vec<_>>(), ["demo"]);
        assert_eq!(first.specs["demo"].respondents, ["provider"]);

        assert!(std::fs::write(dir.join("demo.netspec"), "spec {").is_ok());
        assert!(std::fs::write(dir.join("broken.netspec"), "spec {").is_ok());
        let second = load(&dir, &first);
        assert!(second.is_ok());
        let Ok(second) = second else { return };
        assert_eq!(second.generation, 2);
        // demo: the version of generation 1 is still served
        assert_eq!(second.specs["demo"].generation, 1);
        assert!(second.failures["demo"].serving_previous);
        assert!(!second.failures["demo"].diagnostics.is_empty());
        // broken never compiled: not ready
        assert!(!second.failures["broken"].serving_previous);
        assert!(!second.specs.contains_key("broken"));
        assert!(!second.ready());
        let _ = std::fs::remove_dir_all(&dir);
        assert!(load(&dir, &second).is_err());
    }
}
