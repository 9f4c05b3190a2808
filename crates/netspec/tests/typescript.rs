//! The TypeScript declarations generated from the Rust types (features `ts`
//! and `ffi`; the npm package ships them as `generated.d.ts`): every shape
//! is there, exactly as the JSON is written, and nothing is `any`.
#![cfg(all(feature = "ts", feature = "ffi"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use netspec::ffi::{typescript_declarations, TYPESCRIPT_COMMAND};

/// Every type the package's `types.d.ts` re-exports, and the ffi's failure.
const EXPECTED: &[&str] = &[
    "Area",
    "AreaCoverage",
    "AreaSummary",
    "Basis",
    "Check",
    "ChecklistAnswer",
    "CodeInfo",
    "Counts",
    "Coverage",
    "DeclaredEvidence",
    "Diagnostic",
    "DiagnosticCode",
    "EvidenceStatus",
    "Failure",
    "FailureKind",
    "GivenEvidence",
    "JsonPosition",
    "Level",
    "Location",
    "Mismatch",
    "MissingInput",
    "Organisation",
    "Outcome",
    "Period",
    "Question",
    "QuestionRelation",
    "Rating",
    "Related",
    "Report",
    "RequirementCoverage",
    "RequirementResult",
    "Respondent",
    "Section",
    "Severity",
    "SignOff",
    "SpecSummary",
    "SubmissionHeader",
    "Summary",
    "TestResult",
    "TestRun",
    "ToPass",
];

/// The names declared (`export type NAME = ...`), in order.
fn declared(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.strip_prefix("export type "))
        .filter_map(|l| l.split(' ').next())
        .collect()
}

/// The declaration of `name`: from `export type NAME =` to the end of its
/// last line (`;`).
fn decl<'t>(text: &'t str, name: &str) -> &'t str {
    let head = format!("export type {name} = ");
    let Some(start) = text.find(&head) else {
        panic!("no declaration of {name}");
    };
    let rest = &text[start..];
    let end = rest.find(";\n\n").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

/// The fields of object type `name`: `name?: type` lines without the docs.
fn fields<'t>(text: &'t str, name: &str) -> Vec<&'t str> {
    decl(text, name)
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !(l.starts_with("/**") || l.starts_with('*') || l.starts_with("};")))
        .collect()
}

#[test]
fn every_shape_is_declared_once_in_name_order() {
    let text = typescript_declarations();
    let names = declared(&text);
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted, "declarations out of order or repeated");
    let got: BTreeSet<&str> = names.into_iter().collect();
    let want: BTreeSet<&str> = EXPECTED.iter().copied().collect();
    assert_eq!(got, want);
}

#[test]
fn the_text_is_stable_and_says_how_it_is_made() {
    let text = typescript_declarations();
    assert_eq!(text, typescript_declarations());
    assert!(text.starts_with("// Generated from netspec's Rust types by `"));
    assert!(text.contains(TYPESCRIPT_COMMAND));
    assert!(text.ends_with(";\n"));
}

#[test]
fn nothing_is_any_and_every_declaration_is_documented() {
    let text = typescript_declarations();
    let words = |text: &str| -> BTreeSet<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map(str::to_owned)
            .collect()
    };
    // `grep -w any` finds nothing, not even in the docs
    assert!(!words(&text).contains("any"), "`any` in the declarations");
    // and the types say what the JSON holds
    let code: String = text
        .lines()
        .filter(|l| !l.starts_with("//"))
        .filter(|l| !matches!(l.trim_start().chars().next(), Some('/' | '*')))
        .collect::<Vec<_>>()
        .join("\n");
    for vague in ["unknown", "object", "bigint", "JsonValue", "Record"] {
        assert!(
            !words(&code).contains(vague),
            "`{vague}` in the declarations"
        );
    }
    // every object type laid out one field a line, each field documented
    assert!(!text.contains("= { "), "an object type was not laid out");
    for block in text.split("\n\n").skip(1) {
        assert!(block.starts_with("/**"), "undocumented: {block}");
        let lines: Vec<&str> = block.lines().collect();
        for (k, line) in lines.iter().enumerate() {
            let field = line.starts_with("  ") && !line.trim_start().starts_with(['/', '*']);
            if field {
                assert!(
                    k > 0 && lines[k - 1].trim() == "*/",
                    "undocumented field: {line}"
                );
            }
        }
    }
}

#[test]
fn the_words_are_unions_of_their_json_texts() {
    let text = typescript_declarations();
    let exact = [
        (
            "Outcome",
            r#""met" | "not_met" | "not_applicable" | "incomplete""#,
        ),
        ("Rating", r#""green" | "amber" | "red" | "incomplete""#),
        ("Level", r#""must" | "should" | "may""#),
        ("Basis", r#""standard" | "derived" | "estimate""#),
        ("Respondent", r#""provider" | "network""#),
        ("Severity", r#""error" | "warning""#),
        ("FailureKind", r#""compile" | "submission" | "usage""#),
        ("ChecklistAnswer", r#""yes" | "no" | "not_applicable""#),
        ("DiagnosticCode", "`NS${string}`"),
        (
            "Area",
            r#""service_delivery" | "resources" | "workforce" | "quality" | "collaboration" | "transformation" | "population_health""#,
        ),
    ];
    for (name, union) in exact {
        assert_eq!(decl(&text, name), format!("export type {name} = {union};"));
    }
}

#[test]
fn the_shapes_follow_the_json() {
    let text = typescript_declarations();
    let has = |name: &str, field: &str| {
        let all = fields(&text, name);
        assert!(all.contains(&field), "{name} has no `{field}`: {all:?}");
    };
    // numbers, renames, dates as text, nulls for Option
    has("Report", "report_format: number;");
    has("Report", "header: SubmissionHeader | null;");
    has("Report", "assessed_on: string | null;");
    has("Report", "spec: SpecSummary;");
    has("RequirementResult", "ref: string | null;");
    has("RequirementResult", "area: Area;");
    has("RequirementResult", "basis: Basis | null;");
    has("RequirementResult", "evidence: EvidenceStatus;");
    has("EvidenceStatus", "declared: Array<DeclaredEvidence>;");
    has("Summary", "compliance: number | null;");
    has("Period", "start: string;");
    has("SubmissionHeader", "signed_off?: SignOff | null;");
    has("TestResult", "outcomes: Array<[string, Outcome]>;");
    has("CodeInfo", "code: DiagnosticCode;");
    // fields left out when empty or absent are optional
    has("Diagnostic", "code: DiagnosticCode;");
    has("Diagnostic", "location?: Location;");
    has("Diagnostic", "notes?: Array<string>;");
    has("Diagnostic", "related?: Array<Related>;");
    has("Related", "location?: Location;");
    has("Check", "element?: string;");
    has("Check", "element_name: string | null;");
    has("Check", "in_scope?: boolean;");
    has("Check", "to_pass?: Array<ToPass>;");
    has("Failure", "json_position?: JsonPosition;");
    has("Question", "relations?: Array<QuestionRelation>;");
    has("Question", "fields?: Array<Question>;");
    has("Question", "value_labels?: Array<string>;");
    has("Question", "read_by: Array<string>;");
    has("Question", "respondent: Respondent;");
    // values written through serde_json::Value, as precise as they are
    has("Check", "left?: number | string | boolean | null;");
    has("Check", "gap?: number | string | boolean | null;");
    has("ToPass", "from: number | string | boolean;");
    has("ToPass", "to: number | string | boolean;");
    has("ToPass", "change: number | null;");
    has("Question", "min?: number | string | null;");
    has("QuestionRelation", r#"op: "at_most" | "at_least";"#);
    has(
        "Question",
        r#"type: "bool" | "int" | "number" | "percent" | "date" | "text" | "enum" | "list" | "group" | "checklist";"#,
    );
}

/// The keys of `value`, an object.
fn keys(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The field names of object type `name`.
fn field_names(text: &str, name: &str) -> BTreeSet<String> {
    fields(text, name)
        .into_iter()
        .filter_map(|f| f.split([':', '?']).next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_real_report_has_the_declared_fields() {
    use netspec::ffi::{compile, CompileCall, EvaluateCall};

    let text = typescript_declarations();
    let call: CompileCall = serde_json::from_value(serde_json::json!({
        "name": "demo.netspec",
        "source": "spec demo \"Demo\" { version \"1\" }\n\
                   inputs { beds: int min 0 \"Beds\" }\n\
                   area resources { requirement R-1 must \"Some beds\" { beds > 0 } }\n",
    }))
    .unwrap();
    let spec = compile(&call).unwrap_or_else(|f| panic!("{}", f.message));
    let eval: EvaluateCall = serde_json::from_str(r#"{"unattributed": "provider"}"#).unwrap();
    let report = spec
        .evaluate(r#"{"beds": 0}"#, &eval)
        .unwrap_or_else(|f| panic!("{}", f.message));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();

    assert_eq!(keys(&report), field_names(&text, "Report"));
    assert_eq!(keys(&report["overall"]), field_names(&text, "Summary"));
    assert_eq!(keys(&report["spec"]), field_names(&text, "SpecSummary"));
    assert_eq!(keys(&report["areas"][0]), field_names(&text, "AreaSummary"));
    let requirement = &report["requirements"][0];
    assert_eq!(keys(requirement), field_names(&text, "RequirementResult"));
    assert_eq!(
        keys(&requirement["evidence"]),
        field_names(&text, "EvidenceStatus")
    );
    // a failed check: every key declared (optional ones may be left out)
    let check = &requirement["explanation"][0];
    assert!(check["to_pass"][0].is_object(), "{check}");
    assert!(report["warnings"][0].is_object(), "no NS0217 warning");
    assert!(
        keys(check).is_subset(&field_names(&text, "Check")),
        "{check}"
    );
    assert!(keys(&check["to_pass"][0]).is_subset(&field_names(&text, "ToPass")));
    assert!(keys(&report["warnings"][0]).is_subset(&field_names(&text, "Diagnostic")));
}
