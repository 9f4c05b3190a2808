//! Reading a submission: JSON (text or value) → [`Submission`], typed
//! records in the slots of an [`crate::ir::Schema`], and diagnostics.
//!
//! Every value is checked for type, range, date validity and enum
//! membership. Problems are errors naming the JSON pointer
//! (`/units/1/l3_beds`) and what was expected; unknown keys are warnings. An
//! absent key, or `null`, is an unanswered question: unknown, never an error
//! and never false. Besides the inputs, a submission holds a `header` (who
//! answers, for which organisation and period: [`Header`]) and may hold
//! `evidence` (`{ "REQ-ID": { "evidence_key": "reference" } }`); the key
//! `assessed_on` is refused (NS0214).
//!
//! Reading the text ([`parse_json_with`]) enforces the [`Limits`] on
//! submissions as it goes (size NS0305, nesting NS0306, entries NS0307) and
//! refuses an object with the same key twice (NS0210).

use serde_json::Value as Json;

mod evidence;
mod read;
#[cfg(feature = "compile")]
mod written;

pub(crate) use evidence::EvidenceBuilder;
#[cfg(all(test, feature = "fast-read"))]
pub(crate) use evidence::FEW as FEW_EVIDENCE_IN_ANY_ORDER;
pub use evidence::{Evidence, References};
#[cfg(feature = "fast-read")]
pub(crate) use read::Seen;

use crate::calendar::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::Schema;
use crate::limits::{Limits, MAX_DIAGNOSTICS};
use crate::number::Num;

/// One answered record: the root, a group, or a list element. Its answers
/// and its JSON pointer are kept by the [`Submission`] it belongs to
/// ([`Submission::answer`], [`Submission::pointer`]), all records' in one
/// place, so reading a submission allocates little. Records compare by
/// place: equal records are the same record of one submission (compare
/// answers across submissions with [`Submission::same_record`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// Where its slots start in the submission's slots.
    first: usize,
    /// One slot per declared field.
    len: usize,
    /// Its pointer in the submission's pointer text.
    pointer: (usize, usize),
}

/// A stored answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    /// bool
    Bool(bool),
    /// a whole number within `i64`: an int, number or percent answer whose
    /// value is whole (a percent as a fraction: `100%` is 1). Every reader
    /// stores such a value this way and never as [`Stored::Num`], so the
    /// fast evaluator reads it without the rational; build one with
    /// [`Stored::number`]
    Int(i64),
    /// any other int, number or percent answer (percents as fractions):
    /// not whole, or whole beyond `i64`
    Num(Num),
    /// date
    Date(Date),
    /// text
    Text(Box<str>),
    /// enum value index
    Enum(u32),
    /// group
    Group(Record),
    /// list
    List(Vec<Record>),
}

impl Stored {
    /// A number answer in its one stored form: [`Stored::Int`] when `n` is
    /// whole and within `i64`, else [`Stored::Num`].
    #[inline]
    pub fn number(n: Num) -> Stored {
        match n.to_integer().map(i64::try_from) {
            Some(Ok(i)) => Stored::Int(i),
            _ => Stored::Num(n),
        }
    }

    /// The number this answer holds, whichever form it is stored in; `None`
    /// for an answer that is not a number.
    #[inline]
    pub fn num(&self) -> Option<Num> {
        match self {
            Stored::Int(i) => Some(Num::int((*i).into())),
            Stored::Num(n) => Some(*n),
            _ => None,
        }
    }
}

/// Who a submission is from and which period it covers: its `header`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SubmissionHeader"))]
pub struct Header {
    /// A provider service or the network itself.
    pub respondent: crate::vocab::Respondent,
    /// The organisation answering (for a network: its host).
    pub organisation: Organisation,
    /// The assessment period.
    pub period: Period,
    /// Who filled the submission in.
    pub completed_by: String,
    /// Who signed it off, and when, if it has been.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub signed_off: Option<SignOff>,
}

/// An organisation, by ODS code and name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Organisation {
    /// ODS code: 3 to 6 upper-case letters and digits (`RRK`, `RRK02`).
    pub ods_code: String,
    /// Name.
    pub name: String,
}

/// An assessment period: both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Period {
    /// First day.
    pub start: Date,
    /// Last day: rolling windows and `within` count back from it.
    pub end: Date,
}

/// A sign-off.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignOff {
    /// Who signed the submission off (name and role).
    pub by: String,
    /// When.
    pub on: Date,
}

/// A validated submission.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Who it is from and for which period; `None` only for a submission
    /// evaluated with [`EvalOptions::unattributed`](crate::EvalOptions::unattributed).
    pub header: Option<Header>,
    /// The answers at the top level.
    pub root: Record,
    /// Evidence given, per requirement id: key → reference.
    pub evidence: Evidence,
    /// Warnings (unknown fields).
    pub warnings: Vec<Diagnostic>,
    /// Every record's slots, one run per record.
    slots: Vec<Option<Stored>>,
    /// Every record's JSON pointer, one after another (UTF-8).
    pointers: Vec<u8>,
}

impl Submission {
    /// The answer in `slot` of `rec`, if it was given.
    #[inline]
    pub fn answer(&self, rec: &Record, slot: usize) -> Option<&Stored> {
        if slot >= rec.len {
            return None;
        }
        self.slots.get(rec.first + slot)?.as_ref()
    }

    /// The header's period end: the assessment date, unless the caller
    /// gives one ([`EvalOptions::as_of`](crate::EvalOptions::as_of)).
    pub fn period_end(&self) -> Option<Date> {
        self.header.as_ref().map(|h| h.period.end)
    }

    /// The JSON pointer of `rec`: `""` for the root, `/units/1` for an element.
    pub fn pointer(&self, rec: &Record) -> &str {
        self.pointers
            .get(rec.pointer.0..rec.pointer.1)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }

    /// Whether `a` (of this submission) and `b` (of `other`) hold the same
    /// answers at the same pointers, all the way down.
    pub fn same_record(&self, a: &Record, other: &Submission, b: &Record) -> bool {
        if a.len != b.len || self.pointer(a) != other.pointer(b) {
            return false;
        }
        (0..a.len).all(|k| match (self.answer(a, k), other.answer(b, k)) {
            (None, None) => true,
            (Some(Stored::Group(x)), Some(Stored::Group(y))) => self.same_record(x, other, y),
            (Some(Stored::List(xs)), Some(Stored::List(ys))) => {
                xs.len() == ys.len()
                    && xs
                        .iter()
                        .zip(ys)
                        .all(|(x, y)| self.same_record(x, other, y))
            }
            (Some(Stored::Group(_) | Stored::List(_)), _)
            | (_, Some(Stored::Group(_) | Stored::List(_))) => false,
            (x, y) => x == y,
        })
    }
}

/// Equal when they hold the same answers at the same pointers, the same
/// header, evidence and warnings, however the records are laid out.
impl PartialEq for Submission {
    fn eq(&self, other: &Submission) -> bool {
        self.same_record(&self.root, other, &other.root)
            && self.header == other.header
            && self.evidence == other.evidence
            && self.warnings == other.warnings
    }
}

/// Where records are put while a submission is read.
#[derive(Debug, Default)]
pub(crate) struct Store {
    slots: Vec<Option<Stored>>,
    /// Only ever extended with whole `&str`s, so always UTF-8.
    pointers: Vec<u8>,
}

impl Store {
    /// A store for a submission of about `bytes` bytes of JSON.
    pub(crate) fn with_capacity_for(bytes: usize) -> Store {
        Store {
            // a slot per answer and per question left out: more than one per
            // 24 bytes in a compact submission
            slots: Vec::with_capacity(bytes / 20),
            pointers: Vec::with_capacity(bytes / 16),
        }
    }

    /// The pointer at `at`.
    pub(crate) fn pointer_text(&self, at: (usize, usize)) -> &str {
        self.pointers
            .get(at.0..at.1)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }

    /// A pointer: the one at `parent` then `/segment` (escaped as JSON
    /// pointers are: `~` as `~0`, `/` as `~1`).
    pub(crate) fn child_pointer(
        &mut self,
        parent: (usize, usize),
        segment: &str,
    ) -> (usize, usize) {
        let start = self.pointers.len();
        self.copy_pointer(parent);
        self.pointers.push(b'/');
        if segment.contains(['~', '/']) {
            let escaped = segment.replace('~', "~0").replace('/', "~1");
            self.pointers.extend_from_slice(escaped.as_bytes());
        } else {
            self.pointers.extend_from_slice(segment.as_bytes());
        }
        (start, self.pointers.len())
    }

    /// A pointer: the one at `parent` then `/segment`, `segment` already
    /// escaped (see [`Store::child_pointer`]).
    #[inline]
    #[cfg(feature = "fast-read")]
    pub(crate) fn escaped_child_pointer(
        &mut self,
        parent: (usize, usize),
        segment: &str,
    ) -> (usize, usize) {
        let start = self.pointers.len();
        self.copy_pointer(parent);
        self.pointers.push(b'/');
        self.pointers.extend_from_slice(segment.as_bytes());
        (start, self.pointers.len())
    }

    /// A pointer: the one at `parent` then `/index`.
    pub(crate) fn index_pointer(&mut self, parent: (usize, usize), index: usize) -> (usize, usize) {
        let start = self.pointers.len();
        self.copy_pointer(parent);
        self.pointers.push(b'/');
        push_decimal(&mut self.pointers, index);
        (start, self.pointers.len())
    }

    /// Appends a copy of the pointer at `at`.
    fn copy_pointer(&mut self, at: (usize, usize)) {
        if at.0 <= at.1 && at.1 <= self.pointers.len() {
            self.pointers.extend_from_within(at.0..at.1);
        }
    }

    /// A new record of `fields` empty slots at the pointer `pointer`.
    #[inline]
    pub(crate) fn open(&mut self, fields: usize, pointer: (usize, usize)) -> Record {
        let first = self.slots.len();
        self.slots
            .extend(std::iter::repeat_with(|| None).take(fields));
        Record {
            first,
            len: fields,
            pointer,
        }
    }

    /// Puts an answer in an empty slot of `rec`.
    #[inline]
    pub(crate) fn set(&mut self, rec: &Record, slot: usize, value: Stored) {
        if slot < rec.len {
            if let Some(dst) = self.slots.get_mut(rec.first + slot) {
                // the slot was empty: nothing to drop
                std::mem::forget(dst.replace(value));
            }
        }
    }

    /// The submission these records make.
    pub(crate) fn finish(
        self,
        root: Record,
        header: Option<Header>,
        evidence: Evidence,
        warnings: Vec<Diagnostic>,
    ) -> Submission {
        Submission {
            header,
            root,
            evidence,
            warnings,
            slots: self.slots,
            pointers: self.pointers,
        }
    }
}

/// Appends the decimal digits of `i`.
fn push_decimal(s: &mut Vec<u8>, mut i: usize) {
    if i < 10 {
        // the common case: one digit
        s.push(b'0' + i as u8);
        return;
    }
    let mut digits = [0u8; 20];
    let mut n = digits.len();
    loop {
        n -= 1;
        if let Some(d) = digits.get_mut(n) {
            *d = b'0' + (i % 10) as u8;
        }
        i /= 10;
        if i == 0 || n == 0 {
            break;
        }
    }
    s.extend_from_slice(digits.get(n..).unwrap_or_default());
}

/// Parses JSON text within the default [`Limits`]; see [`parse_json_with`].
pub fn parse_json(text: &str) -> Result<Json, Box<Diagnostic>> {
    parse_json_with(text, &Limits::default())
}

/// Parses JSON text within `limits`. A syntax error is an NS0207 diagnostic
/// with line and column; a duplicate key is NS0210; text over a limit is
/// NS0305 (size), NS0306 (nesting) or NS0307 (entries of one array or
/// object), each naming the JSON pointer where it was found. A leading
/// byte order mark is skipped.
pub fn parse_json_with(text: &str, limits: &Limits) -> Result<Json, Box<Diagnostic>> {
    read_json(text, limits).map_err(|e| json_error(text, e))
}

/// The diagnostic for JSON text that could not be read: NS0207 with the
/// line around where serde_json stopped, or the reader's own refusal.
pub(crate) fn json_error(text: &str, e: JsonError) -> Box<Diagnostic> {
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    match e {
        JsonError::Rejected(d) => d,
        JsonError::Syntax(e) => {
            let what = e.to_string();
            // serde_json names a lone surrogate (`"\ud800"`) by where it stopped
            let what = if what.contains("hex escape") || what.contains("surrogate") {
                format!(
                    "a `\\u` escape is not a character: a surrogate (\\ud800 to \\udfff) must be followed by its pair, and an escape has four hex digits, {}",
                    what.split(" at line").nth(1).map_or(String::new(), |r| format!("at line{r}"))
                )
            } else {
                what
            };
            let mut d = Diagnostic::error(Code::SubmissionJson, format!("not valid JSON: {what}"));
            // show the line around the column serde_json stopped at, with a caret
            if let Some(line) = body.lines().nth(e.line().saturating_sub(1)) {
                let col = e.column().saturating_sub(1);
                let from = col.saturating_sub(60);
                let shown: String = line.chars().skip(from).take(120).collect();
                let caret = " ".repeat(col - from);
                d = d.with_note(format!("{:>4} | {shown}\n     | {caret}^", e.line()));
            }
            Box::new(d)
        }
    }
}

/// Why JSON text could not be read.
#[derive(Debug)]
pub enum JsonError {
    /// Not JSON: serde_json's error, with line and column.
    Syntax(serde_json::Error),
    /// JSON, but refused: a duplicate key (NS0210) or a limit (NS0305–NS0307).
    Rejected(Box<Diagnostic>),
}

/// The NS0305 error for a submission of `bytes` bytes, over
/// [`Limits::max_submission_bytes`].
pub fn too_large(bytes: usize, limits: &Limits) -> Diagnostic {
    Diagnostic::error(
        Code::SubmissionTooLarge,
        format!(
            "the submission is {bytes} bytes, more than the limit of {} bytes",
            limits.max_submission_bytes
        ),
    )
    .at_path("")
    .with_help("check that this is the right file; a self-assessment is a few KiB")
}

/// Reads JSON text into a value, within `limits`, refusing duplicate keys.
/// A leading byte order mark is skipped. A number is read into a
/// [`serde_json::Number`] from its text, so it is held as exactly as
/// serde_json holds numbers in this build (a submission read with
/// [`Spec::ingest_str`](crate::Spec::ingest_str) keeps every digit).
pub fn read_json(text: &str, limits: &Limits) -> Result<Json, JsonError> {
    if text.len() > limits.max_submission_bytes {
        return Err(JsonError::Rejected(Box::new(too_large(text.len(), limits))));
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    read::tree(text, limits)?
        .into_json()
        .map_err(|what| JsonError::Syntax(<serde_json::Error as serde::de::Error>::custom(what)))
}

/// Reads JSON text as [`read_json`] does, and gives the text
/// `serde_json::to_string` writes for the value it reads (keys sorted,
/// numbers as serde_json writes them), without making the value: what a
/// test's `given` submission is kept as, and read from.
#[cfg(feature = "compile")]
pub(crate) fn read_json_written(text: &str, limits: &Limits) -> Result<String, JsonError> {
    if text.len() > limits.max_submission_bytes {
        return Err(JsonError::Rejected(Box::new(too_large(text.len(), limits))));
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    // the usual text in one pass; anything else through the tree
    if let Some(written) = written::written(text, limits) {
        return Ok(written);
    }
    written_by_tree(text, limits)
}

/// [`read_json_written`] through the reader's tree alone: the reference
/// for the one pass.
#[cfg(feature = "compile")]
fn written_by_tree(text: &str, limits: &Limits) -> Result<String, JsonError> {
    let custom =
        |what: String| JsonError::Syntax(<serde_json::Error as serde::de::Error>::custom(what));
    let mut out = Vec::with_capacity(text.len());
    read::tree(text, limits)?
        .write_json(&mut out)
        .map_err(custom)?;
    String::from_utf8(out).map_err(|e| custom(e.to_string()))
}

/// Reads submission text against the inputs, in one pass, within `limits`:
/// `Err` when it is not JSON or is refused outright (too large, too deep,
/// too many entries, a duplicate key), `Ok(Err(_))` when it is JSON but not
/// an object; otherwise what could be read, with every problem found (see
/// [`read_value`]). A leading byte order mark is skipped.
pub(crate) fn read_text(
    schema: &Schema,
    text: &str,
    limits: &Limits,
    need_header: bool,
) -> Result<Result<Read, Rejected>, JsonError> {
    if text.len() > limits.max_submission_bytes {
        return Err(JsonError::Rejected(Box::new(too_large(text.len(), limits))));
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    read::read(schema, text, limits, need_header, read::Mode::Text)
}

fn too_deep(pointer: String, max: usize) -> Diagnostic {
    Diagnostic::error(
        Code::SubmissionTooDeep,
        format!("arrays and objects nest more than {max} deep"),
    )
    .at_path(pointer)
    .with_help("a submission nests only as deep as the spec's lists and groups")
}

/// A submission that failed validation: every error, and the warnings found on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// Errors, each with a JSON pointer.
    pub errors: Vec<Diagnostic>,
    /// Warnings (unknown fields).
    pub warnings: Vec<Diagnostic>,
}

/// Validates a JSON value against the inputs, within the default [`Limits`].
/// Collects every error (up to [`MAX_DIAGNOSTICS`]).
pub fn ingest(schema: &Schema, value: &Json) -> Result<Submission, Rejected> {
    ingest_with(schema, value, &Limits::default())
}

/// Validates a JSON value against the inputs, refusing lists longer than
/// [`Limits::max_list_len`] (NS0307). Collects every error, up to
/// [`MAX_DIAGNOSTICS`] errors (then one NS0310 says the rest were not
/// looked for), and keeps as many warnings (then one NS0310 says there were
/// more). A submission without a `header` is read (its
/// [`Submission::header`] is `None`): whether it may be evaluated is decided
/// by [`EvalOptions::unattributed`](crate::EvalOptions::unattributed).
/// Declared relations between answers are not checked here but by
/// [`Spec::ingest`](crate::Spec::ingest), which has the spec's definitions.
pub fn ingest_with(schema: &Schema, value: &Json, limits: &Limits) -> Result<Submission, Rejected> {
    read_value(schema, value, limits, false).and_then(conclude)
}

/// [`ingest_with`] of the value whose text, as `serde_json::to_string`
/// writes it, is `written` ([`read_json_written`]).
#[cfg(feature = "compile")]
pub(crate) fn ingest_written(
    schema: &Schema,
    written: &str,
    limits: &Limits,
) -> Result<Submission, Rejected> {
    read_written(schema, written, limits, false).and_then(conclude)
}

/// A submission read with every problem found so far, not yet capped.
pub(crate) struct Read {
    /// What could be read (answers with errors left out).
    pub(crate) sub: Submission,
    /// Errors, uncapped.
    pub(crate) errors: Vec<Diagnostic>,
    /// Warnings, uncapped.
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Reads a JSON value against the inputs, keeping whatever it can; with
/// `need_header`, a submission without a header is an NS0211 error. Only
/// a value that is not an object is refused outright.
///
/// The value is read by the same reader as text ([`read_text`]), from its
/// JSON text: a value holds no duplicate keys and is not limited in
/// nesting, and a list longer than [`Limits::max_list_len`] is an NS0307
/// error among the others.
pub(crate) fn read_value(
    schema: &Schema,
    value: &Json,
    limits: &Limits,
    need_header: bool,
) -> Result<Read, Rejected> {
    let refused = |d: Diagnostic| Rejected {
        errors: vec![d],
        warnings: Vec::new(),
    };
    let text = serde_json::to_string(value).map_err(|e| {
        refused(Diagnostic::error(Code::SubmissionJson, format!("not valid JSON: {e}")).at_path(""))
    })?;
    read_written(schema, &text, limits, need_header)
}

/// [`read_value`] of the value whose text, as `serde_json::to_string`
/// writes it, is `text`.
pub(crate) fn read_written(
    schema: &Schema,
    text: &str,
    limits: &Limits,
    need_header: bool,
) -> Result<Read, Rejected> {
    match read::read(schema, text, limits, need_header, read::Mode::Value) {
        Ok(read) => read,
        Err(e) => Err(Rejected {
            errors: vec![*json_error(text, e)],
            warnings: Vec::new(),
        }),
    }
}

/// The submission, or every error: at most [`MAX_DIAGNOSTICS`] errors and
/// as many warnings, then one NS0310 for the rest.
pub(crate) fn conclude(read: Read) -> Result<Submission, Rejected> {
    let Read {
        mut sub,
        mut errors,
        mut warnings,
    } = read;
    cap(&mut errors, &mut warnings);
    if errors.is_empty() {
        sub.warnings = warnings;
        Ok(sub)
    } else {
        Err(Rejected { errors, warnings })
    }
}

/// The NS0211 error of a submission without a header.
pub(crate) fn missing_header() -> Diagnostic {
    Diagnostic::error(Code::MissingHeader, "the submission has no header")
        .at_path("/header")
        .with_help(
            "add \"header\": {\"respondent\": \"provider\", \"organisation\": {\"ods_code\": \"RRK\", \"name\": \"…\"}, \"period\": {\"start\": \"2024-07-01\", \"end\": \"2025-06-30\"}, \"completed_by\": \"…\"} (`signed_off` {\"by\", \"on\"} is optional)",
        )
}

/// The NS0214 error of a submission with the key `assessed_on`.
fn assessed_on_moved() -> Diagnostic {
    Diagnostic::error(
        Code::AssessedOnMoved,
        "`assessed_on` is no longer read: the assessment date is the header's period end",
    )
    .at_path("/assessed_on")
    .with_help("remove `assessed_on` and give the last day of the assessment period as `header.period.end`; `--as-of` (EvalOptions::as_of) still overrides it")
}

/// Whether `code` is an ODS code: 3 to 6 upper-case letters or digits.
pub fn is_ods_code(code: &str) -> bool {
    (3..=6).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Keeps at most [`MAX_DIAGNOSTICS`] of each, with an NS0310 for the rest:
/// past that many errors the rest of the submission was not looked at;
/// past that many warnings it was (for errors), and only the warnings are
/// cut short.
pub(crate) fn cap(errors: &mut Vec<Diagnostic>, warnings: &mut Vec<Diagnostic>) {
    for (list, what, error) in [(errors, "errors", true), (warnings, "warnings", false)] {
        if list.len() > MAX_DIAGNOSTICS {
            list.truncate(MAX_DIAGNOSTICS);
            let d = if error {
                Diagnostic::error(
                    Code::TooManyDiagnostics,
                    format!("more than {MAX_DIAGNOSTICS} {what}; the rest of the submission was not checked"),
                )
            } else {
                Diagnostic::warning(
                    Code::TooManyDiagnostics,
                    format!(
                        "more than {MAX_DIAGNOSTICS} {what}; the first {MAX_DIAGNOSTICS} are shown"
                    ),
                )
            };
            list.push(d.at_path(""));
        }
    }
}

/// Escapes a key for a JSON pointer.
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A JSON number as an exact rational, read from its decimal text: as
/// exact as the [`serde_json::Number`] is (its text, when serde_json keeps
/// it; otherwise the shortest decimal of its `f64`).
pub fn json_number(n: &serde_json::Number) -> Option<Num> {
    read::number(&n.to_string())
}

/// Help for a date that did not parse: the format, or the calendar.
fn date_help(text: &str) -> &'static str {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if shaped {
        "that day does not exist (months have 28 to 31 days; 29 February only in leap years)"
    } else {
        "write dates as YYYY-MM-DD, e.g. 2025-06-30"
    }
}

fn entries(n: usize) -> &'static str {
    if n == 1 {
        "entry"
    } else {
        "entries"
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        let head: String = s.chars().take(40).collect();
        format!("{head}…")
    } else {
        s.to_string()
    }
}

/// A value from the submission quoted in a message: at most 40 characters
/// of it, then how long it is.
pub(crate) fn bounded(text: &str) -> std::borrow::Cow<'_, str> {
    const MOST: usize = 40;
    match text.char_indices().nth(MOST) {
        Some((at, _)) => std::borrow::Cow::Owned(format!(
            "{}… ({} characters)",
            text.get(..at).unwrap_or_default(),
            text.chars().count()
        )),
        None => std::borrow::Cow::Borrowed(text),
    }
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// JSON text of any shape a submission can take: numbers of every form
    /// serde_json reads differently (whole, negative, past `u64`, decimals,
    /// exponents, out of range), strings with escapes and non-ASCII text,
    /// keys out of order, nesting; sometimes a repeated key.
    fn json_text() -> impl Strategy<Value = String> {
        let number = prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            Just("18446744073709551616".to_string()),
            Just("-9223372036854775809".to_string()),
            Just("-0".to_string()),
            Just("0.0".to_string()),
            Just("1e400".to_string()),
            Just("-1e400".to_string()),
            Just("1e-400".to_string()),
            Just("0.10000000000000000001".to_string()),
            // not JSON, or read by serde_json only
            Just("01".to_string()),
            Just("-01.5".to_string()),
            Just("00".to_string()),
            Just("1.".to_string()),
            Just("-".to_string()),
            Just("1e5".to_string()),
            Just("2E+3".to_string()),
            Just("-0.0".to_string()),
            (any::<i32>(), 0u32..1000).prop_map(|(a, b)| format!("{a}.{b:03}")),
            (any::<i16>(), -30i32..30).prop_map(|(a, e)| format!("{a}e{e}")),
            (any::<u16>(), 0u32..99, -5i32..5).prop_map(|(a, b, e)| format!("{a}.{b}E{e}")),
        ];
        let string = prop_oneof![
            "[a-z_]{0,8}",
            Just("caf\u{e9} \u{1F600}".to_string()),
            Just(r#"q\"uo\\te\n\t\u0041\u00e9\ud83d\ude00"#.to_string()),
            Just("\u{7f}\u{2028}".to_string()),
        ]
        .prop_map(|s| format!("\"{s}\""));
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            Just("false".to_string()),
            number,
            string.clone(),
        ];
        leaf.prop_recursive(4, 40, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5)
                    .prop_map(|items| format!("[{}]", items.join(", "))),
                proptest::collection::vec(
                    (
                        prop_oneof![
                            "[a-e]{1,2}",
                            string.clone().prop_map(|s| s.trim_matches('"').to_string())
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(|fields| {
                    let body: Vec<String> = fields
                        .iter()
                        .map(|(k, v)| format!("\"{k}\": {v}"))
                        .collect();
                    format!("{{ {} }}", body.join(",\n "))
                }),
            ]
        })
    }

    /// Every bundled example submission is written in one pass, as the
    /// tree writes it.
    #[test]
    fn example_submissions_are_written_in_one_pass() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/examples");
        let limits = Limits::default();
        let mut n = 0;
        for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            for file in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let Ok(text) = std::fs::read_to_string(file.path()) else {
                    continue;
                };
                let fast = written::written(&text, &limits);
                assert!(fast.is_some(), "{}", file.path().display());
                assert_eq!(
                    fast,
                    written_by_tree(&text, &limits).ok(),
                    "{}",
                    file.path().display()
                );
                n += 1;
            }
        }
        assert!(n >= 40, "{n} examples");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whenever the one pass writes a text, the tree writes the same.
        #[test]
        fn the_one_pass_writes_what_the_tree_writes(text in json_text()) {
            let limits = Limits::default();
            if let Some(fast) = written::written(&text, &limits) {
                prop_assert_eq!(Some(fast), written_by_tree(&text, &limits).ok(), "{}", text);
            }
        }

        /// A test's `given` is kept as the text serde_json writes for the
        /// value the reader makes: written straight from the reader's tree,
        /// it is that text byte for byte, and fails where making the value
        /// fails, with the same message.
        #[test]
        fn given_text_is_what_serde_json_writes_for_the_value(text in json_text()) {
            let limits = Limits::default();
            let written = read_json_written(&text, &limits);
            let valued = read_json(&text, &limits).map(|v| serde_json::to_string(&v));
            match (written, valued) {
                (Ok(w), Ok(Ok(v))) => prop_assert_eq!(w, v),
                (Err(a), Err(b)) => prop_assert_eq!(format!("{a:?}"), format!("{b:?}")),
                (a, b) => prop_assert!(false, "{text}: {a:?} against {b:?}"),
            }
        }
    }
}
