//! A report as text for a terminal.

use super::{colour, Painter, Style};
use crate::report::{Check, Counts, RequirementResult};
use crate::{Basis, Level, Outcome, Rating, Report};

/// Lines under a requirement start here.
const INDENT: &str = "                  ";

/// Renders a report for a terminal: who answered (the header), the rating
/// and compliance overall and per area, and for each requirement its
/// outcome, level and basis; for one not met or incomplete, its help and
/// reference, the checks that failed (and what would make them pass), the
/// answers and evidence it still needs; then the warnings.
///
/// With [`Style::Ansi`], ratings and outcome words are coloured; the text is
/// otherwise the same.
pub fn report_text(report: &Report<'_>, style: Style) -> String {
    let mut p = Painter::new(style);
    let version = report
        .spec
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    p.line(format_args!(
        "{}{version}: {}",
        report.spec.id, report.spec.title
    ));
    match &report.header {
        Some(h) => {
            p.line(format_args!(
                "{} ({}), {} submission",
                h.organisation.name,
                h.organisation.ods_code,
                h.respondent.as_str()
            ));
            p.line(format_args!(
                "period {} to {}",
                h.period.start, h.period.end
            ));
            p.line(format_args!("completed by {}", h.completed_by));
            match &h.signed_off {
                Some(so) => p.line(format_args!("signed off by {} on {}", so.by, so.on)),
                None => p.line(format_args!("not signed off")),
            }
        }
        None => p.line(format_args!(
            "unattributed {} submission (no header)",
            report.respondent.as_str()
        )),
    }
    if let Some(d) = report.assessed_on {
        p.line(format_args!("assessed on {d}"));
    }
    p.text("overall: ");
    p.rating(report.overall.rating);
    p.line(format_args!(
        "  {}  ({})",
        compliance_text(&report.overall.counts),
        counts_text(&report.overall.counts)
    ));
    for a in &report.areas {
        let rs: Vec<&RequirementResult> = report
            .requirements
            .iter()
            .filter(|r| r.area == a.area)
            .collect();
        if rs.is_empty() {
            continue;
        }
        p.newline();
        p.text(&format!("{}: ", a.title));
        p.rating(a.rating);
        p.line(format_args!(
            "  {}  ({})",
            compliance_text(&a.counts),
            counts_text(&a.counts)
        ));
        for r in rs {
            requirement(&mut p, r);
        }
    }
    for w in &report.warnings {
        p.newline();
        p.line(format_args!("{w}"));
    }
    p.out
}

/// One requirement's lines.
fn requirement(p: &mut Painter, r: &RequirementResult<'_>) {
    let (word, pad, paint) = match r.outcome {
        Outcome::Met => ("met", "           ", colour::GOOD),
        Outcome::NotMet => ("NOT MET", "       ", colour::BAD),
        Outcome::NotApplicable => ("n/a", "           ", colour::QUIET),
        Outcome::Incomplete => ("incomplete", "    ", colour::UNDECIDED),
    };
    p.text("  ");
    p.paint(paint, word);
    p.line(format_args!(
        "{pad}{} ({}) {}",
        r.id,
        level_text(r.level, r.basis),
        r.title
    ));
    let open = matches!(r.outcome, Outcome::NotMet | Outcome::Incomplete);
    if open {
        if let Some(h) = &r.help {
            p.line(format_args!("{INDENT}help: {h}"));
        }
        if let Some(rf) = &r.reference {
            p.line(format_args!("{INDENT}ref: {rf}"));
        }
    }
    match r.outcome {
        Outcome::NotMet => {
            // conditions that held (the `if` side of an `implies`) are in the JSON report
            for c in r.explanation.iter().filter(|c| !c.held && c.in_scope) {
                check(p, c);
            }
        }
        Outcome::NotApplicable => {
            // the messages say "Not applicable: …" themselves
            for c in &r.explanation {
                check(p, c);
            }
        }
        _ => {}
    }
    for m in &r.missing {
        if m.path.starts_with("/evidence/") {
            p.line(format_args!(
                "{INDENT}needs the required evidence: {} ({})",
                m.question, m.path
            ));
        } else {
            p.line(format_args!(
                "{INDENT}needs an answer: {} ({})",
                m.question, m.path
            ));
        }
    }
    for problem in &r.problems {
        p.line(format_args!("{INDENT}cannot decide: {problem}"));
    }
    if !r.evidence.missing.is_empty() && r.outcome != Outcome::NotApplicable {
        p.line(format_args!(
            "{INDENT}evidence missing: {}",
            r.evidence.missing.join(", ")
        ));
    }
}

/// One check of an explanation: `element: message` (the element as the
/// explanation names it for people, when it names one), then what would
/// make it pass, one "to pass: …" line each.
fn check(p: &mut Painter, c: &Check) {
    match c.element_name.as_deref().or(c.element.as_deref()) {
        Some(e) => p.line(format_args!("{INDENT}{e}: {}", c.message)),
        None => p.line(format_args!("{INDENT}{}", c.message)),
    }
    for t in &c.to_pass {
        p.line(format_args!("{INDENT}  to pass: {}", t.message));
    }
}

impl Painter {
    /// The rest of a line, escaped (control characters from answers, names
    /// and messages are written as escapes, so no input can forge a line
    /// or colour the terminal), and its end.
    fn line(&mut self, args: std::fmt::Arguments<'_>) {
        self.text(&args.to_string());
        self.newline();
    }

    /// A rating in capitals, in its colour.
    fn rating(&mut self, rating: Rating) {
        let paint = match rating {
            Rating::Green => colour::GOOD.bold(),
            Rating::Amber => colour::MIDDLE,
            Rating::Red => colour::BAD,
            Rating::Incomplete => colour::UNDECIDED.bold(),
        };
        self.paint(paint, &rating.as_str().to_uppercase());
    }
}

/// A requirement's level with the basis of its threshold, in words:
/// "must · estimated threshold".
fn level_text(level: Level, basis: Option<Basis>) -> String {
    let basis = match basis {
        Some(Basis::Standard) => "from a standard",
        Some(Basis::Derived) => "derived from a standard",
        Some(Basis::Estimate) => "estimated threshold",
        None => "basis not stated",
    };
    format!("{} · {basis}", level.as_str())
}

/// "compliance 20.6% (7 of 34 met; 0 incomplete)", or "compliance n/a (…)"
/// when nothing was met or not met; one decimal, rounded half away from
/// zero from the exact ratio.
fn compliance_text(c: &Counts) -> String {
    let decided = u64::from(c.met) + u64::from(c.not_met);
    let pct = match c.compliance_in(10) {
        Some(t) => format!("{}.{}%", t / 10, t % 10),
        None => "n/a".to_string(),
    };
    format!(
        "compliance {pct} ({} of {decided} met; {} incomplete)",
        c.met, c.incomplete
    )
}

fn counts_text(c: &Counts) -> String {
    format!(
        "met {}, not met {}, not applicable {}, incomplete {}",
        c.met, c.not_met, c.not_applicable, c.incomplete
    )
}
