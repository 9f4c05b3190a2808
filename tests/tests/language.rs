//! The language of issue 12 as the checker compiles it: basis, respondents,
//! required evidence, input labels, list item nouns, count periods, bounds by
//! other answers, checklists, the empty-list warning, and what the form and
//! the JSON Schema say about them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use netspec::render::{self, Style};
use netspec_core::ir::{
    CountPeriod, FieldDef, FieldKind, NodeKind, RelationOp, ScalarTy, CHECKLIST_VALUES,
};
use netspec_core::vocab::{Basis, Respondent};
use netspec_core::{Code, Sources, Spec};

fn compile(text: &str) -> Spec {
    Spec::compile("s.netspec", &Sources::single("s.netspec", text.to_string())).unwrap_or_else(
        |e| {
            panic!(
                "does not compile:\n{}",
                render::compile_error(&e, Style::Plain)
            )
        },
    )
}

fn codes(text: &str) -> Vec<Code> {
    match Spec::compile("s.netspec", &Sources::single("s.netspec", text.to_string())) {
        Ok(s) => s.warnings().iter().map(|d| d.code).collect(),
        Err(e) => e.diagnostics.iter().map(|d| d.code).collect(),
    }
}

/// The field at a JSON pointer pattern.
fn field<'s>(spec: &'s Spec, pointer: &str) -> &'s FieldDef {
    spec.checked()
        .schema
        .records
        .iter()
        .flat_map(|r| r.fields.iter())
        .find(|f| f.pointer == pointer)
        .unwrap_or_else(|| panic!("no field {pointer}"))
}

const SPEC: &str = r#"spec t "T" { version "1" }

inputs "Units" {
  units: list min 1 "Critical care units" item "unit" {
    name: text "Unit name"
    shifts_total: int min 0 "How many nursing shifts were there?" unit "shifts" period assessment
    shifts_with_coordinator: int min 0 max shifts_total "Of those shifts, how many had a coordinator?"
      unit "shifts"
      label "Shifts with a coordinator"
      period 12 months
    beds: int min 0 max total_beds "Funded beds"
    surge_beds: int max surge.episodes "Beds opened in surge"
    capped: number max cap "Capped"
  }
  total_beds: int min 0 "Funded beds in the trust"
  surge.episodes: int min 0 "Surge episodes"
  surge.escalated: int min 0 max episodes "Of those, how many were escalated?"
  standards: checklist "Which of these standards does the service meet?" {
    named_lead "The service has a named clinical lead"
    protocol "There is a written protocol"
  }
}

inputs "Network governance" respondent network {
  network.hosting_agreement: bool "Is there a signed hosting agreement?"
  network.boards: list min 1 "Board meetings" { held: date "Held on" }
}

let cap = total_beds * 2

area workforce {
  requirement WF-01 should "A coordinator on every shift" {
    all u in units: u.shifts_with_coordinator >= u.shifts_total
      and u.beds + u.surge_beds + u.capped >= 0
    basis derived
    evidence rosters "Rosters" required
    evidence audit "Audit"
  }
  requirement WF-02 should "Standards" {
    all s in standards: s != no
    basis standard
    ref "x"
  }
  requirement WF-03 may "Escalation" {
    surge.escalated >= 0 and standards.named_lead == yes
  }
}

area collaboration {
  requirement CO-01 must "Hosted" {
    respondent network
    network.hosting_agreement and len(network.boards) >= 4
      and any b in network.boards: b.held >= 2024-01-01
  }
}

test "network" {
  respondent network
  given { "network": {"hosting_agreement": true} }
  expect CO-01 incomplete
}

test "provider" {
  given { "total_beds": 4 }
  expect WF-03 incomplete
}
"#;

#[test]
fn requirement_clauses_reach_the_ir() {
    let spec = compile(SPEC);
    let reqs = &spec.checked().requirements;
    let wf01 = reqs.iter().find(|r| r.id == "WF-01").unwrap();
    assert_eq!(wf01.basis, Some(Basis::Derived));
    assert_eq!(wf01.respondent, Respondent::Provider);
    let req: Vec<(&str, bool)> = wf01
        .evidence
        .iter()
        .map(|e| (e.key.as_str(), e.required))
        .collect();
    assert_eq!(req, [("rosters", true), ("audit", false)]);
    let wf03 = reqs.iter().find(|r| r.id == "WF-03").unwrap();
    assert_eq!(wf03.basis, None);
    let co01 = reqs.iter().find(|r| r.id == "CO-01").unwrap();
    assert_eq!(co01.respondent, Respondent::Network);
    let tests = &spec.checked().tests;
    assert_eq!(tests[0].respondent, Respondent::Network);
    assert_eq!(tests[1].respondent, Respondent::Provider);
}

#[test]
fn evidence_required_in_the_header_makes_every_item_required() {
    let text = SPEC.replace(
        r#"spec t "T" { version "1" }"#,
        r#"spec t "T" { version "1" evidence "required" }"#,
    );
    let spec = compile(&text);
    assert!(spec
        .checked()
        .requirements
        .iter()
        .flat_map(|r| r.evidence.iter())
        .all(|e| e.required));
    assert!(spec.checked().info.evidence_required);
    let bad = SPEC.replace(
        r#"spec t "T" { version "1" }"#,
        r#"spec t "T" { version "1" evidence "sometimes" }"#,
    );
    assert_eq!(codes(&bad), [Code::SpecHeader]);
}

#[test]
fn respondents_cover_every_field_of_a_block() {
    let spec = compile(SPEC);
    for p in [
        "/network",
        "/network/hosting_agreement",
        "/network/boards",
        "/network/boards/*/held",
    ] {
        assert_eq!(field(&spec, p).respondent, Respondent::Network, "{p}");
    }
    for p in [
        "/units",
        "/units/*/beds",
        "/surge/episodes",
        "/standards/protocol",
    ] {
        assert_eq!(field(&spec, p).respondent, Respondent::Provider, "{p}");
    }
}

#[test]
fn labels_items_and_periods() {
    let spec = compile(SPEC);
    let units = field(&spec, "/units");
    assert_eq!(units.item.as_deref(), Some("unit"));
    let swc = field(&spec, "/units/*/shifts_with_coordinator");
    assert_eq!(swc.label.as_deref(), Some("Shifts with a coordinator"));
    assert!(matches!(swc.period, Some(CountPeriod::Rolling(d)) if d.to_string() == "12 months"));
    assert_eq!(
        field(&spec, "/units/*/shifts_total").period,
        Some(CountPeriod::Assessment)
    );
    assert_eq!(field(&spec, "/total_beds").period, None);
    // `period` is for counts; `item` for lists
    assert_eq!(
        codes(&SPEC.replace(
            r#"name: text "Unit name""#,
            r#"name: text "Unit name" period assessment"#
        )),
        [Code::InvalidConstraint]
    );
    assert_eq!(
        codes(&SPEC.replace(
            r#"total_beds: int min 0 "Funded beds in the trust""#,
            r#"total_beds: int min 0 "Funded beds in the trust" item "bed""#
        )),
        [Code::InvalidConstraint]
    );
}

#[test]
fn bounds_by_other_answers_compile_to_nodes_on_the_element() {
    let spec = compile(SPEC);
    let rec_of = |p: &str| {
        let parent = p.rsplit_once('/').unwrap().0;
        let parent = parent.strip_suffix("/*").unwrap_or(parent);
        match field(&spec, parent).kind {
            FieldKind::List { record, .. } | FieldKind::Group { record } => record,
            FieldKind::Scalar { .. } => panic!("{parent} holds no fields"),
        }
    };
    let slot_of = |p: &str| {
        let rec = rec_of(p);
        let name = p.rsplit_once('/').unwrap().1;
        spec.checked().schema.records[rec]
            .fields
            .iter()
            .position(|f| f.name == name)
            .unwrap()
    };
    let root_slot = |name: &str| {
        spec.checked().schema.records[0]
            .fields
            .iter()
            .position(|f| f.name == name)
            .unwrap()
    };

    // a sibling in a list element: Field(Var(0), slot), the literal min kept
    let swc = field(&spec, "/units/*/shifts_with_coordinator");
    assert!(matches!(
        swc.kind,
        FieldKind::Scalar {
            ty: ScalarTy::Int,
            min: Some(_),
            max: None
        }
    ));
    let [r] = swc.relations.as_slice() else {
        panic!("one relation")
    };
    assert_eq!(r.op, RelationOp::AtMost);
    assert_eq!(r.text, "shifts_total");
    assert_eq!(r.bound_pointer.as_deref(), Some("/units/*/shifts_total"));
    match &r.bound.kind {
        NodeKind::Field(base, slot) => {
            assert!(matches!(base.kind, NodeKind::Var(0)));
            assert_eq!(*slot, slot_of("/units/*/shifts_total"));
        }
        other => panic!("{other:?}"),
    }

    // a top-level input from inside a list element
    let beds = &field(&spec, "/units/*/beds").relations[0];
    assert!(matches!(beds.bound.kind, NodeKind::Input(s) if s == root_slot("total_beds")));
    assert_eq!(beds.bound_pointer.as_deref(), Some("/total_beds"));

    // a top-level path into a group
    let surge = &field(&spec, "/units/*/surge_beds").relations[0];
    match &surge.bound.kind {
        NodeKind::Field(base, slot) => {
            assert!(matches!(base.kind, NodeKind::Input(s) if s == root_slot("surge")));
            assert_eq!(*slot, slot_of("/surge/episodes"));
        }
        other => panic!("{other:?}"),
    }

    // a sibling inside a group
    let esc = &field(&spec, "/surge/escalated").relations[0];
    assert!(
        matches!(&esc.bound.kind, NodeKind::Field(base, _) if matches!(base.kind, NodeKind::Var(0)))
    );
    assert_eq!(esc.bound_pointer.as_deref(), Some("/surge/episodes"));

    // a definition
    let capped = &field(&spec, "/units/*/capped").relations[0];
    assert!(matches!(capped.bound.kind, NodeKind::Let(_)));
    assert_eq!(capped.bound_pointer, None);
    // an input read only as a bound is read: no NS0102 for `surge.episodes`
    let unread: Vec<&str> = spec
        .warnings()
        .iter()
        .filter(|d| d.code == Code::UnreadInput)
        .map(|d| d.message.as_str())
        .collect();
    assert!(unread.is_empty(), "{unread:?}");
}

#[test]
fn bounds_that_cannot_hold() {
    let base = r#"spec t "T" { version "1" }
inputs "I" {
  a: int min 0 "A"
  p: percent "P"
  d: date "D"
  xs: list "Xs" { n: int "N" }
  __DECL__
}
let half = p / 2
area resources {
  requirement RE-01 should "R" { a + len(xs) >= 0 and p >= 0% and d >= 2025-01-01 and b >= 0 ref "S" }
}
"#;
    let check = |decl: &str| {
        let c = codes(&base.replace("__DECL__", decl));
        // the rule compares `b` with an int: a percent `b` is a type error there too
        c.into_iter()
            .filter(|c| !matches!(c, Code::UnreadInput | Code::TypeMismatch))
            .collect::<Vec<_>>()
    };
    assert!(check(r#"b: int max a "B""#).is_empty());
    assert!(check(r#"b: number min 0 max a "B""#).is_empty());
    assert_eq!(check(r#"b: int max p "B""#), [Code::InvalidConstraint]);
    assert_eq!(check(r#"b: percent max a "B""#), [Code::InvalidConstraint]);
    assert!(check(r#"b: percent max half "B""#).is_empty());
    assert_eq!(check(r#"b: int max d "B""#), [Code::InvalidConstraint]);
    assert_eq!(check(r#"b: date max d "B""#), [Code::InvalidConstraint]);
    assert_eq!(check(r#"b: int max nope "B""#), [Code::UnknownName]);
    assert_eq!(check(r#"b: int max xs.n "B""#), [Code::UnknownField]);
    assert_eq!(check(r#"b: int max b "B""#), [Code::InvalidConstraint]);
    assert_eq!(
        check(
            r#"b: int "B"
  xs2: list max a "L" { n: int "N" }"#
        ),
        [Code::InvalidConstraint]
    );
    // units must agree when both are given
    let with_unit = |decl: &str| {
        codes(
            &base
                .replace("a: int min 0 \"A\"", "a: int min 0 \"A\" unit \"beds\"")
                .replace("__DECL__", decl),
        )
        .into_iter()
        .filter(|c| *c != Code::UnreadInput)
        .collect::<Vec<_>>()
    };
    assert!(with_unit(r#"b: int max a "B" unit "beds""#).is_empty());
    assert!(with_unit(r#"b: int max a "B""#).is_empty());
    assert_eq!(
        with_unit(r#"b: int max a "B" unit "cots""#),
        [Code::InvalidConstraint]
    );
    // the other respondent's answer is never in the same submission
    let cross = base.replace("__DECL__", "b: int \"B\"").replace(
        "let half",
        "inputs \"N\" respondent network { c: int max a \"C\" }\nlet half",
    );
    assert!(codes(&cross).contains(&Code::InvalidConstraint));
    let through_let = base
        .replace("__DECL__", "b: int max net_total \"B\"")
        .replace(
            "let half",
            "inputs \"N\" respondent network { c: int \"C\" }\nlet net_total = c * 2\nlet half",
        );
    assert!(codes(&through_let).contains(&Code::InvalidConstraint));
}

#[test]
fn a_checklist_is_a_group_of_one_shared_enum() {
    let spec = compile(SPEC);
    let FieldKind::Group { record } = field(&spec, "/standards").kind else {
        panic!("a checklist is stored as a group")
    };
    let rec = &spec.checked().schema.records[record];
    assert!(rec.checklist);
    let names: Vec<(&str, &str)> = rec
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.question.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("named_lead", "The service has a named clinical lead"),
            ("protocol", "There is a written protocol")
        ]
    );
    for f in &rec.fields {
        let FieldKind::Scalar {
            ty: ScalarTy::Enum(e),
            ..
        } = f.kind
        else {
            panic!("an item is an enum")
        };
        assert_eq!(spec.checked().schema.enums[e].variants, CHECKLIST_VALUES);
    }
    // items are listed once; a checklist lists some and takes no min/max
    let dup = SPEC.replace(
        r#"protocol "There is a written protocol""#,
        r#"named_lead "Again""#,
    );
    assert!(codes(&dup).contains(&Code::DuplicateInput));
    let empty = SPEC.replace(
        "    named_lead \"The service has a named clinical lead\"\n    protocol \"There is a written protocol\"\n",
        "",
    );
    assert!(codes(&empty).contains(&Code::InvalidConstraint));
}

#[test]
fn a_requirement_reads_only_its_respondents_answers() {
    let wrong = SPEC.replace(
        "    respondent network\n    network.hosting",
        "    network.hosting",
    );
    assert_eq!(codes(&wrong), [Code::WrongRespondent]);
    let also = SPEC.replace(
        "surge.escalated >= 0 and",
        "surge.escalated >= 0 and network.hosting_agreement and",
    );
    assert_eq!(codes(&also), [Code::WrongRespondent]);
}

fn empty_list_warnings(rule_and_applies: &str) -> usize {
    let text = format!(
        r#"spec t "T" {{ version "1" }}
inputs "I" {{
  units: list "Units" {{
    name: text "Name"
    ok: bool "OK"
    wards: list "Wards" {{ open: bool "Open" }}
  }}
  some: list min 1 "Some" {{ ok: bool "OK" }}
  standards: checklist "Which?" {{ a "A" b "B" }}
}}
area quality {{
  requirement QU-01 should "R" {{
    {rule_and_applies}
  }}
  requirement QU-02 may "Reads everything" {{
    any u in units: u.ok or any w in u.wards: w.open or any s in some: s.ok
      or any s in standards: s == yes
  }}
}}
"#
    );
    compile(&text)
        .warnings()
        .iter()
        .filter(|d| d.code == Code::EmptyList)
        .count()
}

#[test]
fn all_over_a_list_that_may_be_empty() {
    for (rule, n) in [
        ("all u in units: u.ok", 1),
        ("all s in some: s.ok", 0),
        ("all s in standards: s == yes", 0),
        (
            "applies when any u in units: u.ok\n    all u in units: u.ok",
            0,
        ),
        ("applies when len(units) > 0\n    all u in units: u.ok", 0),
        (
            "applies when len(units) >= 1 and true\n    all u in units: u.ok",
            0,
        ),
        (
            "applies when count(u in units where u.ok) > 0\n    all u in units: u.ok",
            0,
        ),
        (
            "applies when count(u in units) >= 1\n    all u in units: u.ok",
            0,
        ),
        ("applies when len(units) >= 0\n    all u in units: u.ok", 1),
        (
            "applies when len(units) > 0 or true\n    all u in units: u.ok",
            1,
        ),
        ("len(units) > 0 and all u in units: u.ok", 0),
        ("not (all u in units: u.ok)", 0),
        ("(all u in units: u.ok) implies len(units) > 9", 0),
        ("true implies all u in units: u.ok", 1),
        ("count(u in units where all w in u.wards: w.open) >= 0", 0),
        // a list inside an element: only its own `min` silences it
        (
            "applies when len(units) > 0\n    all u in units: all w in u.wards: w.open",
            1,
        ),
        ("all s in some: all u in units: u.ok", 1),
    ] {
        assert_eq!(empty_list_warnings(rule), n, "{rule}");
    }
}

#[test]
fn the_form_and_the_schema_say_it() {
    let spec = compile(SPEC);
    let form = netspec_core::inputs::form(&spec.checked().clone());
    let qs: Vec<&netspec_core::inputs::Question> =
        form.iter().flat_map(|s| s.questions.iter()).collect();
    let units = qs.iter().find(|q| q.name == "units").unwrap();
    assert_eq!(units.item.as_deref(), Some("unit"));
    assert_eq!(units.respondent, "provider");
    let swc = units
        .fields
        .iter()
        .find(|q| q.name == "shifts_with_coordinator")
        .unwrap();
    assert_eq!(swc.label.as_deref(), Some("Shifts with a coordinator"));
    assert_eq!(
        swc.period.as_deref(),
        Some("in the 12 months to the period end")
    );
    let total = units
        .fields
        .iter()
        .find(|q| q.name == "shifts_total")
        .unwrap();
    assert_eq!(total.period.as_deref(), Some("in the assessment period"));
    let [rel] = swc.relations.as_slice() else {
        panic!("one relation")
    };
    assert_eq!(rel.op, "at_most");
    assert_eq!(rel.path.as_deref(), Some("/units/*/shifts_total"));
    assert_eq!(
        rel.words,
        "at most the answer to \u{201c}How many nursing shifts were there?\u{201d}"
    );
    let standards = qs.iter().find(|q| q.name == "standards").unwrap();
    assert_eq!(standards.kind, "checklist");
    assert_eq!(standards.values, CHECKLIST_VALUES);
    assert!(standards
        .fields
        .iter()
        .all(|f| f.kind == "enum" && f.values == CHECKLIST_VALUES));
    let network = qs.iter().find(|q| q.name == "network").unwrap();
    assert_eq!(network.respondent, "network");

    // one respondent's form
    let provider = netspec_core::inputs::form_for(spec.checked(), Some(Respondent::Provider));
    let names: Vec<&str> = provider
        .iter()
        .flat_map(|s| s.questions.iter())
        .map(|q| q.name.as_str())
        .collect();
    assert_eq!(names, ["units", "total_beds", "surge", "standards"]);
    let net = netspec_core::inputs::form_for(spec.checked(), Some(Respondent::Network));
    assert_eq!(net.len(), 1);
    assert_eq!(net[0].title.as_deref(), Some("Network governance"));

    let schema = spec.json_schema();
    assert_eq!(schema["required"], serde_json::json!(["header"]));
    let h = &schema["properties"]["header"];
    assert_eq!(
        h["properties"]["organisation"]["properties"]["ods_code"]["pattern"],
        "^[A-Z0-9]{3,6}$"
    );
    assert_eq!(
        h["properties"]["period"]["properties"]["end"]["format"],
        "date"
    );
    let item = &schema["properties"]["units"]["items"]["properties"]["shifts_with_coordinator"];
    assert_eq!(item["x-respondent"], "provider");
    let d = item["description"].as_str().unwrap();
    assert!(d.contains("in the 12 months to the period end"), "{d}");
    assert!(
        d.contains("How many nursing shifts were there?") && d.contains("/units/*/shifts_total"),
        "{d}"
    );
    assert_eq!(schema["properties"]["network"]["x-respondent"], "network");
    assert_eq!(schema["properties"]["standards"]["x-checklist"], true);
}
