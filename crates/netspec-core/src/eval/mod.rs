//! Evaluation: compiled rules ([`crate::ir`]) + a submission → three-valued
//! values, and the explanations of them ([`explain`]).
//!
//! Logic is three-valued (Kleene): a value is known or [`Unknown`], and an
//! unknown carries the inputs that would decide it (JSON pointers) and any
//! runtime problem (division by zero, the mean of an empty list) that kept
//! it from being computed. `false and unknown` is false, `true or unknown` is
//! true, comparisons with an unknown are unknown. The assessment date is
//! passed in; every loop counts its work against a budget. [`fast`] decides
//! fully answered rules first; answers' relations are checked in
//! `relations`.

mod explain;
pub mod fast;
mod relations;

use std::collections::HashSet;

use crate::builtins::{Arg, Builtin, Fail, Value};
use crate::calendar::{Date, Duration};
use crate::ir::CompiledSpec;
use crate::ir::{AggFn, Arith, Cmp, Const, Node, NodeKind, RecordId, Ty};
use crate::number::{ArithError, Num};
use crate::source::SourceMap;
use crate::submission::{Record, Stored, Submission};
use crate::vocab::Quant;

pub(crate) use explain::MAX_CHECKS;
pub use explain::{explain, explain_applicability, field_label, field_labels, Check, ToPass};
pub(crate) use relations::check_relations;

/// An input that was not answered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Missing {
    /// JSON pointer, e.g. `/units/1/rn_per_shift`.
    pub pointer: String,
    /// Record schema of the field.
    pub record: RecordId,
    /// Slot of the field.
    pub slot: usize,
}

/// Why a value is not known.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unknown {
    /// Unanswered inputs that would decide it.
    pub missing: Vec<Missing>,
    /// Runtime problems met on the way.
    pub problems: Vec<String>,
}

/// Gathers the unknowns of many list elements (or arguments) in time linear
/// in their size: a list of 10,000 unanswered elements must not cost
/// 10,000² comparisons. A few are compared one by one; past [`Gather::FEW`]
/// they are looked up in a set.
#[derive(Default)]
struct Gather {
    u: Option<Unknown>,
    seen: Option<HashSet<Missing>>,
    seen_problems: Option<HashSet<String>>,
}

/// Appends the items of `new` that `list` does not hold yet, in order.
fn add_new<T: Clone + Eq + std::hash::Hash>(
    list: &mut Vec<T>,
    seen: &mut Option<HashSet<T>>,
    new: Vec<T>,
) {
    for x in new {
        match seen {
            Some(set) => {
                if set.insert(x.clone()) {
                    list.push(x);
                }
            }
            None => {
                if !list.contains(&x) {
                    list.push(x);
                    if list.len() > Gather::FEW {
                        *seen = Some(list.iter().cloned().collect());
                    }
                }
            }
        }
    }
}

impl Gather {
    /// How many are compared one by one.
    const FEW: usize = 16;

    fn add(&mut self, other: Unknown) {
        let u = self.u.get_or_insert_with(Unknown::default);
        add_new(&mut u.missing, &mut self.seen, other.missing);
        add_new(&mut u.problems, &mut self.seen_problems, other.problems);
    }

    fn finish(self) -> Option<Unknown> {
        self.u
    }
}

impl Unknown {
    fn merge(mut self, other: Unknown) -> Unknown {
        if self.missing.len().saturating_mul(other.missing.len()) > 64
            || self.problems.len().saturating_mul(other.problems.len()) > 64
        {
            let mut g = Gather::default();
            g.add(self);
            g.add(other);
            return g.finish().unwrap_or_default();
        }
        for m in other.missing {
            if !self.missing.contains(&m) {
                self.missing.push(m);
            }
        }
        for p in other.problems {
            if !self.problems.contains(&p) {
                self.problems.push(p);
            }
        }
        self
    }
}

/// A runtime value.
#[derive(Debug, Clone, PartialEq)]
pub enum V<'a> {
    /// bool
    Bool(bool),
    /// int/number/percent
    Num(Num),
    /// date
    Date(Date),
    /// duration
    Dur(Duration),
    /// text
    Text(&'a str),
    /// enum index
    Enum(u32),
    /// a record (group or element)
    Rec(&'a Record),
    /// a list input
    List(&'a [Record]),
    /// a list literal
    Values(Vec<V<'a>>),
    /// not known
    Unknown(Box<Unknown>),
}

impl V<'_> {
    fn unknown(u: Unknown) -> Self {
        V::Unknown(Box::new(u))
    }
    fn problem(msg: String) -> Self {
        V::unknown(Unknown {
            missing: Vec::new(),
            problems: vec![msg],
        })
    }

    /// The value as a function of the language sees it.
    fn as_arg(&self) -> Arg {
        match self {
            V::Num(x) => Arg::Num(*x),
            V::Date(d) => Arg::Date(*d),
            V::List(l) => Arg::List(l.len()),
            V::Values(l) => Arg::List(l.len()),
            V::Bool(_) | V::Dur(_) | V::Text(_) | V::Enum(_) | V::Rec(_) | V::Unknown(_) => {
                Arg::Other
            }
        }
    }
}

/// The elements of a list, in order.
enum Elems<'a> {
    /// The records of a list input.
    Records(std::slice::Iter<'a, Record>),
    /// The values of a list literal.
    Values(std::vec::IntoIter<V<'a>>),
}

impl<'a> Iterator for Elems<'a> {
    type Item = V<'a>;

    fn next(&mut self) -> Option<V<'a>> {
        match self {
            Elems::Records(it) => it.next().map(V::Rec),
            Elems::Values(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Elems::Records(it) => it.size_hint(),
            Elems::Values(it) => it.size_hint(),
        }
    }
}

/// Evaluation state for one submission.
pub struct Ctx<'a> {
    pub(crate) spec: &'a CompiledSpec,
    /// The rules compiled for the fast evaluator ([`Ctx::with_fast`]);
    /// none by default.
    pub(crate) fast: &'a fast::FastSpec,
    pub(crate) map: &'a SourceMap,
    pub(crate) sub: &'a Submission,
    pub(crate) date: Option<Date>,
    env: Vec<V<'a>>,
    lets: Vec<Option<V<'a>>>,
    /// Work done so far (see [`crate::Limits::max_eval_steps`]).
    steps: u64,
    /// Work allowed.
    budget: u64,
    /// The fast evaluator's bound elements ([`fast`]).
    fenv: Vec<&'a Record>,
    /// Where the elements a definition's body may see start in `fenv`.
    fenv_base: usize,
    /// Definitions the current fast attempt worked out (forgotten if it
    /// gives up): bit `k` for definition `k` below 64, ...
    fast_lets_low: u64,
    /// ... and the others' numbers (no room taken for a spec with fewer).
    fast_lets_set: Vec<usize>,
    /// `assessment date - duration` for the durations of `within` met so far.
    periods: [Option<(Duration, Option<Date>)>; 4],
    /// What only explanations use ([`explain`]), made at their first trial:
    /// an evaluation without explanations neither builds nor drops it.
    explaining: Option<Box<Explaining<'a>>>,
}

/// The state of [`Ctx`] that only explanations use ([`explain`]).
#[derive(Default)]
struct Explaining<'a> {
    /// A value tried in place of an answer or a total while an explanation
    /// works out what it would take to pass.
    trial: Option<Trial<'a>>,
    /// The definitions' values of the last trial, kept for the next one to
    /// reuse its room.
    spare_lets: Vec<Option<V<'a>>>,
    /// Room for the definitions' values a trial in place takes out.
    spare_taken: Vec<(usize, V<'a>)>,
}

/// A value tried in place of what the submission says.
#[derive(Debug, Clone)]
enum Trial<'a> {
    /// The answer in slot `.1` of record `.0`.
    Answer(Record, usize, V<'a>),
    /// The value of one node (a `sum(…)` over a list).
    Node(&'a Node, V<'a>),
}

/// The fast form of a spec none of whose rules the fast evaluator decides.
static NO_FAST_FORM: fast::FastSpec = fast::FastSpec {
    requirements: Vec::new(),
    lets: Vec::new(),
    reads: Vec::new(),
    labels: Vec::new(),
};

/// The problem a requirement gets when the work budget runs out.
pub fn budget_problem(budget: u64) -> String {
    format!("the evaluation work budget ({budget} steps) was exceeded before this was decided")
}

impl<'a> Ctx<'a> {
    /// A fresh context.
    pub fn new(
        spec: &'a CompiledSpec,
        map: &'a SourceMap,
        sub: &'a Submission,
        date: Option<Date>,
    ) -> Self {
        Ctx {
            spec,
            fast: &NO_FAST_FORM,
            map,
            sub,
            date,
            env: Vec::new(),
            lets: std::iter::repeat_with(|| None)
                .take(spec.lets.len())
                .collect(),
            steps: 0,
            budget: crate::limits::Limits::default().max_eval_steps,
            fenv: Vec::new(),
            fenv_base: 0,
            fast_lets_low: 0,
            fast_lets_set: Vec::new(),
            periods: [None; 4],
            explaining: None,
        }
    }

    /// The value tried in place, while an explanation tries one.
    #[inline]
    fn trial(&self) -> Option<&Trial<'a>> {
        self.explaining.as_ref()?.trial.as_ref()
    }

    /// The explanations' state, made the first time it is asked for.
    fn explaining(&mut self) -> &mut Explaining<'a> {
        self.explaining.get_or_insert_with(Box::default)
    }

    /// The context deciding what it can with `fast`, the fast form of its
    /// spec ([`fast::compile`]); the general evaluator decides the rest.
    #[must_use]
    pub fn with_fast(mut self, fast: &'a fast::FastSpec) -> Self {
        self.fast = fast;
        self
    }

    /// Sets the work budget: once this many steps are done, every further
    /// evaluation is unknown with [`budget_problem`].
    pub fn set_budget(&mut self, steps: u64) {
        self.budget = steps;
    }

    /// Steps of work done so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Whether the work budget has run out.
    pub fn exhausted(&self) -> bool {
        self.steps > self.budget
    }

    /// Counts `n` steps of work; false once the budget has run out.
    fn charge(&mut self, n: u64) -> bool {
        self.steps = self.steps.saturating_add(n);
        self.steps <= self.budget
    }

    pub(crate) fn text(&self, n: &Node) -> &'a str {
        self.map.slice(n.span)
    }

    fn read(&self, rec: &'a Record, rid: RecordId, slot: usize) -> V<'a> {
        if let Some(Trial::Answer(r, s, v)) = self.trial() {
            if r == rec && *s == slot {
                return v.clone();
            }
        }
        match self.sub.answer(rec, slot) {
            Some(s) => match s {
                Stored::Bool(b) => V::Bool(*b),
                Stored::Int(i) => V::Num(Num::int((*i).into())),
                Stored::Num(n) => V::Num(*n),
                Stored::Date(d) => V::Date(*d),
                Stored::Text(t) => V::Text(t),
                Stored::Enum(e) => V::Enum(*e),
                Stored::Group(r) => V::Rec(r),
                Stored::List(l) => V::List(l),
            },
            _ => {
                let name = self
                    .spec
                    .schema
                    .records
                    .get(rid)
                    .and_then(|r| r.fields.get(slot))
                    .map_or("?", |f| f.name.as_str());
                let pointer = format!("{}/{}", self.sub.pointer(rec), name);
                V::unknown(Unknown {
                    missing: vec![Missing {
                        pointer,
                        record: rid,
                        slot,
                    }],
                    problems: Vec::new(),
                })
            }
        }
    }

    pub(crate) fn push(&mut self, v: V<'a>) {
        self.env.push(v);
    }

    pub(crate) fn pop(&mut self) {
        self.env.pop();
    }

    /// The elements a list expression yields.
    pub(crate) fn elements(&mut self, list: &'a Node) -> Result<Vec<V<'a>>, Unknown> {
        self.elems(list).map(Iterator::collect)
    }

    /// The elements a list expression yields, one by one (no list is built
    /// for a list input).
    fn elems(&mut self, list: &'a Node) -> Result<Elems<'a>, Unknown> {
        let v = self.eval(list);
        // visiting the elements is work too, even when nothing is evaluated for them
        let n = match &v {
            V::List(recs) => recs.len(),
            V::Values(vs) => vs.len(),
            _ => 0,
        };
        if !self.charge(u64::try_from(n).unwrap_or(u64::MAX)) {
            return Err(Unknown {
                missing: Vec::new(),
                problems: vec![budget_problem(self.budget)],
            });
        }
        match v {
            V::List(recs) => Ok(Elems::Records(recs.iter())),
            V::Values(vs) => Ok(Elems::Values(vs.into_iter())),
            V::Unknown(u) => Err(*u),
            _ => Err(Unknown {
                missing: Vec::new(),
                problems: vec!["not a list".into()],
            }),
        }
    }

    /// Evaluates one node.
    pub fn eval(&mut self, n: &'a Node) -> V<'a> {
        if !self.charge(1) {
            return V::problem(budget_problem(self.budget));
        }
        if let Some(Trial::Node(t, v)) = self.trial() {
            if std::ptr::eq(*t, n) {
                return v.clone();
            }
        }
        match &n.kind {
            NodeKind::Const(c) => const_value(c),
            NodeKind::AssessmentDate => match self.date {
                Some(d) => V::Date(d),
                None => V::problem("no assessment date was given".into()),
            },
            NodeKind::Input(slot) => self.read(&self.sub.root, 0, *slot),
            NodeKind::Var(depth) => {
                let i = self.env.len().checked_sub(1 + depth);
                i.and_then(|i| self.env.get(i))
                    .cloned()
                    .unwrap_or_else(|| V::problem("unbound variable".into()))
            }
            NodeKind::Let(i) => {
                if let Some(Some(v)) = self.lets.get(*i) {
                    return v.clone();
                }
                let Some(def) = self.spec.lets.get(*i) else {
                    return V::problem("unknown definition".into());
                };
                // definitions never see bound variables
                let saved = std::mem::take(&mut self.env);
                let v = self.eval(&def.value);
                self.env = saved;
                if let Some(slot) = self.lets.get_mut(*i) {
                    *slot = Some(v.clone());
                }
                v
            }
            NodeKind::Field(base, slot) => {
                let rid = match base.ty {
                    Ty::Record(r) => r,
                    _ => return V::problem("not a group or list element".into()),
                };
                match self.eval(base) {
                    V::Rec(r) => self.read(r, rid, *slot),
                    V::Unknown(u) => {
                        // an unanswered group: the question still to answer is the field in it
                        match (&base.kind, u.missing.as_slice(), u.problems.is_empty()) {
                            (NodeKind::Input(_) | NodeKind::Field(..), [m], true) => {
                                let name = self
                                    .spec
                                    .schema
                                    .records
                                    .get(rid)
                                    .and_then(|r| r.fields.get(*slot))
                                    .map_or("?", |f| f.name.as_str());
                                let pointer = format!("{}/{name}", m.pointer);
                                V::unknown(Unknown {
                                    missing: vec![Missing {
                                        pointer,
                                        record: rid,
                                        slot: *slot,
                                    }],
                                    problems: Vec::new(),
                                })
                            }
                            _ => V::Unknown(u),
                        }
                    }
                    _ => V::problem("not a group or list element".into()),
                }
            }
            NodeKind::Values(items) => {
                let mut vs = Vec::with_capacity(items.len());
                for i in items {
                    if self.exhausted() {
                        return V::problem(budget_problem(self.budget));
                    }
                    vs.push(self.eval(i));
                }
                V::Values(vs)
            }
            NodeKind::Not(x) => match self.eval(x) {
                V::Bool(b) => V::Bool(!b),
                other => other,
            },
            NodeKind::Neg(x) => match self.eval(x) {
                V::Num(v) => self.num(v.negate(), n),
                other => other,
            },
            NodeKind::And(a, b) => {
                let va = self.eval(a);
                if va == V::Bool(false) {
                    return va;
                }
                let vb = self.eval(b);
                and(va, vb)
            }
            NodeKind::Or(a, b) => {
                let va = self.eval(a);
                if va == V::Bool(true) {
                    return va;
                }
                let vb = self.eval(b);
                or(va, vb)
            }
            NodeKind::Implies(a, b) => {
                let va = self.eval(a);
                if va == V::Bool(false) {
                    return V::Bool(true);
                }
                let vb = self.eval(b);
                let na = match va {
                    V::Bool(x) => V::Bool(!x),
                    other => other,
                };
                or(na, vb)
            }
            NodeKind::Arith(op, a, b) => {
                let (va, vb) = (self.eval(a), self.eval(b));
                match (va, vb) {
                    (V::Num(x), V::Num(y)) => {
                        let r = match op {
                            Arith::Add => x.plus(y),
                            Arith::Sub => x.minus(y),
                            Arith::Mul => x.times(y),
                            Arith::Div => x.over(y),
                        };
                        self.num(r, n)
                    }
                    (va, vb) => unknown_of(va, vb),
                }
            }
            NodeKind::DateShift(minus, d, dur) => match (self.eval(d), self.eval(dur)) {
                (V::Date(x), V::Dur(y)) => {
                    let r = if *minus { x.minus(y) } else { x.plus(y) };
                    r.map_or_else(
                        || V::problem(format!("`{}` is outside the calendar", self.text(n))),
                        V::Date,
                    )
                }
                (va, vb) => unknown_of(va, vb),
            },
            NodeKind::DateDiff(a, b) => match (self.eval(a), self.eval(b)) {
                (V::Date(x), V::Date(y)) => V::Num(Num::int(y.days_until(x).into())),
                (va, vb) => unknown_of(va, vb),
            },
            NodeKind::Compare(op, a, b) => {
                let (va, vb) = (self.eval(a), self.eval(b));
                match compare(*op, &va, &vb) {
                    Some(r) => V::Bool(r),
                    None => unknown_of(va, vb),
                }
            }
            NodeKind::In(negated, x, items) => {
                let vx = self.eval(x);
                if let V::Unknown(u) = vx {
                    return V::Unknown(u);
                }
                let mut unknown = Gather::default();
                let mut found = false;
                for i in items {
                    if self.exhausted() {
                        return V::problem(budget_problem(self.budget));
                    }
                    let vi = self.eval(i);
                    match compare(Cmp::Eq, &vx, &vi) {
                        Some(true) => {
                            found = true;
                            break;
                        }
                        Some(false) => {}
                        None => {
                            if let V::Unknown(u) = vi {
                                unknown.add(*u);
                            }
                        }
                    }
                }
                match (found, unknown.finish()) {
                    (true, _) => V::Bool(!negated),
                    (false, Some(u)) => V::unknown(u),
                    (false, None) => V::Bool(*negated),
                }
            }
            NodeKind::Within(d, dur) => match (self.eval(d), self.eval(dur), self.date) {
                (V::Date(x), V::Dur(y), Some(today)) => match today.minus(y) {
                    Some(start) => V::Bool(x >= start && x <= today),
                    None => V::problem("the period reaches outside the calendar".into()),
                },
                (V::Unknown(u), _, _) => V::Unknown(u),
                (_, _, None) => V::problem("no assessment date was given".into()),
                _ => V::problem("not a date".into()),
            },
            NodeKind::If(c, a, b) => match self.eval(c) {
                V::Bool(true) => self.eval(a),
                V::Bool(false) => self.eval(b),
                V::Unknown(u) => {
                    let (va, vb) = (self.eval(a), self.eval(b));
                    if va == vb {
                        return va;
                    }
                    let mut u = *u;
                    for v in [va, vb] {
                        if let V::Unknown(x) = v {
                            u = u.merge(*x);
                        }
                    }
                    V::unknown(u)
                }
                other => other,
            },
            NodeKind::Quantifier(q, list, body) => {
                let elems = match self.elems(list) {
                    Ok(e) => e,
                    Err(u) => return V::unknown(u),
                };
                let decisive = *q == Quant::Any; // `any` stops at true, `all` at false
                let mut unknown = Gather::default();
                for e in elems {
                    if self.exhausted() {
                        return V::problem(budget_problem(self.budget));
                    }
                    self.push(e);
                    let v = self.eval(body);
                    self.pop();
                    match v {
                        V::Bool(b) if b == decisive => return V::Bool(decisive),
                        V::Unknown(u) => unknown.add(*u),
                        _ => {}
                    }
                }
                match unknown.finish() {
                    Some(u) => V::unknown(u),
                    None => V::Bool(!decisive),
                }
            }
            NodeKind::Count(list, filter) => {
                let elems = match self.elems(list) {
                    Ok(e) => e,
                    Err(u) => return V::unknown(u),
                };
                let Some(filter) = filter else {
                    return V::Num(Num::int(elems.count() as i128));
                };
                let mut count: i128 = 0;
                let mut unknown = Gather::default();
                for e in elems {
                    if self.exhausted() {
                        return V::problem(budget_problem(self.budget));
                    }
                    self.push(e);
                    let v = self.eval(filter);
                    self.pop();
                    match v {
                        V::Bool(true) => count += 1,
                        V::Unknown(u) => unknown.add(*u),
                        _ => {}
                    }
                }
                match unknown.finish() {
                    Some(u) => V::unknown(u),
                    None => V::Num(Num::int(count)),
                }
            }
            NodeKind::Aggregate(f, list, body, filter) => {
                self.aggregate(*f, list, body, filter.as_deref(), n)
            }
            NodeKind::Call(f, args) => self.call(*f, args, n),
            NodeKind::Present(x) => match self.eval(x) {
                V::Unknown(u) => V::Bool(!u.problems.is_empty() || u.missing.is_empty()),
                _ => V::Bool(true),
            },
            NodeKind::Error => V::problem("the spec has an error here".into()),
        }
    }

    fn num(&self, r: Result<Num, ArithError>, n: &Node) -> V<'a> {
        match r {
            Ok(v) => V::Num(v),
            Err(e) => V::problem(format!("{e} in `{}`", self.text(n))),
        }
    }

    fn aggregate(
        &mut self,
        f: AggFn,
        list: &'a Node,
        body: &'a Node,
        filter: Option<&'a Node>,
        n: &'a Node,
    ) -> V<'a> {
        let elems = match self.elems(list) {
            Ok(e) => e,
            Err(u) => return V::unknown(u),
        };
        // one pass, no list of values: the running total (sum, mean) or the
        // best so far (min, max); an unknown anywhere wins over a problem
        let mut unknown = Gather::default();
        let mut total = Num::ZERO;
        let mut overflow: Option<ArithError> = None;
        let mut count: i128 = 0;
        let mut best: Option<V<'a>> = None;
        for e in elems {
            if self.exhausted() {
                return V::problem(budget_problem(self.budget));
            }
            self.push(e);
            let keep = match filter.map(|f| self.eval(f)) {
                None | Some(V::Bool(true)) => true,
                Some(V::Unknown(u)) => {
                    unknown.add(*u);
                    false
                }
                Some(_) => false,
            };
            if keep {
                match self.eval(body) {
                    V::Unknown(u) => unknown.add(*u),
                    v => {
                        count += 1;
                        match f {
                            AggFn::Sum | AggFn::Mean => {
                                if let (V::Num(x), None) = (&v, overflow) {
                                    match total.plus(*x) {
                                        Ok(t) => total = t,
                                        Err(e) => overflow = Some(e),
                                    }
                                }
                            }
                            AggFn::Min | AggFn::Max => {
                                best = Some(match best {
                                    None => v,
                                    Some(a) => {
                                        // a later value wins a tie for max, the earlier for min
                                        let pick_v = compare(Cmp::Lt, &v, &a)
                                            .is_some_and(|lt| lt == (f == AggFn::Min));
                                        if pick_v {
                                            v
                                        } else {
                                            a
                                        }
                                    }
                                });
                            }
                        }
                    }
                }
            }
            self.pop();
        }
        if let Some(u) = unknown.finish() {
            return V::unknown(u);
        }
        let name = match f {
            AggFn::Sum => "sum",
            AggFn::Mean => "mean",
            AggFn::Min => "min",
            AggFn::Max => "max",
        };
        match f {
            AggFn::Sum | AggFn::Mean => {
                if let Some(e) = overflow {
                    return V::problem(format!("{e} in `{}`", self.text(n)));
                }
                if f == AggFn::Sum {
                    return V::Num(total);
                }
                if count == 0 {
                    return V::problem(format!("`{}` is the mean of an empty list", self.text(n)));
                }
                self.num(total.over(Num::int(count)), n)
            }
            AggFn::Min | AggFn::Max => best.unwrap_or_else(|| {
                V::problem(format!("`{}` is the {name} of an empty list", self.text(n)))
            }),
        }
    }

    fn call(&mut self, f: Builtin, args: &'a [Node], n: &'a Node) -> V<'a> {
        let mut vals: Vec<V<'a>> = Vec::with_capacity(args.len());
        for a in args {
            if self.exhausted() {
                return V::problem(budget_problem(self.budget));
            }
            vals.push(self.eval(a));
        }
        let mut unknown = Gather::default();
        for v in &vals {
            if let V::Unknown(u) = v {
                unknown.add((**u).clone());
            }
        }
        if let Some(u) = unknown.finish() {
            return V::unknown(u);
        }
        let view: Vec<Arg> = vals.iter().map(V::as_arg).collect();
        match f.apply(&view) {
            Ok(Value::Bool(b)) => V::Bool(b),
            Ok(Value::Num(x)) => V::Num(x),
            Ok(Value::Date(d)) => V::Date(d),
            Ok(Value::Arg(i)) => vals
                .into_iter()
                .nth(i)
                .unwrap_or_else(|| V::problem("no arguments".into())),
            Err(Fail::Arith(e)) => self.num(Err(e), n),
            Err(Fail::NotADate) => V::problem("not a date".into()),
            Err(Fail::Unevaluable) => V::problem(format!("cannot evaluate `{}`", self.text(n))),
        }
    }
}

/// A literal's value.
pub(crate) fn const_value(c: &Const) -> V<'_> {
    match c {
        Const::Bool(b) => V::Bool(*b),
        Const::Num(x) => V::Num(*x),
        Const::Date(d) => V::Date(*d),
        Const::Duration(d) => V::Dur(*d),
        Const::Text(t) => V::Text(t),
        Const::Enum(e) => V::Enum(*e),
    }
}

fn unknown_of<'a>(a: V<'a>, b: V<'a>) -> V<'a> {
    match (a, b) {
        (V::Unknown(x), V::Unknown(y)) => V::unknown(x.merge(*y)),
        (V::Unknown(x), _) | (_, V::Unknown(x)) => V::Unknown(x),
        _ => V::problem("operands of the wrong kind".into()),
    }
}

/// Kleene conjunction.
pub fn and<'a>(a: V<'a>, b: V<'a>) -> V<'a> {
    match (a, b) {
        (V::Bool(false), _) | (_, V::Bool(false)) => V::Bool(false),
        (V::Bool(true), V::Bool(true)) => V::Bool(true),
        (a, b) => unknown_of(a, b),
    }
}

/// Kleene disjunction.
pub fn or<'a>(a: V<'a>, b: V<'a>) -> V<'a> {
    match (a, b) {
        (V::Bool(true), _) | (_, V::Bool(true)) => V::Bool(true),
        (V::Bool(false), V::Bool(false)) => V::Bool(false),
        (a, b) => unknown_of(a, b),
    }
}

/// Compares two known values; `None` when either is unknown or they differ in kind.
pub fn compare(op: Cmp, a: &V<'_>, b: &V<'_>) -> Option<bool> {
    use std::cmp::Ordering;
    let ord: Ordering = match (a, b) {
        (V::Num(x), V::Num(y)) => x.compare(*y),
        (V::Date(x), V::Date(y)) => x.cmp(y),
        (V::Text(x), V::Text(y)) => x.cmp(y),
        (V::Bool(x), V::Bool(y)) => x.cmp(y),
        (V::Enum(x), V::Enum(y)) => x.cmp(y),
        _ => return None,
    };
    Some(op.holds(ord))
}
