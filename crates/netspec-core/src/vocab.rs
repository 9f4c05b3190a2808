//! The words a spec, its compiled form and a report share: requirement
//! levels, outcomes, ratings, bases, respondents and quantifiers. Plain
//! values with their names as written; no other module is needed.

use serde::Serialize;

/// Requirement strength.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Level {
    /// Core standard.
    Must,
    /// Expected unless there is a reason.
    Should,
    /// Developmental.
    May,
}

impl Level {
    /// Keyword text.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Should => "should",
            Level::May => "may",
        }
    }
}

/// Which requirements a rating condition counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum LevelSet {
    /// `must`
    Must,
    /// `should`
    Should,
    /// `may`
    May,
    /// `requirements` (every level)
    All,
}

/// The outcome of one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
}

/// The ratings an area or the whole spec can get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Rating {
    /// Everything expected is met.
    Green,
    /// Core met; some expectations not.
    Amber,
    /// A core standard is not met.
    Red,
    /// Not enough answers to rate.
    Incomplete,
}

impl Rating {
    /// Name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Green => "green",
            Rating::Amber => "amber",
            Rating::Red => "red",
            Rating::Incomplete => "incomplete",
        }
    }

    /// Parses a rating name.
    pub fn parse(s: &str) -> Option<Rating> {
        match s {
            "green" => Some(Rating::Green),
            "amber" => Some(Rating::Amber),
            "red" => Some(Rating::Red),
            "incomplete" => Some(Rating::Incomplete),
            _ => None,
        }
    }
}

/// Where a requirement's threshold comes from (`basis` clause): taken from
/// a named standard, derived from one (a documented calculation or
/// reading), or an estimate (no published figure). A report gives `null`
/// when the spec does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Basis {
    /// Taken as written from a named standard.
    Standard,
    /// Derived from a standard by a documented calculation or reading.
    Derived,
    /// An estimate: no published figure; never a `must`.
    Estimate,
}

impl Basis {
    /// Name as written in specs and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Standard => "standard",
            Basis::Derived => "derived",
            Basis::Estimate => "estimate",
        }
    }
}

/// Who answers an input and who is judged by a requirement: a provider
/// service (one submission per provider) or the network itself (its own
/// submission, from its host organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Respondent {
    /// A provider service: one submission per provider.
    #[default]
    Provider,
    /// The network itself, from its host organisation.
    Network,
}

impl Respondent {
    /// Name as written in specs, submissions and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Respondent::Provider => "provider",
            Respondent::Network => "network",
        }
    }
}

/// Quantifier kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Quant {
    /// `all`
    All,
    /// `any`
    Any,
}

/// Quantifier in a rating condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RatingQuant {
    /// every applicable requirement has the outcome
    All,
    /// at least one has it
    Any,
    /// none has it
    No,
}
