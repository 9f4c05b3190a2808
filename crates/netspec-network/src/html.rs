//! The network report as one self-contained, printable HTML page: inline
//! CSS and SVG, no script, no font, no image or link that leaves the page.
//!
//! Accessible: one `h1`, sections under `h2`/`h3`, every table with a
//! caption and header cells with `scope`; a rating or an outcome is always
//! written as a word or a symbol with a legend, never shown by colour
//! alone; the bar charts are `role="img"` with a label and have a table
//! beside them.

use std::fmt::Write as _;

use netspec::{Level, Outcome, Rating};

use crate::{area_title, outcome_label, percent, NetworkReport, RespondentSummary, PROVENANCE};

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped, control characters
/// (but tab and line feed) replaced with U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root{--green:#1a7f37;--amber:#9a6700;--red:#b42318;--grey:#57606a;--na:#eaeef2;--ink:#1f2328;--line:#d0d7de}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);margin:1.5rem auto;max-width:78rem;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.3rem}
.meta{color:var(--grey);margin:.2rem 0}
.note{background:#fff8c5;border-left:4px solid var(--amber);padding:.4rem .7rem;margin:.5rem 0}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top}
thead th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.r{display:inline-block;padding:0 .4rem;border-radius:.25rem;color:#fff;font-weight:600;font-size:.85rem}
.r-green{background:var(--green)}.r-amber{background:var(--amber)}.r-red{background:var(--red)}.r-incomplete{background:var(--grey)}
.heat{font-size:.75rem}.heat td{text-align:center;padding:.15rem .25rem;min-width:1.6rem}
.heat th.req{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;padding:.3rem .1rem}
.o-met{background:#dafbe1;color:#0f5323}.o-not_met{background:#ffebe9;color:#82071e;font-weight:700}.o-not_applicable{background:var(--na);color:var(--grey)}.o-incomplete{background:#fff8c5;color:#4d2d00}
.legend span{margin-right:1rem}
.row{display:flex;flex-wrap:wrap;gap:0 2rem;align-items:flex-start}.row h3{margin-top:.3rem}
.row{display:flex;flex-wrap:wrap;gap:0 2rem;align-items:flex-start}.row h3{margin-top:.3rem}
.bars{display:flex;flex-wrap:wrap;gap:1rem}
.bar{flex:1 1 22rem}
ul.short{margin:.2rem 0 .8rem 1.2rem;padding:0}ul.short li{margin:.15rem 0}
.small{font-size:.85rem;color:var(--grey)}
.wrap{overflow-x:auto}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}table,.bar{break-inside:avoid}.wrap{overflow:visible}a{color:inherit}}
"#;

fn rating_badge(r: Rating) -> String {
    format!("<span class=\"r r-{0}\">{0}</span>", r.as_str())
}

fn symbol(o: Outcome) -> &'static str {
    match o {
        Outcome::Met => "✓",
        Outcome::NotMet => "✗",
        Outcome::NotApplicable => "–",
        Outcome::Incomplete => "?",
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| format!("{v}%"))
}

fn colour(r: Rating) -> &'static str {
    match r {
        Rating::Green => "#1a7f37",
        Rating::Amber => "#9a6700",
        Rating::Red => "#b42318",
        Rating::Incomplete => "#57606a",
    }
}

const RATINGS: [Rating; 4] = [
    Rating::Green,
    Rating::Amber,
    Rating::Red,
    Rating::Incomplete,
];

/// The whole page.
pub fn write(report: &NetworkReport) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let title = format!("{}: network view", report.spec.title);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    let _ = writeln!(
        h,
        "<p class=\"meta\">Specification <code>{}</code>{}; netspec {}; network report format {}.</p>",
        escape(&report.spec.id),
        report
            .spec
            .version
            .as_deref()
            .map(|v| format!(" version {}", escape(v)))
            .unwrap_or_default(),
        escape(&report.engine_version),
        report.network_format
    );
    let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(PROVENANCE));
    for n in &report.notes {
        let _ = writeln!(h, "<p class=\"note\">Note: {}</p>", escape(n));
    }
    summary(&mut h, report);
    providers(&mut h, report);
    heat_map(&mut h, report);
    areas(&mut h, report);
    requirements(&mut h, report);
    network(&mut h, report);
    if report.changes.is_some() {
        changes(&mut h, report);
    }
    shortfalls(&mut h, report);
    failed(&mut h, report);
    let _ = writeln!(
        h,
        "</main>\n<footer><p class=\"small\">Made by netspec {} from {} submission(s). {}</p></footer>\n</body>\n</html>",
        escape(&report.engine_version),
        report.totals.submissions,
        escape(PROVENANCE)
    );
    h
}

fn summary(h: &mut String, report: &NetworkReport) {
    let t = report.totals;
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"summary\">\n<h2 id=\"summary\">Summary</h2>\n<div class=\"row\">"
    );
    let _ = writeln!(
        h,
        "<table><caption>Submissions</caption><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Number</th></tr></thead><tbody>\
<tr><th scope=\"row\">Read</th><td class=\"num\">{}</td></tr>\
<tr><th scope=\"row\">Providers evaluated</th><td class=\"num\">{}</td></tr>\
<tr><th scope=\"row\">Network's own submissions</th><td class=\"num\">{}</td></tr>\
<tr><th scope=\"row\">Could not be evaluated (listed below)</th><td class=\"num\">{}</td></tr></tbody></table>",
        t.submissions, t.providers, t.network, t.failed
    );
    let mut overall = crate::RatingCounts::default();
    for p in &report.providers {
        match p.rating {
            Rating::Green => overall.green += 1,
            Rating::Amber => overall.amber += 1,
            Rating::Red => overall.red += 1,
            Rating::Incomplete => overall.incomplete += 1,
        }
    }
    let _ = writeln!(
        h,
        "<table><caption>Providers by overall rating</caption><thead><tr><th scope=\"col\">Rating</th><th scope=\"col\">Providers</th><th scope=\"col\">Share</th></tr></thead><tbody>"
    );
    for r in RATINGS {
        let n = overall.of(r);
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{n}</td><td class=\"num\">{}</td></tr>",
            rating_badge(r),
            pct(percent(n, overall.total()))
        );
    }
    let _ = writeln!(h, "</tbody></table>");
    // the musts most providers miss
    let mut missed: Vec<_> = report
        .requirements
        .iter()
        .filter(|r| r.level == Level::Must && r.counts.not_met > 0)
        .collect();
    missed.sort_by_key(|r| std::cmp::Reverse(r.counts.not_met));
    if !missed.is_empty() {
        let _ = writeln!(
            h,
            "<div><h3>The <em>must</em> requirements most providers do not meet</h3>\n<ol>"
        );
        for r in missed.iter().take(5) {
            let _ = writeln!(
                h,
                "<li><strong>{}</strong> {}: not met by {} of {} providers</li>",
                escape(&r.id),
                escape(&r.title),
                r.counts.not_met,
                report.totals.providers
            );
        }
        let _ = writeln!(h, "</ol></div>");
    }
    let _ = writeln!(h, "</div>\n</section>");
}

fn providers(h: &mut String, report: &NetworkReport) {
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"providers\">\n<h2 id=\"providers\">Providers</h2>\n<p>Rated on the providers' requirements only; the network's own duties are reported <a href=\"#network\">apart</a>.</p>\n<div class=\"wrap\"><table><caption>Each provider's overall and per-area rating and compliance (met ÷ (met + not met))</caption><thead><tr><th scope=\"col\">ODS code</th><th scope=\"col\">Organisation</th><th scope=\"col\">Period</th><th scope=\"col\">Rating</th><th scope=\"col\">Compliance</th><th scope=\"col\">Met</th><th scope=\"col\">Not met</th><th scope=\"col\">N/A</th><th scope=\"col\">Incomplete</th>"
    );
    for a in &report.areas {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(&a.title));
    }
    let _ = writeln!(h, "</tr></thead><tbody>");
    for p in &report.providers {
        respondent_row(h, p, report);
    }
    let _ = writeln!(h, "</tbody></table></div>\n</section>");
}

fn respondent_row(h: &mut String, p: &RespondentSummary, report: &NetworkReport) {
    let _ = write!(
        h,
        "<tr><th scope=\"row\">{}</th><td>{}</td><td>{} to {}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        escape(&p.ods_code),
        escape(&p.name),
        escape(&p.period_start),
        escape(&p.period_end),
        rating_badge(p.rating),
        pct(p.compliance),
        p.counts.met,
        p.counts.not_met,
        p.counts.not_applicable,
        p.counts.incomplete
    );
    for a in &report.areas {
        match p.areas.iter().find(|x| x.area == a.area) {
            Some(x)
                if x.counts.met
                    + x.counts.not_met
                    + x.counts.not_applicable
                    + x.counts.incomplete
                    > 0 =>
            {
                let _ = write!(
                    h,
                    "<td>{} {}</td>",
                    rating_badge(x.rating),
                    pct(x.compliance)
                );
            }
            _ => {
                let _ = write!(h, "<td>–</td>");
            }
        }
    }
    let _ = writeln!(h, "</tr>");
}

fn legend(h: &mut String) {
    let _ = writeln!(
        h,
        "<p class=\"legend\" id=\"legend\">Key: <span class=\"o-met\">✓ met</span> <span class=\"o-not_met\">✗ not met</span> <span class=\"o-not_applicable\">– not applicable</span> <span class=\"o-incomplete\">? incomplete (unanswered)</span></p>"
    );
}

fn heat_map(h: &mut String, report: &NetworkReport) {
    let _ = writeln!(h, "<section aria-labelledby=\"heat\">\n<h2 id=\"heat\">Heat map: providers × requirements</h2>");
    legend(h);
    let _ = write!(
        h,
        "<div class=\"wrap\"><table class=\"heat\" aria-describedby=\"legend\"><caption>Outcome of every provider requirement for every provider</caption><thead><tr><th scope=\"col\">Provider</th>"
    );
    for r in &report.requirements {
        let _ = write!(
            h,
            "<th scope=\"col\" class=\"req\" title=\"{} ({})\">{}</th>",
            escape(&r.title),
            r.level.as_str(),
            escape(&r.id)
        );
    }
    let _ = writeln!(h, "</tr></thead><tbody>");
    for p in &report.providers {
        let _ = write!(
            h,
            "<tr><th scope=\"row\" title=\"{}\">{}</th>",
            escape(&p.name),
            escape(&p.ods_code)
        );
        for (r, &o) in report.requirements.iter().zip(&p.outcomes) {
            let _ = write!(
                h,
                "<td class=\"o-{}\" title=\"{}: {}\"><span aria-hidden=\"true\">{}</span><span class=\"sr\">{}</span></td>",
                o.as_str(),
                escape(&r.id),
                outcome_label(o),
                symbol(o),
                outcome_label(o)
            );
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</tbody></table></div>\n</section>");
}

/// A stacked horizontal bar of the rating distribution, inline SVG.
fn bar_svg(title: &str, counts: &crate::RatingCounts) -> String {
    let total = counts.total();
    let width = 320.0_f64;
    let mut x = 0.0_f64;
    let mut parts = String::new();
    let mut words = Vec::new();
    for r in RATINGS {
        let n = counts.of(r);
        words.push(format!("{n} {}", r.as_str()));
        if n == 0 || total == 0 {
            continue;
        }
        let w = width * f64::from(n) / f64::from(total);
        let _ = write!(
            parts,
            "<rect x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"24\" fill=\"{}\"/>",
            colour(r)
        );
        if w >= 18.0 {
            let _ = write!(
                parts,
                "<text x=\"{:.1}\" y=\"16\" font-size=\"12\" fill=\"#fff\" text-anchor=\"middle\">{n}</text>",
                x + w / 2.0
            );
        }
        x += w;
    }
    let label = format!("{}: {}", title, words.join(", "));
    format!(
        "<svg role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"24\" viewBox=\"0 0 {width} 24\"><title>{}</title><rect width=\"{width}\" height=\"24\" fill=\"#eaeef2\"/>{parts}</svg>",
        escape(&label),
        escape(&label)
    )
}

fn areas(h: &mut String, report: &NetworkReport) {
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"areas\">\n<h2 id=\"areas\">Areas: the providers' ratings</h2>\n<div class=\"bars\">"
    );
    for a in &report.areas {
        let _ = writeln!(
            h,
            "<div class=\"bar\"><h3>{}</h3>{}<p class=\"small\">{} green, {} amber, {} red, {} incomplete; compliance {}</p></div>",
            escape(&a.title),
            bar_svg(&a.title, &a.ratings),
            a.ratings.green,
            a.ratings.amber,
            a.ratings.red,
            a.ratings.incomplete,
            pct(a.compliance)
        );
    }
    let _ = writeln!(
        h,
        "</div>\n<table><caption>Providers by rating, per area</caption><thead><tr><th scope=\"col\">Area</th><th scope=\"col\">Green</th><th scope=\"col\">Amber</th><th scope=\"col\">Red</th><th scope=\"col\">Incomplete</th><th scope=\"col\">Compliance</th></tr></thead><tbody>"
    );
    for a in &report.areas {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&a.title),
            a.ratings.green,
            a.ratings.amber,
            a.ratings.red,
            a.ratings.incomplete,
            pct(a.compliance)
        );
    }
    let _ = writeln!(h, "</tbody></table>\n</section>");
}

fn requirements(h: &mut String, report: &NetworkReport) {
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"requirements\">\n<h2 id=\"requirements\">Requirements across the providers</h2>\n<div class=\"wrap\"><table><caption>Providers per outcome, and the providers not meeting each <em>must</em></caption><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Area</th><th scope=\"col\">Level</th><th scope=\"col\">Requirement</th><th scope=\"col\">Met</th><th scope=\"col\">Not met</th><th scope=\"col\">N/A</th><th scope=\"col\">Incomplete</th><th scope=\"col\">Compliance</th><th scope=\"col\">Not meeting (must)</th></tr></thead><tbody>"
    );
    for r in &report.requirements {
        let c = r.counts;
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{} ({})</td><td class=\"num\">{} ({})</td><td class=\"num\">{} ({})</td><td class=\"num\">{} ({})</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&r.id),
            escape(&area_title(report, &r.area)),
            r.level.as_str(),
            escape(&r.title),
            c.met,
            pct(r.shares.met),
            c.not_met,
            pct(r.shares.not_met),
            c.not_applicable,
            pct(r.shares.not_applicable),
            c.incomplete,
            pct(r.shares.incomplete),
            pct(r.compliance),
            escape(&r.not_meeting.join(", "))
        );
    }
    let _ = writeln!(h, "</tbody></table></div>\n</section>");
}

fn network(h: &mut String, report: &NetworkReport) {
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"network\">\n<h2 id=\"network\">The network's own duties</h2>\n<p>From the network's own submission (made by its host organisation): the network is rated on these, and no provider is.</p>"
    );
    if report.network.submissions.is_empty() {
        let _ = writeln!(h, "<p>No network submission was given.</p>");
    }
    for n in &report.network.submissions {
        let _ = writeln!(
            h,
            "<h3>{} ({}), host: rated {}, compliance {}</h3>",
            escape(&n.name),
            escape(&n.ods_code),
            rating_badge(n.rating),
            pct(n.compliance)
        );
        let _ = writeln!(
            h,
            "<table><caption>The network's requirements ({} to {})</caption><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Level</th><th scope=\"col\">Requirement</th><th scope=\"col\">Outcome</th><th scope=\"col\">Why not met</th></tr></thead><tbody>",
            escape(&n.period_start),
            escape(&n.period_end)
        );
        for (r, &o) in report.network.requirements.iter().zip(&n.outcomes) {
            let why = n
                .not_met
                .iter()
                .find(|s| s.id == r.id)
                .map(|s| escape(&s.messages.join("; ")))
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"o-{}\">{} {}</td><td>{}</td></tr>",
                escape(&r.id),
                r.level.as_str(),
                escape(&r.title),
                o.as_str(),
                symbol(o),
                outcome_label(o),
                why
            );
        }
        let _ = writeln!(h, "</tbody></table>");
    }
    let _ = writeln!(h, "</section>");
}

fn changes(h: &mut String, report: &NetworkReport) {
    let Some(c) = &report.changes else { return };
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"changes\">\n<h2 id=\"changes\">Changes since the previous period</h2>\n<p>The previous roll-up had {} provider submission(s).</p>\n<table><caption>Per provider (matched by ODS code)</caption><thead><tr><th scope=\"col\">ODS code</th><th scope=\"col\">Organisation</th><th scope=\"col\">Status</th><th scope=\"col\">Rating before → now</th><th scope=\"col\">Compliance before → now</th><th scope=\"col\">Outcomes changed</th></tr></thead><tbody>",
        c.previous.providers
    );
    for p in &c.providers {
        let changed: Vec<String> = p
            .changed
            .iter()
            .map(|x| {
                format!(
                    "{}: {} → {}",
                    escape(&x.id),
                    outcome_label(x.from),
                    outcome_label(x.to)
                )
            })
            .collect();
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{} → {}</td><td>{} → {}</td><td>{}</td></tr>",
            escape(&p.ods_code),
            escape(&p.name),
            escape(&p.status),
            p.rating_before.map_or("–", |r| r.as_str()),
            p.rating_now.map_or("–", |r| r.as_str()),
            pct(p.compliance_before),
            pct(p.compliance_now),
            changed.join("; ")
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table>\n<table><caption>Per requirement</caption><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Met before → now</th><th scope=\"col\">Compliance before → now</th><th scope=\"col\">Met → not met</th><th scope=\"col\">Not met → met</th></tr></thead><tbody>"
    );
    for r in &c.requirements {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{} → {}</td><td class=\"num\">{} → {}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.id),
            r.met_before,
            r.met_now,
            pct(r.compliance_before),
            pct(r.compliance_now),
            escape(&r.became_not_met.join(", ")),
            escape(&r.became_met.join(", "))
        );
    }
    let _ = writeln!(h, "</tbody></table>\n</section>");
}

fn shortfalls(h: &mut String, report: &NetworkReport) {
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"not-met\">\n<h2 id=\"not-met\">Each provider's requirements not met</h2>\n<p>With the checks that failed, in the words of the provider's own answers.</p>"
    );
    for p in &report.providers {
        let _ = writeln!(
            h,
            "<h3>{} ({}): {} not met</h3>",
            escape(&p.name),
            escape(&p.ods_code),
            p.not_met.len()
        );
        if p.not_met.is_empty() {
            let _ = writeln!(h, "<p>Every requirement decided is met.</p>");
            continue;
        }
        let _ = writeln!(h, "<ul class=\"short\">");
        for s in &p.not_met {
            let title = report
                .requirements
                .iter()
                .find(|r| r.id == s.id)
                .map(|r| r.title.as_str())
                .unwrap_or_default();
            let _ = write!(
                h,
                "<li><strong>{}</strong> ({}) {}",
                escape(&s.id),
                s.level.as_str(),
                escape(title)
            );
            if !s.messages.is_empty() {
                let _ = write!(h, "<ul>");
                for m in &s.messages {
                    let _ = write!(h, "<li>{}</li>", escape(m));
                }
                let _ = write!(h, "</ul>");
            }
            let _ = writeln!(h, "</li>");
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(h, "</section>");
}

fn failed(h: &mut String, report: &NetworkReport) {
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"failed\">\n<h2 id=\"failed\">Submissions that could not be evaluated</h2>"
    );
    if report.failed.is_empty() {
        let _ = writeln!(
            h,
            "<p>None: every submission was evaluated.</p>\n</section>"
        );
        return;
    }
    let _ = writeln!(
        h,
        "<table><caption>Each with its errors (fix them and run the roll-up again)</caption><thead><tr><th scope=\"col\">Submission</th><th scope=\"col\">ODS code</th><th scope=\"col\">Code</th><th scope=\"col\">Where</th><th scope=\"col\">Problem</th></tr></thead><tbody>"
    );
    for f in &report.failed {
        for d in &f.diagnostics {
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                escape(&f.source.label()),
                escape(f.ods_code.as_deref().unwrap_or("–")),
                escape(d.code.as_str()),
                escape(d.path.as_deref().unwrap_or("")),
                escape(&d.message)
            );
        }
        if f.more > 0 {
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td colspan=\"4\">… and {} more</td></tr>",
                escape(&f.source.label()),
                f.more
            );
        }
    }
    let _ = writeln!(h, "</tbody></table>\n</section>");
}
