//! `netspec new NAME`: a new spec to start from, with all seven areas, a
//! requirement in each, tests, a blank submission and a filled-in example,
//! which `netspec check` and `netspec test` pass as written.

use std::path::Path;

use netspec::{CompileOptions, Respondent, Sources, Spec};

/// The assessment period of the example and the blank submission.
const PERIOD: (&str, &str) = ("2024-04-01", "2025-03-31");

/// Writes the new spec into `dir/NAME/`; exit code 0, 1 when the result
/// does not compile (never expected), 2 for a bad name or a folder that
/// exists or cannot be written.
pub fn new_spec(name: &str, dir: &Path) -> u8 {
    let valid = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        // a reserved word (`true`, `within`, …) is not an id: the grammar
        // itself says so
        && netspec::format("id.netspec", &format!("spec {name} \"id\" {{ version \"1\" }}\n")).is_ok();
    if !valid {
        eprintln!(
            "error: `{}` cannot name a spec: use letters, digits and `_`, starting with a letter (at most 64), not a reserved word",
            netspec::render::escape_controls(name)
        );
        return 2;
    }
    let folder = dir.join(name);
    if folder.exists() {
        eprintln!(
            "error: `{}` exists already; choose another name or folder",
            netspec::render::escape_controls(&folder.display().to_string())
        );
        return 2;
    }
    let spec_name = format!("{name}.netspec");
    let text = match netspec::format(&spec_name, &skeleton(name)) {
        Ok(t) => t,
        Err(e) => {
            eprint!(
                "{}",
                netspec::render::compile_error(&e, netspec::render::Style::Plain)
            );
            return 1;
        }
    };
    // the blank submission comes from the spec itself
    let mut sources = Sources::new();
    sources.insert(spec_name.clone(), text.clone());
    let spec = match Spec::compile_with_options(
        &spec_name,
        &sources,
        &CompileOptions::default().with_tests(false),
    ) {
        Ok(s) => s,
        Err(e) => {
            eprint!(
                "{}",
                netspec::render::compile_error(&e, netspec::render::Style::Plain)
            );
            return 1;
        }
    };
    let blank = spec.blank_submission(Respondent::Provider, PERIOD, 1);
    let files = [
        (folder.join(&spec_name), text),
        (folder.join("examples").join("blank.json"), blank),
        (folder.join("examples").join("example.json"), example()),
    ];
    for (path, content) in &files {
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(path, content));
        if let Err(e) = written {
            eprintln!(
                "error: cannot write `{}`: {e}",
                netspec::render::escape_controls(&path.display().to_string())
            );
            return 2;
        }
        say(&format!("created {}", path.display()));
    }
    let spec_path = folder.join(&spec_name);
    say(&format!(
        "next: netspec check {0} && netspec test {0}",
        spec_path.display()
    ));
    0
}

/// One line on standard output, control characters escaped; a closed pipe
/// is not an error here (the files are written).
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stdout(),
        "{}",
        netspec::render::escape_terminal(line)
    );
}

/// The requirement id prefix: the initials of a name in parts
/// (`adult_critical_care` → `ACC`), else its first three letters.
fn prefix(name: &str) -> String {
    let parts: Vec<&str> = name.split('_').filter(|p| !p.is_empty()).collect();
    let p: String = if parts.len() >= 2 {
        parts
            .iter()
            .filter_map(|p| p.chars().next())
            .take(4)
            .collect()
    } else {
        name.chars().take(3).collect()
    };
    p.to_ascii_uppercase()
}

/// The spec's text (formatted before it is written).
fn skeleton(name: &str) -> String {
    let p = prefix(name);
    let title = name.replace('_', " ");
    format!(
        r#"// A new netspec spec: replace each question, threshold, `ref` and `help`
// with the network specification's own. Every requirement states its
// `basis` (standard, derived or estimate) and its `ref` (specs/README.md).
// grammar/README.md is the language reference.

spec {name} "{title} network" {{
  version "0.1"
  source "The service specification this spec follows: its name, number and date"
}}

inputs "Service" {{
  referrals: int min 1 "How many patients were referred to the service in the assessment period?"
    unit "patients"
    period assessment
  seen_within_target: int min 0 max referrals "Of those patients, how many were seen within the target time?"
    unit "patients"
    label "Patients seen within the target time"
  units: list min 1 "Units run by this provider" item "unit" {{
    name: text "Unit name"
    beds: int min 0 "How many beds is the unit funded for?" unit "beds"
  }}
  named_clinical_lead: bool "Does the service have a named clinical lead?"
  audit_last_reported: date "When did the service last report to the national audit?"
  network_meetings_attended: int min 0 "How many network meetings did the service attend in the assessment period?"
    unit "meetings"
    period assessment
  improvement_plan_review_due: date "When is the service's improvement plan next due for review?"
  inequalities_analysis_done: bool "Has the service analysed access and outcomes by deprivation and ethnicity?"
}}

area service_delivery {{
  requirement {p}-SD-01 should "Patients are seen within the target time" {{
    seen_within_target / referrals >= 90%
    basis estimate
    ref "Replace with the standard: document, section, date"
    help "Counted over the assessment period. The 90% level is a placeholder estimate."
  }}
}}

area resources {{
  requirement {p}-RE-01 should "Every unit is funded for at least 4 beds" {{
    all u in units: u.beds >= 4
    basis estimate
    ref "Replace with the standard: document, section, date"
  }}
}}

area workforce {{
  requirement {p}-WF-01 must "The service has a named clinical lead" {{
    named_clinical_lead
    basis standard
    ref "Replace with the standard: document, section, date"
  }}
}}

area quality {{
  requirement {p}-QU-01 should "The service reported to the national audit in the last 12 months" {{
    audit_last_reported within 12 months
    basis standard
    ref "Replace with the standard: document, section, date"
  }}
}}

area collaboration {{
  requirement {p}-CO-01 should "The service attends at least 3 network meetings a year" {{
    network_meetings_attended >= 3
    basis estimate
    ref "Replace with the standard: document, section, date"
  }}
}}

area transformation {{
  requirement {p}-TR-01 may "The improvement plan is due for review within the next 12 months" {{
    improvement_plan_review_due within next 12 months
    basis estimate
    ref "Replace with the standard: document, section, date"
  }}
}}

area population_health {{
  requirement {p}-PH-01 should "The service has analysed inequalities in access and outcomes" {{
    inequalities_analysis_done
    basis standard
    ref "Replace with the standard: document, section, date"
  }}
}}

test "the example: every requirement met" {{
  given file "examples/example.json"
  expect {p}-SD-01 met
  expect {p}-RE-01 met
  expect {p}-WF-01 met
  expect {p}-QU-01 met
  expect {p}-CO-01 met
  expect {p}-TR-01 met
  expect {p}-PH-01 met
  expect overall green
}}

test "the blank submission: every requirement incomplete" {{
  given file "examples/blank.json"
  expect {p}-SD-01 incomplete
  expect {p}-RE-01 incomplete
  expect {p}-WF-01 incomplete
  expect {p}-QU-01 incomplete
  expect {p}-CO-01 incomplete
  expect {p}-TR-01 incomplete
  expect {p}-PH-01 incomplete
  expect overall incomplete
}}

test "89 of 100 seen within the target time is not met" {{
  given {{ "referrals": 100, "seen_within_target": 89 }}
  assessed_on 2025-03-31
  expect {p}-SD-01 not_met
  expect area service_delivery amber
}}

test "an audit report 13 months old is not met; a review due in 12 months is met" {{
  given {{ "audit_last_reported": "2024-02-29", "improvement_plan_review_due": "2026-03-31" }}
  assessed_on 2025-03-31
  expect {p}-QU-01 not_met
  expect {p}-TR-01 met
}}
"#
    )
}

/// A submission that meets every requirement of the skeleton.
fn example() -> String {
    format!(
        r#"{{
  "header": {{
    "respondent": "provider",
    "organisation": {{"ods_code": "XXX", "name": "Example Hospitals NHS Trust"}},
    "period": {{"start": "{}", "end": "{}"}},
    "completed_by": "A. Example, service lead",
    "signed_off": null
  }},
  "referrals": 120,
  "seen_within_target": 110,
  "units": [
    {{"name": "Example unit", "beds": 6}}
  ],
  "named_clinical_lead": true,
  "audit_last_reported": "2024-11-15",
  "network_meetings_attended": 4,
  "improvement_plan_review_due": "2025-09-30",
  "inequalities_analysis_done": true
}}
"#,
        PERIOD.0, PERIOD.1
    )
}
