//! The report for people and for programs: header, respondent, compliance,
//! basis, help and required evidence (issue 12), in the text report and in
//! the JSON report (serde and the fast writer alike).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use netspec::render::{self, Style};
use netspec_core::report::Counts;
use netspec_core::{EvalOptions, Outcome, Sources, Spec};

const SPEC: &str = r#"spec demo "Demo network" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  nurses: int min 0 "Registered nurses on a day shift"
  paediatric: bool "Does the unit treat children?"
  play_specialists: int min 0 "Play specialists"
}
inputs "Network governance" respondent network {
  network.workplan_signed: bool "Has every ICB signed the workplan?"
}
area workforce {
  requirement WF-01 must "One nurse per bed" {
    nurses >= beds
    basis standard
    ref "Demo standard 1"
    help "Count registered nurses on the day shift only."
  }
  requirement WF-02 should "Play specialists for children" {
    applies when paediatric
    play_specialists >= 1
    basis estimate
  }
  requirement WF-03 should "Staffing plan" {
    beds >= 0
    basis derived
    evidence plan "The staffing plan signed by the board" required
  }
}
area collaboration {
  requirement CO-01 must "Workplan signed" {
    respondent network
    network.workplan_signed
  }
}
"#;

const HEADER: &str = r#""header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "Jo Bloggs, matron", "signed_off": {"by": "Dr A Smith, medical director", "on": "2025-07-10"}}"#;

fn spec() -> Spec {
    Spec::compile("demo.netspec", &Sources::single("demo.netspec", SPEC))
        .unwrap_or_else(|e| panic!("{}", render::compile_error(&e, Style::Plain)))
}

fn submission() -> String {
    format!(r#"{{{HEADER}, "beds": 10, "nurses": 8, "paediatric": false}}"#)
}

#[test]
fn text_report_says_who_answered_compliance_basis_help_and_what_is_missing() {
    let spec = spec();
    let report = spec
        .evaluate_str(&submission(), &EvalOptions::default())
        .unwrap();
    let text = render::report_text(&report, Style::Plain);
    for line in [
        "Testvale Hospitals NHS Trust (RXX), provider submission",
        "period 2024-07-01 to 2025-06-30",
        "completed by Jo Bloggs, matron",
        "signed off by Dr A Smith, medical director on 2025-07-10",
        "assessed on 2025-06-30",
        "overall: RED  compliance 0.0% (0 of 1 met; 1 incomplete)",
        "Workforce: RED  compliance 0.0% (0 of 1 met; 1 incomplete)",
        "NOT MET       WF-01 (must · from a standard) One nurse per bed",
        "help: Count registered nurses on the day shift only.",
        "ref: Demo standard 1",
        "Registered nurses on a day shift: 8; needs at least 10 (Funded beds)",
        "to pass: 2 more registered nurses on a day shift",
        "n/a           WF-02 (should · estimated threshold) Play specialists for children",
        "Not applicable: Paediatric: no",
        "incomplete    WF-03 (should · derived from a standard) Staffing plan",
        "needs the required evidence: The staffing plan signed by the board (/evidence/WF-03/plan)",
    ] {
        assert!(text.contains(line), "no {line:?} in\n{text}");
    }
    // the network's duty is not in a provider's report
    assert!(!text.contains("CO-01"), "{text}");
    assert!(!text.contains("as expected"), "{text}");
}

#[test]
fn json_report_has_header_respondent_compliance_and_requirement_fields() {
    let spec = spec();
    let report = spec
        .evaluate_str(&submission(), &EvalOptions::default())
        .unwrap();
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["respondent"], "provider");
    assert_eq!(v["header"]["organisation"]["ods_code"], "RXX");
    assert_eq!(v["header"]["signed_off"]["on"], "2025-07-10");
    assert_eq!(v["overall"]["compliance"], 0.0);
    let ids: Vec<&str> = report.requirements.iter().map(|r| &*r.id).collect();
    assert_eq!(ids, ["WF-01", "WF-02", "WF-03"]);
    let wf01 = &v["requirements"][0];
    assert_eq!(wf01["basis"], "standard");
    assert_eq!(wf01["respondent"], "provider");
    assert_eq!(
        wf01["help"],
        "Count registered nurses on the day shift only."
    );
    let wf03 = &v["requirements"][2];
    assert_eq!(wf03["outcome"], "incomplete");
    assert_eq!(wf03["evidence"]["declared"][0]["required"], true);
    assert_eq!(wf03["missing"][0]["path"], "/evidence/WF-03/plan");
    // with the evidence given, WF-03 is met
    let given = submission().replace(
        r#""paediatric": false"#,
        r#""paediatric": false, "evidence": {"WF-03": {"plan": "plan.pdf"}}"#,
    );
    let report = spec.evaluate_str(&given, &EvalOptions::default()).unwrap();
    assert_eq!(report.requirements[2].outcome, Outcome::Met);
    assert_eq!(report.overall.compliance, Some(50.0));
    // the fast writer agrees with serde, and the owned copy is the same report
    let mut fast = Vec::new();
    spec.write_report_json(&report, &mut fast);
    let sorted =
        |r: &netspec::Report<'_>| serde_json::to_vec(&serde_json::to_value(r).unwrap()).unwrap();
    assert_eq!(fast, sorted(&report));
    let owned = report.clone().into_owned();
    assert_eq!(sorted(&owned), fast);
    // the outcomes alone agree with the report
    let sub = spec.ingest_str(&given).unwrap();
    let outcomes = spec.outcomes(&sub, &EvalOptions::default()).unwrap();
    let listed: Vec<Outcome> = report.requirements.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, listed);
    let sub = spec.ingest_str(&submission()).unwrap();
    assert_eq!(
        spec.outcomes(&sub, &EvalOptions::default()).unwrap(),
        [Outcome::NotMet, Outcome::NotApplicable, Outcome::Incomplete]
    );
}

#[test]
fn network_report_lists_network_duties_only() {
    let spec = spec();
    let text = r#"{"header": {"respondent": "network", "organisation": {"ods_code": "RXY", "name": "Host Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "B"}, "network": {"workplan_signed": true}, "beds": 3}"#;
    let report = spec.evaluate_str(text, &EvalOptions::default()).unwrap();
    let ids: Vec<&str> = report.requirements.iter().map(|r| &*r.id).collect();
    assert_eq!(ids, ["CO-01"]);
    assert_eq!(report.requirements[0].outcome, Outcome::Met);
    assert_eq!(report.overall.compliance, Some(100.0));
    // the provider's answer in a network submission is ignored, with a warning
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].code.as_str(), "NS0215");
    assert_eq!(report.warnings[0].path.as_deref(), Some("/beds"));
    let t = render::report_text(&report, Style::Plain);
    assert!(t.contains("Host Trust (RXY), network submission"), "{t}");
    assert!(t.contains("not signed off"), "{t}");
    assert!(t.contains("CO-01 (must · basis not stated)"), "{t}");
}

#[test]
fn compliance_rounds_half_away_from_zero_from_the_exact_ratio() {
    let c = |met, not_met| Counts {
        met,
        not_met,
        not_applicable: 5,
        incomplete: 3,
    };
    assert_eq!(c(0, 0).compliance(), None);
    assert_eq!(c(7, 27).compliance(), Some(20.59));
    assert_eq!(c(1, 31).compliance(), Some(3.13)); // 3.125
    assert_eq!(c(1, 7).compliance(), Some(12.5));
    assert_eq!(c(2, 1).compliance(), Some(66.67));
    assert_eq!(c(1, 2).compliance(), Some(33.33));
    assert_eq!(c(3, 0).compliance(), Some(100.0));
    assert_eq!(c(0, 3).compliance(), Some(0.0));
    assert_eq!(c(u32::MAX, 1).compliance(), Some(100.0));
    assert_eq!(
        serde_json::to_string(&c(7, 27).compliance()).unwrap(),
        "20.59"
    );
}
