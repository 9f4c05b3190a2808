//! `netspec::diff` on committed versions of bundled specs (`tests/diff/`,
//! one folder per commit): each change listed is one the commit made, read
//! from `git log -p specs/` by hand, and each corrected threshold is exactly
//! one threshold change.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use netspec::{Change, CompileOptions, Sources, Spec, SpecDiff};

fn version(commit: &str, spec: &str) -> Spec {
    let path = format!(
        "{}/tests/diff/{commit}/{spec}.netspec",
        env!("CARGO_MANIFEST_DIR")
    );
    Spec::read(&path, None, None, &CompileOptions::evaluation_only())
        .unwrap_or_else(|e| panic!("{path}: {:?}", e.diagnostics))
}

fn diff(spec: &str, old: &str, new: &str) -> SpecDiff {
    netspec::diff(&version(old, spec), &version(new, spec))
}

fn thresholds(d: &SpecDiff) -> Vec<(String, String, String, String)> {
    d.changes
        .iter()
        .filter_map(|c| match c {
            Change::ThresholdChanged {
                id,
                clause,
                old,
                new,
                ..
            } => Some((id.clone(), clause.clone(), old.clone(), new.clone())),
            _ => None,
        })
        .collect()
}

/// The congenital heart disease revision (53e7760, merged in 9f4938a)
/// moved CHD-WF-03's start date from 1 April 2021 to 1 January 2022 and
/// changed nothing else in that clause: one threshold change, and no other
/// threshold changed anywhere in the revision.
#[test]
fn the_corrected_start_date_of_chd_wf_03_is_one_threshold_change() {
    let d = diff("congenital_heart_disease", "bfbb193", "9f4938a");
    assert_eq!(
        thresholds(&d),
        vec![(
            "CHD-WF-03".to_string(),
            "applies when".to_string(),
            "2021-04-01".to_string(),
            "2022-01-01".to_string()
        )]
    );
    let c = d
        .changes
        .iter()
        .find(|c| matches!(c, Change::ThresholdChanged { .. }))
        .unwrap();
    let Change::ThresholdChanged {
        old_text, new_text, ..
    } = c
    else {
        unreachable!()
    };
    assert_eq!(old_text, "is_level1 and assessment_date >= 2021-04-01");
    assert_eq!(new_text, "is_level1 and assessment_date >= 2022-01-01");
    // other changes the revision made, as its diff shows them
    let has = |want: &Change| d.changes.contains(want);
    assert!(has(&Change::Retitled {
        id: "CHD-WF-03".into(),
        old: "Surgical team of at least 4 consultant congenital cardiac surgeons from 2021".into(),
        new: "Surgical team of at least 4 consultant congenital cardiac surgeons".into(),
    }));
    assert!(has(&Change::LevelChanged {
        id: "CHD-CO-01".into(),
        old: "should".into(),
        new: "may".into(),
    }));
    assert!(has(&Change::LevelChanged {
        id: "GOV-QU-01".into(),
        old: "must".into(),
        new: "should".into(),
    }));
    assert!(has(&Change::BasisChanged {
        id: "CHD-WF-03".into(),
        old: None,
        new: Some("standard".into()),
    }));
    // every requirement of the old version was given a basis
    let old = version("bfbb193", "congenital_heart_disease");
    let new = version("9f4938a", "congenital_heart_disease");
    let kept = old
        .requirement_ids()
        .filter(|id| new.requirement_ids().any(|n| n == *id))
        .count();
    let basis_changes = d
        .changes
        .iter()
        .filter(|c| {
            matches!(
                c,
                Change::BasisChanged {
                    old: None,
                    new: Some(_),
                    ..
                }
            )
        })
        .count();
    assert_eq!(basis_changes, kept);
    assert_eq!(d.old_version.as_deref(), Some("2025.1"));
    assert_eq!(d.new_version.as_deref(), Some("2025.2"));
}

/// 12d8cba asked partner surgeons' MDT attendance as two counts instead of
/// a list of named surgeons: every change, and what it means for an old
/// submission.
#[test]
fn spinal_surgery_surgeons_counted_not_named() {
    let d = diff("spinal_surgery", "0ef53bb", "12d8cba");
    let s = |x: &str| x.to_string();
    assert_eq!(
        d.changes,
        vec![
            Change::RuleChanged {
                id: s("SPN-WF-02"),
                clause: s("applies when"),
                // texts as written in the spec, line breaks kept
                old: Some(s("provider.network_role == partner\n      and regional_mdt.meetings_held > 0\n      and len(surgeons) > 0")),
                new: Some(s("provider.network_role == partner\n      and regional_mdt.meetings_held > 0\n      and surgeons.total > 0")),
            },
            Change::RuleChanged {
                id: s("SPN-WF-02"),
                clause: s("rule"),
                old: Some(s("all s in surgeons: s.mdt_meetings_attended / regional_mdt.meetings_held >= 50%")),
                new: Some(s("surgeons.at_half_of_meetings >= surgeons.total")),
            },
            Change::InputRetyped {
                path: s("/surgeons"),
                old: s("list"),
                new: s("group"),
            },
            Change::QuestionChanged {
                path: s("/surgeons"),
                old: s("Consultant spinal surgeons at this provider"),
                new: s("Surgeons"),
            },
            Change::InputAdded {
                path: s("/surgeons/at_half_of_meetings"),
                ty: s("int"),
                question: s("Of those surgeons, how many attended at least half of the regional MDT meetings the hub held in the period?"),
            },
            Change::InputAdded {
                path: s("/surgeons/total"),
                ty: s("int"),
                question: s("How many consultant spinal surgeons does the provider have?"),
            },
            Change::InputRemoved {
                path: s("/surgeons/*/mdt_meetings_attended"),
                ty: s("int"),
                question: s("How many regional MDT meetings did the surgeon attend?"),
            },
            Change::InputRemoved {
                path: s("/surgeons/*/name"),
                ty: s("text"),
                question: s("Surgeon (name or rota identifier)"),
            },
        ]
    );
    let paths = |list: &[netspec::Answer]| list.iter().map(|a| a.path.clone()).collect::<Vec<_>>();
    assert_eq!(
        paths(&d.no_longer_read),
        ["/surgeons/*/mdt_meetings_attended", "/surgeons/*/name"]
    );
    assert_eq!(
        paths(&d.to_answer),
        [
            "/surgeons",
            "/surgeons/at_half_of_meetings",
            "/surgeons/total"
        ]
    );
}

/// d1b2f5b declared one piece of evidence and changed nothing else.
#[test]
fn neurosurgery_evidence_declared() {
    let d = diff("neurosurgery", "0ef53bb", "d1b2f5b");
    assert_eq!(
        d.changes,
        vec![Change::EvidenceAdded {
            id: "NSG-QU-06".into(),
            key: "nnap_unit_report".into(),
            description: "The NNAP unit report showing where the centre lies on the funnel plot"
                .into(),
            required: false,
        }]
    );
    assert!(d.no_longer_read.is_empty() && d.to_answer.is_empty());
}

/// 790c94f rewrote three ratios with the staff count first: the same
/// numbers, different rules (both texts given); no threshold changed.
#[test]
fn adult_critical_care_ratios_rewritten() {
    let d = diff("adult_critical_care", "9f4938a", "790c94f");
    let ids: Vec<(&str, &str)> = d
        .changes
        .iter()
        .map(|c| match c {
            Change::RuleChanged { id, clause, .. } => (id.as_str(), clause.as_str()),
            other => panic!("unexpected change {other:?}"),
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("ACC-WF-04", "rule"),
            ("ACC-WF-05", "rule"),
            ("ACC-WF-06", "rule")
        ]
    );
    let Some(Change::RuleChanged { old, new, .. }) = d.changes.first() else {
        panic!()
    };
    assert_eq!(
        old.as_deref(),
        Some("all u in units: u.l3_beds + u.l2_beds <= 12 * u.daytime_consultants")
    );
    assert_eq!(
        new.as_deref(),
        Some("all u in units: 12 * u.daytime_consultants >= u.l3_beds + u.l2_beds")
    );
}

/// A spec against itself, and against itself laid out differently with
/// redundant brackets and comments: no change.
#[test]
fn layout_comments_and_brackets_are_no_change() {
    let a = r#"spec demo "Demo" { version "1" }
inputs "Unit" { seen: int min 0 "Seen" total: int min 1 "Patients" }
area quality { requirement Q-01 must "Most are seen" { seen / total >= 80% and total > 10 ref "r" basis standard } }"#;
    let b = r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  seen: int min 0 "Seen" // the count
  total: int min 1 "Patients"
}
area quality {
  requirement Q-01 must "Most are seen" {
    ((seen / total) >= 80%) and (total > 10) // both
    ref "r"
    basis standard
  }
}"#;
    let c = |t: &str| Spec::compile("d.netspec", &Sources::single("d.netspec", t)).unwrap();
    let d = netspec::diff(&c(a), &c(b));
    assert!(d.is_empty(), "{d:?}");
    assert!(d.to_string().contains("no changes"));
    // two thresholds changed, one clause: two threshold changes
    let e = netspec::diff(&c(a), &c(&a.replace("80%", "85%").replace("> 10", "> 12")));
    assert_eq!(
        thresholds(&e),
        vec![
            ("Q-01".into(), "rule".into(), "80%".into(), "85%".into()),
            ("Q-01".into(), "rule".into(), "10".into(), "12".into())
        ]
    );
    // a changed operator is a rule change, not a threshold
    let f = netspec::diff(&c(a), &c(&a.replace(">= 80%", "> 80%")));
    assert!(matches!(f.changes.as_slice(), [Change::RuleChanged { .. }]));
    // the text names both values
    assert!(e
        .to_string()
        .contains("~ requirement Q-01 rule threshold 80% -> 85%"));
    // control characters from a spec are escaped in the text
    let g = netspec::diff(&c(a), &c(&a.replace("Most are seen", "Most \\u{1b}[31m")));
    assert!(g.to_string().contains("\\u{1b}[31m"), "{g}");
    assert!(!g.to_string().contains('\u{1b}'));
}
