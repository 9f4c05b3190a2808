//! Stage 5: outcomes, ratings and the report.
//!
//! [`assess`] decides every requirement (`met`, `not_met`, `not_applicable`,
//! `incomplete`), rates each area and the whole spec with the spec's rating
//! rules, and returns a [`Report`]. The report serialises to JSON with the
//! stable field names documented in `grammar/README.md`; [`Report::to_text`]
//! renders it for a terminal.
//!
//! A report borrows what the spec says (ids, titles, references, questions,
//! declared evidence) from the compiled spec instead of copying it, so
//! making one costs little more than deciding the requirements.
//! [`Report::into_owned`] copies them, for a report that outlives its spec.

pub(crate) mod json;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::calendar::Date;
use crate::check::Checked;
use crate::diagnostic::Diagnostic;
use crate::eval::{explain, explain_applicability, Check, Ctx, Missing, V};
use crate::ir::{Cmp, Rating, RatingExpr, RatingRule, AREAS};
use crate::source::SourceMap;
use crate::submission::Submission;
use crate::syntax::ast::{Level, LevelSet, OutcomeName, RatingQuant};

/// The outcome of one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The rule holds.
    Met,
    /// The rule fails.
    NotMet,
    /// `applies when` is false.
    NotApplicable,
    /// Unanswered inputs (or a runtime problem) leave it undecided.
    Incomplete,
}

impl Outcome {
    /// Name as written in tests.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::NotMet => "not_met",
            Outcome::NotApplicable => "not_applicable",
            Outcome::Incomplete => "incomplete",
        }
    }

    fn matches(self, o: OutcomeName) -> bool {
        matches!(
            (self, o),
            (Outcome::Met, OutcomeName::Met)
                | (Outcome::NotMet, OutcomeName::NotMet)
                | (Outcome::NotApplicable, OutcomeName::NotApplicable)
                | (Outcome::Incomplete, OutcomeName::Incomplete)
        )
    }

    /// From the language's outcome name.
    pub fn from_name(o: OutcomeName) -> Outcome {
        match o {
            OutcomeName::Met => Outcome::Met,
            OutcomeName::NotMet => Outcome::NotMet,
            OutcomeName::NotApplicable => Outcome::NotApplicable,
            OutcomeName::Incomplete => Outcome::Incomplete,
        }
    }
}

/// How many requirements had each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// met
    pub met: u32,
    /// not met
    pub not_met: u32,
    /// not applicable
    pub not_applicable: u32,
    /// incomplete
    pub incomplete: u32,
}

impl Counts {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Met => self.met += 1,
            Outcome::NotMet => self.not_met += 1,
            Outcome::NotApplicable => self.not_applicable += 1,
            Outcome::Incomplete => self.incomplete += 1,
        }
    }
}

/// Which spec a report is for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecSummary<'s> {
    /// Spec id.
    pub id: Cow<'s, str>,
    /// Title.
    pub title: Cow<'s, str>,
    /// Version, if declared.
    pub version: Option<Cow<'s, str>>,
}

/// Rating and counts for the whole spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Rating.
    pub rating: Rating,
    /// Outcome counts.
    pub counts: Counts,
}

/// Rating and counts for one area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaSummary {
    /// Area keyword.
    pub area: &'static str,
    /// Area title.
    pub title: &'static str,
    /// Rating.
    pub rating: Rating,
    /// Outcome counts.
    pub counts: Counts,
}

/// An unanswered question that would decide a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingInput<'s> {
    /// JSON pointer in the submission.
    pub path: String,
    /// The question, as declared.
    pub question: Cow<'s, str>,
}

/// Declared evidence: what the spec asks for.
pub use crate::ir::EvidenceDecl as DeclaredEvidence;

/// Evidence a submission gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GivenEvidence {
    /// Key.
    pub key: String,
    /// The reference given (file name, link, …).
    pub reference: String,
}

/// Evidence for one requirement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EvidenceStatus<'s> {
    /// Declared by the spec.
    pub declared: Cow<'s, [DeclaredEvidence]>,
    /// Given by the submission.
    pub given: Vec<GivenEvidence>,
    /// Declared keys not given.
    pub missing: Cow<'s, [String]>,
}

/// The result for one requirement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementResult<'s> {
    /// Id.
    pub id: Cow<'s, str>,
    /// Area keyword.
    pub area: &'static str,
    /// must/should/may.
    pub level: Level,
    /// Title.
    pub title: Cow<'s, str>,
    /// Source reference.
    #[serde(rename = "ref")]
    pub reference: Option<Cow<'s, str>>,
    /// Outcome.
    pub outcome: Outcome,
    /// Checks behind the outcome.
    pub explanation: Vec<Check>,
    /// For `incomplete`: the questions that would decide it.
    pub missing: Vec<MissingInput<'s>>,
    /// Runtime problems (division by zero, empty mean).
    pub problems: Vec<String>,
    /// Evidence declared, given and missing.
    pub evidence: EvidenceStatus<'s>,
}

/// The report for one submission. It borrows the spec's texts (`'s` is the
/// life of the [`crate::Spec`] that made it); [`Report::into_owned`] makes
/// one that does not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report<'s> {
    /// Which spec.
    pub spec: SpecSummary<'s>,
    /// The assessment date used (`YYYY-MM-DD`), if any.
    pub assessed_on: Option<Date>,
    /// Overall rating and counts.
    pub overall: Summary,
    /// One entry per area, in the canonical order.
    pub areas: Vec<AreaSummary>,
    /// One entry per requirement, by area then declaration order.
    pub requirements: Vec<RequirementResult<'s>>,
    /// Warnings about the submission (unknown fields, unknown evidence).
    pub warnings: Vec<Diagnostic>,
}

/// The outcome of every requirement, in report order, without the report,
/// within a work budget of `budget` steps: the same outcomes as
/// [`assess_with`]'s report.
pub fn outcomes_with(
    spec: &Checked,
    map: &SourceMap,
    sub: &Submission,
    date: Option<Date>,
    budget: u64,
) -> Vec<Outcome> {
    let mut cx = Ctx::new(spec, map, sub, date);
    cx.set_budget(budget);
    spec.requirements
        .iter()
        .enumerate()
        .map(|(k, r)| {
            match fast_outcome(&mut cx, spec, k) {
                Some(None) => return Outcome::NotApplicable,
                Some(Some(true)) => return Outcome::Met,
                Some(Some(false)) => return Outcome::NotMet,
                None => {}
            }
            let applies = r.applies.as_ref().map(|a| cx.eval(a));
            let outcome = match applies {
                Some(V::Bool(false)) => Outcome::NotApplicable,
                Some(V::Unknown(_)) => Outcome::Incomplete,
                _ => match cx.eval(&r.rule) {
                    V::Bool(true) => Outcome::Met,
                    V::Bool(false) => Outcome::NotMet,
                    _ => Outcome::Incomplete,
                },
            };
            if cx.exhausted() {
                Outcome::Incomplete
            } else {
                outcome
            }
        })
        .collect()
}

/// Requirement `k` decided by the fast evaluator ([`crate::eval::fast`]):
/// `Some(None)` not applicable, `Some(Some(rule))` applicable; `None` when
/// it cannot decide it (an unanswered input, a problem, the budget), with
/// the context as it was before the attempt, for [`Ctx::eval`] to decide.
fn fast_outcome<'a>(cx: &mut Ctx<'a>, spec: &'a Checked, k: usize) -> Option<Option<bool>> {
    if cx.exhausted() {
        return None;
    }
    let f = spec.fast.requirements.get(k)?.as_ref()?;
    let start = cx.steps();
    match cx.fast_requirement(f) {
        Ok(v) => Some(v),
        Err(_) => {
            cx.fast_rollback(start);
            None
        }
    }
}

/// Evaluates every requirement and builds the report, within the default
/// work budget.
pub fn assess<'s>(
    spec: &'s Checked,
    map: &SourceMap,
    sub: &Submission,
    date: Option<Date>,
    explanations: bool,
) -> Report<'s> {
    let budget = crate::Limits::default().max_eval_steps;
    assess_with(spec, map, sub, date, explanations, budget)
}

/// Evaluates every requirement and builds the report, within a work budget
/// of `budget` steps ([`crate::Limits::max_eval_steps`]). When the budget
/// runs out, the requirement being evaluated and every later one are
/// `incomplete` with a problem saying so, and the report gets an NS0308
/// warning.
pub fn assess_with<'s>(
    spec: &'s Checked,
    map: &SourceMap,
    sub: &Submission,
    date: Option<Date>,
    explanations: bool,
    budget: u64,
) -> Report<'s> {
    let given = Given::Borrowed(&sub.evidence);
    assess_given(spec, map, sub, given, date, explanations, budget).0
}

/// The evidence a submission gave: borrowed, or taken from a submission
/// that is not needed afterwards (its texts then move into the report).
pub(crate) enum Given<'e> {
    /// Copied from the submission.
    Borrowed(&'e Evidence),
    /// Moved out of the submission.
    Owned(Evidence),
}

impl Given<'_> {
    fn evidence(&self) -> &Evidence {
        match self {
            Given::Borrowed(e) => e,
            Given::Owned(e) => e,
        }
    }
}

/// Evidence given, per requirement id: key → reference.
type Evidence = BTreeMap<String, BTreeMap<String, String>>;

/// [`assess_with`] with the submission's evidence given apart, also giving
/// the steps of work done.
pub(crate) fn assess_given<'s>(
    spec: &'s Checked,
    map: &SourceMap,
    sub: &Submission,
    given: Given<'_>,
    date: Option<Date>,
    explanations: bool,
    budget: u64,
) -> (Report<'s>, u64) {
    let mut cx = Ctx::new(spec, map, sub, date);
    cx.set_budget(budget);
    let mut results: Vec<RequirementResult> = Vec::with_capacity(spec.requirements.len());
    let evidence_warnings = evidence_warnings(spec, given.evidence());
    let mut given_by_requirement = given_by_requirement(spec, given);
    let mut stopped = 0usize;
    for (k, r) in spec.requirements.iter().enumerate() {
        let mut missing: Vec<Missing> = Vec::new();
        let mut problems: Vec<String> = Vec::new();
        let mut explanation = Vec::new();
        let decided = fast_outcome(&mut cx, spec, k).map(|v| match v {
            None => (r.applies.as_ref(), V::Bool(false), None),
            Some(b) => (r.applies.as_ref(), V::Bool(true), Some(V::Bool(b))),
        });
        // the fast evaluator's verdict, or the full evaluator's values
        let applies = match &decided {
            Some((a, v, _)) => a.map(|a| (a, v.clone())),
            None => r.applies.as_ref().map(|a| (a, cx.eval(a))),
        };
        let rule_value = decided.and_then(|(_, _, rule)| rule);
        let mut outcome = match applies {
            Some((a, V::Bool(false))) => {
                if explanations {
                    explanation = explain_applicability(&mut cx, a);
                }
                Outcome::NotApplicable
            }
            Some((_, V::Unknown(u))) => {
                // list what decides applicability and, should it apply, the rule
                missing.extend(u.missing);
                problems.extend(u.problems);
                if let V::Unknown(r) = cx.eval(&r.rule) {
                    missing.extend(r.missing);
                    problems.extend(r.problems);
                }
                Outcome::Incomplete
            }
            _ => match rule_value.unwrap_or_else(|| cx.eval(&r.rule)) {
                V::Bool(b) => {
                    if explanations {
                        explanation = explain(&mut cx, &r.rule, b);
                    }
                    if b {
                        Outcome::Met
                    } else {
                        Outcome::NotMet
                    }
                }
                V::Unknown(u) => {
                    missing.extend(u.missing);
                    problems.extend(u.problems);
                    Outcome::Incomplete
                }
                _ => {
                    problems.push("the rule did not give true or false".into());
                    Outcome::Incomplete
                }
            },
        };
        if cx.exhausted() {
            // decided (or not) with part of the work undone: not a verdict
            stopped += 1;
            outcome = Outcome::Incomplete;
            explanation.clear();
            missing.clear();
            problems = vec![crate::eval::budget_problem(budget)];
        }
        missing.sort();
        missing.dedup();
        let missing = missing
            .into_iter()
            .map(|m| MissingInput {
                question: spec
                    .schema
                    .records
                    .get(m.record)
                    .and_then(|rs| rs.fields.get(m.slot))
                    .map_or(Cow::Borrowed(""), |f| Cow::Borrowed(f.question.as_str())),
                path: m.pointer,
            })
            .collect();
        let given: Vec<GivenEvidence> = given_by_requirement
            .get_mut(k)
            .map(std::mem::take)
            .unwrap_or_default();
        let evidence = EvidenceStatus {
            declared: Cow::Borrowed(&r.evidence),
            missing: if given.is_empty() {
                Cow::Borrowed(&r.evidence_keys)
            } else {
                Cow::Owned(
                    r.evidence_keys
                        .iter()
                        .filter(|k| !given.iter().any(|g| g.key == **k))
                        .cloned()
                        .collect(),
                )
            },
            given,
        };
        results.push(RequirementResult {
            id: Cow::Borrowed(&r.id),
            area: AREAS.get(r.area).map_or("", |(k, _)| k),
            level: r.level,
            title: Cow::Borrowed(&r.title),
            reference: r.reference.as_deref().map(Cow::Borrowed),
            outcome,
            explanation,
            missing,
            problems,
            evidence,
        });
    }

    let mut warnings = sub.warnings.clone();
    if stopped > 0 {
        warnings.push(
            Diagnostic::warning(
                crate::diagnostic::Code::BudgetExceeded,
                format!(
                    "the evaluation work budget ({budget} steps) was exceeded: {stopped} {} left incomplete",
                    if stopped == 1 { "requirement" } else { "requirements" }
                ),
            )
            .at_path("")
            .with_help("a very long list meets nested quantifiers; raise `max_eval_steps` in `netspec::Limits` if this is expected"),
        );
    }
    warnings.extend(evidence_warnings);

    // requirements come in area order (the checker sorts them): each area's
    // results are one run of the list
    let mut from = 0;
    let areas = AREAS
        .iter()
        .enumerate()
        .map(|(a, (key, title))| {
            let n = spec
                .requirements
                .get(from..)
                .map_or(0, |rest| rest.iter().take_while(|r| r.area == a).count());
            let subset = results.get(from..from + n).unwrap_or_default();
            from += n;
            AreaSummary {
                area: key,
                title,
                rating: rate_results(&spec.rating, subset),
                counts: counts(subset),
            }
        })
        .collect();
    let overall = Summary {
        rating: rate_results(&spec.rating, &results),
        counts: counts(&results),
    };
    let report = Report {
        spec: SpecSummary {
            id: Cow::Borrowed(&spec.info.id),
            title: Cow::Borrowed(&spec.info.title),
            version: spec.info.version.as_deref().map(Cow::Borrowed),
        },
        assessed_on: date,
        overall,
        areas,
        requirements: results,
        warnings,
    };
    (report, cx.steps())
}

fn counts(rs: &[RequirementResult<'_>]) -> Counts {
    let mut c = Counts::default();
    for r in rs {
        c.add(r.outcome);
    }
    c
}

/// Warnings about evidence for requirements the spec does not have, or
/// under keys a requirement does not declare.
fn evidence_warnings(spec: &Checked, evidence: &Evidence) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (id, given) in evidence {
        if warnings.len() >= crate::limits::MAX_DIAGNOSTICS {
            break;
        }
        match spec
            .requirement_index
            .get(id.as_str())
            .and_then(|&k| spec.requirements.get(k))
        {
            None => warnings.push(
                Diagnostic::warning(
                    crate::diagnostic::Code::SubmissionEvidence,
                    format!("evidence for unknown requirement `{id}`"),
                )
                .at_path(format!("/evidence/{id}"))
                .with_help_opt(crate::diagnostic::did_you_mean(
                    id,
                    spec.requirements.iter().map(|r| r.id.as_str()),
                )),
            ),
            Some(r) => {
                for k in given.keys() {
                    if !r.evidence.iter().any(|e| e.key == *k) {
                        warnings.push(
                            Diagnostic::warning(
                                crate::diagnostic::Code::SubmissionEvidence,
                                format!("`{id}` declares no evidence `{k}`"),
                            )
                            .at_path(format!("/evidence/{id}/{k}"))
                            .with_help_opt(
                                crate::diagnostic::did_you_mean(
                                    k,
                                    r.evidence.iter().map(|e| e.key.as_str()),
                                ),
                            ),
                        )
                    }
                }
            }
        }
    }
    warnings
}

/// The evidence given for each requirement, in report order.
fn given_by_requirement(spec: &Checked, given: Given<'_>) -> Vec<Vec<GivenEvidence>> {
    let mut out: Vec<Vec<GivenEvidence>> = Vec::new();
    if given.evidence().is_empty() {
        return out;
    }
    out.resize_with(spec.requirements.len(), Vec::new);
    let slot = |out: &mut Vec<Vec<GivenEvidence>>, id: &str| -> Option<usize> {
        spec.requirement_index
            .get(id)
            .copied()
            .filter(|&k| k < out.len())
    };
    match given {
        Given::Borrowed(e) => {
            for (id, m) in e {
                if let Some(list) = slot(&mut out, id).and_then(|k| out.get_mut(k)) {
                    *list = m
                        .iter()
                        .map(|(key, reference)| GivenEvidence {
                            key: key.clone(),
                            reference: reference.clone(),
                        })
                        .collect();
                }
            }
        }
        Given::Owned(e) => {
            for (id, m) in e {
                if let Some(list) = slot(&mut out, &id).and_then(|k| out.get_mut(k)) {
                    *list = m
                        .into_iter()
                        .map(|(key, reference)| GivenEvidence { key, reference })
                        .collect();
                }
            }
        }
    }
    out
}

/// Applies rating rules to a set of results: the first rule whose condition holds.
pub fn rate(rules: &[RatingRule], rs: &[&RequirementResult<'_>]) -> Rating {
    first_rating(rules, |c| holds(c, || rs.iter().copied()))
}

fn rate_results(rules: &[RatingRule], rs: &[RequirementResult<'_>]) -> Rating {
    first_rating(rules, |c| holds(c, || rs.iter()))
}

fn first_rating(rules: &[RatingRule], mut holds: impl FnMut(&RatingExpr) -> bool) -> Rating {
    for rule in rules {
        match &rule.cond {
            None => return rule.rating,
            Some(c) if holds(c) => return rule.rating,
            Some(_) => {}
        }
    }
    Rating::Incomplete
}

fn in_set(l: Level, s: LevelSet) -> bool {
    matches!(
        (l, s),
        (_, LevelSet::All)
            | (Level::Must, LevelSet::Must)
            | (Level::Should, LevelSet::Should)
            | (Level::May, LevelSet::May)
    )
}

fn holds<'r, 's: 'r, I>(c: &RatingExpr, rs: impl Fn() -> I + Copy) -> bool
where
    I: Iterator<Item = &'r RequirementResult<'s>>,
{
    match c {
        RatingExpr::And(xs) => xs.iter().all(|x| holds(x, rs)),
        RatingExpr::Or(xs) => xs.iter().any(|x| holds(x, rs)),
        RatingExpr::Not(x) => !holds(x, rs),
        RatingExpr::Quant(q, set, o) => {
            let mut relevant = rs().filter(|r| in_set(r.level, *set));
            match q {
                // `all must met` counts applicable requirements only
                RatingQuant::All => relevant
                    .filter(|r| {
                        *o == OutcomeName::NotApplicable || r.outcome != Outcome::NotApplicable
                    })
                    .all(|r| r.outcome.matches(*o)),
                RatingQuant::Any => relevant.any(|r| r.outcome.matches(*o)),
                RatingQuant::No => !relevant.any(|r| r.outcome.matches(*o)),
            }
        }
        RatingExpr::Count(set, o, op, n) => {
            let k = rs()
                .filter(|r| in_set(r.level, *set) && r.outcome.matches(*o))
                .count() as u64;
            match op {
                Cmp::Eq => k == *n,
                Cmp::Ne => k != *n,
                Cmp::Lt => k < *n,
                Cmp::Le => k <= *n,
                Cmp::Gt => k > *n,
                Cmp::Ge => k >= *n,
            }
        }
    }
}

fn owned(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

impl Report<'_> {
    /// The same report with its own copies of the spec's texts, to keep or
    /// send anywhere without the spec.
    pub fn into_owned(self) -> Report<'static> {
        Report {
            spec: SpecSummary {
                id: owned(self.spec.id),
                title: owned(self.spec.title),
                version: self.spec.version.map(owned),
            },
            assessed_on: self.assessed_on,
            overall: self.overall,
            areas: self.areas,
            requirements: self
                .requirements
                .into_iter()
                .map(|r| RequirementResult {
                    id: owned(r.id),
                    area: r.area,
                    level: r.level,
                    title: owned(r.title),
                    reference: r.reference.map(owned),
                    outcome: r.outcome,
                    explanation: r.explanation,
                    missing: r
                        .missing
                        .into_iter()
                        .map(|m| MissingInput {
                            path: m.path,
                            question: owned(m.question),
                        })
                        .collect(),
                    problems: r.problems,
                    evidence: EvidenceStatus {
                        declared: Cow::Owned(r.evidence.declared.into_owned()),
                        given: r.evidence.given,
                        missing: Cow::Owned(r.evidence.missing.into_owned()),
                    },
                })
                .collect(),
            warnings: self.warnings,
        }
    }

    /// Renders the report for a terminal.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let version = self
            .spec
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let _ = writeln!(s, "{}{version}: {}", self.spec.id, self.spec.title);
        if let Some(d) = self.assessed_on {
            let _ = writeln!(s, "assessed on {d}");
        }
        let _ = writeln!(
            s,
            "overall: {}  ({})",
            self.overall.rating.as_str().to_uppercase(),
            counts_text(&self.overall.counts)
        );
        for a in &self.areas {
            let rs: Vec<&RequirementResult> = self
                .requirements
                .iter()
                .filter(|r| r.area == a.area)
                .collect();
            if rs.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "\n{}: {}  ({})",
                a.title,
                a.rating.as_str().to_uppercase(),
                counts_text(&a.counts)
            );
            for r in rs {
                let mark = match r.outcome {
                    Outcome::Met => "met           ",
                    Outcome::NotMet => "NOT MET       ",
                    Outcome::NotApplicable => "n/a           ",
                    Outcome::Incomplete => "incomplete    ",
                };
                let _ = writeln!(s, "  {mark}{} ({}) {}", r.id, r.level.as_str(), r.title);
                if r.outcome == Outcome::NotMet || r.outcome == Outcome::NotApplicable {
                    // conditions that held (the `if` side of an `implies`) are in the JSON report
                    for c in r
                        .explanation
                        .iter()
                        .filter(|c| !c.held || r.outcome == Outcome::NotApplicable)
                    {
                        match &c.element {
                            Some(e) => {
                                let _ = writeln!(s, "                  {e}: {}", c.message);
                            }
                            None => {
                                let _ = writeln!(s, "                  {}", c.message);
                            }
                        }
                    }
                }
                for m in &r.missing {
                    let _ = writeln!(
                        s,
                        "                  needs an answer: {} ({})",
                        m.question, m.path
                    );
                }
                for p in &r.problems {
                    let _ = writeln!(s, "                  cannot decide: {p}");
                }
                if !r.evidence.missing.is_empty() && r.outcome != Outcome::NotApplicable {
                    let _ = writeln!(
                        s,
                        "                  evidence missing: {}",
                        r.evidence.missing.join(", ")
                    );
                }
            }
        }
        for w in &self.warnings {
            let _ = writeln!(s, "\n{w}");
        }
        s
    }
}

fn counts_text(c: &Counts) -> String {
    format!(
        "met {}, not met {}, not applicable {}, incomplete {}",
        c.met, c.not_met, c.not_applicable, c.incomplete
    )
}
