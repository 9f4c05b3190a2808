//! The network report as an Excel workbook (feature `xlsx`), through
//! rust_xlsxwriter: sheets `Summary` (totals, then one row per provider),
//! `Matrix` (provider × requirement, the outcome as a word coloured by a
//! conditional format), `Tidy` (the CSV's rows, [`crate::csv::COLUMNS`],
//! numbers as numbers), `Requirements`, `Network` (the network's own
//! duties) and `Failed`. Every cell is written as a string or a number,
//! never as a formula.

use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, Format, Workbook, Worksheet, XlsxError,
};

use crate::{csv, outcome_label, NetworkReport, PROVENANCE};

/// The columns of the tidy sheet written as numbers.
const NUMERIC: [&str; 5] = [
    "applicable",
    "met",
    "provider_met",
    "provider_not_met",
    "provider_compliance",
];

/// Most rows a sheet takes (Excel's limit, less the header).
const MAX_ROWS: usize = 1_048_575;

/// The workbook's bytes.
pub fn workbook(report: &NetworkReport) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    summary(wb.add_worksheet(), report, &bold)?;
    matrix(wb.add_worksheet(), report, &bold)?;
    tidy(wb.add_worksheet(), report, &bold)?;
    requirements(wb.add_worksheet(), report, &bold)?;
    network(wb.add_worksheet(), report, &bold)?;
    failed(wb.add_worksheet(), report, &bold)?;
    wb.save_to_buffer()
}

fn row_num(k: usize) -> u32 {
    u32::try_from(k).unwrap_or(u32::MAX)
}

fn col_num(k: usize) -> u16 {
    u16::try_from(k).unwrap_or(u16::MAX)
}

fn opt_number(ws: &mut Worksheet, r: u32, c: u16, x: Option<f64>) -> Result<(), XlsxError> {
    if let Some(v) = x {
        ws.write_number(r, c, v)?;
    }
    Ok(())
}

fn header(ws: &mut Worksheet, r: u32, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, n) in names.iter().enumerate() {
        ws.write_string_with_format(r, col_num(c), *n, bold)?;
    }
    Ok(())
}

fn summary(ws: &mut Worksheet, report: &NetworkReport, bold: &Format) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    let title = format!("{}: network view", report.spec.title);
    ws.write_string_with_format(0, 0, title.as_str(), bold)?;
    ws.write_string(1, 0, PROVENANCE)?;
    let t = report.totals;
    let totals = [
        ("Submissions read", t.submissions),
        ("Providers evaluated", t.providers),
        ("Network's own submissions", t.network),
        ("Could not be evaluated", t.failed),
    ];
    for (k, (name, n)) in totals.iter().enumerate() {
        ws.write_string(row_num(k + 3), 0, *name)?;
        ws.write_number(row_num(k + 3), 1, *n as f64)?;
    }
    let top = 8u32;
    let mut names = vec![
        "ods_code",
        "organisation",
        "period_start",
        "period_end",
        "rating",
        "compliance",
        "met",
        "not_met",
        "not_applicable",
        "incomplete",
    ];
    let area_cols: Vec<String> = report
        .areas
        .iter()
        .map(|a| format!("{} rating", a.title))
        .collect();
    names.extend(area_cols.iter().map(String::as_str));
    header(ws, top, &names, bold)?;
    for (k, p) in report.providers.iter().take(MAX_ROWS).enumerate() {
        let r = top + 1 + row_num(k);
        ws.write_string(r, 0, p.ods_code.as_str())?;
        ws.write_string(r, 1, p.name.as_str())?;
        ws.write_string(r, 2, p.period_start.as_str())?;
        ws.write_string(r, 3, p.period_end.as_str())?;
        ws.write_string(r, 4, p.rating.as_str())?;
        opt_number(ws, r, 5, p.compliance)?;
        ws.write_number(r, 6, p.counts.met)?;
        ws.write_number(r, 7, p.counts.not_met)?;
        ws.write_number(r, 8, p.counts.not_applicable)?;
        ws.write_number(r, 9, p.counts.incomplete)?;
        for (j, a) in report.areas.iter().enumerate() {
            if let Some(x) = p.areas.iter().find(|x| x.area == a.area) {
                ws.write_string(r, col_num(10 + j), x.rating.as_str())?;
            }
        }
    }
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 40)?;
    Ok(())
}

fn fill(rgb: u32, font: u32) -> Format {
    Format::new()
        .set_background_color(Color::RGB(rgb))
        .set_font_color(Color::RGB(font))
}

fn matrix(ws: &mut Worksheet, report: &NetworkReport, bold: &Format) -> Result<(), XlsxError> {
    ws.set_name("Matrix")?;
    ws.write_string_with_format(0, 0, "ods_code", bold)?;
    ws.write_string_with_format(0, 1, "organisation", bold)?;
    for (j, r) in report.requirements.iter().enumerate() {
        ws.write_string_with_format(0, col_num(2 + j), r.id.as_str(), bold)?;
    }
    let rows = report.providers.len().min(MAX_ROWS);
    for (k, p) in report.providers.iter().take(rows).enumerate() {
        let r = row_num(k + 1);
        ws.write_string(r, 0, p.ods_code.as_str())?;
        ws.write_string(r, 1, p.name.as_str())?;
        for (j, &o) in p.outcomes.iter().enumerate() {
            ws.write_string(r, col_num(2 + j), outcome_label(o))?;
        }
    }
    if rows > 0 && !report.requirements.is_empty() {
        let last_row = row_num(rows);
        let last_col = col_num(1 + report.requirements.len());
        for (word, bg, font) in [
            ("met", 0xDAFBE1, 0x0F5323),
            ("not met", 0xFFEBE9, 0x82071E),
            ("n/a", 0xEAEEF2, 0x57606A),
            ("incomplete", 0xFFF8C5, 0x4D2D00),
        ] {
            let cf = ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::EqualTo(word))
                .set_format(fill(bg, font));
            ws.add_conditional_format(1, 2, last_row, last_col, &cf)?;
        }
    }
    ws.set_freeze_panes(1, 2)?;
    ws.set_column_width(1, 36)?;
    Ok(())
}

fn tidy(ws: &mut Worksheet, report: &NetworkReport, bold: &Format) -> Result<(), XlsxError> {
    ws.set_name("Tidy")?;
    header(ws, 0, &csv::COLUMNS, bold)?;
    for (k, row) in csv::rows(report).take(MAX_ROWS).enumerate() {
        let r = row_num(k + 1);
        for (c, (value, name)) in row.iter().zip(csv::COLUMNS).enumerate() {
            match value.parse::<f64>() {
                Ok(x) if NUMERIC.contains(&name) => {
                    ws.write_number(r, col_num(c), x)?;
                }
                _ if value.is_empty() => {}
                _ => {
                    ws.write_string(r, col_num(c), value.as_str())?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn requirements(
    ws: &mut Worksheet,
    report: &NetworkReport,
    bold: &Format,
) -> Result<(), XlsxError> {
    ws.set_name("Requirements")?;
    header(
        ws,
        0,
        &[
            "requirement",
            "area",
            "level",
            "basis",
            "title",
            "met",
            "not_met",
            "not_applicable",
            "incomplete",
            "met_pct",
            "not_met_pct",
            "not_applicable_pct",
            "incomplete_pct",
            "compliance",
            "not_meeting",
        ],
        bold,
    )?;
    for (k, q) in report.requirements.iter().enumerate() {
        let r = row_num(k + 1);
        ws.write_string(r, 0, q.id.as_str())?;
        ws.write_string(r, 1, q.area.as_str())?;
        ws.write_string(r, 2, q.level.as_str())?;
        ws.write_string(r, 3, q.basis.map(|b| b.as_str()).unwrap_or_default())?;
        ws.write_string(r, 4, q.title.as_str())?;
        ws.write_number(r, 5, q.counts.met)?;
        ws.write_number(r, 6, q.counts.not_met)?;
        ws.write_number(r, 7, q.counts.not_applicable)?;
        ws.write_number(r, 8, q.counts.incomplete)?;
        opt_number(ws, r, 9, q.shares.met)?;
        opt_number(ws, r, 10, q.shares.not_met)?;
        opt_number(ws, r, 11, q.shares.not_applicable)?;
        opt_number(ws, r, 12, q.shares.incomplete)?;
        opt_number(ws, r, 13, q.compliance)?;
        let listed = q.not_meeting.join(", ");
        // a cell holds at most 32,767 characters
        let listed: String = listed.chars().take(32_000).collect();
        ws.write_string(r, 14, listed.as_str())?;
    }
    Ok(())
}

fn network(ws: &mut Worksheet, report: &NetworkReport, bold: &Format) -> Result<(), XlsxError> {
    ws.set_name("Network")?;
    ws.write_string(
        0,
        0,
        "The network's own duties, from the network's own submission: no provider is rated on these.",
    )?;
    header(
        ws,
        1,
        &[
            "ods_code",
            "organisation",
            "requirement",
            "level",
            "title",
            "outcome",
            "why_not_met",
        ],
        bold,
    )?;
    let mut r = 2u32;
    for n in &report.network.submissions {
        for (q, &o) in report.network.requirements.iter().zip(&n.outcomes) {
            ws.write_string(r, 0, n.ods_code.as_str())?;
            ws.write_string(r, 1, n.name.as_str())?;
            ws.write_string(r, 2, q.id.as_str())?;
            ws.write_string(r, 3, q.level.as_str())?;
            ws.write_string(r, 4, q.title.as_str())?;
            ws.write_string(r, 5, o.as_str())?;
            if let Some(s) = n.not_met.iter().find(|s| s.id == q.id) {
                ws.write_string(r, 6, s.messages.join("; ").as_str())?;
            }
            r = r.saturating_add(1);
        }
    }
    Ok(())
}

fn failed(ws: &mut Worksheet, report: &NetworkReport, bold: &Format) -> Result<(), XlsxError> {
    ws.set_name("Failed")?;
    header(
        ws,
        0,
        &["submission", "ods_code", "code", "path", "message"],
        bold,
    )?;
    let mut r = 1u32;
    for f in report.failed.iter().take(MAX_ROWS) {
        for d in &f.diagnostics {
            ws.write_string(r, 0, f.source.label().as_str())?;
            ws.write_string(r, 1, f.ods_code.as_deref().unwrap_or_default())?;
            ws.write_string(r, 2, d.code.as_str())?;
            ws.write_string(r, 3, d.path.as_deref().unwrap_or_default())?;
            ws.write_string(r, 4, d.message.as_str())?;
            r = r.saturating_add(1);
        }
    }
    Ok(())
}
