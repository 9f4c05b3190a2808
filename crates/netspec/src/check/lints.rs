//! Warnings for likely mistakes in a spec that compiles.
//!
//! An input no rule reads (NS0102), a rule that reads no answer (NS0103), a
//! rule that can never be false (NS0104), and two requirements with one
//! title (NS0105). Empty areas (NS0101) are found while checking.

use std::collections::BTreeMap;

use super::Checked;
use crate::diagnostic::{Code, Diagnostic};
use crate::inputs::read_anywhere;
use crate::ir::{Const, FieldKind, Node, NodeKind, ScalarTy};
use crate::syntax::ast::Quant;

/// Every warning for a compiled spec.
pub fn lint(spec: &Checked) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let read = read_anywhere(spec);
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
    out
}

/// Whether a rule reads an answer or the date. Definitions are looked at once
/// each (`memo`), so a chain of definitions that each use the previous one
/// twice costs its length, not 2^length.
fn reads_anything(spec: &Checked, n: &Node, depth: usize, memo: &mut Vec<Option<bool>>) -> bool {
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
