//! The functions of the language, declared once: [`TABLE`] names every
//! function a spec can call (with its arity, its usage hint for wrong
//! arguments and its line in the language reference), and [`Builtin`] holds
//! what each called function does: its type rule ([`Builtin::type_rule`]),
//! its value in the general evaluator ([`Builtin::apply`]) and how the fast
//! evaluator computes it ([`Builtin::lowering`]), or that it does not.
//!
//! The checker's list of functions, its "did you mean" suggestions and its
//! usage hints come from [`TABLE`]; the general evaluator and the fast
//! lowering dispatch through [`Builtin`]. This module sees no syntax tree,
//! compiled expression or evaluator value: a type rule sees the argument
//! types through [`ArgType`], an evaluation the argument values as [`Arg`]s.
//!
//! # Adding a function
//!
//! Everything is in this file:
//! 1. a variant of [`Builtin`];
//! 2. an entry in [`TABLE`] (name, `Call::Builtin(..)`, arity, usage hint,
//!    the reference's line for it); the order of [`TABLE`] is the order of
//!    the "functions: …" note of an unknown-function error;
//! 3. an arm in each `match` of `impl Builtin` (the compiler lists them):
//!    [`Builtin::type_rule`], [`Builtin::apply`], [`Builtin::lowering`]
//!    (`Lowering::No` leaves every rule calling it to the general
//!    evaluator) and, when lowered in one of the shapes that use them,
//!    [`Builtin::whole`], [`Builtin::same_int`], [`Builtin::same_num`] or
//!    [`Builtin::date_span`]; [`Builtin::reads_lists`] when a checklist
//!    argument is read as the list of its items.
//!
//! Then a row in the Functions table of `grammar/README.md` (the test
//! `reference_lists_every_function` fails until the two agree) and tests
//! (a conformance case under `tests/conformance`). A new shape of fast
//! evaluation (say, a function of two numbers) is a variant of [`Lowering`]
//! and the nodes for it in `eval/fast.rs`.

use crate::calendar::Date;
use crate::number::{ArithError, Num};

/// A function called with arguments, `name(a, b)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Builtin {
    /// `ceil(x)`
    Ceil,
    /// `floor(x)`
    Floor,
    /// `round(x)`
    Round,
    /// `abs(x)`
    Abs,
    /// `len(xs)`
    Len,
    /// `days_between(a, b)`
    DaysBetween,
    /// `min(a, b, …)`
    Min,
    /// `max(a, b, …)`
    Max,
}

/// How many arguments a call takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// Exactly this many.
    Exactly(usize),
    /// This many or more.
    AtLeast(usize),
}

impl Arity {
    /// Whether a call with `n` arguments has the right number.
    pub fn allows(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::AtLeast(k) => n >= k,
        }
    }
}

/// What a name does when called with arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// A function of its arguments' values.
    Builtin(Builtin, Arity),
    /// `present(x)`: whether an input is answered, checked and evaluated on
    /// its own (it reads an input's answer, not its value).
    Present,
    /// Nothing: the name is only an aggregate or a count over a list.
    No,
}

/// A form over a list, `sum(e for x in list)` or `count(x in list)`, in
/// the order the checker suggests them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Aggregate {
    /// `sum(e for x in list)`
    Sum,
    /// `mean(e for x in list)`
    Mean,
    /// `min(e for x in list)`
    Min,
    /// `max(e for x in list)`
    Max,
    /// `count(x in list where c)`
    Count,
}

/// One function of the language.
#[derive(Debug, Clone, Copy)]
pub struct Def {
    /// Its name.
    pub name: &'static str,
    /// What a call `name(…)` does.
    pub call: Call,
    /// Its form over a list, if it has one.
    pub aggregate: Option<Aggregate>,
    /// The help line of a call with the wrong arguments.
    pub usage: &'static str,
    /// What it takes and gives, as the language reference says it (the
    /// last column of its row there).
    pub doc: &'static str,
}

impl Def {
    /// How many arguments a call takes, if it can be called.
    pub fn arity(&self) -> Option<Arity> {
        match self.call {
            Call::Builtin(_, arity) => Some(arity),
            Call::Present => Some(Arity::Exactly(1)),
            Call::No => None,
        }
    }
}

/// Every function, in the order an unknown-function error lists them.
pub const TABLE: [Def; 12] = [
    Def {
        name: "ceil",
        call: Call::Builtin(Builtin::Ceil, Arity::Exactly(1)),
        aggregate: None,
        usage: "`ceil` takes one argument",
        doc: ROUNDING_DOC,
    },
    Def {
        name: "floor",
        call: Call::Builtin(Builtin::Floor, Arity::Exactly(1)),
        aggregate: None,
        usage: "`floor` takes one argument",
        doc: ROUNDING_DOC,
    },
    Def {
        name: "round",
        call: Call::Builtin(Builtin::Round, Arity::Exactly(1)),
        aggregate: None,
        usage: "`round` takes one argument",
        doc: ROUNDING_DOC,
    },
    Def {
        name: "abs",
        call: Call::Builtin(Builtin::Abs, Arity::Exactly(1)),
        aggregate: None,
        usage: "`abs` takes one argument",
        doc: "int, number or percent → same",
    },
    Def {
        name: "len",
        call: Call::Builtin(Builtin::Len, Arity::Exactly(1)),
        aggregate: None,
        usage: "`len` takes one argument",
        doc: "list → int",
    },
    Def {
        name: "present",
        call: Call::Present,
        aggregate: None,
        usage: "`present` takes one argument",
        doc: "an input or field → bool, never unknown",
    },
    Def {
        name: "days_between",
        call: Call::Builtin(Builtin::DaysBetween, Arity::Exactly(2)),
        aggregate: None,
        usage: "write `days_between(from_date, to_date)`",
        doc: "two dates → int, `b - a` in days",
    },
    Def {
        name: "min",
        call: Call::Builtin(Builtin::Min, Arity::AtLeast(2)),
        aggregate: Some(Aggregate::Min),
        usage: "write `min(a, b)` or `min(u.value for u in list)`",
        doc: BEST_DOC,
    },
    Def {
        name: "max",
        call: Call::Builtin(Builtin::Max, Arity::AtLeast(2)),
        aggregate: Some(Aggregate::Max),
        usage: "write `max(a, b)` or `max(u.value for u in list)`",
        doc: BEST_DOC,
    },
    Def {
        name: "sum",
        call: Call::No,
        aggregate: Some(Aggregate::Sum),
        usage: "write `sum(u.value for u in list)`",
        doc: "total (0 for none)",
    },
    Def {
        name: "mean",
        call: Call::No,
        aggregate: Some(Aggregate::Mean),
        usage: "write `mean(u.value for u in list)`",
        doc: "average; empty → unknown with a problem",
    },
    Def {
        name: "count",
        call: Call::No,
        aggregate: Some(Aggregate::Count),
        usage: "write `count(u in list where condition)`",
        doc: "number of elements",
    },
];

const ROUNDING_DOC: &str = "int or number → int (`round` takes halves away from zero)";
const BEST_DOC: &str = "two or more numeric or date values → their common type";

/// The function of this name.
pub fn find(name: &str) -> Option<&'static Def> {
    TABLE.iter().find(|d| d.name == name)
}

/// The names of every function, in [`TABLE`] order.
pub fn names() -> impl Iterator<Item = &'static str> + Clone {
    TABLE.iter().map(|d| d.name)
}

/// The names of the forms over a list, in the order of [`Aggregate`].
pub fn aggregate_names() -> Vec<&'static str> {
    let mut forms: Vec<(Aggregate, &'static str)> = TABLE
        .iter()
        .filter_map(|d| d.aggregate.map(|a| (a, d.name)))
        .collect();
    forms.sort();
    forms.into_iter().map(|(_, name)| name).collect()
}

/// What the checker says of a name that is no aggregate: "aggregates are
/// sum, mean, min, max (`sum(e for x in list)`) and count".
pub fn aggregates_note() -> String {
    let mut forms: Vec<(Aggregate, &'static str)> = TABLE
        .iter()
        .filter_map(|d| d.aggregate.map(|a| (a, d.name)))
        .filter(|(a, _)| *a != Aggregate::Count)
        .collect();
    forms.sort();
    let names: Vec<&str> = forms.into_iter().map(|(_, name)| name).collect();
    format!(
        "aggregates are {} (`sum(e for x in list)`) and count",
        names.join(", ")
    )
}

// ------------------------------------------------------------------ types

/// What a type rule sees of a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Left after an error (accepted by every rule, reported once already).
    Error,
    /// bool
    Bool,
    /// int
    Int,
    /// number
    Number,
    /// percent
    Percent,
    /// date
    Date,
    /// duration
    Duration,
    /// text
    Text,
    /// An enum's value.
    Enum,
    /// A group of fields.
    Record,
    /// A list input.
    List,
    /// A list of values (`[a, b]`, a checklist's answers).
    Values,
    /// Anything else.
    Other,
}

/// A type as a type rule sees it (the checker's types implement it).
pub trait ArgType: Clone {
    /// Its class.
    fn class(&self) -> Class;
    /// The type two values of these types have together (int and number
    /// make a number), if they have one.
    fn unify(&self, other: &Self) -> Option<Self>;
    /// The type of a scalar class (bool, int, number, percent, date,
    /// duration, text), what a rule gives; the error type for the others.
    fn of(class: Class) -> Self;
}

/// Why a call does not type-check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeError {
    /// The function cannot take its first argument (reported at the call),
    /// with a help line.
    CannotTake(Option<&'static str>),
    /// The second of two dates is something else (reported at the call).
    NotTwoDates,
    /// This argument does not mix with the ones before it (reported at it).
    CannotMix(usize),
}

impl TypeError {
    /// The argument the message describes.
    pub fn arg(self) -> usize {
        match self {
            TypeError::CannotTake(_) => 0,
            TypeError::NotTwoDates => 1,
            TypeError::CannotMix(i) => i,
        }
    }

    /// Whether it is reported at that argument (else at the whole call).
    pub fn at_arg(self) -> bool {
        matches!(self, TypeError::CannotMix(_))
    }

    /// The message, given the function's name and the argument's type with
    /// its article ("a date").
    pub fn message(self, name: &str, a_type: &str) -> String {
        match self {
            TypeError::CannotTake(_) => format!("`{name}` cannot take {a_type}"),
            TypeError::NotTwoDates => {
                format!("`{name}` needs two dates, found a date and {a_type}")
            }
            TypeError::CannotMix(_) => format!("`{name}` cannot mix in {a_type}"),
        }
    }

    /// The help line.
    pub fn help(self) -> Option<&'static str> {
        match self {
            TypeError::CannotTake(help) => help,
            TypeError::NotTwoDates | TypeError::CannotMix(_) => None,
        }
    }
}

// ------------------------------------------------------------------ values

/// An argument's value as a function sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg {
    /// An int, number or percent.
    Num(Num),
    /// A date.
    Date(Date),
    /// A list of this many elements.
    List(usize),
    /// Anything else.
    Other,
}

/// A function's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A bool.
    Bool(bool),
    /// An int, number or percent.
    Num(Num),
    /// A date.
    Date(Date),
    /// The value of this argument, as it is.
    Arg(usize),
}

/// Why a function has no value for these arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fail {
    /// Arguments of a kind it does not take (the checker prevents it).
    Unevaluable,
    /// The second of two dates is something else.
    NotADate,
    /// The arithmetic failed.
    Arith(ArithError),
}

/// How the fast evaluator computes a function: one shape per kind of node
/// it builds (`eval/fast.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lowering {
    /// It does not: a rule that calls it is left to the general evaluator.
    No,
    /// One number to a whole number, by [`Builtin::whole`].
    Whole,
    /// One value to one of the same type, by [`Builtin::same_int`] or
    /// [`Builtin::same_num`].
    Same,
    /// Two dates to a whole number, by [`Builtin::date_span`].
    DateSpan,
    /// The number of elements of one list.
    Length,
    /// The least (`true`) or greatest of its arguments, the later one on a
    /// tie for the greatest.
    Best(bool),
}

impl Builtin {
    /// Whether an argument that is a checklist is read as the list of its
    /// items' answers (`len(standards)`).
    pub fn reads_lists(self) -> bool {
        matches!(self, Builtin::Len)
    }

    /// The type of a call with arguments of these types (as many as its
    /// arity allows; a checklist already read as a list when
    /// [`Builtin::reads_lists`]).
    pub fn type_rule<T: ArgType>(self, args: &[T]) -> Result<T, TypeError> {
        use Class as C;
        let first = args.first().map_or(C::Error, ArgType::class);
        let one = |ok: &[Class], gives: Option<Class>, help| {
            if first == C::Error {
                return Ok(T::of(C::Error));
            }
            if !ok.contains(&first) {
                return Err(TypeError::CannotTake(help));
            }
            match (gives, args.first()) {
                (Some(c), _) => Ok(T::of(c)),
                (None, Some(t)) => Ok(t.clone()),
                (None, None) => Ok(T::of(C::Error)),
            }
        };
        match self {
            Builtin::Ceil | Builtin::Floor | Builtin::Round => one(
                &[C::Int, C::Number],
                Some(C::Int),
                Some("rounding applies to int and number values"),
            ),
            Builtin::Abs => one(&[C::Int, C::Number, C::Percent], None, None),
            Builtin::Len => one(&[C::List, C::Values], Some(C::Int), None),
            Builtin::DaysBetween => {
                let ty = one(&[C::Date], Some(C::Int), None)?;
                if first == C::Date {
                    let second = args.get(1).map_or(C::Error, ArgType::class);
                    if !matches!(second, C::Date | C::Error) {
                        return Err(TypeError::NotTwoDates);
                    }
                }
                Ok(ty)
            }
            Builtin::Min | Builtin::Max => {
                let mut ty = T::of(C::Error);
                for (i, a) in args.iter().enumerate() {
                    let mixes =
                        !matches!(a.class(), C::Bool | C::Text | C::Enum | C::Record | C::List);
                    match ty.unify(a) {
                        Some(t) if mixes => ty = t,
                        _ => return Err(TypeError::CannotMix(i)),
                    }
                }
                Ok(ty)
            }
        }
    }

    /// Its value for these (known) arguments, in the general evaluator.
    pub fn apply(self, args: &[Arg]) -> Result<Value, Fail> {
        let first = args.first().copied().unwrap_or(Arg::Other);
        match self {
            Builtin::Ceil | Builtin::Floor | Builtin::Round => match first {
                Arg::Num(x) => self.whole(x).map(Value::Num).ok_or(Fail::Unevaluable),
                _ => Err(Fail::Unevaluable),
            },
            Builtin::Abs => match first {
                Arg::Num(x) => self.same_num(x).map(Value::Num),
                _ => Err(Fail::Unevaluable),
            },
            Builtin::Len => match first {
                Arg::List(n) => Ok(Value::Num(Num::int(n as i128))),
                _ => Err(Fail::Unevaluable),
            },
            Builtin::DaysBetween => match (first, args.get(1)) {
                (Arg::Date(a), Some(Arg::Date(b))) => self
                    .date_span(a, *b)
                    .map(|d| Value::Num(Num::int(d.into())))
                    .ok_or(Fail::Unevaluable),
                (Arg::Date(_), _) => Err(Fail::NotADate),
                _ => Err(Fail::Unevaluable),
            },
            Builtin::Min | Builtin::Max if !args.is_empty() => {
                let want_min = self == Builtin::Min;
                let mut best = 0;
                for (i, b) in args.iter().enumerate().skip(1) {
                    let a = args.get(best).copied().unwrap_or(Arg::Other);
                    if less(*b, a) == Some(want_min) {
                        best = i;
                    }
                }
                Ok(Value::Arg(best))
            }
            Builtin::Min | Builtin::Max => Err(Fail::Unevaluable),
        }
    }

    /// How the fast evaluator computes it.
    #[inline]
    pub fn lowering(self) -> Lowering {
        match self {
            Builtin::Ceil | Builtin::Floor | Builtin::Round => Lowering::Whole,
            Builtin::Abs => Lowering::Same,
            Builtin::Len => Lowering::Length,
            Builtin::DaysBetween => Lowering::DateSpan,
            Builtin::Min => Lowering::Best(true),
            Builtin::Max => Lowering::Best(false),
        }
    }

    /// A number made whole ([`Lowering::Whole`]).
    #[inline]
    pub fn whole(self, x: Num) -> Option<Num> {
        match self {
            Builtin::Ceil => Some(x.ceil()),
            Builtin::Floor => Some(x.floor()),
            Builtin::Round => Some(x.round()),
            Builtin::Abs | Builtin::Len | Builtin::DaysBetween | Builtin::Min | Builtin::Max => {
                None
            }
        }
    }

    /// A whole number to another ([`Lowering::Same`]); `None` when it does
    /// not fit.
    #[inline]
    pub fn same_int(self, x: i64) -> Option<i64> {
        match self {
            Builtin::Abs => x.checked_abs(),
            Builtin::Ceil
            | Builtin::Floor
            | Builtin::Round
            | Builtin::Len
            | Builtin::DaysBetween
            | Builtin::Min
            | Builtin::Max => None,
        }
    }

    /// A number to another of the same type ([`Lowering::Same`]).
    #[inline]
    pub fn same_num(self, x: Num) -> Result<Num, Fail> {
        match self {
            Builtin::Abs => x.abs().map_err(Fail::Arith),
            Builtin::Ceil
            | Builtin::Floor
            | Builtin::Round
            | Builtin::Len
            | Builtin::DaysBetween
            | Builtin::Min
            | Builtin::Max => Err(Fail::Unevaluable),
        }
    }

    /// Two dates to a whole number ([`Lowering::DateSpan`]).
    #[inline]
    pub fn date_span(self, a: Date, b: Date) -> Option<i64> {
        match self {
            Builtin::DaysBetween => Some(a.days_until(b)),
            Builtin::Ceil
            | Builtin::Floor
            | Builtin::Round
            | Builtin::Abs
            | Builtin::Len
            | Builtin::Min
            | Builtin::Max => None,
        }
    }
}

/// Whether `a < b`; `None` when they are not two numbers or two dates.
fn less(a: Arg, b: Arg) -> Option<bool> {
    match (a, b) {
        (Arg::Num(x), Arg::Num(y)) => Some(x.compare(y) == std::cmp::Ordering::Less),
        (Arg::Date(x), Arg::Date(y)) => Some(x < y),
        _ => None,
    }
}

#[cfg(test)]
#[cfg(feature = "compile")]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    /// The rows of the first table after the heading `heading` of the
    /// language reference: for each, the `name(args)` code spans of its
    /// first column and its last column.
    fn rows(reference: &str, heading: &str) -> Vec<(Vec<String>, String)> {
        let Some(start) = reference.find(heading) else {
            panic!("no `{heading}` in grammar/README.md");
        };
        let section = reference.get(start + heading.len()..).unwrap_or_default();
        let section = section.split("\n#").next().unwrap_or_default();
        section
            .lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| {
                let cols: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
                let first = cols.first().copied().unwrap_or_default();
                let spans = first
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .filter(|s| s.contains('('))
                    .map(str::to_string)
                    .collect();
                (spans, cols.last().copied().unwrap_or_default().to_string())
            })
            .collect()
    }

    /// `name(a, b, …)`: its name and arity.
    fn call_of(span: &str) -> (&str, Arity) {
        let (name, rest) = span.split_once('(').unwrap_or((span, ")"));
        let args = rest.trim_end_matches(')').trim();
        let items: Vec<&str> = args
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let arity = match items.split_last() {
            Some((&"…", before)) => Arity::AtLeast(before.len()),
            _ => Arity::Exactly(items.len()),
        };
        (name, arity)
    }

    /// The language reference's Functions table names every function that
    /// is called with arguments, with its arity and its line, and nothing
    /// else; its table of aggregates names every form over a list.
    #[test]
    fn reference_lists_every_function() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../grammar/README.md");
        let reference = std::fs::read_to_string(&path).unwrap_or_default();
        let functions = rows(&reference, "### Functions");
        let mut named = Vec::new();
        for (spans, doc) in &functions {
            for span in spans {
                let (name, arity) = call_of(span);
                let Some(def) = find(name) else {
                    panic!("the reference lists `{span}`, which is no function");
                };
                assert_eq!(
                    def.arity(),
                    Some(arity),
                    "arity of `{name}` in the reference"
                );
                assert_eq!(def.doc, doc, "line of `{name}` in the reference");
                named.push(name.to_string());
            }
        }
        for def in TABLE.iter().filter(|d| d.arity().is_some()) {
            let times = named.iter().filter(|n| *n == def.name).count();
            assert_eq!(
                times, 1,
                "`{}` in the reference's Functions table",
                def.name
            );
        }

        let aggregates = rows(&reference, "### Lists, quantifiers and aggregates");
        for (spans, _) in &aggregates {
            for span in spans {
                let (name, _) = call_of(span);
                assert!(
                    find(name).is_some(),
                    "the reference lists `{span}`, which is no function"
                );
            }
        }
        for def in TABLE.iter().filter(|d| d.aggregate.is_some()) {
            let rows: Vec<&String> = aggregates
                .iter()
                .filter(|(spans, _)| spans.iter().any(|s| call_of(s).0 == def.name))
                .map(|(_, doc)| doc)
                .collect();
            assert!(
                !rows.is_empty(),
                "`{}` in the reference's aggregates",
                def.name
            );
            if def.call == Call::No {
                assert!(
                    rows.contains(&&def.doc.to_string()),
                    "line of `{}`",
                    def.name
                );
            }
        }
    }

    /// Names are unique, and the usage hints and notes are as before.
    #[test]
    fn names_are_unique_and_notes_follow_the_table() {
        for (i, d) in TABLE.iter().enumerate() {
            assert!(
                TABLE.iter().skip(i + 1).all(|e| e.name != d.name),
                "{}",
                d.name
            );
        }
        assert_eq!(aggregate_names(), ["sum", "mean", "min", "max", "count"]);
        assert_eq!(
            aggregates_note(),
            "aggregates are sum, mean, min, max (`sum(e for x in list)`) and count"
        );
        let names: Vec<&str> = names().collect();
        assert_eq!(
            names.join(", "),
            "ceil, floor, round, abs, len, present, days_between, min, max, sum, mean, count"
        );
    }
}
