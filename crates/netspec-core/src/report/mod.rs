//! The report: a compiled spec + a submission → [`Report`]: every
//! requirement's outcome (`met`, `not_met`, `not_applicable`, `incomplete`)
//! with its explanation, the areas' and the spec's ratings, and warnings.
//!
//! [`assess`] decides every requirement (`met`, `not_met`, `not_applicable`,
//! `incomplete`), rates each area and the whole spec with the spec's rating
//! rules, and returns a [`Report`]. The report serialises to JSON with the
//! stable field names documented in `grammar/README.md`; the `netspec`
//! crate's `render` module writes it as text for a terminal.
//!
//! A report borrows what the spec says (ids, titles, references, questions,
//! declared evidence) from the compiled spec instead of copying it, so
//! making one costs little more than deciding the requirements.
//! [`Report::into_owned`] copies them, for a report that outlives its spec.

pub(crate) mod json;

use std::borrow::Cow;

use serde::Serialize;

use crate::calendar::Date;
use crate::diagnostic::Diagnostic;
use crate::eval::fast::FastSpec;
use crate::eval::{explain, explain_applicability, Check, Ctx, Missing, Unknown, V};
use crate::ir::CompiledSpec;
use crate::ir::{Node, RatingExpr, RatingRule, AREAS};
use crate::source::SourceMap;
use crate::submission::{Evidence, Header, Submission};
use crate::vocab::{Basis, Level, LevelSet, Outcome, Rating, RatingQuant, Respondent};

/// How many requirements had each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// Which spec a report is for.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpecSummary<'s> {
    /// Spec id.
    pub id: Cow<'s, str>,
    /// Title.
    pub title: Cow<'s, str>,
    /// Version, if declared.
    pub version: Option<Cow<'s, str>>,
}

impl Counts {
    /// Compliance in percent: met ÷ (met + not met) × 100, rounded half
    /// away from zero to 2 decimals from the exact ratio (`Some(20.59)` for
    /// 7 of 34); `None` when no requirement was met or not met. Not
    /// applicable and incomplete requirements are not counted.
    pub fn compliance(&self) -> Option<f64> {
        self.compliance_in(100).map(|h| h as f64 / 100.0)
    }

    /// The compliance percentage times `scale`, rounded half away from zero
    /// (exact integer arithmetic): `Some(206)` for 7 of 34 at scale 10.
    pub fn compliance_in(&self, scale: u64) -> Option<u64> {
        let met = u64::from(self.met);
        let total = met + u64::from(self.not_met);
        if total == 0 {
            return None;
        }
        // floor(met × 100 × scale / total + 1/2)
        Some((2 * met * 100 * scale + total) / (2 * total))
    }
}

/// Rating, counts and compliance for the whole spec.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    /// Rating.
    pub rating: Rating,
    /// Outcome counts.
    pub counts: Counts,
    /// Met ÷ (met + not met) in percent, 2 decimals ([`Counts::compliance`]);
    /// `None` (JSON `null`) when nothing was met or not met.
    pub compliance: Option<f64>,
}

/// An area's key read back from a report: one of [`AREAS`].
fn area_key<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Cow<'static, str>, D::Error> {
    let text = <Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    AREAS
        .iter()
        .map(|(key, _)| Cow::Borrowed(*key))
        .find(|key| *key == text)
        .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not an area")))
}

/// An area's title read back from a report: one of [`AREAS`].
fn area_title<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Cow<'static, str>, D::Error> {
    let text = <Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    AREAS
        .iter()
        .map(|(_, title)| Cow::Borrowed(*title))
        .find(|title| *title == text)
        .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not an area's title")))
}

/// Rating and counts for one area.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AreaSummary {
    /// Area keyword.
    #[cfg_attr(feature = "ts", ts(type = "Area"))]
    #[serde(deserialize_with = "area_key")]
    pub area: Cow<'static, str>,
    /// Area title.
    #[serde(deserialize_with = "area_title")]
    pub title: Cow<'static, str>,
    /// Rating.
    pub rating: Rating,
    /// Outcome counts.
    pub counts: Counts,
    /// Met ÷ (met + not met) in percent, 2 decimals ([`Counts::compliance`]).
    pub compliance: Option<f64>,
}

/// An unanswered question that would decide a requirement, or required
/// evidence not given (path `/evidence/REQ-ID/KEY`, the evidence's
/// description as the question).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MissingInput<'s> {
    /// JSON pointer in the submission.
    pub path: String,
    /// The question, as declared.
    pub question: Cow<'s, str>,
}

/// Declared evidence: what the spec asks for.
pub use crate::ir::EvidenceDecl as DeclaredEvidence;

/// Evidence a submission gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GivenEvidence {
    /// Key.
    pub key: String,
    /// The reference given (file name, link, …).
    pub reference: String,
}

/// Evidence for one requirement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvidenceStatus<'s> {
    /// Declared by the spec.
    pub declared: Cow<'s, [DeclaredEvidence]>,
    /// Given by the submission.
    pub given: Vec<GivenEvidence>,
    /// Declared keys not given.
    pub missing: Cow<'s, [String]>,
}

/// The result for one requirement.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequirementResult<'s> {
    /// Id.
    pub id: Cow<'s, str>,
    /// Area keyword.
    #[cfg_attr(feature = "ts", ts(type = "Area"))]
    #[serde(deserialize_with = "area_key")]
    pub area: Cow<'static, str>,
    /// must/should/may.
    pub level: Level,
    /// Title.
    pub title: Cow<'s, str>,
    /// Where the requirement comes from in the source specification.
    #[serde(rename = "ref")]
    pub reference: Option<Cow<'s, str>>,
    /// Where its threshold comes from; `None` (null) when the spec does not say.
    pub basis: Option<Basis>,
    /// Who is judged by it (always the report's respondent: only those are
    /// listed).
    pub respondent: Respondent,
    /// Guidance for providers, written in the spec; `None` (null) when
    /// there is none.
    pub help: Option<Cow<'s, str>>,
    /// Outcome.
    pub outcome: Outcome,
    /// Checks behind the outcome.
    pub explanation: Vec<Check>,
    /// For `incomplete`: the questions that would decide it, and the
    /// required evidence not given.
    pub missing: Vec<MissingInput<'s>>,
    /// Runtime problems (division by zero, empty mean).
    pub problems: Vec<String>,
    /// Evidence declared, given and missing.
    pub evidence: EvidenceStatus<'s>,
}

/// The report for one submission: exactly what `netspec eval --format
/// json` writes.
///
/// It borrows the spec's texts (`'s` is the life of the [`crate::Spec`]
/// that made it); [`Report::into_owned`] makes one that does not.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report<'s> {
    /// The version of this report's shape ([`Report::FORMAT`]): it changes
    /// when a field is renamed or removed or its meaning changes, not when
    /// one is added.
    pub report_format: u32,
    /// The version of the engine that made it.
    pub engine_version: Cow<'s, str>,
    /// Which spec.
    pub spec: SpecSummary<'s>,
    /// The submission's header, echoed (who answered, for which
    /// organisation and period); `None` (null) for a submission evaluated
    /// without one (unattributed), whose report then has the warning NS0217.
    pub header: Option<Header>,
    /// Whose requirements were decided: the header's respondent, or the
    /// one an unattributed submission was evaluated as from.
    pub respondent: Respondent,
    /// The assessment date used (`YYYY-MM-DD`): the caller's, else the
    /// header's period end; `None` (null) when there is neither.
    pub assessed_on: Option<Date>,
    /// Overall rating, counts and compliance, over the respondent's requirements.
    pub overall: Summary,
    /// One entry per area, in the canonical order.
    pub areas: Vec<AreaSummary>,
    /// One entry per requirement of the respondent, by area then declaration order.
    pub requirements: Vec<RequirementResult<'s>>,
    /// Warnings about the submission (unknown fields, unknown evidence,
    /// answers to the other respondent's questions, no header).
    pub warnings: Vec<Diagnostic>,
}

/// Who a submission is judged as from, and the warnings that decision
/// brings (NS0217 unattributed, NS0215 answers to the other respondent).
#[derive(Debug, Clone, Default)]
pub(crate) struct Attribution {
    /// The respondent whose requirements are decided.
    pub(crate) respondent: Respondent,
    /// Warnings for the report, before the submission's own.
    pub(crate) warnings: Vec<Diagnostic>,
}

impl Attribution {
    /// The submission's own: its header's respondent (a provider without one).
    pub(crate) fn of(sub: &Submission) -> Attribution {
        Attribution {
            respondent: sub
                .header
                .as_ref()
                .map(|h| h.respondent)
                .unwrap_or_default(),
            warnings: Vec::new(),
        }
    }
}

/// Whether requirement evidence `key` of `id` is given in `evidence`.
fn evidence_given(evidence: &Evidence, id: &str, key: &str) -> bool {
    evidence.reference(id, key).is_some()
}

/// Escapes a JSON pointer segment.
fn escape(s: &str) -> Cow<'_, str> {
    if s.contains(['~', '/']) {
        Cow::Owned(s.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The outcome of every requirement, in report order, without the report,
/// within a work budget of `budget` steps: the same outcomes as
/// [`assess_with`]'s report when the budget is not used up (a report also
/// evaluates the rule of a requirement whose `applies` is open, to list the
/// inputs it needs, so on a small budget it can run out first). `fast` is the spec's fast form
/// ([`crate::eval::fast::compile`]; an empty one leaves every requirement to
/// the general evaluator, with the same results).
pub fn outcomes_with(
    spec: &CompiledSpec,
    fast: &FastSpec,
    map: &SourceMap,
    sub: &Submission,
    date: Option<Date>,
    budget: u64,
) -> Vec<Outcome> {
    let respondent = Attribution::of(sub).respondent;
    outcomes_as(spec, fast, map, sub, date, budget, respondent)
}

/// [`outcomes_with`] for the requirements of `respondent`.
pub(crate) fn outcomes_as(
    spec: &CompiledSpec,
    fast: &FastSpec,
    map: &SourceMap,
    sub: &Submission,
    date: Option<Date>,
    budget: u64,
    respondent: Respondent,
) -> Vec<Outcome> {
    let mut cx = Ctx::new(spec, map, sub, date).with_fast(fast);
    cx.set_budget(budget);
    let mut outcomes = Vec::with_capacity(spec.requirements.len());
    for (k, r) in spec.requirements.iter().enumerate() {
        if r.respondent != respondent {
            continue;
        }
        // the rule holds, but it counts as met only with the required evidence
        let met = || {
            if r.evidence
                .iter()
                .any(|e| e.required && !evidence_given(&sub.evidence, &r.id, &e.key))
            {
                Outcome::Incomplete
            } else {
                Outcome::Met
            }
        };
        // decide() in its two steps, the fast one without building a
        // Decision; a decision of the fast evaluator is within the budget
        // (it checks the budget last)
        let outcome = match fast_decision(&mut cx, k) {
            Some(None) => Outcome::NotApplicable,
            Some(Some(true)) => met(),
            Some(Some(false)) => Outcome::NotMet,
            None => {
                let outcome = match decide_general(&mut cx, r, false) {
                    Decision::NotApplicable(_) => Outcome::NotApplicable,
                    Decision::Rule(true) => met(),
                    Decision::Rule(false) => Outcome::NotMet,
                    Decision::Open(_) | Decision::NotBool => Outcome::Incomplete,
                };
                if cx.exhausted() {
                    Outcome::Incomplete
                } else {
                    outcome
                }
            }
        };
        outcomes.push(outcome);
    }
    outcomes
}

/// What deciding one requirement found, before evidence and the work
/// budget are taken into account.
enum Decision<'n> {
    /// It does not apply (its `applies` condition, here, is false).
    NotApplicable(Option<&'n Node>),
    /// It applies and its rule gave true or false.
    Rule(bool),
    /// Unanswered inputs or problems (from `applies` or the rule) leave it open.
    Open(Box<Unknown>),
    /// The rule gave something other than true or false.
    NotBool,
}

/// Decides requirement `k` (`r`): by the fast evaluator when it can
/// ([`crate::eval::fast`]), else by the general one. With `all_missing`,
/// a requirement whose `applies` is open also has its rule evaluated, so
/// that the inputs that would decide it, should it apply, are listed too.
/// This is the one decision behind both [`outcomes_with`] and the report.
#[inline]
fn decide<'a>(
    cx: &mut Ctx<'a>,
    k: usize,
    r: &'a crate::ir::Requirement,
    all_missing: bool,
) -> Decision<'a> {
    match fast_decision(cx, k) {
        Some(None) => Decision::NotApplicable(r.applies.as_ref()),
        Some(Some(b)) => Decision::Rule(b),
        None => decide_general(cx, r, all_missing),
    }
}

/// [`decide`] by the general evaluator alone (the fast one could not).
fn decide_general<'a>(
    cx: &mut Ctx<'a>,
    r: &'a crate::ir::Requirement,
    all_missing: bool,
) -> Decision<'a> {
    if let Some(a) = &r.applies {
        match cx.eval(a) {
            V::Bool(false) => return Decision::NotApplicable(Some(a)),
            V::Unknown(mut u) => {
                if all_missing {
                    if let V::Unknown(more) = cx.eval(&r.rule) {
                        u.missing.extend(more.missing);
                        u.problems.extend(more.problems);
                    }
                }
                return Decision::Open(u);
            }
            _ => {}
        }
    }
    match cx.eval(&r.rule) {
        V::Bool(b) => Decision::Rule(b),
        V::Unknown(u) => Decision::Open(u),
        _ => Decision::NotBool,
    }
}

/// Requirement `k` decided by the fast evaluator ([`crate::eval::fast`]):
/// `Some(None)` not applicable, `Some(Some(rule))` applicable; `None` when
/// it cannot decide it (an unanswered input, a problem, the budget), with
/// the context as it was before the attempt, for [`Ctx::eval`] to decide.
#[inline]
fn fast_decision<'a>(cx: &mut Ctx<'a>, k: usize) -> Option<Option<bool>> {
    if cx.exhausted() {
        return None;
    }
    let fast: &'a FastSpec = cx.fast;
    let f = fast.requirements.get(k)?.as_ref()?;
    let start = cx.steps();
    match cx.fast_requirement(f) {
        Ok(v) => Some(v),
        // over the budget: left as it is, so that the general evaluator
        // stops at once instead of doing the requirement's work again
        Err(crate::eval::fast::Bail::Budget) => None,
        Err(_) => {
            cx.fast_rollback(start);
            None
        }
    }
}

/// Evaluates every requirement and builds the report, within the default
/// work budget.
pub fn assess<'s>(
    spec: &'s CompiledSpec,
    fast: &FastSpec,
    map: &SourceMap,
    sub: &Submission,
    date: Option<Date>,
    explanations: bool,
) -> Report<'s> {
    let budget = crate::limits::Limits::default().max_eval_steps;
    assess_with(spec, fast, map, sub, date, explanations, budget)
}

/// Evaluates every requirement and builds the report, within a work budget
/// of `budget` steps ([`crate::Limits::max_eval_steps`]). When the budget
/// runs out, the requirement being evaluated and every later one are
/// `incomplete` with a problem saying so, and the report gets an NS0308
/// warning. `fast` is as for [`outcomes_with`].
pub fn assess_with<'s>(
    spec: &'s CompiledSpec,
    fast: &FastSpec,
    map: &SourceMap,
    sub: &Submission,
    date: Option<Date>,
    explanations: bool,
    budget: u64,
) -> Report<'s> {
    let whom = Attribution::of(sub);
    assess_given(spec, fast, map, sub, date, explanations, budget, whom).0
}

/// [`assess_with`], also giving the steps of work done.
#[allow(clippy::too_many_arguments)]
pub(crate) fn assess_given<'s>(
    spec: &'s CompiledSpec,
    fast: &FastSpec,
    map: &SourceMap,
    sub: &Submission,
    date: Option<Date>,
    explanations: bool,
    budget: u64,
    whom: Attribution,
) -> (Report<'s>, u64) {
    let mut cx = Ctx::new(spec, map, sub, date).with_fast(fast);
    cx.set_budget(budget);
    let mut results: Vec<RequirementResult> = Vec::with_capacity(spec.requirements.len());
    let evidence_warnings = evidence_warnings(spec, &sub.evidence);
    let mut given_by_requirement = given_by_requirement(spec, &sub.evidence);
    let mut stopped = 0usize;
    // lists of missing inputs or problems cut short
    let mut cut = 0usize;
    let respondent = whom.respondent;
    // each area's outcomes by level, for its counts and rating (the last
    // for an area out of range, counted in the overall ones only)
    let mut tallies = [Tally::default(); AREAS.len() + 1];
    for (k, r) in spec.requirements.iter().enumerate() {
        if r.respondent != respondent {
            continue;
        }
        let mut missing: Vec<Missing> = Vec::new();
        let mut problems: Vec<String> = Vec::new();
        let mut explanation = Vec::new();
        let mut outcome = match decide(&mut cx, k, r, true) {
            Decision::NotApplicable(applies) => {
                if let (true, Some(a)) = (explanations, applies) {
                    explanation = explain_applicability(&mut cx, a);
                }
                Outcome::NotApplicable
            }
            Decision::Rule(b) => {
                if explanations {
                    explanation = explain(&mut cx, &r.rule, b);
                }
                if b {
                    Outcome::Met
                } else {
                    Outcome::NotMet
                }
            }
            Decision::Open(u) => {
                missing.extend(u.missing);
                problems.extend(u.problems);
                Outcome::Incomplete
            }
            Decision::NotBool => {
                problems.push("the rule did not give true or false".into());
                Outcome::Incomplete
            }
        };
        if cx.exhausted() {
            // decided (or not) with part of the work undone: not a verdict
            stopped += 1;
            outcome = Outcome::Incomplete;
            explanation.clear();
            missing.clear();
            problems = vec![crate::eval::budget_problem(budget)];
        }
        // most requirements are decided: nothing to sort or convert
        let mut missing: Vec<MissingInput> = if missing.is_empty() {
            Vec::new()
        } else {
            missing.sort();
            missing.dedup();
            missing
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
                .collect()
        };
        // bounded lists: the first entries and one "… and N more"
        if explanation.len() > crate::eval::MAX_CHECKS {
            cut += 1;
        }
        if missing.len() > MAX_LISTED {
            let more = missing.len() - MAX_LISTED;
            missing.truncate(MAX_LISTED);
            missing.push(MissingInput {
                path: String::new(),
                question: Cow::Owned(format!("… and {more} more")),
            });
            missing.shrink_to_fit();
            cut += 1;
        }
        if problems.len() > MAX_LISTED {
            let more = problems.len() - MAX_LISTED;
            problems.truncate(MAX_LISTED);
            problems.push(format!("… and {more} more"));
            problems.shrink_to_fit();
            cut += 1;
        }
        let given: Vec<GivenEvidence> = given_by_requirement
            .get_mut(k)
            .map(std::mem::take)
            .unwrap_or_default();
        if outcome == Outcome::Met {
            // the rule holds, but it counts as met only with the required evidence
            for e in r.evidence.iter().filter(|e| e.required) {
                if !given.iter().any(|g| g.key == e.key) {
                    outcome = Outcome::Incomplete;
                    missing.push(MissingInput {
                        path: format!("/evidence/{}/{}", escape(&r.id), escape(&e.key)),
                        question: Cow::Borrowed(&e.description),
                    });
                }
            }
        }
        let evidence_missing: Cow<'_, [String]> = if given.is_empty() {
            Cow::Borrowed(&r.evidence_keys)
        } else {
            Cow::Owned(
                r.evidence_keys
                    .iter()
                    .filter(|k| !given.iter().any(|g| g.key == **k))
                    .cloned()
                    .collect(),
            )
        };
        let mut given = given;
        if given.len() > MAX_LISTED {
            // keys the spec does not declare are warned about (NS0209); the
            // list is cut like the others, after the declared ones were found
            let more = given.len() - MAX_LISTED;
            given.truncate(MAX_LISTED);
            given.push(GivenEvidence {
                key: "…".to_string(),
                reference: format!("… and {more} more"),
            });
            given.shrink_to_fit();
            cut += 1;
        }
        let evidence = EvidenceStatus {
            declared: Cow::Borrowed(&r.evidence),
            missing: evidence_missing,
            given,
        };
        if let Some(t) = tallies.get_mut(r.area.min(AREAS.len())) {
            t.add(r.level, outcome);
        }
        results.push(RequirementResult {
            id: Cow::Borrowed(&r.id),
            area: Cow::Borrowed(AREAS.get(r.area).map_or("", |(k, _)| k)),
            level: r.level,
            title: Cow::Borrowed(&r.title),
            reference: r.reference.as_deref().map(Cow::Borrowed),
            basis: r.basis,
            respondent: r.respondent,
            help: r.help.as_deref().map(Cow::Borrowed),
            outcome,
            explanation,
            missing,
            problems,
            evidence,
        });
    }

    // the submission's warnings, the evidence's, then what evaluating it hit
    let mut warnings = whom.warnings;
    warnings.extend(sub.warnings.iter().cloned());
    warnings.extend(evidence_warnings);
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
    if cut > 0 {
        warnings.push(
            Diagnostic::warning(
                crate::diagnostic::Code::TooManyDiagnostics,
                format!(
                    "{cut} list(s) of explanations, unanswered inputs, problems or evidence given were cut short (at {} checks, {MAX_LISTED} inputs, {MAX_LISTED} problems, {MAX_LISTED} pieces of evidence), each ending with \"… and …\"", crate::eval::MAX_CHECKS
                ),
            )
            .at_path(""),
        );
    }

    let areas = AREAS
        .iter()
        .zip(&tallies)
        .map(|((key, title), tally)| {
            let counts = tally.counts();
            AreaSummary {
                area: Cow::Borrowed(key),
                title: Cow::Borrowed(title),
                rating: tally.rate(&spec.rating),
                counts,
                compliance: counts.compliance(),
            }
        })
        .collect();
    let mut all = Tally::default();
    for t in &tallies {
        all.merge(t);
    }
    let counts = all.counts();
    let overall = Summary {
        rating: all.rate(&spec.rating),
        counts,
        compliance: counts.compliance(),
    };
    let report = Report {
        report_format: Report::FORMAT,
        engine_version: Cow::Borrowed(ENGINE_VERSION),
        spec: SpecSummary {
            id: Cow::Borrowed(&spec.info.id),
            title: Cow::Borrowed(&spec.info.title),
            version: spec.info.version.as_deref().map(Cow::Borrowed),
        },
        header: sub.header.clone(),
        respondent,
        assessed_on: date,
        overall,
        areas,
        requirements: results,
        warnings,
    };
    (report, cx.steps())
}

/// How many of a set of results had each outcome, at each level: all that
/// counts and rating rules read of them, so each rule is decided without
/// reading the results again (the same ratings as [`rate`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally([[u32; 4]; 3]);

/// The outcomes, in [`Tally`]'s order.
const OUTCOMES: [Outcome; 4] = [
    Outcome::Met,
    Outcome::NotMet,
    Outcome::NotApplicable,
    Outcome::Incomplete,
];

fn outcome_index(o: Outcome) -> usize {
    match o {
        Outcome::Met => 0,
        Outcome::NotMet => 1,
        Outcome::NotApplicable => 2,
        Outcome::Incomplete => 3,
    }
}

impl Tally {
    fn add(&mut self, level: Level, outcome: Outcome) {
        let row = match level {
            Level::Must => 0,
            Level::Should => 1,
            Level::May => 2,
        };
        if let Some(n) = self
            .0
            .get_mut(row)
            .and_then(|r| r.get_mut(outcome_index(outcome)))
        {
            *n += 1;
        }
    }

    fn merge(&mut self, other: &Tally) {
        for (row, other) in self.0.iter_mut().zip(&other.0) {
            for (n, m) in row.iter_mut().zip(other) {
                *n += m;
            }
        }
    }

    /// How many at the levels of `set` had outcome `o`.
    fn count(&self, set: LevelSet, o: Outcome) -> u64 {
        let at = |row: usize| {
            self.0
                .get(row)
                .and_then(|r| r.get(outcome_index(o)))
                .map_or(0, |n| u64::from(*n))
        };
        match set {
            LevelSet::Must => at(0),
            LevelSet::Should => at(1),
            LevelSet::May => at(2),
            LevelSet::All => at(0) + at(1) + at(2),
        }
    }

    fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for [met, not_met, not_applicable, incomplete] in &self.0 {
            c.met += met;
            c.not_met += not_met;
            c.not_applicable += not_applicable;
            c.incomplete += incomplete;
        }
        c
    }

    /// The rating of the first of `rules` whose condition holds.
    fn rate(&self, rules: &[RatingRule]) -> Rating {
        first_rating(rules, |c| self.holds(c))
    }

    /// [`holds`] over the tallied results: a single quantifier or count
    /// here, where it costs no call; `and`, `or` and `not` in
    /// [`Tally::holds_nested`].
    #[inline]
    fn holds(&self, c: &RatingExpr) -> bool {
        match c {
            RatingExpr::And(_) | RatingExpr::Or(_) | RatingExpr::Not(_) => self.holds_nested(c),
            RatingExpr::Quant(q, set, o) => match q {
                // every applicable one (every one, for `not_applicable`)
                // has `o`: none has another outcome that counts
                RatingQuant::All => OUTCOMES
                    .iter()
                    .filter(|x| {
                        *x != o && (*o == Outcome::NotApplicable || **x != Outcome::NotApplicable)
                    })
                    .all(|x| self.count(*set, *x) == 0),
                RatingQuant::Any => self.count(*set, *o) > 0,
                RatingQuant::No => self.count(*set, *o) == 0,
            },
            RatingExpr::Count(set, o, op, n) => op.holds(self.count(*set, *o).cmp(n)),
        }
    }

    #[inline(never)]
    fn holds_nested(&self, c: &RatingExpr) -> bool {
        match c {
            RatingExpr::And(xs) => xs.iter().all(|x| self.holds(x)),
            RatingExpr::Or(xs) => xs.iter().any(|x| self.holds(x)),
            RatingExpr::Not(x) => !self.holds(x),
            RatingExpr::Quant(..) | RatingExpr::Count(..) => self.holds(c),
        }
    }
}

/// Most unanswered inputs, and most problems, listed for one requirement;
/// past it the list ends with one "… and N more" entry and the report has
/// an NS0310 warning.
pub const MAX_LISTED: usize = 100;

/// Warnings about evidence for requirements the spec does not have, or
/// under keys a requirement does not declare: at most
/// [`crate::limits::MAX_DIAGNOSTICS`], then one NS0310 saying how many more.
fn evidence_warnings(spec: &CompiledSpec, evidence: &Evidence) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let mut more = 0usize;
    let mut push = |warnings: &mut Vec<Diagnostic>, make: &dyn Fn() -> Diagnostic| {
        if warnings.len() < crate::limits::MAX_DIAGNOSTICS {
            warnings.push(make());
        } else {
            more += 1;
        }
    };
    for (id, given) in evidence.ids() {
        match spec
            .requirement_index
            .get(id)
            .and_then(|&k| spec.requirements.get(k))
        {
            None => push(&mut warnings, &|| {
                Diagnostic::warning(
                    crate::diagnostic::Code::SubmissionEvidence,
                    format!("evidence for unknown requirement `{}`", quote(id)),
                )
                .at_path(format!("/evidence/{}", escape(id)))
                .with_help_opt(crate::diagnostic::did_you_mean(
                    id,
                    spec.requirements.iter().map(|r| r.id.as_str()),
                ))
            }),
            Some(r) => {
                for (k, _) in given {
                    if !r.evidence.iter().any(|e| e.key == *k) {
                        push(&mut warnings, &|| {
                            Diagnostic::warning(
                                crate::diagnostic::Code::SubmissionEvidence,
                                format!("`{id}` declares no evidence `{}`", quote(k)),
                            )
                            .at_path(format!("/evidence/{}/{}", escape(id), escape(k)))
                            .with_help_opt(
                                crate::diagnostic::did_you_mean(
                                    k,
                                    r.evidence.iter().map(|e| e.key.as_str()),
                                ),
                            )
                        })
                    }
                }
            }
        }
    }
    if more > 0 {
        warnings.push(
            Diagnostic::warning(
                crate::diagnostic::Code::TooManyDiagnostics,
                format!(
                    "… and {more} more warnings about evidence: the first {} are shown",
                    crate::limits::MAX_DIAGNOSTICS
                ),
            )
            .at_path("/evidence"),
        );
    }
    warnings
}

/// A key or id from a submission, quoted in a message: at most 100
/// characters of it.
fn quote(s: &str) -> Cow<'_, str> {
    const MOST: usize = 100;
    match s.char_indices().nth(MOST) {
        Some((at, _)) => Cow::Owned(format!("{}…", s.get(..at).unwrap_or_default())),
        None => Cow::Borrowed(s),
    }
}

/// The evidence given for each requirement, in report order.
fn given_by_requirement(spec: &CompiledSpec, evidence: &Evidence) -> Vec<Vec<GivenEvidence>> {
    let mut out: Vec<Vec<GivenEvidence>> = Vec::new();
    if evidence.is_empty() {
        return out;
    }
    out.resize_with(spec.requirements.len(), Vec::new);
    for (id, references) in evidence.ids() {
        let slot = spec.requirement_index.get(id).copied();
        if let Some(list) = slot.and_then(|k| out.get_mut(k)) {
            *list = references
                .map(|(key, reference)| GivenEvidence {
                    key: key.to_string(),
                    reference: reference.to_string(),
                })
                .collect();
        }
    }
    out
}

/// Applies rating rules to a set of results: the first rule whose condition holds.
pub fn rate(rules: &[RatingRule], rs: &[&RequirementResult<'_>]) -> Rating {
    first_rating(rules, |c| holds(c, || rs.iter().copied()))
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
                    .filter(|r| *o == Outcome::NotApplicable || r.outcome != Outcome::NotApplicable)
                    .all(|r| r.outcome == *o),
                RatingQuant::Any => relevant.any(|r| r.outcome == *o),
                RatingQuant::No => !relevant.any(|r| r.outcome == *o),
            }
        }
        RatingExpr::Count(set, o, op, n) => {
            let k = rs()
                .filter(|r| in_set(r.level, *set) && r.outcome == *o)
                .count() as u64;
            op.holds(k.cmp(n))
        }
    }
}

fn owned(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

/// The version of this engine, as reports give it.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

impl Report<'_> {
    /// The version of the report format this engine writes.
    pub const FORMAT: u32 = 1;

    /// The same report with its own copies of the spec's texts, to keep or
    /// send anywhere without the spec.
    pub fn into_owned(self) -> Report<'static> {
        Report {
            report_format: self.report_format,
            engine_version: owned(self.engine_version),
            spec: SpecSummary {
                id: owned(self.spec.id),
                title: owned(self.spec.title),
                version: self.spec.version.map(owned),
            },
            header: self.header,
            respondent: self.respondent,
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
                    basis: r.basis,
                    respondent: r.respondent,
                    help: r.help.map(owned),
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Cmp;
    use proptest::prelude::*;

    fn result(level: Level, outcome: Outcome) -> RequirementResult<'static> {
        RequirementResult {
            id: Cow::Borrowed("R"),
            area: Cow::Borrowed("quality"),
            level,
            title: Cow::Borrowed(""),
            reference: None,
            basis: None,
            respondent: Respondent::default(),
            help: None,
            outcome,
            explanation: Vec::new(),
            missing: Vec::new(),
            problems: Vec::new(),
            evidence: EvidenceStatus::default(),
        }
    }

    fn level() -> impl Strategy<Value = Level> {
        prop_oneof![Just(Level::Must), Just(Level::Should), Just(Level::May)]
    }

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop::sample::select(OUTCOMES.to_vec())
    }

    fn set() -> impl Strategy<Value = LevelSet> {
        prop_oneof![
            Just(LevelSet::Must),
            Just(LevelSet::Should),
            Just(LevelSet::May),
            Just(LevelSet::All)
        ]
    }

    fn expr() -> impl Strategy<Value = RatingExpr> {
        let quant = prop_oneof![
            Just(RatingQuant::All),
            Just(RatingQuant::Any),
            Just(RatingQuant::No)
        ];
        let cmp = prop_oneof![
            Just(Cmp::Eq),
            Just(Cmp::Ne),
            Just(Cmp::Lt),
            Just(Cmp::Le),
            Just(Cmp::Gt),
            Just(Cmp::Ge)
        ];
        let leaf = prop_oneof![
            (quant, set(), outcome()).prop_map(|(q, s, o)| RatingExpr::Quant(q, s, o)),
            (set(), outcome(), cmp, 0u64..6).prop_map(|(s, o, c, n)| RatingExpr::Count(s, o, c, n)),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(RatingExpr::And),
                prop::collection::vec(inner.clone(), 0..3).prop_map(RatingExpr::Or),
                inner.prop_map(|x| RatingExpr::Not(Box::new(x))),
            ]
        })
    }

    fn rules() -> impl Strategy<Value = Vec<RatingRule>> {
        let rating = prop_oneof![
            Just(Rating::Green),
            Just(Rating::Amber),
            Just(Rating::Red),
            Just(Rating::Incomplete)
        ];
        prop::collection::vec(
            (rating, prop::option::weighted(0.8, expr()))
                .prop_map(|(rating, cond)| RatingRule { rating, cond }),
            1..5,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The counts and ratings a report takes from its tallies are those
        /// of the results themselves.
        #[test]
        fn tallies_rate_and_count_as_the_results_do(
            outcomes in prop::collection::vec((level(), outcome()), 0..10),
            rules in rules(),
        ) {
            let results: Vec<RequirementResult> =
                outcomes.iter().map(|(l, o)| result(*l, *o)).collect();
            let refs: Vec<&RequirementResult> = results.iter().collect();
            let mut tally = Tally::default();
            for (l, o) in &outcomes {
                tally.add(*l, *o);
            }
            prop_assert_eq!(tally.rate(&rules), rate(&rules, &refs));
            for rule in &rules {
                if let Some(c) = &rule.cond {
                    prop_assert_eq!(tally.holds(c), holds(c, || refs.iter().copied()));
                }
            }
            let counted = |o: Outcome| outcomes.iter().filter(|(_, x)| *x == o).count() as u32;
            let counts = tally.counts();
            prop_assert_eq!(
                (counts.met, counts.not_met, counts.not_applicable, counts.incomplete),
                (
                    counted(Outcome::Met),
                    counted(Outcome::NotMet),
                    counted(Outcome::NotApplicable),
                    counted(Outcome::Incomplete)
                )
            );
            let mut split = Tally::default();
            let half = outcomes.len() / 2;
            for (l, o) in outcomes.get(..half).unwrap_or_default() {
                split.add(*l, *o);
            }
            let mut rest = Tally::default();
            for (l, o) in outcomes.get(half..).unwrap_or_default() {
                rest.add(*l, *o);
            }
            split.merge(&rest);
            prop_assert_eq!(split, tally);
        }
    }
}
