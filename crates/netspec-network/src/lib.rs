//! # netspec-network
//!
//! The network view of netspec: every member provider's self-assessment
//! against a network specification rolled up for the network and its
//! commissioners, in one pass.
//!
//! A [`Rollup`] takes a compiled [`netspec::Spec`] and the submissions one
//! at a time ([`Rollup::add`]: a name, an optional line number, the bytes),
//! evaluates each and folds its report into running totals; the reports
//! themselves are not kept, so memory grows only with the summary
//! ([`NetworkReport`]: a row per provider, a row per requirement).
//! [`Rollup::finish`] gives the [`NetworkReport`]:
//!
//! - per provider (ODS code and name from the submission's header): the
//!   overall and per-area rating and compliance %, the outcome of every
//!   requirement, and the not-met requirements with their explanations;
//! - per requirement: how many providers met it, did not, for how many it
//!   did not apply or was incomplete (and the percentages), and which
//!   providers do not meet each `must`;
//! - per area: the distribution of the providers' ratings;
//! - the network's own duties, from the network's own submission (header
//!   respondent `network`), reported apart: a provider is never rated on
//!   the network's duties, nor the network on a provider's;
//! - every submission that could not be evaluated, with its coded
//!   diagnostics (never dropped).
//!
//! Every figure is what a respondent declared in its submission, decided
//! by the spec's rules; nothing here is validated by a reviewer.
//!
//! ```
//! use netspec::{EvalOptions, Sources, Spec};
//! use netspec_network::{Rollup, Source};
//!
//! let text = r#"
//! spec demo "Demo network" { version "1" }
//! inputs "Unit" { beds: int min 0 "Funded beds"  nurses: int min 0 "Nurses on a day shift" }
//! area workforce {
//!   requirement WF-01 must "One nurse per bed" { nurses >= beds  ref "Demo standard 1" }
//! }
//! "#;
//! let spec = Spec::compile("demo.netspec", &Sources::single("demo.netspec", text))?;
//! let header = |ods: &str| format!(
//!     r#""header": {{"respondent": "provider", "organisation": {{"ods_code": "{ods}", "name": "Trust {ods}"}},
//!        "period": {{"start": "2024-04-01", "end": "2025-03-31"}}, "completed_by": "Jo Bloggs"}}"#);
//! let mut rollup = Rollup::new(&spec, EvalOptions::default());
//! rollup.add(Source::file("a.json"), format!(r#"{{{}, "beds": 10, "nurses": 12}}"#, header("RAA")).as_bytes());
//! rollup.add(Source::file("b.json"), format!(r#"{{{}, "beds": 10, "nurses": 8}}"#, header("RBB")).as_bytes());
//! rollup.add(Source::file("c.json"), b"{\"beds\": 1}");
//! let report = rollup.finish();
//! assert_eq!(report.totals.providers, 2);
//! assert_eq!(report.requirements[0].counts.met, 1);
//! assert_eq!(report.requirements[0].not_meeting, vec!["RBB".to_string()]);
//! assert_eq!(report.failed[0].diagnostics[0].code.as_str(), "NS0211");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::collections::BTreeMap;

use netspec::report::{Counts, RequirementResult};
use netspec::{Basis, Diagnostic, EvalOptions, Level, Outcome, Rating, Report, Respondent, Spec};
use serde::{Deserialize, Serialize};

pub mod csv;
pub mod html;
#[cfg(feature = "xlsx")]
pub mod xlsx;

/// The version of the network report's shape ([`NetworkReport::network_format`]):
/// it changes when a field is renamed or removed or its meaning changes,
/// not when one is added.
pub const NETWORK_FORMAT: u32 = 1;

/// Most explanation messages kept for one not-met requirement of one respondent.
pub const MAX_MESSAGES: usize = 3;
/// Most characters kept of one explanation message (a longer one ends with `…`).
pub const MAX_MESSAGE_CHARS: usize = 300;
/// Most diagnostics kept for one failed submission (errors first).
pub const MAX_DIAGNOSTICS: usize = 20;

/// What the figures are: said in every output.
pub const PROVENANCE: &str = "Self-assessed: every figure is what the respondent declared in its submission, decided by the specification's rules; nothing here has been validated by a reviewer.";

/// Where a submission came from: a file, or a line of a JSON Lines file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The file's name as given.
    pub name: String,
    /// The 1-based line, for a submission read from a JSON Lines file.
    pub line: Option<u64>,
}

impl Source {
    /// A whole file.
    pub fn file(name: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            line: None,
        }
    }

    /// Line `line` of a JSON Lines file.
    pub fn line(name: impl Into<String>, line: u64) -> Source {
        Source {
            name: name.into(),
            line: Some(line),
        }
    }

    /// `name` or `name:line`.
    pub fn label(&self) -> String {
        match self.line {
            Some(n) => format!("{}:{n}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Which spec the network report is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecInfo {
    /// Spec id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version, if declared.
    pub version: Option<String>,
}

/// How many submissions of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Submissions read.
    pub submissions: u64,
    /// Evaluated provider submissions.
    pub providers: u64,
    /// Evaluated network submissions.
    pub network: u64,
    /// Submissions that could not be evaluated.
    pub failed: u64,
}

/// How many providers had each rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingCounts {
    /// green
    pub green: u32,
    /// amber
    pub amber: u32,
    /// red
    pub red: u32,
    /// incomplete
    pub incomplete: u32,
}

impl RatingCounts {
    fn add(&mut self, r: Rating) {
        match r {
            Rating::Green => self.green += 1,
            Rating::Amber => self.amber += 1,
            Rating::Red => self.red += 1,
            Rating::Incomplete => self.incomplete += 1,
        }
    }

    /// The count of `r`.
    pub fn of(&self, r: Rating) -> u32 {
        match r {
            Rating::Green => self.green,
            Rating::Amber => self.amber,
            Rating::Red => self.red,
            Rating::Incomplete => self.incomplete,
        }
    }

    /// All ratings counted.
    pub fn total(&self) -> u32 {
        self.green + self.amber + self.red + self.incomplete
    }
}

/// Shares of providers, in percent (2 decimals): `None` when there are none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    /// met
    pub met: Option<f64>,
    /// not met
    pub not_met: Option<f64>,
    /// not applicable
    pub not_applicable: Option<f64>,
    /// incomplete
    pub incomplete: Option<f64>,
}

/// `part` of `whole` in percent, rounded half away from zero to 2 decimals
/// from the exact ratio; `None` when `whole` is 0.
pub fn percent(part: u32, whole: u32) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    let (p, w) = (u64::from(part), u64::from(whole));
    Some(((2 * p * 10_000 + w) / (2 * w)) as f64 / 100.0)
}

fn add_counts(into: &mut Counts, c: &Counts) {
    into.met += c.met;
    into.not_met += c.not_met;
    into.not_applicable += c.not_applicable;
    into.incomplete += c.incomplete;
}

fn count(into: &mut Counts, o: Outcome) {
    match o {
        Outcome::Met => into.met += 1,
        Outcome::NotMet => into.not_met += 1,
        Outcome::NotApplicable => into.not_applicable += 1,
        Outcome::Incomplete => into.incomplete += 1,
    }
}

/// One requirement across the providers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementRow {
    /// Id.
    pub id: String,
    /// Area keyword.
    pub area: String,
    /// must/should/may.
    pub level: Level,
    /// Title.
    pub title: String,
    /// Where it comes from in the source specification.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// Where its threshold comes from; `None` when the spec does not say.
    pub basis: Option<Basis>,
    /// How many providers had each outcome.
    pub counts: Counts,
    /// The same as shares of the providers evaluated, in percent.
    pub shares: Shares,
    /// Providers meeting it ÷ providers for whom it applied and was decided
    /// (met + not met), in percent.
    pub compliance: Option<f64>,
    /// For a `must`: the ODS codes of the providers not meeting it, in
    /// input order (empty for `should` and `may`).
    pub not_meeting: Vec<String>,
}

/// An area's rating, counts and compliance for one respondent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaResult {
    /// Area keyword.
    pub area: String,
    /// Rating.
    pub rating: Rating,
    /// Outcome counts.
    pub counts: Counts,
    /// Met ÷ (met + not met) in percent.
    pub compliance: Option<f64>,
}

/// A requirement not met, in the respondent's words: the checks that failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shortfall {
    /// Requirement id.
    pub id: String,
    /// must/should/may.
    pub level: Level,
    /// The failed checks' messages (at most [`MAX_MESSAGES`]).
    pub messages: Vec<String>,
}

/// One respondent's evaluated submission, in summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RespondentSummary {
    /// Where the submission came from.
    pub source: Source,
    /// ODS code, from the header.
    pub ods_code: String,
    /// Organisation name, from the header.
    pub name: String,
    /// Assessment period start (`YYYY-MM-DD`), from the header.
    pub period_start: String,
    /// Assessment period end.
    pub period_end: String,
    /// Who signed it off, if it was.
    pub signed_off_by: Option<String>,
    /// Overall rating.
    pub rating: Rating,
    /// Overall counts.
    pub counts: Counts,
    /// Overall compliance %.
    pub compliance: Option<f64>,
    /// Per area, in the canonical order.
    pub areas: Vec<AreaResult>,
    /// The outcome of every requirement of its respondent, in the order of
    /// [`NetworkReport::requirements`] (for a provider) or
    /// [`NetworkDuties::requirements`] (for the network).
    pub outcomes: Vec<Outcome>,
    /// The requirements not met, with why.
    pub not_met: Vec<Shortfall>,
    /// How many warnings the report had.
    pub warnings: u32,
}

/// One of the network's own requirements (answered in the network's submission).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DutyRow {
    /// Id.
    pub id: String,
    /// Area keyword.
    pub area: String,
    /// must/should/may.
    pub level: Level,
    /// Title.
    pub title: String,
    /// Where its threshold comes from.
    pub basis: Option<Basis>,
}

/// The network's own duties, from its own submission(s).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NetworkDuties {
    /// The network's requirements, in report order.
    pub requirements: Vec<DutyRow>,
    /// Each network submission (usually one: the host's).
    pub submissions: Vec<RespondentSummary>,
}

/// A submission that could not be evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedSubmission {
    /// Where it came from.
    pub source: Source,
    /// The ODS code in its header, when one could be read (3 to 6
    /// upper-case letters and digits).
    pub ods_code: Option<String>,
    /// Why (errors first, at most [`MAX_DIAGNOSTICS`]).
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics left out past [`MAX_DIAGNOSTICS`].
    pub more: u32,
}

/// Per area across the providers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaRow {
    /// Area keyword.
    pub area: String,
    /// Area title.
    pub title: String,
    /// How many providers had each rating for this area.
    pub ratings: RatingCounts,
    /// The providers' outcome counts for this area's requirements, summed.
    pub counts: Counts,
    /// Met ÷ (met + not met) over those counts, in percent.
    pub compliance: Option<f64>,
}

/// One requirement whose outcome changed for one provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeChange {
    /// Requirement id.
    pub id: String,
    /// Outcome in the previous period.
    pub from: Outcome,
    /// Outcome now.
    pub to: Outcome,
}

/// One provider compared with the previous period (matched by ODS code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderChange {
    /// ODS code.
    pub ods_code: String,
    /// Name (now, else before).
    pub name: String,
    /// `both`, `new` (no previous submission) or `gone` (none now).
    pub status: String,
    /// Rating before.
    pub rating_before: Option<Rating>,
    /// Rating now.
    pub rating_now: Option<Rating>,
    /// Compliance % before.
    pub compliance_before: Option<f64>,
    /// Compliance % now.
    pub compliance_now: Option<f64>,
    /// Requirements whose outcome changed.
    pub changed: Vec<OutcomeChange>,
}

/// One requirement compared with the previous period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementChange {
    /// Id.
    pub id: String,
    /// Providers meeting it before.
    pub met_before: u32,
    /// Providers meeting it now.
    pub met_now: u32,
    /// Compliance % before.
    pub compliance_before: Option<f64>,
    /// Compliance % now.
    pub compliance_now: Option<f64>,
    /// Providers (ODS codes) that met it before and do not now.
    pub became_not_met: Vec<String>,
    /// Providers that did not meet it before and do now.
    pub became_met: Vec<String>,
}

/// This period against the previous one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// Totals of the previous period's roll-up.
    pub previous: Totals,
    /// Per provider, in this period's order, then the providers gone.
    pub providers: Vec<ProviderChange>,
    /// Per requirement of this period.
    pub requirements: Vec<RequirementChange>,
}

/// The network report: `netspec network --format json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkReport {
    /// The version of this shape ([`NETWORK_FORMAT`]).
    pub network_format: u32,
    /// The version of the engine that made it.
    pub engine_version: String,
    /// Which spec.
    pub spec: SpecInfo,
    /// Where the figures come from ([`PROVENANCE`]).
    pub provenance: String,
    /// How many submissions of each kind.
    pub totals: Totals,
    /// The providers' requirements, in report order, across the providers.
    pub requirements: Vec<RequirementRow>,
    /// Per area across the providers, in the canonical order.
    pub areas: Vec<AreaRow>,
    /// Every evaluated provider submission, in input order.
    pub providers: Vec<RespondentSummary>,
    /// The network's own duties, from its own submission(s).
    pub network: NetworkDuties,
    /// Submissions that could not be evaluated, in input order.
    pub failed: Vec<FailedSubmission>,
    /// Things a reader should know: an ODS code submitted twice, periods
    /// that differ between submissions.
    pub notes: Vec<String>,
    /// Against the previous period, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Changes>,
}

/// The roll-up under way: add submissions, then [`Rollup::finish`]. It
/// holds its own handle on the spec (a [`Spec`] is cheap to clone).
pub struct Rollup {
    spec: Spec,
    opts: EvalOptions,
    report: NetworkReport,
    /// requirement id → index in `report.requirements`
    index: BTreeMap<String, usize>,
    /// ODS code → first source and how many submissions gave it
    seen: BTreeMap<String, (String, u32)>,
    /// ODS codes given more than once, in the order found
    twice: Vec<String>,
    /// distinct periods (start, end) seen, at most a few
    periods: Vec<(String, String)>,
    more_periods: bool,
}

impl Rollup {
    /// A roll-up of submissions to `spec`, evaluated with `opts`.
    pub fn new(spec: &Spec, opts: EvalOptions) -> Rollup {
        Rollup {
            spec: spec.clone(),
            opts,
            report: NetworkReport {
                network_format: NETWORK_FORMAT,
                engine_version: env!("CARGO_PKG_VERSION").to_string(),
                spec: SpecInfo {
                    id: spec.id().to_string(),
                    title: spec.title().to_string(),
                    version: spec.version().map(str::to_string),
                },
                provenance: PROVENANCE.to_string(),
                totals: Totals::default(),
                requirements: Vec::new(),
                areas: Vec::new(),
                providers: Vec::new(),
                network: NetworkDuties::default(),
                failed: Vec::new(),
                notes: Vec::new(),
                changes: None,
            },
            index: BTreeMap::new(),
            seen: BTreeMap::new(),
            twice: Vec::new(),
            periods: Vec::new(),
            more_periods: false,
        }
    }

    /// Evaluates one submission (JSON bytes) and folds it in; one that
    /// cannot be evaluated is listed in [`NetworkReport::failed`].
    pub fn add(&mut self, source: Source, bytes: &[u8]) {
        let spec = self.spec.clone();
        match spec.evaluate_bytes(bytes, &self.opts) {
            Ok(report) => self.add_report(source, &report),
            Err(e) => self.add_failure(source, e.diagnostics(), netspec::ffi::ods_code_of(bytes)),
        }
    }

    /// Folds in a report already made (from this roll-up's spec).
    pub fn add_report(&mut self, source: Source, report: &Report<'_>) {
        self.report.totals.submissions += 1;
        let Some(header) = &report.header else {
            // a roll-up needs to know who answered
            let d = Diagnostic::error(
                netspec::Code::MissingHeader,
                "a submission without a header cannot be placed in the network view",
            )
            .at_path("/header");
            self.report.totals.submissions -= 1;
            self.add_failure(source, vec![d], None);
            return;
        };
        let ods = header.organisation.ods_code.clone();
        let network = report.respondent == Respondent::Network;
        // the host of a network is often a member provider too: only
        // providers answering twice are noted
        match self.seen.get_mut(&ods).filter(|_| !network) {
            Some((_, times)) => {
                if *times == 1 {
                    self.twice.push(ods.clone());
                }
                *times += 1;
            }
            None if !network => {
                self.seen.insert(ods.clone(), (source.label(), 1));
            }
            None => {}
        }
        let period = (
            header.period.start.to_string(),
            header.period.end.to_string(),
        );
        if !self.periods.contains(&period) {
            if self.periods.len() < 5 {
                self.periods.push(period.clone());
            } else {
                self.more_periods = true;
            }
        }
        let outcomes: Vec<Outcome> = if network {
            if self.report.network.requirements.is_empty() {
                self.report.network.requirements = report
                    .requirements
                    .iter()
                    .map(|r| DutyRow {
                        id: r.id.to_string(),
                        area: r.area.to_string(),
                        level: r.level,
                        title: r.title.to_string(),
                        basis: r.basis,
                    })
                    .collect();
            }
            report.requirements.iter().map(|r| r.outcome).collect()
        } else {
            self.provider_outcomes(report, &ods)
        };
        let row = RespondentSummary {
            source,
            ods_code: ods,
            name: header.organisation.name.clone(),
            period_start: period.0,
            period_end: period.1,
            signed_off_by: header.signed_off.as_ref().map(|s| s.by.clone()),
            rating: report.overall.rating,
            counts: report.overall.counts,
            compliance: report.overall.compliance,
            areas: report
                .areas
                .iter()
                .map(|a| AreaResult {
                    area: a.area.to_string(),
                    rating: a.rating,
                    counts: a.counts,
                    compliance: a.compliance,
                })
                .collect(),
            outcomes,
            not_met: report
                .requirements
                .iter()
                .filter(|r| r.outcome == Outcome::NotMet)
                .map(shortfall)
                .collect(),
            warnings: u32::try_from(report.warnings.len()).unwrap_or(u32::MAX),
        };
        if network {
            self.report.totals.network += 1;
            self.report.network.submissions.push(row);
        } else {
            self.report.totals.providers += 1;
            for a in &report.areas {
                let at = match self.report.areas.iter().position(|x| x.area == a.area) {
                    Some(at) => at,
                    None => {
                        self.report.areas.push(AreaRow {
                            area: a.area.to_string(),
                            title: a.title.to_string(),
                            ratings: RatingCounts::default(),
                            counts: Counts::default(),
                            compliance: None,
                        });
                        self.report.areas.len() - 1
                    }
                };
                if let Some(x) = self.report.areas.get_mut(at) {
                    // an area with no requirement for providers has no rating to count
                    let c = a.counts;
                    if c.met + c.not_met + c.not_applicable + c.incomplete > 0 {
                        x.ratings.add(a.rating);
                    }
                    add_counts(&mut x.counts, &a.counts);
                }
            }
            self.report.providers.push(row);
        }
    }

    /// The outcomes of a provider's report in the order of the network
    /// report's requirements (rows made from the first report), counted.
    fn provider_outcomes(&mut self, report: &Report<'_>, ods: &str) -> Vec<Outcome> {
        for r in &report.requirements {
            if !self.index.contains_key(r.id.as_ref()) {
                self.index
                    .insert(r.id.to_string(), self.report.requirements.len());
                self.report.requirements.push(RequirementRow {
                    id: r.id.to_string(),
                    area: r.area.to_string(),
                    level: r.level,
                    title: r.title.to_string(),
                    reference: r.reference.as_deref().map(str::to_string),
                    basis: r.basis,
                    counts: Counts::default(),
                    shares: Shares::default(),
                    compliance: None,
                    not_meeting: Vec::new(),
                });
            }
        }
        // requirements of this spec a report does not list count as incomplete
        let mut outcomes = vec![Outcome::Incomplete; self.report.requirements.len()];
        for r in &report.requirements {
            if let Some(slot) = self
                .index
                .get(r.id.as_ref())
                .and_then(|&k| outcomes.get_mut(k))
            {
                *slot = r.outcome;
            }
        }
        for (row, &o) in self.report.requirements.iter_mut().zip(&outcomes) {
            count(&mut row.counts, o);
            if o == Outcome::NotMet && row.level == Level::Must {
                row.not_meeting.push(ods.to_string());
            }
        }
        outcomes
    }

    /// Lists a submission that could not be evaluated.
    pub fn add_failure(
        &mut self,
        source: Source,
        mut diagnostics: Vec<Diagnostic>,
        ods_code: Option<String>,
    ) {
        self.report.totals.submissions += 1;
        self.report.totals.failed += 1;
        diagnostics.sort_by_key(|d| !d.is_error());
        let more = diagnostics.len().saturating_sub(MAX_DIAGNOSTICS);
        diagnostics.truncate(MAX_DIAGNOSTICS);
        self.report.failed.push(FailedSubmission {
            source,
            ods_code,
            diagnostics,
            more: u32::try_from(more).unwrap_or(u32::MAX),
        });
    }

    /// How many submissions were added so far.
    pub fn submissions(&self) -> u64 {
        self.report.totals.submissions
    }

    /// The network report.
    pub fn finish(mut self) -> NetworkReport {
        let providers = u32::try_from(self.report.totals.providers).unwrap_or(u32::MAX);
        for row in &mut self.report.requirements {
            let c = row.counts;
            row.shares = Shares {
                met: percent(c.met, providers),
                not_met: percent(c.not_met, providers),
                not_applicable: percent(c.not_applicable, providers),
                incomplete: percent(c.incomplete, providers),
            };
            row.compliance = c.compliance();
        }
        for a in &mut self.report.areas {
            a.compliance = a.counts.compliance();
        }
        const MOST_NOTED: usize = 20;
        for ods in self.twice.iter().take(MOST_NOTED) {
            if let Some((first, times)) = self.seen.get(ods) {
                self.report.notes.push(format!(
                    "ODS code {ods} answered {times} times (first in {first}): each submission is listed and counted"
                ));
            }
        }
        if self.twice.len() > MOST_NOTED {
            self.report.notes.push(format!(
                "… and {} more ODS codes answered more than once",
                self.twice.len() - MOST_NOTED
            ));
        }
        if self.report.totals.network > 1 {
            self.report.notes.push(format!(
                "{} submissions from the network itself were given: each is listed",
                self.report.totals.network
            ));
        }
        if self.periods.len() > 1 {
            let list: Vec<String> = self
                .periods
                .iter()
                .map(|(s, e)| format!("{s} to {e}"))
                .collect();
            self.report.notes.push(format!(
                "the submissions are for different assessment periods ({}{}): figures for different periods are rolled up together",
                list.join(", "),
                if self.more_periods { ", and more" } else { "" }
            ));
        }
        self.report
    }
}

/// Rolls up every submission of `submissions` (where it came from, its
/// bytes), one at a time.
pub fn roll_up<I, B>(spec: &Spec, opts: EvalOptions, submissions: I) -> NetworkReport
where
    I: IntoIterator<Item = (Source, B)>,
    B: AsRef<[u8]>,
{
    let mut r = Rollup::new(spec, opts);
    for (source, bytes) in submissions {
        r.add(source, bytes.as_ref());
    }
    r.finish()
}

fn shortfall(r: &RequirementResult<'_>) -> Shortfall {
    Shortfall {
        id: r.id.to_string(),
        level: r.level,
        messages: r
            .explanation
            .iter()
            .filter(|c| !c.held && c.in_scope)
            .take(MAX_MESSAGES)
            .map(|c| cut(&c.message, MAX_MESSAGE_CHARS))
            .collect(),
    }
}

/// At most `most` characters of `s`, then `…`.
fn cut(s: &str, most: usize) -> String {
    match s.char_indices().nth(most) {
        Some((at, _)) => format!("{}…", s.get(..at).unwrap_or_default()),
        None => s.to_string(),
    }
}

/// Compares `now` with `before` (two roll-ups of the same spec): per
/// provider (matched by ODS code; the first submission of a code) and per
/// requirement (matched by id), what changed.
pub fn compare(before: &NetworkReport, now: &NetworkReport) -> Changes {
    let first = |list: &[RespondentSummary]| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for (k, p) in list.iter().enumerate() {
            m.entry(p.ods_code.clone()).or_insert(k);
        }
        m
    };
    let before_at = first(&before.providers);
    let now_at = first(&now.providers);
    let before_req: BTreeMap<&str, usize> = before
        .requirements
        .iter()
        .enumerate()
        .map(|(k, r)| (r.id.as_str(), k))
        .collect();
    let outcome_before = |p: &RespondentSummary, id: &str| -> Option<Outcome> {
        before_req.get(id).and_then(|&k| p.outcomes.get(k)).copied()
    };
    let mut providers = Vec::new();
    let mut requirements: Vec<RequirementChange> = now
        .requirements
        .iter()
        .map(|r| {
            let old = before_req
                .get(r.id.as_str())
                .and_then(|&k| before.requirements.get(k));
            RequirementChange {
                id: r.id.clone(),
                met_before: old.map_or(0, |o| o.counts.met),
                met_now: r.counts.met,
                compliance_before: old.and_then(|o| o.compliance),
                compliance_now: r.compliance,
                became_not_met: Vec::new(),
                became_met: Vec::new(),
            }
        })
        .collect();
    for (k, p) in now.providers.iter().enumerate() {
        if now_at.get(&p.ods_code) != Some(&k) {
            continue;
        }
        let old = before_at
            .get(&p.ods_code)
            .and_then(|&j| before.providers.get(j));
        let mut changed = Vec::new();
        if let Some(old) = old {
            for ((r, &to), rc) in now
                .requirements
                .iter()
                .zip(&p.outcomes)
                .zip(requirements.iter_mut())
            {
                let Some(from) = outcome_before(old, &r.id) else {
                    continue;
                };
                if from != to {
                    changed.push(OutcomeChange {
                        id: r.id.clone(),
                        from,
                        to,
                    });
                    if from == Outcome::Met && to == Outcome::NotMet {
                        rc.became_not_met.push(p.ods_code.clone());
                    }
                    if from == Outcome::NotMet && to == Outcome::Met {
                        rc.became_met.push(p.ods_code.clone());
                    }
                }
            }
        }
        providers.push(ProviderChange {
            ods_code: p.ods_code.clone(),
            name: p.name.clone(),
            status: if old.is_some() { "both" } else { "new" }.to_string(),
            rating_before: old.map(|o| o.rating),
            rating_now: Some(p.rating),
            compliance_before: old.and_then(|o| o.compliance),
            compliance_now: p.compliance,
            changed,
        });
    }
    for (k, p) in before.providers.iter().enumerate() {
        if before_at.get(&p.ods_code) == Some(&k) && !now_at.contains_key(&p.ods_code) {
            providers.push(ProviderChange {
                ods_code: p.ods_code.clone(),
                name: p.name.clone(),
                status: "gone".to_string(),
                rating_before: Some(p.rating),
                rating_now: None,
                compliance_before: p.compliance,
                compliance_now: None,
                changed: Vec::new(),
            });
        }
    }
    Changes {
        previous: before.totals,
        providers,
        requirements,
    }
}

/// Outcome names as short labels for tables: `met`, `not met`, `n/a`, `incomplete`.
pub fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Met => "met",
        Outcome::NotMet => "not met",
        Outcome::NotApplicable => "n/a",
        Outcome::Incomplete => "incomplete",
    }
}

/// The title of an area keyword, as reports give it.
pub fn area_title(report: &NetworkReport, area: &str) -> String {
    report
        .areas
        .iter()
        .find(|a| a.area == area)
        .map_or_else(|| area.replace('_', " "), |a| a.title.clone())
}
