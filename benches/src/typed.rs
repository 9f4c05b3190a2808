//! The floor: the same 34 requirements hand-written in Rust over a typed
//! struct that serde fills from the submission. Rates are compared by
//! cross-multiplying whole numbers (`a / b >= 95%` is `100 a >= 95 b`), so
//! the verdicts are exact, as netspec's are.

use serde::Deserialize;

use crate::Verdict::{self, Met, NotApplicable, NotMet};

/// A date as `yyyymmdd`, so dates compare as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd(pub u32);

impl Ymd {
    /// Reads `yyyy-mm-dd`; `None` if it is not a date.
    pub fn parse(s: &str) -> Option<Ymd> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Ymd(y * 10_000 + m * 100 + d))
    }

    /// The date `months` months earlier, clamped to the end of a shorter month.
    pub fn minus_months(self, months: u32) -> Ymd {
        let (y, m, d) = (self.0 / 10_000, self.0 / 100 % 100, self.0 % 100);
        let total = y * 12 + (m - 1) - months;
        let (ny, nm) = (total / 12, total % 12 + 1);
        Ymd(ny * 10_000 + nm * 100 + d.min(days_in_month(ny, nm)))
    }

    /// `self within months months` of `today`.
    pub fn within(self, months: u32, today: Ymd) -> bool {
        self >= today.minus_months(months) && self <= today
    }
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl<'de> Deserialize<'de> for Ymd {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Ymd, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ymd::parse(&s).ok_or_else(|| serde::de::Error::custom("not a date"))
    }
}

/// Unit kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum UnitType {
    Combined,
    IntensiveCare,
    HighDependency,
}

/// One critical care unit.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Unit {
    pub unit_type: Option<UnitType>,
    pub funded_beds: Option<i64>,
    pub training_unit: Option<bool>,
    pub l3_patient_shifts: Option<i64>,
    pub l3_shifts_at_1to1: Option<i64>,
    pub l2_patient_shifts: Option<i64>,
    pub l2_shifts_within_1to2: Option<i64>,
    pub shifts_total: Option<i64>,
    pub shifts_with_coordinator: Option<i64>,
    pub daytime_consultants: Option<i64>,
    pub resident_doctors_day: Option<i64>,
    pub resident_doctors_night: Option<i64>,
    pub admissions: Option<i64>,
    pub admissions_within_4h: Option<i64>,
    pub admissions_level_recorded: Option<i64>,
    pub admissions_ethnicity_recorded: Option<i64>,
    pub admissions_postcode_recorded: Option<i64>,
    pub occupied_bed_days: Option<i64>,
    pub available_bed_days: Option<i64>,
    pub discharges_to_ward: Option<i64>,
    pub discharges_out_of_hours: Option<i64>,
    pub cmp_participant: Option<bool>,
    pub cmp_months_validated: Option<i64>,
    pub mm_meetings: Option<i64>,
}

/// Surge staffing.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Surge {
    pub episodes: Option<i64>,
    pub episodes_escalated: Option<i64>,
    pub episodes_below_floor: Option<i64>,
    pub episodes_below_floor_after_mutual_aid: Option<i64>,
    pub shifts: Option<i64>,
    pub shifts_within_floor: Option<i64>,
    pub plan_reviewed_on: Option<Ymd>,
    pub plan_patients_per_nurse_at_double: Option<i64>,
    pub plan_patients_per_senior_at_double: Option<i64>,
}

/// Capacity transfers.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Transfers {
    pub nonclinical_out: Option<i64>,
    pub nonclinical_out_previous: Option<i64>,
    pub nonclinical_reviewed: Option<i64>,
}

/// Network governance answers.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Network {
    #[serde(default)]
    pub board: Board,
    #[serde(default)]
    pub ppv: Ppv,
    #[serde(default)]
    pub workplan: Workplan,
    #[serde(default)]
    pub annual_report: AnnualReport,
    #[serde(default)]
    pub dashboard: Dashboard,
    #[serde(default)]
    pub clinical_governance: ClinicalGovernance,
    #[serde(default)]
    pub surge_plan: SurgePlan,
    #[serde(default)]
    pub repatriation: Repatriation,
    #[serde(default)]
    pub inequalities: Inequalities,
    #[serde(default)]
    pub membership: Membership,
    #[serde(default)]
    pub host: Host,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Board {
    pub member_organisations: Option<i64>,
    pub tor_signatories: Option<i64>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Ppv {
    pub board_members: Option<i64>,
    pub activities_last_12_months: Option<i64>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Workplan {
    pub approved_on: Option<Ymd>,
    pub icbs_served: Option<i64>,
    pub icbs_signed_off: Option<i64>,
    pub regions_served: Option<i64>,
    pub regions_signed_off: Option<i64>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct AnnualReport {
    pub published_on: Option<Ymd>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Dashboard {
    pub quarters_due: Option<i64>,
    pub quarters_submitted: Option<i64>,
    pub gatekeeper_registered: Option<bool>,
    pub service_leads_named: Option<bool>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct ClinicalGovernance {
    pub meetings_last_12_months: Option<i64>,
    pub mm_standing_item: Option<bool>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct SurgePlan {
    pub aligned_to_national_sop: Option<bool>,
    pub reviewed_on: Option<Ymd>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Repatriation {
    pub policy_approved_on: Option<Ymd>,
    pub delays_monitored: Option<bool>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Inequalities {
    pub analysis_completed_on: Option<Ymd>,
    pub by_deprivation: Option<bool>,
    pub by_ethnicity: Option<bool>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Membership {
    pub providers_in_scope: Option<i64>,
    pub member_providers: Option<i64>,
}
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Host {
    pub agreement_signed: Option<bool>,
    pub agreement_expires: Option<Ymd>,
}

/// The part of a submission's header the rules read: the period end, which
/// is the assessment date.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Header {
    pub period: Period,
}

/// An assessment period (only its end is read).
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Period {
    pub end: Ymd,
}

/// A whole submission.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Submission {
    pub header: Header,
    pub units: Vec<Unit>,
    #[serde(default)]
    pub surge: Surge,
    #[serde(default)]
    pub transfers: Transfers,
    #[serde(default)]
    pub network: Network,
}

// an unanswered number counts as 0 and an unanswered flag as false: the
// timed submissions answer everything a rule reads (the agreement check
// against netspec, which says `incomplete` otherwise, makes sure of it)
fn n(x: Option<i64>) -> i64 {
    x.unwrap_or(0)
}
fn b(x: Option<bool>) -> bool {
    x.unwrap_or(false)
}
fn d(x: Option<Ymd>) -> Ymd {
    x.unwrap_or(Ymd(0))
}

/// `num / den >= p / q`, for `den > 0`.
fn rate_ge(num: i64, den: i64, p: i64, q: i64) -> bool {
    num * q >= p * den
}
/// `num / den <= p / q`, for `den > 0`.
fn rate_le(num: i64, den: i64, p: i64, q: i64) -> bool {
    num * q <= p * den
}

fn v(applies: bool, holds: impl FnOnce() -> bool) -> Verdict {
    if !applies {
        NotApplicable
    } else if holds() {
        Met
    } else {
        NotMet
    }
}

fn m(holds: bool) -> Verdict {
    if holds {
        Met
    } else {
        NotMet
    }
}

/// Every verdict, in [`crate::rules::RULES`] order.
pub fn verdicts(s: &Submission) -> [Verdict; 34] {
    let today = s.header.period.end;
    let units = &s.units;
    let sum = |f: fn(&Unit) -> Option<i64>| units.iter().map(|u| n(f(u))).sum::<i64>();
    let admissions = sum(|u| u.admissions);
    let (sg, tr, nw) = (&s.surge, &s.transfers, &s.network);
    let l3 = |u: &Unit| {
        matches!(
            u.unit_type,
            Some(UnitType::Combined | UnitType::IntensiveCare)
        )
    };
    let occupied = sum(|u| u.occupied_bed_days);
    let available = sum(|u| u.available_bed_days);
    [
        v(admissions > 0, || {
            rate_ge(sum(|u| u.admissions_within_4h), admissions, 90, 100)
        }),
        v(n(sg.shifts) > 0, || {
            rate_ge(n(sg.shifts_within_floor), n(sg.shifts), 1, 1)
        }),
        m(units.iter().all(|u| {
            n(u.admissions) <= 0 || rate_ge(n(u.admissions_level_recorded), n(u.admissions), 1, 1)
        })),
        m(d(sg.plan_reviewed_on).within(12, today)
            && n(sg.plan_patients_per_nurse_at_double) <= 2
            && n(sg.plan_patients_per_senior_at_double) <= 15),
        m(units
            .iter()
            .all(|u| rate_le(n(u.occupied_bed_days), n(u.available_bed_days), 80, 100))),
        m(rate_ge(occupied, available, 70, 100) && rate_le(occupied, available, 80, 100)),
        v(units.iter().any(l3), || {
            units.iter().all(|u| {
                !(l3(u) && n(u.l3_patient_shifts) > 0)
                    || rate_ge(n(u.l3_shifts_at_1to1), n(u.l3_patient_shifts), 95, 100)
            })
        }),
        m(units.iter().all(|u| {
            n(u.l2_patient_shifts) <= 0
                || rate_ge(n(u.l2_shifts_within_1to2), n(u.l2_patient_shifts), 95, 100)
        })),
        v(units.iter().any(|u| n(u.funded_beds) > 6), || {
            units.iter().all(|u| {
                n(u.funded_beds) <= 6
                    || rate_ge(n(u.shifts_with_coordinator), n(u.shifts_total), 1, 1)
            })
        }),
        m(units
            .iter()
            .all(|u| n(u.funded_beds) <= 12 * n(u.daytime_consultants))),
        v(units.iter().any(|u| b(u.training_unit)), || {
            units.iter().all(|u| {
                !b(u.training_unit)
                    || (n(u.funded_beds) <= 8 * n(u.resident_doctors_day)
                        && n(u.funded_beds) <= 8 * n(u.resident_doctors_night))
            })
        }),
        m(units
            .iter()
            .all(|u| n(u.funded_beds) <= 8 * n(u.daytime_consultants))),
        m(units
            .iter()
            .all(|u| b(u.cmp_participant) && n(u.cmp_months_validated) >= 6)),
        m(units.iter().all(|u| {
            n(u.discharges_to_ward) <= 0
                || rate_le(
                    n(u.discharges_out_of_hours),
                    n(u.discharges_to_ward),
                    5,
                    100,
                )
        })),
        m(units.iter().all(|u| n(u.mm_meetings) >= 12)),
        v(n(sg.episodes) > 0, || {
            rate_ge(n(sg.episodes_escalated), n(sg.episodes), 1, 1)
        }),
        v(n(sg.episodes_below_floor) > 0, || {
            rate_ge(
                n(sg.episodes_below_floor_after_mutual_aid),
                n(sg.episodes_below_floor),
                1,
                1,
            )
        }),
        v(n(tr.nonclinical_out) > 0, || {
            rate_ge(n(tr.nonclinical_reviewed), n(tr.nonclinical_out), 1, 1)
        }),
        m(n(tr.nonclinical_out) == 0 || n(tr.nonclinical_out) < n(tr.nonclinical_out_previous)),
        v(admissions > 0, || {
            rate_ge(
                sum(|u| u.admissions_ethnicity_recorded),
                admissions,
                95,
                100,
            )
        }),
        v(admissions > 0, || {
            rate_ge(sum(|u| u.admissions_postcode_recorded), admissions, 95, 100)
        }),
        m(d(nw.repatriation.policy_approved_on).within(36, today)
            && b(nw.repatriation.delays_monitored)),
        m(b(nw.host.agreement_signed) && d(nw.host.agreement_expires) >= today),
        m(b(nw.dashboard.gatekeeper_registered) && b(nw.dashboard.service_leads_named)),
        m(d(nw.annual_report.published_on).within(12, today)),
        v(n(nw.dashboard.quarters_due) > 0, || {
            rate_ge(
                n(nw.dashboard.quarters_submitted),
                n(nw.dashboard.quarters_due),
                1,
                1,
            )
        }),
        m(n(nw.clinical_governance.meetings_last_12_months) >= 4
            && b(nw.clinical_governance.mm_standing_item)),
        m(n(nw.board.tor_signatories) >= n(nw.board.member_organisations)),
        m(n(nw.ppv.board_members) >= 1),
        m(n(nw.ppv.activities_last_12_months) >= 2),
        m(b(nw.surge_plan.aligned_to_national_sop)
            && d(nw.surge_plan.reviewed_on).within(12, today)),
        m(n(nw.membership.member_providers) >= n(nw.membership.providers_in_scope)),
        m(d(nw.workplan.approved_on).within(12, today)
            && n(nw.workplan.icbs_signed_off) >= n(nw.workplan.icbs_served)
            && n(nw.workplan.regions_signed_off) >= n(nw.workplan.regions_served)),
        m(d(nw.inequalities.analysis_completed_on).within(12, today)
            && b(nw.inequalities.by_deprivation)
            && b(nw.inequalities.by_ethnicity)),
    ]
}
