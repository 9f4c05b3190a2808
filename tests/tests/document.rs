//! Compiled documents (`Spec::to_document`, `Spec::from_document`): every
//! bundled spec's examples give the same report bytes from the document as
//! from source; documents of another format or engine are refused (NS0312);
//! and documents mutated at random either are refused or evaluate without a
//! panic. (The conformance harness compares every evaluating case's report
//! bytes the same way.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use netspec::{EvalOptions, Spec};
use serde_json::Value as Json;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file's name and text.
type Named = (String, String);

/// Each bundled spec (`specs/*.netspec`) with its examples' texts.
fn bundled() -> Vec<(String, Spec, Vec<Named>)> {
    let root = repo();
    let mut names: Vec<String> = std::fs::read_dir(root.join("specs"))
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "netspec").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = format!("specs/{name}.netspec");
            let sources =
                netspec::gather_sources(&path, &netspec::CompileOptions::default(), |n| {
                    std::fs::read_to_string(root.join(n)).ok()
                });
            let spec = Spec::compile(&path, &sources).unwrap();
            let mut examples: Vec<(String, String)> =
                std::fs::read_dir(root.join("specs/examples").join(&name))
                    .unwrap()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .map(|p| {
                        (
                            p.file_name().unwrap().to_string_lossy().to_string(),
                            std::fs::read_to_string(&p).unwrap(),
                        )
                    })
                    .collect();
            examples.sort();
            (name, spec, examples)
        })
        .collect()
}

fn report_bytes(spec: &Spec, text: &str) -> Result<Vec<u8>, String> {
    match spec.evaluate_str(text, &EvalOptions::default()) {
        Ok(r) => {
            let mut out = Vec::new();
            spec.write_report_json(&r, &mut out);
            Ok(out)
        }
        Err(e) => Err(serde_json::to_string(&e.diagnostics()).unwrap()),
    }
}

#[test]
fn bundled_examples_give_the_same_report_bytes_from_the_document() {
    let mut compared = 0;
    for (name, spec, examples) in bundled() {
        let doc = spec.to_document();
        let loaded = Spec::from_document(&doc)
            .unwrap_or_else(|e| panic!("{name}: its document did not load: {e}"));
        assert_eq!(loaded.id(), spec.id());
        assert_eq!(loaded.version(), spec.version());
        assert!(!loaded.compiled_with_tests());
        assert_eq!(loaded.inputs(), spec.inputs(), "{name}: form model");
        assert_eq!(loaded.json_schema(), spec.json_schema(), "{name}: schema");
        // writing a loaded spec gives the same document
        assert_eq!(loaded.to_document(), doc, "{name}: document written again");
        assert!(!examples.is_empty(), "{name} has no examples");
        for (file, text) in &examples {
            let a = report_bytes(&spec, text);
            let b = report_bytes(&loaded, text);
            assert!(a.is_ok(), "{name}/{file} does not evaluate: {a:?}");
            assert_eq!(a, b, "{name}/{file}: report bytes differ");
            // an explanation quotes the spec's text: the document keeps it
            assert!(String::from_utf8_lossy(a.as_ref().unwrap()).contains("\"check\""));
            compared += 1;
        }
    }
    assert!(compared >= 60, "only {compared} examples compared");
}

fn renal() -> (Spec, Vec<Named>) {
    bundled()
        .into_iter()
        .find(|(n, _, _)| n == "renal")
        .map(|(_, s, e)| (s, e))
        .unwrap()
}

fn code(result: Result<Spec, netspec::CompileError>) -> String {
    result.unwrap_err().diagnostics[0].code.as_str().to_string()
}

#[test]
fn documents_of_another_format_or_engine_are_refused() {
    let (spec, _) = renal();
    let doc: Json = serde_json::from_str(&spec.to_document()).unwrap();
    assert_eq!(doc["format"], 1);
    assert_eq!(doc["engine"], netspec_core::report::ENGINE_VERSION);
    assert_eq!(doc["spec"]["id"], spec.id());

    let mut other = doc.clone();
    other["format"] = Json::from(2);
    let err = Spec::from_document(&other.to_string()).unwrap_err();
    assert_eq!(err.diagnostics[0].code.as_str(), "NS0312");
    assert!(
        err.diagnostics[0].message.contains("format 2"),
        "{}",
        err.diagnostics[0].message
    );

    let mut older = doc.clone();
    older["engine"] = Json::from("0.0.1");
    let err = Spec::from_document(&older.to_string()).unwrap_err();
    assert!(err.diagnostics[0].message.contains("\"0.0.1\""));
    assert_eq!(err.diagnostics[0].code.as_str(), "NS0312");

    assert_eq!(code(Spec::from_document("")), "NS0312");
    assert_eq!(code(Spec::from_document("[1, 2]")), "NS0312");
    assert_eq!(code(Spec::from_document("{\"format\": 1}")), "NS0312");

    // the header must name the spec the content holds
    let mut renamed = doc.clone();
    renamed["spec"]["id"] = Json::from("another");
    assert_eq!(code(Spec::from_document(&renamed.to_string())), "NS0312");

    // limits may be lowered, never raised
    let mut raised = doc.clone();
    raised["limits"]["max_eval_steps"] = Json::from(u64::MAX);
    assert_eq!(code(Spec::from_document(&raised.to_string())), "NS0312");
    let mut lowered = doc.clone();
    lowered["limits"]["max_list_len"] = Json::from(3);
    let low = Spec::from_document(&lowered.to_string()).unwrap();
    assert_eq!(low.limits().max_list_len, 3);

    // an unknown field is not silently dropped
    let mut extra = doc;
    extra["more"] = Json::from(true);
    assert_eq!(code(Spec::from_document(&extra.to_string())), "NS0312");
}

/// A definition that uses itself, a record held twice and an input out of
/// range, written by hand into an otherwise valid document.
#[test]
fn structural_faults_are_refused() {
    let text = r#"spec demo "Demo" { version "1" }
inputs "Units" { units: list "Units" { beds: int min 0 "Beds" } total: int min 0 "Total" }
let a = total + 1
let b = a * 2
area resources {
  requirement RE-01 must "Every unit has beds" {
    all u in units: u.beds > 0 and b > 0
    ref "Demo standard 1"
  }
}"#;
    let spec = Spec::compile(
        "demo.netspec",
        &netspec::Sources::single("demo.netspec", text),
    )
    .unwrap();
    let doc: Json = serde_json::from_str(&spec.to_document()).unwrap();
    assert!(Spec::from_document(&doc.to_string()).is_ok());
    let lets = doc["compiled"]["lets"].as_array().unwrap();
    assert_eq!(lets.len(), 2);

    // let a = b + 1 (b = a * 2): a cycle
    let mut cyclic = doc.clone();
    let value = cyclic["compiled"]["lets"][0]["value"]
        .as_array_mut()
        .unwrap();
    let input = value
        .iter_mut()
        .find(|f| f[0].get("Input").is_some())
        .unwrap();
    input[0] = serde_json::json!({"Let": 1});
    let err = Spec::from_document(&cyclic.to_string()).unwrap_err();
    assert!(err.diagnostics[0].message.contains("cycle"), "{err}");

    // an input slot past the root's fields
    let mut past = doc.clone();
    let value = past["compiled"]["lets"][0]["value"].as_array_mut().unwrap();
    let input = value
        .iter_mut()
        .find(|f| f[0].get("Input").is_some())
        .unwrap();
    input[0] = serde_json::json!({"Input": 99});
    let err = Spec::from_document(&past.to_string()).unwrap_err();
    assert!(err.diagnostics[0].message.contains("out of range"), "{err}");

    // the list's record held by a second field
    let mut twice = doc.clone();
    let fields = twice["compiled"]["schema"]["records"][0]["fields"]
        .as_array_mut()
        .unwrap();
    let list = fields[0]["kind"].clone();
    fields[1]["kind"] = list;
    let err = Spec::from_document(&twice.to_string()).unwrap_err();
    assert!(err.diagnostics[0].message.contains("tree"), "{err}");

    // `present` of something other than an input, which the checker
    // refuses (NS0023): refused here too
    let text = text.replace("b > 0", "b > 0 and present(total)");
    let with_present = Spec::compile(
        "demo.netspec",
        &netspec::Sources::single("demo.netspec", text.as_str()),
    )
    .unwrap();
    let present: Json = serde_json::from_str(&with_present.to_document()).unwrap();
    assert!(Spec::from_document(&present.to_string()).is_ok());
    for operand in [
        serde_json::json!({"Const": {"Num": "1"}}),
        serde_json::json!({"Let": 0}),
    ] {
        let mut other = present.clone();
        let rule = other["compiled"]["requirements"][0]["rule"]
            .as_array_mut()
            .unwrap();
        let at = rule.iter().position(|f| f[0] == "Present").unwrap();
        assert_eq!(rule[at - 1][0], serde_json::json!({"Input": 1}));
        rule[at - 1][0] = operand;
        let err = Spec::from_document(&other.to_string()).unwrap_err();
        assert!(
            err.diagnostics[0]
                .message
                .contains("a `present` of something other than an input"),
            "{err}"
        );
    }

    // an operation without its operands
    let mut short = doc;
    let rule = short["compiled"]["requirements"][0]["rule"]
        .as_array_mut()
        .unwrap();
    rule.remove(0);
    assert_eq!(code(Spec::from_document(&short.to_string())), "NS0312");
}

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every number, array and string of a JSON value, by pointer.
fn places(v: &Json, at: String, out: &mut Vec<String>) {
    match v {
        Json::Array(xs) => {
            out.push(at.clone());
            for (i, x) in xs.iter().enumerate() {
                places(x, format!("{at}/{i}"), out);
            }
        }
        Json::Object(m) => {
            for (k, x) in m {
                places(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Json::Number(_) | Json::String(_) | Json::Bool(_) => out.push(at),
        Json::Null => {}
    }
}

fn mutate(doc: &mut Json, rng: &mut Rng, places: &[String]) {
    let at = &places[rng.below(places.len())];
    let Some(v) = doc.pointer_mut(at) else { return };
    const NUMBERS: [i64; 9] = [0, 1, 2, 3, -1, 7, 64, 1000, i64::MAX];
    match v {
        Json::Number(n) => {
            let k = rng.below(NUMBERS.len() + 2);
            *v = match k {
                k if k < NUMBERS.len() => Json::from(NUMBERS[k]),
                k if k == NUMBERS.len() => Json::from(n.as_u64().unwrap_or(0).wrapping_add(1)),
                _ => Json::from(n.as_u64().unwrap_or(1).saturating_sub(1)),
            };
        }
        Json::Array(xs) => {
            let len = xs.len();
            match rng.below(3) {
                0 => xs.truncate(rng.below(len)),
                1 if len > 0 => {
                    xs.remove(rng.below(len));
                }
                _ if len > 0 => {
                    let x = xs[rng.below(len)].clone();
                    xs.insert(rng.below(len), x);
                }
                _ => {}
            }
        }
        Json::String(s) => {
            *v = match rng.below(4) {
                0 => Json::from("1/0"),
                1 => Json::from(format!("{s}0")),
                2 => Json::from("-170141183460469231731687303715884105728"),
                _ => Json::from(""),
            };
        }
        Json::Bool(b) => *b = !*b,
        _ => {}
    }
}

/// Documents mutated at random (numbers changed, arrays truncated, items
/// dropped or repeated, strings changed) either are refused or load and
/// evaluate every example, write their reports and their form, without a
/// panic.
#[test]
fn mutated_documents_are_refused_or_evaluate_without_panic() {
    let (spec, examples) = renal();
    let demo = Spec::compile(
        "demo.netspec",
        &netspec::Sources::single(
            "demo.netspec",
            r#"spec demo "Demo" { version "1" }
inputs "Units" { units: list "Units" { beds: int min 0 max 40 "Beds" opened: date "Opened" } total: int min 0 "Total" kind: enum(a, b) "Kind" }
let a = total + 1
area resources {
  requirement RE-01 must "Every unit has beds" {
    all u in units: u.beds > 0 and a > 0 and u.opened within 12 months
    ref "Demo standard 1"
  }
  requirement RE-02 should "Beds" {
    sum(u.beds for u in units) >= total * 50% or kind == a
    ref "Demo standard 2"
  }
}"#,
        ),
    )
    .unwrap();
    let demo_subs = vec![
        r#"{"units": [{"beds": 3, "opened": "2025-01-01"}], "total": 4, "kind": "a"}"#.to_string(),
        r#"{"units": [], "total": 0}"#.to_string(),
    ];
    let renal_subs: Vec<String> = examples.into_iter().map(|(_, t)| t).collect();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let (mut loaded, mut refused) = (0, 0);
    for (spec, subs, rounds) in [(&demo, &demo_subs, 1500), (&spec, &renal_subs, 150)] {
        let doc: Json = serde_json::from_str(&spec.to_document()).unwrap();
        let mut at = Vec::new();
        places(&doc, String::new(), &mut at);
        for round in 0..rounds {
            let mut d = doc.clone();
            for _ in 0..1 + rng.below(3) {
                mutate(&mut d, &mut rng, &at);
            }
            let text = d.to_string();
            let outcome = std::panic::catch_unwind(|| match Spec::from_document(&text) {
                Err(e) => {
                    assert_eq!(e.diagnostics[0].code.as_str(), "NS0312");
                    false
                }
                Ok(s) => {
                    let opts = EvalOptions::default()
                        .with_unattributed(Some(netspec::Respondent::Provider))
                        .with_as_of(netspec::Date::parse("2025-06-30"));
                    for sub in subs {
                        if let Ok(r) = s.evaluate_str(sub, &opts) {
                            let mut out = Vec::new();
                            s.write_report_json(&r, &mut out);
                            if let Ok(read) = s.read_submission(sub) {
                                let _ = s.outcomes(&read, &opts);
                            }
                        }
                    }
                    let _ = s.inputs();
                    let _ = s.json_schema();
                    let _ = s.blank_submission(
                        netspec::Respondent::Provider,
                        ("2024-07-01", "2025-06-30"),
                        2,
                    );
                    let _ = s.fhir_questionnaire(netspec::Respondent::Provider);
                    true
                }
            });
            match outcome {
                Ok(true) => loaded += 1,
                Ok(false) => refused += 1,
                Err(_) => panic!("a mutated document panicked (round {round}):\n{text}"),
            }
        }
    }
    // both kinds happen: the test is not vacuous
    assert!(
        loaded > 100 && refused > 100,
        "{loaded} loaded, {refused} refused"
    );
}

/// A chain of definitions as long as the checker allows loads; its limit
/// lowered by one in the document, the same document is refused.
#[test]
fn definition_chains_are_held_to_the_checkers_limit() {
    let mut limits = netspec::Limits::default();
    limits.max_let_depth = 4;
    let text = r#"spec demo "Demo" { version "1" }
inputs "Unit" { beds: int min 0 "Beds" }
let a = beds + 1
let b = a + 1
let c = b + 1
let d = c + 1
area resources {
  requirement RE-01 must "Beds" {
    d > 4
    ref "Demo standard 1"
  }
}"#;
    let options = netspec::CompileOptions::default().with_limits(limits);
    let spec = Spec::compile_with_options(
        "demo.netspec",
        &netspec::Sources::single("demo.netspec", text),
        &options,
    )
    .unwrap();
    let doc: Json = serde_json::from_str(&spec.to_document()).unwrap();
    assert!(Spec::from_document(&doc.to_string()).is_ok());
    let mut shorter = doc;
    shorter["limits"]["max_let_depth"] = Json::from(3);
    let err = Spec::from_document(&shorter.to_string()).unwrap_err();
    assert!(err.diagnostics[0].message.contains("chain"), "{err}");
    // and the checker agrees: one more definition in the chain does not compile
    let longer = text
        .replace("let d = c + 1", "let d = c + 1\nlet e = d + 1")
        .replace("d > 4", "e > 4");
    assert!(Spec::compile_with_options(
        "demo.netspec",
        &netspec::Sources::single("demo.netspec", longer.as_str()),
        &options
    )
    .is_err());
}

/// The deepest expression a document may hold (twice the default depth,
/// 256 operations) evaluates, with explanations, on a 2 MiB stack (the
/// WebAssembly module's); one level deeper is refused.
#[test]
fn the_deepest_expression_a_document_may_hold_evaluates_on_a_small_stack() {
    let text = r#"spec demo "Demo" { version "1" }
inputs "Unit" { open: bool "Open?" }
area resources {
  requirement RE-01 must "Open" {
    not open
    ref "Demo standard 1"
  }
}"#;
    let spec = Spec::compile(
        "demo.netspec",
        &netspec::Sources::single("demo.netspec", text),
    )
    .unwrap();
    let doc: Json = serde_json::from_str(&spec.to_document()).unwrap();
    let rule = doc["compiled"]["requirements"][0]["rule"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(rule.len(), 2, "{rule:?}");
    let deep = |depth: usize| {
        let mut d = doc.clone();
        let mut flat = vec![rule[0].clone()];
        flat.extend(std::iter::repeat_n(rule[1].clone(), depth - 1));
        d["compiled"]["requirements"][0]["rule"] = Json::Array(flat);
        d.to_string()
    };
    let ok = deep(2 * netspec::Limits::default().max_depth);
    let refused = deep(2 * netspec::Limits::default().max_depth + 1);
    let outcome = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let s = Spec::from_document(&ok).unwrap();
            let opts =
                EvalOptions::default().with_unattributed(Some(netspec::Respondent::Provider));
            let report = s.evaluate_str(r#"{"open": true}"#, &opts).unwrap();
            let mut out = Vec::new();
            s.write_report_json(&report, &mut out);
            (
                report.requirements[0].outcome,
                Spec::from_document(&refused).is_err(),
            )
        })
        .unwrap()
        .join()
        .unwrap();
    // 255 `not`s of true
    assert_eq!(outcome, (netspec::Outcome::NotMet, true));
}

/// An input's name in a document need not be an identifier: a name with
/// `/` and `~` is escaped in the JSON pointer of what it would take to
/// pass (`/a~1b~0c`), as in any other pointer.
#[test]
fn a_name_with_slash_and_tilde_is_escaped_in_the_pointer_of_a_change() {
    let spec = Spec::compile(
        "s.netspec",
        &netspec::Sources::single(
            "s.netspec",
            "spec s \"S\" { version \"1\" }\ninputs \"U\" { beds: int \"Beds\" }\narea resources { requirement RE-01 must \"B\" { beds >= 10 } }\n",
        ),
    )
    .unwrap();
    let doc = spec.to_document().replace("\"beds\"", "\"a/b~c\"");
    let loaded = Spec::from_document(&doc).unwrap();
    let header = r#""header": {"respondent": "provider", "organisation": {"ods_code": "RRK", "name": "Eastmoor"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo"}"#;
    let text = format!("{{{header}, \"a/b~c\": 4}}");
    let r = loaded.evaluate_str(&text, &EvalOptions::default()).unwrap();
    let paths: Vec<Option<&str>> = r.requirements[0]
        .explanation
        .iter()
        .flat_map(|c| c.to_pass.iter().map(|t| t.path.as_deref()))
        .collect();
    assert_eq!(paths, [Some("/a~1b~0c")]);
}
