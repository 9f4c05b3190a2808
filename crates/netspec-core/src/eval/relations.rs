//! Relations between answers: an answer declared `max other` or `min
//! other` (naming another answer, or an expression of answers) is checked
//! against its bound, evaluated on the submission as read. Takes a compiled
//! spec and a submission; produces NS0216 errors.

use super::{Ctx, V};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{CompiledSpec, FieldDef, FieldKind, RecordId, Relation, RelationOp, ScalarTy};
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
    let mut cx = Ctx::new(spec, map, sub, None);
    cx.set_budget(Limits::default().max_eval_steps);
    let respondent = sub.header.as_ref().map(|h| h.respondent);
    relations_in(&mut cx, spec, sub, 0, &sub.root, respondent, room, &mut out);
    out
}

#[allow(clippy::too_many_arguments)]
fn relations_in<'a>(
    cx: &mut Ctx<'a>,
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
        if out.len() >= room {
            return;
        }
        if respondent.is_some_and(|r| r != field.respondent) {
            continue;
        }
        match (sub.answer(rec, slot), &field.kind) {
            (Some(Stored::Num(value)), FieldKind::Scalar { ty, .. }) => {
                for rel in &field.relations {
                    cx.push(V::Rec(rec));
                    let bound = cx.eval(&rel.bound);
                    cx.pop();
                    let V::Num(bound) = bound else { continue };
                    let broken = !rel.op.holds(value.compare(bound));
                    if broken && out.len() < room {
                        out.push(broken_relation(
                            spec,
                            sub.pointer(rec),
                            field,
                            *ty,
                            *value,
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
