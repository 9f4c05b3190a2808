//! Relations between answers: an answer declared `max other` or `min
//! other` (naming another answer, or an expression of answers) is checked
//! against its bound, evaluated on the submission as read. Takes a compiled
//! spec and a submission; produces NS0216 errors.

use super::{Ctx, V};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{
    CompiledSpec, FieldDef, FieldKind, Node, NodeKind, RecordId, Relation, RelationOp, ScalarTy, Ty,
};
use crate::limits::Limits;
use crate::number::Num;
use crate::source::SourceMap;
use crate::submission::{Record, Stored, Submission};
use crate::vocab::Respondent;

/// NS0216 errors for the answers of `sub` that break a declared relation
/// ([`Relation`]): each answered field with relations is
/// compared with its bound, evaluated with the field's record as the
/// innermost element; a bound that is unknown (unanswered) is skipped.
/// Fields of the other respondent than the header's are not checked (their
/// answers are ignored). Stops after `room` errors.
pub(crate) fn check_relations(
    spec: &CompiledSpec,
    map: &SourceMap,
    sub: &Submission,
    room: usize,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let has_relations = spec
        .schema
        .records
        .iter()
        .any(|r| r.fields.iter().any(|f| !f.relations.is_empty()));
    if !has_relations {
        return out;
    }
    // the general evaluator, made only for a bound that is not one answer
    let mut cx = Lazy { cx: None, map };
    let respondent = sub.header.as_ref().map(|h| h.respondent);
    relations_in(&mut cx, spec, sub, 0, &sub.root, respondent, room, &mut out);
    out
}

/// An evaluation context made when first needed.
struct Lazy<'a> {
    cx: Option<Ctx<'a>>,
    map: &'a SourceMap,
}

impl<'a> Lazy<'a> {
    /// The bound of `rel` for the answers of `rec`: `None` when it is
    /// unknown (unanswered) or not a number, as the general evaluator finds.
    fn bound(
        &mut self,
        spec: &'a CompiledSpec,
        sub: &'a Submission,
        rec: &'a Record,
        rel: &'a Relation,
    ) -> Option<Num> {
        if let Some(direct) = direct_bound(&rel.bound, sub, rec) {
            // builds with debug assertions (every test, property test and
            // fuzz run) hold the direct read to the general evaluator
            #[cfg(debug_assertions)]
            {
                let general = self.general(spec, sub, rec, rel);
                debug_assert_eq!(direct, general, "relation bound `{}`", rel.text);
            }
            return direct;
        }
        self.general(spec, sub, rec, rel)
    }

    /// The bound by the general evaluator.
    fn general(
        &mut self,
        spec: &'a CompiledSpec,
        sub: &'a Submission,
        rec: &'a Record,
        rel: &'a Relation,
    ) -> Option<Num> {
        let map = self.map;
        let cx = self.cx.get_or_insert_with(|| {
            let mut cx = Ctx::new(spec, map, sub, None);
            cx.set_budget(Limits::default().max_eval_steps);
            cx
        });
        cx.push(V::Rec(rec));
        let bound = cx.eval(&rel.bound);
        cx.pop();
        match bound {
            V::Num(n) => Some(n),
            _ => None,
        }
    }
}

/// A bound that is one answer, read straight from the submission: another
/// field of the same record (`max shifts_total`), of the root (`max
/// deaths`) or of a group of the root (`max surge.shifts`). `Some(None)`
/// when that answer is missing or not a number (the general evaluator gives
/// an unknown or a non-number, and the relation is skipped); `None` for any
/// other bound, which the general evaluator evaluates.
fn direct_bound(bound: &Node, sub: &Submission, rec: &Record) -> Option<Option<Num>> {
    let num = |s: Option<&Stored>| s.and_then(Stored::num);
    match &bound.kind {
        NodeKind::Input(slot) => Some(num(sub.answer(&sub.root, *slot))),
        NodeKind::Field(base, slot) if matches!(base.ty, Ty::Record(_)) => match &base.kind {
            NodeKind::Var(0) => Some(num(sub.answer(rec, *slot))),
            NodeKind::Input(g) => Some(match sub.answer(&sub.root, *g) {
                Some(Stored::Group(r)) => num(sub.answer(r, *slot)),
                _ => None,
            }),
            _ => None,
        },
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn relations_in<'a>(
    cx: &mut Lazy<'a>,
    spec: &'a CompiledSpec,
    sub: &'a Submission,
    rid: RecordId,
    rec: &'a Record,
    respondent: Option<Respondent>,
    room: usize,
    out: &mut Vec<Diagnostic>,
) {
    let Some(schema) = spec.schema.records.get(rid) else {
        return;
    };
    for (slot, field) in schema.fields.iter().enumerate() {
        // most answers have no relation: stepped over before reading them
        if field.relations.is_empty() && matches!(field.kind, FieldKind::Scalar { .. }) {
            continue;
        }
        if out.len() >= room {
            return;
        }
        if respondent.is_some_and(|r| r != field.respondent) {
            continue;
        }
        match (sub.answer(rec, slot), &field.kind) {
            (Some(s @ (Stored::Int(_) | Stored::Num(_))), FieldKind::Scalar { ty, .. }) => {
                let Some(value) = s.num() else {
                    continue;
                };
                for rel in &field.relations {
                    let Some(bound) = cx.bound(spec, sub, rec, rel) else {
                        continue;
                    };
                    let broken = !rel.op.holds(value.compare(bound));
                    if broken && out.len() < room {
                        out.push(broken_relation(
                            spec,
                            sub.pointer(rec),
                            field,
                            *ty,
                            value,
                            rel,
                            bound,
                        ));
                    }
                }
            }
            (Some(Stored::Group(r)), FieldKind::Group { record }) => {
                relations_in(cx, spec, sub, *record, r, respondent, room, out);
            }
            (Some(Stored::List(rs)), FieldKind::List { record, .. }) => {
                for r in rs {
                    relations_in(cx, spec, sub, *record, r, respondent, room, out);
                }
            }
            _ => {}
        }
    }
}

/// The NS0216 error: `field` (in the record at `parent`) is `value`, on the
/// wrong side of `rel`'s bound `bound`.
fn broken_relation(
    spec: &CompiledSpec,
    parent: &str,
    field: &FieldDef,
    ty: ScalarTy,
    value: Num,
    rel: &Relation,
    bound: Num,
) -> Diagnostic {
    let show = |n: Num| {
        if ty == ScalarTy::Percent {
            n.times(Num::int(100))
                .map(|x| format!("{}%", x.display(4)))
                .unwrap_or_default()
        } else {
            n.display(4)
        }
    };
    let path = format!("{parent}/{}", escape(&field.name));
    let (side, hint) = match rel.op {
        RelationOp::AtMost => ("more than", "at most"),
        RelationOp::AtLeast => ("less than", "at least"),
    };
    let other = match &rel.bound_pointer {
        Some(pattern) => {
            let concrete = fill_pointer(pattern, parent);
            let question = spec
                .schema
                .records
                .iter()
                .flat_map(|r| &r.fields)
                .find(|f| f.pointer == *pattern)
                .map(|f| f.question.as_str());
            match question {
                Some(q) => format!("{concrete} ({q})"),
                None => concrete,
            }
        }
        None => rel.text.clone(),
    };
    Diagnostic::error(
        Code::BrokenRelation,
        format!(
            "{path} ({}) is {}, {side} {other}, {}",
            field.question,
            show(value),
            show(bound)
        ),
    )
    .at_path(path)
    .with_help(format!(
        "this answer must be {hint} `{}`: check both answers",
        rel.text
    ))
}

/// A pointer pattern (`/units/*/shifts_total`) with its `*`s replaced by
/// the list indices at the same places in `concrete` (`/units/1`).
fn fill_pointer(pattern: &str, concrete: &str) -> String {
    let mut given = concrete.split('/');
    pattern
        .split('/')
        .map(|seg| {
            let here = given.next();
            if seg == "*" {
                here.unwrap_or(seg)
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Escapes a key for a JSON pointer.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
#[cfg(feature = "compile")]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use crate::{Sources, Spec};

    const SPEC: &str = r#"
spec rel "Relations" { version "1" }
inputs "Answers" {
  deaths: int min 0 "Deaths"
  reviewed: int min 0 max deaths "Deaths reviewed"
  flag: bool "A flag"
  surge: group "Surge" {
    shifts: int min 0 "Surge shifts"
    kept: int min 0 max surge.shifts "Within the floor"
  }
  units: list "Units" {
    shifts: int min 1 "Shifts"
    coord: int min 0 max shifts "With a coordinator"
    part: int min 0 max total "Part"
    cap: int min 0 max deaths "Capped by a root answer"
  }
}
let total = sum(u.shifts for u in units)
area quality { requirement QU-01 must "Reviewed" { reviewed >= deaths } }
"#;

    /// Every bound read straight from the submission equals the general
    /// evaluator's, answered or not; only a definition goes to it.
    #[test]
    fn direct_bounds_are_the_general_evaluator_s() {
        let spec = match Spec::compile("rel.netspec", &Sources::single("rel.netspec", SPEC)) {
            Ok(s) => s,
            Err(e) => panic!("{e:?}"),
        };
        let submissions = [
            r#"{"deaths": 3, "reviewed": 2, "surge": {"shifts": 4, "kept": 4},
                "units": [{"shifts": 10, "coord": 9, "part": 1, "cap": 3}, {"shifts": 5, "coord": 5, "part": 0, "cap": 0}]}"#,
            r#"{"reviewed": 2, "surge": {"kept": 4}, "units": [{"coord": 9, "part": 1, "cap": 3}]}"#,
            r#"{"deaths": 1, "units": [{"shifts": 2}]}"#,
            r#"{"deaths": 0, "surge": null, "units": []}"#,
        ];
        let (checked, map) = (&*spec.checked, &*spec.map);
        let (mut direct, mut general) = (0, 0);
        for text in submissions {
            let sub = match crate::submission::read_text(&checked.schema, text, &spec.limits, false)
            {
                Ok(Ok(read)) => read.sub,
                other => panic!("{text}: {:?}", other.err()),
            };
            // every record of the submission, with its schema record
            let mut records = vec![(0, &sub.root)];
            let mut k = 0;
            while let Some(&(rid, rec)) = records.get(k) {
                k += 1;
                let Some(schema) = checked.schema.records.get(rid) else {
                    continue;
                };
                for (slot, field) in schema.fields.iter().enumerate() {
                    match (sub.answer(rec, slot), &field.kind) {
                        (Some(Stored::Group(r)), FieldKind::Group { record }) => {
                            records.push((*record, r));
                        }
                        (Some(Stored::List(rs)), FieldKind::List { record, .. }) => {
                            records.extend(rs.iter().map(|r| (*record, r)));
                        }
                        _ => {}
                    }
                    for rel in &field.relations {
                        let mut cx = Ctx::new(checked, map, &sub, None);
                        cx.push(V::Rec(rec));
                        let want = match cx.eval(&rel.bound) {
                            V::Num(n) => Some(n),
                            _ => None,
                        };
                        match direct_bound(&rel.bound, &sub, rec) {
                            Some(got) => {
                                direct += 1;
                                assert_eq!(got, want, "{text}: {} max {}", field.name, rel.text);
                            }
                            None => {
                                general += 1;
                                assert_eq!(rel.text, "total");
                            }
                        }
                    }
                }
            }
        }
        assert_eq!((direct, general), (14, 4));
    }
}
