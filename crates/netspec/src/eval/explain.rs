//! Explanations: which checks made a rule come out as it did.
//!
//! [`explain`] walks a rule towards the value it actually had and collects
//! the leaf checks responsible: for `a and b` that failed, the conjuncts that
//! failed; for `all u in units: …` that failed, every failing unit; for a
//! failing comparison, both values and the numeric gap.

use serde::Serialize;
use serde_json::Value as Json;

use super::{Ctx, V};
use crate::ir::{Cmp, Const, Node, NodeKind, RecordId, Ty};
use crate::number::Num;
use crate::submission::{Record, Stored};
use crate::syntax::ast::Quant;

/// Most checks listed for one requirement.
const MAX_CHECKS: usize = 50;

/// One check behind an outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The list element it concerns, e.g. `units[1] (B)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// The condition as written in the spec.
    pub check: String,
    /// Whether the check held.
    pub held: bool,
    /// Left-hand value (percents in percent points).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<Json>,
    /// Right-hand value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<Json>,
    /// How far the left value is from passing (percent points for percents, days for dates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<Json>,
    /// The check in words.
    pub message: String,
}

/// Explains why `node` evaluated to `target`.
pub fn explain<'a>(cx: &mut Ctx<'a>, node: &'a Node, target: bool) -> Vec<Check> {
    explain_as(cx, node, target, Mode::Rule)
}

/// Explains why an `applies when` condition was false: the same checks in
/// neutral words, with no gap (nothing is "short" of applying).
pub fn explain_applicability<'a>(cx: &mut Ctx<'a>, node: &'a Node) -> Vec<Check> {
    explain_as(cx, node, false, Mode::Applicability)
}

/// What an explanation is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Rule,
    Applicability,
}

fn explain_as<'a>(cx: &mut Ctx<'a>, node: &'a Node, target: bool, mode: Mode) -> Vec<Check> {
    let mut out = Vec::new();
    walk(cx, node, target, None, mode, &mut out);
    let extra = out.len().saturating_sub(MAX_CHECKS);
    if extra > 0 {
        out.truncate(MAX_CHECKS);
        out.push(Check {
            element: None,
            check: String::new(),
            held: target,
            left: None,
            right: None,
            gap: None,
            message: format!("… and {extra} more"),
        });
    }
    out
}

fn is(v: &V<'_>, target: bool) -> bool {
    *v == V::Bool(target)
}

fn walk<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    target: bool,
    element: Option<&str>,
    mode: Mode,
    out: &mut Vec<Check>,
) {
    if out.len() > MAX_CHECKS {
        return;
    }
    match &n.kind {
        NodeKind::Not(x) => walk(cx, x, !target, element, mode, out),
        NodeKind::And(a, b) | NodeKind::Or(a, b) => {
            let conj = matches!(n.kind, NodeKind::And(..));
            // `and` lists every side that had its value (all that failed, or all
            // that held); `or` that held needs only the first side that held
            let every = conj || !target;
            let mut done = false;
            for side in [a, b] {
                let v = cx.eval(side);
                if is(&v, target) && (every || !done) {
                    walk(cx, side, target, element, mode, out);
                    done = true;
                }
            }
        }
        NodeKind::Implies(a, b) => {
            let va = cx.eval(a);
            if target {
                if is(&va, false) {
                    walk(cx, a, false, element, mode, out);
                } else {
                    walk(cx, b, true, element, mode, out);
                }
            } else {
                walk(cx, a, true, element, mode, out);
                walk(cx, b, false, element, mode, out);
            }
        }
        NodeKind::If(c, a, b) => match cx.eval(c) {
            V::Bool(true) => walk(cx, a, target, element, mode, out),
            V::Bool(false) => walk(cx, b, target, element, mode, out),
            _ => {}
        },
        NodeKind::Let(i) => {
            if let Some(def) = cx.spec.lets.get(*i) {
                walk(cx, &def.value, target, element, mode, out);
            }
        }
        NodeKind::Quantifier(q, list, body) => {
            let Ok(elems) = cx.elements(list) else { return };
            let rid = match list.ty {
                Ty::List(r) => Some(r),
                _ => None,
            };
            let elem_ty = match &list.ty {
                Ty::Values(t) => (**t).clone(),
                _ => Ty::Error,
            };
            // all→false and any→true are decided by single elements; the others by all
            let single = (*q == Quant::All) != target;
            if elems.is_empty() {
                let text = cx.text(list).to_string();
                out.push(Check {
                    element: element.map(str::to_string),
                    check: cx.text(n).to_string(),
                    held: target,
                    left: Some(Json::from(0)),
                    right: None,
                    gap: None,
                    message: format!("{text} has no entries"),
                });
                return;
            }
            // a checklist's items are named by their text
            let items = checklist_item_names(cx, list);
            for (k, e) in elems.into_iter().enumerate() {
                let this = e.clone();
                cx.push(e);
                let v = cx.eval(body);
                if is(&v, target) {
                    // the element's label is made only for the elements explained
                    let label = match items.as_ref().and_then(|names| names.get(k)) {
                        Some(name) => Some(match element {
                            Some(o) => format!("{o} › {name}"),
                            None => name.clone(),
                        }),
                        None => element_label(cx, &this, rid, &elem_ty, element),
                    };
                    walk(cx, body, target, label.as_deref(), mode, out);
                    if single && *q == Quant::Any {
                        cx.pop();
                        break;
                    }
                }
                cx.pop();
                if out.len() > MAX_CHECKS {
                    break;
                }
            }
        }
        NodeKind::Compare(op, a, b) => {
            let (va, vb) = (cx.eval(a), cx.eval(b));
            out.push(comparison(cx, *op, a, b, &va, &vb, target, element, mode));
        }
        _ => {
            let v = cx.eval(n);
            let text = cx.text(n).to_string();
            let shown = show(&v, &n.ty, cx, None);
            let message = match &n.kind {
                NodeKind::Present(_) if target => format!("{text}: answered"),
                NodeKind::Present(_) => format!("{text}: not answered"),
                NodeKind::Within(d, dur) => within_message(cx, d, dur, target),
                NodeKind::In(neg, x, _) => {
                    let vx = cx.eval(x);
                    let sx = show(&vx, &x.ty, cx, None);
                    let verb = if target != *neg { "is" } else { "is not" };
                    format!("{} is {sx}, which {verb} in the list", cx.text(x))
                }
                _ => match (&n.ty, &v) {
                    (Ty::Bool, V::Bool(b)) => {
                        format!("{text} is {}", if *b { "yes" } else { "no" })
                    }
                    _ => format!("{text} is {shown}"),
                },
            };
            // for `in` and `within` the value tested is the interesting one
            let (left, right) = match &n.kind {
                NodeKind::In(_, x, items) => {
                    let vx = cx.eval(x);
                    let vals: Vec<Json> = items
                        .iter()
                        .filter_map(|i| {
                            let vi = cx.eval(i);
                            json_of(&vi, &x.ty, cx)
                        })
                        .collect();
                    (json_of(&vx, &x.ty, cx), Some(Json::Array(vals)))
                }
                NodeKind::Within(d, dur) => {
                    let vd = cx.eval(d);
                    let vdur = cx.eval(dur);
                    let start = match (vdur, cx.date) {
                        (V::Dur(du), Some(today)) => {
                            today.minus(du).map(|s| Json::String(s.to_string()))
                        }
                        _ => None,
                    };
                    (json_of(&vd, &d.ty, cx), start)
                }
                _ => (json_of(&v, &n.ty, cx), None),
            };
            out.push(Check {
                element: element.map(str::to_string),
                check: text,
                held: target,
                left,
                right,
                gap: None,
                message,
            });
        }
    }
}

fn within_message<'a>(cx: &mut Ctx<'a>, d: &'a Node, dur: &'a Node, target: bool) -> String {
    let vd = cx.eval(d);
    let vdur = cx.eval(dur);
    let date = show(&vd, &d.ty, cx, None);
    let (V::Dur(duration), Some(today)) = (vdur, cx.date) else {
        return format!("{} is {date}", cx.text(d));
    };
    let start = today
        .minus(duration)
        .map(|s| s.to_string())
        .unwrap_or_default();
    if target {
        format!("{} is {date}, within {duration} of {today}", cx.text(d))
    } else {
        format!(
            "{} is {date}, not within {duration} of {today} (from {start})",
            cx.text(d)
        )
    }
}

/// The item texts of a checklist walked as a list (the checker makes it a
/// list of its items' reads), in order; `None` for any other list.
fn checklist_item_names(cx: &Ctx<'_>, list: &Node) -> Option<Vec<String>> {
    let NodeKind::Values(items) = &list.kind else {
        return None;
    };
    let first = items.first()?;
    let NodeKind::Field(base, _) = &first.kind else {
        return None;
    };
    let Ty::Record(r) = base.ty else { return None };
    let rs = cx.spec.schema.records.get(r).filter(|rs| rs.checklist)?;
    items
        .iter()
        .map(|i| match &i.kind {
            NodeKind::Field(_, slot) => rs.fields.get(*slot).map(|f| f.question.clone()),
            _ => None,
        })
        .collect()
}

/// Describes the element a quantifier is at, e.g. `units[1] (B)`.
fn element_label(
    cx: &Ctx<'_>,
    e: &V<'_>,
    rid: Option<RecordId>,
    ty: &Ty,
    outer: Option<&str>,
) -> Option<String> {
    match e {
        V::Rec(r) => {
            let own = record_label(cx, r, rid);
            Some(match outer {
                // `units[0] (A)` then `units[0].audits[1] (X)` → `units[0] (A) › audits[1] (X)`
                Some(o) => {
                    let last = own.rsplit_once('.').map_or(own.as_str(), |(_, l)| l);
                    let last = if own.contains(" (") && !last.contains(" (") {
                        own.as_str()
                    } else {
                        last
                    };
                    format!("{o} › {last}")
                }
                None => own,
            })
        }
        V::Unknown(_) => outer.map(str::to_string),
        other => {
            let s = show(other, ty, cx, None);
            Some(match outer {
                Some(o) => format!("{o}, {s}"),
                None => s,
            })
        }
    }
}

/// `/units/1/beds/0` → `units[1].beds[0]`, with the record's name field.
pub fn record_label(cx: &Ctx<'_>, r: &Record, rid: Option<RecordId>) -> String {
    let mut label = String::new();
    for seg in cx.sub.pointer(r).split('/').filter(|s| !s.is_empty()) {
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            label.push_str(&format!("[{seg}]"));
        } else {
            if !label.is_empty() {
                label.push('.');
            }
            label.push_str(&seg.replace("~1", "/").replace("~0", "~"));
        }
    }
    let slot = rid
        .and_then(|id| cx.spec.schema.records.get(id))
        .and_then(|rs| rs.label_slot);
    let name = match slot.and_then(|s| cx.sub.answer(r, s)) {
        Some(Stored::Text(t)) => Some(t),
        _ => None,
    };
    match name {
        Some(n) => format!("{label} ({n})"),
        None => label,
    }
}

fn is_percent(t: &Ty) -> bool {
    matches!(t, Ty::Percent)
}

/// A value for people; percents (or numbers compared with percents) as `85%`.
fn show(v: &V<'_>, ty: &Ty, cx: &Ctx<'_>, as_percent: Option<bool>) -> String {
    let pct = as_percent.unwrap_or(is_percent(ty));
    match v {
        V::Bool(b) => b.to_string(),
        V::Num(n) if pct => format!(
            "{}%",
            n.times(Num::int(100))
                .map(|x| x.display(2))
                .unwrap_or_default()
        ),
        V::Num(n) => n.display(2),
        V::Date(d) => d.to_string(),
        V::Dur(d) => d.to_string(),
        V::Text(t) => format!("\"{t}\""),
        V::Enum(i) => enum_name(ty, *i, cx),
        V::Rec(r) => record_label(cx, r, None),
        V::List(l) => format!("{} entries", l.len()),
        V::Values(vs) => format!(
            "[{}]",
            vs.iter()
                .map(|x| show(x, &Ty::Error, cx, None))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        V::Unknown(_) => "not answered".to_string(),
    }
}

fn enum_name(ty: &Ty, i: u32, cx: &Ctx<'_>) -> String {
    match ty {
        Ty::Enum(e) => cx
            .spec
            .schema
            .enums
            .get(*e)
            .and_then(|d| d.variants.get(i as usize))
            .cloned()
            .unwrap_or_else(|| i.to_string()),
        _ => i.to_string(),
    }
}

/// A gap for people: two decimals, more when that would show a non-zero gap as 0.
fn fine(n: Num) -> String {
    let s = n.display(2);
    if (s == "0" || s == "-0") && n != Num::ZERO {
        n.display(6)
    } else {
        s
    }
}

fn num_json(n: Num) -> Json {
    if let Some(i) = n.to_integer().and_then(|i| i64::try_from(i).ok()) {
        return Json::from(i);
    }
    serde_json::Number::from_f64(n.to_f64()).map_or(Json::Null, Json::Number)
}

fn json_of(v: &V<'_>, ty: &Ty, cx: &Ctx<'_>) -> Option<Json> {
    json_as(v, ty, cx, is_percent(ty))
}

fn json_as(v: &V<'_>, ty: &Ty, cx: &Ctx<'_>, pct: bool) -> Option<Json> {
    Some(match v {
        V::Bool(b) => Json::Bool(*b),
        V::Num(n) if pct => num_json(n.times(Num::int(100)).ok()?),
        V::Num(n) => num_json(*n),
        V::Date(d) => Json::String(d.to_string()),
        V::Dur(d) => Json::String(d.to_string()),
        V::Text(t) => Json::String((*t).to_string()),
        V::Enum(i) => Json::String(enum_name(ty, *i, cx)),
        V::Unknown(_) => return None,
        _ => return None,
    })
}

fn is_literal(n: &Node) -> bool {
    matches!(
        n.kind,
        NodeKind::Const(
            Const::Num(_) | Const::Date(_) | Const::Bool(_) | Const::Text(_) | Const::Enum(_)
        )
    )
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the pieces of a comparison"
)]
fn comparison<'a>(
    cx: &Ctx<'a>,
    op: Cmp,
    a: &'a Node,
    b: &'a Node,
    va: &V<'a>,
    vb: &V<'a>,
    held: bool,
    element: Option<&str>,
    mode: Mode,
) -> Check {
    let pct = is_percent(&a.ty) || is_percent(&b.ty);
    let ty = if matches!(a.ty, Ty::Enum(_)) {
        &a.ty
    } else {
        &b.ty
    };
    let left_s = show(va, ty, cx, Some(pct));
    let right_s = show(vb, ty, cx, Some(pct));
    let lhs = cx.text(a);
    // the distance to passing, for ordered numeric and date checks
    // whole numbers must pass a strict bound by at least one
    let whole = matches!(a.ty, Ty::Int) && matches!(b.ty, Ty::Int);
    let step = if whole && matches!(op, Cmp::Gt | Cmp::Lt) {
        Num::ONE
    } else {
        Num::ZERO
    };
    let (gap, gap_text) = match (va, vb) {
        (V::Num(x), V::Num(y)) if !held && mode == Mode::Rule => {
            let d = match op {
                Cmp::Ge | Cmp::Gt => y.minus(*x).and_then(|d| d.plus(step)).ok(),
                Cmp::Le | Cmp::Lt => x.minus(*y).and_then(|d| d.plus(step)).ok(),
                Cmp::Eq => x.minus(*y).ok().and_then(|d| d.abs().ok()),
                Cmp::Ne => None,
            };
            // a non-whole value exactly at a strict bound has no meaningful gap
            let d = d.filter(|d| *d != Num::ZERO);
            match d {
                Some(d) => {
                    let shown = if pct {
                        let p = d.times(Num::int(100)).map(fine).unwrap_or_default();
                        let unit = if p == "1" {
                            "percentage point"
                        } else {
                            "percentage points"
                        };
                        format!("{p} {unit}")
                    } else {
                        fine(d)
                    };
                    (
                        if pct {
                            d.times(Num::int(100)).ok().map(num_json)
                        } else {
                            Some(num_json(d))
                        },
                        Some(shown),
                    )
                }
                None => (None, None),
            }
        }
        (V::Date(x), V::Date(y)) if !held && mode == Mode::Rule => {
            let days = x.days_until(*y).abs();
            (
                Some(Json::from(days)),
                Some(if days == 1 {
                    "1 day".to_string()
                } else {
                    format!("{days} days")
                }),
            )
        }
        _ => (None, None),
    };
    // "<lhs> is <left>, <phrase> <right>[ (<rhs>)][: <gap phrase>]", in one string
    let applicability = mode == Mode::Applicability;
    let phrase = match (op, held) {
        (Cmp::Ge, false) if applicability => "not at least ",
        (Cmp::Gt, false) if applicability => "not more than ",
        (Cmp::Le, false) if applicability => "not at most ",
        (Cmp::Lt, false) if applicability => "not below ",
        (Cmp::Eq, false) if applicability => "not ",
        (Cmp::Ne, false) if applicability => "equal to ",
        (Cmp::Ge, false) => "needs at least ",
        (Cmp::Gt, false) => "needs more than ",
        (Cmp::Le, false) => "must be at most ",
        (Cmp::Lt, false) => "must be below ",
        (Cmp::Eq, false) => "expected ",
        (Cmp::Ne, false) => "must not be ",
        (Cmp::Ge, true) => "at least ",
        (Cmp::Gt, true) => "more than ",
        (Cmp::Le, true) => "at most ",
        (Cmp::Lt, true) => "below ",
        (Cmp::Eq, true) => "as expected (",
        (Cmp::Ne, true) => "not ",
    };
    let mut message = String::with_capacity(lhs.len() * 2 + 64);
    message.push_str(lhs);
    message.push_str(" is ");
    message.push_str(&left_s);
    message.push_str(", ");
    message.push_str(phrase);
    message.push_str(&right_s);
    if !is_literal(b) {
        message.push_str(" (");
        message.push_str(cx.text(b));
        message.push(')');
    }
    if (op, held) == (Cmp::Eq, true) {
        message.push(')');
    }
    let dated = matches!(va, V::Date(_));
    if let Some(g) = gap_text {
        let lead = match op {
            Cmp::Ge | Cmp::Gt if dated => Some((": ", " earlier than needed")),
            Cmp::Le | Cmp::Lt if dated => Some((": ", " later than allowed")),
            Cmp::Ge | Cmp::Gt => Some((": short by ", "")),
            Cmp::Le | Cmp::Lt => Some((": over by ", "")),
            Cmp::Eq => Some((": off by ", "")),
            Cmp::Ne => None,
        };
        if let Some((before, after)) = lead {
            message.push_str(before);
            message.push_str(&g);
            message.push_str(after);
        }
    }
    Check {
        element: element.map(str::to_string),
        check: format!("{lhs} {} {}", op.as_str(), cx.text(b)),
        held,
        left: json_as(va, ty, cx, pct),
        right: json_as(vb, ty, cx, pct),
        gap,
        message,
    }
}
