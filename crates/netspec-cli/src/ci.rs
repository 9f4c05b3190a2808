//! The formats CI systems read: `netspec test --format junit` (JUnit XML)
//! and `netspec check --format sarif` (SARIF 2.1.0).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use netspec::testing::TestResult;
use netspec::{Code, Diagnostic, Severity};
use serde_json::{json, Value};

/// The tests of one spec file, or why there are none.
pub struct Suite {
    /// The spec's id (or the file name when it did not compile).
    pub name: String,
    /// The spec file.
    pub file: String,
    /// Its test results; `Err` when the spec could not be read or compiled.
    pub results: Result<Vec<TestResult>, String>,
}

/// Text for XML: the five special characters escaped; characters XML 1.0
/// cannot hold (control characters other than tab and line ends,
/// U+FFFE, U+FFFF) written as `\u{…}`.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// What a failed test says: where, the error, each mismatch and its detail.
fn failure_text(r: &TestResult) -> String {
    let mut out = String::new();
    if let Some(loc) = &r.location {
        let _ = writeln!(out, "at {}:{}:{}", loc.file, loc.line, loc.column);
    }
    if let Some(e) = &r.error {
        let _ = writeln!(out, "{e}");
    }
    for m in &r.mismatches {
        let _ = writeln!(
            out,
            "{}: expected {}, got {}",
            m.subject, m.expected, m.actual
        );
        for d in &m.detail {
            let _ = writeln!(out, "    {d}");
        }
    }
    out
}

/// The JUnit XML of the suites: one `testsuite` per spec file, one
/// `testcase` per `test` block (`classname` the spec id, with `file` and
/// `line`), a `failure` for expectations not met, an `error` for a test the
/// engine could not run (a bad submission, no date) and for a spec that
/// did not compile.
pub fn junit(suites: &[Suite]) -> String {
    let mut body = String::new();
    let (mut tests, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for s in suites {
        let name = xml(&s.name);
        let file = xml(&s.file);
        match &s.results {
            Err(why) => {
                tests += 1;
                errors += 1;
                let _ = writeln!(
                    body,
                    "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" file=\"{file}\">\n    <testcase name=\"the spec compiles\" classname=\"{name}\" file=\"{file}\">\n      <error message=\"{}\" type=\"compile\"/>\n    </testcase>\n  </testsuite>",
                    xml(why)
                );
            }
            Ok(results) => {
                let f = results
                    .iter()
                    .filter(|r| !r.passed && r.error.is_none())
                    .count();
                let e = results
                    .iter()
                    .filter(|r| !r.passed && r.error.is_some())
                    .count();
                tests += results.len();
                failures += f;
                errors += e;
                let _ = writeln!(
                    body,
                    "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"0\" file=\"{file}\">",
                    results.len()
                );
                for r in results {
                    let line = r
                        .location
                        .as_ref()
                        .map_or(String::new(), |l| format!(" line=\"{}\"", l.line));
                    let _ = write!(
                        body,
                        "    <testcase name=\"{}\" classname=\"{name}\" file=\"{file}\"{line}",
                        xml(&r.name)
                    );
                    if r.passed {
                        body.push_str("/>\n");
                        continue;
                    }
                    let (tag, message) = match &r.error {
                        Some(e) => ("error", e.clone()),
                        None => (
                            "failure",
                            format!("{} expectation(s) not met", r.mismatches.len()),
                        ),
                    };
                    let _ = writeln!(
                        body,
                        ">\n      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n    </testcase>",
                        xml(&message),
                        if tag == "error" { "error" } else { "mismatch" },
                        xml(&failure_text(r))
                    );
                }
                body.push_str("  </testsuite>\n");
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"netspec\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{body}</testsuites>\n"
    )
}

/// A relative path or file name as a URI reference: characters other than
/// unreserved ones and `/` percent-encoded (a URI with no scheme, resolved
/// against the folder `check` ran in, SARIF's `%SRCROOT%`).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        _ => "warning",
    }
}

/// The SARIF 2.1.0 log of `check`: one run of the tool `netspec`, a rule
/// per diagnostic code that occurs (its title and explanation), a result
/// per diagnostic (level, message with help and notes, file and region;
/// columns counted in Unicode code points). `found` holds, per spec file
/// checked, its name and the diagnostics found.
pub fn sarif(found: &[(String, Vec<Diagnostic>)]) -> Value {
    // the codes that occur, in code order, indexed as results name them
    let ordered: Vec<Code> = found
        .iter()
        .flat_map(|(_, ds)| ds.iter().map(|d| d.code))
        .collect::<std::collections::BTreeSet<Code>>()
        .into_iter()
        .collect();
    let index: BTreeMap<Code, usize> = ordered.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rule_json: Vec<Value> = ordered
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "shortDescription": { "text": c.title() },
                "fullDescription": { "text": c.explanation() },
                "help": { "text": format!("netspec explain {}", c.as_str()) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (file, ds) in found {
        for d in ds {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                let _ = write!(text, "\nhelp: {h}");
            }
            for n in &d.notes {
                let _ = write!(text, "\nnote: {n}");
            }
            let location = match &d.location {
                Some(l) => json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&l.file) },
                        "region": {
                            "startLine": l.line.max(1),
                            "startColumn": l.column.max(1),
                            "endLine": l.end_line.max(l.line).max(1),
                            "endColumn": l.end_column.max(1),
                            "byteOffset": l.start,
                            "byteLength": l.end.saturating_sub(l.start),
                        }
                    }
                }),
                None => json!({
                    "physicalLocation": { "artifactLocation": { "uri": uri(file) } }
                }),
            };
            results.push(json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": index.get(&d.code).copied().unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [location],
            }));
        }
    }
    json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "netspec",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                    "rules": rule_json,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn xml_escapes_markup_and_characters_xml_cannot_hold() {
        assert_eq!(
            xml("a<b>&\"c\" 'd'\u{1b}[31m\t\n"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;\\u{1b}[31m\t\n"
        );
    }

    #[test]
    fn uris_keep_paths_and_encode_the_rest() {
        assert_eq!(uri("specs/renal.netspec"), "specs/renal.netspec");
        assert_eq!(uri("my specs/a#b.netspec"), "my%20specs/a%23b.netspec");
        assert_eq!(uri("é"), "%C3%A9");
    }
}
