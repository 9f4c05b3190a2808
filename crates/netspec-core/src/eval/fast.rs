//! The fast evaluator: compiled rules ([`crate::ir`]) → [`FastSpec`], the
//! rules compiled once more by static type, which decides a requirement whose
//! inputs are all answered.
//!
//! A rule is a tree of [`B`] (bool) nodes over [`I`] (whole numbers, as
//! `i128`), [`N`] (exact rationals), [`D`] (dates), [`T`] (text), [`E`]
//! (enum values), [`R`] (records) and [`L`] (lists) nodes. Evaluating one
//! never looks at a value's kind and builds nothing on the heap. At the first
//! unanswered input, runtime problem, budget overrun or construct it does not
//! compile, it gives up ([`Bail`]) and the general evaluator
//! ([`super::Ctx::eval`]) decides. When it does decide, it gives the outcome
//! the general evaluator would give and counts the same steps of work.
//! Under a work budget larger than 2^62 steps (`FAST_BUDGET`: one no
//! evaluation could spend) it decides nothing, and the general evaluator
//! decides every requirement.
//!
//! A quantifier's body that tests only answers of the element, the root and
//! its groups is compiled once more into an [`Elem`] tree, and a total of a
//! linear form of the element's answers into a [`Lin`]: whole-number
//! answers in exact linear forms, read without binding the element.
//! Comparisons, rates and divisions whose operands are literals, answers
//! of the root or of its groups, or definitions ([`Leaf`]) are read in
//! place ([`B::Leaves`], [`B::RateLeaves`], [`B::DivLeaves`]); a field of a
//! group in a group is read by its path ([`Src::Path`]); a whole-number
//! definition is worked out as an `i64`. A total over a list answer of the
//! root has a loop of its own ([`I::SumField`], [`I::SumLinRoot`]), and a
//! literal a rate is compared with is split into `i64` numerator and
//! denominator once ([`Rate`]).

use std::sync::Arc;

use super::{compare, const_value, Ctx, V};
use crate::builtins::{Builtin, Lowering};
use crate::calendar::{Date, Duration};
use crate::ir::{AggFn, Arith, Cmp, Const, Node, NodeKind, RecordId, Ty};
use crate::number::Num;
use crate::submission::{Record, Stored};
use crate::vocab::Quant;

/// Why the fast evaluator gave up on a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bail {
    /// An input it reads is not answered.
    Missing,
    /// Anything else: a runtime problem, an unexpected value.
    Other,
    /// The work budget ran out: the requirement is incomplete whichever
    /// evaluator decides it, so the general one does not start it again.
    Budget,
}

type Res<T> = Result<T, Bail>;

/// The fast form of a spec: one entry per requirement (in report order) and
/// per definition; `None` where a rule uses something this evaluator does
/// not compile (then the full evaluator always decides it).
#[derive(Debug, Clone, Default)]
pub struct FastSpec {
    /// Per requirement.
    pub requirements: Vec<Option<FastRequirement>>,
    /// Per definition.
    pub lets: Vec<Option<Any>>,
    /// Per definition: the answers it reads (record, slot), directly or
    /// through other definitions, sorted. Explanations use it to tell which
    /// definitions an answer tried in place invalidates; when it is empty
    /// (no fast form, or a definition that names one that does not exist)
    /// they walk the definitions instead.
    pub reads: Vec<Vec<(RecordId, usize)>>,
    /// Per record and slot of the schema: the input's short label
    /// ([`super::field_label`]), made once for explanations to borrow;
    /// empty when there is no fast form (then they are made as needed).
    pub labels: Vec<Vec<String>>,
}

/// A requirement's applicability and rule.
#[derive(Debug, Clone)]
pub struct FastRequirement {
    /// `applies when`.
    pub applies: Option<B>,
    /// The rule.
    pub rule: B,
}

/// Where an input is read from: a field of the submission root
/// (`Input(slot)`: one step) or of a record (`Field(base, slot)`: one step
/// and the base's).
#[derive(Debug, Clone)]
pub enum Src {
    /// `NodeKind::Input(slot)`.
    Root(usize),
    /// `NodeKind::Field(NodeKind::Var(depth), slot)`: a field of a bound
    /// element (two steps), the commonest read of all.
    Var(usize, usize),
    /// `NodeKind::Field(base, slot)`.
    Field(Box<R>, usize),
    /// A field of a group nested in groups of the root: the group inputs'
    /// slots from the root down, then the field's (one step per
    /// `NodeKind::Field` and one for the root's input), read in place.
    Path(Box<[usize]>, usize),
}

/// Records: groups and list elements.
#[derive(Debug, Clone)]
pub enum R {
    /// A group input.
    Read(Src),
    /// The element bound `depth` quantifiers out.
    Var(usize),
    /// A definition.
    Let(usize),
}

/// Lists of records (list inputs).
#[derive(Debug, Clone)]
pub enum L {
    /// A list input.
    Read(Src),
    /// A definition.
    Let(usize),
}

/// Bool expressions.
#[derive(Debug, Clone)]
pub enum B {
    /// A literal.
    Const(bool),
    /// A bool input.
    Read(Src),
    /// A definition.
    Let(usize),
    /// `not`
    Not(Box<B>),
    /// `and`
    And(Box<B>, Box<B>),
    /// `or`
    Or(Box<B>, Box<B>),
    /// `implies`
    Implies(Box<B>, Box<B>),
    /// `if c then a else b`
    If(Box<B>, Box<B>, Box<B>),
    /// Whole numbers compared.
    CmpI(Cmp, Box<I>, Box<I>),
    /// Two whole-number [`Leaf`]s compared: a [`B::CmpI`] read in place
    /// (one step and the leaves').
    Leaves(Cmp, Leaf, Leaf),
    /// `a / b <op> literal` for whole-number [`Leaf`]s: a [`B::CmpRate`]
    /// read in place (three steps and the leaves').
    RateLeaves(Cmp, Leaf, Leaf, Rate),
    /// `a / b <op> c` for whole-number [`Leaf`]s: a [`B::CmpN`] of a
    /// division, compared by cross-multiplying (two steps and the leaves').
    DivLeaves(Cmp, Leaf, Leaf, Leaf),
    /// Numbers compared.
    CmpN(Cmp, Box<N>, Box<N>),
    /// `a / b <op> c` for whole numbers `a`, `b` and a literal `c`.
    CmpRate(Cmp, Box<I>, Box<I>, Rate),
    /// `e.field <op> literal` for a whole-number field of the element bound
    /// `depth` quantifiers out (four steps: comparison, field, element, literal).
    ElementVsInt(Cmp, usize, usize, i64),
    /// `e.a / e.b <op> literal` for whole-number fields of one bound element
    /// (seven steps).
    ElementRate(Cmp, usize, usize, usize, Rate),
    /// Dates compared.
    CmpD(Cmp, Box<D>, Box<D>),
    /// Text compared.
    CmpT(Cmp, Box<T>, Box<T>),
    /// Enum values compared.
    CmpE(Cmp, Box<E>, Box<E>),
    /// Bools compared.
    CmpB(Cmp, Box<B>, Box<B>),
    /// `x in [literals]` (negated for `not in`).
    In(bool, Box<Any>, Vec<Const>),
    /// `x in [enum literals]` (negated for `not in`).
    InEnum(bool, Box<E>, Vec<u32>),
    /// `date within duration`.
    Within(Box<D>, Duration),
    /// `all`/`any`
    Quant(Quant, Box<L>, Box<B>),
    /// `all`/`any` whose body tests only answers of the element, the root
    /// and its groups ([`Elem`]): the element is never bound.
    QuantElem(Quant, Box<L>, Box<Elem>),
    /// `present(path)`
    Present(Box<Any>),
}

/// A test of the answers of one list element (the element bound by the
/// quantifier whose body it is), of the root and of the root's groups,
/// compiled from a quantifier's body: reads need no bound element, and each
/// node counts the steps of the tree it replaces.
#[derive(Debug, Clone)]
pub enum Elem {
    /// A bool answer.
    Bool(Loc),
    /// Linear forms of whole-number fields compared: the comparison's step
    /// and both forms'.
    Cmp(Cmp, Lin, Lin),
    /// `e.field <op> literal` for a whole-number field (four steps).
    VsInt(Cmp, usize, i64),
    /// `e.a / e.b <op> literal` (seven steps).
    Rate(Cmp, usize, usize, Rate),
    /// An enum answer among enum literals (negated for `not in`): one step,
    /// the read's, and one per literal looked at.
    InEnum(bool, Loc, Box<[u32]>),
    /// Whole-number answers `a / b <op> literal`: three steps and the reads'.
    RateOf(Cmp, Loc, Loc, Rate),
    /// An enum answer compared with an enum literal: two steps and the read's.
    EnumVs(Cmp, Loc, u32),
    /// `not` (one step).
    Not(Box<Elem>),
    /// `and` (one step).
    And(Box<Elem>, Box<Elem>),
    /// `or` (one step).
    Or(Box<Elem>, Box<Elem>),
    /// `implies` (one step).
    Implies(Box<Elem>, Box<Elem>),
}

/// The literal a quotient of two whole numbers is compared with
/// (`rate_cmp`): with its numerator and denominator as `i64`s when both
/// fit in one (then the comparison cross-multiplies in `i128`, one
/// 64 × 64 → 128-bit product a side, at most 2^126), else with a
/// denominator of zero (then it divides exactly).
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// Numerator, when it fits.
    n: i64,
    /// Denominator (positive), when both fit; else zero.
    d: i64,
    /// The literal.
    c: Num,
}

impl Rate {
    fn of(c: Num) -> Rate {
        // `i64::MIN` too: its product with any `i64` is within `i128`
        let (n, d) = match (i64::try_from(c.numer()), i64::try_from(c.denom())) {
            (Ok(n), Ok(d)) => (n, d),
            _ => (0, 0),
        };
        Rate { n, d, c }
    }
}

/// A whole-number operand read without a tree: a literal, an answer of the
/// root or of a group of the root, or a definition. It counts the steps of
/// the [`I`] node it replaces.
#[derive(Debug, Clone, Copy)]
pub enum Leaf {
    /// A literal (one step).
    Const(i64),
    /// A whole-number answer of the root (one step).
    Root(usize),
    /// A whole-number field of a group answer of the root (two steps).
    Group(usize, usize),
    /// A whole-number definition (one step, and its body's the first time).
    Let(usize),
}

/// Where an [`Elem`] reads an answer, with the steps the tree counts for
/// the read.
#[derive(Debug, Clone, Copy)]
pub enum Loc {
    /// A field of the element (two steps: the field and the element).
    Elem(usize),
    /// An answer of the submission root (one step).
    Root(usize),
    /// A field of a group answer of the root (two steps).
    Group(usize, usize),
}

impl Loc {
    fn of(s: &Src) -> Option<Loc> {
        match s {
            Src::Root(k) => Some(Loc::Root(*k)),
            Src::Var(0, k) => Some(Loc::Elem(*k)),
            Src::Field(base, k) => match base.as_ref() {
                R::Read(Src::Root(g)) => Some(Loc::Group(*g, *k)),
                _ => None,
            },
            Src::Var(..) | Src::Path(..) => None,
        }
    }

    fn steps(self) -> u64 {
        match self {
            Loc::Root(_) => 1,
            Loc::Elem(_) | Loc::Group(..) => 2,
        }
    }
}

/// `(c + Σ k·answer) / den` over whole-number answers, with literal
/// coefficients: `u.l3_beds + u.l2_beds / 2`,
/// `12 * u.consultants`. Every coefficient, the constant and the
/// denominator stay below `LIN_LIMIT` and there are at most `LIN_TERMS`
/// terms, so that neither this exact `i128` arithmetic nor the general
/// evaluator's, in whatever order, can overflow on 64-bit answers.
#[derive(Debug, Clone)]
pub struct Lin {
    c: i128,
    /// Each coefficient (below `LIN_LIMIT`) with the answer it scales: an
    /// `i64`, so that a term is one 64 × 64 → 128-bit product.
    terms: Box<[(i64, Loc)]>,
    den: i128,
    /// The steps the tree counts for it.
    steps: u64,
}

/// Bound on a [`Lin`]'s coefficients, constant and denominator.
const LIN_LIMIT: i128 = 1 << 24;

/// Most terms in a [`Lin`].
const LIN_TERMS: usize = 6;

// A numerator ([`Ctx::lin`]) is below (terms + 1) · 2^24 · 2^63, and
// compared after a multiplication by a denominator below 2^24: below 2^127.
const _: () = assert!((LIN_TERMS as i128 + 1) * LIN_LIMIT * LIN_LIMIT < 1 << 64);

/// Whole-number expressions (counts), in `i64`: a value or a step that does
/// not fit gives up, and the full evaluator works it out exactly (in `i128`).
#[derive(Debug, Clone)]
pub enum I {
    /// A literal.
    Const(i64),
    /// An int input.
    Read(Src),
    /// A definition.
    Let(usize),
    /// Unary minus.
    Neg(Box<I>),
    /// `+`, `-`, `*`.
    Arith(Arith, Box<I>, Box<I>),
    /// `count(x in list where f)`.
    Count(Box<L>, Option<Box<B>>),
    /// `sum(e for x in list where f)`.
    Sum(Box<L>, Box<I>, Option<Box<B>>),
    /// `sum(e for x in list)` of a linear form of answers ([`Lin`]) other
    /// than one field: the element is never bound.
    SumLin(Box<L>, Lin),
    /// `sum(x.field for x in list)` of a list answer of the root (its slot,
    /// then the whole-number field's): the commonest total, in a loop of
    /// its own (`Ctx::sum_root`).
    SumField(usize, usize),
    /// [`I::SumLin`] of a list answer of the root (its slot).
    SumLinRoot(usize, Lin),
    /// `min`/`max` (true for min) of a list.
    Best(bool, Box<L>, Box<I>, Option<Box<B>>),
    /// `min(a, b, …)`/`max(…)` (true for min).
    BestOf(bool, Vec<I>),
    /// `date - date`, in days.
    DateDiff(Box<D>, Box<D>),
    /// A function of two dates ([`Lowering::DateSpan`]: `days_between`).
    DateSpan(Builtin, Box<D>, Box<D>),
    /// `len(list)`.
    Len(Box<L>),
    /// A number made whole ([`Lowering::Whole`]: `ceil`, `floor`, `round`).
    Rounded(Builtin, Box<N>),
    /// A function of one whole number ([`Lowering::Same`]: `abs`).
    Same(Builtin, Box<I>),
    /// `if c then a else b`.
    If(Box<B>, Box<I>, Box<I>),
}

/// Exact rational expressions (rates, percents as fractions).
#[derive(Debug, Clone)]
pub enum N {
    /// A literal.
    Const(Num),
    /// A number or percent input.
    Read(Src),
    /// A definition.
    Let(usize),
    /// A whole number used as a number (no node of its own).
    FromI(Box<I>),
    /// Unary minus.
    Neg(Box<N>),
    /// Arithmetic.
    Arith(Arith, Box<N>, Box<N>),
    /// `sum`/`mean` (true for mean) of a list.
    Total(bool, Box<L>, Box<N>, Option<Box<B>>),
    /// `min`/`max` (true for min) of a list.
    Best(bool, Box<L>, Box<N>, Option<Box<B>>),
    /// `min(a, b, …)`/`max(…)` (true for min).
    BestOf(bool, Vec<N>),
    /// A function of one number ([`Lowering::Same`]: `abs`).
    Same(Builtin, Box<N>),
    /// `if c then a else b`.
    If(Box<B>, Box<N>, Box<N>),
}

/// Date expressions.
#[derive(Debug, Clone)]
pub enum D {
    /// A literal.
    Const(Date),
    /// The assessment date.
    Today,
    /// A date input.
    Read(Src),
    /// A definition.
    Let(usize),
    /// `date ± duration literal` (true for minus).
    Shift(bool, Box<D>, Duration),
    /// `min`/`max` (true for min) of a list.
    Best(bool, Box<L>, Box<D>, Option<Box<B>>),
    /// `min(a, b, …)`/`max(…)` (true for min).
    BestOf(bool, Vec<D>),
    /// `if c then a else b`.
    If(Box<B>, Box<D>, Box<D>),
}

/// Text expressions.
#[derive(Debug, Clone)]
pub enum T {
    /// A literal.
    Const(Arc<str>),
    /// A text input.
    Read(Src),
    /// A definition.
    Let(usize),
    /// `if c then a else b`.
    If(Box<B>, Box<T>, Box<T>),
}

/// Enum expressions.
#[derive(Debug, Clone)]
pub enum E {
    /// A literal.
    Const(u32),
    /// An enum input.
    Read(Src),
    /// A definition.
    Let(usize),
    /// `if c then a else b`.
    If(Box<B>, Box<E>, Box<E>),
}

/// An expression of any type.
#[derive(Debug, Clone)]
pub enum Any {
    /// bool
    B(B),
    /// int
    I(I),
    /// number or percent
    N(N),
    /// date
    D(D),
    /// text
    T(T),
    /// enum
    E(E),
    /// record
    R(R),
    /// list
    L(L),
}

// ------------------------------------------------------------------ compiling

/// Compiles every requirement and definition that this evaluator can.
pub fn compile(requirements: &[crate::ir::Requirement], lets: &[crate::ir::LetDef]) -> FastSpec {
    FastSpec {
        requirements: requirements
            .iter()
            .map(|r| {
                let applies = match &r.applies {
                    Some(a) => Some(b(a)?),
                    None => None,
                };
                Some(FastRequirement {
                    applies,
                    rule: b(&r.rule)?,
                })
            })
            .collect(),
        lets: lets.iter().map(|l| any(&l.value)).collect(),
        reads: answers_read(lets).unwrap_or_default(),
        labels: Vec::new(),
    }
}

/// For each definition, the answers it reads, directly or through other
/// definitions ([`FastSpec::reads`]); `None` when one names a definition
/// that does not exist. A definition met again on the way (never in a
/// checked spec) reads nothing more there.
fn answers_read(lets: &[crate::ir::LetDef]) -> Option<Vec<Vec<(RecordId, usize)>>> {
    fn node(
        n: &Node,
        lets: &[crate::ir::LetDef],
        memo: &mut [Option<Vec<(RecordId, usize)>>],
        out: &mut Vec<(RecordId, usize)>,
    ) -> Option<()> {
        match &n.kind {
            NodeKind::Input(slot) => out.push((0, *slot)),
            NodeKind::Field(base, slot) => {
                if let Ty::Record(rid) = base.ty {
                    out.push((rid, *slot));
                }
                node(base, lets, memo, out)?;
            }
            NodeKind::Let(j) => out.extend(definition(*j, lets, memo)?),
            _ => {
                for c in n.children() {
                    node(c, lets, memo, out)?;
                }
            }
        }
        Some(())
    }
    fn definition(
        i: usize,
        lets: &[crate::ir::LetDef],
        memo: &mut [Option<Vec<(RecordId, usize)>>],
    ) -> Option<Vec<(RecordId, usize)>> {
        if let Some(known) = memo.get(i)?.as_ref() {
            return Some(known.clone());
        }
        // on the way: reads nothing more (see above)
        *memo.get_mut(i)? = Some(Vec::new());
        let mut out = Vec::new();
        node(&lets.get(i)?.value, lets, memo, &mut out)?;
        out.sort_unstable();
        out.dedup();
        *memo.get_mut(i)? = Some(out.clone());
        Some(out)
    }
    let mut memo = vec![None; lets.len()];
    (0..lets.len())
        .map(|i| definition(i, lets, &mut memo))
        .collect()
}

fn bx<T>(x: Option<T>) -> Option<Box<T>> {
    x.map(Box::new)
}

fn any(n: &Node) -> Option<Any> {
    Some(match &n.ty {
        Ty::Bool => Any::B(b(n)?),
        Ty::Int => Any::I(i(n)?),
        Ty::Number | Ty::Percent => Any::N(num(n)?),
        Ty::Date => Any::D(d(n)?),
        Ty::Text => Any::T(t(n)?),
        Ty::Enum(_) => Any::E(e(n)?),
        Ty::Record(_) => Any::R(r(n)?),
        Ty::List(_) => Any::L(l(n)?),
        _ => return None,
    })
}

fn src(n: &Node) -> Option<Src> {
    match &n.kind {
        NodeKind::Input(slot) => Some(Src::Root(*slot)),
        NodeKind::Field(base, slot) => match base.kind {
            NodeKind::Var(depth) => Some(Src::Var(depth, *slot)),
            _ => {
                // groups in groups of the root: one path
                if let Some(groups) = group_path(base).filter(|g| g.len() > 1) {
                    return Some(Src::Path(groups.into(), *slot));
                }
                Some(Src::Field(Box::new(r(base)?), *slot))
            }
        },
        _ => None,
    }
}

/// The slots of a group input of the root and of the groups in it down to
/// `n`, when `n` is one (`network.host` gives `[network, host]`).
fn group_path(n: &Node) -> Option<Vec<usize>> {
    if !matches!(n.ty, Ty::Record(_)) {
        return None;
    }
    match &n.kind {
        NodeKind::Input(g) => Some(vec![*g]),
        NodeKind::Field(base, slot) => {
            let mut path = group_path(base)?;
            path.push(*slot);
            Some(path)
        }
        _ => None,
    }
}

fn r(n: &Node) -> Option<R> {
    match &n.kind {
        NodeKind::Var(depth) => Some(R::Var(*depth)),
        NodeKind::Let(k) => Some(R::Let(*k)),
        _ => src(n).map(R::Read),
    }
}

fn l(n: &Node) -> Option<L> {
    if !matches!(n.ty, Ty::List(_)) {
        return None; // list literals are left to the full evaluator
    }
    match &n.kind {
        NodeKind::Let(k) => Some(L::Let(*k)),
        _ => src(n).map(L::Read),
    }
}

fn is_const(n: &Node) -> Option<&Const> {
    match &n.kind {
        NodeKind::Const(c) => Some(c),
        _ => None,
    }
}

fn b(n: &Node) -> Option<B> {
    if n.ty != Ty::Bool {
        return None;
    }
    Some(match &n.kind {
        NodeKind::Const(Const::Bool(v)) => B::Const(*v),
        NodeKind::Input(_) | NodeKind::Field(..) => B::Read(src(n)?),
        NodeKind::Let(k) => B::Let(*k),
        NodeKind::Not(x) => B::Not(bx(b(x))?),
        NodeKind::And(x, y) => B::And(bx(b(x))?, bx(b(y))?),
        NodeKind::Or(x, y) => B::Or(bx(b(x))?, bx(b(y))?),
        NodeKind::Implies(x, y) => B::Implies(bx(b(x))?, bx(b(y))?),
        NodeKind::If(c, x, y) => B::If(bx(b(c))?, bx(b(x))?, bx(b(y))?),
        NodeKind::Compare(op, x, y) => comparison(*op, x, y)?,
        NodeKind::In(negated, x, items) => {
            let consts: Option<Vec<Const>> = items.iter().map(|i| is_const(i).cloned()).collect();
            let consts = consts?;
            // an enum among enum literals, the commonest, compares indices
            let values: Option<Vec<u32>> = consts
                .iter()
                .map(|c| match c {
                    Const::Enum(v) => Some(*v),
                    _ => None,
                })
                .collect();
            if let (Some(values), Ty::Enum(_)) = (values, &x.ty) {
                return Some(B::InEnum(*negated, bx(e(x))?, values));
            }
            // only literals of the operand's own kind (the checker's rule)
            let x = any(x)?;
            B::In(*negated, Box::new(x), consts)
        }
        NodeKind::Within(x, dur) => match is_const(dur)? {
            Const::Duration(dur) => B::Within(bx(d(x))?, *dur),
            _ => return None,
        },
        NodeKind::Quantifier(q, list, body) => {
            let list = bx(l(list))?;
            let body = b(body)?;
            // a body of one test has a loop of its own ([`Ctx::quantifier`])
            let single = matches!(
                body,
                B::ElementVsInt(_, 0, _, _)
                    | B::ElementRate(_, 0, _, _, _)
                    | B::Read(Src::Var(0, _))
            );
            match elem(&body).filter(|_| !single) {
                Some(t) => B::QuantElem(*q, list, Box::new(t)),
                None => B::Quant(*q, list, Box::new(body)),
            }
        }
        NodeKind::Present(x) => {
            if !is_path(x) {
                return None;
            }
            B::Present(bx(any(x))?)
        }
        _ => return None,
    })
}

/// An input read through fields of inputs and bound elements only.
fn is_path(n: &Node) -> bool {
    match &n.kind {
        NodeKind::Input(_) | NodeKind::Var(_) => true,
        NodeKind::Field(base, _) => is_path(base),
        _ => false,
    }
}

/// `Field(Var(depth), slot)` of a whole-number field: `(depth, slot)`.
fn element_int(n: &Node) -> Option<(usize, usize)> {
    match &n.kind {
        NodeKind::Field(base, slot) if n.ty == Ty::Int => match base.kind {
            NodeKind::Var(depth) => Some((depth, *slot)),
            _ => None,
        },
        _ => None,
    }
}

/// A whole-number expression as a [`Leaf`], when it is one.
fn leaf(n: &Node) -> Option<Leaf> {
    if n.ty != Ty::Int {
        return None;
    }
    match &n.kind {
        NodeKind::Const(Const::Num(v)) => Some(Leaf::Const(i64::try_from(v.to_integer()?).ok()?)),
        NodeKind::Input(slot) => Some(Leaf::Root(*slot)),
        NodeKind::Field(base, slot) => match base.kind {
            NodeKind::Input(g) => Some(Leaf::Group(g, *slot)),
            _ => None,
        },
        NodeKind::Let(k) => Some(Leaf::Let(*k)),
        _ => None,
    }
}

/// Two whole-number expressions as [`Leaf`]s, when both are.
fn leaves(x: &Node, y: &Node) -> Option<(Leaf, Leaf)> {
    Some((leaf(x)?, leaf(y)?))
}

fn comparison(op: Cmp, x: &Node, y: &Node) -> Option<B> {
    // the commonest comparisons in a quantifier's body, in one node each
    if let (Some((depth, slot)), Some(Const::Num(c)), Ty::Int) =
        (element_int(x), is_const(y), &y.ty)
    {
        if let Some(c) = c.to_integer().and_then(|c| i64::try_from(c).ok()) {
            return Some(B::ElementVsInt(op, depth, slot, c));
        }
    }
    if let (NodeKind::Arith(Arith::Div, a, b), Some(Const::Num(c))) = (&x.kind, is_const(y)) {
        if let (Some((da, sa)), Some((db, sb))) = (element_int(a), element_int(b)) {
            if da == db {
                return Some(B::ElementRate(op, da, sa, sb, Rate::of(*c)));
            }
        }
    }
    Some(match (&x.ty, &y.ty) {
        (Ty::Int, Ty::Int) => match leaves(x, y) {
            Some((a, b)) => B::Leaves(op, a, b),
            None => B::CmpI(op, bx(i(x))?, bx(i(y))?),
        },
        (Ty::Int | Ty::Number | Ty::Percent, Ty::Int | Ty::Number | Ty::Percent) => {
            if let NodeKind::Arith(Arith::Div, a, b) = &x.kind {
                if a.ty == Ty::Int && b.ty == Ty::Int {
                    // a rate of two counts against a literal
                    if let Some(Const::Num(c)) = is_const(y) {
                        if let Some((a, b)) = leaves(a, b) {
                            return Some(B::RateLeaves(op, a, b, Rate::of(*c)));
                        }
                        return Some(B::CmpRate(op, bx(i(a))?, bx(i(b))?, Rate::of(*c)));
                    }
                    // ... or against a count
                    if let (Some((a, b)), Some(c)) = (leaves(a, b), leaf(y)) {
                        return Some(B::DivLeaves(op, a, b, c));
                    }
                }
            }
            B::CmpN(op, bx(num(x))?, bx(num(y))?)
        }
        (Ty::Date, Ty::Date) => B::CmpD(op, bx(d(x))?, bx(d(y))?),
        (Ty::Text, Ty::Text) => B::CmpT(op, bx(t(x))?, bx(t(y))?),
        (Ty::Enum(_), Ty::Enum(_)) => B::CmpE(op, bx(e(x))?, bx(e(y))?),
        (Ty::Bool, Ty::Bool) => B::CmpB(op, bx(b(x))?, bx(b(y))?),
        _ => return None,
    })
}

/// A quantifier's body as a test of the element's fields, when it is one.
fn elem(x: &B) -> Option<Elem> {
    let pair = |a: &B, c: &B| Some((Box::new(elem(a)?), Box::new(elem(c)?)));
    Some(match x {
        B::Read(s) => Elem::Bool(Loc::of(s)?),
        B::ElementVsInt(op, 0, slot, c) => Elem::VsInt(*op, *slot, *c),
        B::ElementRate(op, 0, a, b, c) => Elem::Rate(*op, *a, *b, *c),
        B::CmpI(op, a, c) => Elem::Cmp(*op, lin_i(a)?, lin_i(c)?),
        B::Leaves(op, a, c) => Elem::Cmp(*op, lin_leaf(*a)?, lin_leaf(*c)?),
        B::RateLeaves(op, a, b, c) => Elem::RateOf(*op, a.loc()?, b.loc()?, *c),
        B::DivLeaves(op, a, b, c) => {
            Elem::Cmp(*op, lin_leaf(*a)?.over(&lin_leaf(*b)?)?, lin_leaf(*c)?)
        }
        B::CmpN(op, a, c) => Elem::Cmp(*op, lin_n(a)?, lin_n(c)?),
        B::InEnum(negated, e, items) => match e.as_ref() {
            E::Read(s) => Elem::InEnum(*negated, Loc::of(s)?, items.clone().into()),
            _ => return None,
        },
        B::CmpE(op, a, b) => match (a.as_ref(), b.as_ref()) {
            (E::Read(a), E::Const(b)) => Elem::EnumVs(*op, Loc::of(a)?, *b),
            _ => return None,
        },
        B::CmpRate(op, a, b, c) => match (a.as_ref(), b.as_ref()) {
            (I::Read(a), I::Read(b)) => Elem::RateOf(*op, Loc::of(a)?, Loc::of(b)?, *c),
            _ => return None,
        },
        B::Not(a) => Elem::Not(Box::new(elem(a)?)),
        B::And(a, c) => {
            let (a, c) = pair(a, c)?;
            Elem::And(a, c)
        }
        B::Or(a, c) => {
            let (a, c) = pair(a, c)?;
            Elem::Or(a, c)
        }
        B::Implies(a, c) => {
            let (a, c) = pair(a, c)?;
            Elem::Implies(a, c)
        }
        _ => return None,
    })
}

impl Lin {
    fn new(c: i128, terms: Vec<(i64, Loc)>, den: i128, steps: u64) -> Option<Lin> {
        let small = |v: i128| v.abs() < LIN_LIMIT;
        (small(c)
            && den > 0
            && small(den)
            && terms.len() <= LIN_TERMS
            && terms.iter().all(|t| small(t.0.into())))
        .then(|| Lin {
            c,
            terms: terms.into(),
            den,
            steps,
        })
    }

    /// A literal `n / d` (`d` positive), one step.
    fn constant(n: i128, d: i128) -> Option<Lin> {
        Lin::new(n, Vec::new(), d, 1)
    }

    /// An answer read.
    fn field(at: Loc) -> Option<Lin> {
        Lin::new(0, vec![(1, at)], 1, at.steps())
    }

    /// `self · p/q` (`q` positive), with `steps` more.
    fn scaled(&self, p: i128, q: i128, steps: u64) -> Option<Lin> {
        Lin::new(
            self.c.checked_mul(p)?,
            self.terms
                .iter()
                .map(|&(k, s)| Some((i64::try_from(i128::from(k).checked_mul(p)?).ok()?, s)))
                .collect::<Option<_>>()?,
            self.den.checked_mul(q)?,
            self.steps + steps,
        )
    }

    /// `self ± o` (`minus` for −), with one step more.
    fn sum(&self, o: &Lin, minus: bool) -> Option<Lin> {
        let sign = if minus { -1 } else { 1 };
        let a = self.scaled(o.den, 1, 0)?;
        let b = o.scaled(self.den.checked_mul(sign)?, 1, 0)?;
        let mut terms = a.terms.to_vec();
        terms.extend_from_slice(&b.terms);
        Lin::new(
            a.c.checked_add(b.c)?,
            terms,
            self.den.checked_mul(o.den)?,
            self.steps + o.steps + 1,
        )
    }

    /// The literal it is, if it reads no field.
    fn literal(&self) -> Option<(i128, i128)> {
        self.terms.is_empty().then_some((self.c, self.den))
    }

    fn times(&self, o: &Lin) -> Option<Lin> {
        // one of the two a literal; the other scaled by it
        let (lit, other) = match (self.literal(), o.literal()) {
            (Some(l), _) => (l, o),
            (None, Some(l)) => (l, self),
            (None, None) => return None,
        };
        let mut r = other.scaled(lit.0, lit.1, 0)?;
        r.steps = self.steps + o.steps + 1;
        Some(r)
    }

    fn over(&self, o: &Lin) -> Option<Lin> {
        let (p, q) = o.literal()?;
        if p == 0 {
            return None; // division by zero: left to the tree
        }
        let (p, q) = if p < 0 { (-p, -q) } else { (p, q) };
        let mut r = self.scaled(q, p, 0)?;
        r.steps = self.steps + o.steps + 1;
        Some(r)
    }

    fn negated(&self) -> Option<Lin> {
        self.scaled(-1, 1, 1)
    }
}

impl Leaf {
    /// Where an [`Elem`] reads it, if it is an answer.
    fn loc(self) -> Option<Loc> {
        match self {
            Leaf::Root(k) => Some(Loc::Root(k)),
            Leaf::Group(g, k) => Some(Loc::Group(g, k)),
            Leaf::Const(_) | Leaf::Let(_) => None,
        }
    }
}

/// A [`Leaf`] as a [`Lin`] (a definition is not one).
fn lin_leaf(x: Leaf) -> Option<Lin> {
    match x {
        Leaf::Const(v) => Lin::constant(i128::from(v), 1),
        Leaf::Let(_) => None,
        x => Lin::field(x.loc()?),
    }
}

/// A whole-number expression of the element's fields as a [`Lin`].
fn lin_i(x: &I) -> Option<Lin> {
    match x {
        I::Const(v) => Lin::constant(i128::from(*v), 1),
        I::Read(s) => Lin::field(Loc::of(s)?),
        I::Neg(a) => lin_i(a)?.negated(),
        I::Arith(Arith::Add, a, b) => lin_i(a)?.sum(&lin_i(b)?, false),
        I::Arith(Arith::Sub, a, b) => lin_i(a)?.sum(&lin_i(b)?, true),
        I::Arith(Arith::Mul, a, b) => lin_i(a)?.times(&lin_i(b)?),
        _ => None,
    }
}

/// A rational expression of the element's fields as a [`Lin`].
fn lin_n(x: &N) -> Option<Lin> {
    match x {
        N::Const(v) => Lin::constant(v.numer(), v.denom()),
        // a number answer may be a fraction: left to the tree
        N::FromI(a) => lin_i(a),
        N::Neg(a) => lin_n(a)?.negated(),
        N::Arith(Arith::Add, a, b) => lin_n(a)?.sum(&lin_n(b)?, false),
        N::Arith(Arith::Sub, a, b) => lin_n(a)?.sum(&lin_n(b)?, true),
        N::Arith(Arith::Mul, a, b) => lin_n(a)?.times(&lin_n(b)?),
        N::Arith(Arith::Div, a, b) => lin_n(a)?.over(&lin_n(b)?),
        _ => None,
    }
}

/// The list, body and filter of an aggregate.
type Over<X> = (Box<L>, Box<X>, Option<Box<B>>);

fn over<X>(
    list: &Node,
    body: &Node,
    filter: &Option<Box<Node>>,
    lower: fn(&Node) -> Option<X>,
) -> Option<Over<X>> {
    let filter = match filter {
        Some(f) => Some(bx(b(f))?),
        None => None,
    };
    Some((bx(l(list))?, bx(lower(body))?, filter))
}

fn i(n: &Node) -> Option<I> {
    if n.ty != Ty::Int {
        return None;
    }
    Some(match &n.kind {
        NodeKind::Const(Const::Num(v)) => I::Const(i64::try_from(v.to_integer()?).ok()?),
        NodeKind::Input(_) | NodeKind::Field(..) => I::Read(src(n)?),
        NodeKind::Let(k) => I::Let(*k),
        NodeKind::Neg(x) => I::Neg(bx(i(x))?),
        NodeKind::Arith(op @ (Arith::Add | Arith::Sub | Arith::Mul), x, y) => {
            I::Arith(*op, bx(i(x))?, bx(i(y))?)
        }
        NodeKind::Count(list, filter) => {
            let filter = match filter {
                Some(f) => Some(bx(b(f))?),
                None => None,
            };
            I::Count(bx(l(list))?, filter)
        }
        NodeKind::Aggregate(AggFn::Sum, list, body, filter) => {
            let (list, body, filter) = over(list, body, filter, i)?;
            // one field has a loop of its own (in `Ctx::fi_more`)
            let one_field = matches!(body.as_ref(), I::Read(Src::Var(0, _)));
            let root = match list.as_ref() {
                L::Read(Src::Root(k)) => Some(*k),
                _ => None,
            };
            match (lin_i(&body), body.as_ref(), root) {
                (_, I::Read(Src::Var(0, slot)), Some(k)) if filter.is_none() => {
                    I::SumField(k, *slot)
                }
                (Some(lin), _, Some(k)) if lin.den == 1 && filter.is_none() && !one_field => {
                    I::SumLinRoot(k, lin)
                }
                (Some(lin), ..) if lin.den == 1 && filter.is_none() && !one_field => {
                    I::SumLin(list, lin)
                }
                _ => I::Sum(list, body, filter),
            }
        }
        NodeKind::Aggregate(f @ (AggFn::Min | AggFn::Max), list, body, filter) => {
            let (list, body, filter) = over(list, body, filter, i)?;
            I::Best(*f == AggFn::Min, list, body, filter)
        }
        NodeKind::DateDiff(x, y) => I::DateDiff(bx(d(x))?, bx(d(y))?),
        NodeKind::Call(f, args) => match (f.lowering(), args.as_slice()) {
            (Lowering::DateSpan, [x, y]) => I::DateSpan(*f, bx(d(x))?, bx(d(y))?),
            (Lowering::Length, [x]) => I::Len(bx(l(x))?),
            (Lowering::Whole, [x]) => I::Rounded(*f, bx(num(x))?),
            (Lowering::Same, [x]) => I::Same(*f, bx(i(x))?),
            (Lowering::Best(want_min), args) if !args.is_empty() => {
                let args: Option<Vec<I>> = args.iter().map(i).collect();
                I::BestOf(want_min, args?)
            }
            _ => return None,
        },
        NodeKind::If(c, x, y) => I::If(bx(b(c))?, bx(i(x))?, bx(i(y))?),
        _ => return None,
    })
}

fn num(n: &Node) -> Option<N> {
    match n.ty {
        Ty::Int => return Some(N::FromI(bx(i(n))?)),
        Ty::Number | Ty::Percent => {}
        _ => return None,
    }
    Some(match &n.kind {
        NodeKind::Const(Const::Num(v)) => N::Const(*v),
        NodeKind::Input(_) | NodeKind::Field(..) => N::Read(src(n)?),
        NodeKind::Let(k) => N::Let(*k),
        NodeKind::Neg(x) => N::Neg(bx(num(x))?),
        NodeKind::Arith(op, x, y) => N::Arith(*op, bx(num(x))?, bx(num(y))?),
        NodeKind::Aggregate(f, list, body, filter) => {
            let (list, body, filter) = over(list, body, filter, num)?;
            match f {
                AggFn::Sum | AggFn::Mean => N::Total(*f == AggFn::Mean, list, body, filter),
                AggFn::Min | AggFn::Max => N::Best(*f == AggFn::Min, list, body, filter),
            }
        }
        NodeKind::Call(f, args) => match (f.lowering(), args.as_slice()) {
            (Lowering::Same, [x]) => N::Same(*f, bx(num(x))?),
            (Lowering::Best(want_min), args) if !args.is_empty() => {
                let args: Option<Vec<N>> = args.iter().map(num).collect();
                N::BestOf(want_min, args?)
            }
            _ => return None,
        },
        NodeKind::If(c, x, y) => N::If(bx(b(c))?, bx(num(x))?, bx(num(y))?),
        _ => return None,
    })
}

fn d(n: &Node) -> Option<D> {
    if n.ty != Ty::Date {
        return None;
    }
    Some(match &n.kind {
        NodeKind::Const(Const::Date(v)) => D::Const(*v),
        NodeKind::AssessmentDate => D::Today,
        NodeKind::Input(_) | NodeKind::Field(..) => D::Read(src(n)?),
        NodeKind::Let(k) => D::Let(*k),
        NodeKind::DateShift(minus, x, dur) => match is_const(dur)? {
            Const::Duration(dur) => D::Shift(*minus, bx(d(x))?, *dur),
            _ => return None,
        },
        NodeKind::Aggregate(f @ (AggFn::Min | AggFn::Max), list, body, filter) => {
            let (list, body, filter) = over(list, body, filter, d)?;
            D::Best(*f == AggFn::Min, list, body, filter)
        }
        NodeKind::Call(f, args) => match (f.lowering(), args.as_slice()) {
            (Lowering::Best(want_min), args) if !args.is_empty() => {
                let args: Option<Vec<D>> = args.iter().map(d).collect();
                D::BestOf(want_min, args?)
            }
            _ => return None,
        },
        NodeKind::If(c, x, y) => D::If(bx(b(c))?, bx(d(x))?, bx(d(y))?),
        _ => return None,
    })
}

fn t(n: &Node) -> Option<T> {
    if n.ty != Ty::Text {
        return None;
    }
    Some(match &n.kind {
        NodeKind::Const(Const::Text(v)) => T::Const(v.clone()),
        NodeKind::Input(_) | NodeKind::Field(..) => T::Read(src(n)?),
        NodeKind::Let(k) => T::Let(*k),
        NodeKind::If(c, x, y) => T::If(bx(b(c))?, bx(t(x))?, bx(t(y))?),
        _ => return None,
    })
}

fn e(n: &Node) -> Option<E> {
    if !matches!(n.ty, Ty::Enum(_)) {
        return None;
    }
    Some(match &n.kind {
        NodeKind::Const(Const::Enum(v)) => E::Const(*v),
        NodeKind::Input(_) | NodeKind::Field(..) => E::Read(src(n)?),
        NodeKind::Let(k) => E::Let(*k),
        NodeKind::If(c, x, y) => E::If(bx(b(c))?, bx(e(x))?, bx(e(y))?),
        _ => return None,
    })
}

// ------------------------------------------------------------------ evaluating

/// `a <op> b` from an ordering.
#[inline]
fn holds(op: Cmp, ord: std::cmp::Ordering) -> bool {
    op.holds(ord)
}

/// The first of `a`, `b` the full evaluator keeps for min (`want_min`) or
/// max: `b` replaces `a` only when strictly better.
fn better<X: Ord>(want_min: bool, a: X, b: X) -> X {
    let b_wins = if want_min { b < a } else { b > a };
    if b_wins {
        b
    } else {
        a
    }
}

/// The largest work budget the fast evaluator works within; under a larger
/// one (no evaluation could spend it: 2^62 steps at one a nanosecond take
/// 146 years) the general evaluator decides every requirement.
///
/// It keeps [`Ctx::step`] a plain addition that cannot wrap: an attempt
/// starts at most at the budget, and between two budget checks it counts at
/// most one list's elements ([`Ctx::visit`] checks right after) and at most
/// the steps of each node, literal and group path of the rules and
/// definitions once (every loop checks before each element, and a
/// definition is worked out once): less than 2^60 in any address space, so
/// the count stays below 2^63. The general evaluator ([`Ctx::eval`]) counts
/// saturating, as before; the two counts are the same.
pub(crate) const FAST_BUDGET: u64 = 1 << 62;

impl<'a> Ctx<'a> {
    /// One step per node, as [`Ctx::eval`] counts them: a plain addition,
    /// which cannot wrap within [`FAST_BUDGET`].
    #[inline]
    fn step(&mut self, n: u64) {
        self.steps = self.steps.wrapping_add(n);
    }

    /// Steps for visiting `n` list elements; gives up once over the budget.
    #[inline]
    fn visit(&mut self, n: usize) -> Res<()> {
        self.steps = self
            .steps
            .saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        self.within_budget()
    }

    /// Gives up once over the budget: checked at each element of a list
    /// walk, each literal of an `in` list and each argument of `min`/`max`,
    /// so no loop runs on past the budget.
    #[inline]
    fn within_budget(&self) -> Res<()> {
        if self.steps > self.budget {
            Err(Bail::Budget)
        } else {
            Ok(())
        }
    }

    /// Decides one requirement with the fast evaluator: `Ok(None)` when
    /// `applies when` is false, `Ok(Some(rule))` otherwise. On `Err` the
    /// caller resets the steps ([`Ctx::fast_rollback`]) and asks
    /// [`Ctx::eval`] instead.
    pub(crate) fn fast_requirement(&mut self, r: &'a FastRequirement) -> Res<Option<bool>> {
        if self.budget > FAST_BUDGET {
            return Err(Bail::Other); // see [`FAST_BUDGET`]
        }
        self.fast_lets_low = 0;
        self.fast_lets_set.clear();
        let applies = match &r.applies {
            Some(a) => self.fb(a)?,
            None => true,
        };
        let v = if applies {
            Some(self.fb(&r.rule)?)
        } else {
            None
        };
        // over the budget: incomplete, whichever evaluator decides
        self.within_budget()?;
        Ok(v)
    }

    /// Undoes a fast attempt that gave up: back to `steps`, and the
    /// definitions it worked out forgotten (the full evaluator counts their
    /// steps again, as it would have without the attempt).
    pub(crate) fn fast_rollback(&mut self, steps: u64) {
        self.steps = steps;
        let mut low = std::mem::take(&mut self.fast_lets_low);
        while low != 0 {
            let k = low.trailing_zeros() as usize;
            low &= low - 1;
            if let Some(slot) = self.lets.get_mut(k) {
                *slot = None;
            }
        }
        for k in std::mem::take(&mut self.fast_lets_set) {
            if let Some(slot) = self.lets.get_mut(k) {
                *slot = None;
            }
        }
        self.fenv.clear();
        self.fenv_base = 0;
    }

    // inlined where it is used in optimised native builds only (the
    // WebAssembly modules are built for size): in unoptimised
    // ones each inlined body adds to the frame of the recursive `fb`, and
    // the deepest rules must still evaluate on a 2 MiB stack
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn stored(&mut self, s: &'a Src) -> Res<&'a Stored> {
        let (rec, slot) = match s {
            Src::Root(k) => {
                self.step(1);
                (&self.sub.root, *k)
            }
            Src::Var(depth, k) => {
                self.step(2);
                (self.bound(*depth)?, *k)
            }
            Src::Field(base, k) => {
                self.step(1);
                let rec = match base.as_ref() {
                    // a group of the root, the commonest base, in place
                    R::Read(Src::Root(g)) => {
                        self.step(1);
                        match self.sub.answer(&self.sub.root, *g) {
                            Some(Stored::Group(r)) => r,
                            Some(_) => return Err(Bail::Other),
                            None => return Err(Bail::Missing),
                        }
                    }
                    base => self.fr(base)?,
                };
                (rec, *k)
            }
            Src::Path(groups, k) => {
                self.step(1 + groups.len() as u64);
                let sub: &'a crate::submission::Submission = self.sub;
                let mut rec = &sub.root;
                for &g in groups.iter() {
                    rec = match sub.answer(rec, g) {
                        Some(Stored::Group(r)) => r,
                        Some(_) => return Err(Bail::Other),
                        None => return Err(Bail::Missing),
                    };
                }
                (rec, *k)
            }
        };
        self.sub.answer(rec, slot).ok_or(Bail::Missing)
    }

    /// [`Ctx::quantifier`] with a body that reads only fields of the
    /// element (`steps` each time): `test` on each element in turn.
    // in place in optimised native builds only (see [`Ctx::fl`])
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn each(
        &mut self,
        elems: &'a [Record],
        decisive: bool,
        steps: u64,
        test: impl Fn(&Self, &'a Record) -> Res<bool>,
    ) -> Res<bool> {
        for e in elems {
            self.within_budget()?;
            self.step(steps);
            if test(self, e)? == decisive {
                return Ok(decisive);
            }
        }
        Ok(!decisive)
    }

    /// An [`Elem`] test of element `e`, adding the steps it counts to `steps`.
    fn elem(&self, e: &'a Record, t: &'a Elem, steps: &mut u64) -> Res<bool> {
        match t {
            Elem::Not(a) => {
                *steps += 1;
                Ok(!self.elem(e, a, steps)?)
            }
            Elem::And(a, b) => {
                *steps += 1;
                Ok(self.elem_test(e, a, steps)? && self.elem_test(e, b, steps)?)
            }
            Elem::Or(a, b) => {
                *steps += 1;
                Ok(self.elem_test(e, a, steps)? || self.elem_test(e, b, steps)?)
            }
            Elem::Implies(a, b) => {
                *steps += 1;
                Ok(!self.elem_test(e, a, steps)? || self.elem_test(e, b, steps)?)
            }
            _ => self.elem_test(e, t, steps),
        }
    }

    /// An [`Elem`] worked out in place, without a call, when it is a test;
    /// a combination of tests by [`Ctx::elem`].
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn elem_test(&self, e: &'a Record, t: &'a Elem, steps: &mut u64) -> Res<bool> {
        match t {
            Elem::Bool(at) => {
                *steps += at.steps();
                match self.at(e, *at)? {
                    Stored::Bool(v) => Ok(*v),
                    _ => Err(Bail::Other),
                }
            }
            Elem::Cmp(op, a, b) => {
                *steps += 1 + a.steps + b.steps;
                let (x, dx) = (self.lin(e, a)?, a.den);
                let (y, dy) = (self.lin(e, b)?, b.den);
                // x/dx against y/dy, both denominators positive; a
                // numerator is below 2^90 and a denominator below 2^24
                // ([`Ctx::lin`]), so neither product overflows
                let l = x.wrapping_mul(dy);
                let r = y.wrapping_mul(dx);
                Ok(holds(*op, l.cmp(&r)))
            }
            Elem::VsInt(op, slot, c) => {
                *steps += 4;
                Ok(holds(*op, self.int_of(e, *slot)?.cmp(c)))
            }
            Elem::Rate(op, a, b, c) => {
                *steps += 7;
                let (a, b) = (self.int_of(e, *a)?, self.int_of(e, *b)?);
                if b == 0 {
                    return Err(Bail::Other); // division by zero: a problem to report
                }
                Ok(holds(*op, rate_cmp(a, b, *c)?))
            }
            Elem::RateOf(op, a, b, c) => {
                *steps += 3 + a.steps() + b.steps();
                let (a, b) = (self.int_at(e, *a)?, self.int_at(e, *b)?);
                if b == 0 {
                    return Err(Bail::Other); // division by zero: a problem to report
                }
                Ok(holds(*op, rate_cmp(a, b, *c)?))
            }
            Elem::EnumVs(op, at, c) => {
                *steps += 2 + at.steps();
                match self.at(e, *at)? {
                    Stored::Enum(v) => Ok(holds(*op, v.cmp(c))),
                    _ => Err(Bail::Other),
                }
            }
            Elem::InEnum(negated, at, items) => {
                *steps += 1 + at.steps();
                let v = match self.at(e, *at)? {
                    Stored::Enum(v) => *v,
                    _ => return Err(Bail::Other),
                };
                match items.iter().position(|i| *i == v) {
                    Some(k) => {
                        *steps += k as u64 + 1;
                        Ok(!negated)
                    }
                    None => {
                        *steps += items.len() as u64;
                        Ok(*negated)
                    }
                }
            }
            Elem::Not(..) | Elem::And(..) | Elem::Or(..) | Elem::Implies(..) => {
                self.elem(e, t, steps)
            }
        }
    }

    /// A [`Lin`]'s numerator for element `e` (its value times `den`).
    ///
    /// Every answer read is a whole number stored as an `i64` (else it
    /// gives up), at most 2^63 in magnitude, every
    /// coefficient and the constant below `LIN_LIMIT` (2^24), and there are
    /// at most `LIN_TERMS` (6) terms: the numerator is below 2^90, so the
    /// `i128` arithmetic cannot overflow and is not checked.
    // in place in optimised native builds only (see [`Ctx::fl`])
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn lin(&self, e: &'a Record, l: &'a Lin) -> Res<i128> {
        let mut v = l.c;
        for &(k, at) in l.terms.iter() {
            let x = match self.at(e, at)? {
                Stored::Int(x) => i128::from(*x),
                _ => return Err(Bail::Other),
            };
            v = v.wrapping_add(i128::from(k).wrapping_mul(x));
        }
        Ok(v)
    }

    /// The answer `at` reads, with `e` the element.
    // in place in optimised native builds only (see [`Ctx::fl`])
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn at(&self, e: &'a Record, at: Loc) -> Res<&'a Stored> {
        let sub: &'a crate::submission::Submission = self.sub;
        let (rec, slot) = match at {
            Loc::Elem(k) => (e, k),
            Loc::Root(k) => (&sub.root, k),
            Loc::Group(g, k) => match sub.answer(&sub.root, g) {
                Some(Stored::Group(r)) => (r, k),
                Some(_) => return Err(Bail::Other),
                None => return Err(Bail::Missing),
            },
        };
        sub.answer(rec, slot).ok_or(Bail::Missing)
    }

    /// A whole-number answer that `at` reads, with `e` the element.
    fn int_at(&self, e: &'a Record, at: Loc) -> Res<i64> {
        match self.at(e, at)? {
            Stored::Int(v) => Ok(*v),
            _ => Err(Bail::Other),
        }
    }

    /// A whole-number field of element `e`.
    #[inline]
    fn int_of(&self, e: &'a Record, slot: usize) -> Res<i64> {
        match self.sub.answer(e, slot) {
            Some(Stored::Int(v)) => Ok(*v),
            Some(_) => Err(Bail::Other),
            None => Err(Bail::Missing),
        }
    }

    /// A whole-number field of the element bound `depth` quantifiers out.
    #[inline]
    fn element_int(&self, depth: usize, slot: usize) -> Res<i64> {
        match self.sub.answer(self.bound(depth)?, slot) {
            Some(Stored::Int(v)) => Ok(*v),
            Some(_) => Err(Bail::Other),
            None => Err(Bail::Missing),
        }
    }

    /// `today - dur`, worked out once per duration per evaluation.
    fn period_start(&mut self, today: Date, dur: Duration) -> Res<Date> {
        let mut free = None;
        for (k, p) in self.periods.iter().enumerate() {
            match p {
                Some((d, start)) if *d == dur => return start.ok_or(Bail::Other),
                None => {
                    free = Some(k);
                    break;
                }
                Some(_) => {}
            }
        }
        let start = today.minus(dur);
        if let Some(p) = free.and_then(|k| self.periods.get_mut(k)) {
            *p = Some((dur, start));
        }
        start.ok_or(Bail::Other)
    }

    /// The element bound `depth` quantifiers out.
    #[inline]
    fn bound(&self, depth: usize) -> Res<&'a Record> {
        let k = self.fenv.len().checked_sub(1 + depth).ok_or(Bail::Other)?;
        if k < self.fenv_base {
            return Err(Bail::Other); // a definition sees no bound elements
        }
        self.fenv.get(k).copied().ok_or(Bail::Other)
    }

    /// A definition: one step, then the value kept from its first use, or
    /// worked out now (without bound variables) and kept.
    fn flet(&mut self, k: usize) -> Res<V<'a>> {
        self.step(1);
        if let Some(Some(v)) = self.lets.get(k) {
            return match v {
                V::Unknown(_) => Err(Bail::Other),
                v => Ok(v.clone()),
            };
        }
        let fast: &'a FastSpec = self.fast;
        let Some(Some(body)) = fast.lets.get(k) else {
            return Err(Bail::Other);
        };
        // definitions see no bound elements: hide those bound so far
        let saved = std::mem::replace(&mut self.fenv_base, self.fenv.len());
        let v = self.fany(body);
        self.fenv_base = saved;
        let v = v?;
        if let Some(slot) = self.lets.get_mut(k) {
            // a number, the commonest, copied without a call
            *slot = Some(match &v {
                V::Num(n) => V::Num(*n),
                v => v.clone(),
            });
            if k < 64 {
                self.fast_lets_low |= 1 << k;
            } else {
                self.fast_lets_set.push(k);
            }
        }
        Ok(v)
    }

    /// A whole-number definition not worked out yet ([`Ctx::flet`]): its
    /// body worked out as an `i64`, with no [`V`] made but the one kept.
    ///
    /// Every caller first takes a definition already kept as a number
    /// ([`Ctx::cached_num`]), and a whole-number definition's fast form is
    /// always an [`I`]: what is left here (a definition kept as unknown, or
    /// without a fast form) is for the general evaluator.
    fn flet_int(&mut self, k: usize) -> Res<i64> {
        let fast: &'a FastSpec = self.fast;
        let (Some(Some(Any::I(body))), Some(None)) = (fast.lets.get(k), self.lets.get(k)) else {
            return Err(Bail::Other);
        };
        self.step(1);
        // definitions see no bound elements: hide those bound so far
        let saved = std::mem::replace(&mut self.fenv_base, self.fenv.len());
        // a total or count, the commonest body, without the call of `fi`
        let v = match body {
            I::SumField(list, slot) => self.sum_root(*list, 2, |cx, e| cx.int_of(e, *slot)),
            I::SumLinRoot(list, lin) => self.sum_root(*list, lin.steps, |cx, e| {
                // whole numbers: the denominator is one; a term is below 2^87
                i64::try_from(cx.lin(e, lin)?).map_err(|_| Bail::Other)
            }),
            I::Count(..) | I::Sum(..) | I::SumLin(..) => self.fi_more(body),
            _ => self.fi(body),
        };
        self.fenv_base = saved;
        let v = v?;
        if let Some(slot) = self.lets.get_mut(k) {
            *slot = Some(V::Num(Num::int(v.into())));
            if k < 64 {
                self.fast_lets_low |= 1 << k;
            } else {
                self.fast_lets_set.push(k);
            }
        }
        Ok(v)
    }

    /// A definition already worked out, as a number: its step and value
    /// without a copy of the value kept.
    #[inline]
    fn cached_num(&mut self, k: usize) -> Option<Num> {
        match self.lets.get(k) {
            Some(Some(V::Num(n))) => {
                let n = *n;
                self.step(1);
                Some(n)
            }
            _ => None,
        }
    }

    fn fany(&mut self, x: &'a Any) -> Res<V<'a>> {
        Ok(match x {
            Any::B(x) => V::Bool(self.fb(x)?),
            Any::I(x) => V::Num(Num::int(self.fi(x)?.into())),
            Any::N(x) => V::Num(self.fnum(x)?),
            Any::D(x) => V::Date(self.fd(x)?),
            Any::T(x) => V::Text(self.ft(x)?),
            Any::E(x) => V::Enum(self.fe(x)?),
            Any::R(x) => V::Rec(self.fr(x)?),
            Any::L(x) => V::List(self.fl(x)?),
        })
    }

    fn fr(&mut self, x: &'a R) -> Res<&'a Record> {
        match x {
            R::Read(s) => match self.stored(s)? {
                Stored::Group(r) => Ok(r),
                _ => Err(Bail::Other),
            },
            R::Var(depth) => {
                self.step(1);
                self.bound(*depth)
            }
            R::Let(k) => match self.flet(*k)? {
                V::Rec(r) => Ok(r),
                _ => Err(Bail::Other),
            },
        }
    }

    /// A list: a list input of the root, the commonest, read in place.
    // inlined where it is used in optimised native builds only (the
    // WebAssembly modules are built for size): in unoptimised
    // ones each inlined body adds to the frame of the recursive `fb`, and
    // the deepest rules must still evaluate on a 2 MiB stack
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn fl(&mut self, x: &'a L) -> Res<&'a [Record]> {
        if let L::Read(Src::Root(k)) = x {
            self.step(1);
            let sub: &'a crate::submission::Submission = self.sub;
            return match sub.answer(&sub.root, *k) {
                Some(Stored::List(l)) => Ok(l),
                Some(_) => Err(Bail::Other),
                None => Err(Bail::Missing),
            };
        }
        self.fl_more(x)
    }

    /// [`Ctx::fl`] of any other list.
    #[inline(never)]
    fn fl_more(&mut self, x: &'a L) -> Res<&'a [Record]> {
        match x {
            L::Read(s) => match self.stored(s)? {
                Stored::List(l) => Ok(l),
                _ => Err(Bail::Other),
            },
            L::Let(k) => match self.flet(*k)? {
                V::List(l) => Ok(l),
                _ => Err(Bail::Other),
            },
        }
    }

    /// The elements of a list, counted as the full evaluator counts them.
    // in place in optimised native builds only (see [`Ctx::fl`])
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn felements(&mut self, list: &'a L) -> Res<&'a [Record]> {
        let l = self.fl(list)?;
        self.visit(l.len())?;
        Ok(l)
    }

    #[inline]
    fn with<X>(&mut self, e: &'a Record, f: impl FnOnce(&mut Self) -> Res<X>) -> Res<X> {
        self.within_budget()?;
        self.fenv.push(e);
        let r = f(self);
        self.fenv.pop();
        r
    }

    /// `sum(…)` over the list answer in slot `list` of the root, `steps`
    /// and `value` for each element: the steps and budget checks of
    /// [`I::Sum`] (the node, the list's read, the elements visited, then a
    /// check before each element), without binding it.
    // in place in optimised native builds only (see [`Ctx::fl`])
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn sum_root(
        &mut self,
        list: usize,
        steps: u64,
        value: impl Fn(&Self, &'a Record) -> Res<i64>,
    ) -> Res<i64> {
        // the node and the list's read
        self.step(2);
        let sub: &'a crate::submission::Submission = self.sub;
        let elems = match sub.answer(&sub.root, list) {
            Some(Stored::List(l)) => l,
            Some(_) => return Err(Bail::Other),
            None => return Err(Bail::Missing),
        };
        self.visit(elems.len())?;
        let mut total: i64 = 0;
        for e in elems.iter() {
            self.within_budget()?;
            self.step(steps);
            total = total.checked_add(value(self, e)?).ok_or(Bail::Other)?;
        }
        Ok(total)
    }

    /// Whether a filter keeps an element (no filter keeps every one).
    fn keeps(&mut self, e: &'a Record, filter: &'a Option<Box<B>>) -> Res<bool> {
        match filter {
            None => Ok(true),
            Some(f) => self.with(e, |cx| cx.fb(f)),
        }
    }

    /// `if c then a else b`: one step, the condition, then one branch.
    fn choose<X, Y>(
        &mut self,
        c: &'a B,
        a: &'a X,
        b: &'a X,
        eval: fn(&mut Self, &'a X) -> Res<Y>,
    ) -> Res<Y> {
        self.step(1);
        if self.fb(c)? {
            eval(self, a)
        } else {
            eval(self, b)
        }
    }

    /// `min`/`max` (`want_min` for min) of `body` over the elements of
    /// `list` that `filter` keeps; of no elements, a problem.
    fn best_over<X, Y: Copy>(
        &mut self,
        want_min: bool,
        list: &'a L,
        body: &'a X,
        filter: &'a Option<Box<B>>,
        eval: fn(&mut Self, &'a X) -> Res<Y>,
        pick: fn(bool, Y, Y) -> Y,
    ) -> Res<Y> {
        self.step(1);
        let mut best: Option<Y> = None;
        for e in self.felements(list)? {
            if self.keeps(e, filter)? {
                let v = self.with(e, |cx| eval(cx, body))?;
                best = Some(best.map_or(v, |a| pick(want_min, a, v)));
            }
        }
        best.ok_or(Bail::Other)
    }

    /// `min(a, b, …)`/`max(…)` (`want_min` for min).
    fn best_of<X, Y: Copy>(
        &mut self,
        want_min: bool,
        args: &'a [X],
        eval: fn(&mut Self, &'a X) -> Res<Y>,
        pick: fn(bool, Y, Y) -> Y,
    ) -> Res<Y> {
        self.step(1);
        let mut best: Option<Y> = None;
        for a in args {
            self.within_budget()?;
            let v = eval(self, a)?;
            best = Some(best.map_or(v, |b| pick(want_min, b, v)));
        }
        best.ok_or(Bail::Other)
    }

    /// [`Ctx::fb`] with the commonest parts of a rule, a comparison of two
    /// [`Leaf`]s and a bool answer, worked out in place, without a call.
    // in place in optimised native builds only (see [`Ctx::fl`])
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn fb_part(&mut self, x: &'a B) -> Res<bool> {
        match x {
            B::Leaves(op, a, b) => {
                self.step(1);
                let (a, b) = (self.leaf(a)?, self.leaf(b)?);
                Ok(holds(*op, a.cmp(&b)))
            }
            B::Read(s) => match self.stored(s)? {
                Stored::Bool(v) => Ok(*v),
                _ => Err(Bail::Other),
            },
            _ => self.fb(x),
        }
    }

    /// Evaluates a bool expression.
    pub(crate) fn fb(&mut self, x: &'a B) -> Res<bool> {
        match x {
            B::Const(v) => {
                self.step(1);
                Ok(*v)
            }
            B::Read(s) => match self.stored(s)? {
                Stored::Bool(v) => Ok(*v),
                _ => Err(Bail::Other),
            },
            B::Let(k) => match self.flet(*k)? {
                V::Bool(v) => Ok(v),
                _ => Err(Bail::Other),
            },
            B::Not(a) => {
                self.step(1);
                Ok(!self.fb(a)?)
            }
            B::And(a, b) => {
                self.step(1);
                Ok(self.fb_part(a)? && self.fb_part(b)?)
            }
            B::Or(a, b) => {
                self.step(1);
                Ok(self.fb_part(a)? || self.fb_part(b)?)
            }
            B::Implies(a, b) => {
                self.step(1);
                Ok(!self.fb_part(a)? || self.fb_part(b)?)
            }
            B::CmpI(op, a, b) => {
                self.step(1);
                let (a, b) = (self.fi_leaf(a)?, self.fi_leaf(b)?);
                Ok(holds(*op, a.cmp(&b)))
            }
            B::Leaves(op, a, b) => {
                self.step(1);
                let (a, b) = (self.leaf(a)?, self.leaf(b)?);
                Ok(holds(*op, a.cmp(&b)))
            }
            B::RateLeaves(op, a, b, c) => {
                // the comparison, the division and the literal
                self.step(3);
                let (a, b) = (self.leaf(a)?, self.leaf(b)?);
                if b == 0 {
                    return Err(Bail::Other); // division by zero: a problem to report
                }
                Ok(holds(*op, rate_cmp(a, b, *c)?))
            }
            B::CmpN(op, a, b) => {
                self.step(1);
                let (a, b) = (self.fnum(a)?, self.fnum(b)?);
                Ok(holds(*op, a.compare(b)))
            }
            B::ElementVsInt(op, depth, slot, c) => {
                self.step(4);
                let v = self.element_int(*depth, *slot)?;
                Ok(holds(*op, v.cmp(c)))
            }
            B::ElementRate(op, depth, a, b, c) => {
                self.step(7);
                let (a, b) = (self.element_int(*depth, *a)?, self.element_int(*depth, *b)?);
                if b == 0 {
                    return Err(Bail::Other); // division by zero: a problem to report
                }
                Ok(holds(*op, rate_cmp(a, b, *c)?))
            }
            B::CmpRate(op, a, b, c) => {
                // the comparison, the division and the literal
                self.step(3);
                let (a, b) = (self.fi_leaf(a)?, self.fi_leaf(b)?);
                if b == 0 {
                    return Err(Bail::Other); // division by zero: a problem to report
                }
                Ok(holds(*op, rate_cmp(a, b, *c)?))
            }
            B::CmpE(op, a, b) => {
                self.step(1);
                let (a, b) = (self.fe(a)?, self.fe(b)?);
                Ok(holds(*op, a.cmp(&b)))
            }
            B::Quant(q, list, body) => self.quantifier(*q, list, body),
            B::QuantElem(q, list, test) => {
                self.step(1);
                let decisive = *q == Quant::Any;
                for e in self.felements(list)? {
                    self.within_budget()?;
                    let mut steps = 0;
                    let v = self.elem_test(e, test, &mut steps);
                    self.step(steps);
                    if v? == decisive {
                        return Ok(decisive);
                    }
                }
                Ok(!decisive)
            }
            _ => self.fb_more(x),
        }
    }

    /// `all`/`any`: the elements bound in turn in one place of the bound
    /// elements, instead of one push and pop each (the same budget checks
    /// as [`Ctx::with`]: one before each element).
    fn quantifier(&mut self, q: Quant, list: &'a L, body: &'a B) -> Res<bool> {
        self.step(1);
        let decisive = q == Quant::Any;
        let elems = self.felements(list)?;
        // the commonest bodies, a test of one element's fields, without
        // binding it: the same steps and budget checks as the body's own
        match body {
            B::ElementVsInt(op, 0, slot, c) => {
                return self.each(elems, decisive, 4, |cx, e| {
                    Ok(holds(*op, cx.int_of(e, *slot)?.cmp(c)))
                })
            }
            B::ElementRate(op, 0, a, b, c) => {
                return self.each(elems, decisive, 7, |cx, e| {
                    let (a, b) = (cx.int_of(e, *a)?, cx.int_of(e, *b)?);
                    if b == 0 {
                        return Err(Bail::Other); // division by zero: a problem to report
                    }
                    Ok(holds(*op, rate_cmp(a, b, *c)?))
                });
            }
            B::Read(Src::Var(0, slot)) => {
                return self.each(elems, decisive, 2, |cx, e| match cx.sub.answer(e, *slot) {
                    Some(Stored::Bool(v)) => Ok(*v),
                    Some(_) => Err(Bail::Other),
                    None => Err(Bail::Missing),
                })
            }
            _ => {}
        }
        let Some(first) = elems.first() else {
            return Ok(!decisive);
        };
        self.fenv.push(first);
        let at = self.fenv.len() - 1;
        let mut result = Ok(!decisive);
        for e in elems {
            if let Err(b) = self.within_budget() {
                result = Err(b);
                break;
            }
            if let Some(top) = self.fenv.get_mut(at) {
                *top = e;
            }
            match self.fb(body) {
                Ok(v) if v == decisive => {
                    result = Ok(decisive);
                    break;
                }
                Ok(_) => {}
                Err(b) => {
                    result = Err(b);
                    break;
                }
            }
        }
        self.fenv.truncate(at);
        result
    }

    /// The rarer cases of [`Ctx::fb`], out of line so that the common ones stay small.
    #[inline(never)]
    fn fb_more(&mut self, x: &'a B) -> Res<bool> {
        match x {
            B::InEnum(negated, x, items) => {
                self.step(1);
                let v = self.fe(x)?;
                // one step per literal looked at, as the full evaluator counts
                match items.iter().position(|i| *i == v) {
                    Some(k) => {
                        self.step(k as u64 + 1);
                        Ok(!negated)
                    }
                    None => {
                        self.step(items.len() as u64);
                        Ok(*negated)
                    }
                }
            }
            B::In(negated, x, items) => {
                self.step(1);
                let v = self.fany(x)?;
                for c in items {
                    self.step(1);
                    self.within_budget()?;
                    let item = const_value(c);
                    match compare(Cmp::Eq, &v, &item) {
                        Some(true) => return Ok(!negated),
                        Some(false) => {}
                        None => return Err(Bail::Other),
                    }
                }
                Ok(*negated)
            }
            B::If(c, a, b) => self.choose(c, a.as_ref(), b.as_ref(), Ctx::fb),
            B::DivLeaves(op, a, b, c) => {
                // the comparison and the division
                self.step(2);
                let (a, b) = (self.leaf(a)?, self.leaf(b)?);
                if b == 0 {
                    return Err(Bail::Other); // division by zero: a problem to report
                }
                let c = self.leaf(c)?;
                // a/b against c: a against c·b, reversed when b < 0 (i64
                // operands: the products fit in i128)
                let ord = i128::from(a).cmp(&(i128::from(c) * i128::from(b)));
                Ok(holds(*op, if b < 0 { ord.reverse() } else { ord }))
            }
            B::CmpD(op, a, b) => {
                self.step(1);
                let (a, b) = (self.fd_leaf(a)?, self.fd_leaf(b)?);
                Ok(holds(*op, a.cmp(&b)))
            }
            B::CmpT(op, a, b) => {
                self.step(1);
                let (a, b) = (self.ft(a)?, self.ft(b)?);
                Ok(holds(*op, a.cmp(b)))
            }
            B::CmpB(op, a, b) => {
                self.step(1);
                let (a, b) = (self.fb(a)?, self.fb(b)?);
                Ok(holds(*op, a.cmp(&b)))
            }
            B::Within(date, dur) => {
                // the node, the date and the duration literal
                self.step(1);
                let x = self.fd_leaf(date)?;
                self.step(1);
                let today = self.date.ok_or(Bail::Other)?;
                let start = self.period_start(today, *dur)?;
                Ok(x >= start && x <= today)
            }
            B::Present(x) => {
                self.step(1);
                match self.fany(x) {
                    Ok(_) => Ok(true),
                    Err(Bail::Missing) => Ok(false),
                    Err(e) => Err(e),
                }
            }
            _ => Err(Bail::Other),
        }
    }

    /// A [`Leaf`]'s value, counting the steps of the [`I`] node it replaces.
    // inlined where it is used in optimised native builds only (the
    // WebAssembly modules are built for size): in unoptimised
    // ones each inlined body adds to the frame of the recursive `fb`, and
    // the deepest rules must still evaluate on a 2 MiB stack
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn leaf(&mut self, x: &'a Leaf) -> Res<i64> {
        let sub: &'a crate::submission::Submission = self.sub;
        let (rec, slot) = match *x {
            Leaf::Const(v) => {
                self.step(1);
                return Ok(v);
            }
            Leaf::Let(k) => {
                return match self.cached_num(k) {
                    Some(n) => small(n),
                    None => self.flet_int(k),
                }
            }
            Leaf::Root(k) => {
                self.step(1);
                (&sub.root, k)
            }
            Leaf::Group(g, k) => {
                self.step(2);
                match sub.answer(&sub.root, g) {
                    Some(Stored::Group(r)) => (r, k),
                    Some(_) => return Err(Bail::Other),
                    None => return Err(Bail::Missing),
                }
            }
        };
        match sub.answer(rec, slot) {
            Some(Stored::Int(v)) => Ok(*v),
            Some(_) => Err(Bail::Other),
            None => Err(Bail::Missing),
        }
    }

    /// [`Ctx::fi`] with the commonest operands, literals and inputs, worked
    /// out in place.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn fi_leaf(&mut self, x: &'a I) -> Res<i64> {
        match x {
            I::Const(v) => {
                self.step(1);
                Ok(*v)
            }
            I::Read(s) => match self.stored(s)? {
                Stored::Int(v) => Ok(*v),
                _ => Err(Bail::Other),
            },
            I::Let(k) => match self.cached_num(*k) {
                Some(n) => small(n),
                None => self.fi(x),
            },
            _ => self.fi(x),
        }
    }

    /// Evaluates a whole-number expression.
    fn fi(&mut self, x: &'a I) -> Res<i64> {
        match x {
            I::Const(v) => {
                self.step(1);
                Ok(*v)
            }
            I::Read(s) => match self.stored(s)? {
                Stored::Int(v) => Ok(*v),
                _ => Err(Bail::Other),
            },
            I::Let(k) => match self.cached_num(*k) {
                Some(n) => small(n),
                None => self.flet_int(*k),
            },
            I::Arith(op, a, b) => {
                self.step(1);
                let (a, b) = (self.fi(a)?, self.fi(b)?);
                match op {
                    Arith::Add => a.checked_add(b),
                    Arith::Sub => a.checked_sub(b),
                    Arith::Mul => a.checked_mul(b),
                    Arith::Div => None,
                }
                .ok_or(Bail::Other)
            }
            _ => self.fi_more(x),
        }
    }

    /// The rarer cases of [`Ctx::fi`], out of line so that the common ones stay small.
    #[inline(never)]
    fn fi_more(&mut self, x: &'a I) -> Res<i64> {
        match x {
            I::Count(list, filter) => {
                self.step(1);
                let elems = self.felements(list)?;
                let Some(f) = filter else {
                    return i64::try_from(elems.len()).map_err(|_| Bail::Other);
                };
                let mut n: i64 = 0;
                for e in elems {
                    if self.with(e, |cx| cx.fb(f))? {
                        n += 1;
                    }
                }
                Ok(n)
            }
            I::Sum(list, body, filter) => {
                self.step(1);
                let mut total: i64 = 0;
                // the commonest total, one field of each element, without
                // binding it: the same steps and budget checks
                if let (I::Read(Src::Var(0, slot)), None) = (body.as_ref(), filter) {
                    for e in self.felements(list)? {
                        self.within_budget()?;
                        self.step(2);
                        let v = self.int_of(e, *slot)?;
                        total = total.checked_add(v).ok_or(Bail::Other)?;
                    }
                    return Ok(total);
                }
                for e in self.felements(list)? {
                    if self.keeps(e, filter)? {
                        let v = self.with(e, |cx| cx.fi(body))?;
                        total = total.checked_add(v).ok_or(Bail::Other)?;
                    }
                }
                Ok(total)
            }
            I::SumField(list, slot) => self.sum_root(*list, 2, |cx, e| cx.int_of(e, *slot)),
            I::SumLinRoot(list, lin) => self.sum_root(*list, lin.steps, |cx, e| {
                i64::try_from(cx.lin(e, lin)?).map_err(|_| Bail::Other)
            }),
            I::SumLin(list, lin) => {
                self.step(1);
                let mut total: i128 = 0;
                for e in self.felements(list)? {
                    self.within_budget()?;
                    self.step(lin.steps);
                    // whole numbers: the denominator is one
                    let v = self.lin(e, lin)?;
                    total = total.checked_add(v).ok_or(Bail::Other)?;
                }
                i64::try_from(total).map_err(|_| Bail::Other)
            }
            I::Neg(a) => {
                self.step(1);
                self.fi(a)?.checked_neg().ok_or(Bail::Other)
            }
            I::Best(want_min, list, body, filter) => {
                self.best_over(*want_min, list, body.as_ref(), filter, Ctx::fi, better)
            }
            I::BestOf(want_min, args) => self.best_of(*want_min, args, Ctx::fi, better),
            I::DateDiff(a, b) => {
                self.step(1);
                let (a, b) = (self.fd(a)?, self.fd(b)?);
                Ok(b.days_until(a))
            }
            I::DateSpan(f, a, b) => {
                self.step(1);
                let (a, b) = (self.fd(a)?, self.fd(b)?);
                f.date_span(a, b).ok_or(Bail::Other)
            }
            I::Len(list) => {
                self.step(1);
                i64::try_from(self.fl(list)?.len()).map_err(|_| Bail::Other)
            }
            I::Rounded(f, a) => {
                self.step(1);
                let v = self.fnum(a)?;
                small(f.whole(v).ok_or(Bail::Other)?)
            }
            I::Same(f, a) => {
                self.step(1);
                f.same_int(self.fi(a)?).ok_or(Bail::Other)
            }
            I::If(c, a, b) => self.choose(c, a.as_ref(), b.as_ref(), Ctx::fi),
            _ => Err(Bail::Other),
        }
    }

    /// Evaluates a rational expression.
    fn fnum(&mut self, x: &'a N) -> Res<Num> {
        match x {
            N::Const(v) => {
                self.step(1);
                Ok(*v)
            }
            N::Read(s) => match self.stored(s)? {
                Stored::Int(v) => Ok(Num::int((*v).into())),
                Stored::Num(n) => Ok(*n),
                _ => Err(Bail::Other),
            },
            N::Let(k) => match self.cached_num(*k) {
                Some(n) => Ok(n),
                None => match self.flet(*k)? {
                    V::Num(n) => Ok(n),
                    _ => Err(Bail::Other),
                },
            },
            N::FromI(a) => self.fi(a).map(|v| Num::int(v.into())),
            N::Neg(a) => {
                self.step(1);
                self.fnum(a)?.negate().map_err(|_| Bail::Other)
            }
            N::Arith(op, a, b) => {
                self.step(1);
                let (a, b) = (self.fnum(a)?, self.fnum(b)?);
                match op {
                    Arith::Add => a.plus(b),
                    Arith::Sub => a.minus(b),
                    Arith::Mul => a.times(b),
                    Arith::Div => a.over(b),
                }
                .map_err(|_| Bail::Other)
            }
            N::Total(mean, list, body, filter) => {
                self.step(1);
                let mut total = Num::ZERO;
                let mut count: i128 = 0;
                for e in self.felements(list)? {
                    if self.keeps(e, filter)? {
                        let v = self.with(e, |cx| cx.fnum(body))?;
                        total = total.plus(v).map_err(|_| Bail::Other)?;
                        count += 1;
                    }
                }
                if !mean {
                    return Ok(total);
                }
                if count == 0 {
                    return Err(Bail::Other); // the mean of an empty list
                }
                total.over(Num::int(count)).map_err(|_| Bail::Other)
            }
            N::Best(want_min, list, body, filter) => self.best_over(
                *want_min,
                list,
                body.as_ref(),
                filter,
                Ctx::fnum,
                better_num,
            ),
            N::BestOf(want_min, args) => self.best_of(*want_min, args, Ctx::fnum, better_num),
            N::Same(f, a) => {
                self.step(1);
                f.same_num(self.fnum(a)?).map_err(|_| Bail::Other)
            }
            N::If(c, a, b) => self.choose(c, a.as_ref(), b.as_ref(), Ctx::fnum),
        }
    }

    /// [`Ctx::fd`] with the commonest operands, date answers, literals and
    /// the assessment date, worked out in place.
    // in place in optimised native builds only (see [`Ctx::fl`])
    #[cfg_attr(
        all(not(debug_assertions), not(target_arch = "wasm32")),
        inline(always)
    )]
    #[cfg_attr(any(debug_assertions, target_arch = "wasm32"), inline)]
    fn fd_leaf(&mut self, x: &'a D) -> Res<Date> {
        match x {
            D::Read(s) => match self.stored(s)? {
                Stored::Date(v) => Ok(*v),
                _ => Err(Bail::Other),
            },
            D::Const(v) => {
                self.step(1);
                Ok(*v)
            }
            D::Today => {
                self.step(1);
                self.date.ok_or(Bail::Other)
            }
            _ => self.fd(x),
        }
    }

    /// Evaluates a date expression.
    fn fd(&mut self, x: &'a D) -> Res<Date> {
        match x {
            D::Const(v) => {
                self.step(1);
                Ok(*v)
            }
            D::Today => {
                self.step(1);
                self.date.ok_or(Bail::Other)
            }
            D::Read(s) => match self.stored(s)? {
                Stored::Date(v) => Ok(*v),
                _ => Err(Bail::Other),
            },
            D::Let(k) => match self.flet(*k)? {
                V::Date(v) => Ok(v),
                _ => Err(Bail::Other),
            },
            D::Shift(minus, a, dur) => {
                // the node, the date and the duration literal
                self.step(1);
                let v = self.fd(a)?;
                self.step(1);
                if *minus { v.minus(*dur) } else { v.plus(*dur) }.ok_or(Bail::Other)
            }
            D::Best(want_min, list, body, filter) => {
                self.best_over(*want_min, list, body.as_ref(), filter, Ctx::fd, better)
            }
            D::BestOf(want_min, args) => self.best_of(*want_min, args, Ctx::fd, better),
            D::If(c, a, b) => self.choose(c, a.as_ref(), b.as_ref(), Ctx::fd),
        }
    }

    /// Evaluates a text expression.
    fn ft(&mut self, x: &'a T) -> Res<&'a str> {
        match x {
            T::Const(v) => {
                self.step(1);
                Ok(v)
            }
            T::Read(s) => match self.stored(s)? {
                Stored::Text(v) => Ok(v),
                _ => Err(Bail::Other),
            },
            T::Let(k) => match self.flet(*k)? {
                V::Text(v) => Ok(v),
                _ => Err(Bail::Other),
            },
            T::If(c, a, b) => self.choose(c, a.as_ref(), b.as_ref(), Ctx::ft),
        }
    }

    /// Evaluates an enum expression.
    fn fe(&mut self, x: &'a E) -> Res<u32> {
        match x {
            E::Const(v) => {
                self.step(1);
                Ok(*v)
            }
            E::Read(s) => match self.stored(s)? {
                Stored::Enum(v) => Ok(*v),
                _ => Err(Bail::Other),
            },
            E::Let(k) => match self.flet(*k)? {
                V::Enum(v) => Ok(v),
                _ => Err(Bail::Other),
            },
            E::If(c, a, b) => self.choose(c, a.as_ref(), b.as_ref(), Ctx::fe),
        }
    }
}

/// [`better`] for numbers, which order by [`Num::compare`].
fn better_num(want_min: bool, a: Num, b: Num) -> Num {
    let ord = b.compare(a);
    let b_wins = if want_min {
        ord == std::cmp::Ordering::Less
    } else {
        ord == std::cmp::Ordering::Greater
    };
    if b_wins {
        b
    } else {
        a
    }
}

/// `a / b` (with `b` not zero) against `c`, by cross-multiplying when the
/// products fit ([`Rate`]), else through the exact quotient.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn rate_cmp(a: i64, b: i64, c: Rate) -> Res<std::cmp::Ordering> {
    if c.d != 0 {
        // a/b against n/d with d > 0: a*d against n*b, reversed when b < 0
        // (each product below 2^126)
        let ord = (i128::from(a) * i128::from(c.d)).cmp(&(i128::from(c.n) * i128::from(b)));
        return Ok(if b < 0 { ord.reverse() } else { ord });
    }
    let q = Num::int(a.into())
        .over(Num::int(b.into()))
        .map_err(|_| Bail::Other)?;
    Ok(q.compare(c.c))
}

/// A whole number that fits in an `i64`.
#[inline]
fn small(n: Num) -> Res<i64> {
    n.to_integer()
        .and_then(|v| i64::try_from(v).ok())
        .ok_or(Bail::Other)
}

#[cfg(test)]
#[cfg(feature = "compile")]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use crate::Spec;

    /// `text`, a spec named `name`, compiled; a test fails if it does not.
    fn compiled(name: &str, text: &str) -> Spec {
        match Spec::compile(name, &crate::Sources::single(name, text)) {
            Ok(s) => s,
            Err(e) => panic!("{e:?}"),
        }
    }

    /// The outcomes of `sub` under `spec` with a work budget of `budget`
    /// steps (the fast evaluator, unless `spec` has it switched off).
    fn outcomes_under(
        spec: &Spec,
        sub: &crate::submission::Submission,
        budget: u64,
    ) -> Vec<crate::vocab::Outcome> {
        crate::report::outcomes_with(
            spec.checked(),
            spec.fast_form(),
            spec.source_map(),
            sub,
            None,
            budget,
        )
    }

    /// The steps of a whole evaluation of `sub` under `spec`, with no
    /// budget: every budget up to past it is worth comparing.
    fn steps_of(spec: &Spec, sub: &crate::submission::Submission) -> u64 {
        let (_, steps) = crate::report::assess_given(
            spec.checked(),
            spec.fast_form(),
            spec.source_map(),
            sub,
            None,
            false,
            u64::MAX,
            crate::report::Attribution::of(sub),
        );
        steps
    }

    /// Checks that the fast evaluator decides, by itself, every requirement
    /// with a fast form that the general evaluator decides, when `text`
    /// answers every input (`complete`, as the caller built it) with
    /// small values other than zero (no `null`, nothing near the ends of
    /// `i64`, no zero to divide by): it gives up only at a missing answer,
    /// a runtime problem, a value too large or the work budget, and none of
    /// those is there. Counts each requirement so decided in `decided`
    /// (by its place in the spec).
    fn decides_when_answered(
        spec: &Spec,
        sub: &crate::submission::Submission,
        text: &str,
        complete: bool,
        decided: &mut [usize],
    ) {
        let small_and_given = !text.contains("null")
            && !text.contains(": 0,")
            && !text.contains(": 0}")
            && !["922337", "184467"].iter().any(|big| text.contains(big));
        if !complete || !small_and_given {
            return;
        }
        let general = outcomes_under(&spec.without_fast_path(), sub, u64::MAX);
        let checked = spec.checked();
        for (k, ((r, f), outcome)) in checked
            .requirements
            .iter()
            .zip(&spec.fast_form().requirements)
            .zip(general)
            .enumerate()
        {
            let Some(f) = f else { continue };
            if outcome == crate::vocab::Outcome::Incomplete {
                continue; // a runtime problem: both give up
            }
            let mut cx = Ctx::new(checked, spec.source_map(), sub, sub.period_end())
                .with_fast(spec.fast_form());
            let fast = cx.fast_requirement(f);
            assert!(
                fast.is_ok(),
                "{text}: {} left to the general evaluator ({fast:?})",
                r.id
            );
            decided[k] += 1;
        }
    }

    /// Checks that every requirement with a fast form was decided by the
    /// fast evaluator alone at least `least` times.
    fn each_decided(spec: &Spec, decided: &[usize], least: usize) {
        assert_eq!(decided.len(), spec.checked().requirements.len());
        for ((r, f), n) in spec
            .checked()
            .requirements
            .iter()
            .zip(&spec.fast_form().requirements)
            .zip(decided)
        {
            assert!(
                f.is_none() || *n >= least,
                "{}: decided by the fast evaluator alone {n} times",
                r.id
            );
        }
    }

    /// Whether `n` walks a list of values (`all s in standards: …` over a
    /// checklist) anywhere, definitions included.
    fn walks_values(n: &crate::ir::Node) -> bool {
        use crate::ir::NodeKind as K;
        match &n.kind {
            K::Quantifier(_, l, _) | K::Aggregate(_, l, _, _) | K::Count(l, _)
                if matches!(l.kind, K::Values(_)) =>
            {
                true
            }
            _ => n.children().any(walks_values),
        }
    }

    /// Quantifier bodies compiled as tests of the element's fields
    /// ([`Elem`], [`Lin`]), and totals over a list answer of the root
    /// ([`I::SumField`], [`I::SumLinRoot`]), decide as the general evaluator
    /// does, with the same steps: the same outcomes under every work budget,
    /// on answers around every threshold, missing, zero and very large.
    #[test]
    fn element_tests_agree_with_the_general_evaluator() {
        const SPEC: &str = r#"spec elems "Element tests" { version "1" }
inputs "Units" {
  floor: int min 0 "Floor"
  tier: enum(low, high) "Tier"
  surge: group "Surge" { shifts: int min 0 "Shifts" level: enum(calm, busy) "Level" }
  units: list min 0 "Units" item "unit" {
    kind: enum(a, b, c) "Kind"
    x: int "X"
    y: int "Y"
    z: int min 0 "Z"
    ok: bool "OK"
  }
}
area quality {
  requirement Q-01 must "Linear" { all u in units: 12 * u.x >= u.y + u.z }
  requirement Q-02 must "Half" { all u in units: u.x >= u.y + u.z / 2 }
  requirement Q-03 must "Implies" { all u in units: u.ok implies 8 * u.x - u.y > 3 }
  requirement Q-04 must "Enum" { any u in units: u.kind in [a, c] and not u.ok }
  requirement Q-05 must "Rate" { all u in units: u.kind == b or u.x / u.z <= 80% }
  requirement Q-06 must "Root" { all u in units: u.x <= surge.shifts + floor and -u.y < 2 * floor }
  requirement Q-07 must "Rates of root answers" { all u in units: u.z > 0 implies floor / surge.shifts >= 50% }
  requirement Q-08 must "Total" { applies when weighted > 0 weighted <= 3 * floor + sum(u.y - u.z for u in units) }
  requirement Q-09 must "Field totals" { applies when total_x > 0 sum(u.z for u in units) <= total_x + floor }
  requirement Q-10 must "Division of a count" { all u in units: u.ok or floor / 3 <= surge.shifts }
  requirement Q-11 must "Rate of an element's answer and the root's" { all u in units: u.ok or u.x / floor <= 80% }
  requirement Q-12 must "Fractions" { all u in units: u.ok or 1.5 * u.x - u.y / 2 >= -(u.z / 4) + u.x / (0 - 3) }
  requirement Q-13 must "Enums of the root and its group" { all u in units: tier == high or surge.level not in [calm] or u.kind != b }
}
let weighted = sum(u.x + 2 * u.z - floor for u in units)
let total_x = sum(u.x for u in units)
"#;
        let spec = compiled("elems.netspec", SPEC);
        let elems = spec
            .fast_form()
            .requirements
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Some(FastRequirement {
                        rule: B::QuantElem(..),
                        ..
                    })
                )
            })
            .count();
        assert_eq!(elems, 11, "every quantifier compiled as element tests");
        assert_eq!(
            spec.fast_form().requirements.iter().flatten().count(),
            13,
            "every requirement has a fast form"
        );
        let sums = spec
            .fast_form()
            .lets
            .iter()
            .filter(|l| matches!(l, Some(Any::I(I::SumLinRoot(..)))))
            .count();
        assert_eq!(
            sums, 1,
            "the total compiled as a linear form over a root list"
        );
        let fields = spec
            .fast_form()
            .lets
            .iter()
            .filter(|l| matches!(l, Some(Any::I(I::SumField(..)))))
            .count();
        assert_eq!(fields, 1, "the total of one field compiled as such");
        match &spec.fast_form().requirements.get(8) {
            Some(Some(FastRequirement {
                rule: B::CmpI(_, a, _),
                ..
            })) => assert!(matches!(a.as_ref(), I::SumField(..)), "{a:?}"),
            r => panic!("{r:?}"),
        }
        let general = spec.without_fast_path();
        let values = [
            "0",
            "1",
            "2",
            "5",
            "-7",
            "12",
            "9223372036854775807",
            "null",
        ];
        let kinds = ["\"a\"", "\"b\"", "\"c\""];
        let (mut compared, mut decided) = (0, vec![0; spec.checked().requirements.len()]);
        for i in 0..600usize {
            let v = |k: usize| values[(i / k + k) % values.len()];
            let unit = |j: usize| {
                format!(
                    r#"{{"kind": {}, "x": {}, "y": {}, "z": {}, "ok": {}}}"#,
                    kinds[(i + j) % 3],
                    v(1 + j),
                    v(3 + j),
                    values[(i / 7 + j) % 5],
                    if (i + j) % 3 == 0 { "true" } else { "false" }
                )
            };
            let units: Vec<String> = (0..i % 3 + 1).map(unit).collect();
            let text = format!(
                r#"{{"floor": {}, "tier": "{}", "surge": {{"shifts": {}, "level": "{}"}}, "units": [{}]}}"#,
                values[i % 5],
                ["low", "high"][(i / 2) % 2],
                values[(i / 5) % 5],
                ["calm", "busy"][(i / 3) % 2],
                units.join(", ")
            );
            let Ok(sub) = spec.ingest_str(&text) else {
                continue; // a value out of range: refused by both
            };
            decides_when_answered(&spec, &sub, &text, true, &mut decided);
            // every budget up to past the whole evaluation's steps for one
            // submission in four (a step counted wrong shows as an outcome
            // decided under one evaluator and not under the other)
            let every = if i % 4 == 0 {
                steps_of(&general, &sub) + 2
            } else {
                0
            };
            for budget in [u64::MAX, FAST_BUDGET, 0, 3, 7, 12, 20, 33, 50]
                .into_iter()
                .chain(0..every)
            {
                assert_eq!(
                    outcomes_under(&spec, &sub, budget),
                    outcomes_under(&general, &sub, budget),
                    "{text} (budget {budget})"
                );
                compared += 1;
            }
        }
        assert!(compared > 10_000, "{compared}");
        each_decided(&spec, &decided, 5);
    }

    /// Comparisons, rates and divisions of answers of the root, of its
    /// groups (and groups in them), of literals and of definitions, read in
    /// place ([`Leaf`], [`Src::Path`]), give the general evaluator's
    /// outcomes under every budget: answers
    /// around every threshold, zero divisors, negative divisors, missing
    /// answers and `i64::MAX`.
    #[test]
    fn leaf_comparisons_agree_with_the_general_evaluator() {
        const SPEC: &str = r#"spec leaves "Leaf comparisons" { version "1" }
inputs "Provider" {
  floor: int "Floor"
  cap: int "Cap"
  surge: group "Surge" {
    shifts: int "Shifts"
    kept: int "Kept"
  }
  units: list min 0 "Units" item "unit" { x: int "X" }
  net: group "Network" {
    host: group "Host" {
      beds: int "Beds"
      signed: bool "Signed"
    }
  }
}
let total = sum(u.x for u in units)
area quality {
  requirement L-01 must "Leaves" { applies when floor > 0 surge.kept >= surge.shifts }
  requirement L-02 must "Definition" { total <= cap }
  requirement L-03 must "Rate" { surge.kept / surge.shifts >= 90% }
  requirement L-04 must "Rate of a definition" { floor / total < 50% }
  requirement L-05 must "Division by a literal" { total / 3 <= cap }
  requirement L-06 must "Division by an answer" { surge.kept / floor > cap or floor == 0 }
  requirement L-07 must "Group and root" { surge.shifts != floor and cap >= 0 - 2 }
  requirement L-08 must "In a quantifier" { all u in units: surge.shifts >= floor }
  requirement L-09 must "Division by a definition" { applies when total != 5 cap / total >= floor }
  requirement L-10 must "Groups in groups" { net.host.signed or net.host.beds >= floor and cap > 0 }
  requirement L-11 must "Rate of a fine literal" { surge.kept / surge.shifts > 0.00000000000000000001 }
}
"#;
        fn uses_leaves(b: &B) -> bool {
            match b {
                B::Leaves(..) | B::RateLeaves(..) | B::DivLeaves(..) => true,
                B::Not(a) => uses_leaves(a),
                B::And(a, c) | B::Or(a, c) | B::Implies(a, c) => uses_leaves(a) || uses_leaves(c),
                _ => false,
            }
        }
        let spec = compiled("leaves.netspec", SPEC);
        let forms: Vec<&FastRequirement> = spec.fast_form().requirements.iter().flatten().collect();
        assert_eq!(forms.len(), 11, "every requirement compiled");
        let leaves = forms.iter().filter(|r| uses_leaves(&r.rule)).count();
        assert_eq!(
            leaves, 10,
            "every rule but the quantifier reads some operands in place"
        );
        assert!(
            matches!(forms[7].rule, B::QuantElem(..)),
            "a comparison of root answers in a quantifier's body is an element test"
        );
        assert!(
            matches!(&forms[9].rule, B::Or(a, _) if matches!(a.as_ref(), B::Read(Src::Path(g, _)) if g.len() == 2)),
            "a field of a group in a group is read by its path"
        );
        assert!(
            matches!(
                forms[2].rule,
                B::RateLeaves(_, _, _, Rate { n: 9, d: 10, .. })
            ),
            "{:?}",
            forms[2].rule
        );
        assert!(
            matches!(forms[10].rule, B::RateLeaves(_, _, _, Rate { d: 0, .. })),
            "a literal whose denominator does not fit in an i64: {:?}",
            forms[10].rule
        );
        let general = spec.without_fast_path();
        let values = [
            "0",
            "1",
            "2",
            "3",
            "-7",
            "10",
            "9",
            "9223372036854775807",
            "null",
        ];
        let (mut compared, mut decided) = (0, vec![0; spec.checked().requirements.len()]);
        for i in 0..900usize {
            let v = |k: usize| values[(i / k + k) % values.len()];
            let units: Vec<String> = (0..i % 3)
                .map(|j| format!(r#"{{"x": {}}}"#, v(5 + j)))
                .collect();
            let net = match i % 4 {
                0 => String::new(),
                1 => r#", "net": {}"#.to_string(),
                2 => format!(r#", "net": {{"host": {{"beds": {}}}}}"#, v(6)),
                _ => format!(
                    r#", "net": {{"host": {{"beds": {}, "signed": {}}}}}"#,
                    v(7),
                    i % 5 == 0
                ),
            };
            let text = format!(
                r#"{{"floor": {}, "cap": {}, "surge": {{"shifts": {}, "kept": {}}}, "units": [{}]{}}}"#,
                v(1),
                v(2),
                v(3),
                v(4),
                units.join(", "),
                net
            );
            let Ok(sub) = spec.ingest_str(&text) else {
                continue;
            };
            decides_when_answered(&spec, &sub, &text, i % 4 == 3, &mut decided);
            // every budget up to past the whole evaluation's steps
            for budget in [u64::MAX, FAST_BUDGET]
                .into_iter()
                .chain((0..160).step_by(3))
            {
                assert_eq!(
                    outcomes_under(&spec, &sub, budget),
                    outcomes_under(&general, &sub, budget),
                    "{text} (budget {budget})"
                );
                compared += 1;
            }
        }
        assert!(compared > 30_000, "{compared}");
        // every answer given, small and not zero: decided by the fast
        // evaluator alone
        let clean = ["1", "2", "3", "-7", "10", "9"];
        for i in 0..300usize {
            let v = |k: usize| clean[(i / k + k) % clean.len()];
            let units: Vec<String> = (0..1 + i % 3)
                .map(|j| format!(r#"{{"x": {}}}"#, v(5 + j)))
                .collect();
            let text = format!(
                r#"{{"floor": {}, "cap": {}, "surge": {{"shifts": {}, "kept": {}}}, "units": [{}], "net": {{"host": {{"beds": {}, "signed": {}}}}}}}"#,
                v(1),
                v(2),
                v(3),
                v(4),
                units.join(", "),
                v(7),
                i % 5 == 0
            );
            let Ok(sub) = spec.ingest_str(&text) else {
                panic!("{text}");
            };
            decides_when_answered(&spec, &sub, &text, true, &mut decided);
        }
        each_decided(&spec, &decided, 5);
    }

    /// Whole-number answers are stored as `i64` (`Stored::Int`) and every
    /// other number as a rational, by both readers alike; the fast
    /// evaluator's reads of them (leaves, element tests, totals, rates,
    /// number expressions) decide as the general evaluator does, under
    /// every work budget: int, number and percent answers at `i64::MIN` and
    /// `i64::MAX`, just beyond them, negative, whole written as `3.0` or
    /// `1e2`, and not whole.
    #[test]
    fn whole_number_answers_agree_with_the_general_evaluator() {
        // shared with the property test of numbers of any size
        const SPEC: &str = include_str!("wholes.netspec");
        let spec = compiled("wholes.netspec", SPEC);
        let fast = spec.fast_form().requirements.iter().flatten().count();
        assert_eq!(fast, 13, "every requirement has a fast form");
        let general = spec.without_fast_path();
        let ints = [
            "0",
            "1",
            "-1",
            "7",
            "-3",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "-9223372036854775809",
            "null",
        ];
        let numbers = [
            "0",
            "2",
            "-2",
            "3.0",
            "1e2",
            "2.5",
            "-0.5",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775807.5",
            "18446744073709551616",
            "null",
        ];
        let percents = ["0", "50", "80", "100", "12.5", "99.99", "null"];
        let (mut compared, mut ints_seen, mut rationals_seen, mut decided) =
            (0, 0, 0, vec![0; spec.checked().requirements.len()]);
        // a submission of `units` units, its answers drawn from the lists by `k`
        let submission =
            |k: usize, ints: &[&str], numbers: &[&str], percents: &[&str], units: usize| {
                let int = |j: usize| ints[(k / j + j) % ints.len()];
                let num = |j: usize| numbers[(k / j + 2 * j) % numbers.len()];
                let pct = |j: usize| percents[(k / j + j) % percents.len()];
                let units: Vec<String> = (0..units)
                    .map(|j| {
                        format!(
                            r#"{{"i": {}, "n": {}, "p": {}}}"#,
                            int(5 + j),
                            num(6 + j),
                            pct(7 + j)
                        )
                    })
                    .collect();
                format!(
                    r#"{{"i": {}, "n": {}, "p": {}, "g": {{"n": {}, "i": {}}}, "units": [{}]}}"#,
                    int(1),
                    num(2),
                    pct(3),
                    num(4),
                    int(3),
                    units.join(", ")
                )
            };
        for k in 0..700usize {
            let text = submission(k, &ints, &numbers, &percents, k % 4);
            let Ok(sub) = spec.ingest_str(&text) else {
                continue;
            };
            decides_when_answered(&spec, &sub, &text, true, &mut decided);
            // the general reader stores the same answers in the same forms
            match crate::submission::read_text(&spec.checked().schema, &text, spec.limits(), false)
            {
                Ok(Ok(read)) => assert!(read.sub == sub, "{text}"),
                _ => panic!("the general reader refuses {text}"),
            }
            // one form for each value: an i64 when whole and within i64
            for slot in 0..3 {
                match sub.answer(&sub.root, slot) {
                    Some(Stored::Int(v)) => {
                        ints_seen += 1;
                        assert_eq!(Stored::number(Num::int((*v).into())), Stored::Int(*v));
                    }
                    Some(Stored::Num(n)) => {
                        rationals_seen += 1;
                        let whole_i64 = n.to_integer().and_then(|v| i64::try_from(v).ok());
                        assert_eq!(whole_i64, None, "{text}: {n:?} is whole within i64");
                    }
                    None => {}
                    Some(other) => panic!("{text}: {other:?}"),
                }
            }
            for budget in [u64::MAX, FAST_BUDGET]
                .into_iter()
                .chain((0..180).step_by(3))
            {
                assert_eq!(
                    outcomes_under(&spec, &sub, budget),
                    outcomes_under(&general, &sub, budget),
                    "{text} (budget {budget})"
                );
                compared += 1;
            }
        }
        assert!(compared > 20_000, "{compared}");
        // every answer given, small and not zero: decided by the fast
        // evaluator alone
        let (ints, numbers, percents) = (
            ["1", "-1", "7", "-3"],
            ["2", "-2", "3.0", "1e2", "2.5", "-0.5"],
            ["50", "80", "100", "12.5"],
        );
        for k in 0..300usize {
            let text = submission(k, &ints, &numbers, &percents, 1 + k % 3);
            let Ok(sub) = spec.ingest_str(&text) else {
                panic!("{text}");
            };
            decides_when_answered(&spec, &sub, &text, true, &mut decided);
        }
        each_decided(&spec, &decided, 5);
        assert!(
            ints_seen > 300 && rationals_seen > 100,
            "{ints_seen} {rationals_seen}"
        );
    }

    /// Every construct the fast evaluator compiles, in one spec
    /// (`constructs.netspec`: texts, enums and numbers among literals, `if`
    /// of each kind, dates moved, compared and `within` windows of two
    /// lengths, the assessment date,
    /// every call, totals (filtered, over a definition), counts, means, the
    /// difference of two dates, the lowest and highest of numbers and
    /// dates, nested quantifiers, `present` of each kind, groups in groups,
    /// definitions of each kind, enums, groups and lists among them): each
    /// requirement has a fast form, which decides it alone whenever every
    /// answer is given, and the outcomes are the general evaluator's under
    /// every work budget.
    #[test]
    fn every_construct_it_compiles_decides_as_the_general_evaluator_does() {
        const SPEC: &str = include_str!("constructs.netspec");
        let spec = compiled("constructs.netspec", SPEC);
        let checked = spec.checked();
        assert_eq!(checked.requirements.len(), 42);
        for (r, f) in checked
            .requirements
            .iter()
            .zip(&spec.fast_form().requirements)
        {
            assert!(f.is_some(), "{}: no fast form", r.id);
        }
        assert!(spec.fast_form().lets.iter().all(Option::is_some));
        // a total of a linear form over a definition's list, in one node
        assert!(
            matches!(
                &spec.fast_form().requirements[34],
                Some(FastRequirement { rule: B::CmpI(Cmp::Ge, total, _), .. })
                    if matches!(total.as_ref(), I::SumLin(..))
            ),
            "{:?}",
            spec.fast_form().requirements[34]
        );
        // an element's whole number against a literal, in one node
        assert!(
            matches!(
                &spec.fast_form().requirements[31],
                Some(FastRequirement { rule: B::Quant(Quant::Any, _, body), .. })
                    if matches!(body.as_ref(), B::ElementVsInt(Cmp::Ge, 0, 0, 4))
            ),
            "{:?}",
            spec.fast_form().requirements[31]
        );
        let general = spec.without_fast_path();
        let date = Date::parse("2024-12-01");
        let outcomes = |spec: &Spec, sub: &crate::submission::Submission, budget: u64| {
            crate::report::outcomes_with(
                spec.checked(),
                spec.fast_form(),
                spec.source_map(),
                sub,
                date,
                budget,
            )
        };
        let pick = |values: &[&'static str], i: usize, k: usize| values[(i / k + k) % values.len()];
        // per requirement: met, not met
        let mut seen = vec![[0usize; 2]; checked.requirements.len()];
        for i in 0..400usize {
            let unit = |j: usize| {
                format!(
                    r#"{{"x": {}, "y": {}, "n": {}, "open": {}, "kind": "{}", "seen": "{}", "name": "{}"}}"#,
                    pick(&["3", "4", "-2"], i, 11 + j),
                    pick(&["2", "5", "-1"], i, 17 + j),
                    pick(&["1.5", "2", "0.5"], i, 12 + j),
                    // the first unit open: a mean and a highest over the
                    // open units always have one
                    j == 0 || pick(&["true", "false"], i, 13 + j) == "true",
                    pick(&["a", "b"], i, 14 + j),
                    pick(&["2024-04-02", "2022-05-02", "2025-02-01"], i, 15 + j),
                    pick(&["A", ""], i, 16 + j),
                )
            };
            let units: Vec<String> = (0..1 + i % 3).map(unit).collect();
            let text = format!(
                r#"{{"signed": {}, "beds": {}, "cover": {}, "share": {}, "opened": "{}", "reviewed": "{}", "lead": "{}", "tier": "{}", "surge": {{"shifts": {}, "kept": {}, "since": "{}", "net": {{"host": "{}"}}}}, "units": [{}]}}"#,
                pick(&["true", "false"], i, 1),
                pick(&["1", "4", "7"], i, 2),
                pick(&["2.5", "0.4", "7"], i, 3),
                pick(&["60", "20", "95"], i, 4),
                pick(
                    &["2024-03-01", "2023-01-15", "2025-06-30", "2027-06-01"],
                    i,
                    5
                ),
                pick(&["2024-11-20", "2024-02-01", "2023-06-01"], i, 6),
                pick(&["Ann", "Bea", "Cy"], i, 7),
                pick(&["low", "mid", "high"], i, 8),
                pick(&["6", "2"], i, 9),
                pick(&["5", "9"], i, 10),
                pick(
                    &["2024-01-10", "2024-12-30", "2024-11-15", "2024-06-01"],
                    i,
                    3
                ),
                pick(&["Bea", "Ann"], i, 4),
                units.join(", ")
            );
            let Ok(sub) = spec.ingest_str(&text) else {
                panic!("{text}");
            };
            let expected = outcomes(&general, &sub, u64::MAX);
            for budget in [u64::MAX, FAST_BUDGET]
                .into_iter()
                .chain((0..400).step_by(9))
            {
                assert_eq!(
                    outcomes(&spec, &sub, budget),
                    outcomes(&general, &sub, budget),
                    "{text} (budget {budget})"
                );
            }
            for (k, ((r, f), outcome)) in checked
                .requirements
                .iter()
                .zip(&spec.fast_form().requirements)
                .zip(&expected)
                .enumerate()
            {
                use crate::vocab::Outcome as O;
                let Some(seen) = seen.get_mut(k) else {
                    continue;
                };
                match outcome {
                    O::Met => seen[0] += 1,
                    O::NotMet => seen[1] += 1,
                    // every answer given: nothing is incomplete
                    o => panic!("{text}: {} {o:?}", r.id),
                }
                let Some(f) = f else { continue };
                let mut cx =
                    Ctx::new(checked, spec.source_map(), &sub, date).with_fast(spec.fast_form());
                let fast = cx.fast_requirement(f);
                assert!(
                    fast.is_ok(),
                    "{text}: {} left to the general evaluator ({fast:?})",
                    r.id
                );
            }
        }
        // each requirement both met and not met, by one evaluator as by the
        // other (the fast one alone each time)
        for (r, seen) in checked.requirements.iter().zip(&seen) {
            assert!(seen[0] > 0 && seen[1] > 0, "{}: {seen:?}", r.id);
        }
    }

    /// The fully answered examples of every bundled spec are decided by the
    /// fast evaluator alone, every requirement of them.
    #[test]
    fn decides_every_requirement_of_the_fully_answered_examples() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut specs = 0;
        for entry in std::fs::read_dir(root.join("specs"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_none_or(|x| x != "netspec") {
                continue;
            }
            let name = format!("specs/{}", entry.file_name().to_string_lossy());
            let sources =
                crate::gather_sources(&name, |p| std::fs::read_to_string(root.join(p)).ok());
            let Ok(spec) = Spec::compile(&name, &sources) else {
                panic!("{name} does not compile");
            };
            let checked = spec.checked();
            // a walk over a list of values (a checklist's items) is left to
            // the general evaluator; everything else is compiled
            for (r, f) in checked
                .requirements
                .iter()
                .zip(&spec.fast_form().requirements)
            {
                let over_values = std::iter::once(&r.rule)
                    .chain(r.applies.as_ref())
                    .any(walks_values);
                assert!(f.is_some() || over_values, "{name}: {}", r.id);
            }
            for example in [
                "compliant",
                "partly_compliant",
                "non_compliant",
                "network_compliant",
                "network_non_compliant",
            ] {
                let file = root.join(format!("specs/examples/{}/{example}.json", spec.id()));
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                let Ok(sub) = spec.ingest_str(&text) else {
                    panic!("{}: not a valid submission", file.display());
                };
                let mut cx = Ctx::new(checked, spec.source_map(), &sub, sub.period_end())
                    .with_fast(spec.fast_form());
                let respondent = sub.header.as_ref().map(|h| h.respondent);
                for (r, f) in checked
                    .requirements
                    .iter()
                    .zip(&spec.fast_form().requirements)
                {
                    let Some(f) = f else { continue };
                    if Some(r.respondent) != respondent {
                        continue; // the other respondent's duty: not in this report
                    }
                    assert!(cx.fast_requirement(f).is_ok(), "{name} {example}: {}", r.id);
                }
            }
            specs += 1;
        }
        assert_eq!(specs, 12);
    }

    /// The fast evaluator works within budgets up to [`FAST_BUDGET`] and
    /// declines any larger one, where its plain addition of steps could
    /// wrap: the general evaluator, which counts saturating, decides there.
    #[test]
    fn declines_budgets_above_the_one_it_counts_within() {
        let spec = compiled(
            "budget.netspec",
            r#"spec budget "Budget" { version "1" }
inputs "Provider" {
  beds: int min 0 "Beds"
}
area quality {
  requirement B-01 must "Beds" {
    beds >= 4
  }
}
"#,
        );
        let Ok(sub) = spec.ingest_str(r#"{"beds": 5}"#) else {
            panic!("the submission is refused");
        };
        let Some(Some(f)) = spec.fast_form().requirements.first() else {
            panic!("no fast form");
        };
        let decide = |budget: u64| {
            let mut cx =
                Ctx::new(spec.checked(), spec.source_map(), &sub, None).with_fast(spec.fast_form());
            cx.set_budget(budget);
            cx.fast_requirement(f)
        };
        assert_eq!(decide(FAST_BUDGET), Ok(Some(true)));
        assert_eq!(decide(FAST_BUDGET - 1), Ok(Some(true)));
        assert_eq!(decide(FAST_BUDGET + 1), Err(Bail::Other));
        assert_eq!(decide(u64::MAX), Err(Bail::Other));
    }

    /// A fast attempt that works out definitions and then gives up (an
    /// answer missing) forgets them, those past the 64th among them: the
    /// general evaluator, deciding the requirement instead, counts their
    /// steps again, as it does without the attempt. Whole-number definitions
    /// ([`Ctx::flet_int`]) and numbers ([`Ctx::flet`]) alike, the 65th of
    /// each kind in one of the two specs; outcomes compared under every
    /// budget up to past the whole evaluation's steps.
    #[test]
    fn definitions_an_attempt_worked_out_are_counted_again_when_it_gives_up() {
        use std::fmt::Write as _;
        for numbers_at in [0, 1] {
            let mut text = String::from(
                "spec rollback \"Rollback\" { version \"1\" }\ninputs \"Provider\" {\n  beds: int \"Beds\"\n  extra: int \"Extra\"\n  cover: number \"Cover\"\n}\n",
            );
            for k in 0..70 {
                let read = if k % 2 == numbers_at { "cover" } else { "beds" };
                let _ = writeln!(text, "let d{k} = {read} + {k}");
            }
            text.push_str("area quality {\n");
            for k in 0..70 {
                let _ = writeln!(
                    text,
                    "  requirement R-{k:02} must \"d{k}\" {{ d{k} > extra or d{k} >= 1 }}"
                );
            }
            text.push_str("}\n");
            let spec = compiled("rollback.netspec", &text);
            assert_eq!(spec.fast_form().lets.len(), 70);
            assert!(spec.fast_form().requirements.iter().all(Option::is_some));
            let general = spec.without_fast_path();
            for (answers, gives_up) in [
                (r#"{"beds": 5, "cover": 2.5}"#, true),
                (r#"{"beds": 5, "cover": 2.5, "extra": 3}"#, false),
            ] {
                let Ok(sub) = spec.ingest_str(answers) else {
                    panic!("{answers}");
                };
                // the premise: each attempt gives up, at the missing answer
                // and after its definition is worked out, or decides
                for f in spec.fast_form().requirements.iter().flatten() {
                    let mut cx = Ctx::new(spec.checked(), spec.source_map(), &sub, None)
                        .with_fast(spec.fast_form());
                    let fast = cx.fast_requirement(f);
                    if gives_up {
                        assert_eq!(fast, Err(Bail::Missing), "{answers}");
                        assert!(cx.fast_lets_low != 0 || !cx.fast_lets_set.is_empty());
                    } else {
                        assert_eq!(fast, Ok(Some(true)), "{answers}");
                    }
                }
                let steps = steps_of(&general, &sub);
                assert!(steps > 70 * 5, "{steps}");
                for budget in (0..steps + 2).chain([u64::MAX, FAST_BUDGET]) {
                    assert_eq!(
                        outcomes_under(&spec, &sub, budget),
                        outcomes_under(&general, &sub, budget),
                        "{answers} (budget {budget}, definitions {numbers_at})"
                    );
                }
            }
        }
    }
}
