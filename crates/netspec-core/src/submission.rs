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

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::calendar::Date;
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::ir::{Bound, FieldKind, RecordId, ScalarTy, Schema};
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
    /// int, number or percent (percents as fractions)
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

/// Who a submission is from and which period it covers: its `header`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Organisation {
    /// ODS code: 3 to 6 upper-case letters and digits (`RRK`, `RRK02`).
    pub ods_code: String,
    /// Name.
    pub name: String,
}

/// An assessment period: both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Period {
    /// First day.
    pub start: Date,
    /// Last day: rolling windows and `within` count back from it.
    pub end: Date,
}

/// A sign-off.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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
    pub evidence: BTreeMap<String, BTreeMap<String, String>>,
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
            slots: Vec::with_capacity(bytes / 24),
            pointers: Vec::with_capacity(bytes / 16),
        }
    }

    /// A new record of `fields` empty slots at `pointer`.
    pub(crate) fn record(&mut self, fields: usize, pointer: &str) -> Record {
        let start = self.pointers.len();
        self.pointers.extend_from_slice(pointer.as_bytes());
        self.open(fields, (start, self.pointers.len()))
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
    pub(crate) fn open(&mut self, fields: usize, pointer: (usize, usize)) -> Record {
        let first = self.slots.len();
        self.slots.resize(first + fields, None);
        Record {
            first,
            len: fields,
            pointer,
        }
    }

    /// Puts an answer in an empty slot of `rec`.
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
        evidence: BTreeMap<String, BTreeMap<String, String>>,
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
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    read_json(text, limits).map_err(|e| match e {
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
    })
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
/// A leading byte order mark is skipped.
pub fn read_json(text: &str, limits: &Limits) -> Result<Json, JsonError> {
    use serde::de::DeserializeSeed as _;
    if text.len() > limits.max_submission_bytes {
        return Err(JsonError::Rejected(Box::new(too_large(text.len(), limits))));
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let state = std::cell::RefCell::new(ReadState::default());
    let mut de = serde_json::Deserializer::from_str(text);
    let read = Reader {
        limits,
        state: &state,
        depth: 0,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v));
    match read {
        Ok(v) => Ok(v),
        Err(e) => {
            if let Some(d) = state.borrow_mut().rejected.take() {
                return Err(JsonError::Rejected(Box::new(d)));
            }
            if e.to_string().starts_with("recursion limit exceeded") {
                // serde_json's own ceiling (128 levels)
                let pointer = state.borrow().pointer();
                return Err(JsonError::Rejected(Box::new(too_deep(
                    pointer,
                    limits.max_json_depth.min(127),
                ))));
            }
            Err(JsonError::Syntax(e))
        }
    }
}

/// The key serde_json (with `arbitrary_precision`) hands a number's text
/// under, as a one-entry map; its own `Value` reader treats it the same way.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// One step of a JSON pointer.
enum Seg {
    Key(String),
    Index(usize),
}

/// Where the reader is, and why it stopped, if it refused the text.
#[derive(Default)]
struct ReadState {
    path: Vec<Seg>,
    rejected: Option<Diagnostic>,
}

impl ReadState {
    fn pointer(&self) -> String {
        let mut out = String::new();
        for s in &self.path {
            out.push('/');
            match s {
                Seg::Key(k) => out.push_str(&escape(k)),
                Seg::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }
}

fn too_deep(pointer: String, max: usize) -> Diagnostic {
    Diagnostic::error(
        Code::SubmissionTooDeep,
        format!("arrays and objects nest more than {max} deep"),
    )
    .at_path(pointer)
    .with_help("a submission nests only as deep as the spec's lists and groups")
}

/// Builds a [`Json`] value while checking nesting, entry counts and keys.
struct Reader<'l> {
    limits: &'l Limits,
    state: &'l std::cell::RefCell<ReadState>,
    depth: usize,
}

impl Reader<'_> {
    fn child(&self) -> Self {
        Reader {
            limits: self.limits,
            state: self.state,
            depth: self.depth + 1,
        }
    }

    /// Stops reading with `d` (at the current pointer, or `extra` below it).
    fn reject<E: serde::de::Error>(&self, d: Diagnostic, extra: Option<&str>) -> E {
        let mut st = self.state.borrow_mut();
        let mut pointer = st.pointer();
        if let Some(k) = extra {
            pointer.push('/');
            pointer.push_str(&escape(k));
        }
        st.rejected = Some(d.at_path(pointer));
        E::custom("the submission was refused")
    }

    fn enter<E: serde::de::Error>(&self) -> Result<(), E> {
        let max = self.limits.max_json_depth;
        if self.depth >= max {
            let pointer = self.state.borrow().pointer();
            let d = too_deep(pointer.clone(), max);
            self.state.borrow_mut().rejected = Some(d);
            return Err(E::custom("the submission was refused"));
        }
        Ok(())
    }

    fn too_long(&self, what: &str) -> Diagnostic {
        let max = self.limits.max_list_len;
        Diagnostic::error(
            Code::ListTooLong,
            format!("this {what} has more than {max} entries, the limit"),
        )
        .with_help("split the submission, or raise `max_list_len` in `netspec::Limits`")
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Reader<'_> {
    type Value = Json;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Reader<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        serde::de::DeserializeSeed::deserialize(self, d)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        self.enter()?;
        let mut out = Vec::new();
        loop {
            self.state.borrow_mut().path.push(Seg::Index(out.len()));
            let next = seq.next_element_seed(self.child());
            self.state.borrow_mut().path.pop();
            match next? {
                None => break,
                Some(_) if out.len() >= self.limits.max_list_len => {
                    return Err(self.reject(self.too_long("array"), None));
                }
                Some(v) => out.push(v),
            }
        }
        Ok(Json::Array(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        use serde::de::Error as _;
        let mut key: Option<String> = map.next_key()?;
        if key.as_deref() == Some(NUMBER_TOKEN) {
            let text: String = map.next_value()?;
            return text
                .parse::<serde_json::Number>()
                .map(Json::Number)
                .map_err(A::Error::custom);
        }
        self.enter()?;
        let mut out = serde_json::Map::new();
        while let Some(k) = key {
            if out.contains_key(&k) {
                let d = Diagnostic::error(
                    Code::DuplicateKey,
                    format!("key `{}` appears twice in one object", truncate(&k)),
                )
                .with_help("keep one of them: JSON readers disagree about which one counts");
                return Err(self.reject(d, Some(&k)));
            }
            if out.len() >= self.limits.max_list_len {
                return Err(self.reject(self.too_long("object"), None));
            }
            self.state.borrow_mut().path.push(Seg::Key(k));
            let value = map.next_value_seed(self.child());
            let k = match self.state.borrow_mut().path.pop() {
                Some(Seg::Key(k)) => k,
                _ => String::new(),
            };
            out.insert(k, value?);
            key = map.next_key()?;
        }
        Ok(Json::Object(out))
    }
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
/// [`MAX_DIAGNOSTICS`] errors and as many warnings (then one NS0310 says the
/// rest were not looked for). A submission without a `header` is read (its
/// [`Submission::header`] is `None`): whether it may be evaluated is decided
/// by [`EvalOptions::unattributed`](crate::EvalOptions::unattributed).
/// Declared relations between answers are not checked here but by
/// [`Spec::ingest`](crate::Spec::ingest), which has the spec's definitions.
pub fn ingest_with(schema: &Schema, value: &Json, limits: &Limits) -> Result<Submission, Rejected> {
    read_value(schema, value, limits, false).and_then(conclude)
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
pub(crate) fn read_value(
    schema: &Schema,
    value: &Json,
    limits: &Limits,
    need_header: bool,
) -> Result<Read, Rejected> {
    let mut cx = Ingest {
        schema,
        errors: Vec::new(),
        warnings: Vec::new(),
        max_list_len: limits.max_list_len,
        store: Store::default(),
    };
    let Json::Object(map) = value else {
        return Err(Rejected {
            errors: vec![Diagnostic::error(
                Code::SubmissionNotObject,
                format!(
                    "a submission must be a JSON object, found {}",
                    kind_of(value)
                ),
            )
            .at_path("")],
            warnings: Vec::new(),
        });
    };
    let header = match map.get("header") {
        Some(v) if !v.is_null() => cx.header(v),
        _ => {
            if need_header {
                cx.errors.push(missing_header());
            }
            None
        }
    };
    if map.contains_key("assessed_on") {
        cx.errors.push(assessed_on_moved());
    }
    let mut evidence = BTreeMap::new();
    if let Some(v) = map.get("evidence") {
        evidence = cx.evidence(v);
    }
    let root = cx.record(0, "", map, true);
    Ok(Read {
        sub: cx.store.finish(root, header, evidence, Vec::new()),
        errors: cx.errors,
        warnings: cx.warnings,
    })
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

/// Keeps at most [`MAX_DIAGNOSTICS`] of each, with an NS0310 for the rest.
pub(crate) fn cap(errors: &mut Vec<Diagnostic>, warnings: &mut Vec<Diagnostic>) {
    for (list, what, error) in [(errors, "errors", true), (warnings, "warnings", false)] {
        if list.len() > MAX_DIAGNOSTICS {
            list.truncate(MAX_DIAGNOSTICS);
            let msg = format!(
                "more than {MAX_DIAGNOSTICS} {what}; the rest of the submission was not checked"
            );
            let d = if error {
                Diagnostic::error(Code::TooManyDiagnostics, msg)
            } else {
                Diagnostic::warning(Code::TooManyDiagnostics, msg)
            };
            list.push(d.at_path(""));
        }
    }
}

struct Ingest<'s> {
    schema: &'s Schema,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    max_list_len: usize,
    store: Store,
}

fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// A field's JSON pointer, written out only when a diagnostic needs it:
/// the record's pointer, then the key.
#[derive(Clone, Copy)]
struct At<'p> {
    parent: &'p str,
    key: &'p str,
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.parent, escape(self.key))
    }
}

/// Escapes a key for a JSON pointer.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl Ingest<'_> {
    /// Whether enough errors or warnings were found to stop looking.
    fn full(&self) -> bool {
        self.errors.len() > MAX_DIAGNOSTICS || self.warnings.len() > MAX_DIAGNOSTICS
    }

    fn record(
        &mut self,
        rec: RecordId,
        pointer: &str,
        map: &serde_json::Map<String, Json>,
        root: bool,
    ) -> Record {
        let Some(schema) = self.schema.records.get(rec) else {
            return self.store.record(0, pointer);
        };
        let record = self.store.record(schema.fields.len(), pointer);
        for (key, value) in map {
            if self.full() {
                break;
            }
            if root && (key == "header" || key == "assessed_on" || key == "evidence") {
                continue;
            }
            // the pointer is written out only where it is needed
            let at = At {
                parent: pointer,
                key,
            };
            let Some(slot) = schema.fields.iter().position(|f| f.name == *key) else {
                let names = schema.fields.iter().map(|f| f.name.as_str());
                self.warnings.push(
                    Diagnostic::warning(
                        Code::SubmissionUnknownField,
                        format!("unknown field `{key}` is ignored"),
                    )
                    .at_path(at.to_string())
                    .with_help_opt(did_you_mean(key, names)),
                );
                continue;
            };
            if value.is_null() {
                continue;
            }
            let Some(field) = schema.fields.get(slot) else {
                continue;
            };
            let stored = match &field.kind {
                FieldKind::Scalar { ty, min, max } => self.scalar(*ty, *min, *max, value, at),
                FieldKind::Group { record } => match value {
                    Json::Object(m) => Some(Stored::Group(self.record(
                        *record,
                        &at.to_string(),
                        m,
                        false,
                    ))),
                    other => self.type_error(at, "an object", other),
                },
                FieldKind::List {
                    record,
                    min_len,
                    max_len,
                } => match value {
                    Json::Array(_) => {
                        let path = at.to_string();
                        self.list(*record, *min_len, *max_len, value, &path)
                    }
                    other => self.type_error(at, "an array", other),
                },
            };
            if let Some(s) = stored {
                self.store.set(&record, slot, s);
            }
        }
        record
    }

    fn list(
        &mut self,
        record: RecordId,
        min_len: Option<usize>,
        max_len: Option<usize>,
        value: &Json,
        path: &str,
    ) -> Option<Stored> {
        match value {
            Json::Array(items) if items.len() > self.max_list_len => {
                self.errors.push(
                    Diagnostic::error(
                        Code::ListTooLong,
                        format!(
                            "this list has {} entries, more than the limit of {}",
                            items.len(),
                            self.max_list_len
                        ),
                    )
                    .at_path(path)
                    .with_help(
                        "split the submission, or raise `max_list_len` in `netspec::Limits`",
                    ),
                );
                None
            }
            Json::Array(items) => {
                if let Some(lo) = min_len.filter(|lo| items.len() < *lo) {
                    self.errors.push(
                        Diagnostic::error(
                            Code::SubmissionRange,
                            format!(
                                "at least {lo} {} expected, found {}",
                                entries(lo),
                                items.len()
                            ),
                        )
                        .at_path(path),
                    );
                }
                if let Some(hi) = max_len.filter(|hi| items.len() > *hi) {
                    self.errors.push(
                        Diagnostic::error(
                            Code::SubmissionRange,
                            format!(
                                "at most {hi} {} expected, found {}",
                                entries(hi),
                                items.len()
                            ),
                        )
                        .at_path(path),
                    );
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    if self.full() {
                        break;
                    }
                    let ipath = format!("{path}/{i}");
                    match item {
                        Json::Object(m) => out.push(self.record(record, &ipath, m, false)),
                        other => {
                            self.type_error::<()>(&ipath, "an object", other);
                        }
                    }
                }
                Some(Stored::List(out))
            }
            other => self.type_error(path, "an array", other),
        }
    }

    fn type_error<T>(
        &mut self,
        path: impl std::fmt::Display,
        expected: &str,
        found: &Json,
    ) -> Option<T> {
        let shown = match found {
            Json::String(s) => format!("{} \"{}\"", kind_of(found), truncate(s)),
            Json::Number(n) => format!("{} {n}", kind_of(found)),
            Json::Bool(b) => format!("{} {b}", kind_of(found)),
            other => kind_of(other).to_string(),
        };
        self.errors.push(
            Diagnostic::error(
                Code::SubmissionType,
                format!("expected {expected}, found {shown}"),
            )
            .at_path(path.to_string()),
        );
        None
    }

    fn scalar(
        &mut self,
        ty: ScalarTy,
        min: Option<Bound>,
        max: Option<Bound>,
        v: &Json,
        path: At<'_>,
    ) -> Option<Stored> {
        match ty {
            ScalarTy::Bool => match v {
                Json::Bool(b) => Some(Stored::Bool(*b)),
                other => self.type_error(path, "true or false", other),
            },
            ScalarTy::Text => match v {
                Json::String(s) => Some(Stored::Text(s.as_str().into())),
                other => self.type_error(path, "a string", other),
            },
            ScalarTy::Enum(e) => {
                let variants = self
                    .schema
                    .enums
                    .get(e)
                    .map(|d| d.variants.as_slice())
                    .unwrap_or_default();
                match v {
                    Json::String(s) => match variants.iter().position(|x| x == s) {
                        Some(i) => Some(Stored::Enum(u32::try_from(i).unwrap_or(0))),
                        None => {
                            let help = variants
                                .iter()
                                .find(|x| x.eq_ignore_ascii_case(s))
                                .map(|x| format!("values are case-sensitive: did you mean `{x}`?"))
                                .or_else(|| did_you_mean(s, variants.iter().map(String::as_str)));
                            self.errors.push(
                                Diagnostic::error(
                                    Code::SubmissionEnum,
                                    format!(
                                        "\"{}\" is not one of: {}",
                                        truncate(s),
                                        variants.join(", ")
                                    ),
                                )
                                .at_path(path.to_string())
                                .with_help_opt(help),
                            );
                            None
                        }
                    },
                    other => {
                        self.type_error(path, &format!("one of: {}", variants.join(", ")), other)
                    }
                }
            }
            ScalarTy::Date => match v {
                Json::String(s) => match Date::parse(s) {
                    Some(d) => {
                        self.check_bounds(path, Bound::Date(d), min, max, ty);
                        Some(Stored::Date(d))
                    }
                    None => {
                        self.errors.push(
                            Diagnostic::error(
                                Code::SubmissionDate,
                                format!("\"{}\" is not a valid date", truncate(s)),
                            )
                            .at_path(path.to_string())
                            .with_help(date_help(s)),
                        );
                        None
                    }
                },
                other => self.type_error(path, "a date string YYYY-MM-DD", other),
            },
            ScalarTy::Int | ScalarTy::Number | ScalarTy::Percent => {
                let Json::Number(n) = v else {
                    let what = match ty {
                        ScalarTy::Int => "a whole number",
                        ScalarTy::Percent => "a percent as a number from 0 to 100",
                        _ => "a number",
                    };
                    return self.type_error(path, what, v);
                };
                let Some(num) = json_number(n) else {
                    self.errors.push(
                        Diagnostic::error(
                            Code::SubmissionRange,
                            format!("{} cannot be held exactly", bounded(&n.to_string())),
                        )
                        .at_path(path.to_string())
                        .with_note("numbers are exact rationals within about ±1.7e38"),
                    );
                    return None;
                };
                if ty == ScalarTy::Int && !num.is_integer() {
                    self.errors.push(
                        Diagnostic::error(
                            Code::SubmissionRange,
                            format!("expected a whole number, found {n}"),
                        )
                        .at_path(path.to_string()),
                    );
                    return None;
                }
                let value = if ty == ScalarTy::Percent {
                    num.over(Num::int(100)).ok()?
                } else {
                    num
                };
                let (min, max) = if ty == ScalarTy::Percent {
                    (
                        min.or(Some(Bound::Num(Num::ZERO))),
                        max.or(Some(Bound::Num(Num::ONE))),
                    )
                } else {
                    (min, max)
                };
                self.check_bounds(path, Bound::Num(value), min, max, ty);
                Some(Stored::Num(value))
            }
        }
    }

    fn check_bounds(
        &mut self,
        path: At<'_>,
        v: Bound,
        min: Option<Bound>,
        max: Option<Bound>,
        ty: ScalarTy,
    ) {
        let show = |b: Bound| match b {
            Bound::Num(n) if ty == ScalarTy::Percent => format!(
                "{}%",
                n.times(Num::int(100))
                    .map(|x| x.display(4))
                    .unwrap_or_default()
            ),
            Bound::Num(n) => n.display(4),
            Bound::Date(d) => d.to_string(),
        };
        let below = match (v, min) {
            (Bound::Num(a), Some(Bound::Num(b))) => a < b,
            (Bound::Date(a), Some(Bound::Date(b))) => a < b,
            _ => false,
        };
        let above = match (v, max) {
            (Bound::Num(a), Some(Bound::Num(b))) => a > b,
            (Bound::Date(a), Some(Bound::Date(b))) => a > b,
            _ => false,
        };
        if below {
            if let Some(m) = min {
                self.errors.push(
                    Diagnostic::error(
                        Code::SubmissionRange,
                        format!("{} is below the minimum {}", show(v), show(m)),
                    )
                    .at_path(path.to_string()),
                );
            }
        }
        if above {
            if let Some(m) = max {
                self.errors.push(
                    Diagnostic::error(
                        Code::SubmissionRange,
                        format!("{} is above the maximum {}", show(v), show(m)),
                    )
                    .at_path(path.to_string()),
                );
            }
        }
    }

    /// The `header` object: every problem an error under `/header/…`
    /// (NS0201 wrong type or missing, NS0203 bad date, NS0204 unknown
    /// respondent, NS0212 ODS code, NS0213 period), an unknown key a warning
    /// (NS0205). `None` when anything required is wrong or missing.
    fn header(&mut self, v: &Json) -> Option<Header> {
        let Json::Object(m) = v else {
            self.type_error::<()>("/header", "an object", v);
            return None;
        };
        self.unknown_keys(
            m,
            "/header",
            &[
                "respondent",
                "organisation",
                "period",
                "completed_by",
                "signed_off",
            ],
        );
        let respondent = match m.get("respondent") {
            None | Some(Json::Null) => {
                self.required("/header/respondent", "\"provider\" or \"network\"");
                None
            }
            Some(Json::String(s)) => match s.as_str() {
                "provider" => Some(crate::vocab::Respondent::Provider),
                "network" => Some(crate::vocab::Respondent::Network),
                other => {
                    self.errors.push(
                        Diagnostic::error(
                            Code::SubmissionEnum,
                            format!("\"{}\" is not one of: provider, network", truncate(other)),
                        )
                        .at_path("/header/respondent")
                        .with_help(
                            "\"provider\": a provider service's own submission; \"network\": the network's, from its host organisation",
                        ),
                    );
                    None
                }
            },
            Some(other) => {
                self.type_error("/header/respondent", "\"provider\" or \"network\"", other)
            }
        };
        let organisation = match m.get("organisation") {
            None | Some(Json::Null) => {
                self.required("/header/organisation", "an object {\"ods_code\", \"name\"}");
                None
            }
            Some(Json::Object(o)) => {
                self.unknown_keys(o, "/header/organisation", &["ods_code", "name"]);
                let code = self.text(o, "/header/organisation", "ods_code");
                let code = code.filter(|c| {
                    let ok = is_ods_code(c);
                    if !ok {
                        self.errors.push(
                            Diagnostic::error(
                                Code::BadOdsCode,
                                format!(
                                    "\"{}\" is not an ODS code: expected 3 to 6 upper-case letters or digits",
                                    truncate(c)
                                ),
                            )
                            .at_path("/header/organisation/ods_code")
                            .with_help("give the organisation's code from the NHS Organisation Data Service, e.g. \"RRK\" for a trust or \"RRK02\" for a site"),
                        );
                    }
                    ok
                });
                let name = self.text(o, "/header/organisation", "name");
                match (code, name) {
                    (Some(ods_code), Some(name)) => Some(Organisation { ods_code, name }),
                    _ => None,
                }
            }
            Some(other) => self.type_error(
                "/header/organisation",
                "an object {\"ods_code\", \"name\"}",
                other,
            ),
        };
        let period = match m.get("period") {
            None | Some(Json::Null) => {
                self.required("/header/period", "an object {\"start\", \"end\"}");
                None
            }
            Some(Json::Object(o)) => {
                self.unknown_keys(o, "/header/period", &["start", "end"]);
                let start = self.date(o, "/header/period", "start");
                let end = self.date(o, "/header/period", "end");
                match (start, end) {
                    (Some(start), Some(end)) if end < start => {
                        self.errors.push(
                            Diagnostic::error(
                                Code::BadPeriod,
                                format!("the assessment period ends ({end}) before it starts ({start})"),
                            )
                            .at_path("/header/period/end")
                            .with_help("`start` is the first day of the period and `end` the last, e.g. 2024-07-01 to 2025-06-30"),
                        );
                        None
                    }
                    (Some(start), Some(end)) => Some(Period { start, end }),
                    _ => None,
                }
            }
            Some(other) => {
                self.type_error("/header/period", "an object {\"start\", \"end\"}", other)
            }
        };
        let completed_by = self.text(m, "/header", "completed_by");
        let signed_off = match m.get("signed_off") {
            None | Some(Json::Null) => Some(None),
            Some(Json::Object(o)) => {
                self.unknown_keys(o, "/header/signed_off", &["by", "on"]);
                let by = self.text(o, "/header/signed_off", "by");
                let on = self.date(o, "/header/signed_off", "on");
                by.zip(on).map(|(by, on)| Some(SignOff { by, on }))
            }
            Some(other) => {
                self.type_error::<()>("/header/signed_off", "an object {\"by\", \"on\"}", other);
                None
            }
        };
        Some(Header {
            respondent: respondent?,
            organisation: organisation?,
            period: period?,
            completed_by: completed_by?,
            signed_off: signed_off?,
        })
    }

    /// A warning for each key of `m` not in `known`.
    fn unknown_keys(&mut self, m: &serde_json::Map<String, Json>, at: &str, known: &[&str]) {
        for k in m.keys() {
            if !known.contains(&k.as_str()) {
                self.warnings.push(
                    Diagnostic::warning(
                        Code::SubmissionUnknownField,
                        format!("unknown field `{k}` is ignored"),
                    )
                    .at_path(format!("{at}/{}", escape(k)))
                    .with_help_opt(did_you_mean(k, known.iter().copied())),
                );
            }
        }
    }

    /// An NS0201 error: a required header field is missing.
    fn required(&mut self, path: &str, expected: &str) {
        self.errors.push(
            Diagnostic::error(
                Code::SubmissionType,
                format!("expected {expected}, found nothing: this header field is required"),
            )
            .at_path(path),
        );
    }

    /// The required, non-empty text `key` of the header object `m` at `at`.
    fn text(&mut self, m: &serde_json::Map<String, Json>, at: &str, key: &str) -> Option<String> {
        let path = format!("{at}/{key}");
        match m.get(key) {
            None | Some(Json::Null) => {
                self.required(&path, "a string");
                None
            }
            Some(Json::String(s)) if s.trim().is_empty() => {
                self.errors.push(
                    Diagnostic::error(
                        Code::SubmissionType,
                        "expected a non-empty string, found \"\"",
                    )
                    .at_path(path),
                );
                None
            }
            Some(Json::String(s)) => Some(s.clone()),
            Some(other) => self.type_error(path, "a string", other),
        }
    }

    /// The required date `key` of the header object `m` at `at`.
    fn date(&mut self, m: &serde_json::Map<String, Json>, at: &str, key: &str) -> Option<Date> {
        let path = format!("{at}/{key}");
        match m.get(key) {
            None | Some(Json::Null) => {
                self.required(&path, "a date string YYYY-MM-DD");
                None
            }
            Some(Json::String(s)) => match Date::parse(s) {
                Some(d) => Some(d),
                None => {
                    self.errors.push(
                        Diagnostic::error(
                            Code::SubmissionDate,
                            format!("\"{}\" is not a valid date", truncate(s)),
                        )
                        .at_path(path)
                        .with_help(date_help(s)),
                    );
                    None
                }
            },
            Some(other) => self.type_error(path, "a date string YYYY-MM-DD", other),
        }
    }

    fn evidence(&mut self, v: &Json) -> BTreeMap<String, BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        let Json::Object(reqs) = v else {
            self.errors.push(
                Diagnostic::error(
                    Code::SubmissionEvidence,
                    format!(
                        "`evidence` must be an object of requirement ids, found {}",
                        kind_of(v)
                    ),
                )
                .at_path("/evidence")
                .with_help("write \"evidence\": {\"REQ-ID\": {\"key\": \"reference\"}}"),
            );
            return out;
        };
        for (id, given) in reqs {
            let path = format!("/evidence/{}", escape(id));
            let Json::Object(items) = given else {
                self.errors.push(
                    Diagnostic::error(
                        Code::SubmissionEvidence,
                        format!(
                            "expected an object of evidence key -> reference, found {}",
                            kind_of(given)
                        ),
                    )
                    .at_path(path),
                );
                continue;
            };
            let mut m = BTreeMap::new();
            for (k, r) in items {
                match r {
                    Json::String(s) => {
                        m.insert(k.clone(), s.clone());
                    }
                    Json::Null => {}
                    other => {
                        self.errors.push(
                            Diagnostic::error(
                                Code::SubmissionEvidence,
                                format!("expected a reference string, found {}", kind_of(other)),
                            )
                            .at_path(format!("{path}/{}", escape(k))),
                        );
                    }
                }
            }
            out.insert(id.clone(), m);
        }
        out
    }
}

/// A JSON number as an exact rational, read from its decimal text (serde_json
/// keeps the text: `arbitrary_precision`), so no digit is lost to floating point.
pub fn json_number(n: &serde_json::Number) -> Option<Num> {
    if let Some(i) = n.as_i64() {
        return Some(Num::int(i.into()));
    }
    Num::parse_decimal(&n.to_string())
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
