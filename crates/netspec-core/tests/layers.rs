//! The library's modules form layers: a module may use modules of its own
//! layer or of the layers below it, never one above, and modules of one
//! layer do not use one another in a cycle. This test reads every file under
//! `src/`, finds the `crate::<module>` paths it uses (outside comments,
//! string literals and `#[cfg(test)]` items) and fails, naming the file and
//! the path, when the layering breaks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom first. `lib` is the crate root (`lib.rs`, and any
/// `crate::Item` that is not a module: `crate::Spec`, `crate::Limits`).
const LAYERS: &[&[&str]] = &[
    // 1. words and values everything shares
    &[
        "source",
        "diagnostic",
        "number",
        "calendar",
        "vocab",
        "limits",
        "files",
        "sorted_json",
    ],
    // 2. the language's text
    &["syntax", "format"],
    // 3. the compiled spec
    &["ir", "builtins"],
    // 4. from text to the compiled spec, and a submission read into its slots
    &["check", "submission", "fastread"],
    // 5. evaluation
    &["eval"],
    // 6. what is made from an evaluation or a compiled spec
    // (and the compiled document, a compiled spec written and read again)
    &["report", "inputs", "testing", "fhir", "diff", "document"],
    // 7. editor queries over the text (hover, completion, references)
    &["ide"],
    // 8. the crate root
    &["lib"],
];

/// Uses the layers would allow but the design does not: the compiled spec
/// does not depend on the syntax it was compiled from, and reading a
/// submission needs neither the checker nor the evaluator.
const FORBIDDEN: &[(&str, &str)] = &[
    ("ir", "syntax"),
    ("ir", "format"),
    ("submission", "check"),
    ("fastread", "check"),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// One use of another module: in `file`, the path `path` names `module`.
#[derive(Debug, Clone)]
struct Use {
    file: String,
    path: String,
    module: String,
}

/// `text` with comments removed and the contents of string and character
/// literals blanked (so that braces and `crate::` inside them do not count).
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let at = |k: usize| b.get(k).copied().unwrap_or('\0');
    while i < b.len() {
        let c = at(i);
        if c == '/' && at(i + 1) == '/' {
            while i < b.len() && at(i) != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < b.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if at(i) == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && (at(i + 2) == '"' || at(i + 2) == '#')))
            && !(i > 0 && (at(i - 1).is_alphanumeric() || at(i - 1) == '_'))
        {
            // raw string r#"…"#
            let mut hashes = 0;
            i += 1;
            while at(i) == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1; // the opening quote
            out.push_str("\"\"");
            loop {
                if i >= b.len() {
                    break;
                }
                if at(i) == '"' && (1..=hashes).all(|h| at(i + h) == '#') {
                    i += 1 + hashes;
                    break;
                }
                if at(i) == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
        } else if c == '"' {
            i += 1;
            out.push_str("\"\"");
            while i < b.len() && at(i) != '"' {
                if at(i) == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // a character literal, or a lifetime
            if at(i + 1) == '\\' {
                i += 2;
                while i < b.len() && at(i) != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if at(i + 2) == '\'' {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` without the items marked `#[cfg(test)]` (a test module, a
/// test-only function or import; the unit tests that compile specs are
/// marked `#[cfg(feature = "compile")]` as well, after it).
fn without_tests(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(k) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..k]);
        let after = &rest[k + "#[cfg(test)]".len()..];
        // the item ends at its first `;` outside braces, or where the brace
        // it opens closes
        let mut depth = 0usize;
        let mut end = after.len();
        for (j, ch) in after.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first path segment after `crate::` (or, in a file directly under
/// `src/`, after `super::`) at every place in `code`; a group
/// (`crate::{a::X, b}`) gives each of its members.
fn crate_paths(code: &str, top_level_file: bool) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut prefixes = vec!["crate::"];
    if top_level_file {
        prefixes.push("super::");
    }
    for prefix in prefixes {
        let mut from = 0;
        while let Some(k) = code[from..].find(prefix) {
            let start = from + k;
            from = start + prefix.len();
            if code[..start]
                .chars()
                .next_back()
                .is_some_and(|c| is_ident(c) || c == '$')
            {
                continue; // `foo_crate::`, `$crate::`
            }
            let tail = &code[from..];
            if let Some(group) = tail.strip_prefix('{') {
                let mut depth = 0usize;
                let mut member_start = true;
                for (j, ch) in group.char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => member_start = true,
                        c if member_start && is_ident(c) => {
                            let name: String =
                                group[j..].chars().take_while(|&c| is_ident(c)).collect();
                            found.push((format!("{prefix}{{{name}…}}"), name));
                            member_start = false;
                        }
                        c if !c.is_whitespace() => member_start = false,
                        _ => {}
                    }
                }
            } else {
                let name: String = tail.chars().take_while(|&c| is_ident(c)).collect();
                if !name.is_empty() {
                    let shown: String = tail
                        .chars()
                        .take_while(|&c| is_ident(c) || c == ':')
                        .collect();
                    found.push((format!("{prefix}{}", shown.trim_end_matches(':')), name));
                }
            }
        }
    }
    found
}

/// The module a file under `src/` belongs to: `lib` for `lib.rs`, else the
/// first component of its path without `.rs`.
fn module_of(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every module named by the crate root's `mod` declarations.
fn modules(src: &Path) -> BTreeSet<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    without_tests(&code_only(&lib))
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
            l.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(str::to_string)
        })
        .collect()
}

/// The uses of other modules in `text`, the file `rel` (relative to `src/`).
fn uses_in(rel: &Path, text: &str, modules: &BTreeSet<String>) -> Vec<Use> {
    let module = module_of(rel);
    let top_level = rel.components().count() == 1 && module != "lib";
    let code = without_tests(&code_only(text));
    crate_paths(&code, top_level)
        .into_iter()
        .map(|(path, first)| Use {
            file: rel.display().to_string(),
            path,
            module: if modules.contains(&first) {
                first
            } else {
                "lib".into() // a root item: `crate::Spec`
            },
        })
        .filter(|u| u.module != module)
        .collect()
}

/// What breaks the layering in `uses` (each from `module_of(file)`): uses
/// of a higher layer, and cycles among modules of one layer.
fn problems(uses: &[Use]) -> Vec<String> {
    let mut out = Vec::new();
    // module -> modules of its own layer it uses
    let mut same: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for u in uses {
        let from = module_of(Path::new(&u.file));
        let (Some(lf), Some(lt)) = (layer_of(&from), layer_of(&u.module)) else {
            for m in [&from, &u.module] {
                if layer_of(m).is_none() {
                    out.push(format!(
                        "src/{}: module `{m}` has no layer: add it to LAYERS in tests/layers.rs",
                        u.file
                    ));
                }
            }
            continue;
        };
        if FORBIDDEN.contains(&(from.as_str(), u.module.as_str())) {
            out.push(format!(
                "src/{}: `{}` uses `{}`, which `{from}` must not use",
                u.file, u.path, u.module
            ));
        }
        if lt > lf {
            out.push(format!(
                "src/{}: `{}` uses `{}` (layer {}), above `{from}` (layer {})",
                u.file,
                u.path,
                u.module,
                lt + 1,
                lf + 1
            ));
        } else if lt == lf {
            same.entry(from).or_default().insert(u.module.clone());
        }
    }
    // a use within a layer is a cycle when the used module reaches back
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            if m == to {
                return true;
            }
            if seen.insert(m.clone()) {
                stack.extend(same.get(&m).into_iter().flatten().cloned());
            }
        }
        false
    };
    for u in uses {
        let from = module_of(Path::new(&u.file));
        if layer_of(&from).is_some()
            && layer_of(&from) == layer_of(&u.module)
            && reaches(&u.module, &from)
        {
            out.push(format!(
                "src/{}: `{}` makes a cycle: `{}` uses `{from}` in turn (both layer {})",
                u.file,
                u.path,
                u.module,
                layer_of(&from).unwrap_or(0) + 1
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_uses_only_its_own_layer_and_those_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    for m in &modules {
        assert!(
            layer_of(m).is_some(),
            "module `{m}` has no layer: add it to LAYERS in tests/layers.rs"
        );
    }
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(files.len() > 20, "read only {} files", files.len());
    let mut uses = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        uses.extend(uses_in(rel, &std::fs::read_to_string(f).unwrap(), &modules));
    }
    // the reading sees the uses that are there
    assert!(uses
        .iter()
        .any(|u| u.file == "check/mod.rs" && u.module == "syntax"));
    let problems = problems(&uses);
    assert!(
        problems.is_empty(),
        "the layering is broken:\n{}",
        problems.join("\n")
    );
}

fn modules_for_test() -> BTreeSet<String> {
    [
        "ir",
        "syntax",
        "check",
        "eval",
        "source",
        "diagnostic",
        "submission",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

#[test]
fn an_upward_use_is_found_and_comments_strings_and_tests_are_not() {
    let text = r#"//! Uses `crate::eval` in a comment.
use crate::source::Span;
use crate::{diagnostic::Code, syntax::ast};
/* crate::eval */
const S: &str = "crate::eval::Ctx";
const R: &str = r"crate::eval";
fn f<'a>(x: &'a str) -> char { let _ = crate::check::compile_sources; '{' }
#[cfg(test)]
mod tests {
    use crate::eval::Ctx;
}
"#;
    let uses = uses_in(Path::new("ir.rs"), text, &modules_for_test());
    let named: Vec<&str> = uses.iter().map(|u| u.module.as_str()).collect();
    assert_eq!(named, ["source", "diagnostic", "syntax", "check"]);
    let problems = problems(&uses);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].contains("src/ir.rs: `crate::check::compile_sources` uses `check`"));
    assert!(problems[1]
        .contains("src/ir.rs: `crate::{syntax…}` uses `syntax`, which `ir` must not use"));
}

#[test]
fn a_cycle_within_a_layer_is_found() {
    let mods = modules_for_test();
    let mut uses = uses_in(
        Path::new("source.rs"),
        "use crate::diagnostic::Diagnostic;",
        &mods,
    );
    assert!(problems(&uses).is_empty());
    uses.extend(uses_in(
        Path::new("diagnostic.rs"),
        "fn f(s: crate::source::Span) {}",
        &mods,
    ));
    let problems = problems(&uses);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems.iter().any(|p| p.starts_with("src/source.rs")));
    assert!(problems.iter().any(|p| p.starts_with("src/diagnostic.rs")));
}

#[test]
fn a_root_item_is_the_crate_root_layer() {
    let uses = uses_in(
        Path::new("testing.rs"),
        "use crate::Spec;",
        &modules_for_test(),
    );
    let problems = problems(&uses);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].contains("`crate::Spec` uses `lib` (layer 8)"));
}
