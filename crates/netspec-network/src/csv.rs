//! The network report as tidy CSV: one row per provider × requirement
//! (RFC 4180: comma-separated, fields quoted when needed, CRLF line ends,
//! a UTF-8 byte order mark so that Excel reads the names right).
//!
//! A text field that a spreadsheet would read as a formula (starting with
//! `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a
//! leading `'`, so that a name from a submission cannot run in Excel.

use crate::{outcome_label, NetworkReport, RespondentSummary};
use netspec::Outcome;

/// The header row's columns, in order.
pub const COLUMNS: [&str; 17] = [
    "ods_code",
    "organisation",
    "source",
    "period_start",
    "period_end",
    "requirement",
    "area",
    "level",
    "basis",
    "title",
    "outcome",
    "applicable",
    "met",
    "provider_met",
    "provider_not_met",
    "provider_compliance",
    "provider_rating",
];

/// One field, quoted when it holds a comma, a quote or a line end, and
/// guarded against formula injection.
pub fn field(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A percentage with up to 2 decimals as written in JSON (`20.59`), or empty.
pub fn number(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// The rows (without the header) as lists of fields, unquoted: what CSV
/// and the workbook's tidy sheet both write.
pub fn rows(report: &NetworkReport) -> impl Iterator<Item = Vec<String>> + '_ {
    report.providers.iter().flat_map(move |p| {
        report
            .requirements
            .iter()
            .zip(&p.outcomes)
            .map(move |(r, &o)| row(p, &r.id, &r.area, r.level, r.basis, &r.title, o))
    })
}

fn row(
    p: &RespondentSummary,
    id: &str,
    area: &str,
    level: netspec::Level,
    basis: Option<netspec::Basis>,
    title: &str,
    o: Outcome,
) -> Vec<String> {
    let applicable = matches!(o, Outcome::Met | Outcome::NotMet);
    vec![
        p.ods_code.clone(),
        p.name.clone(),
        p.source.label(),
        p.period_start.clone(),
        p.period_end.clone(),
        id.to_string(),
        area.to_string(),
        level.as_str().to_string(),
        basis.map(|b| b.as_str()).unwrap_or_default().to_string(),
        title.to_string(),
        o.as_str().to_string(),
        u8::from(applicable).to_string(),
        u8::from(o == Outcome::Met).to_string(),
        p.counts.met.to_string(),
        p.counts.not_met.to_string(),
        number(p.compliance),
        p.rating.as_str().to_string(),
    ]
}

/// The whole CSV text.
pub fn write(report: &NetworkReport) -> String {
    let mut out = Vec::new();
    // writing into memory cannot fail
    let _ = write_to(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The CSV written row by row into `out` (no copy of the whole text is
/// made: what `netspec network --format csv` does).
pub fn write_to(report: &NetworkReport, out: &mut impl std::io::Write) -> std::io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    out.write_all(COLUMNS.join(",").as_bytes())?;
    out.write_all(b"\r\n")?;
    for r in rows(report) {
        for (k, f) in r.iter().enumerate() {
            if k > 0 {
                out.write_all(b",")?;
            }
            out.write_all(field(f).as_bytes())?;
        }
        out.write_all(b"\r\n")?;
    }
    Ok(())
}

/// A label for an outcome in a table (re-exported for the other writers).
pub fn label(o: Outcome) -> &'static str {
    outcome_label(o)
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_and_formulas_guarded() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-1,2"), "\"'-1,2\"");
    }
}
