//! Snapshot tests of rendered diagnostics: one small spec (or submission)
//! per diagnostic code, so every code's message, location and caret are
//! reviewed by a person and kept stable.
//!
//! Each case marks the text the caret must point at with `⸢` and `⸣` (the
//! marks are removed before compiling); the test checks the diagnostic's
//! span against the marks before comparing the rendering with its snapshot
//! in `tests/snapshots/`. Submission diagnostics have a JSON pointer
//! instead of a span, and the case names it.
//!
//! `every_code_has_a_case` fails when a code is added to
//! [`netspec::Code::ALL`] without a case here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use netspec::render::{self, Style};
use netspec_core::{Code, Diagnostic, EvalOptions, Limits, Severity, Sources, Spec};

const OPEN: char = '⸢';
const CLOSE: char = '⸣';
const ROOT: &str = "spec.netspec";

/// One spec case: the files (the first is the root, `spec.netspec`), the code
/// expected, and which other codes may come with it.
struct SpecCase {
    name: &'static str,
    code: &'static str,
    files: &'static [(&'static str, &'static str)],
    also: &'static [&'static str],
}

/// Removes the marks from a text; returns the text and the marked byte range.
fn unmark(text: &str) -> (String, Option<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let (mut start, mut end) = (None, None);
    for c in text.chars() {
        match c {
            OPEN => start = Some(out.len()),
            CLOSE => end = Some(out.len()),
            _ => out.push(c),
        }
    }
    let range = start.map(|s| (s, end.unwrap_or(s)));
    (out, range)
}

/// Compiles a case within `limits` and returns every diagnostic and their rendering.
fn compile_case_with(
    case: &SpecCase,
    limits: &Limits,
) -> (Vec<Diagnostic>, String, Option<(String, usize, usize)>) {
    let mut sources = Sources::new();
    let mut marked = None;
    for (name, text) in case.files {
        let (text, range) = unmark(text);
        if let Some((s, e)) = range {
            assert!(marked.is_none(), "{}: mark one place only", case.name);
            marked = Some(((*name).to_string(), s, e));
        }
        sources.insert(*name, text);
    }
    match Spec::compile_with(ROOT, &sources, limits) {
        Ok(spec) => {
            // most cases leave `ref` out for brevity: NS0109 is shown only by its own case
            let diags: Vec<Diagnostic> = spec
                .warnings()
                .iter()
                .filter(|d| d.code != Code::MissingRef || case.code == "NS0109")
                .cloned()
                .collect();
            let rendered = render::diagnostics_in(&diags, spec.source_map(), Style::Plain);
            (diags, rendered, marked)
        }
        Err(e) => (
            e.diagnostics.clone(),
            render::compile_error(&e, Style::Plain),
            marked,
        ),
    }
}

fn check_spec_case(case: &SpecCase) {
    check_spec_case_with(case, &Limits::default());
}

fn check_spec_case_with(case: &SpecCase, limits: &Limits) {
    let (diags, rendered, marked) = compile_case_with(case, limits);
    let code =
        Code::parse(case.code).unwrap_or_else(|| panic!("{}: no code {}", case.name, case.code));
    let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == code).collect();
    assert!(
        !found.is_empty(),
        "{}: expected {}, got:\n{rendered}",
        case.name,
        case.code
    );
    for d in &diags {
        assert!(
            d.code == code || case.also.contains(&d.code.as_str()),
            "{}: unexpected {} alongside {}:\n{rendered}",
            case.name,
            d.code,
            case.code
        );
    }
    // the caret is where the case says
    let (file, start, end) = marked.unwrap_or_else(|| panic!("{}: no ⸢ mark", case.name));
    let d = found[0];
    let loc = d
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("{}: {} has no location", case.name, case.code));
    assert_eq!(
        (loc.file.as_str(), loc.start, loc.end),
        (file.as_str(), start, end),
        "{}: {} points at the wrong text:\n{rendered}",
        case.name,
        case.code
    );
    // the rendering names the code, the message and file:line:col
    assert!(rendered.contains(&format!("[{}]", case.code)), "{rendered}");
    assert!(rendered.contains(&d.message), "{rendered}");
    assert!(
        rendered.contains(&format!("{}:{}:{}", loc.file, loc.line, loc.column)),
        "{}: no file:line:col in\n{rendered}",
        case.name
    );
    let sources: Vec<String> = case
        .files
        .iter()
        .map(|(n, t)| format!("--- {n}\n{t}"))
        .collect();
    insta::with_settings!({
        description => sources.join("\n"),
        omit_expression => true,
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(case.name, rendered);
    });
}

// ------------------------------------------------------------------ spec cases

const SPEC_CASES: &[SpecCase] = &[
    SpecCase {
        name: "NS0001_syntax",
        code: "NS0001",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= ⸢⸣)
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0001_unclosed_area",
        code: "NS0001",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce ⸢{⸣
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }

test "one bed is enough" {
  given { "beds": 1 }
  expect WF-01 met
}
"#,
        )],
    },
    SpecCase {
        name: "NS0001_unclosed_requirement",
        code: "NS0001",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" ⸢{⸣
    beds >= 1

  requirement WF-02 must "Not too many beds" {
    beds <= 20
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0001_reserved_word",
        code: "NS0001",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  ⸢⸣all: int min 0 "All beds"
}
"#,
        )],
    },
    SpecCase {
        name: "NS0002_unknown_name",
        code: "NS0002",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  rn_per_shift: int min 0 "Registered nurses on a day shift"
}
area workforce {
  requirement WF-01 must "One nurse per bed" {
    ⸢rn_per_shfit⸣ >= beds
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0003_type_mismatch",
        code: "NS0003",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Half the beds" {
    ⸢beds >= 50%⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0004_duplicate_requirement",
        code: "NS0004",
        also: &[],
        files: &[
            (
                ROOT,
                r#"spec demo "Demo" { version "1" }
use "common/governance.netspec"
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement GOV-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
            ),
            (
                "common/governance.netspec",
                r#"inputs "Governance" {
  board_signed: bool "Has the board signed its terms of reference?"
}
area collaboration {
  requirement ⸢GOV-01⸣ must "Board signed" {
    board_signed
  }
}
"#,
            ),
        ],
    },
    SpecCase {
        name: "NS0005_duplicate_input",
        code: "NS0005",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
inputs "More" {
  ⸢beds⸣: int min 0 "Open beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0006_unknown_enum_value",
        code: "NS0006",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  provider.role: enum(level3_unit, level2_unit, non_designated) "Designation"
}
area workforce {
  requirement WF-01 must "Designated" {
    provider.role != ⸢nondesignated⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0007_unknown_function",
        code: "NS0007",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    ⸢sqrt⸣(beds) >= 2
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0007_wrong_arguments",
        code: "NS0007",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    ⸢ceil⸣(beds, 2) >= 2
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0008_use_not_found",
        code: "NS0008",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
use ⸢"common/governance.netspec"⸣
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0008_use_misspelt",
        code: "NS0008",
        also: &[],
        files: &[
            (
                ROOT,
                r#"spec demo "Demo" { version "1" }
use ⸢"common/governence.netspec"⸣
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
            ),
            (
                "common/governance.netspec",
                r#"inputs "Governance" {
  board_signed: bool "Has the board signed its terms of reference?"
}
area collaboration {
  requirement GOV-01 must "Board signed" {
    board_signed
  }
}
"#,
            ),
        ],
    },
    SpecCase {
        name: "NS0009_use_cycle",
        code: "NS0009",
        also: &[],
        files: &[
            (
                ROOT,
                r#"spec demo "Demo" { version "1" }
use "common/a.netspec"
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
            ),
            ("common/a.netspec", "use \"b.netspec\"\n"),
            ("common/b.netspec", "use ⸢\"a.netspec\"⸣\n"),
        ],
    },
    SpecCase {
        name: "NS0010_invalid_literal",
        code: "NS0010",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  reviewed_on: date "When was the policy last reviewed?"
}
area quality {
  requirement QU-01 must "Reviewed this year" {
    reviewed_on >= ⸢2025-02-30⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0011_not_boolean",
        code: "NS0011",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    ⸢beds⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0012_let_shadows_input",
        code: "NS0012",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
let ⸢beds⸣ = 3
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0012_circular_definition",
        code: "NS0012",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
let ⸢total⸣ = spare + beds
let spare = total - beds
area workforce {
  requirement WF-01 must "Enough beds" {
    total >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0013_unknown_area",
        code: "NS0013",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area ⸢workfroce⸣ {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0014_missing_header",
        code: "NS0014",
        also: &[],
        files: &[(
            ROOT,
            r#"⸢⸣inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0014_header_in_used_file",
        code: "NS0014",
        also: &[],
        files: &[
            (
                ROOT,
                r#"spec demo "Demo" { version "1" }
use "common/governance.netspec"
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
            ),
            (
                "common/governance.netspec",
                "⸢spec governance \"Governance\" { version \"1\" }⸣\n",
            ),
        ],
    },
    SpecCase {
        name: "NS0015_no_rule",
        code: "NS0015",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
  requirement ⸢WF-02⸣ should "Rota published" {
    ref "Workforce standard 2"
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0015_two_rules",
        code: "NS0015",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  nurses: int min 0 "Registered nurses"
}
area workforce {
  requirement WF-01 must "Enough beds and nurses" {
    beds >= 1
    ⸢nurses >= beds⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0016_not_a_list",
        code: "NS0016",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    all b in ⸢beds⸣: b >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0017_unknown_field",
        code: "NS0017",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Units" {
  units: list "Critical care units" {
    name: text "Unit name"
    occupancy: percent "Mean bed occupancy"
  }
}
area resources {
  requirement RE-01 should "Occupancy at or below 85%" {
    all u in units: u.⸢ocupancy⸣ <= 85%
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0018_invalid_constraint",
        code: "NS0018",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 5 ⸢max 1⸣ "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0019_unknown_requirement",
        code: "NS0019",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
test "one bed is enough" {
  given { "beds": 1 }
  expect ⸢WF-10⸣ met
}
"#,
        )],
    },
    SpecCase {
        name: "NS0020_invalid_test_submission",
        code: "NS0020",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
test "one bed is enough" {
  given { ⸢"beds"⸣: "one" }
  expect WF-01 met
}
"#,
        )],
    },
    SpecCase {
        name: "NS0020_invalid_json",
        code: "NS0020",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  name: text "Unit name"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
test "one bed is enough" {
  given { "beds": 1,
          "name": ⸢'⸣A' }
  expect WF-01 met
}
"#,
        )],
    },
    SpecCase {
        name: "NS0020_test_file_missing",
        code: "NS0020",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
test "one bed is enough" {
  given file ⸢"examples/one_bed.json"⸣
  expect WF-01 met
}
"#,
        )],
    },
    SpecCase {
        name: "NS0021_reserved_name",
        code: "NS0021",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  ⸢evidence⸣: text "Where is the evidence kept?"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0023_present_needs_input",
        code: "NS0023",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
let total = beds + 1
area workforce {
  requirement WF-01 must "Beds answered" {
    present(⸢total⸣)
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0024_rating_block",
        code: "NS0024",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
rating {
  green when all must met
  ⸢amber when any should not_met⸣
}
"#,
        )],
    },
    SpecCase {
        name: "NS0024_unknown_rating",
        code: "NS0024",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
rating {
  green when all must met
  ⸢gren⸣ otherwise
}
"#,
        )],
    },
    SpecCase {
        name: "NS0026_too_deep",
        code: "NS0026",
        also: &[],
        files: &[(ROOT, DEEP)],
    },
    SpecCase {
        name: "NS0027_unknown_test_area",
        code: "NS0027",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
test "one bed is enough" {
  given { "beds": 1 }
  expect area workforce ⸢orange⸣
}
"#,
        )],
    },
    SpecCase {
        name: "NS0101_empty_area",
        code: "NS0101",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
area ⸢quality⸣ {
}
"#,
        )],
    },
    SpecCase {
        name: "NS0102_unread_input",
        code: "NS0102",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  ⸢spare_beds⸣: int min 0 "Beds kept free for surge"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0103_constant_rule",
        code: "NS0103",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    beds >= 1
  }
  requirement WF-02 must "Arithmetic" {
    ⸢29 / 50 * 100 >= 58⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0104_never_not_met",
        code: "NS0104",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "Enough beds" {
    ⸢beds >= 1 or true⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0105_duplicate_title",
        code: "NS0105",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  nurses: int min 0 "Registered nurses"
}
area workforce {
  requirement WF-01 must "Enough staff" {
    beds >= 1
  }
  requirement WF-02 should ⸢"Enough staff"⸣ {
    nurses >= beds
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0028_wrong_respondent",
        code: "NS0028",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
inputs "Network governance" respondent network {
  network.hosting_agreement: bool "Does the network have a signed hosting agreement?"
}
area collaboration {
  requirement CO-01 must "The network is hosted" {
    ⸢network.hosting_agreement⸣
  }
  requirement CO-02 should "Beds are funded" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0028_wrong_respondent_through_definition",
        code: "NS0028",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
inputs "Network governance" respondent network {
  network.hosting_agreement: bool "Does the network have a signed hosting agreement?"
}
let hosted = network.hosting_agreement and true
area collaboration {
  requirement CO-01 must "Beds in a hosted network" {
    ⸢hosted⸣ and beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0106_must_on_estimate",
        code: "NS0106",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "At least six beds" {
    beds >= 6
    basis ⸢estimate⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0109_missing_ref",
        code: "NS0109",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area workforce {
  requirement WF-01 must "At least six beds" {
    ref "Unit standard 4.2"
    basis standard
    beds >= 6
  }
  requirement ⸢WF-02⸣ should "At most twenty beds" {
    basis standard
    beds <= 20
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0108_empty_list",
        code: "NS0108",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Standards" {
  standards: list "Which standards does the service meet?" {
    name: text "Standard"
    met: bool "Met?"
  }
}
area quality {
  requirement QU-01 must "Every standard is met" {
    ⸢all s in standards: s.met⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0108_empty_nested_list",
        code: "NS0108",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Units" {
  units: list min 1 "Units" {
    name: text "Unit name"
    audits: list "Audits of the unit" {
      done: bool "Done?"
    }
  }
}
area quality {
  requirement QU-01 must "Every audit is done" {
    applies when len(units) > 0
    all u in units: ⸢all a in u.audits: a.done⸣
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0018_relation_of_another_kind",
        code: "NS0018",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  occupancy: percent "Bed occupancy"
  beds_open: int min 0 ⸢max occupancy⸣ "Beds open"
}
area resources {
  requirement RE-01 must "Beds open" {
    beds_open >= 1 and occupancy <= 85%
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0018_relation_of_another_unit",
        code: "NS0018",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Units" {
  units: list min 1 "Units" {
    name: text "Unit name"
    shifts_total: int min 0 "How many nursing shifts were there?" unit "shifts"
    shifts_with_coordinator: int min 0 ⸢max shifts_total⸣ "Of those, how many had a coordinator?" unit "hours"
  }
}
area workforce {
  requirement WF-01 must "A coordinator on every shift" {
    all u in units: u.shifts_with_coordinator >= u.shifts_total
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0018_relation_cycle",
        code: "NS0018",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  a: int max b "A"
  b: int ⸢max a⸣ "B"
}
area resources {
  requirement RE-01 must "A and B" {
    a + b >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0018_item_not_a_list",
        code: "NS0018",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds" item ⸢"bed"⸣
}
area resources {
  requirement RE-01 must "Beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0002_unknown_bound",
        code: "NS0002",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  shifts_total: int min 0 "How many nursing shifts were there?"
  shifts_with_coordinator: int min 0 max ⸢shift_total⸣ "Of those, how many had a coordinator?"
}
area workforce {
  requirement WF-01 must "A coordinator on every shift" {
    shifts_with_coordinator >= shifts_total
  }
}
"#,
        )],
    },
];

/// 130 nested brackets: deeper than the engine accepts.
const DEEP: &str = concat!(
    "spec demo \"Demo\" { version \"1\" }\n",
    "inputs \"Unit\" {\n  beds: int min 0 \"Funded beds\"\n}\n",
    "area workforce {\n  requirement WF-01 must \"Enough beds\" {\n    ",
    "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
    "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((⸢(⸣",
    "beds >= 1",
    "))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
    ")))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
    "\n  }\n}\n",
);

/// Runs every case, then fails listing each case that failed.
fn run_all<T>(cases: &[T], name: impl Fn(&T) -> &str, check: impl Fn(&T)) {
    let mut failed = Vec::new();
    for case in cases {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(case)));
        if r.is_err() {
            failed.push(name(case).to_string());
        }
    }
    assert!(failed.is_empty(), "failed cases: {failed:?}");
}

#[test]
fn spec_diagnostics() {
    run_all(SPEC_CASES, |c| c.name, check_spec_case);
}

/// One run reports every independent error, in source order.
#[test]
fn spec_with_several_errors() {
    let text = r#"spec demo "Demo" { version "1" }
inputs "Units" {
  provider.role: enum(level3_unit, level2_unit, non_designated) "Designation of this provider"
  units: list "Critical care units" {
    name: text "Unit name"
    l3_beds: int min 0 "Funded level 3 beds"
    rn_per_shift: int min 0 "Registered nurses rostered on a day shift"
  }
  ct_within_60: int min 0 "CT within 60 minutes"
  ct_indicated: int min 0 "CT indicated"
}
area workforce {
  requirement WF-01 must "Nurse staffing meets 1:1 for level 3" {
    applies when provider.role != nondesignated
    all u in units: u.rn_per_shfit >= u.l3_beds
  }
}
area service_delivery {
  requirement SD-01 must "CT rate" {
    ct_witin_60 / ct_indicated >= 90%
  }
}
"#;
    let err = Spec::compile(ROOT, &Sources::single(ROOT, text)).unwrap_err();
    let got: Vec<(&str, usize)> = err
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.location.as_ref().map_or(0, |l| l.line)))
        .collect();
    assert_eq!(got, [("NS0006", 14), ("NS0017", 15), ("NS0002", 20)]);
    insta::with_settings!({
        description => text,
        omit_expression => true,
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("spec_several_errors", render::compile_error(&err, Style::Plain));
    });
}

// ------------------------------------------------------------------ submission cases

const SUBMISSION_SPEC: &str = r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  provider.role: enum(level3_unit, level2_unit) "Designation of this provider"
  beds: int min 0 max 100 "Funded beds"
  reviewed_on: date "When was the staffing policy last reviewed?"
  units: list min 1 "Critical care units" {
    name: text "Unit name"
    occupancy: percent "Mean bed occupancy"
  }
}
area workforce {
  requirement WF-01 must "Level 3 providers have beds and a current policy" {
    provider.role == level3_unit implies beds >= 1 and reviewed_on within 1 year
    evidence rota "Staffing rota"
    ref "Unit standard 1"
  }
}
area resources {
  requirement RE-01 should "Occupancy at or below 85%" {
    all u in units: u.occupancy <= 85%
    ref "Unit standard 2"
  }
}
"#;

/// One submission case: the JSON text, the code expected and its JSON pointer.
struct SubCase {
    name: &'static str,
    code: &'static str,
    path: &'static str,
    json: &'static str,
    severity: Severity,
}

const SUB_CASES: &[SubCase] = &[
    SubCase {
        name: "NS0201_submission_type",
        code: "NS0201",
        path: "/beds",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "beds": "ten"}"#,
    },
    SubCase {
        name: "NS0201_submission_type_in_list",
        code: "NS0201",
        path: "/units/1/occupancy",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"},
                  "units": [{"name": "A", "occupancy": 80}, {"name": "B", "occupancy": "high"}]}"#,
    },
    SubCase {
        name: "NS0202_submission_range",
        code: "NS0202",
        path: "/beds",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "beds": 101}"#,
    },
    SubCase {
        name: "NS0202_not_whole",
        code: "NS0202",
        path: "/beds",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "beds": 2.5}"#,
    },
    SubCase {
        name: "NS0202_list_too_short",
        code: "NS0202",
        path: "/units",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "units": []}"#,
    },
    SubCase {
        name: "NS0203_submission_date",
        code: "NS0203",
        path: "/reviewed_on",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "reviewed_on": "2025-02-30"}"#,
    },
    SubCase {
        name: "NS0204_submission_enum",
        code: "NS0204",
        path: "/provider/role",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "provider": {"role": "Level3_unit"}}"#,
    },
    SubCase {
        name: "NS0205_unknown_field",
        code: "NS0205",
        path: "/bedz",
        severity: Severity::Warning,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "bedz": 10}"#,
    },
    SubCase {
        name: "NS0206_not_an_object",
        code: "NS0206",
        path: "",
        severity: Severity::Error,
        json: r#"[{"beds": 10}]"#,
    },
    SubCase {
        name: "NS0207_not_json",
        code: "NS0207",
        path: "",
        severity: Severity::Error,
        json: "{\"beds\": 10,\n \"units\": [}",
    },
    SubCase {
        name: "NS0211_missing_header",
        code: "NS0211",
        path: "/header",
        severity: Severity::Error,
        json: r#"{"beds": 10}"#,
    },
    SubCase {
        name: "NS0212_bad_ods_code",
        code: "NS0212",
        path: "/header/organisation/ods_code",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "rxx1234", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "beds": 10}"#,
    },
    SubCase {
        name: "NS0213_period_ends_before_it_starts",
        code: "NS0213",
        path: "/header/period/end",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2025-07-01", "end": "2024-06-30"}, "completed_by": "A. Example"}, "beds": 10}"#,
    },
    SubCase {
        name: "NS0214_assessed_on_moved",
        code: "NS0214",
        path: "/assessed_on",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "assessed_on": "2025-06-30", "beds": 10}"#,
    },
    SubCase {
        name: "NS0203_header_bad_date",
        code: "NS0203",
        path: "/header/period/start",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-02-30", "end": "2025-06-30"}, "completed_by": "A. Example"}, "beds": 10}"#,
    },
    SubCase {
        name: "NS0201_header_field_missing",
        code: "NS0201",
        path: "/header/completed_by",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}}, "beds": 10}"#,
    },
    SubCase {
        name: "NS0204_header_unknown_respondent",
        code: "NS0204",
        path: "/header/respondent",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "commissioner", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "beds": 10}"#,
    },
    SubCase {
        name: "NS0209_malformed_evidence",
        code: "NS0209",
        path: "/evidence/WF-01",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "evidence": {"WF-01": "rota.pdf"}}"#,
    },
    SubCase {
        name: "NS0210_duplicate_key",
        code: "NS0210",
        path: "/provider/role",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "provider": {"role": "level3_unit", "role": "level2_unit"}}"#,
    },
    SubCase {
        name: "NS0209_evidence_for_unknown_requirement",
        code: "NS0209",
        path: "/evidence/WF-02",
        severity: Severity::Warning,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "evidence": {"WF-02": {"rota": "rota.pdf"}}}"#,
    },
];

fn check_sub_case(spec: &Spec, case: &SubCase) {
    let code = Code::parse(case.code).unwrap();
    let diags: Vec<Diagnostic> = match spec.evaluate_str(case.json, &EvalOptions::default()) {
        Ok(report) => report.warnings.clone(),
        Err(e) => e.diagnostics(),
    };
    let rendered = render::diagnostics_in(&diags, spec.source_map(), Style::Plain);
    let d = diags
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("{}: expected {}, got:\n{rendered}", case.name, case.code));
    for other in &diags {
        assert_eq!(
            other.code, code,
            "{}: unexpected {}:\n{rendered}",
            case.name, other.code
        );
    }
    assert_eq!(d.severity, case.severity, "{}", case.name);
    if case.code == "NS0207" {
        // not JSON: the place is a line and column in the text, not a pointer
        assert!(d.path.is_none(), "{}", case.name);
    } else {
        assert_eq!(d.path.as_deref(), Some(case.path), "{}", case.name);
    }
    assert!(rendered.contains(&format!("[{}]", case.code)), "{rendered}");
    assert!(rendered.contains(&d.message), "{rendered}");
    insta::with_settings!({
        description => format!("submission:\n{}", case.json),
        omit_expression => true,
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(case.name, rendered);
    });
}

#[test]
fn submission_diagnostics() {
    let spec = Spec::compile(ROOT, &Sources::single(ROOT, SUBMISSION_SPEC))
        .unwrap_or_else(|e| panic!("{}", render::compile_error(&e, Style::Plain)));
    assert!(
        spec.warnings().is_empty(),
        "the submission spec is clean:\n{}",
        render::diagnostics_in(spec.warnings(), spec.source_map(), Style::Plain)
    );
    run_all(SUB_CASES, |c| c.name, |c| check_sub_case(&spec, c));
}

/// A spec with questions for each respondent and answers bounded by others.
const RESPONDENT_SPEC: &str = r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  units: list min 1 "Critical care units" {
    name: text "Unit name"
    shifts_total: int min 0 "How many nursing shifts were there?" unit "shifts"
    shifts_with_coordinator: int min 0 max shifts_total "Of those shifts, how many had a coordinator?" unit "shifts"
  }
}
inputs "Network governance" respondent network {
  network.hosting_agreement: bool "Is there a signed hosting agreement?"
}
area workforce {
  requirement WF-01 should "A coordinator on every shift" {
    all u in units: u.shifts_with_coordinator >= u.shifts_total
  }
}
area collaboration {
  requirement CO-01 must "Hosted" {
    respondent network
    network.hosting_agreement
  }
}
"#;

/// Submission cases against [`RESPONDENT_SPEC`].
const RESPONDENT_SUB_CASES: &[SubCase] = &[
    SubCase {
        name: "NS0215_other_respondent",
        code: "NS0215",
        path: "/network/hosting_agreement",
        severity: Severity::Warning,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "units": [{"name": "A", "shifts_total": 10, "shifts_with_coordinator": 10}], "network": {"hosting_agreement": true}}"#,
    },
    SubCase {
        name: "NS0216_broken_relation",
        code: "NS0216",
        path: "/units/1/shifts_with_coordinator",
        severity: Severity::Error,
        json: r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "units": [{"name": "A", "shifts_total": 10, "shifts_with_coordinator": 10}, {"name": "B", "shifts_total": 730, "shifts_with_coordinator": 740}]}"#,
    },
];

#[test]
fn respondent_and_relation_diagnostics() {
    let spec = Spec::compile(ROOT, &Sources::single(ROOT, RESPONDENT_SPEC))
        .unwrap_or_else(|e| panic!("{}", render::compile_error(&e, Style::Plain)));
    run_all(
        RESPONDENT_SUB_CASES,
        |c| c.name,
        |c| check_sub_case(&spec, c),
    );
}

/// A spec with date rules and a submission without a header, evaluated as
/// unattributed without `as_of`: no assessment date (NS0208), with the
/// unattributed warning (NS0217) beside it.
#[test]
fn unattributed_submission_without_a_date() {
    let spec = Spec::compile(ROOT, &Sources::single(ROOT, SUBMISSION_SPEC)).unwrap();
    let opts =
        EvalOptions::default().with_unattributed(Some(netspec_core::vocab::Respondent::Provider));
    let err = spec.evaluate_str(r#"{"beds": 10}"#, &opts).unwrap_err();
    let diags = err.diagnostics();
    let rendered = render::diagnostics_in(&diags, spec.source_map(), Style::Plain);
    assert_eq!(diags.len(), 1, "{rendered}");
    assert_eq!(diags[0].code.as_str(), "NS0208", "{rendered}");
    assert_eq!(diags[0].path.as_deref(), Some("/header/period/end"));
    insta::with_settings!({omit_expression => true, prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("NS0208_no_assessment_date", rendered);
    });
    // with a date it is evaluated, and the report says it is unattributed
    let dated = opts.with_as_of(netspec_core::Date::parse("2025-06-30"));
    let report = spec.evaluate_str(r#"{"beds": 10}"#, &dated).unwrap();
    let codes: Vec<&str> = report.warnings.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["NS0217"]);
    assert_eq!(report.warnings[0].path.as_deref(), Some("/header"));
    assert!(report.header.is_none());
    insta::with_settings!({omit_expression => true, prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("NS0217_unattributed", render::diagnostics_in(&report.warnings, spec.source_map(), Style::Plain));
    });
}

/// Several submission problems at once: every error, then the warnings, each
/// with its pointer.
#[test]
fn submission_with_several_problems() {
    let spec = Spec::compile(ROOT, &Sources::single(ROOT, SUBMISSION_SPEC)).unwrap();
    let json = r#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "beds": "ten", "reviewed_on": "30/06/2025",
                   "provider": {"role": "level3_unit", "size": "big"},
                   "units": [{"name": "A", "occupancy": 180}]}"#;
    let err = spec
        .evaluate_str(json, &EvalOptions::default())
        .unwrap_err();
    let diags = err.diagnostics();
    let rendered = render::diagnostics_in(&diags, spec.source_map(), Style::Plain);
    let got: Vec<(Severity, &str, Option<&str>)> = diags
        .iter()
        .map(|d| (d.severity, d.code.as_str(), d.path.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Severity::Error, "NS0201", Some("/beds")),
            (Severity::Error, "NS0203", Some("/reviewed_on")),
            (Severity::Error, "NS0202", Some("/units/0/occupancy")),
            (Severity::Warning, "NS0205", Some("/provider/size")),
        ],
        "{rendered}"
    );
    insta::with_settings!({
        description => format!("submission:\n{json}"),
        omit_expression => true,
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("submission_several_problems", rendered);
    });
}

// ------------------------------------------------------------------ limits

/// Small limits, so that small texts go over them.
fn small_limits() -> Limits {
    let mut l = Limits::default();
    l.max_source_bytes = 700;
    l.max_inputs = 2;
    l.max_requirements = 1;
    l.max_definitions = 1;
    l
}

/// Small limits for submissions only.
fn small_submission_limits() -> Limits {
    let mut l = Limits::default();
    l.max_submission_bytes = 200;
    l.max_json_depth = 2;
    l
}

/// Spec cases compiled within [`small_limits`].
const LIMIT_SPEC_CASES: &[SpecCase] = &[
    SpecCase {
        name: "NS0301_source_too_large",
        code: "NS0301",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
use ⸢"common/long.netspec"⸣
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area resources {
  requirement RE-01 must "Beds" {
    beds >= 1
  }
}
"#,
        ), ("common/long.netspec", "// a used file that takes the spec over 700 bytes\n// .................................................................................................\n// .................................................................................................\n// .................................................................................................\n// .................................................................................................\n// .................................................................................................\n")],
    },
    SpecCase {
        name: "NS0302_too_many_inputs",
        code: "NS0302",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
  cots: int min 0 "Funded cots"
  ⸢nurses: int min 0 "Nurses on a day shift"⸣
}
area resources {
  requirement RE-01 must "Beds" {
    beds >= 1
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0303_too_many_requirements",
        code: "NS0303",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
area resources {
  requirement RE-01 must "Beds" {
    beds >= 1
  }
  requirement ⸢RE-02⸣ must "More beds" {
    beds >= 2
  }
}
"#,
        )],
    },
    SpecCase {
        name: "NS0304_too_many_definitions",
        code: "NS0304",
        also: &[],
        files: &[(
            ROOT,
            r#"spec demo "Demo" { version "1" }
inputs "Unit" {
  beds: int min 0 "Funded beds"
}
let enough = beds >= 1
let ⸢plenty⸣ = beds >= 10
area resources {
  requirement RE-01 must "Beds" {
    enough
  }
}
"#,
        )],
    },
];

#[test]
fn limit_spec_diagnostics() {
    run_all(
        LIMIT_SPEC_CASES,
        |c| c.name,
        |c| check_spec_case_with(c, &small_limits()),
    );
}

/// A submission case with generated text, its limits and the codes that may
/// come with the one expected.
struct LimitSubCase {
    name: &'static str,
    code: &'static str,
    path: Option<&'static str>,
    severity: Severity,
    limits: fn() -> Limits,
    text: fn() -> Vec<u8>,
    also: &'static [&'static str],
}

const LIMIT_SUB_CASES: &[LimitSubCase] = &[
    LimitSubCase {
        name: "NS0305_submission_too_large",
        code: "NS0305",
        path: Some(""),
        severity: Severity::Error,
        limits: small_submission_limits,
        text: || {
            format!(
                r#"{{"header": {{"respondent": "provider", "organisation": {{"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}}, "period": {{"start": "2024-07-01", "end": "2025-06-30"}}, "completed_by": "A. Example"}}, "units": [{}]}}"#,
                r#"{"name": "A unit with a long name"}, "#.repeat(8)
            )
            .into_bytes()
        },
        also: &[],
    },
    LimitSubCase {
        name: "NS0306_submission_too_deep",
        code: "NS0306",
        path: Some("/units/0"),
        severity: Severity::Error,
        limits: small_submission_limits,
        text: || br#"{"units": [{"name": "A"}]}"#.to_vec(),
        also: &[],
    },
    LimitSubCase {
        name: "NS0307_list_too_long",
        code: "NS0307",
        path: Some("/units"),
        severity: Severity::Error,
        limits: || {
            let mut l = Limits::default();
            l.max_list_len = 2;
            l
        },
        text: || br#"{"units": [{"name": "A"}, {"name": "B"}, {"name": "C"}]}"#.to_vec(),
        also: &[],
    },
    LimitSubCase {
        name: "NS0308_budget_exceeded",
        code: "NS0308",
        path: Some(""),
        severity: Severity::Warning,
        limits: || {
            let mut l = Limits::default();
            l.max_eval_steps = 5;
            l
        },
        text: || {
            br#"{"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}, "beds": 10, "provider": {"role": "level3_unit"}, "reviewed_on": "2025-01-01", "units": [{"name": "A", "occupancy": 80}, {"name": "B", "occupancy": 90}]}"#.to_vec()
        },
        // nothing else: the evidence WF-01 declares is not given, which is
        // no diagnostic (NS0209 is for malformed evidence, and there is none)
        also: &[],
    },
    LimitSubCase {
        name: "NS0309_not_utf8",
        code: "NS0309",
        path: None,
        severity: Severity::Error,
        limits: Limits::default,
        text: || b"{\"beds\": 10, \"units\": [{\"name\": \"St Anne\xe2\x80s\"}]}".to_vec(),
        also: &[],
    },
    LimitSubCase {
        name: "NS0310_too_many_problems",
        code: "NS0310",
        path: Some(""),
        severity: Severity::Error,
        limits: Limits::default,
        text: || {
            let units = vec![r#"{"name": "A", "occupancy": "high"}"#; 120].join(", ");
            format!(r#"{{"header": {{"respondent": "provider", "organisation": {{"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}}, "period": {{"start": "2024-07-01", "end": "2025-06-30"}}, "completed_by": "A. Example"}}, "units": [{units}]}}"#).into_bytes()
        },
        // NS0310 says there were more than the 100 problems kept: the 100
        // kept are the wrong-typed occupancies (NS0201) of the first 100
        // units, by construction; `limits.rs` pins their number exactly
        also: &["NS0201"],
    },
];

fn check_limit_sub_case(case: &LimitSubCase) {
    let spec = Spec::compile_with(
        ROOT,
        &Sources::single(ROOT, SUBMISSION_SPEC),
        &(case.limits)(),
    )
    .unwrap_or_else(|e| panic!("{}", render::compile_error(&e, Style::Plain)));
    let code = Code::parse(case.code).unwrap();
    let text = (case.text)();
    let diags: Vec<Diagnostic> = match spec.evaluate_bytes(&text, &EvalOptions::default()) {
        Ok(report) => report.warnings.clone(),
        Err(e) => e.diagnostics(),
    };
    let rendered = render::diagnostics_in(&diags, spec.source_map(), Style::Plain);
    let d = diags
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("{}: expected {}, got:\n{rendered}", case.name, case.code));
    for other in &diags {
        assert!(
            other.code == code || case.also.contains(&other.code.as_str()),
            "{}: unexpected {}:\n{rendered}",
            case.name,
            other.code
        );
    }
    assert_eq!(d.severity, case.severity, "{}", case.name);
    assert_eq!(d.path.as_deref(), case.path, "{}", case.name);
    assert!(rendered.contains(&format!("[{}]", case.code)), "{rendered}");
    // the same spec reads the next submission as usual
    assert!(spec
        .evaluate_str("{}", &EvalOptions::default())
        .is_err_and(|e| e.diagnostics().iter().all(|d| d.code.as_str() == "NS0211")));
    let shown = String::from_utf8_lossy(&text);
    let shown: String = shown.chars().take(300).collect();
    insta::with_settings!({
        description => format!("submission (first 300 characters):\n{shown}"),
        omit_expression => true,
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(case.name, rendered);
    });
}

#[test]
fn limit_submission_diagnostics() {
    run_all(LIMIT_SUB_CASES, |c| c.name, check_limit_sub_case);
}

// ------------------------------------------------------------------ coverage

/// Codes with snapshot cases of their own that need evaluation options
/// (`unattributed_submission_without_a_date`).
const OPTION_CASES: &[&str] = &["NS0208", "NS0217"];

/// The FHIR import's codes: each has conformance cases of its own, with its
/// JSON pointer and FHIR path (`tests/fhir/cases/errors_*.json`, run by
/// `tests/tests/fhir.rs`).
const FHIR_CASES: &[&str] = &["NS0220", "NS0221", "NS0222", "NS0223", "NS0224"];

/// Codes with a case of their own that needs files on disk (`file_refused`).
const READER_CASES: &[&str] = &["NS0311"];

/// A `use` of a path outside the spec's folder, read through the confined
/// reader (`netspec::gather_files`): NS0311, the same message whether or not
/// the file exists.
#[test]
fn file_refused() {
    let dir = std::env::temp_dir().join(format!("netspec-diag-ns0311-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = dir.join("spec.netspec");
    std::fs::write(
        &root,
        "spec demo \"Demo\" { version \"1\" }\nuse \"/etc/passwd\"\ninputs \"Unit\" { beds: int min 0 \"Funded beds\" }\n",
    )
    .unwrap();
    let name = root.to_str().unwrap();
    let sources = netspec_core::gather_files(name, &netspec_core::CompileOptions::default());
    let err = Spec::compile(name, &sources).unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(err.diagnostics[0].code.as_str(), "NS0311");
    let rendered = render::compile_error(&err, Style::Plain).replace(name, "spec.netspec");
    assert!(!rendered.contains("root:"));
    insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("NS0311_file_refused", rendered);
    });
}

/// Codes with a case of their own about compiled documents
/// (`document_refused`; more in `tests/document.rs`).
const DOCUMENT_CASES: &[&str] = &["NS0312"];

/// A compiled document written by another engine version: NS0312, naming
/// both versions.
#[test]
fn document_refused() {
    let spec = Spec::compile(
        "demo.netspec",
        &netspec::Sources::single(
            "demo.netspec",
            "spec demo \"Demo\" { version \"1\" }\ninputs \"Unit\" { beds: int min 0 \"Funded beds\" }\n",
        ),
    )
    .unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&spec.to_document()).unwrap();
    doc["engine"] = serde_json::Value::from("0.0.1");
    let err = Spec::from_document(&doc.to_string()).unwrap_err();
    assert_eq!(err.diagnostics.len(), 1);
    assert_eq!(err.diagnostics[0].code.as_str(), "NS0312");
    let rendered = render::compile_error(&err, Style::Plain)
        .replace(netspec_core::report::ENGINE_VERSION, "ENGINE");
    insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("NS0312_document_refused", rendered);
    });
}

/// Codes no input can produce, with the reason. Keep this empty if you can.
const UNPRODUCIBLE: &[(&str, &str)] = &[(
    "NS0107",
    "reserved: the bundled specs' tests fail a requirement without basis",
)];

#[test]
fn every_code_has_a_case() {
    let covered: BTreeSet<&str> = SPEC_CASES
        .iter()
        .map(|c| c.code)
        .chain(SUB_CASES.iter().map(|c| c.code))
        .chain(LIMIT_SPEC_CASES.iter().map(|c| c.code))
        .chain(LIMIT_SUB_CASES.iter().map(|c| c.code))
        .chain(OPTION_CASES.iter().copied())
        .chain(READER_CASES.iter().copied())
        .chain(DOCUMENT_CASES.iter().copied())
        .chain(FHIR_CASES.iter().copied())
        .chain(RESPONDENT_SUB_CASES.iter().map(|c| c.code))
        .collect();
    let all: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let excused: BTreeSet<&str> = UNPRODUCIBLE.iter().map(|(c, _)| *c).collect();
    let missing: Vec<&&str> = all
        .iter()
        .filter(|c| !covered.contains(*c) && !excused.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a snapshot case in tests/diagnostics.rs: {missing:?}"
    );
    let stale: Vec<&&str> = covered
        .iter()
        .chain(excused.iter())
        .filter(|c| !all.contains(*c))
        .collect();
    assert!(
        stale.is_empty(),
        "cases for codes that no longer exist: {stale:?}"
    );
    let both: Vec<&&str> = covered.intersection(&excused).collect();
    assert!(both.is_empty(), "codes both covered and excused: {both:?}");
}

/// `netspec explain` text exists for every code.
#[test]
fn every_code_is_explained() {
    for c in Code::ALL {
        assert!(!c.title().is_empty(), "{c} has no title");
        assert!(!c.explanation().is_empty(), "{c} has no explanation");
        assert_eq!(Code::parse(c.as_str()), Some(*c));
        assert_eq!(Code::parse(&c.as_str().to_lowercase()), Some(*c));
    }
}
