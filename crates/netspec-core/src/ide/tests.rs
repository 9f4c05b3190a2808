#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const SPEC: &str = r#"spec demo "Demo network" { version "1" }

use "common/shared.netspec"

inputs "Units" {
  provider.kind: enum(adult, paediatric) "Is this an adult or a paediatric centre?"
  units: list min 1 "Units" item "unit" {
    name: text "Unit name"
    beds: int min 0 "How many beds?" unit "beds"
    staffed: int min 0 max beds "Of those beds, how many are staffed?" unit "beds"
  }
}

let total_beds = sum(u.beds for u in units)

area workforce {
  requirement WF-01 must "Every unit staffs its beds" {
    basis standard
    applies when provider.kind == adult
    all u in units: u.staffed >= u.beds
    ref "Demo standard 1"
  }
  requirement WF-02 should "Enough beds" {
    basis estimate
    total_beds >= ceil(board_members / 2)
    ref "Demo standard 2"
  }
}

test "staffed" {
  given { "units": [{"name": "A", "beds": 2, "staffed": 2}] }
  expect WF-01 met
}
"#;

const SHARED: &str = r#"inputs "Board" respondent network {
  board_members: int min 0 "How many members has the board?"
}
"#;

fn index() -> Index {
    let sources = Sources::single("demo.netspec", SPEC).with("common/shared.netspec", SHARED);
    Index::new("demo.netspec", &sources)
}

fn at(needle: &str, nth: usize) -> usize {
    SPEC.match_indices(needle).nth(nth).map(|(i, _)| i).unwrap()
}

#[test]
fn hover_input_requirement_builtin() {
    let ix = index();
    let h = ix.hover("demo.netspec", at("u.staffed", 0) + 3).unwrap();
    assert!(
        h.contents
            .contains("**`units.staffed`**: int, min 0, max beds, in beds"),
        "{}",
        h.contents
    );
    assert!(h.contents.contains("Of those beds, how many are staffed?"));
    assert_eq!(&SPEC[h.start..h.end], "staffed");
    let h = ix.hover("demo.netspec", at("WF-01 met", 0) + 1).unwrap();
    assert!(
        h.contents.starts_with("**WF-01** must · Workforce"),
        "{}",
        h.contents
    );
    assert!(h.contents.contains("basis: standard"));
    assert!(h.contents.contains("ref: Demo standard 1"));
    let h = ix.hover("demo.netspec", at("ceil", 0)).unwrap();
    assert_eq!(
        h.contents,
        "`ceil(x)`\n\nint or number → int (`round` takes halves away from zero)"
    );
    let h = ix.hover("demo.netspec", at("sum(", 0)).unwrap();
    assert!(
        h.contents.starts_with("`sum(u.value for u in list)`"),
        "{}",
        h.contents
    );
    // an input of a used file
    let h = ix.hover("demo.netspec", at("board_members", 0)).unwrap();
    assert!(h.contents.contains("How many members has the board?"));
    // an enum value
    let h = ix.hover("demo.netspec", at("== adult", 0) + 4).unwrap();
    assert!(
        h.contents.contains("a value of `provider.kind`"),
        "{}",
        h.contents
    );
    // nothing on a keyword or a number
    assert_eq!(ix.hover("demo.netspec", at("requirement", 0) + 2), None);
}

#[test]
fn definitions_and_references() {
    let ix = index();
    // a field read through a variable → its declaration in the list
    let d = ix.definition("demo.netspec", at("u.beds", 1) + 2).unwrap();
    assert_eq!(
        (d.file.as_str(), d.start),
        ("demo.netspec", at("beds: int", 0))
    );
    // the `max beds` bound is a use of the field too
    let refs = ix.references("demo.netspec", at("beds: int", 0), false);
    let starts: Vec<usize> = refs.iter().map(|t| t.start).collect();
    assert_eq!(
        starts,
        vec![at("beds \"Of", 0), at("u.beds", 0) + 2, at("u.beds", 1) + 2]
    );
    // across files
    let d = ix
        .definition("demo.netspec", at("board_members", 0))
        .unwrap();
    assert_eq!(
        (d.file.as_str(), d.start),
        (
            "common/shared.netspec",
            SHARED.find("board_members").unwrap()
        )
    );
    let refs = ix.references(
        "common/shared.netspec",
        SHARED.find("board_members").unwrap(),
        true,
    );
    assert_eq!(refs.len(), 2);
    // a definition
    let d = ix
        .definition("demo.netspec", at("total_beds >=", 0))
        .unwrap();
    assert_eq!(d.start, at("total_beds", 0));
    // a variable: its binding
    let d = ix.definition("demo.netspec", at("u.staffed", 0)).unwrap();
    assert_eq!(d.start, at("u in units:", 0));
    // a requirement named in a test
    let d = ix.definition("demo.netspec", at("WF-01 met", 0)).unwrap();
    assert_eq!(d.start, at("WF-01", 0));
    // a used file
    let d = ix
        .definition("demo.netspec", at("common/shared", 0))
        .unwrap();
    assert_eq!((d.file.as_str(), d.start), ("common/shared.netspec", 0));
    // a group declared by a dotted name
    let refs = ix.references("demo.netspec", at("provider.kind ==", 0) + 10, true);
    assert_eq!(
        refs.iter().map(|t| t.start).collect::<Vec<_>>(),
        vec![at("kind: enum", 0), at("kind ==", 0)]
    );
}

fn labels(c: &Completions) -> Vec<&str> {
    c.options.iter().map(|o| o.label.as_str()).collect()
}

#[test]
fn completion_contexts() {
    // fields after `u.`, while the line does not parse
    let text = SPEC.replace(
        "all u in units: u.staffed >= u.beds",
        "all u in units: u.st",
    );
    let ix = Index::single("demo.netspec", &text);
    let off = text.find("u.st").unwrap() + 4;
    let c = ix.complete("demo.netspec", off);
    assert_eq!(labels(&c), vec!["staffed"]);
    assert_eq!(c.from, off - 2);
    assert_eq!(c.options[0].kind, CompletionKind::Field);
    assert_eq!(
        c.options[0].info.as_deref(),
        Some("Of those beds, how many are staffed?")
    );
    // fields after `u.` in a comprehension, whose `for u in units` follows
    let text = SPEC.replace("sum(u.beds for u in units)", "sum(u.be for u in units)");
    let ix = Index::single("demo.netspec", &text);
    let off = text.find("u.be ").unwrap() + 4;
    let c = ix.complete("demo.netspec", off);
    assert_eq!(labels(&c), vec!["beds"]);
    assert_eq!(c.from, off - 2);
    // a quantifier later on the line binds nothing here
    let text = SPEC.replace(
        "total_beds >= ceil(board_members / 2)",
        "v.be and all v in units: v.beds > 0",
    );
    let off = text.find("v.be ").unwrap() + 4;
    let c = Index::single("demo.netspec", &text).complete("demo.netspec", off);
    assert!(c.options.is_empty(), "{:?}", labels(&c));
    // requirement ids after `expect`
    let text = SPEC.replace("expect WF-01 met", "expect WF-");
    let ix = Index::single("demo.netspec", &text);
    let off = text.find("expect WF-").unwrap() + 10;
    let c = ix.complete("demo.netspec", off);
    assert_eq!(labels(&c), vec!["WF-01", "WF-02"]);
    assert_eq!(c.from, off - 3);
    // enum values after `==`
    let text = SPEC.replace("provider.kind == adult", "provider.kind == ");
    let off = text.find("provider.kind == ").unwrap() + 17;
    let c = Index::single("demo.netspec", &text).complete("demo.netspec", off);
    assert_eq!(labels(&c), vec!["adult", "paediatric"]);
    // inputs, builtins, definitions in an expression
    let off = at("total_beds >=", 0) + 3;
    let c = index().complete("demo.netspec", off);
    assert_eq!(labels(&c), vec!["total_beds"]);
    let text = SPEC.replace("ceil(board", "ce(board");
    let off = text.find("ce(board").unwrap() + 2;
    let c = Index::single("demo.netspec", &text).complete("demo.netspec", off);
    assert_eq!(labels(&c), vec!["ceil"]);
    assert_eq!(c.options[0].kind, CompletionKind::Builtin);
    // keywords after basis
    let text = SPEC.replace("basis standard", "basis ");
    let off = text.find("basis ").unwrap() + 6;
    let c = Index::single("demo.netspec", &text).complete("demo.netspec", off);
    assert_eq!(labels(&c), vec!["standard", "derived", "estimate"]);
    // nothing in a comment or a string
    let off = at("Unit name", 0) + 4;
    assert!(index().complete("demo.netspec", off).options.is_empty());
}

#[test]
fn symbols_tokens_tests() {
    let ix = index();
    let syms = ix.symbols("demo.netspec");
    let names: Vec<&str> = syms.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["demo", "Units", "total_beds", "workforce", "staffed"]
    );
    let area = &syms[3];
    assert_eq!(
        area.children
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        vec!["WF-01", "WF-02"]
    );
    assert_eq!(syms[1].children[1].children.len(), 3);
    let tests = ix.tests("demo.netspec");
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0].name, "staffed");
    let toks = ix.semantic_tokens("demo.netspec");
    let kind_at = |off: usize| toks.iter().find(|t| t.start == off).map(|t| t.kind);
    assert_eq!(kind_at(0), Some(TokenKind::Keyword));
    assert_eq!(kind_at(at("u.staffed", 0)), Some(TokenKind::Parameter));
    assert_eq!(kind_at(at("u.staffed", 0) + 2), Some(TokenKind::Property));
    assert_eq!(kind_at(at("WF-01", 0)), Some(TokenKind::Class));
    assert_eq!(
        toks.iter().find(|t| t.start == at("WF-01", 0)).unwrap().len,
        5
    );
    assert_eq!(kind_at(at("\"Demo network\"", 0)), Some(TokenKind::String));
    assert_eq!(kind_at(at("ceil", 0)), Some(TokenKind::Function));
    assert_eq!(kind_at(at("total_beds >=", 0)), Some(TokenKind::Variable));
    // in order, not overlapping
    assert!(toks.windows(2).all(|w| w[0].start + w[0].len <= w[1].start));
}

#[test]
fn broken_text_keeps_the_rest() {
    // a line that does not parse: the other requirement is still known
    let text = SPEC.replace("total_beds >= ceil(board_members / 2)", "total_beds >= (((");
    let ix = Index::single("demo.netspec", &text);
    assert!(ix
        .hover("demo.netspec", text.find("u.staffed").unwrap() + 3)
        .is_some());
    // an unclosed block
    let text = SPEC.replace(
        "    ref \"Demo standard 2\"\n  }\n}",
        "    ref \"Demo standard 2\"\n",
    );
    let ix = Index::single("demo.netspec", &text);
    assert!(ix
        .hover("demo.netspec", text.find("beds: int").unwrap())
        .is_some());
    // every prefix of the file: no panic
    for end in (0..SPEC.len()).step_by(7) {
        let t = &SPEC[..end];
        let ix = Index::single("demo.netspec", t);
        for off in [0, end / 2, end] {
            let _ = ix.hover("demo.netspec", off);
            let _ = ix.complete("demo.netspec", off);
            let _ = ix.references("demo.netspec", off, true);
        }
        let _ = ix.semantic_tokens("demo.netspec");
    }
}

#[test]
fn utf16_offsets() {
    let t = "a→b😀c";
    assert_eq!(byte_offset(t, 2), "a→".len());
    assert_eq!(utf16_offset(t, "a→b😀".len()), 5);
    assert_eq!(byte_offset(t, 4), "a→b".len()); // inside the surrogate pair: its start
    assert_eq!(byte_offset(t, 99), t.len());
}

#[test]
fn expressions_too_deep_are_left_out() {
    let mut text =
        String::from("spec a \"A\" { version \"1\" }\ninputs \"I\" { x: int \"X?\" }\nlet y = ");
    text.push_str(&vec!["x"; 200_000].join(" + "));
    text.push_str("\nlet z = x\n");
    let ix = Index::single("a.netspec", &text);
    // the deep definition is left out, the rest answers
    assert_eq!(
        ix.hover("a.netspec", text.len() - 2)
            .unwrap()
            .contents
            .lines()
            .next(),
        Some("**`x`**: int")
    );
    assert!(ix.hover("a.netspec", text.find("x + x").unwrap()).is_none());
    let _ = ix.complete("a.netspec", text.len() - 2);
    let _ = ix.semantic_tokens("a.netspec");
}
