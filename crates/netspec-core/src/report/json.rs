//! A report as compact JSON, fast: [`Report`] → bytes, exactly what
//! `netspec eval --format json` prints, compact: every object's keys sorted,
//! as `serde_json::to_value` then `to_string` write it
//! ([`crate::sorted_json`]). The spec's own texts (ids, titles, references,
//! declared evidence, area names) are escaped once per spec ([`Pieces::of`])
//! instead of once per report. A requirement's pieces are used only when its
//! result still says what the spec says, so the output is always exactly
//! that text.

use std::borrow::Cow;

use serde::Serialize;

use super::{AreaSummary, Counts, Outcome, Report, RequirementResult, Summary};
use crate::eval::{Check, ToPass};
use crate::ir::CompiledSpec;
use crate::ir::{EvidenceDecl as DeclaredEvidence, Requirement, AREAS};
use crate::vocab::{Basis, Level, Rating, Respondent};

/// A requirement's texts, as JSON, between the parts a report fills in.
#[derive(Debug, Clone)]
struct RequirementPieces {
    /// `{"area":…,"basis":…,"evidence":{"declared":[…]`
    head: String,
    /// `,"help":…,"id":…,"level":…`
    middle: String,
    /// `,"ref":…,"respondent":…,"title":…}`
    tail: String,
    /// The missing list when no evidence is given: every declared key.
    all_missing: String,
}

/// A spec's texts, as JSON.
#[derive(Debug, Clone)]
pub(crate) struct Pieces {
    /// `,"engine_version":…`
    engine_version: String,
    /// `,"report_format":…`
    report_format: String,
    /// `,"spec":{…}`
    spec: String,
    /// Per area: `{"area":…,"compliance":` and `,"title":…}`
    areas: Vec<(String, String)>,
    requirements: Vec<RequirementPieces>,
}

/// `value` as compact JSON with sorted keys (never fails for these types).
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    crate::sorted_json::to_string(value, false).unwrap_or_default()
}

impl Pieces {
    /// The pieces of a compiled spec's reports.
    pub(crate) fn of(spec: &CompiledSpec) -> Pieces {
        let summary = super::SpecSummary {
            id: Cow::Borrowed(spec.info.id.as_str()),
            title: Cow::Borrowed(spec.info.title.as_str()),
            version: spec.info.version.as_deref().map(Cow::Borrowed),
        };
        Pieces {
            engine_version: format!(",\"engine_version\":{}", json(super::ENGINE_VERSION)),
            report_format: format!(",\"report_format\":{}", super::Report::FORMAT),
            spec: format!(",\"spec\":{}", json(&summary)),
            areas: AREAS
                .iter()
                .map(|(key, title)| area_pieces(key, title))
                .collect(),
            requirements: spec.requirements.iter().map(requirement_pieces).collect(),
        }
    }
}

/// An area's texts, as JSON: `{"area":…,"compliance":` and `,"title":…}`.
fn area_pieces(key: &str, title: &str) -> (String, String) {
    (
        format!("{{\"area\":{},\"compliance\":", json(key)),
        format!(",\"title\":{}}}", json(title)),
    )
}

/// A requirement's texts, as a report carries them.
struct Texts<'a> {
    area: &'a str,
    basis: &'a Option<Basis>,
    declared: &'a [DeclaredEvidence],
    help: Option<&'a str>,
    id: &'a str,
    level: &'a Level,
    reference: Option<&'a str>,
    respondent: &'a Respondent,
    title: &'a str,
}

impl RequirementPieces {
    fn of(t: &Texts<'_>, all_missing: String) -> RequirementPieces {
        let mut head = Vec::new();
        put_str(&mut head, "{\"area\":");
        put_json_str(&mut head, t.area);
        put_str(&mut head, ",\"basis\":");
        put(&mut head, t.basis);
        put_str(&mut head, ",\"evidence\":{\"declared\":");
        put(&mut head, t.declared);
        let mut middle = Vec::new();
        put_str(&mut middle, ",\"help\":");
        put_opt_str(&mut middle, t.help);
        put_str(&mut middle, ",\"id\":");
        put_json_str(&mut middle, t.id);
        put_str(&mut middle, ",\"level\":");
        put(&mut middle, t.level);
        let mut tail = Vec::new();
        put_str(&mut tail, ",\"ref\":");
        put_opt_str(&mut tail, t.reference);
        put_str(&mut tail, ",\"respondent\":");
        put(&mut tail, t.respondent);
        put_str(&mut tail, ",\"title\":");
        put_json_str(&mut tail, t.title);
        tail.push(b'}');
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap_or_default();
        RequirementPieces {
            head: text(head),
            middle: text(middle),
            tail: text(tail),
            all_missing,
        }
    }
}

fn requirement_pieces(r: &Requirement) -> RequirementPieces {
    let texts = Texts {
        area: AREAS.get(r.area).map_or("", |(k, _)| k),
        basis: &r.basis,
        declared: &r.evidence,
        help: r.help.as_deref(),
        id: &r.id,
        level: &r.level,
        reference: r.reference.as_deref(),
        respondent: &r.respondent,
        title: &r.title,
    };
    RequirementPieces::of(&texts, json(&r.evidence_keys))
}

/// The pieces of a result whose texts are not its requirement's (a report
/// edited, or of another spec).
fn result_pieces(r: &RequirementResult<'_>) -> RequirementPieces {
    let texts = Texts {
        area: &r.area,
        basis: &r.basis,
        declared: &r.evidence.declared,
        help: r.help.as_deref(),
        id: &r.id,
        level: &r.level,
        reference: r.reference.as_deref(),
        respondent: &r.respondent,
        title: &r.title,
    };
    RequirementPieces::of(&texts, String::new())
}

/// Appends `value` as compact JSON with sorted keys.
fn put<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // writing to a Vec cannot fail, and these values always serialise
    let _ = crate::sorted_json::write(out, value);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
}

fn outcome_json(o: Outcome) -> &'static str {
    match o {
        Outcome::Met => "\"met\"",
        Outcome::NotMet => "\"not_met\"",
        Outcome::NotApplicable => "\"not_applicable\"",
        Outcome::Incomplete => "\"incomplete\"",
    }
}

fn rating_json(r: Rating) -> &'static str {
    match r {
        Rating::Green => "\"green\"",
        Rating::Amber => "\"amber\"",
        Rating::Red => "\"red\"",
        Rating::Incomplete => "\"incomplete\"",
    }
}

/// Appends a whole number in decimal, as `serde_json` writes it.
fn put_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            // n % 10 < 10: the cast keeps it
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(i..).unwrap_or_default());
}

fn put_counts(out: &mut Vec<u8>, c: &Counts) {
    put_str(out, "{\"incomplete\":");
    put_uint(out, u64::from(c.incomplete));
    put_str(out, ",\"met\":");
    put_uint(out, u64::from(c.met));
    put_str(out, ",\"not_applicable\":");
    put_uint(out, u64::from(c.not_applicable));
    put_str(out, ",\"not_met\":");
    put_uint(out, u64::from(c.not_met));
    out.push(b'}');
}

/// Appends a list as compact JSON; an empty one (the usual case) without
/// serde.
fn put_list<T: Serialize>(out: &mut Vec<u8>, list: &[T]) {
    if list.is_empty() {
        put_str(out, "[]");
    } else {
        put(out, list);
    }
}

/// Appends a text as a JSON string, as `serde_json` writes it.
fn put_json_str(out: &mut Vec<u8>, s: &str) {
    crate::sorted_json::write_str(out, s);
}

/// Appends an optional text as serde writes it: the string, or `null`.
fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => put_json_str(out, s),
        None => put_str(out, "null"),
    }
}

/// Appends explanations as [`Check`]s are written with sorted keys
/// (`element`, `left`, `right` and `gap` left out when absent, `in_scope`
/// when true, `to_pass` when empty), without serde's machinery for each
/// field.
fn put_checks(out: &mut Vec<u8>, checks: &[Check]) {
    out.push(b'[');
    for (i, c) in checks.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        put_str(out, "{\"check\":");
        put_json_str(out, &c.check);
        if let Some(e) = &c.element {
            put_str(out, ",\"element\":");
            put_json_str(out, e);
        }
        put_str(out, ",\"element_name\":");
        put_opt_str(out, c.element_name.as_deref());
        if let Some(v) = &c.gap {
            put_str(out, ",\"gap\":");
            put(out, v);
        }
        put_str(
            out,
            if c.held {
                ",\"held\":true"
            } else {
                ",\"held\":false"
            },
        );
        if !c.in_scope {
            put_str(out, ",\"in_scope\":false");
        }
        if let Some(v) = &c.left {
            put_str(out, ",\"left\":");
            put(out, v);
        }
        put_str(out, ",\"message\":");
        put_json_str(out, &c.message);
        if let Some(v) = &c.right {
            put_str(out, ",\"right\":");
            put(out, v);
        }
        if !c.to_pass.is_empty() {
            put_str(out, ",\"to_pass\":[");
            for (j, t) in c.to_pass.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                put_to_pass(out, t);
            }
            out.push(b']');
        }
        out.push(b'}');
    }
    out.push(b']');
}

/// Appends one change that would pass, as a [`ToPass`] is written with
/// sorted keys.
fn put_to_pass(out: &mut Vec<u8>, t: &ToPass) {
    put_str(out, "{\"change\":");
    put(out, &t.change);
    put_str(out, ",\"from\":");
    put(out, &t.from);
    put_str(out, ",\"label\":");
    put_json_str(out, &t.label);
    put_str(out, ",\"message\":");
    put_json_str(out, &t.message);
    put_str(out, ",\"path\":");
    put_opt_str(out, t.path.as_deref());
    put_str(out, ",\"question\":");
    put_json_str(out, &t.question);
    put_str(out, ",\"to\":");
    put(out, &t.to);
    put_str(out, ",\"unit\":");
    put_opt_str(out, t.unit.as_deref());
    out.push(b'}');
}

/// Appends evidence given, as serde writes it: `{"key":…,"reference":…}`.
fn put_given(out: &mut Vec<u8>, given: &[super::GivenEvidence]) {
    out.push(b'[');
    for (i, g) in given.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        put_str(out, "{\"key\":");
        put_json_str(out, &g.key);
        put_str(out, ",\"reference\":");
        put_json_str(out, &g.reference);
        out.push(b'}');
    }
    out.push(b']');
}

fn put_summary(out: &mut Vec<u8>, s: &Summary) {
    put_str(out, "{\"compliance\":");
    put(out, &s.compliance);
    put_str(out, ",\"counts\":");
    put_counts(out, &s.counts);
    put_str(out, ",\"rating\":");
    put_str(out, rating_json(s.rating));
    out.push(b'}');
}

/// How many requirements past the last one written the next is looked for
/// before it is looked up by id (a report skips the other respondent's).
const LOOK_AHEAD: usize = 8;

/// Appends `report`, which `spec` made, as compact JSON with sorted keys:
/// exactly what `serde_json::to_value` then `to_string` write.
pub(crate) fn write(pieces: &Pieces, spec: &CompiledSpec, report: &Report<'_>, out: &mut Vec<u8>) {
    let same_spec = report.report_format == super::Report::FORMAT
        && report.engine_version == super::ENGINE_VERSION
        && report.spec.id == spec.info.id
        && report.spec.title == spec.info.title
        && report.spec.version.as_deref() == spec.info.version.as_deref();
    put_str(out, "{\"areas\":[");
    for (i, a) in report.areas.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        put_area(out, pieces, i, a);
    }
    put_str(out, "],\"assessed_on\":");
    put(out, &report.assessed_on);
    if same_spec {
        put_str(out, &pieces.engine_version);
    } else {
        put_str(out, ",\"engine_version\":");
        put(out, &report.engine_version);
    }
    put_str(out, ",\"header\":");
    put(out, &report.header);
    put_str(out, ",\"overall\":");
    put_summary(out, &report.overall);
    if same_spec {
        put_str(out, &pieces.report_format);
    } else {
        put_str(out, ",\"report_format\":");
        put(out, &report.report_format);
    }
    put_str(out, ",\"requirements\":[");
    // where the next requirement is looked for first
    let mut next = 0usize;
    for (i, r) in report.requirements.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // a report lists only its respondent's requirements, in the spec's
        // order: each is found a few places after the last one, else by id
        let k = spec
            .requirements
            .iter()
            .enumerate()
            .skip(next)
            .take(LOOK_AHEAD)
            .find(|(_, q)| q.id == *r.id)
            .map(|(k, _)| k)
            .or_else(|| spec.requirement_index.get(&*r.id).copied());
        if let Some(k) = k {
            next = k.saturating_add(1);
        }
        let own = k
            .and_then(|k| pieces.requirements.get(k).zip(spec.requirements.get(k)))
            .filter(|(_, req)| says_what_the_spec_says(r, req));
        match own {
            Some((p, req)) => {
                let all_missing = same_slice(&r.evidence.missing, &req.evidence_keys);
                put_requirement(out, p, all_missing, r);
            }
            None => put_requirement(out, &result_pieces(r), false, r),
        }
    }
    put_str(out, "],\"respondent\":");
    put(out, &report.respondent);
    if same_spec {
        put_str(out, &pieces.spec);
    } else {
        put_str(out, ",\"spec\":");
        put(out, &report.spec);
    }
    put_str(out, ",\"warnings\":");
    put(out, &report.warnings);
    out.push(b'}');
}

fn put_area(out: &mut Vec<u8>, pieces: &Pieces, i: usize, a: &AreaSummary) {
    let built;
    let (head, tail) = match (pieces.areas.get(i), AREAS.get(i)) {
        (Some((head, tail)), Some((key, title))) if a.area == *key && a.title == *title => {
            (head, tail)
        }
        // an area that is not the spec's (a report edited)
        _ => {
            built = area_pieces(&a.area, &a.title);
            (&built.0, &built.1)
        }
    };
    put_str(out, head);
    put(out, &a.compliance);
    put_str(out, ",\"counts\":");
    put_counts(out, &a.counts);
    put_str(out, ",\"rating\":");
    put_str(out, rating_json(a.rating));
    put_str(out, tail);
}

/// Whether a result's texts are still those of the requirement it is for.
fn says_what_the_spec_says(r: &RequirementResult<'_>, req: &Requirement) -> bool {
    r.id == req.id
        && r.title == req.title
        && r.reference.as_deref() == req.reference.as_deref()
        && r.level == req.level
        && r.basis == req.basis
        && r.respondent == req.respondent
        && r.help.as_deref() == req.help.as_deref()
        && AREAS.get(req.area).is_some_and(|(k, _)| r.area == *k)
        && same_slice(&r.evidence.declared, &req.evidence)
}

/// Slice equality, by place first (a report's slices are usually the spec's own).
fn same_slice<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    (a.len() == b.len() && std::ptr::eq(a.as_ptr(), b.as_ptr())) || a == b
}

/// Appends a requirement's result from its pieces; `all_missing`: its
/// missing evidence is every declared key (the pieces' `all_missing`).
fn put_requirement(
    out: &mut Vec<u8>,
    p: &RequirementPieces,
    all_missing: bool,
    r: &RequirementResult<'_>,
) {
    put_str(out, &p.head);
    put_str(out, ",\"given\":");
    put_given(out, &r.evidence.given);
    put_str(out, ",\"missing\":");
    if all_missing {
        put_str(out, &p.all_missing);
    } else {
        put_list(out, &r.evidence.missing);
    }
    put_str(out, "},\"explanation\":");
    put_checks(out, &r.explanation);
    put_str(out, &p.middle);
    put_str(out, ",\"missing\":");
    put_list(out, &r.missing);
    put_str(out, ",\"outcome\":");
    put_str(out, outcome_json(r.outcome));
    put_str(out, ",\"problems\":");
    put_list(out, &r.problems);
    put_str(out, &p.tail);
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;
    use serde_json::json;

    /// What `netspec eval --format json` writes, compact: through a
    /// `serde_json::Value`, whose objects' keys are sorted.
    fn through_a_value<T: Serialize>(value: &T) -> Vec<u8> {
        serde_json::to_value(value)
            .and_then(|v| serde_json::to_vec(&v))
            .unwrap_or_default()
    }

    fn check(i: usize) -> Check {
        // every combination of the fields serde leaves out or writes as null
        let b = |k: usize| i & (1 << k) != 0;
        Check {
            element: b(0).then(|| "units[0] (\"A\")".to_string()),
            element_name: b(1).then(|| "unit 1, St Anne\u{1}s".to_string()),
            check: "a / b >= 90%".to_string(),
            held: b(2),
            in_scope: b(3),
            left: b(4).then(|| json!(12)),
            right: b(5).then_some(serde_json::Value::Null),
            gap: b(6).then(|| json!(0.25)),
            message: "Shifts: 1 of 2 (50%); needs at least 90% \u{7f}\n".to_string(),
            to_pass: if b(7) {
                vec![
                    ToPass {
                        path: b(0).then(|| "/units/0/x".to_string()),
                        question: "How \"many\"?".to_string(),
                        label: "X".to_string(),
                        from: json!(1),
                        to: json!("2025-01-01"),
                        change: serde_json::Value::Null,
                        unit: b(1).then(|| "shifts".to_string()),
                        message: "1 more x".to_string(),
                    };
                    1 + i % 2
                ]
            } else {
                Vec::new()
            },
        }
    }

    #[test]
    fn texts_are_written_as_serde_writes_them() {
        // every byte below 0x80 alone and among others, and some beyond
        let mut texts: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        texts.extend((0u8..0x80).map(|b| format!("ab{}cd é ✓", char::from(b))));
        texts.extend(
            [
                "",
                "plain text",
                "\u{7f}\u{80}\u{2028}",
                "\\\"",
                "\u{1}\u{1f} ",
            ]
            .map(String::from),
        );
        for t in &texts {
            let mut fast = Vec::new();
            put_json_str(&mut fast, t);
            assert_eq!(fast, serde_json::to_vec(t).unwrap_or_default(), "{t:?}");
        }
        let mut fast = Vec::new();
        put_opt_str(&mut fast, None);
        assert_eq!(fast, b"null");
    }

    #[test]
    fn checks_are_written_as_through_a_value() {
        for n in [0, 1, 2, 5] {
            let checks: Vec<Check> = (0..256).skip(n).step_by(7).take(n + 1).map(check).collect();
            let mut fast = Vec::new();
            put_checks(&mut fast, &checks);
            let slow = through_a_value(&checks);
            assert_eq!(
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&slow)
            );
        }
        let all: Vec<Check> = (0..256).map(check).collect();
        let mut fast = Vec::new();
        put_checks(&mut fast, &all);
        assert_eq!(fast, through_a_value(&all));
        assert!(fast.len() > 256 * 100);
        // the 256 checks are 256 different combinations, so each field is
        // written both present and absent
        let distinct: std::collections::BTreeSet<Vec<u8>> = all
            .iter()
            .map(|c| serde_json::to_vec(c).unwrap_or_default())
            .collect();
        assert_eq!(distinct.len(), 256);
    }
}
