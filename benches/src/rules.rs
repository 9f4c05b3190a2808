//! The 34 requirements of `specs/adult_critical_care.netspec` (24 of its own
//! and the 10 shared network governance duties it `use`s), written for each
//! peer engine the way a team would write them there.
//!
//! Every rule yields one verdict: `"met"`, `"not_met"` or
//! `"not_applicable"` (the `applies when` condition, where the requirement
//! has one, decides the last). `a implies b` is written `not a or b`;
//! `x within N months` is `end - N months <= x <= end`, `end` the header's `period.end`
//! (ISO dates compare as text in JSON Logic, whose dates are strings).

/// One requirement in every peer's language.
#[derive(Debug, Clone, Copy)]
pub struct PeerRule {
    /// Requirement id, as in the netspec report.
    pub id: &'static str,
    /// JSON Logic (datalogic-rs).
    pub datalogic: &'static str,
    /// ZEN expression language (zen-expression).
    pub zen: &'static str,
}

// JSON Logic building blocks, spelled out in each rule so each rule reads
// as one JSON document (what a team would store).
//
// sum(u.f for u in units): {"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.f"}]},0]}
// header.period.end - 12 months: {"cat":[{"-":[{"substr":[{"var":"header.period.end"},0,4]},1]},{"substr":[{"var":"header.period.end"},4]}]}

/// The rules, in report order.
pub const RULES: [PeerRule; 34] = [
    PeerRule {
        id: "ACC-SD-01",
        datalogic: r#"{"if":[
            {">":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]},0]},
            {"if":[{">=":[{"/":[
                {"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions_within_4h"}]},0]},
                {"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]}]},0.9]},
              "met","not_met"]},
            "not_applicable"]}"#,
        zen: "sum(map(units, #.admissions)) > 0 ? (sum(map(units, #.admissions_within_4h)) / sum(map(units, #.admissions)) >= 0.9 ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "ACC-SD-02",
        datalogic: r#"{"if":[{">":[{"var":"surge.shifts"},0]},
            {"if":[{">=":[{"/":[{"var":"surge.shifts_within_floor"},{"var":"surge.shifts"}]},1]},"met","not_met"]},
            "not_applicable"]}"#,
        zen: "surge.shifts > 0 ? (surge.shifts_within_floor / surge.shifts >= 1 ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "ACC-SD-03",
        datalogic: r#"{"if":[{"all":[{"var":"units"},
            {"or":[{"!":{">":[{"var":"admissions"},0]}},{">=":[{"/":[{"var":"admissions_level_recorded"},{"var":"admissions"}]},1]}]}]},
            "met","not_met"]}"#,
        zen: "all(units, not (#.admissions > 0) or #.admissions_level_recorded / #.admissions >= 1) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-SD-04",
        datalogic: r#"{"if":[{"and":[
            {">=":[{"var":"surge.plan_reviewed_on"},{"cat":[{"-":[{"substr":[{"var":"header.period.end"},0,4]},1]},{"substr":[{"var":"header.period.end"},4]}]}]},
            {"<=":[{"var":"surge.plan_reviewed_on"},{"var":"header.period.end"}]},
            {"<=":[{"var":"surge.plan_patients_per_nurse_at_double"},2]},
            {"<=":[{"var":"surge.plan_patients_per_senior_at_double"},15]}]},
            "met","not_met"]}"#,
        zen: "d(surge.plan_reviewed_on) >= d(header.period.end).sub(1, 'y') and d(surge.plan_reviewed_on) <= d(header.period.end) and surge.plan_patients_per_nurse_at_double <= 2 and surge.plan_patients_per_senior_at_double <= 15 ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-RE-01",
        datalogic: r#"{"if":[{"all":[{"var":"units"},{"<=":[{"/":[{"var":"occupied_bed_days"},{"var":"available_bed_days"}]},0.8]}]},"met","not_met"]}"#,
        zen: "all(units, #.occupied_bed_days / #.available_bed_days <= 0.8) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-RE-02",
        datalogic: r#"{"if":[{"and":[
            {">=":[{"/":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.occupied_bed_days"}]},0]},
                        {"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.available_bed_days"}]},0]}]},0.7]},
            {"<=":[{"/":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.occupied_bed_days"}]},0]},
                        {"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.available_bed_days"}]},0]}]},0.8]}]},
            "met","not_met"]}"#,
        zen: "sum(map(units, #.occupied_bed_days)) / sum(map(units, #.available_bed_days)) >= 0.7 and sum(map(units, #.occupied_bed_days)) / sum(map(units, #.available_bed_days)) <= 0.8 ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-WF-01",
        datalogic: r#"{"if":[{"some":[{"var":"units"},{"in":[{"var":"unit_type"},["combined","intensive_care"]]}]},
            {"if":[{"all":[{"var":"units"},{"or":[
                {"!":{"and":[{"in":[{"var":"unit_type"},["combined","intensive_care"]]},{">":[{"var":"l3_patient_shifts"},0]}]}},
                {">=":[{"/":[{"var":"l3_shifts_at_1to1"},{"var":"l3_patient_shifts"}]},0.95]}]}]},
              "met","not_met"]},
            "not_applicable"]}"#,
        zen: "some(units, #.unit_type in ['combined', 'intensive_care']) ? (all(units, not (#.unit_type in ['combined', 'intensive_care'] and #.l3_patient_shifts > 0) or #.l3_shifts_at_1to1 / #.l3_patient_shifts >= 0.95) ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "ACC-WF-02",
        datalogic: r#"{"if":[{"all":[{"var":"units"},{"or":[{"!":{">":[{"var":"l2_patient_shifts"},0]}},
            {">=":[{"/":[{"var":"l2_shifts_within_1to2"},{"var":"l2_patient_shifts"}]},0.95]}]}]},"met","not_met"]}"#,
        zen: "all(units, not (#.l2_patient_shifts > 0) or #.l2_shifts_within_1to2 / #.l2_patient_shifts >= 0.95) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-WF-03",
        datalogic: r#"{"if":[{"some":[{"var":"units"},{">":[{"var":"funded_beds"},6]}]},
            {"if":[{"all":[{"var":"units"},{"or":[{"!":{">":[{"var":"funded_beds"},6]}},
                {">=":[{"/":[{"var":"shifts_with_coordinator"},{"var":"shifts_total"}]},1]}]}]},"met","not_met"]},
            "not_applicable"]}"#,
        zen: "some(units, #.funded_beds > 6) ? (all(units, not (#.funded_beds > 6) or #.shifts_with_coordinator / #.shifts_total >= 1) ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "ACC-WF-04",
        datalogic: r#"{"if":[{"all":[{"var":"units"},{"<=":[{"var":"funded_beds"},{"*":[12,{"var":"daytime_consultants"}]}]}]},"met","not_met"]}"#,
        zen: "all(units, #.funded_beds <= 12 * #.daytime_consultants) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-WF-05",
        datalogic: r#"{"if":[{"some":[{"var":"units"},{"var":"training_unit"}]},
            {"if":[{"all":[{"var":"units"},{"or":[{"!":{"var":"training_unit"}},{"and":[
                {"<=":[{"var":"funded_beds"},{"*":[8,{"var":"resident_doctors_day"}]}]},
                {"<=":[{"var":"funded_beds"},{"*":[8,{"var":"resident_doctors_night"}]}]}]}]}]},"met","not_met"]},
            "not_applicable"]}"#,
        zen: "some(units, #.training_unit) ? (all(units, not #.training_unit or (#.funded_beds <= 8 * #.resident_doctors_day and #.funded_beds <= 8 * #.resident_doctors_night)) ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "ACC-WF-06",
        datalogic: r#"{"if":[{"all":[{"var":"units"},{"<=":[{"var":"funded_beds"},{"*":[8,{"var":"daytime_consultants"}]}]}]},"met","not_met"]}"#,
        zen: "all(units, #.funded_beds <= 8 * #.daytime_consultants) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-QU-01",
        datalogic: r#"{"if":[{"all":[{"var":"units"},{"and":[{"var":"cmp_participant"},{">=":[{"var":"cmp_months_validated"},6]}]}]},"met","not_met"]}"#,
        zen: "all(units, #.cmp_participant and #.cmp_months_validated >= 6) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-QU-02",
        datalogic: r#"{"if":[{"all":[{"var":"units"},{"or":[{"!":{">":[{"var":"discharges_to_ward"},0]}},
            {"<=":[{"/":[{"var":"discharges_out_of_hours"},{"var":"discharges_to_ward"}]},0.05]}]}]},"met","not_met"]}"#,
        zen: "all(units, not (#.discharges_to_ward > 0) or #.discharges_out_of_hours / #.discharges_to_ward <= 0.05) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-QU-03",
        datalogic: r#"{"if":[{"all":[{"var":"units"},{">=":[{"var":"mm_meetings"},12]}]},"met","not_met"]}"#,
        zen: "all(units, #.mm_meetings >= 12) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-CO-01",
        datalogic: r#"{"if":[{">":[{"var":"surge.episodes"},0]},
            {"if":[{">=":[{"/":[{"var":"surge.episodes_escalated"},{"var":"surge.episodes"}]},1]},"met","not_met"]},
            "not_applicable"]}"#,
        zen: "surge.episodes > 0 ? (surge.episodes_escalated / surge.episodes >= 1 ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "ACC-CO-02",
        datalogic: r#"{"if":[{">":[{"var":"surge.episodes_below_floor"},0]},
            {"if":[{">=":[{"/":[{"var":"surge.episodes_below_floor_after_mutual_aid"},{"var":"surge.episodes_below_floor"}]},1]},"met","not_met"]},
            "not_applicable"]}"#,
        zen: "surge.episodes_below_floor > 0 ? (surge.episodes_below_floor_after_mutual_aid / surge.episodes_below_floor >= 1 ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "ACC-TR-01",
        datalogic: r#"{"if":[{">":[{"var":"transfers.nonclinical_out"},0]},
            {"if":[{">=":[{"/":[{"var":"transfers.nonclinical_reviewed"},{"var":"transfers.nonclinical_out"}]},1]},"met","not_met"]},
            "not_applicable"]}"#,
        zen: "transfers.nonclinical_out > 0 ? (transfers.nonclinical_reviewed / transfers.nonclinical_out >= 1 ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "ACC-TR-02",
        datalogic: r#"{"if":[{"or":[{"==":[{"var":"transfers.nonclinical_out"},0]},
            {"<":[{"var":"transfers.nonclinical_out"},{"var":"transfers.nonclinical_out_previous"}]}]},"met","not_met"]}"#,
        zen: "transfers.nonclinical_out == 0 or transfers.nonclinical_out < transfers.nonclinical_out_previous ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "ACC-PH-01",
        datalogic: r#"{"if":[
            {">":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]},0]},
            {"if":[{">=":[{"/":[
                {"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions_ethnicity_recorded"}]},0]},
                {"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]}]},0.95]},
              "met","not_met"]},
            "not_applicable"]}"#,
        zen: "sum(map(units, #.admissions)) > 0 ? (sum(map(units, #.admissions_ethnicity_recorded)) / sum(map(units, #.admissions)) >= 0.95 ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "ACC-PH-02",
        datalogic: r#"{"if":[
            {">":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]},0]},
            {"if":[{">=":[{"/":[
                {"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions_postcode_recorded"}]},0]},
                {"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]}]},0.95]},
              "met","not_met"]},
            "not_applicable"]}"#,
        zen: "sum(map(units, #.admissions)) > 0 ? (sum(map(units, #.admissions_postcode_recorded)) / sum(map(units, #.admissions)) >= 0.95 ? 'met' : 'not_met') : 'not_applicable'",
    },
    // the shared network governance duties
    PeerRule {
        id: "GOV-SD-01",
        datalogic: r#"{"if":[{"and":[
            {">=":[{"var":"network.repatriation.policy_approved_on"},{"cat":[{"-":[{"substr":[{"var":"header.period.end"},0,4]},3]},{"substr":[{"var":"header.period.end"},4]}]}]},
            {"<=":[{"var":"network.repatriation.policy_approved_on"},{"var":"header.period.end"}]},
            {"var":"network.repatriation.delays_monitored"}]},"met","not_met"]}"#,
        zen: "d(network.repatriation.policy_approved_on) >= d(header.period.end).sub(3, 'y') and d(network.repatriation.policy_approved_on) <= d(header.period.end) and network.repatriation.delays_monitored ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-RE-01",
        datalogic: r#"{"if":[{"and":[{"var":"network.host.agreement_signed"},
            {">=":[{"var":"network.host.agreement_expires"},{"var":"header.period.end"}]}]},"met","not_met"]}"#,
        zen: "network.host.agreement_signed and d(network.host.agreement_expires) >= d(header.period.end) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-WF-01",
        datalogic: r#"{"if":[{"and":[{"var":"network.dashboard.gatekeeper_registered"},{"var":"network.dashboard.service_leads_named"}]},"met","not_met"]}"#,
        zen: "network.dashboard.gatekeeper_registered and network.dashboard.service_leads_named ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-QU-01",
        datalogic: r#"{"if":[{"and":[
            {">=":[{"var":"network.annual_report.published_on"},{"cat":[{"-":[{"substr":[{"var":"header.period.end"},0,4]},1]},{"substr":[{"var":"header.period.end"},4]}]}]},
            {"<=":[{"var":"network.annual_report.published_on"},{"var":"header.period.end"}]}]},"met","not_met"]}"#,
        zen: "d(network.annual_report.published_on) >= d(header.period.end).sub(1, 'y') and d(network.annual_report.published_on) <= d(header.period.end) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-QU-02",
        datalogic: r#"{"if":[{">":[{"var":"network.dashboard.quarters_due"},0]},
            {"if":[{">=":[{"/":[{"var":"network.dashboard.quarters_submitted"},{"var":"network.dashboard.quarters_due"}]},1]},"met","not_met"]},
            "not_applicable"]}"#,
        zen: "network.dashboard.quarters_due > 0 ? (network.dashboard.quarters_submitted / network.dashboard.quarters_due >= 1 ? 'met' : 'not_met') : 'not_applicable'",
    },
    PeerRule {
        id: "GOV-QU-03",
        datalogic: r#"{"if":[{"and":[{">=":[{"var":"network.clinical_governance.meetings_last_12_months"},4]},
            {"var":"network.clinical_governance.mm_standing_item"}]},"met","not_met"]}"#,
        zen: "network.clinical_governance.meetings_last_12_months >= 4 and network.clinical_governance.mm_standing_item ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-CO-01",
        datalogic: r#"{"if":[{">=":[{"var":"network.board.tor_signatories"},{"var":"network.board.member_organisations"}]},"met","not_met"]}"#,
        zen: "network.board.tor_signatories >= network.board.member_organisations ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-CO-02",
        datalogic: r#"{"if":[{">=":[{"var":"network.ppv.board_members"},1]},"met","not_met"]}"#,
        zen: "network.ppv.board_members >= 1 ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-CO-03",
        datalogic: r#"{"if":[{">=":[{"var":"network.ppv.activities_last_12_months"},2]},"met","not_met"]}"#,
        zen: "network.ppv.activities_last_12_months >= 2 ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-CO-04",
        datalogic: r#"{"if":[{"and":[{"var":"network.surge_plan.aligned_to_national_sop"},
            {">=":[{"var":"network.surge_plan.reviewed_on"},{"cat":[{"-":[{"substr":[{"var":"header.period.end"},0,4]},1]},{"substr":[{"var":"header.period.end"},4]}]}]},
            {"<=":[{"var":"network.surge_plan.reviewed_on"},{"var":"header.period.end"}]}]},"met","not_met"]}"#,
        zen: "network.surge_plan.aligned_to_national_sop and d(network.surge_plan.reviewed_on) >= d(header.period.end).sub(1, 'y') and d(network.surge_plan.reviewed_on) <= d(header.period.end) ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-CO-05",
        datalogic: r#"{"if":[{">=":[{"var":"network.membership.member_providers"},{"var":"network.membership.providers_in_scope"}]},"met","not_met"]}"#,
        zen: "network.membership.member_providers >= network.membership.providers_in_scope ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-TR-01",
        datalogic: r#"{"if":[{"and":[
            {">=":[{"var":"network.workplan.approved_on"},{"cat":[{"-":[{"substr":[{"var":"header.period.end"},0,4]},1]},{"substr":[{"var":"header.period.end"},4]}]}]},
            {"<=":[{"var":"network.workplan.approved_on"},{"var":"header.period.end"}]},
            {">=":[{"var":"network.workplan.icbs_signed_off"},{"var":"network.workplan.icbs_served"}]},
            {">=":[{"var":"network.workplan.regions_signed_off"},{"var":"network.workplan.regions_served"}]}]},"met","not_met"]}"#,
        zen: "d(network.workplan.approved_on) >= d(header.period.end).sub(1, 'y') and d(network.workplan.approved_on) <= d(header.period.end) and network.workplan.icbs_signed_off >= network.workplan.icbs_served and network.workplan.regions_signed_off >= network.workplan.regions_served ? 'met' : 'not_met'",
    },
    PeerRule {
        id: "GOV-PH-01",
        datalogic: r#"{"if":[{"and":[
            {">=":[{"var":"network.inequalities.analysis_completed_on"},{"cat":[{"-":[{"substr":[{"var":"header.period.end"},0,4]},1]},{"substr":[{"var":"header.period.end"},4]}]}]},
            {"<=":[{"var":"network.inequalities.analysis_completed_on"},{"var":"header.period.end"}]},
            {"var":"network.inequalities.by_deprivation"},
            {"var":"network.inequalities.by_ethnicity"}]},"met","not_met"]}"#,
        zen: "d(network.inequalities.analysis_completed_on) >= d(header.period.end).sub(1, 'y') and d(network.inequalities.analysis_completed_on) <= d(header.period.end) and network.inequalities.by_deprivation and network.inequalities.by_ethnicity ? 'met' : 'not_met'",
    },
];
