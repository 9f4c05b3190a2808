//! Text for people: diagnostics drawn rustc-style against the spec's
//! source, and reports for a terminal, plain or coloured.
//!
//! The engine's results are data ([`crate::Diagnostic`], [`crate::Report`]);
//! this module is where they become text. [`diagnostics`] draws problems
//! with the source line and a caret; [`report_text`] writes a report with
//! its ratings, outcomes, failed checks and missing answers. Both take a
//! [`Style`]: [`Style::Plain`] gives the same text every time, for files,
//! pipes and tests; [`Style::Ansi`] adds ANSI colour escapes around severities,
//! carets, outcome words and ratings, and changes nothing else.
//!
//! Whatever the style, control characters that come from the input (a spec's
//! text, a submission's answers) are written as escapes such as `\u{1b}`,
//! so no input can move the cursor, forge a line or colour the terminal.

#[cfg(feature = "compile")]
mod diagnostics;
#[cfg(not(feature = "compile"))]
#[path = "diagnostics_plain.rs"]
mod diagnostics;
mod report;

pub use diagnostics::{compile_error, diagnostics, diagnostics_in};
pub use netspec_core::diagnostic::{escape_controls, escape_terminal};
pub use report::report_text;

/// How text is drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Style {
    /// Plain text, no escape sequences.
    #[default]
    Plain,
    /// With ANSI colour escapes, for a terminal.
    Ansi,
}

impl Style {
    /// [`Style::Ansi`] when `colour` is true, else [`Style::Plain`].
    pub fn coloured(colour: bool) -> Style {
        if colour {
            Style::Ansi
        } else {
            Style::Plain
        }
    }
}

/// Text being built in a [`Style`]: what is written is escaped
/// ([`crate::diagnostic::escape_terminal`] or
/// [`netspec_core::diagnostic::escape_controls`]), the colour escapes added
/// around it are not.
struct Painter {
    style: Style,
    out: String,
}

impl Painter {
    fn new(style: Style) -> Painter {
        Painter {
            style,
            out: String::new(),
        }
    }

    /// `text` with every control character escaped (newlines too).
    fn text(&mut self, text: &str) {
        self.out
            .push_str(&netspec_core::diagnostic::escape_controls(text));
    }

    /// `text` in `colour` (when the style has colour), escaped as [`Painter::text`].
    fn paint(&mut self, colour: anstyle::Style, text: &str) {
        if self.style == Style::Ansi {
            self.out.push_str(&colour.render().to_string());
            self.text(text);
            self.out.push_str(&colour.render_reset().to_string());
        } else {
            self.text(text);
        }
    }

    /// Ends a line.
    fn newline(&mut self) {
        self.out.push('\n');
    }
}

/// The colours used (those of diagnostics only with the `compile` feature).
#[cfg_attr(not(feature = "compile"), allow(dead_code))]
mod colour {
    use anstyle::{AnsiColor, Style};

    pub(super) const fn fg(c: AnsiColor) -> Style {
        Style::new().fg_color(Some(anstyle::Color::Ansi(c)))
    }

    pub(super) const ERROR: Style = fg(AnsiColor::BrightRed).bold();
    pub(super) const WARNING: Style = fg(AnsiColor::BrightYellow).bold();
    pub(super) const MESSAGE: Style = Style::new().bold();
    pub(super) const BORDER: Style = fg(AnsiColor::BrightBlue);
    pub(super) const LABEL_ERROR: Style = fg(AnsiColor::BrightRed);
    pub(super) const LABEL_WARNING: Style = fg(AnsiColor::BrightYellow);
    pub(super) const GOOD: Style = fg(AnsiColor::Green);
    pub(super) const BAD: Style = fg(AnsiColor::Red).bold();
    pub(super) const MIDDLE: Style = fg(AnsiColor::Yellow).bold();
    pub(super) const UNDECIDED: Style = fg(AnsiColor::Magenta);
    pub(super) const QUIET: Style = Style::new().dimmed();
}
