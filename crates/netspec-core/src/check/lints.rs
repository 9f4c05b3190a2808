//! Warnings for likely mistakes: a compiled spec → diagnostics.
//!
//! An input no rule reads (NS0102), a rule that reads no answer (NS0103), a
//! rule that can never be false (NS0104), two requirements with one title
//! (NS0105), `all` over a list that may be empty (NS0108) and a requirement
//! without `ref` (NS0109). Empty areas
//! (NS0101) and `must` on an estimate (NS0106) are found while checking.

use std::collections::{BTreeMap, BTreeSet};

use crate::builtins::Builtin;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::CompiledSpec;
use crate::ir::{Cmp, Const, FieldKind, Node, NodeKind, Requirement, ScalarTy, Ty};
use crate::number::Num;
use crate::source::Span;
use crate::vocab::Quant;

/// Adds every warning for a compiled spec to `out`.
pub fn lint(spec: &CompiledSpec, out: &mut Vec<Diagnostic>) {
    let read = spec.read_anywhere();
    for (rid, rec) in spec.schema.records.iter().enumerate() {
        for (slot, f) in rec.fields.iter().enumerate() {
            let label = rid != 0
                && matches!(
                    f.kind,
                    FieldKind::Scalar {
                        ty: ScalarTy::Text,
                        ..
                    }
                );
            if label || read.contains(&(rid, slot)) {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    Code::UnreadInput,
                    format!(
                        "no requirement reads input `{}`",
                        f.pointer.trim_start_matches('/').replace('/', ".")
                    ),
                )
                .at(f.span)
                .with_help("use it in a rule, or remove the question"),
            );
        }
    }
    let mut titles: BTreeMap<&str, &str> = BTreeMap::new();
    let mut warned: BTreeSet<(u32, u32, u32)> = BTreeSet::new();
    let mut memo = vec![None; spec.lets.len()];
    for r in &spec.requirements {
        if !reads_anything(spec, &r.rule, 0, &mut memo) {
            out.push(
                Diagnostic::warning(
                    Code::ConstantRule,
                    format!(
                        "the rule of `{}` reads no answer, so its outcome never changes",
                        r.id
                    ),
                )
                .at(r.rule.span),
            );
        } else if !possible(&r.rule).can_be_false {
            out.push(
                Diagnostic::warning(
                    Code::NeverNotMet,
                    format!("`{}` ({}) can never be not met", r.id, r.level.as_str()),
                )
                .at(r.rule.span)
                .with_help("no answers make this rule false; check the logic"),
            );
        }
        empty_lists(spec, r, &mut warned, out);
        if r.reference.is_none() {
            out.push(
                Diagnostic::warning(
                    Code::MissingRef,
                    format!(
                        "`{}` has no `ref`: say which standard or source it comes from",
                        r.id
                    ),
                )
                .at(r.id_span)
                .with_help("add `ref \"…\"` naming the standard, its section and date"),
            );
        }
        if let Some(first) = titles.insert(&r.title, &r.id) {
            out.push(
                Diagnostic::warning(
                    Code::DuplicateTitle,
                    format!("`{}` has the same title as `{first}`", r.id),
                )
                .at(r.title_span),
            );
        }
    }
}

/// Whether a rule reads an answer or the date. Definitions are looked at once
/// each (`memo`), so a chain of definitions that each use the previous one
/// twice costs its length, not 2^length.
fn reads_anything(
    spec: &CompiledSpec,
    n: &Node,
    depth: usize,
    memo: &mut Vec<Option<bool>>,
) -> bool {
    if depth > 512 {
        return true;
    }
    match &n.kind {
        NodeKind::Input(_) | NodeKind::Var(_) | NodeKind::AssessmentDate | NodeKind::Within(..) => {
            true
        }
        NodeKind::Const(_) | NodeKind::Error => false,
        NodeKind::Let(i) => {
            if let Some(Some(known)) = memo.get(*i) {
                return *known;
            }
            let r = spec
                .lets
                .get(*i)
                .is_some_and(|d| reads_anything(spec, &d.value, depth + 1, memo));
            if let Some(m) = memo.get_mut(*i) {
                *m = Some(r);
            }
            r
        }
        _ => n
            .children()
            .any(|x| reads_anything(spec, x, depth + 1, memo)),
    }
}

/// Which truth values a condition can take over all possible answers
/// (treating separate sub-conditions as independent, so it errs towards
/// "possible").
#[derive(Clone, Copy)]
struct Possible {
    can_be_true: bool,
    can_be_false: bool,
}

const ANY: Possible = Possible {
    can_be_true: true,
    can_be_false: true,
};

fn possible(n: &Node) -> Possible {
    match &n.kind {
        NodeKind::Const(Const::Bool(b)) => Possible {
            can_be_true: *b,
            can_be_false: !*b,
        },
        NodeKind::Not(x) => {
            let p = possible(x);
            Possible {
                can_be_true: p.can_be_false,
                can_be_false: p.can_be_true,
            }
        }
        NodeKind::And(a, b) => {
            let (p, q) = (possible(a), possible(b));
            Possible {
                can_be_true: p.can_be_true && q.can_be_true,
                can_be_false: p.can_be_false || q.can_be_false,
            }
        }
        NodeKind::Or(a, b) => {
            let (p, q) = (possible(a), possible(b));
            Possible {
                can_be_true: p.can_be_true || q.can_be_true,
                can_be_false: p.can_be_false && q.can_be_false,
            }
        }
        NodeKind::Implies(a, b) => {
            let (p, q) = (possible(a), possible(b));
            Possible {
                can_be_true: p.can_be_false || q.can_be_true,
                can_be_false: p.can_be_true && q.can_be_false,
            }
        }
        NodeKind::If(_, a, b) => {
            let (p, q) = (possible(a), possible(b));
            Possible {
                can_be_true: p.can_be_true || q.can_be_true,
                can_be_false: p.can_be_false || q.can_be_false,
            }
        }
        // an empty list makes `all` true and `any` false
        NodeKind::Quantifier(Quant::All, _, body) => Possible {
            can_be_true: true,
            can_be_false: possible(body).can_be_false,
        },
        NodeKind::Quantifier(Quant::Any, _, body) => Possible {
            can_be_true: possible(body).can_be_true,
            can_be_false: true,
        },
        _ => ANY,
    }
}

/// How a list expression is known across conditions: the slots from the
/// root (`units` is `[3]`, `service.units` is `[0, 2]`); `None` for a list
/// inside a list element (it differs per element) and for anything else.
fn list_key(spec: &CompiledSpec, n: &Node, depth: usize) -> Option<Vec<usize>> {
    if depth > 64 {
        return None;
    }
    match &n.kind {
        NodeKind::Input(slot) => Some(vec![*slot]),
        NodeKind::Field(base, slot) => {
            let mut k = list_key(spec, base, depth + 1)?;
            k.push(*slot);
            Some(k)
        }
        NodeKind::Let(i) => list_key(spec, &spec.lets.get(*i)?.value, depth + 1),
        _ => None,
    }
}

/// The declared shortest length of the list input a list expression reads
/// (`Some(0)` when it declares none); `None` when it is not a list input.
fn list_min(spec: &CompiledSpec, n: &Node, depth: usize) -> Option<usize> {
    if depth > 64 {
        return None;
    }
    let field = match &n.kind {
        NodeKind::Input(slot) => spec.schema.records.first()?.fields.get(*slot)?,
        NodeKind::Field(base, slot) => match base.ty {
            Ty::Record(r) => spec.schema.records.get(r)?.fields.get(*slot)?,
            _ => return None,
        },
        NodeKind::Let(i) => return list_min(spec, &spec.lets.get(*i)?.value, depth + 1),
        _ => return None,
    };
    match field.kind {
        FieldKind::List { min_len, .. } => Some(min_len.unwrap_or(0)),
        _ => None,
    }
}

fn is_num(n: &Node, v: Num) -> bool {
    matches!(&n.kind, NodeKind::Const(Const::Num(x)) if *x == v)
}

/// The lists a condition says are not empty, as top-level conjuncts:
/// `any _ in L: …`, `len(L) > 0` / `>= 1`, `count(_ in L …) > 0` / `>= 1`.
fn non_empty(spec: &CompiledSpec, n: &Node, out: &mut Vec<Vec<usize>>, depth: usize) {
    if depth > 64 {
        return;
    }
    fn sized(x: &Node) -> Option<&Node> {
        match &x.kind {
            NodeKind::Call(Builtin::Len, args) => args.first(),
            NodeKind::Count(l, _) => Some(&**l),
            _ => None,
        }
    }
    match &n.kind {
        NodeKind::And(a, b) => {
            non_empty(spec, a, out, depth + 1);
            non_empty(spec, b, out, depth + 1);
        }
        NodeKind::Let(i) => {
            if let Some(d) = spec.lets.get(*i) {
                non_empty(spec, &d.value, out, depth + 1);
            }
        }
        NodeKind::Quantifier(Quant::Any, l, _) => out.extend(list_key(spec, l, 0)),
        NodeKind::Compare(op, a, b) => {
            let list = match (op, sized(a), sized(b)) {
                (Cmp::Gt, Some(l), _) if is_num(b, Num::ZERO) => Some(l),
                (Cmp::Ge, Some(l), _) if is_num(b, Num::ONE) => Some(l),
                (Cmp::Lt, _, Some(l)) if is_num(a, Num::ZERO) => Some(l),
                (Cmp::Le, _, Some(l)) if is_num(a, Num::ONE) => Some(l),
                _ => None,
            };
            if let Some(l) = list {
                out.extend(list_key(spec, l, 0));
            }
        }
        _ => {}
    }
}

/// NS0108: `all x in L: …` in a requirement's rule, where `L` is a list
/// input that may be empty (no `min` of 1 or more) and neither the
/// requirement's `applies when` nor the rule itself says, as a top-level
/// conjunct, that `L` is not empty. A list inside a list element is silenced
/// only by its `min`. Only an `all` that makes the rule true when the list is
/// empty counts (not one under `not` or on the left of `implies`); `all`
/// inside a `where` filter or a comparison is not looked at. A checklist is a
/// list of the spec's own items and never warns.
fn empty_lists(
    spec: &CompiledSpec,
    r: &Requirement,
    warned: &mut BTreeSet<(u32, u32, u32)>,
    out: &mut Vec<Diagnostic>,
) {
    let mut excluded = Vec::new();
    if let Some(a) = &r.applies {
        non_empty(spec, a, &mut excluded, 0);
    }
    non_empty(spec, &r.rule, &mut excluded, 0);
    let mut seen_lets = BTreeSet::new();
    let mut stack: Vec<(&Node, bool, usize)> = vec![(&r.rule, true, 0)];
    while let Some((n, positive, depth)) = stack.pop() {
        if depth > 1024 {
            continue;
        }
        let d = depth + 1;
        match &n.kind {
            NodeKind::Not(x) => stack.push((x, !positive, d)),
            NodeKind::And(a, b) | NodeKind::Or(a, b) => {
                stack.push((b, positive, d));
                stack.push((a, positive, d));
            }
            NodeKind::Implies(a, b) => {
                stack.push((b, positive, d));
                stack.push((a, !positive, d));
            }
            NodeKind::If(_, a, b) => {
                stack.push((b, positive, d));
                stack.push((a, positive, d));
            }
            NodeKind::Let(i) if seen_lets.insert((*i, positive)) => {
                if let Some(def) = spec.lets.get(*i) {
                    stack.push((&def.value, positive, d));
                }
            }
            NodeKind::Quantifier(q, list, body) => {
                stack.push((body, positive, d));
                if *q != Quant::All || !positive || warned.contains(&span_key(n.span)) {
                    continue;
                }
                let Some(min) = list_min(spec, list, 0) else {
                    continue;
                };
                if min >= 1 {
                    continue;
                }
                let key = list_key(spec, list, 0);
                if key.as_ref().is_some_and(|k| excluded.contains(k)) {
                    continue;
                }
                warned.insert(span_key(n.span));
                let text = spec_text(spec, list);
                let help = if key.is_some() {
                    format!(
                        "give the list `min 1`, add `applies when len({text}) > 0` (or `any … in {text}: …`), or make it a `checklist` the spec owns"
                    )
                } else {
                    "give the list `min 1`: a list inside a list element is not excluded by `applies when`".to_string()
                };
                out.push(
                    Diagnostic::warning(
                        Code::EmptyList,
                        format!(
                            "`all` over `{text}` is true when the list is empty, so `{}` is met by listing nothing",
                            r.id
                        ),
                    )
                    .at(n.span)
                    .with_label("true for an empty list")
                    .with_help(help),
                );
            }
            _ => {}
        }
    }
}

fn span_key(s: Span) -> (u32, u32, u32) {
    (s.file.0, s.start, s.end)
}

/// The name of a list input for messages: its path with `[]` for list positions.
fn spec_text(spec: &CompiledSpec, list: &Node) -> String {
    let field = match &list.kind {
        NodeKind::Input(slot) => spec
            .schema
            .records
            .first()
            .and_then(|r| r.fields.get(*slot)),
        NodeKind::Field(base, slot) => match base.ty {
            Ty::Record(r) => spec.schema.records.get(r).and_then(|x| x.fields.get(*slot)),
            _ => None,
        },
        _ => None,
    };
    match field {
        Some(f) if matches!(list.kind, NodeKind::Input(_)) => f.name.clone(),
        Some(f) => f
            .pointer
            .trim_start_matches('/')
            .replace("/*/", "[].")
            .replace('/', "."),
        None => "the list".to_string(),
    }
}
