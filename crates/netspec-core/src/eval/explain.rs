//! Explanations: a rule and the value it had → the checks that made it so
//! ([`Check`]), in the respondent's words, and what it would take to pass
//! ([`ToPass`]).
//!
//! [`explain`] walks a rule towards its value and collects the leaf checks
//! responsible: for `a and b` that failed, the conjuncts that failed; for
//! `all u in units: …`, every failing unit; for a comparison, both values,
//! the gap and the smallest change to one answer that makes it hold. That
//! change is worked out exactly (the check read as a linear function of one
//! answer, solved with exact rationals, kept within the answer's bounds) and
//! then tried by evaluating the check again with it, and with one less; for
//! a check that is exactly its linear form with small parts, what those two
//! evaluations would find (and the work they would count) is worked out
//! from the form instead ([`solved`]).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value as Json;

use super::{Ctx, Trial, V};
use crate::calendar::{Date, Duration, DurationUnit};
use crate::ir::{
    AggFn, Arith, Bound, Cmp, Const, FieldDef, FieldKind, Node, NodeKind, RecordId, ScalarTy, Ty,
};
use crate::number::Num;
use crate::submission::{Record, Stored};
use crate::vocab::Quant;

/// Most checks listed for one requirement.
pub(crate) const MAX_CHECKS: usize = 50;

/// Most values of an `in` list, or arguments of a call, quoted in a message.
const MAX_LISTED: usize = 20;

/// Most answers tried when looking for one to change.
const MAX_CANDIDATES: usize = 8;

/// One check behind an outcome.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Check {
    /// The list element it concerns, e.g. `units[1] (B)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub element: Option<String>,
    /// The list element in words, numbered from 1 and named by the spec's
    /// `item` noun: `unit 2, St Anne's ICU`; null when the check concerns
    /// no element.
    pub element_name: Option<String>,
    /// The condition as written in the spec (for authors; `message` is for
    /// providers).
    pub check: String,
    /// Whether the check held.
    pub held: bool,
    /// False for the condition of an `implies` that does not hold for this
    /// element: the check is out of scope there, never a shortfall. Left
    /// out when true.
    #[serde(skip_serializing_if = "is_true", default = "yes")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub in_scope: bool,
    /// Left-hand value (percents in percent points, dates as `YYYY-MM-DD`,
    /// enum values by name).
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "present"
    )]
    #[cfg_attr(
        feature = "ts",
        ts(optional, type = "number | string | boolean | null")
    )]
    pub left: Option<Json>,
    /// Right-hand value.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "present"
    )]
    #[cfg_attr(
        feature = "ts",
        ts(optional, type = "number | string | boolean | null")
    )]
    pub right: Option<Json>,
    /// How far the left value is from passing (percent points for percents, days for dates).
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "present"
    )]
    #[cfg_attr(
        feature = "ts",
        ts(optional, type = "number | string | boolean | null")
    )]
    pub gap: Option<Json>,
    /// The check in words, with the questions' short labels and the
    /// answers' units.
    pub message: String,
    /// For a failed check: the smallest change to one answer that makes it
    /// hold (left out when empty).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub to_pass: Vec<ToPass>,
}

fn yes() -> bool {
    true
}

/// A value that is there, `null` included (absent is `None`, by `default`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Json>, D::Error> {
    <Json as serde::Deserialize>::deserialize(d).map(Some)
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The smallest change to one answer that would make a failed check hold
/// ("what it would take"). For a check that reads several answers it is the
/// change to the numerator (or the first answer); it never breaks a
/// declared `min`/`max`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ToPass {
    /// JSON pointer of the answer to change (`/units/1/shifts_with_coordinator`);
    /// null when the answer is a total over a list (no one question holds it).
    pub path: Option<String>,
    /// The question's text.
    pub question: String,
    /// The question's short label (`Shifts with a supernumerary coordinator`).
    pub label: String,
    /// The answer now (numbers as numbers, percents in percent points, dates
    /// as `YYYY-MM-DD`, yes/no as a boolean).
    #[cfg_attr(feature = "ts", ts(type = "number | string | boolean"))]
    pub from: Json,
    /// The answer that would make the check hold.
    #[cfg_attr(feature = "ts", ts(type = "number | string | boolean"))]
    pub to: Json,
    /// `to - from` in the answer's unit (days for dates); null for a yes/no
    /// answer.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub change: Json,
    /// The answer's unit (`shifts`; `days` for dates), or null when it
    /// declares none.
    pub unit: Option<String>,
    /// The change in words: `40 more shifts with a supernumerary coordinator`.
    pub message: String,
}

/// Explains why `node` evaluated to `target`.
pub fn explain<'a>(cx: &mut Ctx<'a>, node: &'a Node, target: bool) -> Vec<Check> {
    explain_as(cx, node, target, Mode::Rule)
}

/// Explains why an `applies when` condition was false: the same checks in
/// neutral words, each read as not applicable, with no gap (nothing is
/// "short" of applying).
pub fn explain_applicability<'a>(cx: &mut Ctx<'a>, node: &'a Node) -> Vec<Check> {
    explain_as(cx, node, false, Mode::Applicability)
}

/// What an explanation is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The rule: failed checks are shortfalls.
    Rule,
    /// An `applies when` that was false.
    Applicability,
    /// The condition of an `implies` that was false: out of scope.
    OutOfScope,
}

impl Mode {
    fn prefix(self) -> &'static str {
        match self {
            Mode::Rule => "",
            Mode::Applicability => "Not applicable: ",
            Mode::OutOfScope => "Out of scope: ",
        }
    }
}

/// Where a check is: the element labels.
#[derive(Clone, Default)]
struct Here {
    element: Option<String>,
    name: Option<String>,
}

/// Gives the checks just found for one element of a quantifier (`found`)
/// the element's labels, `here`: those made without labels (both `None`,
/// by [`comparison`] and [`leaf`]). A check of an inner quantifier with
/// both `None` has them from an element of this one with both `None` too,
/// so labelling it again changes nothing. The last one takes the labels,
/// the others get copies.
fn give_labels(found: &mut [Check], here: Here) {
    let unlabelled = |c: &Check| c.element.is_none() && c.element_name.is_none();
    let Some(last) = found.iter().rposition(unlabelled) else {
        return;
    };
    let (others, rest) = found.split_at_mut(last);
    for c in others.iter_mut().filter(|c| unlabelled(c)) {
        c.element.clone_from(&here.element);
        c.element_name.clone_from(&here.name);
    }
    if let Some(c) = rest.first_mut() {
        c.element = here.element;
        c.element_name = here.name;
    }
}

fn explain_as<'a>(cx: &mut Ctx<'a>, node: &'a Node, target: bool, mode: Mode) -> Vec<Check> {
    let mut out = Vec::new();
    // a check outside a quantifier concerns no element: no labels
    walk(cx, node, target, &Here::default(), mode, &mut out);
    let extra = out.len().saturating_sub(MAX_CHECKS);
    if extra > 0 {
        out.truncate(MAX_CHECKS);
        out.push(Check {
            element: None,
            element_name: None,
            check: String::new(),
            held: target,
            in_scope: true,
            left: None,
            right: None,
            gap: None,
            // the walk stops past the limit, so how many more is not known
            message: format!("… and more: the first {MAX_CHECKS} checks are shown"),
            to_pass: Vec::new(),
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
    here: &Here,
    mode: Mode,
    out: &mut Vec<Check>,
) {
    if out.len() > MAX_CHECKS {
        return;
    }
    match &n.kind {
        NodeKind::Not(x) => walk(cx, x, !target, here, mode, out),
        NodeKind::And(a, b) | NodeKind::Or(a, b) => {
            let conj = matches!(n.kind, NodeKind::And(..));
            // `and` lists every side that had its value (all that failed, or all
            // that held); `or` that held needs only the first side that held
            let every = conj || !target;
            let mut done = false;
            for side in [a, b] {
                let v = cx.eval(side);
                if is(&v, target) && (every || !done) {
                    walk(cx, side, target, here, mode, out);
                    done = true;
                }
            }
        }
        NodeKind::Implies(a, b) => {
            let va = cx.eval(a);
            if target {
                if is(&va, false) {
                    // the condition does not hold here: out of scope, not a shortfall
                    let m = if mode == Mode::Rule {
                        Mode::OutOfScope
                    } else {
                        mode
                    };
                    walk(cx, a, false, here, m, out);
                } else {
                    walk(cx, b, true, here, mode, out);
                }
            } else {
                walk(cx, a, true, here, mode, out);
                walk(cx, b, false, here, mode, out);
            }
        }
        NodeKind::If(c, a, b) => match cx.eval(c) {
            V::Bool(true) => walk(cx, a, target, here, mode, out),
            V::Bool(false) => walk(cx, b, target, here, mode, out),
            _ => {}
        },
        NodeKind::Let(i) => {
            if let Some(def) = cx.spec.lets.get(*i) {
                walk(cx, &def.value, target, here, mode, out);
            }
        }
        NodeKind::Quantifier(q, list, body) => {
            quantifier(cx, n, *q, list, body, target, here, mode, out)
        }
        NodeKind::Compare(op, a, b) => {
            let (va, vb) = (cx.eval(a), cx.eval(b));
            let c = comparison(cx, n, *op, a, b, &va, &vb, target, here, mode);
            out.push(c);
        }
        _ => {
            let c = leaf(cx, n, target, mode);
            out.push(c);
        }
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the pieces of a quantifier"
)]
fn quantifier<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    q: Quant,
    list: &'a Node,
    body: &'a Node,
    target: bool,
    here: &Here,
    mode: Mode,
    out: &mut Vec<Check>,
) {
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
    let single = (q == Quant::All) != target;
    if elems.is_empty() {
        let what = list_label(cx, list);
        out.push(Check {
            element: here.element.clone(),
            element_name: here.name.clone(),
            check: cx.text(n).to_string(),
            held: target,
            in_scope: mode != Mode::OutOfScope,
            left: Some(Json::from(0)),
            right: None,
            gap: None,
            message: format!("{}{what}: no entries", mode.prefix()),
            to_pass: Vec::new(),
        });
        return;
    }
    // `applies when any u in units: u.beds > 6` false: one line for all of them
    if q == Quant::Any && !target && mode == Mode::Applicability {
        if let Some(c) = none_has(cx, n, list, body, here) {
            out.push(c);
            return;
        }
    }
    // a checklist's items are named by their text
    let items = checklist_item_names(cx, list);
    // what an element is called, made for the first element explained
    let mut noun: Option<Cow<'_, str>> = None;
    for (index, e) in elems.into_iter().enumerate() {
        if cx.exhausted() {
            break;
        }
        let this = e.clone();
        cx.push(e);
        let v = cx.eval(body);
        if is(&v, target) {
            // the element's labels are made only for the elements explained
            let inner = match items.as_ref().and_then(|names| names.get(index)) {
                Some(item) => {
                    let within = |outer: Option<&str>| {
                        Some(match outer {
                            Some(o) => concat(&[o, " › ", item]),
                            None => item.clone(),
                        })
                    };
                    Here {
                        element: within(here.element.as_deref()),
                        name: within(here.name.as_deref()),
                    }
                }
                None => Here {
                    element: element_label(cx, &this, rid, &elem_ty, here.element.as_deref()),
                    name: {
                        let noun: &str = noun.get_or_insert_with(|| item_noun(cx, list));
                        element_name(cx, &this, index, noun, list, &elem_ty, here.name.as_deref())
                    },
                },
            };
            let start = out.len();
            walk(cx, body, target, &inner, mode, out);
            if let Some(found) = out.get_mut(start..) {
                give_labels(found, inner);
            }
            if single && q == Quant::Any {
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

/// `Not applicable: no unit has more than 6 beds`, for an `any` over list
/// elements compared with a literal.
fn none_has<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    list: &'a Node,
    body: &'a Node,
    here: &Here,
) -> Option<Check> {
    let NodeKind::Compare(op, a, b) = &body.kind else {
        return None;
    };
    let NodeKind::Field(base, slot) = &a.kind else {
        return None;
    };
    if !matches!(base.kind, NodeKind::Var(0)) || !is_literal(b) {
        return None;
    }
    let Ty::Record(rid) = base.ty else {
        return None;
    };
    let f = field_def(cx, rid, *slot)?;
    let vb = cx.eval(b);
    let shown = show(&vb, &a.ty, cx, Some(is_percent(&a.ty) || is_percent(&b.ty)));
    let dated = matches!(vb, V::Date(_));
    let phrase = phrase(*op, true, Mode::Rule, dated);
    let noun = item_noun(cx, list);
    let what = match &f.unit {
        Some(u) => format!("{phrase} {shown} {u}"),
        None => format!("{} {phrase} {shown}", lower_first(&field_label(f))),
    };
    Some(Check {
        element: here.element.clone(),
        element_name: here.name.clone(),
        check: cx.text(n).to_string(),
        held: false,
        in_scope: true,
        left: None,
        right: json_of(&vb, &b.ty, cx),
        gap: None,
        message: format!("Not applicable: no {noun} has {what}"),
        to_pass: Vec::new(),
    })
}

/// A check that is not a comparison: a yes/no answer, `present`, `in`, `within`.
fn leaf<'a>(cx: &mut Ctx<'a>, n: &'a Node, target: bool, mode: Mode) -> Check {
    let v = cx.eval(n);
    let text = cx.text(n).to_string();
    let prefix = mode.prefix();
    let mut to_pass = Vec::new();
    let mut note = String::new();
    let message = match &n.kind {
        NodeKind::Present(x) => {
            let what = describe(cx, x);
            match (target, mode) {
                (true, _) => format!("{prefix}{what}: answered"),
                (false, Mode::Rule) => format!("{what}: not answered; needs an answer"),
                (false, _) => format!("{prefix}{what}: not answered"),
            }
        }
        NodeKind::Within(d, dur) => {
            let (m, tp, nt) = within_message(cx, n, d, dur, target, mode);
            if let Some(t) = tp {
                to_pass.push(t);
            }
            note = nt;
            m
        }
        NodeKind::In(neg, x, items) => {
            let vx = cx.eval(x);
            let sx = show(&vx, &x.ty, cx, None);
            // a long list is quoted by its first values
            let mut allowed: Vec<String> = items
                .iter()
                .take(MAX_LISTED)
                .map(|i| {
                    let vi = cx.eval(i);
                    show(&vi, &x.ty, cx, None)
                })
                .collect();
            if items.len() > MAX_LISTED {
                allowed.push(format!("… and {} more", items.len() - MAX_LISTED));
            }
            let allowed = allowed.join(", ");
            // `in` held, or `not in` failed: the value is one of them
            let one_of = target != *neg;
            let phrase = match (mode, target, one_of) {
                (Mode::Rule, false, false) => "needs one of",
                (Mode::Rule, false, true) => "needs none of",
                (_, _, true) => "one of",
                (_, _, false) => "not one of",
            };
            format!("{prefix}{}: {sx}; {phrase} {allowed}", describe(cx, x))
        }
        _ => {
            let what = describe(cx, n);
            match (&n.ty, &v) {
                (Ty::Bool, V::Bool(b)) => {
                    let now = yes_no(*b);
                    if mode == Mode::Rule && !target {
                        to_pass.extend(bool_change(cx, n, *b));
                        concat(&[&what, ": ", now, "; needs ", yes_no(!*b)])
                    } else {
                        concat(&[prefix, &what, ": ", now])
                    }
                }
                _ => {
                    let mut m = concat(&[prefix, &what, ": "]);
                    show_into(&mut m, &v, &n.ty, cx, None);
                    m
                }
            }
        }
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
                (V::Dur(du), Some(today)) => today.minus(du).map(|s| Json::String(s.to_string())),
                _ => None,
            };
            (json_of(&vd, &d.ty, cx), start)
        }
        _ => (json_of(&v, &n.ty, cx), None),
    };
    Check {
        // the element's labels are given by the quantifier ([`give_labels`])
        element: None,
        element_name: None,
        check: text,
        held: target,
        in_scope: mode != Mode::OutOfScope,
        left,
        right,
        gap: None,
        message: message + &note,
        to_pass,
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// The message of a `within`, and for one that failed, the date that passes.
fn within_message<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    d: &'a Node,
    dur: &'a Node,
    target: bool,
    mode: Mode,
) -> (String, Option<ToPass>, String) {
    use std::fmt::Write as _;
    let vd = cx.eval(d);
    let vdur = cx.eval(dur);
    let what = describe(cx, d);
    let prefix = mode.prefix();
    // "<prefix><what>: <date>[; …]", in one string
    let mut message = String::with_capacity(prefix.len() + what.len() + 96);
    message.push_str(prefix);
    message.push_str(&what);
    message.push_str(": ");
    show_into(&mut message, &vd, &d.ty, cx, None);
    let (V::Dur(duration), Some(today)) = (vdur, cx.date) else {
        return (message, None, String::new());
    };
    let Some(start) = today.minus(duration) else {
        return (message, None, String::new());
    };
    if target {
        let _ = write!(message, "; within {duration} of {today}");
        return (message, None, String::new());
    }
    let late = matches!(vd, V::Date(x) if x > today);
    if mode != Mode::Rule {
        let _ = write!(message, "; not within {duration} of {today}");
        return (message, None, String::new());
    }
    // a rule (no prefix): what it needs
    let _ = if late {
        write!(message, "; needs a date on or before {today}")
    } else {
        write!(message, "; needs a date on or after {start}")
    };
    let _ = write!(message, " (within {duration} of {today})");
    let V::Date(from) = vd else {
        return (message, None, String::new());
    };
    let to = if late { today } else { start };
    let (tp, note) = date_change(cx, n, d, from, to, true);
    (message, tp, note)
}

/// For a failed yes/no answer: the other answer, when it makes the check hold.
fn bool_change<'a>(cx: &mut Ctx<'a>, n: &'a Node, now: bool) -> Option<ToPass> {
    let ans = answer_at(cx, n)?;
    let rec = ans.rec?;
    let trial = Trial::Answer(*rec, ans.slot, V::Bool(!now));
    if !try_passes(cx, n, trial, (ans.rid, ans.slot)) {
        return None;
    }
    let label = label(cx, ans.rid, ans.slot, ans.field);
    Some(ToPass {
        path: Some(answer_pointer(cx, rec, ans.field)),
        question: ans.field.question.clone(),
        message: concat(&[&label, ": ", yes_no(!now)]),
        label: label.into_owned(),
        from: Json::Bool(now),
        to: Json::Bool(!now),
        change: Json::Null,
        unit: None,
    })
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
                    concat(&[o, " › ", last])
                }
                None => own,
            })
        }
        V::Unknown(_) => outer.map(str::to_string),
        other => {
            let s = show(other, ty, cx, None);
            Some(match outer {
                Some(o) => concat(&[o, ", ", &s]),
                None => s,
            })
        }
    }
}

/// Names the element a quantifier is at for people: `unit 2, St Anne's ICU`
/// (the list's `item` noun, the position from 1, the first text field).
fn element_name(
    cx: &Ctx<'_>,
    e: &V<'_>,
    index: usize,
    noun: &str,
    list: &Node,
    ty: &Ty,
    outer: Option<&str>,
) -> Option<String> {
    let own = match e {
        V::Rec(r) => {
            use std::fmt::Write as _;
            let number = index.saturating_add(1);
            let slot = match list.ty {
                Ty::List(rid) => cx.spec.schema.records.get(rid).and_then(|rs| rs.label_slot),
                _ => None,
            };
            let text = match slot.and_then(|s| cx.sub.answer(r, s)) {
                Some(Stored::Text(t)) => Some(t),
                _ => None,
            };
            let mut s = String::with_capacity(noun.len() + 24 + text.map_or(0, |t| t.len()));
            s.push_str(noun);
            let _ = write!(s, " {number}");
            if let Some(t) = text {
                s.push_str(", ");
                s.push_str(t);
            }
            s
        }
        V::Unknown(_) => return outer.map(str::to_string),
        other => show(other, ty, cx, None),
    };
    Some(match outer {
        Some(o) => concat(&[o, " › ", &own]),
        None => own,
    })
}

/// `/units/1/beds/0` → `units[1].beds[0]`, with the record's name field.
pub fn record_label(cx: &Ctx<'_>, r: &Record, rid: Option<RecordId>) -> String {
    let pointer = cx.sub.pointer(r);
    let mut label = String::with_capacity(pointer.len() + 24);
    for seg in pointer.split('/').filter(|s| !s.is_empty()) {
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            label.push('[');
            label.push_str(seg);
            label.push(']');
        } else {
            if !label.is_empty() {
                label.push('.');
            }
            if seg.contains('~') {
                label.push_str(&seg.replace("~1", "/").replace("~0", "~"));
            } else {
                label.push_str(seg);
            }
        }
    }
    let slot = rid
        .and_then(|id| cx.spec.schema.records.get(id))
        .and_then(|rs| rs.label_slot);
    let name = match slot.and_then(|s| cx.sub.answer(r, s)) {
        Some(Stored::Text(t)) => Some(t),
        _ => None,
    };
    if let Some(n) = name {
        label.push_str(" (");
        label.push_str(n);
        label.push(')');
    }
    label
}

// ------------------------------------------------------------------ labels

fn field_def<'s>(cx: &Ctx<'s>, rid: RecordId, slot: usize) -> Option<&'s FieldDef> {
    cx.spec.schema.records.get(rid)?.fields.get(slot)
}

/// The declaration of the input a list expression reads, if it is one.
fn list_field<'s>(cx: &Ctx<'s>, list: &Node) -> Option<&'s FieldDef> {
    list_input(cx, list).map(|(_, _, f)| f)
}

/// The input a list expression reads, if it is one: record, slot, declaration.
fn list_input<'s>(cx: &Ctx<'s>, list: &Node) -> Option<(RecordId, usize, &'s FieldDef)> {
    let (rid, slot) = match &list.kind {
        NodeKind::Input(slot) => (0, *slot),
        NodeKind::Field(base, slot) => match base.ty {
            Ty::Record(rid) => (rid, *slot),
            _ => return None,
        },
        _ => return None,
    };
    Some((rid, slot, field_def(cx, rid, slot)?))
}

/// What one element of a list is called: its `item` noun, else the list's
/// name made singular ([`singular`]).
fn item_noun<'a>(cx: &Ctx<'a>, list: &Node) -> Cow<'a, str> {
    match list_field(cx, list) {
        Some(f) => match &f.item {
            Some(item) => Cow::Borrowed(item),
            None => Cow::Owned(singular(&f.name)),
        },
        None => Cow::Borrowed("item"),
    }
}

/// A list's name made singular, simply: `_` as spaces; `…ies` → `…y`;
/// `…sses`, `…shes`, `…ches`, `…xes` lose `es`; another `…s` (not `…ss`)
/// loses `s`; a name that does not end in `s` gives `item`.
pub fn singular(name: &str) -> String {
    let n = name.replace('_', " ");
    if let Some(stem) = n.strip_suffix("ies") {
        if !stem.is_empty() {
            return format!("{stem}y");
        }
    }
    for end in ["sses", "shes", "ches", "xes"] {
        if n.ends_with(end) {
            if let Some(stem) = n.strip_suffix("es") {
                return stem.to_string();
            }
        }
    }
    if !n.ends_with("ss") {
        if let Some(stem) = n.strip_suffix('s') {
            if !stem.is_empty() {
                return stem.to_string();
            }
        }
    }
    "item".to_string()
}

/// An input's short label: its `label`; else its question when that is a
/// short phrase (no `?`, at most 60 characters); else its name with `_` read
/// as spaces and a capital first letter (`shifts_total` → `Shifts total`).
pub fn field_label(f: &FieldDef) -> String {
    label_of(f).into_owned()
}

/// Every input's short label ([`field_label`]), per record and slot, made
/// once per spec ([`super::fast::FastSpec::labels`]) for explanations to
/// borrow.
pub fn field_labels(schema: &crate::ir::Schema) -> Vec<Vec<String>> {
    schema
        .records
        .iter()
        .map(|r| r.fields.iter().map(field_label).collect())
        .collect()
}

/// The short label of `f`, the input in `slot` of record `rid`: from the
/// spec's table when it has one, else made here.
fn label<'a>(cx: &Ctx<'a>, rid: RecordId, slot: usize, f: &'a FieldDef) -> Cow<'a, str> {
    let labels: &'a [Vec<String>] = &cx.fast.labels;
    match labels.get(rid).and_then(|r| r.get(slot)) {
        Some(l) => Cow::Borrowed(l),
        None => label_of(f),
    }
}

/// [`field_label`], borrowed from the spec unless made from the name.
fn label_of(f: &FieldDef) -> Cow<'_, str> {
    if let Some(l) = &f.label {
        return Cow::Borrowed(l);
    }
    let q = f.question.trim();
    // at most 60 bytes is at most 60 characters
    if !q.is_empty() && !q.ends_with('?') && (q.len() <= 60 || q.chars().count() <= 60) {
        return Cow::Borrowed(q);
    }
    Cow::Owned(humanise_name(&f.name))
}

/// `shifts_total` → `Shifts total`: `_` read as spaces, the ends trimmed,
/// the first letter a capital (`_spare_beds` → `Spare beds`).
fn humanise_name(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let words = spaced.trim();
    let mut c = words.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `Shifts with a coordinator` → `shifts with a coordinator`; an acronym
/// or code (`ICNARC months`, `L3 beds`) keeps its capitals. A first letter
/// is lowered when it has a lower case of its own: a capital, or a
/// titlecase letter such as `ǅ`.
fn lower_first(s: &str) -> Cow<'_, str> {
    if lowered_first(s).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    push_lower_first(&mut out, s);
    Cow::Owned(out)
}

/// Appends [`lower_first`]`(s)`, without a string made on the way.
fn push_lower_first(out: &mut String, s: &str) {
    match lowered_first(s) {
        Some(a) => {
            out.extend(a.to_lowercase());
            out.push_str(s.get(a.len_utf8()..).unwrap_or_default());
        }
        None => out.push_str(s),
    }
}

/// The first letter of `s` when [`lower_first`] lowers it: not before
/// another capital or a digit, and with a lower case of its own.
fn lowered_first(s: &str) -> Option<char> {
    let mut c = s.chars();
    let a = c.next()?;
    if c.next()
        .is_some_and(|b| b.is_uppercase() || b.is_ascii_digit())
    {
        return None;
    }
    (!a.to_lowercase().eq([a])).then_some(a)
}

/// The pieces joined, in a string allocated once.
fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// A list's label: its input's label, else its text.
fn list_label<'a>(cx: &Ctx<'a>, list: &Node) -> Cow<'a, str> {
    match list_input(cx, list) {
        Some((rid, slot, f)) => label(cx, rid, slot, f),
        None => Cow::Borrowed(cx.text(list)),
    }
}

/// An expression for people: an answer's label, a total's label, a
/// definition's name, arithmetic and calls over those (`12 × Daytime
/// consultants`), or failing those the text as written.
fn describe<'a>(cx: &mut Ctx<'a>, n: &Node) -> Cow<'a, str> {
    let spec: &'a crate::ir::CompiledSpec = cx.spec;
    match &n.kind {
        NodeKind::Input(slot) => field_def(cx, 0, *slot).map(|f| label(cx, 0, *slot, f)),
        NodeKind::Field(base, slot) => match base.ty {
            Ty::Record(rid) => field_def(cx, rid, *slot).map(|f| label(cx, rid, *slot, f)),
            _ => None,
        },
        NodeKind::Aggregate(AggFn::Sum, list, body, None) => summed_field(cx, list, body)
            .map(|(rid, slot, f)| Cow::Owned(concat(&[&label(cx, rid, slot, f), " (total)"]))),
        NodeKind::Let(i) => spec.lets.get(*i).map(|d| {
            Cow::Owned(match &d.value.kind {
                NodeKind::Aggregate(AggFn::Sum, list, body, None) => summed_field(cx, list, body)
                    .map_or_else(
                        || humanise_name(&d.name),
                        |(rid, slot, f)| concat(&[&label(cx, rid, slot, f), " (total)"]),
                    ),
                _ => humanise_name(&d.name),
            })
        }),
        NodeKind::Arith(op, x, y) => {
            let prec = |o: &Arith| match o {
                Arith::Add | Arith::Sub => 1,
                Arith::Mul | Arith::Div => 2,
            };
            let p = prec(op);
            // a side in brackets when it binds more loosely (or as loosely, on the right of - and /)
            let side = |cx: &mut Ctx<'a>, s: &Node, right: bool| {
                let w = describe(cx, s);
                match &s.kind {
                    NodeKind::Arith(o, ..)
                        if prec(o) < p
                            || (right && prec(o) == p && matches!(op, Arith::Sub | Arith::Div)) =>
                    {
                        Cow::Owned(concat(&["(", &w, ")"]))
                    }
                    _ => w,
                }
            };
            let l = side(cx, x, false);
            let r = side(cx, y, true);
            let o = match op {
                Arith::Add => "+",
                Arith::Sub => "-",
                Arith::Mul => "×",
                Arith::Div => "/",
            };
            Some(Cow::Owned(concat(&[&l, " ", o, " ", &r])))
        }
        NodeKind::AssessmentDate => Some(Cow::Borrowed("the assessment date")),
        // `within next` compares with the assessment date shifted by the duration
        NodeKind::DateShift(minus, d, dur) if matches!(d.kind, NodeKind::AssessmentDate) => {
            let sign = if *minus { " - " } else { " + " };
            Some(Cow::Owned(concat(&[
                "the assessment date",
                sign,
                cx.text(dur),
            ])))
        }
        NodeKind::Aggregate(f @ (AggFn::Mean | AggFn::Min | AggFn::Max), list, body, None) => {
            let which = match f {
                AggFn::Mean => "mean",
                AggFn::Min => "lowest",
                _ => "highest",
            };
            summed_field(cx, list, body).map(|(rid, slot, fd)| {
                Cow::Owned(concat(&[&label(cx, rid, slot, fd), " (", which, ")"]))
            })
        }
        NodeKind::Count(list, None) => Some(Cow::Owned(concat(&[
            "Number of ",
            &lower_first(&list_label(cx, list)),
        ]))),
        NodeKind::Call(_, args) => {
            let name = cx
                .text(n)
                .split('(')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            let mut words: Vec<Cow<'_, str>> = args
                .iter()
                .take(MAX_LISTED)
                .map(|a| describe(cx, a))
                .collect();
            if args.len() > MAX_LISTED {
                words.push(Cow::Owned(format!(
                    "… and {} more",
                    args.len() - MAX_LISTED
                )));
            }
            Some(Cow::Owned(format!("{name}({})", words.join(", "))))
        }
        _ => None,
    }
    .unwrap_or_else(|| Cow::Borrowed(cx.text(n)))
}

/// For `sum(u.x for u in L)` (or `mean`, `min`, `max`): the element
/// record, the slot and field of `x`.
fn summed_field<'s>(
    cx: &Ctx<'s>,
    list: &Node,
    body: &Node,
) -> Option<(RecordId, usize, &'s FieldDef)> {
    let NodeKind::Field(base, slot) = &body.kind else {
        return None;
    };
    if !matches!(base.kind, NodeKind::Var(0)) {
        return None;
    }
    let Ty::List(rid) = list.ty else { return None };
    field_def(cx, rid, *slot).map(|f| (rid, *slot, f))
}

fn is_percent(t: &Ty) -> bool {
    matches!(t, Ty::Percent)
}

/// A value for people; percents (or numbers compared with percents) as
/// `85%`, enum values by their label, else in words (`intensive_care` →
/// `intensive care`).
fn show(v: &V<'_>, ty: &Ty, cx: &Ctx<'_>, as_percent: Option<bool>) -> String {
    match v {
        // a value that is not 0 never shows as 0
        V::Bool(_) | V::Num(_) | V::Date(_) => {
            let mut s = String::new();
            show_into(&mut s, v, ty, cx, as_percent);
            s
        }
        V::Dur(d) => d.to_string(),
        V::Text(t) => format!("\"{t}\""),
        // the value's declared label (`enum(a "A", …)`), else its name in words
        V::Enum(i) => match ty {
            Ty::Enum(e) => cx
                .spec
                .schema
                .enums
                .get(*e)
                .and_then(|d| d.labels.get(*i as usize))
                .and_then(|l| l.clone())
                .unwrap_or_else(|| enum_name(ty, *i, cx).replace('_', " ")),
            _ => enum_name(ty, *i, cx).replace('_', " "),
        },
        V::Rec(r) => record_label(cx, r, None),
        V::List(l) => format!("{} entries", l.len()),
        V::Values(vs) => {
            let mut shown: Vec<String> = vs
                .iter()
                .take(MAX_LISTED)
                .map(|x| show(x, &Ty::Error, cx, None))
                .collect();
            if vs.len() > MAX_LISTED {
                shown.push(format!("… and {} more", vs.len() - MAX_LISTED));
            }
            format!("[{}]", shown.join(", "))
        }
        V::Unknown(_) => "not answered".to_string(),
    }
}

fn enum_name(ty: &Ty, i: u32, cx: &Ctx<'_>) -> String {
    match ty {
        Ty::Enum(e) => cx
            .spec
            .schema
            .enum_value_name(*e, i)
            .map_or_else(|| i.to_string(), str::to_string),
        _ => i.to_string(),
    }
}

/// Appends a gap for people: two decimals, more when that would show a
/// non-zero gap as 0.
fn fine_into(out: &mut String, n: Num) {
    let start = out.len();
    for places in [2, 6, 12, 24, 38] {
        out.truncate(start);
        n.push_display(places, out);
        let s = out.get(start..).unwrap_or_default();
        if !((s == "0" || s == "-0") && n != Num::ZERO) {
            break;
        }
    }
}

/// Appends [`show`]`(v, …)`: for yes/no, numbers and dates without a
/// string made on the way.
fn show_into(out: &mut String, v: &V<'_>, ty: &Ty, cx: &Ctx<'_>, as_percent: Option<bool>) {
    let pct = as_percent.unwrap_or(is_percent(ty));
    match v {
        V::Bool(b) => out.push_str(yes_no(*b)),
        V::Num(n) if pct => {
            if let Ok(x) = n.times(Num::int(100)) {
                fine_into(out, x);
            }
            out.push('%');
        }
        V::Num(n) => fine_into(out, *n),
        V::Date(d) => {
            use std::fmt::Write as _;
            let _ = write!(out, "{d}");
        }
        _ => out.push_str(&show(v, ty, cx, as_percent)),
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
        V::Text(t) => Json::String((*t).to_string()),
        V::Enum(i) => Json::String(enum_name(ty, *i, cx)),
        // not answered, or a value no check compares (a duration, a record,
        // a list): no JSON value
        _ => return None,
    })
}

/// A value written in the rule: a constant, or a negative number (`-1`).
fn is_literal(n: &Node) -> bool {
    match &n.kind {
        NodeKind::Const(
            Const::Num(_) | Const::Date(_) | Const::Bool(_) | Const::Text(_) | Const::Enum(_),
        ) => true,
        NodeKind::Neg(x) => matches!(x.kind, NodeKind::Const(Const::Num(_))),
        _ => false,
    }
}

/// The words before the right-hand value.
fn phrase(op: Cmp, held: bool, mode: Mode, dated: bool) -> &'static str {
    let failed_rule = !held && mode == Mode::Rule;
    match (op, dated) {
        (Cmp::Ge, false) if failed_rule => "needs at least",
        (Cmp::Gt, false) if failed_rule => "needs more than",
        (Cmp::Le, false) if failed_rule => "needs at most",
        (Cmp::Lt, false) if failed_rule => "needs less than",
        (Cmp::Ge, true) if failed_rule => "needs a date on or after",
        (Cmp::Gt, true) if failed_rule => "needs a date after",
        (Cmp::Le, true) if failed_rule => "needs a date on or before",
        (Cmp::Lt, true) if failed_rule => "needs a date before",
        (Cmp::Eq, _) if failed_rule => "needs",
        (Cmp::Ne, _) if failed_rule => "needs other than",
        (Cmp::Ge, false) if !held => "not at least",
        (Cmp::Gt, false) if !held => "not more than",
        (Cmp::Le, false) if !held => "not at most",
        (Cmp::Lt, false) if !held => "not less than",
        (Cmp::Ge, true) if !held => "not on or after",
        (Cmp::Gt, true) if !held => "not after",
        (Cmp::Le, true) if !held => "not on or before",
        (Cmp::Lt, true) if !held => "not before",
        (Cmp::Eq, _) if !held => "not equal to",
        (Cmp::Ne, _) if !held => "equal to",
        (Cmp::Ge, false) => "at least",
        (Cmp::Gt, false) => "more than",
        (Cmp::Le, false) => "at most",
        (Cmp::Lt, false) => "less than",
        (Cmp::Ge, true) => "on or after",
        (Cmp::Gt, true) => "after",
        (Cmp::Le, true) => "on or before",
        (Cmp::Lt, true) => "before",
        (Cmp::Eq, _) => "equal to",
        (Cmp::Ne, _) => "other than",
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the pieces of a comparison"
)]
fn comparison<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    op: Cmp,
    a: &'a Node,
    b: &'a Node,
    va: &V<'a>,
    vb: &V<'a>,
    held: bool,
    here: &Here,
    mode: Mode,
) -> Check {
    let pct = is_percent(&a.ty) || is_percent(&b.ty);
    let ty = if matches!(a.ty, Ty::Enum(_)) {
        &a.ty
    } else {
        &b.ty
    };
    let lhs = cx.text(a);
    // the distance to passing, for ordered numeric and date checks
    // whole numbers must pass a strict bound by at least one
    let whole = matches!(a.ty, Ty::Int) && matches!(b.ty, Ty::Int);
    let step = if whole && matches!(op, Cmp::Gt | Cmp::Lt) {
        Num::ONE
    } else {
        Num::ZERO
    };
    let gap = match (va, vb) {
        (V::Num(x), V::Num(y)) if !held && mode == Mode::Rule => {
            let d = match op {
                Cmp::Ge | Cmp::Gt => y.minus(*x).and_then(|d| d.plus(step)).ok(),
                Cmp::Le | Cmp::Lt => x.minus(*y).and_then(|d| d.plus(step)).ok(),
                Cmp::Eq => x.minus(*y).ok().and_then(|d| d.abs().ok()),
                Cmp::Ne => None,
            };
            // a non-whole value exactly at a strict bound has no meaningful gap
            match d.filter(|d| *d != Num::ZERO) {
                Some(d) if pct => d.times(Num::int(100)).ok().map(num_json),
                Some(d) => Some(num_json(d)),
                None => None,
            }
        }
        (V::Date(x), V::Date(y)) if !held && mode == Mode::Rule => {
            Some(Json::from(x.days_until(*y).abs()))
        }
        _ => None,
    };
    // a number compared with a percent, in percent points: scaled once for
    // the message and the JSON values
    let (pa, pb) = (percent_points(va, pct), percent_points(vb, pct));
    // "<what>: <left>; <phrase> <right>[ (<rhs>)]"
    let dated = matches!(va, V::Date(_));
    let mut message = String::with_capacity(lhs.len() * 2 + 160);
    message.push_str(mode.prefix());
    // a value walked from a list of values (a checklist's item) is named by
    // its element: "Primary care: no; …", not by the rule's variable
    let bare_value = matches!(a.kind, NodeKind::Var(_)) && !matches!(a.ty, Ty::Record(_));
    let named = !(bare_value && here.name.is_some());
    subject_into(cx, a, (va, pa), ty, pct, named, &mut message);
    message.push_str("; ");
    message.push_str(phrase(op, held, mode, dated));
    message.push(' ');
    show_points_into(&mut message, (vb, pb), ty, cx, pct);
    if !is_literal(b) {
        message.push_str(" (");
        message.push_str(&describe(cx, b));
        message.push(')');
    }
    let mut to_pass = Vec::new();
    if !held && mode == Mode::Rule {
        let (tp, note) = what_it_takes(cx, n, op, a, b, va, vb);
        to_pass.extend(tp);
        message.push_str(&note);
    }
    Check {
        // the element's labels are given by the quantifier ([`give_labels`])
        element: None,
        element_name: None,
        // a side made by the checker (`within next`) has the whole rule's
        // place: the rule is shown as written
        check: if b.span == n.span {
            cx.text(n).to_string()
        } else {
            concat(&[lhs, " ", op.as_str(), " ", cx.text(b)])
        },
        held,
        in_scope: mode != Mode::OutOfScope,
        left: match pa {
            Some(points) => points.map(num_json),
            None => json_as(va, ty, cx, pct),
        },
        right: match pb {
            Some(points) => points.map(num_json),
            None => json_as(vb, ty, cx, pct),
        },
        gap: if mode == Mode::Rule { gap } else { None },
        message,
        to_pass,
    }
}

/// The left side for people: `Shifts with a coordinator` and `690 of 730
/// shifts (94.52%)` for a rate of two answers, else the label and value.
/// Appended to `out`, after `<what>: ` when `named`.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the pieces of a comparison's left side"
)]
fn subject_into<'a>(
    cx: &mut Ctx<'a>,
    a: &'a Node,
    (va, pa): (&V<'a>, Option<Option<Num>>),
    ty: &Ty,
    pct: bool,
    named: bool,
    out: &mut String,
) {
    if let NodeKind::Arith(Arith::Div, x, y) = &a.kind {
        if let Some(ax) = answer_at(cx, x) {
            if let (V::Num(nx), V::Num(ny)) = (cx.eval(x), cx.eval(y)) {
                let unit: Option<&'a str> = match &ax.field.unit {
                    Some(u) => Some(u),
                    None => answer_at(cx, y).and_then(|ay| ay.field.unit.as_deref()),
                };
                if named {
                    out.push_str(&describe(cx, x));
                    out.push_str(": ");
                }
                nx.push_display(2, out);
                out.push_str(" of ");
                ny.push_display(2, out);
                if let Some(u) = unit {
                    out.push(' ');
                    out.push_str(u);
                }
                out.push_str(" (");
                show_points_into(out, (va, pa), ty, cx, pct);
                out.push(')');
                return;
            }
        }
    }
    if named {
        out.push_str(&describe(cx, a));
        out.push_str(": ");
    }
    show_points_into(out, (va, pa), ty, cx, pct);
}

/// For a number shown as a percent (`pct`): its value in percent points
/// (`None` inside when that overflows); `None` for any other value.
fn percent_points(v: &V<'_>, pct: bool) -> Option<Option<Num>> {
    match v {
        V::Num(n) if pct => Some(n.times(Num::int(100)).ok()),
        _ => None,
    }
}

/// [`show_into`]`(out, v, ty, cx, Some(pct))`, with `points` the value's
/// [`percent_points`].
fn show_points_into(
    out: &mut String,
    (v, points): (&V<'_>, Option<Option<Num>>),
    ty: &Ty,
    cx: &Ctx<'_>,
    pct: bool,
) {
    match points {
        Some(points) => {
            if let Some(x) = points {
                fine_into(out, x);
            }
            out.push('%');
        }
        None => show_into(out, v, ty, cx, Some(pct)),
    }
}

// ------------------------------------------------------------------ what it would take

/// An answer a check reads: one input of this submission, or the total of
/// one input over a list (`sum(u.x for u in units)`).
#[derive(Clone, Copy)]
struct Answer<'a> {
    field: &'a FieldDef,
    rid: RecordId,
    slot: usize,
    /// The record it is in; `None` for a total.
    rec: Option<&'a Record>,
    /// For a total: the `sum` node and its list.
    total: Option<(&'a Node, &'a Node)>,
}

impl Answer<'_> {
    fn same(&self, other: &Answer<'_>, cx: &Ctx<'_>) -> bool {
        self.rid == other.rid
            && self.slot == other.slot
            && self.rec == other.rec
            && match (self.total, other.total) {
                (None, None) => true,
                (Some((x, _)), Some((y, _))) => cx.text(x) == cx.text(y),
                _ => false,
            }
    }

    fn scalar(&self) -> Option<(ScalarTy, Option<Bound>, Option<Bound>)> {
        match &self.field.kind {
            FieldKind::Scalar { ty, min, max } => Some((*ty, *min, *max)),
            _ => None,
        }
    }
}

/// Runs `f` as a definition's value is evaluated: with no bound elements.
fn in_let<'a, R>(cx: &mut Ctx<'a>, f: impl FnOnce(&mut Ctx<'a>) -> R) -> R {
    let saved = std::mem::take(&mut cx.env);
    let r = f(cx);
    cx.env = saved;
    r
}

/// The answer `n` reads directly, if it is one.
fn answer_at<'a>(cx: &mut Ctx<'a>, n: &'a Node) -> Option<Answer<'a>> {
    match &n.kind {
        NodeKind::Input(slot) => Some(Answer {
            field: field_def(cx, 0, *slot)?,
            rid: 0,
            slot: *slot,
            rec: Some(&cx.sub.root),
            total: None,
        }),
        NodeKind::Field(base, slot) => {
            let Ty::Record(rid) = base.ty else {
                return None;
            };
            let field = field_def(cx, rid, *slot)?;
            match cx.eval(base) {
                V::Rec(r) => Some(Answer {
                    field,
                    rid,
                    slot: *slot,
                    rec: Some(r),
                    total: None,
                }),
                _ => None,
            }
        }
        NodeKind::Aggregate(AggFn::Sum, list, body, None) => {
            let (rid, slot, field) = summed_field(cx, list, body)?;
            Some(Answer {
                field,
                rid,
                slot,
                rec: None,
                total: Some((n, list)),
            })
        }
        NodeKind::Let(i) => {
            let def = cx.spec.lets.get(*i)?;
            in_let(cx, |cx| answer_at(cx, &def.value))
        }
        _ => None,
    }
}

/// The answers `n` reads, in reading order (not inside quantifiers, calls
/// or aggregates other than a total).
fn answers_in<'a>(cx: &mut Ctx<'a>, n: &'a Node, out: &mut Vec<Answer<'a>>) {
    if out.len() >= MAX_CANDIDATES {
        return;
    }
    if let Some(a) = answer_at(cx, n) {
        if !out.iter().any(|b| b.same(&a, cx)) {
            out.push(a);
        }
        return;
    }
    match &n.kind {
        NodeKind::Arith(_, x, y) => {
            answers_in(cx, x, out);
            answers_in(cx, y, out);
        }
        NodeKind::Neg(x) => answers_in(cx, x, out),
        // not inside a call: [`linear`] takes a call for a constant, so no
        // answer only read there could be changed to pass
        NodeKind::Let(i) => {
            if let Some(def) = cx.spec.lets.get(*i) {
                in_let(cx, |cx| answers_in(cx, &def.value, out));
            }
        }
        _ => {}
    }
}

/// A value as a function of one answer: a constant, or `m·x + c`.
#[derive(Clone, Copy)]
enum Lin {
    K(Num),
    L(Num, Num),
}

impl Lin {
    /// Whether its coefficient and constant are both [`small`].
    fn is_small(self) -> bool {
        match self {
            Lin::K(k) => small(k),
            Lin::L(m, c) => small(m) && small(c),
        }
    }
}

/// `n` as a linear function of the answer `x`; `None` when it is not one
/// (or a value is not known). `narrow` is cleared when the form of `n` or
/// of any node under it is not [`Lin::is_small`].
fn linear<'a>(cx: &mut Ctx<'a>, n: &'a Node, x: &Answer<'a>, narrow: &mut bool) -> Option<Lin> {
    let lin = linear_node(cx, n, x, narrow);
    if let Some(l) = lin {
        *narrow &= l.is_small();
    }
    lin
}

/// [`linear`] of one node.
fn linear_node<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    x: &Answer<'a>,
    narrow: &mut bool,
) -> Option<Lin> {
    if let Some(a) = answer_at(cx, n) {
        if a.same(x, cx) {
            return Some(Lin::L(Num::ONE, Num::ZERO));
        }
    }
    match &n.kind {
        NodeKind::Arith(op, p, q) => {
            let lp = linear(cx, p, x, narrow)?;
            let lq = linear(cx, q, x, narrow)?;
            match (op, lp, lq) {
                (Arith::Add, Lin::K(a), Lin::K(b)) => a.plus(b).ok().map(Lin::K),
                (Arith::Add, Lin::L(m, c), Lin::K(k)) | (Arith::Add, Lin::K(k), Lin::L(m, c)) => {
                    Some(Lin::L(m, c.plus(k).ok()?))
                }
                (Arith::Add, Lin::L(m, c), Lin::L(m2, c2)) => {
                    Some(Lin::L(m.plus(m2).ok()?, c.plus(c2).ok()?))
                }
                (Arith::Sub, Lin::K(a), Lin::K(b)) => a.minus(b).ok().map(Lin::K),
                (Arith::Sub, Lin::L(m, c), Lin::K(k)) => Some(Lin::L(m, c.minus(k).ok()?)),
                (Arith::Sub, Lin::K(k), Lin::L(m, c)) => {
                    Some(Lin::L(m.negate().ok()?, k.minus(c).ok()?))
                }
                (Arith::Sub, Lin::L(m, c), Lin::L(m2, c2)) => {
                    Some(Lin::L(m.minus(m2).ok()?, c.minus(c2).ok()?))
                }
                (Arith::Mul, Lin::K(a), Lin::K(b)) => a.times(b).ok().map(Lin::K),
                (Arith::Mul, Lin::L(m, c), Lin::K(k)) | (Arith::Mul, Lin::K(k), Lin::L(m, c)) => {
                    Some(Lin::L(m.times(k).ok()?, c.times(k).ok()?))
                }
                (Arith::Div, Lin::K(a), Lin::K(b)) => a.over(b).ok().map(Lin::K),
                (Arith::Div, Lin::L(m, c), Lin::K(k)) => {
                    Some(Lin::L(m.over(k).ok()?, c.over(k).ok()?))
                }
                _ => None,
            }
        }
        NodeKind::Neg(p) => match linear(cx, p, x, narrow)? {
            Lin::K(k) => k.negate().ok().map(Lin::K),
            Lin::L(m, c) => Some(Lin::L(m.negate().ok()?, c.negate().ok()?)),
        },
        NodeKind::Let(i) => {
            let def = cx.spec.lets.get(*i)?;
            in_let(cx, |cx| linear(cx, &def.value, x, narrow))
        }
        // anything else is a value that does not move with `x` (the trial
        // afterwards catches one that does)
        _ => match cx.eval(n) {
            V::Num(k) => Some(Lin::K(k)),
            _ => None,
        },
    }
}

/// The same comparison with the sides swapped.
fn mirror(op: Cmp) -> Cmp {
    match op {
        Cmp::Ge => Cmp::Le,
        Cmp::Gt => Cmp::Lt,
        Cmp::Le => Cmp::Ge,
        Cmp::Lt => Cmp::Gt,
        other => other,
    }
}

/// The smallest change to one answer that makes the failed comparison
/// `n` (`a op b`) hold, and a note for the message when the answer found
/// cannot be changed that far.
fn what_it_takes<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    op: Cmp,
    a: &'a Node,
    b: &'a Node,
    va: &V<'a>,
    vb: &V<'a>,
) -> (Option<ToPass>, String) {
    match (va, vb) {
        (V::Date(x), V::Date(y)) => {
            // the answer on the left, else on the right
            if answer_at(cx, a).is_some() {
                let to = date_target(op, *y);
                match to {
                    Some(to) => date_change(cx, n, a, *x, to, false),
                    None => (None, String::new()),
                }
            } else if answer_at(cx, b).is_some() {
                match date_target(mirror(op), *x) {
                    Some(to) => date_change(cx, n, b, *y, to, false),
                    None => (None, String::new()),
                }
            } else {
                (None, String::new())
            }
        }
        (V::Num(_), V::Num(_)) => number_change(cx, n, op, a, b),
        _ => (None, String::new()),
    }
}

/// The date an answer compared with `other` by `op` needs.
fn date_target(op: Cmp, other: Date) -> Option<Date> {
    let day = Duration {
        count: 1,
        unit: DurationUnit::Days,
    };
    match op {
        Cmp::Ge | Cmp::Le | Cmp::Eq => Some(other),
        Cmp::Gt => other.plus(day),
        Cmp::Lt => other.minus(day),
        Cmp::Ne => None,
    }
}

/// The entry for changing the date answer `d` from `from` to `to`, tried
/// on the check `n`.
fn date_change<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    d: &'a Node,
    from: Date,
    to: Date,
    within: bool,
) -> (Option<ToPass>, String) {
    let Some(ans) = answer_at(cx, d) else {
        return (None, String::new());
    };
    let Some(rec) = ans.rec else {
        return (None, String::new());
    };
    let label = label(cx, ans.rid, ans.slot, ans.field);
    if let Some((_, min, max)) = ans.scalar() {
        let below = matches!(min, Some(Bound::Date(m)) if to < m);
        let above = matches!(max, Some(Bound::Date(m)) if to > m);
        if below || above {
            let cannot = concat(&["; cannot pass by changing ", &lower_first(&label), " alone"]);
            return (None, cannot);
        }
    }
    let trial = Trial::Answer(*rec, ans.slot, V::Date(to));
    if !try_passes(cx, n, trial, (ans.rid, ans.slot)) {
        return (None, String::new());
    }
    let days = from.days_until(to);
    let message = if within && days > 0 {
        format!("{label}: due since {to}")
    } else if days > 0 {
        let unit = if days == 1 { "day" } else { "days" };
        format!("{label}: {to} or later ({days} {unit} later)")
    } else {
        let unit = if days == -1 { "day" } else { "days" };
        format!(
            "{label}: {to} or earlier ({} {unit} earlier)",
            days.unsigned_abs()
        )
    };
    let entry = ToPass {
        path: Some(answer_pointer(cx, rec, ans.field)),
        question: ans.field.question.clone(),
        label: label.into_owned(),
        from: Json::String(from.to_string()),
        to: Json::String(to.to_string()),
        change: Json::from(days),
        unit: Some("days".to_string()),
        message,
    };
    (Some(entry), String::new())
}

fn answer_pointer(cx: &Ctx<'_>, rec: &Record, f: &FieldDef) -> String {
    let base = cx.sub.pointer(rec);
    let mut p = String::with_capacity(base.len() + 1 + f.name.len());
    p.push_str(base);
    p.push('/');
    // escaped as a JSON pointer's segment (a document's names need not be
    // identifiers)
    for c in f.name.chars() {
        match c {
            '~' => p.push_str("~0"),
            '/' => p.push_str("~1"),
            c => p.push(c),
        }
    }
    p
}

/// Evaluates `n` with `trial` in place (definitions worked out afresh):
/// whether it holds.
fn try_passes<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    trial: Trial<'a>,
    field: (RecordId, usize),
) -> bool {
    holds_with(cx, n, trial, field) == Some(true)
}

/// The definitions' values to evaluate with `trial` in place: those
/// worked out so far, less every one that reads the changed answer `field`
/// (record, slot) or the node tried, directly or through another definition.
fn fresh_lets<'a>(
    cx: &mut Ctx<'a>,
    trial: &Trial<'a>,
    field: (RecordId, usize),
) -> Vec<Option<V<'a>>> {
    let node = match trial {
        Trial::Node(n, _) => Some(*n),
        Trial::Answer(..) => None,
    };
    let mut fresh = std::mem::take(&mut cx.explaining().spare_lets);
    fresh.clone_from(&cx.lets);
    // an answer tried: the definitions that read it, from the spec's table
    let reads = &cx.fast.reads;
    if node.is_none() && reads.len() == fresh.len() {
        for (v, r) in fresh.iter_mut().zip(reads) {
            if v.is_some() && r.binary_search(&field).is_ok() {
                *v = None;
            }
        }
        return fresh;
    }
    let mut memo: Vec<Option<bool>> = vec![None; cx.spec.lets.len()];
    for (i, v) in fresh.iter_mut().enumerate() {
        if v.is_some() && let_reads(cx, i, field, node, &mut memo) {
            *v = None;
        }
    }
    fresh
}

/// Whether definition `i` reads `field` or contains `node`.
fn let_reads(
    cx: &Ctx<'_>,
    i: usize,
    field: (RecordId, usize),
    node: Option<&Node>,
    memo: &mut Vec<Option<bool>>,
) -> bool {
    match memo.get(i) {
        Some(Some(known)) => return *known,
        Some(None) => {}
        None => return true,
    }
    // a definition met again on the way (never in a checked spec) reads nothing more
    if let Some(m) = memo.get_mut(i) {
        *m = Some(false);
    }
    let reads = cx
        .spec
        .lets
        .get(i)
        .is_none_or(|d| node_reads(cx, &d.value, field, node, memo));
    if let Some(m) = memo.get_mut(i) {
        *m = Some(reads);
    }
    reads
}

/// Whether `n` reads `field` or contains `node`.
fn node_reads(
    cx: &Ctx<'_>,
    n: &Node,
    field: (RecordId, usize),
    node: Option<&Node>,
    memo: &mut Vec<Option<bool>>,
) -> bool {
    if node.is_some_and(|t| std::ptr::eq(t, n)) {
        return true;
    }
    match &n.kind {
        NodeKind::Input(slot) if field == (0, *slot) => true,
        NodeKind::Field(base, slot) if base.ty == Ty::Record(field.0) && *slot == field.1 => true,
        NodeKind::Let(j) => let_reads(cx, *j, field, node, memo),
        _ => n.children().any(|c| node_reads(cx, c, field, node, memo)),
    }
}

/// `n`'s value with `trial` in place; `None` when not known.
fn holds_with<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    trial: Trial<'a>,
    field: (RecordId, usize),
) -> Option<bool> {
    match in_trial(cx, trial, field, |cx| cx.eval(n)) {
        V::Bool(b) => Some(b),
        _ => None,
    }
}

/// Most definitions [`in_trial`] keeps track of in place.
const IN_PLACE: usize = 64;

/// Runs `f` with `trial` in place and the definitions' values as
/// [`fresh_lets`] gives them; afterwards the definitions are as they were.
/// For an answer tried in a spec with a table of what its definitions read
/// (and at most [`IN_PLACE`] of them), in place: the values that read the
/// answer are taken out and put back, and every definition unset before is
/// unset again; otherwise on a copy.
fn in_trial<'a, R>(
    cx: &mut Ctx<'a>,
    trial: Trial<'a>,
    field: (RecordId, usize),
    f: impl FnOnce(&mut Ctx<'a>) -> R,
) -> R {
    let fast: &'a super::fast::FastSpec = cx.fast;
    let in_place = matches!(trial, Trial::Answer(..))
        && fast.reads.len() == cx.lets.len()
        && cx.lets.len() <= IN_PLACE;
    if !in_place {
        let fresh = fresh_lets(cx, &trial, field);
        let saved = std::mem::replace(&mut cx.lets, fresh);
        cx.explaining().trial = Some(trial);
        let r = f(cx);
        let spare = std::mem::replace(&mut cx.lets, saved);
        let x = cx.explaining();
        x.trial = None;
        x.spare_lets = spare;
        return r;
    }
    let mut unset = [false; IN_PLACE];
    let mut taken = std::mem::take(&mut cx.explaining().spare_taken);
    for (i, (v, reads)) in cx.lets.iter_mut().zip(&fast.reads).enumerate() {
        match v {
            None => {
                if let Some(u) = unset.get_mut(i) {
                    *u = true;
                }
            }
            Some(_) if reads.binary_search(&field).is_ok() => {
                if let Some(x) = v.take() {
                    taken.push((i, x));
                }
            }
            Some(_) => {}
        }
    }
    cx.explaining().trial = Some(trial);
    let r = f(cx);
    cx.explaining().trial = None;
    for (v, u) in cx.lets.iter_mut().zip(unset) {
        if u {
            *v = None;
        }
    }
    for (i, x) in taken.drain(..) {
        if let Some(v) = cx.lets.get_mut(i) {
            *v = Some(x);
        }
    }
    cx.explaining().spare_taken = taken;
    r
}

/// Whether every declared relation of the answers in `rec` holds with
/// `trial` in place.
fn relations_hold<'a>(cx: &mut Ctx<'a>, rid: RecordId, rec: &'a Record, trial: &Trial<'a>) -> bool {
    let Some(rs) = cx.spec.schema.records.get(rid) else {
        return true;
    };
    // nothing declared, nothing to break
    if rs.fields.iter().all(|f| f.relations.is_empty()) {
        return true;
    }
    let field = match trial {
        Trial::Answer(_, slot, _) => (rid, *slot),
        Trial::Node(..) => (rid, usize::MAX),
    };
    in_trial(cx, trial.clone(), field, |cx| {
        for (slot, f) in rs.fields.iter().enumerate() {
            for rel in &f.relations {
                let value = cx.read(rec, rid, slot);
                // the record as the innermost element, as relations are evaluated
                cx.push(V::Rec(rec));
                let bound = cx.eval(&rel.bound);
                cx.pop();
                if let (V::Num(v), V::Num(b)) = (value, bound) {
                    if !rel.op.holds(v.compare(b)) {
                        return false;
                    }
                }
            }
        }
        true
    })
}

/// The entry for a failed numeric comparison `a op b`.
fn number_change<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    op: Cmp,
    a: &'a Node,
    b: &'a Node,
) -> (Option<ToPass>, String) {
    let none = (None, String::new());
    let mut candidates = Vec::with_capacity(MAX_CANDIDATES);
    answers_in(cx, a, &mut candidates);
    answers_in(cx, b, &mut candidates);
    // the first answer the check is a linear function of
    let mut found = None;
    // whether every form met on the way is small enough for the trials'
    // verdict to be worked out without them ([`solved`])
    let mut narrow = true;
    for x in candidates {
        narrow = true;
        let (Some(la), Some(lb)) = (
            linear(cx, a, &x, &mut narrow),
            linear(cx, b, &x, &mut narrow),
        ) else {
            continue;
        };
        let (ma, ca) = match la {
            Lin::K(k) => (Num::ZERO, k),
            Lin::L(m, c) => (m, c),
        };
        let (mb, cb) = match lb {
            Lin::K(k) => (Num::ZERO, k),
            Lin::L(m, c) => (m, c),
        };
        let (Ok(m), Ok(c)) = (ma.minus(mb), ca.minus(cb)) else {
            continue;
        };
        if m == Num::ZERO {
            continue;
        }
        found = Some((x, m, c));
        break;
    }
    let Some((x, m, c)) = found else {
        return none;
    };
    let Some((ty, min, max)) = x.scalar() else {
        return none;
    };
    // m·x + c op 0  ⇔  x op' -c/m
    let Ok(t) = c.negate().and_then(|c| c.over(m)) else {
        return none;
    };
    let check = op;
    let op = if m.is_negative() { mirror(op) } else { op };
    let int = ty == ScalarTy::Int;
    let to = if int {
        match op {
            Cmp::Ge => Some(t.ceil()),
            Cmp::Gt => t.floor().plus(Num::ONE).ok(),
            Cmp::Le => Some(t.floor()),
            Cmp::Lt => t.ceil().minus(Num::ONE).ok(),
            Cmp::Eq => t.is_integer().then_some(t),
            Cmp::Ne => None,
        }
    } else {
        match op {
            Cmp::Ge | Cmp::Le | Cmp::Eq => Some(t),
            _ => None,
        }
    };
    let Some(to) = to else { return none };
    let pct = ty == ScalarTy::Percent;
    // what a submission can say exactly: whole numbers, or short decimals
    let scale = if pct { Num::int(100) } else { Num::ONE };
    let Ok(shown_to) = to.times(scale) else {
        return none;
    };
    if !int
        && !shown_to
            .times(Num::int(1_000_000))
            .is_ok_and(Num::is_integer)
    {
        return none;
    }
    let from = match x.total {
        Some((node, _)) => cx.eval(node),
        None => match x.rec {
            Some(r) => cx.read(r, x.rid, x.slot),
            None => return none,
        },
    };
    let V::Num(from) = from else { return none };
    if from == to {
        return none;
    }
    let label = label(cx, x.rid, x.slot, x.field);
    let cannot = || {
        (
            None,
            concat(&["; cannot pass by changing ", &lower_first(&label), " alone"]),
        )
    };
    // within the declared min and max (for a total: every element's)
    let count = match x.total {
        Some((_, list)) => match cx.elements(list) {
            Ok(e) => Num::int(i128::try_from(e.len()).unwrap_or(i128::MAX)),
            Err(_) => return none,
        },
        None => Num::ONE,
    };
    if let Some(Bound::Num(lo)) = min {
        if lo.times(count).is_ok_and(|lo| to.compare(lo).is_lt()) {
            return cannot();
        }
    }
    if let Some(Bound::Num(hi)) = max {
        if hi.times(count).is_ok_and(|hi| to.compare(hi).is_gt()) {
            return cannot();
        }
    }
    let trial = match (x.total, x.rec) {
        (Some((node, _)), _) => Trial::Node(node, V::Num(to)),
        (None, Some(r)) => Trial::Answer(*r, x.slot, V::Num(to)),
        (None, None) => return none,
    };
    // within the declared relations
    let related = match (x.total, x.rec) {
        (None, Some(r)) => relations_hold(cx, x.rid, r, &trial),
        (Some((_, list)), _) => total_within_relations(cx, list, &x, to),
        (None, None) => true,
    };
    if !related {
        return cannot();
    }
    // tried: the change passes, and one less does not
    let less = if int {
        let less = if to.compare(from).is_gt() {
            to.minus(Num::ONE)
        } else {
            to.plus(Num::ONE)
        };
        less.ok().filter(|l| *l != from)
    } else {
        None
    };
    let form = Form {
        check,
        m,
        c,
        narrow,
    };
    if !solved(cx, n, &x, form, to, less) {
        if !try_passes(cx, n, trial, (x.rid, x.slot)) {
            return none;
        }
        if let Some(less) = less {
            let t2 = match (x.total, x.rec) {
                (Some((node, _)), _) => Trial::Node(node, V::Num(less)),
                (None, Some(r)) => Trial::Answer(*r, x.slot, V::Num(less)),
                (None, None) => return none,
            };
            if holds_with(cx, n, t2, (x.rid, x.slot)) != Some(false) {
                return none;
            }
        }
    }
    let Ok(change) = to.minus(from) else {
        return none;
    };
    let Ok(shown_from) = from.times(scale) else {
        return none;
    };
    let Ok(shown_change) = change.times(scale) else {
        return none;
    };
    let up = !change.is_negative();
    let total = if x.total.is_some() { " in total" } else { "" };
    let mut message = String::with_capacity(label.len() + 64);
    if pct {
        let dir = if up { " up by " } else { " down by " };
        message.push_str(&label);
        message.push_str(dir);
        if let Ok(amount) = shown_change.abs() {
            fine_into(&mut message, amount);
        }
        message.push_str(" percentage points, to ");
        fine_into(&mut message, shown_to);
        message.push('%');
        message.push_str(total);
    } else {
        let dir = if up { " more " } else { " fewer " };
        if let Ok(amount) = shown_change.abs() {
            fine_into(&mut message, amount);
        }
        message.push_str(dir);
        push_lower_first(&mut message, &label);
        message.push_str(total);
    }
    let entry = ToPass {
        path: match (x.total, x.rec) {
            (None, Some(r)) => Some(answer_pointer(cx, r, x.field)),
            _ => None,
        },
        question: x.field.question.clone(),
        label: label.into_owned(),
        from: num_json(shown_from),
        to: num_json(shown_to),
        change: num_json(shown_change),
        unit: if pct {
            Some("percentage points".to_string())
        } else {
            x.field.unit.clone()
        },
        message,
    };
    (Some(entry), String::new())
}

/// Numerators and denominators below this are small ([`solved`]).
const SMALL: u128 = 1 << 20;

/// Whether `n`'s numerator and denominator are both below [`SMALL`].
fn small(n: Num) -> bool {
    n.numer().unsigned_abs() < SMALL && n.denom().unsigned_abs() < SMALL
}

#[cfg(test)]
thread_local! {
    /// For tests: every "to pass" entry tried by evaluating, as the
    /// reference that [`solved`] must agree with.
    static BY_TRIAL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// For tests: how many entries [`solved`] worked out.
    static SOLVED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A failed comparison `a check b` read as `m·x + c check 0`, linear in
/// one answer `x`; `narrow` when every form met on the way was
/// [`Lin::is_small`].
#[derive(Clone, Copy)]
struct Form {
    check: Cmp,
    m: Num,
    c: Num,
    narrow: bool,
}

impl Form {
    /// Whether the comparison holds with `x = v`; `None` when that cannot
    /// be worked out. With `m = p/q`, `v = r/s` and `c = t/u` (denominators
    /// positive), `m·v + c` has the sign of `p·r·u + t·q·s`: no fraction is
    /// reduced.
    fn holds_at(self, v: Num) -> Option<bool> {
        let (p, q) = (self.m.numer(), self.m.denom());
        let (r, s) = (v.numer(), v.denom());
        let (t, u) = (self.c.numer(), self.c.denom());
        let left = p.checked_mul(r)?.checked_mul(u)?;
        let right = t.checked_mul(q)?.checked_mul(s)?;
        let ord = left.checked_add(right)?.cmp(&0);
        Some(self.check.holds(ord))
    }
}

/// The trials of [`number_change`] (the comparison `n` evaluated with `x`
/// at `to`, and at `less` when given) worked out without evaluating: true
/// when they would find that `to` passes and `less` does not, and then the
/// steps of work they would do are counted; false when that cannot be told
/// without them (nothing is counted then, and the trials are run).
///
/// It can be told when the trials would evaluate exactly the linear form:
/// every node of the comparison a literal, a bound element, an answer, a
/// definition or `+ - × /` ([`Sim`]), the answer tried read by the trials
/// just where the form reads it, and every form on the way, `to` and
/// `less` with parts below 2^20 ([`small`]). Each node's value is then
/// `m·to + c` of its own form, with parts below 2^61, so no operation of
/// the evaluator on two of them overflows (products below 2^122) and the
/// comparison is decided as the form decides it.
fn solved<'a>(
    cx: &mut Ctx<'a>,
    n: &'a Node,
    x: &Answer<'a>,
    form: Form,
    to: Num,
    less: Option<Num>,
) -> bool {
    #[cfg(test)]
    if BY_TRIAL.with(std::cell::Cell::get) {
        return false;
    }
    if !form.narrow || !small(to) || !less.is_none_or(small) {
        return false;
    }
    if form.holds_at(to) != Some(true) {
        return false;
    }
    if let Some(l) = less {
        if form.holds_at(l) != Some(false) {
            return false;
        }
    }
    let NodeKind::Compare(_, a, b) = &n.kind else {
        return false;
    };
    let mut sim = Sim {
        x,
        field: (x.rid, x.slot),
        done: [0; 8],
        len: 0,
        memo: Vec::new(),
    };
    let cost = sim
        .steps(cx, a, false)
        .and_then(|ca| Some(1 + ca + sim.steps(cx, b, false)?));
    let trials = if less.is_some() { 2 } else { 1 };
    let Some(work) = cost.and_then(|c| c.checked_mul(trials)) else {
        return false;
    };
    // a trial that would run out of the budget gives no verdict: run it
    if cx.steps.saturating_add(work) > cx.budget {
        return false;
    }
    #[cfg(test)]
    SOLVED.with(|n| n.set(n.get() + 1));
    cx.charge(work)
}

/// How a trial of [`number_change`] would evaluate a node: the steps of
/// work, for the nodes whose value the linear form accounts for exactly.
struct Sim<'x, 'a> {
    /// The answer tried.
    x: &'x Answer<'a>,
    /// Its record and slot.
    field: (RecordId, usize),
    /// The definitions the trial works out afresh, met so far (it keeps
    /// their values once worked out).
    done: [usize; 8],
    len: usize,
    /// [`let_reads`]' memo, made when first needed.
    memo: Vec<Option<bool>>,
}

impl<'a> Sim<'_, 'a> {
    /// The steps the trial's evaluation of `n` counts; `None` when the
    /// linear form may not be what it evaluates (or it is not known).
    /// `in_def`: within a definition's value (no bound elements).
    fn steps(&mut self, cx: &Ctx<'a>, n: &'a Node, in_def: bool) -> Option<u64> {
        // the total tried: its value is the trial's, for one step
        if let Some((t, _)) = self.x.total {
            if std::ptr::eq(t, n) {
                return Some(1);
            }
        }
        match &n.kind {
            NodeKind::Const(_) => Some(1),
            NodeKind::Var(_) if !in_def => Some(1),
            NodeKind::Input(slot) => {
                self.read(cx, &cx.sub.root, 0, *slot)?;
                Some(1)
            }
            NodeKind::Field(base, slot) => {
                let Ty::Record(rid) = base.ty else {
                    return None;
                };
                let (r, steps) = self.record(cx, base, in_def)?;
                self.read(cx, r, rid, *slot)?;
                Some(1 + steps)
            }
            NodeKind::Arith(_, p, q) => {
                Some(1 + self.steps(cx, p, in_def)? + self.steps(cx, q, in_def)?)
            }
            NodeKind::Neg(p) => Some(1 + self.steps(cx, p, in_def)?),
            NodeKind::Let(i) => {
                if self.done.get(..self.len)?.contains(i) || self.kept(cx, *i)? {
                    return Some(1);
                }
                let def = cx.spec.lets.get(*i)?;
                let steps = self.steps(cx, &def.value, true)?;
                *self.done.get_mut(self.len)? = *i;
                self.len += 1;
                Some(1 + steps)
            }
            _ => None,
        }
    }

    /// `Some` when the trial reads slot `slot` of `rec` (of record `rid`)
    /// as the linear form does: the value tried exactly where the form has
    /// the answer ([`answer_at`], [`Answer::same`]), else the submission's.
    fn read(&self, cx: &Ctx<'a>, rec: &Record, rid: RecordId, slot: usize) -> Option<()> {
        let x = self.x;
        let tried = x.total.is_none() && x.rec == Some(rec) && slot == x.slot;
        let answer = tried
            && rid == x.rid
            && field_def(cx, rid, slot).is_some_and(|f| std::ptr::eq(f, x.field));
        (tried == answer).then_some(())
    }

    /// The record a group or element expression is, and the steps of
    /// evaluating it.
    fn record(&self, cx: &Ctx<'a>, base: &'a Node, in_def: bool) -> Option<(&'a Record, u64)> {
        match &base.kind {
            NodeKind::Var(depth) if !in_def => {
                let i = cx.env.len().checked_sub(1 + depth)?;
                match cx.env.get(i)? {
                    V::Rec(r) => Some((r, 1)),
                    _ => None,
                }
            }
            NodeKind::Input(slot) => Some((self.group(cx, &cx.sub.root, *slot)?, 1)),
            NodeKind::Field(b, slot) => {
                let (r, steps) = self.record(cx, b, in_def)?;
                Some((self.group(cx, r, *slot)?, 1 + steps))
            }
            _ => None,
        }
    }

    /// The group answered in slot `slot` of `rec`.
    fn group(&self, cx: &Ctx<'a>, rec: &'a Record, slot: usize) -> Option<&'a Record> {
        let x = self.x;
        if x.total.is_none() && x.rec == Some(rec) && slot == x.slot {
            return None;
        }
        match cx.sub.answer(rec, slot)? {
            Stored::Group(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the trial keeps definition `i`'s value worked out so far, as
    /// [`in_trial`] and [`fresh_lets`] decide: worked out, and reading
    /// neither the answer tried nor the total tried.
    fn kept(&mut self, cx: &Ctx<'a>, i: usize) -> Option<bool> {
        if cx.lets.get(i)?.is_none() {
            return Some(false);
        }
        let node = self.x.total.map(|(t, _)| t);
        let reads = &cx.fast.reads;
        let changed = if node.is_none() && reads.len() == cx.lets.len() {
            reads.get(i)?.binary_search(&self.field).is_ok()
        } else {
            if self.memo.is_empty() {
                self.memo = vec![None; cx.spec.lets.len()];
            }
            let_reads(cx, i, self.field, node, &mut self.memo)
        };
        Some(!changed)
    }
}

/// Whether a total of `to` keeps within the summed answers' declared
/// relations: at most (at least) the total of their bounds.
fn total_within_relations<'a>(cx: &mut Ctx<'a>, list: &'a Node, x: &Answer<'a>, to: Num) -> bool {
    if x.field.relations.is_empty() {
        return true;
    }
    let Ok(elems) = cx.elements(list) else {
        return false;
    };
    for rel in &x.field.relations {
        let mut sum = Num::ZERO;
        for e in &elems {
            cx.push(e.clone());
            let v = cx.eval(&rel.bound);
            cx.pop();
            let V::Num(b) = v else { return false };
            match sum.plus(b) {
                Ok(s) => sum = s,
                Err(_) => return false,
            }
        }
        if !rel.op.holds(to.compare(sum)) {
            return false;
        }
    }
    true
}

#[cfg(test)]
#[cfg(feature = "compile")]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use crate::report::{assess_given, Attribution};
    use crate::Spec;

    /// The report of `sub` under `spec`, with explanations, within
    /// `budget` steps; every "to pass" entry tried by evaluating when
    /// `by_trial` (the reference [`solved`] must agree with). With the
    /// steps done and the number of entries [`solved`] worked out.
    fn report_by<'s>(
        spec: &'s Spec,
        sub: &crate::submission::Submission,
        budget: u64,
        by_trial: bool,
    ) -> (crate::Report<'s>, u64, usize) {
        BY_TRIAL.with(|b| b.set(by_trial));
        let before = SOLVED.with(std::cell::Cell::get);
        let (report, steps) = assess_given(
            spec.checked(),
            spec.fast_form(),
            spec.source_map(),
            sub,
            None,
            true,
            budget,
            Attribution::of(sub),
        );
        BY_TRIAL.with(|b| b.set(false));
        (report, steps, SOLVED.with(std::cell::Cell::get) - before)
    }

    /// Every kind of linear check [`solved`] works out, and some it leaves
    /// to the trials (a call, an inline total, forms with a coefficient of
    /// 2^100, 2^110 or 10^36 on the way, with which the evaluator
    /// overflows where the form does not).
    const LINEAR: &str = r#"spec lin "Linear forms" { version "1" }
inputs "Units" {
  floor: int min 0 "Floor"
  share: percent "Share"
  surge: group "Surge" {
    shifts: int min 0 "Shifts" unit "shifts"
    kept: int min 0 max shifts "Shifts within the floor" unit "shifts"
  }
  units: list min 0 "Units" item "unit" {
    x: int "X"
    y: int "Y"
    z: int min 0 max 40 "Z"
    w: int min 0 max y "W" unit "admissions"
    p: percent "P"
    n: number "N"
  }
}
area quality {
  requirement Q-01 must "Rate" { all u in units: u.w / u.y >= 95% }
  requirement Q-02 must "Linear" { all u in units: 12 * u.x >= u.y + u.z }
  requirement Q-03 must "Less" { all u in units: u.x < 8 * u.y - floor }
  requirement Q-04 must "Negated" { all u in units: -u.x + 3 <= u.z / 2 }
  requirement Q-05 must "Percent" { all u in units: u.p >= share }
  requirement Q-06 must "Equal" { all u in units: u.x == floor }
  requirement Q-07 must "Number" { all u in units: u.n * 3 >= u.x }
  requirement Q-08 must "Group rate" { surge.kept / surge.shifts >= 100% }
  requirement Q-09 must "Total rate" { sum(u.w for u in units) / total_y >= 90% }
  requirement Q-10 must "Definitions" { occupied / total_y <= 80% }
  requirement Q-11 must "Through a definition" { surge.shifts > 2 * floor + weighted }
  requirement Q-12 must "Twice" { floor + floor >= 7 - floor }
  requirement Q-13 must "Call" { all u in units: max(u.x, 2) >= u.y }
  requirement Q-14 must "Inline total" { surge.shifts >= sum(u.z for u in units) }
  requirement Q-15 must "Same total twice" { sum(u.z for u in units) / total_y <= 80% and occupied <= 4 * floor }
  requirement Q-16 must "Wide" { all u in units: u.x * 1125899906842624 * 1125899906842624 / 1125899906842624 / 1125899906842624 >= u.y }
  requirement Q-17 must "Wider" { all u in units: u.x * 1298074214633706907132624082305024 / 1298074214633706907132624082305024 >= u.y }
  requirement Q-18 must "Wide from small steps" { all u in units: u.x * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 / 1000000 / 1000000 / 1000000 / 1000000 / 1000000 / 1000000 >= u.y }
  requirement Q-19 must "Through two definitions" { occupancy <= 80% }
}
let total_y = sum(u.y for u in units)
let occupied = sum(u.z for u in units)
let weighted = floor * 3 - surge.kept
let occupancy = occupied / total_y
"#;

    /// The "to pass" entries worked out from linear forms ([`solved`]) are
    /// those the trials find: the same reports (every check, every entry,
    /// every message) and the same steps of work, under every work budget,
    /// on answers around the thresholds, zero, negative, fractions, at
    /// 2^20 (where [`small`] stops) and very large.
    #[test]
    fn linear_forms_give_what_the_trials_give() {
        let spec = match Spec::compile(
            "lin.netspec",
            &crate::Sources::single("lin.netspec", LINEAR),
        ) {
            Ok(s) => s,
            Err(e) => panic!("{e:?}"),
        };
        let ints: [i64; 16] = [
            0,
            1,
            2,
            3,
            5,
            -7,
            12,
            19,
            20,
            95,
            100,
            1000,
            1_048_575,
            1_048_576,
            1 << 40,
            i64::MAX,
        ];
        let fractions = [
            "0.5",
            "0.8",
            "0.95",
            "1",
            "0.333",
            "2.25",
            "-1.5",
            "1048575.5",
        ];
        let shares = [
            "0", "0.5", "0.8", "0.95", "1", "0.333", "0.123457", "0.0625",
        ];
        // at most `of`, as a relation (`max`) needs: none, a share, or all of it
        let part = |of: i64, k: usize| {
            let of = of.max(0);
            match k % 4 {
                0 => 0,
                1 => of / 2,
                2 => of - of / 20,
                _ => of,
            }
        };
        let run = |sub: &crate::submission::Submission, budget: u64, by_trial: bool| {
            let (report, steps, _) = report_by(&spec, sub, budget, by_trial);
            (report, steps)
        };
        SOLVED.with(|n| n.set(0));
        let (mut compared, mut entries, mut refused) = (0usize, 0usize, 0usize);
        for i in 0..600usize {
            let int = |k: usize| ints[(i * 7 / k + k * 3) % ints.len()];
            let frac = |k: usize| fractions[(i / k + k) % fractions.len()];
            let share = |k: usize| shares[(i / k + k) % shares.len()];
            let unit = |j: usize| {
                let y = ints[(i / 3 + j) % 15].max(0);
                format!(
                    r#"{{"x": {}, "y": {y}, "z": {}, "w": {}, "p": {}, "n": {}}}"#,
                    int(1 + j),
                    ["0", "3", "17", "40"][(i + j) % 4],
                    part(y, i / 5 + j),
                    share(2 + j),
                    frac(5 + j),
                )
            };
            let units: Vec<String> = (0..i % 4).map(unit).collect();
            let shifts = ints[(i / 2) % 16].max(0);
            let text = format!(
                r#"{{"floor": {}, "share": {}, "surge": {{"shifts": {shifts}, "kept": {}}}, "units": [{}]}}"#,
                ints[i % 16].max(0),
                share(3),
                part(shifts, i / 4),
                units.join(", ")
            );
            let Ok(sub) = spec.ingest_str(&text) else {
                refused += 1; // out of range: refused before any evaluation
                continue;
            };
            let (reference, steps) = run(&sub, u64::MAX, true);
            entries += reference
                .requirements
                .iter()
                .flat_map(|r| &r.explanation)
                .map(|c| c.to_pass.len())
                .sum::<usize>();
            let mut budgets = vec![u64::MAX, steps, steps.saturating_sub(1), steps / 2, 3];
            budgets.extend((1..8).map(|k| steps * k / 8 + (i as u64 % 5)));
            for budget in budgets {
                let trial = run(&sub, budget, true);
                let fast = run(&sub, budget, false);
                assert_eq!(fast.1, trial.1, "steps: {text} (budget {budget})");
                assert_eq!(fast.0, trial.0, "{text} (budget {budget})");
                compared += 1;
            }
        }
        let solved = SOLVED.with(std::cell::Cell::get);
        assert!(refused < 150, "{refused} submissions refused");
        assert!(compared > 5000, "{compared} reports compared");
        assert!(entries > 1000, "{entries} entries to pass");
        assert!(
            solved > 1000,
            "{solved} entries worked out from their forms"
        );
    }

    /// Checks small enough to be worked out from their forms, each node
    /// kind [`Sim`] counts: a literal, an answer of the root, of a group
    /// and of an element, arithmetic, negation, a definition that reads the
    /// answer tried met twice (the trial works it out once), a definition
    /// the trial keeps, a total, a value of a list, a group in a group, and
    /// an element's answer read beside the same answer of another element
    /// (the inner one of S-12's, read beside the outer); and two checks
    /// either side of where [`small`] stops (2^20), with forms of
    /// small parts: the value to pass (2^20 - 1) and the one below it both
    /// small in S-09, only the one below in S-10 (2^20 = 4 × 262,144).
    const NARROW: &str = r#"spec narrow "Narrow forms" { version "1" }
inputs "Units" {
  floor: int min 0 "Floor"
  surge: group "Surge" {
    shifts: int min 0 "Shifts"
    kept: int min 0 "Kept"
  }
  units: list min 0 "Units" item "unit" {
    x: int "X"
    y: int "Y"
  }
  net: group "Network" {
    host: group "Host" { beds: int min 0 "Beds" }
  }
}
let weighted = floor * 3 - surge.kept
let doubled = surge.shifts * 2
area quality {
  requirement S-01 must "Root" { floor >= 10 }
  requirement S-02 must "Group" { surge.kept >= surge.shifts }
  requirement S-03 must "Element" { all u in units: 2 * u.x >= u.y + 1 }
  requirement S-04 must "Negated" { -floor + 20 <= surge.kept }
  requirement S-05 must "Definition twice" { surge.kept > weighted + weighted }
  requirement S-06 must "Kept definition" { doubled + floor >= 50 }
  requirement S-07 must "Total" { sum(u.y for u in units) >= 40 }
  requirement S-08 must "Values" { all v in [12, 30]: floor >= v }
  requirement S-09 must "Just small" { floor >= 1048575 }
  requirement S-10 must "Just not small" { floor / 4 >= 262144 }
  requirement S-11 must "Group in a group" { net.host.beds >= floor + 1 }
  requirement S-12 must "Pairs" { all u in units: all v in units: 2 * u.x >= v.x + 1 }
  requirement S-13 must "Last" { floor >= 12 }
}
"#;

    /// Every "to pass" entry of a check whose form is narrow and whose
    /// values are small (below 2^20) is worked out from the form
    /// ([`solved`]), not tried, for every node kind the trials' steps are
    /// counted for, but for S-10, whose value to pass (2^20) is not small;
    /// also under a work budget just large enough for the whole report
    /// (S-13's trials' steps, the last work it does, just within it), and
    /// the report is the trials' report.
    #[test]
    fn narrow_forms_are_worked_out_not_tried() {
        let spec = match Spec::compile(
            "narrow.netspec",
            &crate::Sources::single("narrow.netspec", NARROW),
        ) {
            Ok(s) => s,
            Err(e) => panic!("{e:?}"),
        };
        let run = |sub: &crate::submission::Submission, budget: u64, by_trial: bool| {
            report_by(&spec, sub, budget, by_trial)
        };
        let text = r#"{"floor": 4, "surge": {"shifts": 9, "kept": 3}, "units": [{"x": 1, "y": 7}, {"x": 5, "y": 2}], "net": {"host": {"beds": 2}}}"#;
        let Ok(sub) = spec.ingest_str(text) else {
            panic!("{text}");
        };
        let (report, steps, solved) = run(&sub, u64::MAX, false);
        let mut entries = Vec::new();
        for r in &report.requirements {
            assert_eq!(r.outcome, crate::vocab::Outcome::NotMet, "{}", r.id);
            let n: usize = r.explanation.iter().map(|c| c.to_pass.len()).sum();
            assert!(n > 0, "{}: no entry", r.id);
            entries.push(n);
        }
        let total: usize = entries.iter().sum();
        assert_eq!(entries.len(), 13);
        assert_eq!(entries.get(7), Some(&2), "S-08: one for each value");
        assert_eq!(entries.get(9), Some(&1), "S-10");
        assert_eq!(solved, total - 1, "{entries:?}");
        let (trial, trial_steps, by_trial) = run(&sub, u64::MAX, true);
        assert_eq!(by_trial, 0);
        assert_eq!((&report, steps), (&trial, trial_steps));
        // a budget just large enough: the same report, each entry solved
        let (tight, tight_steps, tight_solved) = run(&sub, steps, false);
        assert_eq!(
            (&tight, tight_steps, tight_solved),
            (&report, steps, total - 1)
        );
    }

    /// A spec of one definition, which reads the answer tried (the third
    /// input), and one of two, the second reading the tried answer through
    /// the first: the trials work them out afresh, and the form goes through
    /// them, whether the table of what definitions read
    /// ([`FastSpec::reads`], checked here too) is used or not.
    #[test]
    fn definitions_reading_the_answer_tried_are_worked_out_afresh_in_the_trials() {
        const INPUTS: &str = r#"spec one "Definitions" { version "1" }
inputs "Provider" {
  a: int "A"
  b: int "B"
  c: int min 0 "C"
}
"#;
        // 4 + 8 < 30, and c + 2c >= 30 from c = 10;
        // 4 + (8 + 1) < 30, and c + 2c + 1 >= 30 from c = 10 (29/3 up)
        let one = "let doubled = c * 2\narea quality {\n  requirement O-01 must \"One\" { c + doubled >= 30 }\n}\n";
        let two = "let doubled = c * 2\nlet more = doubled + a\narea quality {\n  requirement O-01 must \"Two\" { c + more >= 30 }\n}\n";
        for (rules, reads) in [
            (one, vec![vec![(0, 2)]]),
            (two, vec![vec![(0, 2)], vec![(0, 0), (0, 2)]]),
        ] {
            let text = format!("{INPUTS}{rules}");
            let spec = match Spec::compile(
                "one.netspec",
                &crate::Sources::single("one.netspec", text.as_str()),
            ) {
                Ok(s) => s,
                Err(e) => panic!("{e:?}"),
            };
            assert_eq!(spec.fast_form().reads, reads, "{rules}");
            let answers = r#"{"a": 1, "b": 2, "c": 4}"#;
            let Ok(sub) = spec.ingest_str(answers) else {
                panic!("{answers}");
            };
            for (fast, by_trial) in [(true, true), (true, false), (false, true), (false, false)] {
                let general = spec.without_fast_path();
                let spec = if fast { &spec } else { &general };
                let (report, _, _) = report_by(spec, &sub, u64::MAX, by_trial);
                let entries: Vec<(&str, String)> = report
                    .requirements
                    .iter()
                    .flat_map(|r| &r.explanation)
                    .flat_map(|c| &c.to_pass)
                    .filter(|e| e.label == "C")
                    .map(|e| (e.label.as_str(), e.to.to_string()))
                    .collect();
                assert_eq!(
                    entries,
                    [("C", "10".to_string())],
                    "{rules}: fast {fast}, by trial {by_trial}"
                );
            }
        }
    }

    #[test]
    fn list_names_made_singular() {
        for (name, noun) in [
            ("units", "unit"),
            ("ibid_quarters", "ibid quarter"),
            ("facilities", "facility"),
            ("classes", "class"),
            ("boxes", "box"),
            ("churches", "church"),
            ("dishes", "dish"),
            ("programmes", "programme"),
            ("staff", "item"),
            ("address", "item"),
            ("s", "item"),
        ] {
            assert_eq!(singular(name), noun, "{name}");
        }
    }

    #[test]
    fn labels_start_lower_case_unless_an_acronym() {
        assert_eq!(
            lower_first("Shifts with a coordinator"),
            "shifts with a coordinator"
        );
        assert_eq!(lower_first("ICNARC months"), "ICNARC months");
        assert_eq!(lower_first("L3 beds"), "L3 beds");
        assert_eq!(lower_first("x"), "x");
        assert_eq!(lower_first(""), "");
        for s in [
            "Shifts with a coordinator",
            "ICNARC months",
            "L3 beds",
            "x",
            "",
            "Émile's beds",
            "ǅemal's beds",
            "ÉCOLE",
            "É",
            "already lower",
        ] {
            let mut out = String::from(">");
            push_lower_first(&mut out, s);
            assert_eq!(out, format!(">{}", lower_first(s)), "{s}");
        }
        assert_eq!(lower_first("Émile's beds"), "émile's beds");
        // a titlecase letter is lowered; a lower case one borrowed as it is
        assert_eq!(lower_first("ǅemal's beds"), "ǆemal's beds");
        assert!(matches!(lower_first("émile"), Cow::Borrowed(_)));
        assert_eq!(
            humanise_name("shifts_with_coordinator"),
            "Shifts with coordinator"
        );
        assert_eq!(humanise_name("_spare_beds_"), "Spare beds");
        assert_eq!(humanise_name("émile_beds"), "Émile beds");
        assert_eq!(humanise_name("ǆ_beds"), "Ǆ beds");
        assert_eq!(humanise_name("__"), "");
        assert_eq!(humanise_name(""), "");
    }
}
