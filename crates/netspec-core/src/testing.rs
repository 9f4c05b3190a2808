//! Running a spec's `test` blocks: its test cases + an evaluation of each
//! → [`TestResult`]s, and the coverage of the requirements by them.
//!
//! A test compares the expected outcomes and ratings with its report; a
//! failure lists every mismatch with the explanation of the actual outcome.

use serde::Serialize;

use crate::ir::{CompiledSpec, Expectation, TestCase, AREAS};
use crate::report::Report;
use crate::source::{Location, SourceMap};
use crate::vocab::{Outcome, Rating};

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mismatch {
    /// What was checked: a requirement id, `area workforce` or `overall`.
    pub subject: String,
    /// Expected outcome or rating.
    pub expected: String,
    /// What the report says.
    pub actual: String,
    /// Why, from the report (explanation, missing inputs, problems).
    pub detail: Vec<String>,
}

/// The result of one test.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TestResult {
    /// Test name.
    pub name: String,
    /// Where the test is.
    pub location: Option<Location>,
    /// Did every expectation hold?
    pub passed: bool,
    /// Expectations checked.
    pub checked: usize,
    /// Mismatches, when it failed.
    pub mismatches: Vec<Mismatch>,
    /// Every requirement's outcome in this test's report, as `[id,
    /// outcome]` (for coverage).
    pub outcomes: Vec<(String, Outcome)>,
    /// A submission or date problem that stopped the test.
    pub error: Option<String>,
}

/// Runs `tests` (a compiled spec's, located in `map`). `evaluate` evaluates
/// a test's `given` submission within the steps of work left, giving the
/// report (or why there is none) and the steps it used. The tests share one
/// work budget, `budget` ([`crate::limits::Limits::max_eval_steps`]), so
/// that a spec with very many tests (or tests on very long lists) cannot
/// make a test run take unbounded time; tests left when it is used up fail
/// with an error saying so.
pub fn run_tests<'s>(
    tests: &'s [TestCase],
    map: &SourceMap,
    budget: u64,
    mut evaluate: impl FnMut(&'s TestCase, u64) -> (Result<Report<'s>, String>, u64),
) -> Vec<TestResult> {
    let mut left = budget;
    tests
        .iter()
        .map(|t| {
            let location = map.locate(t.span);
            if left == 0 {
                return TestResult {
                    name: t.name.clone(),
                    location,
                    passed: false,
                    checked: 0,
                    mismatches: Vec::new(),
                    outcomes: Vec::new(),
                    error: Some(format!(
                        "not run: the spec's tests used up the work budget ({budget} steps, NS0308)"
                    )),
                };
            }
            let (result, used) = evaluate(t, left);
            left = left.saturating_sub(used);
            match result {
                Ok(report) => compare(&t.name, location, &t.expect, &report),
                Err(e) => TestResult {
                    name: t.name.clone(),
                    location,
                    passed: false,
                    checked: 0,
                    mismatches: Vec::new(),
                    outcomes: Vec::new(),
                    error: Some(e),
                },
            }
        })
        .collect()
}

fn compare(
    name: &str,
    location: Option<Location>,
    expect: &[Expectation],
    report: &Report,
) -> TestResult {
    let mut mismatches = Vec::new();
    for e in expect {
        match e {
            Expectation::Requirement(id, o) => {
                let want = *o;
                if let Some(r) = report.requirements.iter().find(|r| r.id == *id) {
                    if r.outcome != want {
                        let mut detail: Vec<String> = r
                            .explanation
                            .iter()
                            .map(|c| match &c.element {
                                Some(el) => format!("{el}: {}", c.message),
                                None => c.message.clone(),
                            })
                            .collect();
                        detail.extend(
                            r.missing
                                .iter()
                                .map(|m| format!("needs an answer: {} ({})", m.question, m.path)),
                        );
                        detail.extend(r.problems.iter().map(|p| format!("cannot decide: {p}")));
                        mismatches.push(Mismatch {
                            subject: id.clone(),
                            expected: want.as_str().into(),
                            actual: r.outcome.as_str().into(),
                            detail,
                        });
                    }
                }
            }
            Expectation::Area(i, rating) => {
                let key = AREAS.get(*i).map_or("", |(k, _)| *k);
                if let Some(a) = report.areas.iter().find(|a| a.area == key) {
                    if a.rating != *rating {
                        mismatches.push(rating_mismatch(
                            format!("area {key}"),
                            *rating,
                            a.rating,
                            report,
                            Some(key),
                        ));
                    }
                }
            }
            Expectation::Overall(rating) => {
                if report.overall.rating != *rating {
                    mismatches.push(rating_mismatch(
                        "overall".into(),
                        *rating,
                        report.overall.rating,
                        report,
                        None,
                    ));
                }
            }
        }
    }
    TestResult {
        name: name.to_string(),
        location,
        passed: mismatches.is_empty(),
        checked: expect.len(),
        mismatches,
        outcomes: report
            .requirements
            .iter()
            .map(|r| (r.id.to_string(), r.outcome))
            .collect(),
        error: None,
    }
}

fn rating_mismatch(
    subject: String,
    want: Rating,
    got: Rating,
    report: &Report,
    area: Option<&str>,
) -> Mismatch {
    let detail = report
        .requirements
        .iter()
        .filter(|r| area.is_none_or(|a| r.area == a))
        .filter(|r| matches!(r.outcome, Outcome::NotMet | Outcome::Incomplete))
        .map(|r| format!("{} ({}) is {}", r.id, r.level.as_str(), r.outcome.as_str()))
        .collect();
    Mismatch {
        subject,
        expected: want.as_str().into(),
        actual: got.as_str().into(),
        detail,
    }
}

/// Which outcomes the tests produced for one requirement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequirementCoverage {
    /// Requirement id.
    pub id: String,
    /// Area keyword.
    #[cfg_attr(feature = "ts", ts(type = "Area"))]
    pub area: String,
    /// Seen met.
    pub met: bool,
    /// Seen not met.
    pub not_met: bool,
    /// Seen not applicable.
    pub not_applicable: bool,
    /// Seen incomplete.
    pub incomplete: bool,
    /// Whether the requirement has an `applies when`.
    pub has_applies: bool,
}

impl RequirementCoverage {
    /// Seen both met and not met (and not applicable, when it can be).
    pub fn covered(&self) -> bool {
        self.met && self.not_met && (!self.has_applies || self.not_applicable)
    }
}

/// Coverage of a spec's requirements by its tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Coverage {
    /// Spec id.
    pub spec: String,
    /// Per requirement, in report order.
    pub requirements: Vec<RequirementCoverage>,
    /// Per area: (area, covered, total).
    pub areas: Vec<AreaCoverage>,
    /// Covered requirements.
    pub covered: usize,
    /// All requirements.
    pub total: usize,
    /// covered / total × 100 (100 for a spec with no requirements).
    pub percent: f64,
}

/// Coverage of one area.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AreaCoverage {
    /// Area keyword.
    #[cfg_attr(feature = "ts", ts(type = "Area"))]
    pub area: String,
    /// Covered requirements.
    pub covered: usize,
    /// All requirements.
    pub total: usize,
}

/// Works out coverage from test results. Only tests that ran (passed or
/// failed on expectations) count.
pub fn coverage<S: AsRef<CompiledSpec> + ?Sized>(spec: &S, results: &[TestResult]) -> Coverage {
    let spec = spec.as_ref();
    let mut reqs: Vec<RequirementCoverage> = spec
        .requirements
        .iter()
        .map(|r| RequirementCoverage {
            id: r.id.clone(),
            area: AREAS.get(r.area).map_or("", |(k, _)| *k).to_string(),
            has_applies: r.applies.is_some(),
            ..RequirementCoverage::default()
        })
        .collect();
    for t in results {
        for (id, o) in &t.outcomes {
            if let Some(c) = reqs.iter_mut().find(|c| c.id == *id) {
                match o {
                    Outcome::Met => c.met = true,
                    Outcome::NotMet => c.not_met = true,
                    Outcome::NotApplicable => c.not_applicable = true,
                    Outcome::Incomplete => c.incomplete = true,
                }
            }
        }
    }
    let areas = AREAS
        .iter()
        .map(|(k, _)| {
            let in_area: Vec<&RequirementCoverage> = reqs.iter().filter(|r| r.area == *k).collect();
            AreaCoverage {
                area: (*k).to_string(),
                covered: in_area.iter().filter(|r| r.covered()).count(),
                total: in_area.len(),
            }
        })
        .collect();
    let covered = reqs.iter().filter(|r| r.covered()).count();
    let total = reqs.len();
    let percent = if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    };
    Coverage {
        spec: spec.info.id.clone(),
        requirements: std::mem::take(&mut reqs),
        areas,
        covered,
        total,
        percent,
    }
}
