//! Diagnostics drawn rustc-style (through codespan-reporting) against the
//! files they point into.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, GeneralWriteResult, WriteStyle};

use super::{colour, Style};
use netspec_core::diagnostic::{escape_controls, escape_terminal};
use netspec_core::source::SourceMap;

use crate::{CompileError, Diagnostic, Severity, Spec};

/// Source lines longer than this (in bytes) are not drawn under a
/// diagnostic; the note names the place instead.
const LONGEST_SHOWN_LINE: usize = 1_000;

/// Draws diagnostics rustc-style against the files of `spec` (the spec they
/// were found in; `None` for diagnostics that point into no spec file, such
/// as a submission's): the code, the message, the source line with a caret
/// and its label, then the notes and help.
///
/// Diagnostics without a span (submission problems) are drawn with their JSON
/// pointer in place of the source line; a source line over 1,000 bytes is
/// named, not drawn.
pub fn diagnostics(diagnostics: &[Diagnostic], spec: Option<&Spec>, style: Style) -> String {
    match spec {
        Some(spec) => diagnostics_in(diagnostics, spec.inner.source_map(), style),
        None => diagnostics_in(diagnostics, &SourceMap::default(), style),
    }
}

/// [`diagnostics`] against the files of a core source map (for the
/// pipeline's own tests; not part of the stable API).
#[doc(hidden)]
pub fn diagnostics_in(diagnostics: &[Diagnostic], sources: &SourceMap, style: Style) -> String {
    let mut files = SimpleFiles::new();
    for f in sources.files() {
        files.add(f.name.clone(), f.text.to_string());
    }
    let config = term::Config {
        chars: term::Chars::ascii(),
        ..term::Config::default()
    };
    let mut out = Writer::new(style);
    for d in diagnostics {
        let cd = to_codespan(d, sources);
        if term::emit_to_write_style(&mut out, &config, &files, &cd).is_err() {
            out.pending.push_str(&escape_controls(&d.to_string()));
            out.pending.push('\n');
        }
    }
    out.finish()
}

/// [`diagnostics`] for every diagnostic of a spec that did not compile.
pub fn compile_error(error: &CompileError, style: Style) -> String {
    diagnostics_in(&error.diagnostics, error.source_map(), style)
}

/// One diagnostic as codespan-reporting draws it; the texts that do not
/// come from the spec's source are escaped here, the source lines (and
/// notes, which may span lines) when written.
fn to_codespan(d: &Diagnostic, map: &SourceMap) -> cs::Diagnostic<usize> {
    let mut cd = match d.severity {
        Severity::Error => cs::Diagnostic::error(),
        Severity::Warning => cs::Diagnostic::warning(),
    }
    .with_code(d.code.as_str())
    .with_message(escape_controls(&d.message));
    let mut notes = Vec::new();
    if let Some(span) = d.span() {
        let long = map
            .file(span.file)
            .is_some_and(|f| f.line_len(span.start as usize) > LONGEST_SHOWN_LINE);
        if long {
            // a generated or minified line: name the place, don't print the line
            if let Some(loc) = map.locate(span) {
                notes.push(format!(
                    "at {}:{}:{} (the line is too long to show)",
                    loc.file, loc.line, loc.column
                ));
            }
        } else {
            let mut label = cs::Label::primary(span.file.0 as usize, span.range());
            if let Some(l) = &d.label {
                label = label.with_message(escape_controls(l));
            }
            cd = cd.with_labels(vec![label]);
        }
    }
    // related places: drawn under their own lines, or named when not drawable
    for r in &d.related {
        let drawable = r.span().filter(|s| {
            map.file(s.file)
                .is_some_and(|f| f.line_len(s.start as usize) <= LONGEST_SHOWN_LINE)
        });
        match drawable {
            Some(s) => {
                cd.labels.push(
                    cs::Label::secondary(s.file.0 as usize, s.range())
                        .with_message(escape_controls(&r.message)),
                );
            }
            None => match &r.location {
                Some(loc) => notes.push(format!(
                    "{} at {}:{}:{}",
                    escape_controls(&r.message),
                    loc.file,
                    loc.line,
                    loc.column
                )),
                None => notes.push(escape_controls(&r.message).into_owned()),
            },
        }
    }
    if let Some(p) = &d.path {
        if p.is_empty() {
            notes.push("at the top level of the submission".to_string());
        } else {
            notes.push(format!("at {}", escape_controls(p)));
        }
    }
    if let Some(h) = &d.help {
        notes.push(format!("help: {}", escape_controls(h)));
    }
    // notes may span lines (a submission's line and a caret under it);
    // their control characters are escaped when written
    notes.extend(d.notes.iter().cloned());
    cd.with_notes(notes)
}

/// Where codespan-reporting writes: the text it gives is escaped
/// ([`escape_terminal`]: no control character of the spec reaches a
/// terminal), the colours it asks for are written as ANSI escapes when the
/// style has colour. Plain text is escaped once, whole, as it always was.
struct Writer {
    style: Style,
    /// Finished text, escaped.
    out: String,
    /// Text written since the last colour change, not yet escaped.
    pending: String,
}

impl Writer {
    fn new(style: Style) -> Writer {
        Writer {
            style,
            out: String::new(),
            pending: String::new(),
        }
    }

    fn flush_pending(&mut self) {
        self.out.push_str(&escape_terminal(&self.pending));
        self.pending.clear();
    }

    /// Switches to `colour` (after a reset); nothing in plain text.
    fn set(&mut self, colour: anstyle::Style) -> GeneralWriteResult {
        if self.style == Style::Ansi {
            self.flush_pending();
            self.out.push_str(&anstyle::Reset.render().to_string());
            self.out.push_str(&colour.render().to_string());
        }
        Ok(())
    }

    fn finish(mut self) -> String {
        self.flush_pending();
        self.out
    }
}

// codespan-reporting writes through `core::fmt::Write`, or through
// `std::io::Write` when its `std` feature is on: the writer takes both.
impl std::fmt::Write for Writer {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.pending.push_str(s);
        Ok(())
    }
}

impl std::io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.push_str(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl WriteStyle for Writer {
    fn set_header(&mut self, severity: cs::Severity) -> GeneralWriteResult {
        self.set(match severity {
            cs::Severity::Bug | cs::Severity::Error => colour::ERROR,
            cs::Severity::Warning => colour::WARNING,
            cs::Severity::Note | cs::Severity::Help => colour::BORDER,
        })
    }

    fn set_header_message(&mut self) -> GeneralWriteResult {
        self.set(colour::MESSAGE)
    }

    fn set_line_number(&mut self) -> GeneralWriteResult {
        self.set(colour::BORDER)
    }

    fn set_note_bullet(&mut self) -> GeneralWriteResult {
        self.set(colour::BORDER)
    }

    fn set_source_border(&mut self) -> GeneralWriteResult {
        self.set(colour::BORDER)
    }

    fn set_label(&mut self, severity: cs::Severity, style: cs::LabelStyle) -> GeneralWriteResult {
        self.set(match (style, severity) {
            (cs::LabelStyle::Secondary, _) => colour::BORDER,
            (_, cs::Severity::Warning) => colour::LABEL_WARNING,
            _ => colour::LABEL_ERROR,
        })
    }

    fn reset(&mut self) -> GeneralWriteResult {
        if self.style == Style::Ansi {
            self.flush_pending();
            self.out.push_str(&anstyle::Reset.render().to_string());
        }
        Ok(())
    }
}
