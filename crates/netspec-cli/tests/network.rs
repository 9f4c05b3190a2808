//! End-to-end tests of `netspec network`: the example network's
//! submissions rolled up, in every format, each format checked against the
//! JSON report and the JSON report against the single evaluations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod support;
use support::Dir;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn netspec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netspec"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

const SPEC: &str = "specs/adult_critical_care.netspec";
const FOLDER: &str = "specs/examples/adult_critical_care/network";
const PREVIOUS: &str = "specs/examples/adult_critical_care/network_previous";

fn json_report(args: &[&str]) -> Value {
    let out = netspec(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(FOLDER))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// The single report of one file, as `netspec eval --format json` gives it
/// (None when the submission is refused).
fn single(path: &Path) -> Option<Value> {
    let out = netspec(&["eval", SPEC, path.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.get("report_format").is_some().then_some(v)
}

#[test]
fn the_json_report_agrees_with_every_single_evaluation() {
    let report = json_report(&["network", SPEC, FOLDER, "--format", "json"]);
    assert_eq!(report["network_format"], 1);
    assert_eq!(report["spec"]["id"], "adult_critical_care");
    let files = example_files();
    assert_eq!(files.len(), 14);
    let (mut providers, mut networks, mut failed) = (vec![], vec![], vec![]);
    for f in &files {
        match single(f) {
            Some(r) if r["respondent"] == "network" => networks.push(r),
            Some(r) => providers.push(r),
            None => failed.push(f.clone()),
        }
    }
    assert_eq!(report["totals"]["submissions"], 14);
    assert_eq!(report["totals"]["providers"], providers.len() as u64);
    assert_eq!(report["totals"]["network"], 1);
    assert_eq!(report["totals"]["failed"], 1);
    assert_eq!(providers.len(), 12);

    // the failed submission is listed with its coded error, not dropped
    let f = &report["failed"][0];
    assert!(f["source"]["name"]
        .as_str()
        .unwrap()
        .ends_with("r9m_broken.json"));
    assert_eq!(f["ods_code"], "R9M");
    assert_eq!(f["diagnostics"][0]["code"], "NS0201");
    assert_eq!(f["diagnostics"][0]["path"], "/units/0/l3_beds");

    // per provider: rating, counts, compliance and every outcome, as the single report
    let rows = report["providers"].as_array().unwrap();
    let ids: Vec<&str> = report["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for (row, one) in rows.iter().zip(&providers) {
        assert_eq!(row["ods_code"], one["header"]["organisation"]["ods_code"]);
        assert_eq!(row["name"], one["header"]["organisation"]["name"]);
        assert_eq!(row["rating"], one["overall"]["rating"]);
        assert_eq!(row["counts"], one["overall"]["counts"]);
        assert_eq!(row["compliance"], one["overall"]["compliance"]);
        let single_ids: Vec<&str> = one["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, single_ids);
        for (k, r) in one["requirements"].as_array().unwrap().iter().enumerate() {
            assert_eq!(row["outcomes"][k], r["outcome"]);
        }
        for (a, b) in row["areas"]
            .as_array()
            .unwrap()
            .iter()
            .zip(one["areas"].as_array().unwrap())
        {
            assert_eq!(a["area"], b["area"]);
            assert_eq!(a["rating"], b["rating"]);
            assert_eq!(a["compliance"], b["compliance"]);
        }
    }

    // per requirement: the counts are the sums over the providers, and the
    // providers not meeting a must are named
    for (k, req) in report["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for outcome in ["met", "not_met", "not_applicable", "incomplete"] {
            let n = providers
                .iter()
                .filter(|p| p["requirements"][k]["outcome"] == outcome)
                .count();
            assert_eq!(req["counts"][outcome], n as u64, "{} {outcome}", req["id"]);
        }
        let missing: Vec<Value> = providers
            .iter()
            .filter(|p| p["requirements"][k]["outcome"] == "not_met" && req["level"] == "must")
            .map(|p| p["header"]["organisation"]["ods_code"].clone())
            .collect();
        assert_eq!(req["not_meeting"], Value::Array(missing));
        let c = &req["counts"];
        let (met, not_met) = (c["met"].as_f64().unwrap(), c["not_met"].as_f64().unwrap());
        if met + not_met > 0.0 {
            let want = (met * 100.0 / (met + not_met) * 100.0).round() / 100.0;
            assert!((req["compliance"].as_f64().unwrap() - want).abs() < 1e-9);
        }
        let share = req["shares"]["met"].as_f64().unwrap();
        assert!((share - (met * 100.0 / 12.0 * 100.0).round() / 100.0).abs() < 1e-9);
    }
    // WF-01 is a must: the non-compliant providers are named
    let wf01 = report["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "ACC-WF-01")
        .unwrap();
    assert!(wf01["not_meeting"]
        .as_array()
        .unwrap()
        .contains(&Value::from("R9F")));

    // per area: the providers' ratings
    for (j, area) in report["areas"].as_array().unwrap().iter().enumerate() {
        for rating in ["green", "amber", "red", "incomplete"] {
            let n = providers
                .iter()
                .filter(|p| {
                    p["areas"][j]["rating"] == rating
                        && p["areas"][j]["counts"]
                            .as_object()
                            .unwrap()
                            .values()
                            .any(|v| v.as_u64() != Some(0))
                })
                .count();
            assert_eq!(
                area["ratings"][rating], n as u64,
                "{} {rating}",
                area["area"]
            );
        }
    }

    // the network's own duties apart: none of them is a provider's
    let duties = &report["network"];
    assert_eq!(duties["submissions"][0]["ods_code"], "R9E");
    assert_eq!(
        duties["submissions"][0]["rating"],
        networks[0]["overall"]["rating"]
    );
    for d in duties["requirements"].as_array().unwrap() {
        assert!(!ids.contains(&d["id"].as_str().unwrap()));
    }
    assert_eq!(
        duties["requirements"].as_array().unwrap().len(),
        networks[0]["requirements"].as_array().unwrap().len()
    );
    assert!(report["provenance"]
        .as_str()
        .unwrap()
        .contains("Self-assessed"));
}

/// RFC 4180 CSV, as written: fields quoted when they must be.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "a last line without CRLF"
    );
    rows
}

/// The tidy rows the JSON report implies, one per provider × requirement,
/// in the order of the CSV's columns.
fn rows_from_json(report: &Value) -> Vec<Vec<String>> {
    let mut out = vec![];
    for p in report["providers"].as_array().unwrap() {
        for (k, r) in report["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let o = p["outcomes"][k].as_str().unwrap();
            let num = |v: &Value| v.as_f64().map(|x| x.to_string()).unwrap_or_default();
            let source = match p["source"]["line"].as_u64() {
                Some(n) => format!("{}:{n}", p["source"]["name"].as_str().unwrap()),
                None => p["source"]["name"].as_str().unwrap().to_string(),
            };
            out.push(vec![
                p["ods_code"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
                source,
                p["period_start"].as_str().unwrap().to_string(),
                p["period_end"].as_str().unwrap().to_string(),
                r["id"].as_str().unwrap().to_string(),
                r["area"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap().to_string(),
                r["basis"].as_str().unwrap_or("").to_string(),
                r["title"].as_str().unwrap().to_string(),
                o.to_string(),
                u8::from(o == "met" || o == "not_met").to_string(),
                u8::from(o == "met").to_string(),
                p["counts"]["met"].to_string(),
                p["counts"]["not_met"].to_string(),
                num(&p["compliance"]),
                p["rating"].as_str().unwrap().to_string(),
            ]);
        }
    }
    out
}

#[test]
fn the_csv_is_the_json_row_for_row() {
    let report = json_report(&["network", SPEC, FOLDER]);
    let out = netspec(&["network", SPEC, FOLDER, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows = parse_csv(&text);
    assert_eq!(
        rows[0].join(","),
        "ods_code,organisation,source,period_start,period_end,requirement,area,level,basis,title,outcome,applicable,met,provider_met,provider_not_met,provider_compliance,provider_rating"
    );
    let want = rows_from_json(&report);
    assert_eq!(rows.len() - 1, want.len());
    assert_eq!(
        want.len(),
        12 * report["requirements"].as_array().unwrap().len()
    );
    for (k, (got, want)) in rows[1..].iter().zip(&want).enumerate() {
        assert_eq!(got, want, "row {}", k + 1);
    }
}

#[test]
fn the_workbook_is_the_json_sheet_for_sheet() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = Dir::new("network-xlsx");
    let file = dir.path().join("network.xlsx");
    let report = json_report(&["network", SPEC, FOLDER]);
    let out = netspec(&[
        "network",
        SPEC,
        FOLDER,
        "--format",
        "xlsx",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Matrix",
            "Tidy",
            "Requirements",
            "Network",
            "Failed"
        ]
    );
    let cell = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => panic!("unexpected cell {other:?}"),
    };
    // the tidy sheet: the CSV's rows (numbers as numbers)
    let tidy = wb.worksheet_range("Tidy").unwrap();
    let got: Vec<Vec<String>> = tidy.rows().map(|r| r.iter().map(cell).collect()).collect();
    let want = rows_from_json(&report);
    assert_eq!(got.len() - 1, want.len());
    assert_eq!(got[0][0], "ods_code");
    for (k, (g, w)) in got[1..].iter().zip(&want).enumerate() {
        assert_eq!(g, w, "tidy row {}", k + 1);
    }
    // the matrix: one row per provider, the outcome as a word
    let matrix = wb.worksheet_range("Matrix").unwrap();
    let m: Vec<Vec<String>> = matrix
        .rows()
        .map(|r| r.iter().map(cell).collect())
        .collect();
    let reqs = report["requirements"].as_array().unwrap();
    assert_eq!(m[0].len(), 2 + reqs.len());
    for (j, r) in reqs.iter().enumerate() {
        assert_eq!(m[0][2 + j], r["id"].as_str().unwrap());
    }
    let words = |o: &str| match o {
        "met" => "met",
        "not_met" => "not met",
        "not_applicable" => "n/a",
        "incomplete" => "incomplete",
        _ => panic!("{o}"),
    };
    for (k, p) in report["providers"].as_array().unwrap().iter().enumerate() {
        assert_eq!(m[k + 1][0], p["ods_code"].as_str().unwrap());
        for j in 0..reqs.len() {
            assert_eq!(m[k + 1][2 + j], words(p["outcomes"][j].as_str().unwrap()));
        }
    }
    assert_eq!(m.len(), 13);
    // the summary: a row per provider with its rating and compliance
    let summary = wb.worksheet_range("Summary").unwrap();
    let s: Vec<Vec<String>> = summary
        .rows()
        .map(|r| r.iter().map(cell).collect())
        .collect();
    let at = s
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "ods_code"))
        .unwrap();
    for (k, p) in report["providers"].as_array().unwrap().iter().enumerate() {
        let row = &s[at + 1 + k];
        assert_eq!(row[0], p["ods_code"].as_str().unwrap());
        assert_eq!(row[4], p["rating"].as_str().unwrap());
        assert_eq!(row[5], p["compliance"].as_f64().unwrap().to_string());
    }
    // the failed submission and the network's duties have their sheets
    let failed = wb.worksheet_range("Failed").unwrap();
    let f: Vec<Vec<String>> = failed
        .rows()
        .map(|r| r.iter().map(cell).collect())
        .collect();
    assert_eq!(f[1][1], "R9M");
    assert_eq!(f[1][2], "NS0201");
    let network = wb.worksheet_range("Network").unwrap();
    assert_eq!(
        network.rows().count() - 2,
        report["network"]["requirements"].as_array().unwrap().len()
    );
}

#[test]
fn the_html_page_is_self_contained_and_accessible() {
    let out = netspec(&["network", SPEC, FOLDER, "--format", "html"]);
    assert_eq!(out.status.code(), Some(0));
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(html.matches("<h1>").count(), 1);
    for h in [
        "Summary",
        "Providers",
        "Heat map: providers × requirements",
        "Areas: the providers' ratings",
        "Requirements across the providers",
        "The network's own duties",
        "Each provider's requirements not met",
        "Submissions that could not be evaluated",
    ] {
        assert!(html.contains(&format!("\">{h}</h2>")), "heading {h}");
    }
    assert!(html.contains("<table"));
    assert!(html.contains("<caption>"));
    assert!(html.contains("<th scope=\"col\">"));
    assert!(html.contains("<th scope=\"row\">"));
    assert!(html.contains("<svg role=\"img\" aria-label="));
    // nothing leaves the page: no script, stylesheet link, font, image or URL
    let lower = html.to_lowercase();
    for banned in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "url(",
        "http:",
        "https:",
        "src=",
        "@font-face",
    ] {
        assert!(!lower.contains(banned), "{banned}");
    }
    // colour is never the only signal: every heat-map cell has a symbol and a word
    for (symbol, word) in [("✓", "met"), ("✗", "not met"), ("?", "incomplete")] {
        assert!(
            html.contains(&format!(
                "<span aria-hidden=\"true\">{symbol}</span><span class=\"sr\">{word}</span>"
            )),
            "{word}"
        );
    }
    // each provider's not-met requirements, in the words of its answers
    assert!(html.contains("Fellside and District Hospitals NHS Trust (R9F)"));
    assert!(html.contains("needs at least"));
    assert!(html.contains("NS0201"));
}

#[test]
fn previous_period_changes_per_provider_and_requirement() {
    let report = json_report(&["network", SPEC, FOLDER, "--previous", PREVIOUS]);
    let before = json_report(&["network", SPEC, PREVIOUS]);
    let changes = &report["changes"];
    assert_eq!(changes["previous"], before["totals"]);
    let providers = changes["providers"].as_array().unwrap();
    let r9l = providers.iter().find(|p| p["ods_code"] == "R9L").unwrap();
    assert_eq!(r9l["status"], "new");
    let ids: Vec<&Value> = report["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    // every change listed is a real change between the two reports
    let find = |r: &Value, ods: &str| {
        r["providers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["ods_code"] == ods)
            .cloned()
            .unwrap()
    };
    let mut seen = 0;
    for p in providers.iter().filter(|p| p["status"] == "both") {
        let ods = p["ods_code"].as_str().unwrap();
        let (now, then) = (find(&report, ods), find(&before, ods));
        let changed: Vec<(Value, Value, Value)> = ids
            .iter()
            .enumerate()
            .filter(|(k, _)| now["outcomes"][*k] != then["outcomes"][*k])
            .map(|(k, id)| {
                (
                    (*id).clone(),
                    then["outcomes"][k].clone(),
                    now["outcomes"][k].clone(),
                )
            })
            .collect();
        let listed: Vec<(Value, Value, Value)> = p["changed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].clone(), c["from"].clone(), c["to"].clone()))
            .collect();
        assert_eq!(listed, changed, "{ods}");
        seen += changed.len();
        assert_eq!(p["rating_before"], then["rating"]);
        assert_eq!(p["rating_now"], now["rating"]);
    }
    assert!(seen > 10, "the examples change between periods");
    for (k, r) in changes["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(r["met_now"], report["requirements"][k]["counts"]["met"]);
        assert_eq!(r["met_before"], before["requirements"][k]["counts"]["met"]);
    }
    // the HTML says so too
    let out = netspec(&[
        "network",
        SPEC,
        FOLDER,
        "--previous",
        PREVIOUS,
        "--format",
        "html",
    ]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.contains("Changes since the previous period"));
}

#[test]
fn json_lines_give_the_same_roll_up_with_line_numbers() {
    let dir = Dir::new("network-jsonl");
    let mut lines = vec![];
    for f in example_files() {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        lines.push(serde_json::to_string(&v).unwrap());
    }
    lines.insert(3, String::new());
    lines.push("{not json".to_string());
    let file = dir.write("all.jsonl", lines.join("\n") + "\n");
    let folder = json_report(&["network", SPEC, FOLDER]);
    let jsonl = json_report(&["network", SPEC, file.to_str().unwrap()]);
    assert_eq!(jsonl["totals"]["providers"], folder["totals"]["providers"]);
    assert_eq!(jsonl["requirements"], folder["requirements"]);
    assert_eq!(jsonl["areas"], folder["areas"]);
    assert_eq!(jsonl["totals"]["failed"], 2);
    let bad = &jsonl["failed"][1];
    assert_eq!(bad["source"]["line"], lines.len() as u64);
    assert_eq!(bad["diagnostics"][0]["code"], "NS0207");
    // lines 1 to 3: network.json, nx9.json, r9a.json; line 4 is blank, and
    // skipped; r9b.json, the third provider, is line 5
    assert_eq!(jsonl["providers"][2]["ods_code"], "R9B");
    assert_eq!(jsonl["providers"][2]["source"]["line"], 5);
}

#[test]
fn a_missing_path_is_exit_2_and_nothing_is_written() {
    let out = netspec(&["network", SPEC, "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let out = netspec(&["network", SPEC]);
    assert_eq!(out.status.code(), Some(2));
}
