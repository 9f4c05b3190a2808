//! Reading a submission's JSON text straight into the slots of a
//! [`Schema`], in one pass, with no JSON tree in between.
//!
//! serde_json checks the syntax and decodes strings; this reader drives it
//! value by value. Before each value it looks at the value's first byte in
//! the text (the reader keeps the offset where the last value ended) and
//! asks for what is there: an object or array is walked entry by entry, a
//! string is decoded, and a number is stepped over by serde_json (which
//! checks it) and taken as its exact text, which [`Num::parse_decimal`]
//! reads as an exact rational. So no value goes through serde's
//! `deserialize_any`, and the result does not depend on how serde_json
//! hands numbers over (its `arbitrary_precision` feature, which a program
//! embedding this library may turn on).
//!
//! Clean submissions are usually read by the faster hand-written reader
//! ([`crate::fastread`]) first; this one reads everything else, and finds
//! and explains every problem.
//!
//! The limits ([`Limits`]) and duplicate keys stop the reading at once
//! (NS0306, NS0307, NS0210), at the first problem in the text. Every other
//! problem is collected; the diagnostics come out in the order of the keys
//! of each object sorted (as a JSON object's keys are compared), whatever
//! their order in the text, and looking stops after [`MAX_DIAGNOSTICS`]
//! errors, at the same place whatever the order in the text. Warnings never
//! stop it (only the first [`MAX_DIAGNOSTICS`] are kept): no error is lost
//! behind them.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::de::{self, Deserialize as _, DeserializeSeed, Deserializer, MapAccess, SeqAccess};

use super::{
    assessed_on_moved, bounded, date_help, entries, escape, is_ods_code, missing_header, too_deep,
    truncate, Evidence, EvidenceBuilder, Header, JsonError, Organisation, Period, Read, Record,
    Rejected, SignOff, Store, Stored,
};
use crate::calendar::Date;
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::ir::{Bound, FieldKind, RecordId, ScalarTy, Schema};
use crate::limits::{Limits, MAX_DIAGNOSTICS};
use crate::number::Num;

/// How a text is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Submission text: nesting, entries and duplicate keys stop the reading.
    Text,
    /// The text of a JSON value the caller built: only a schema list over
    /// [`Limits::max_list_len`] is refused, as an error among the others.
    Value,
}

/// Reads `text` (no byte order mark) against `schema`. `Err` when the text
/// is not JSON or is refused outright; `Ok(Err(_))` when it is JSON but not
/// an object.
pub(crate) fn read(
    schema: &Schema,
    text: &str,
    limits: &Limits,
    need_header: bool,
    mode: Mode,
) -> Result<Result<Read, Rejected>, JsonError> {
    let mut st = St {
        text,
        pos: 0,
        key_end: None,
        schema,
        limits,
        strict: mode == Mode::Text,
        depth: 0,
        path: Vec::new(),
        rejected: None,
        log: Vec::new(),
        store: Store::with_capacity_for(text.len()),
        header: None,
        evidence: None,
        assessed_on: false,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let start = st.skip_ws(0);
    let read = if st.byte(start) == Some(b'{') {
        let v = RecordVisitor {
            st: &mut st,
            rec: 0,
            pointer: (0, 0),
            root: true,
            start,
        };
        (&mut de).deserialize_map(v).map(Ok)
    } else {
        st.leaf(&mut de, start).map(|leaf| Err(leaf.found().kind()))
    };
    let root = match read.and_then(|r| de.end().map(|()| r)) {
        Ok(r) => r,
        Err(e) => return Err(st.failure(e)),
    };
    let root = match root {
        Ok(root) => root,
        Err(kind) => {
            return Ok(Err(Rejected {
                errors: vec![Diagnostic::error(
                    Code::SubmissionNotObject,
                    format!("a submission must be a JSON object, found {kind}"),
                )
                .at_path("")],
                warnings: Vec::new(),
            }))
        }
    };
    Ok(Ok(st.finish(root, need_header)))
}

/// Reads JSON text into a [`Tree`] within `limits` (text mode).
pub(crate) fn tree(text: &str, limits: &Limits) -> Result<Tree, JsonError> {
    let schema = Schema::default();
    let mut st = St {
        text,
        pos: 0,
        key_end: None,
        schema: &schema,
        limits,
        strict: true,
        depth: 0,
        path: Vec::new(),
        rejected: None,
        log: Vec::new(),
        store: Store::default(),
        header: None,
        evidence: None,
        assessed_on: false,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let start = st.skip_ws(0);
    match st
        .walk(&mut de, start, true)
        .and_then(|t| de.end().map(|()| t))
    {
        Ok(t) => Ok(t),
        Err(e) => Err(st.failure(e)),
    }
}

/// A JSON value as read, numbers as their text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree {
    Null,
    Bool(bool),
    Num(Box<str>),
    Str(String),
    Array(Vec<Tree>),
    Object(BTreeMap<String, Tree>),
}

impl Tree {
    /// Writes the JSON text `serde_json::to_string(&self.into_json()?)`
    /// writes, without making the value: keys in order, numbers and strings
    /// written by serde_json itself; the same error for the same number.
    #[cfg(feature = "compile")]
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) -> Result<(), String> {
        match self {
            Tree::Null => out.extend_from_slice(b"null"),
            Tree::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Tree::Num(n) => {
                let number = n
                    .parse::<serde_json::Number>()
                    .map_err(|_| format!("the number {} is out of range", bounded(n)))?;
                serde_json::to_writer(&mut *out, &number).map_err(|e| e.to_string())?;
            }
            Tree::Str(s) => serde_json::to_writer(&mut *out, s).map_err(|e| e.to_string())?,
            Tree::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_json(out)?;
                }
                out.push(b']');
            }
            Tree::Object(m) => {
                out.push(b'{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    serde_json::to_writer(&mut *out, k).map_err(|e| e.to_string())?;
                    out.push(b':');
                    v.write_json(out)?;
                }
                out.push(b'}');
            }
        }
        Ok(())
    }

    fn found(&self) -> Found<'_> {
        match self {
            Tree::Null => Found::Null,
            Tree::Bool(b) => Found::Bool(*b),
            Tree::Num(n) => Found::Num(n),
            Tree::Str(s) => Found::Str(s),
            Tree::Array(_) => Found::Array,
            Tree::Object(_) => Found::Object,
        }
    }

    /// The value as serde_json holds it (a number as serde_json reads its text).
    pub(crate) fn into_json(self) -> Result<serde_json::Value, String> {
        use serde_json::Value as Json;
        Ok(match self {
            Tree::Null => Json::Null,
            Tree::Bool(b) => Json::Bool(b),
            Tree::Num(n) => Json::Number(
                n.parse::<serde_json::Number>()
                    .map_err(|_| format!("the number {} is out of range", bounded(&n)))?,
            ),
            Tree::Str(s) => Json::String(s),
            Tree::Array(items) => Json::Array(
                items
                    .into_iter()
                    .map(Tree::into_json)
                    .collect::<Result<_, _>>()?,
            ),
            Tree::Object(m) => Json::Object(
                m.into_iter()
                    .map(|(k, v)| v.into_json().map(|v| (k, v)))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }
}

/// A value found where another was expected, for the message.
#[derive(Clone, Copy)]
pub(crate) enum Found<'a> {
    Null,
    Bool(bool),
    Num(&'a str),
    Str(&'a str),
    Array,
    Object,
}

impl Found<'_> {
    fn kind(self) -> &'static str {
        match self {
            Found::Null => "null",
            Found::Bool(_) => "a boolean",
            Found::Num(_) => "a number",
            Found::Str(_) => "a string",
            Found::Array => "an array",
            Found::Object => "an object",
        }
    }

    /// The kind, and the value itself when it is short.
    fn shown(self) -> String {
        match self {
            Found::Str(s) => format!("{} \"{}\"", self.kind(), truncate(s)),
            Found::Num(n) => format!("{} {n}", self.kind()),
            Found::Bool(b) => format!("{} {b}", self.kind()),
            other => other.kind().to_string(),
        }
    }
}

/// A leaf as read (an array or object only walked, within the limits).
enum Leaf<'t> {
    Null,
    Bool(bool),
    Num(Cow<'t, str>),
    Str(Cow<'t, str>),
    Array,
    Object,
}

impl Leaf<'_> {
    fn found(&self) -> Found<'_> {
        match self {
            Leaf::Null => Found::Null,
            Leaf::Bool(b) => Found::Bool(*b),
            Leaf::Num(n) => Found::Num(n),
            Leaf::Str(s) => Found::Str(s),
            Leaf::Array => Found::Array,
            Leaf::Object => Found::Object,
        }
    }
}

/// One step of the JSON pointer of the value being read.
enum Seg<'t> {
    Key(Cow<'t, str>),
    Index(usize),
}

/// A diagnostic found, or a place where the reader would stop looking if
/// enough have been found (before each key of an object of answers and
/// each element of a list).
enum Entry {
    Check,
    Error(Diagnostic),
    Warning(Diagnostic),
}

/// The reader's state.
struct St<'t, 's> {
    text: &'t str,
    /// Where the last value read ends (or just after the bracket opened).
    pos: usize,
    /// Where the key just read ends, when serde_json lent it from the text.
    key_end: Option<usize>,
    schema: &'s Schema,
    limits: &'s Limits,
    /// Limits and duplicate keys stop the reading.
    strict: bool,
    /// The nesting of the value being read (the root's is 0).
    depth: usize,
    path: Vec<Seg<'t>>,
    /// Why the reading stopped, when it was refused.
    rejected: Option<Diagnostic>,
    log: Vec<Entry>,
    store: Store,
    header: Option<Tree>,
    evidence: Option<Tree>,
    assessed_on: bool,
}

/// A value to read: where it starts is found in the text first.
struct Seed<'a, 't, 's> {
    st: &'a mut St<'t, 's>,
    /// An array's element (else an object's value).
    element: bool,
    want: Want,
}

#[derive(Clone, Copy)]
enum Want {
    /// Any value, kept as a tree or only walked.
    Walk { build: bool },
    /// An answer in `slot` of a record of type `rec`, at `parent`.
    Field {
        rec: RecordId,
        slot: usize,
        parent: (usize, usize),
    },
    /// A list element, a record of type `rec`, in the list at `parent`.
    Item {
        rec: RecordId,
        parent: (usize, usize),
    },
}

enum Out {
    Nothing,
    Tree(Tree),
    Stored(Stored),
    Record(Record),
}

impl<'t> DeserializeSeed<'t> for Seed<'_, 't, '_> {
    type Value = Out;

    fn deserialize<D: Deserializer<'t>>(self, d: D) -> Result<Out, D::Error> {
        let st = self.st;
        let start = if self.element {
            st.element_start()
        } else {
            st.value_start()
        };
        match self.want {
            Want::Walk { build } => st.walk(d, start, build).map(Out::Tree),
            Want::Field { rec, slot, parent } => st.field(d, start, rec, slot, parent),
            Want::Item { rec, parent } => {
                if st.byte(start) == Some(b'{') {
                    let pointer = match st.path.last() {
                        Some(Seg::Index(i)) => st.store.index_pointer(parent, *i),
                        _ => parent,
                    };
                    st.record(d, start, rec, pointer).map(Out::Record)
                } else {
                    let leaf = st.leaf(d, start)?;
                    let path = st.here(parent);
                    st.type_error(path, "an object", leaf.found());
                    Ok(Out::Nothing)
                }
            }
        }
    }
}

/// An object's key (or a string), lent from the text when it has no escapes.
struct StrVisitor;

impl<'t> de::Visitor<'t> for StrVisitor {
    type Value = Cow<'t, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'t str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

struct KeySeed;

impl<'t> DeserializeSeed<'t> for KeySeed {
    type Value = Cow<'t, str>;
    fn deserialize<D: Deserializer<'t>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(StrVisitor)
    }
}

/// A key of an object of answers, as it decides where its value goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Header,
    Evidence,
    AssessedOn,
    Slot(usize),
    Unknown,
}

impl<'t> St<'t, '_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn skip_ws(&self, mut at: usize) -> usize {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.byte(at) {
            at += 1;
        }
        at
    }

    /// Past the closing quote of the string starting at `at`.
    fn skip_string(&self, at: usize) -> usize {
        let rest = self.text.as_bytes().get(at + 1..).unwrap_or_default();
        let mut i = 0;
        while let Some(&c) = rest.get(i) {
            match c {
                b'"' => return at + 1 + i + 1,
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        self.text.len()
    }

    /// Where the number at `at` (well-formed: serde_json has read it) ends.
    fn number_end(&self, at: usize) -> usize {
        let rest = self.text.as_bytes().get(at..).unwrap_or_default();
        at + rest
            .iter()
            .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .unwrap_or(rest.len())
    }

    /// Whether the number at `at` runs to the end of the text unfinished.
    fn incomplete_at_end(&self, at: usize) -> bool {
        let rest = self.text.as_bytes().get(at..).unwrap_or_default();
        rest.iter()
            .all(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            && matches!(rest.last(), Some(b'-' | b'+' | b'.' | b'e' | b'E'))
    }

    /// Where `s`, lent from the text, starts in it.
    fn offset_of(&self, s: &str) -> Option<usize> {
        let base = self.text.as_ptr() as usize;
        let at = (s.as_ptr() as usize).checked_sub(base)?;
        (at + s.len() <= self.text.len()).then_some(at)
    }

    /// Where the next element of an array starts (serde_json has read up to it).
    fn element_start(&self) -> usize {
        let at = self.skip_ws(self.pos);
        if self.byte(at) == Some(b',') {
            self.skip_ws(at + 1)
        } else {
            at
        }
    }

    /// Where the value of the key just read starts.
    fn value_start(&mut self) -> usize {
        let after_key = match self.key_end.take() {
            Some(end) => end,
            None => {
                let at = self.element_start();
                self.skip_string(at)
            }
        };
        let at = self.skip_ws(after_key);
        if self.byte(at) == Some(b':') {
            self.skip_ws(at + 1)
        } else {
            at
        }
    }

    /// Notes where `key` ends, if serde_json lent it from the text.
    fn read_key(&mut self, key: &str) {
        // a key decoded from escapes is not in the text
        self.key_end = self.offset_of(key).map(|at| at + key.len() + 1);
    }

    /// After an object or array: past its closing bracket.
    fn close(&mut self) {
        self.pos = self.skip_ws(self.pos) + 1;
    }

    /// The JSON pointer of the value being read.
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

    /// The pointer of the value being read, below the record at `parent`.
    fn here(&self, parent: (usize, usize)) -> String {
        let mut out = self.store.pointer_text(parent).to_string();
        match self.path.last() {
            Some(Seg::Key(k)) => {
                out.push('/');
                out.push_str(&escape(k));
            }
            Some(Seg::Index(i)) => {
                out.push('/');
                out.push_str(&i.to_string());
            }
            None => {}
        }
        out
    }

    /// Stops the reading with `d` (at the current pointer, or `key` below it).
    fn reject<E: de::Error>(&mut self, d: Diagnostic, key: Option<&str>) -> E {
        let mut pointer = self.pointer();
        if let Some(k) = key {
            pointer.push('/');
            pointer.push_str(&escape(k));
        }
        self.rejected = Some(d.at_path(pointer));
        E::custom("the submission was refused")
    }

    /// Refuses an array or object nested deeper than the limit.
    fn enter<E: de::Error>(&mut self) -> Result<(), E> {
        let max = self.limits.max_json_depth;
        if self.strict && self.depth >= max {
            self.rejected = Some(too_deep(self.pointer(), max));
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

    fn duplicate(key: &str) -> Diagnostic {
        Diagnostic::error(
            Code::DuplicateKey,
            format!("key `{}` appears twice in one object", truncate(key)),
        )
        .with_help("keep one of them: JSON readers disagree about which one counts")
    }

    /// Why the reading failed: refused, too deep for serde_json, or not JSON.
    fn failure(&mut self, e: serde_json::Error) -> JsonError {
        if let Some(d) = self.rejected.take() {
            return JsonError::Rejected(Box::new(d));
        }
        if e.to_string().starts_with("recursion limit exceeded") {
            // serde_json's own ceiling (128 levels)
            return JsonError::Rejected(Box::new(too_deep(
                self.pointer(),
                self.limits.max_json_depth.min(127),
            )));
        }
        JsonError::Syntax(e)
    }

    fn error(&mut self, d: Diagnostic) {
        self.log.push(Entry::Error(d));
    }

    fn type_error(&mut self, path: String, expected: &str, found: Found<'_>) {
        self.error(
            Diagnostic::error(
                Code::SubmissionType,
                format!("expected {expected}, found {}", found.shown()),
            )
            .at_path(path),
        );
    }

    /// A value that is not an answer: an object or array is walked within
    /// the limits (and kept with `build`), anything else read.
    fn walk<D: Deserializer<'t>>(
        &mut self,
        d: D,
        start: usize,
        build: bool,
    ) -> Result<Tree, D::Error> {
        match self.byte(start) {
            Some(b'{') => {
                let t = d.deserialize_map(WalkVisitor {
                    st: self,
                    start,
                    build,
                })?;
                self.close();
                Ok(t)
            }
            Some(b'[') => {
                let t = d.deserialize_seq(WalkVisitor {
                    st: self,
                    start,
                    build,
                })?;
                self.close();
                Ok(t)
            }
            _ => Ok(match self.leaf(d, start)? {
                Leaf::Null => Tree::Null,
                Leaf::Bool(b) => Tree::Bool(b),
                Leaf::Num(n) => Tree::Num(n.into()),
                Leaf::Str(s) => Tree::Str(s.into_owned()),
                Leaf::Array => Tree::Array(Vec::new()),
                Leaf::Object => Tree::Object(BTreeMap::new()),
            }),
        }
    }

    /// A value as a leaf: an array or object is only walked.
    fn leaf<D: Deserializer<'t>>(&mut self, d: D, start: usize) -> Result<Leaf<'t>, D::Error> {
        match self.byte(start) {
            Some(b'"') => {
                let s = d.deserialize_str(StrVisitor)?;
                self.pos = match &s {
                    Cow::Borrowed(b) => self.offset_of(b).map(|at| at + b.len() + 1),
                    Cow::Owned(_) => None,
                }
                .unwrap_or_else(|| self.skip_string(start));
                Ok(Leaf::Str(s))
            }
            Some(b'-' | b'0'..=b'9') if self.incomplete_at_end(start) => {
                // serde_json's number parser says where it ran out
                d.deserialize_any(de::IgnoredAny)?;
                Err(de::Error::custom("expected a value"))
            }
            Some(b'-' | b'0'..=b'9') => {
                // serde_json checks the number and steps over it; its exact
                // text is the run of number characters where it starts
                de::IgnoredAny::deserialize(d)?;
                let end = self.number_end(start);
                self.pos = end;
                let raw = self.text.get(start..end).unwrap_or_default();
                Ok(Leaf::Num(number_text(raw)))
            }
            Some(b't' | b'f') => {
                let b = bool::deserialize(d)?;
                self.pos = start + if b { 4 } else { 5 };
                Ok(Leaf::Bool(b))
            }
            Some(b'n') => {
                <()>::deserialize(d)?;
                self.pos = start + 4;
                Ok(Leaf::Null)
            }
            Some(b'[') => self.walk(d, start, false).map(|_| Leaf::Array),
            Some(b'{') => self.walk(d, start, false).map(|_| Leaf::Object),
            _ => {
                // not a value: serde_json says why
                de::IgnoredAny::deserialize(d)?;
                Err(de::Error::custom("expected a value"))
            }
        }
    }

    /// An object read into a new record of type `rec` at `pointer`.
    fn record<D: Deserializer<'t>>(
        &mut self,
        d: D,
        start: usize,
        rec: RecordId,
        pointer: (usize, usize),
    ) -> Result<Record, D::Error> {
        let r = d.deserialize_map(RecordVisitor {
            st: self,
            rec,
            pointer,
            root: false,
            start,
        })?;
        self.close();
        Ok(r)
    }

    /// The answer to the field in `slot` of the record type `rec`.
    fn field<D: Deserializer<'t>>(
        &mut self,
        d: D,
        start: usize,
        rec: RecordId,
        slot: usize,
        parent: (usize, usize),
    ) -> Result<Out, D::Error> {
        let schema = self.schema;
        let Some(field) = schema.records.get(rec).and_then(|r| r.fields.get(slot)) else {
            return self.walk(d, start, false).map(|_| Out::Nothing);
        };
        match (&field.kind, self.byte(start)) {
            (_, Some(b'n')) => {
                // unanswered
                self.leaf(d, start).map(|_| Out::Nothing)
            }
            (FieldKind::Group { record }, Some(b'{')) => {
                let pointer = match self.path.last() {
                    Some(Seg::Key(k)) => self.store.child_pointer(parent, k),
                    _ => parent,
                };
                let r = self.record(d, start, *record, pointer)?;
                Ok(Out::Stored(Stored::Group(r)))
            }
            (
                FieldKind::List {
                    record,
                    min_len,
                    max_len,
                },
                Some(b'['),
            ) => {
                let pointer = match self.path.last() {
                    Some(Seg::Key(k)) => self.store.child_pointer(parent, k),
                    _ => parent,
                };
                let mark = self.log.len();
                let items = d.deserialize_seq(ListVisitor {
                    st: self,
                    rec: *record,
                    pointer,
                    start,
                })?;
                self.close();
                Ok(self.list(items, mark, *min_len, *max_len, pointer))
            }
            (FieldKind::Group { .. }, _) => {
                let leaf = self.leaf(d, start)?;
                self.type_error(self.here(parent), "an object", leaf.found());
                Ok(Out::Nothing)
            }
            (FieldKind::List { .. }, _) => {
                let leaf = self.leaf(d, start)?;
                self.type_error(self.here(parent), "an array", leaf.found());
                Ok(Out::Nothing)
            }
            (FieldKind::Scalar { ty, min, max }, _) => {
                let leaf = self.leaf(d, start)?;
                Ok(self
                    .scalar(*ty, *min, *max, &leaf, parent)
                    .map_or(Out::Nothing, Out::Stored))
            }
        }
    }

    /// A list read: its length against its bounds (the errors before its
    /// elements', from `mark` in the log).
    fn list(
        &mut self,
        (items, n): (Vec<Record>, usize),
        mark: usize,
        min_len: Option<usize>,
        max_len: Option<usize>,
        pointer: (usize, usize),
    ) -> Out {
        let path = || self.store.pointer_text(pointer).to_string();
        if !self.strict && n > self.limits.max_list_len {
            let d = Diagnostic::error(
                Code::ListTooLong,
                format!(
                    "this list has {n} entries, more than the limit of {}",
                    self.limits.max_list_len
                ),
            )
            .at_path(path())
            .with_help("split the submission, or raise `max_list_len` in `netspec::Limits`");
            self.log.truncate(mark);
            self.error(d);
            return Out::Nothing;
        }
        let mut first = Vec::new();
        if let Some(lo) = min_len.filter(|lo| n < *lo) {
            first.push(Entry::Error(
                Diagnostic::error(
                    Code::SubmissionRange,
                    format!("at least {lo} {} expected, found {n}", entries(lo)),
                )
                .at_path(path()),
            ));
        }
        if let Some(hi) = max_len.filter(|hi| n > *hi) {
            first.push(Entry::Error(
                Diagnostic::error(
                    Code::SubmissionRange,
                    format!("at most {hi} {} expected, found {n}", entries(hi)),
                )
                .at_path(path()),
            ));
        }
        if !first.is_empty() {
            let at = mark.min(self.log.len());
            self.log.splice(at..at, first);
        }
        Out::Stored(Stored::List(items))
    }

    /// A scalar answer, checked against its type and bounds.
    fn scalar(
        &mut self,
        ty: ScalarTy,
        min: Option<Bound>,
        max: Option<Bound>,
        v: &Leaf<'_>,
        parent: (usize, usize),
    ) -> Option<Stored> {
        match ty {
            ScalarTy::Bool => match v {
                Leaf::Bool(b) => Some(Stored::Bool(*b)),
                other => {
                    self.type_error(self.here(parent), "true or false", other.found());
                    None
                }
            },
            ScalarTy::Text => match v {
                Leaf::Str(s) => Some(Stored::Text(s.as_ref().into())),
                other => {
                    self.type_error(self.here(parent), "a string", other.found());
                    None
                }
            },
            ScalarTy::Enum(e) => {
                let schema = self.schema;
                let variants = schema
                    .enums
                    .get(e)
                    .map(|d| d.variants.as_slice())
                    .unwrap_or_default();
                match v {
                    Leaf::Str(s) => match variants.iter().position(|x| x == s) {
                        Some(i) => Some(Stored::Enum(u32::try_from(i).unwrap_or(0))),
                        None => {
                            let help = variants
                                .iter()
                                .find(|x| x.eq_ignore_ascii_case(s))
                                .map(|x| format!("values are case-sensitive: did you mean `{x}`?"))
                                .or_else(|| did_you_mean(s, variants.iter().map(String::as_str)));
                            let d = Diagnostic::error(
                                Code::SubmissionEnum,
                                format!(
                                    "\"{}\" is not one of: {}",
                                    truncate(s),
                                    variants.join(", ")
                                ),
                            )
                            .at_path(self.here(parent))
                            .with_help_opt(help);
                            self.error(d);
                            None
                        }
                    },
                    other => {
                        let expected = format!("one of: {}", variants.join(", "));
                        self.type_error(self.here(parent), &expected, other.found());
                        None
                    }
                }
            }
            ScalarTy::Date => match v {
                Leaf::Str(s) => match Date::parse(s) {
                    Some(d) => {
                        self.check_bounds(parent, Bound::Date(d), min, max, ty);
                        Some(Stored::Date(d))
                    }
                    None => {
                        let d = Diagnostic::error(
                            Code::SubmissionDate,
                            format!("\"{}\" is not a valid date", truncate(s)),
                        )
                        .at_path(self.here(parent))
                        .with_help(date_help(s));
                        self.error(d);
                        None
                    }
                },
                other => {
                    self.type_error(self.here(parent), "a date string YYYY-MM-DD", other.found());
                    None
                }
            },
            ScalarTy::Int | ScalarTy::Number | ScalarTy::Percent => {
                let Leaf::Num(n) = v else {
                    let what = match ty {
                        ScalarTy::Int => "a whole number",
                        ScalarTy::Percent => "a percent as a number from 0 to 100",
                        _ => "a number",
                    };
                    self.type_error(self.here(parent), what, v.found());
                    return None;
                };
                let Some(num) = number(n) else {
                    let d = Diagnostic::error(
                        Code::SubmissionRange,
                        format!("{} cannot be held exactly", bounded(n)),
                    )
                    .at_path(self.here(parent))
                    .with_note("numbers are exact rationals within about ±1.7e38");
                    self.error(d);
                    return None;
                };
                if ty == ScalarTy::Int && !num.is_integer() {
                    let d = Diagnostic::error(
                        Code::SubmissionRange,
                        format!("expected a whole number, found {n}"),
                    )
                    .at_path(self.here(parent));
                    self.error(d);
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
                self.check_bounds(parent, Bound::Num(value), min, max, ty);
                Some(Stored::number(value))
            }
        }
    }

    fn check_bounds(
        &mut self,
        parent: (usize, usize),
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
        if let (true, Some(m)) = (below, min) {
            let d = Diagnostic::error(
                Code::SubmissionRange,
                format!("{} is below the minimum {}", show(v), show(m)),
            )
            .at_path(self.here(parent));
            self.error(d);
        }
        if let (true, Some(m)) = (above, max) {
            let d = Diagnostic::error(
                Code::SubmissionRange,
                format!("{} is above the maximum {}", show(v), show(m)),
            )
            .at_path(self.here(parent));
            self.error(d);
        }
    }

    /// The submission read, with the header's and evidence's diagnostics
    /// first, and looking stopped where enough were found.
    fn finish(mut self, root: Record, need_header: bool) -> Read {
        let mut first = Diags::default();
        let header = match self.header.take() {
            Some(v) if v != Tree::Null => first.header(&v),
            _ => {
                if need_header {
                    first.errors.push(missing_header());
                }
                None
            }
        };
        if self.assessed_on {
            first.errors.push(assessed_on_moved());
        }
        let mut evidence = Evidence::default();
        if let Some(v) = self.evidence.take() {
            evidence = first.evidence(v);
        }
        let mut errors = first.errors;
        let mut warnings = first.warnings;
        for e in self.log {
            match e {
                Entry::Check => {
                    // enough errors to refuse the submission: stop. Warnings
                    // never stop it: an error after them would be lost, and
                    // the submission evaluated as if it were not there
                    if errors.len() > MAX_DIAGNOSTICS {
                        break;
                    }
                }
                Entry::Error(d) => errors.push(d),
                Entry::Warning(d) => warnings.push(d),
            }
        }
        Read {
            sub: self.store.finish(root, header, evidence, Vec::new()),
            errors,
            warnings,
        }
    }
}

/// A number's text as it is shown: an exponent written `e`, with its sign
/// (`1E5` as `1e+5`), the rest as given.
fn number_text(raw: &str) -> Cow<'_, str> {
    let Some(at) = raw.find(['e', 'E']) else {
        return Cow::Borrowed(raw);
    };
    let (mantissa, exponent) = raw.split_at(at);
    let exponent = exponent.get(1..).unwrap_or_default();
    let sign = if exponent.starts_with(['+', '-']) {
        ""
    } else {
        "+"
    };
    Cow::Owned(format!("{mantissa}e{sign}{exponent}"))
}

/// The number a number's text stands for, exactly.
pub(crate) fn number(text: &str) -> Option<Num> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Num::int(i.into()));
    }
    Num::parse_decimal(text)
}

/// Reads an object into a record.
struct RecordVisitor<'a, 't, 's> {
    st: &'a mut St<'t, 's>,
    rec: RecordId,
    pointer: (usize, usize),
    root: bool,
    start: usize,
}

impl<'t> de::Visitor<'t> for RecordVisitor<'_, 't, '_> {
    type Value = Record;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Record, A::Error> {
        let st = self.st;
        st.pos = self.start + 1;
        let schema = st.schema;
        let fields = schema
            .records
            .get(self.rec)
            .map(|r| r.fields.as_slice())
            .unwrap_or_default();
        let known = schema.records.get(self.rec).is_some();
        let record = st.store.open(fields.len(), self.pointer);
        let mut seen = Seen::new(fields.len() + 3);
        let mut unknown: BTreeSet<Cow<'t, str>> = BTreeSet::new();
        // where each key's diagnostics start in the log, when it has some
        let mut chunks: Vec<(Cow<'t, str>, usize)> = Vec::new();
        let mut count = 0;
        // keys usually come in the order the fields are declared
        let mut hint = 0;
        let mut key = map.next_key_seed(KeySeed)?;
        st.enter()?;
        while let Some(k) = key {
            st.read_key(&k);
            let which = match k.as_ref() {
                "header" if self.root => Key::Header,
                "evidence" if self.root => Key::Evidence,
                "assessed_on" if self.root => Key::AssessedOn,
                name => match (hint..fields.len())
                    .chain(0..hint)
                    .find(|&i| fields.get(i).is_some_and(|f| f.name == name))
                {
                    Some(slot) => {
                        hint = slot + 1;
                        Key::Slot(slot)
                    }
                    None => Key::Unknown,
                },
            };
            let again = match which {
                Key::Slot(s) => seen.insert(s),
                Key::Header => seen.insert(fields.len()),
                Key::Evidence => seen.insert(fields.len() + 1),
                Key::AssessedOn => seen.insert(fields.len() + 2),
                Key::Unknown => !unknown.insert(k.clone()),
            };
            if st.strict {
                if again {
                    return Err(st.reject(St::duplicate(&k), Some(&k)));
                }
                if count >= st.limits.max_list_len {
                    let d = st.too_long("object");
                    return Err(st.reject(d, None));
                }
            }
            count += 1;
            let mark = st.log.len();
            if which == Key::Unknown && known {
                let names = fields.iter().map(|f| f.name.as_str());
                let d = Diagnostic::warning(
                    Code::SubmissionUnknownField,
                    format!("unknown field `{k}` is ignored"),
                )
                .at_path(format!(
                    "{}/{}",
                    st.store.pointer_text(self.pointer),
                    escape(&k)
                ))
                .with_help_opt(did_you_mean(&k, names));
                st.log.push(Entry::Warning(d));
            }
            let want = match which {
                Key::Slot(slot) => Want::Field {
                    rec: self.rec,
                    slot,
                    parent: self.pointer,
                },
                Key::Header | Key::Evidence => Want::Walk { build: true },
                Key::AssessedOn | Key::Unknown => Want::Walk { build: false },
            };
            st.path.push(Seg::Key(k.clone()));
            st.depth += 1;
            let out = map.next_value_seed(Seed {
                st: &mut *st,
                element: false,
                want,
            });
            st.depth -= 1;
            st.path.pop();
            match (which, out?) {
                (Key::Slot(slot), Out::Stored(s)) => st.store.set(&record, slot, s),
                (Key::Header, Out::Tree(t)) => st.header = Some(t),
                (Key::Evidence, Out::Tree(t)) => st.evidence = Some(t),
                (Key::AssessedOn, _) => st.assessed_on = true,
                _ => {}
            }
            if st.log.len() > mark {
                st.log.insert(mark, Entry::Check);
                chunks.push((k, mark));
            }
            key = map.next_key_seed(KeySeed)?;
        }
        sort_chunks(&mut st.log, chunks);
        Ok(record)
    }
}

/// Puts the runs of the log that start at the chunks' marks in the order of
/// their keys.
fn sort_chunks(log: &mut Vec<Entry>, mut chunks: Vec<(Cow<'_, str>, usize)>) {
    if chunks.windows(2).all(|w| match w {
        [a, b] => a.0 <= b.0,
        _ => true,
    }) {
        return;
    }
    let Some(from) = chunks.first().map(|c| c.1) else {
        return;
    };
    let mut tail: Vec<Option<Entry>> = log.drain(from..).map(Some).collect();
    let ends: Vec<usize> = chunks
        .iter()
        .skip(1)
        .map(|c| c.1 - from)
        .chain([tail.len()])
        .collect();
    let mut runs: Vec<(Cow<'_, str>, usize, usize)> = chunks
        .drain(..)
        .zip(ends)
        .map(|((k, at), end)| (k, at - from, end))
        .collect();
    runs.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, a, b) in runs {
        for e in tail.get_mut(a..b).into_iter().flatten() {
            if let Some(e) = e.take() {
                log.push(e);
            }
        }
    }
}

/// Reads an array into a list of records.
struct ListVisitor<'a, 't, 's> {
    st: &'a mut St<'t, 's>,
    rec: RecordId,
    pointer: (usize, usize),
    start: usize,
}

impl<'t> de::Visitor<'t> for ListVisitor<'_, 't, '_> {
    /// The records, and how many elements the array has.
    type Value = (Vec<Record>, usize);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let st = self.st;
        st.pos = self.start + 1;
        st.enter()?;
        let mut out = Vec::new();
        let mut n = 0;
        loop {
            let mark = st.log.len();
            st.path.push(Seg::Index(n));
            st.depth += 1;
            let next = seq.next_element_seed(Seed {
                st: &mut *st,
                element: true,
                want: Want::Item {
                    rec: self.rec,
                    parent: self.pointer,
                },
            });
            st.depth -= 1;
            st.path.pop();
            match next? {
                None => break,
                Some(_) if st.strict && n >= st.limits.max_list_len => {
                    let d = st.too_long("array");
                    return Err(st.reject(d, None));
                }
                Some(item) => {
                    if let Out::Record(r) = item {
                        out.push(r);
                    }
                    if st.log.len() > mark {
                        st.log.insert(mark, Entry::Check);
                    }
                }
            }
            n += 1;
        }
        Ok((out, n))
    }
}

/// Walks an object or array within the limits, keeping it with `build`.
struct WalkVisitor<'a, 't, 's> {
    st: &'a mut St<'t, 's>,
    start: usize,
    build: bool,
}

impl<'t> de::Visitor<'t> for WalkVisitor<'_, 't, '_> {
    type Value = Tree;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object or array")
    }

    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let st = self.st;
        st.pos = self.start + 1;
        st.enter()?;
        let mut out = Vec::new();
        let mut n = 0;
        loop {
            st.path.push(Seg::Index(n));
            st.depth += 1;
            let next = seq.next_element_seed(Seed {
                st: &mut *st,
                element: true,
                want: Want::Walk { build: self.build },
            });
            st.depth -= 1;
            st.path.pop();
            match next? {
                None => break,
                Some(_) if st.strict && n >= st.limits.max_list_len => {
                    let d = st.too_long("array");
                    return Err(st.reject(d, None));
                }
                Some(Out::Tree(t)) if self.build => out.push(t),
                Some(_) => {}
            }
            n += 1;
        }
        Ok(Tree::Array(out))
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Tree, A::Error> {
        let st = self.st;
        st.pos = self.start + 1;
        let mut key = map.next_key_seed(KeySeed)?;
        st.enter()?;
        let mut out = BTreeMap::new();
        let mut keys: BTreeSet<Cow<'t, str>> = BTreeSet::new();
        while let Some(k) = key {
            st.read_key(&k);
            if st.strict {
                if keys.contains(&k) {
                    return Err(st.reject(St::duplicate(&k), Some(&k)));
                }
                if keys.len() >= st.limits.max_list_len {
                    let d = st.too_long("object");
                    return Err(st.reject(d, None));
                }
            }
            st.path.push(Seg::Key(k.clone()));
            st.depth += 1;
            let v = map.next_value_seed(Seed {
                st: &mut *st,
                element: false,
                want: Want::Walk { build: self.build },
            });
            st.depth -= 1;
            st.path.pop();
            let v = v?;
            if let (true, Out::Tree(t)) = (self.build, v) {
                out.insert(k.to_string(), t);
            }
            keys.insert(k);
            key = map.next_key_seed(KeySeed)?;
        }
        Ok(Tree::Object(out))
    }
}

/// The slots (and special keys) already given in one object (the fast
/// reader keeps its own in the same way).
pub(crate) enum Seen {
    Few(u64),
    Many(Vec<bool>),
}

impl Seen {
    pub(crate) fn new(n: usize) -> Seen {
        if n <= 64 {
            Seen::Few(0)
        } else {
            Seen::Many(vec![false; n])
        }
    }

    /// Marks `slot`; true if it was already marked.
    pub(crate) fn insert(&mut self, slot: usize) -> bool {
        match self {
            Seen::Few(bits) => {
                let bit = 1u64 << (slot % 64);
                let was = *bits & bit != 0;
                *bits |= bit;
                was
            }
            Seen::Many(v) => v.get_mut(slot).is_none_or(|b| std::mem::replace(b, true)),
        }
    }
}

/// The header's and evidence's diagnostics.
#[derive(Default)]
struct Diags {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Diags {
    fn type_error<T>(
        &mut self,
        path: impl Into<String>,
        expected: &str,
        found: &Tree,
    ) -> Option<T> {
        self.errors.push(
            Diagnostic::error(
                Code::SubmissionType,
                format!("expected {expected}, found {}", found.found().shown()),
            )
            .at_path(path.into()),
        );
        None
    }

    /// The `header` object: every problem an error under `/header/…`
    /// (NS0201 wrong type or missing, NS0203 bad date, NS0204 unknown
    /// respondent, NS0212 ODS code, NS0213 period), an unknown key a warning
    /// (NS0205). `None` when anything required is wrong or missing.
    fn header(&mut self, v: &Tree) -> Option<Header> {
        let Tree::Object(m) = v else {
            return self.type_error("/header", "an object", v);
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
            None | Some(Tree::Null) => {
                self.required("/header/respondent", "\"provider\" or \"network\"");
                None
            }
            Some(Tree::Str(s)) => match s.as_str() {
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
            None | Some(Tree::Null) => {
                self.required("/header/organisation", "an object {\"ods_code\", \"name\"}");
                None
            }
            Some(Tree::Object(o)) => {
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
            None | Some(Tree::Null) => {
                self.required("/header/period", "an object {\"start\", \"end\"}");
                None
            }
            Some(Tree::Object(o)) => {
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
            None | Some(Tree::Null) => Some(None),
            Some(Tree::Object(o)) => {
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
    fn unknown_keys(&mut self, m: &BTreeMap<String, Tree>, at: &str, known: &[&str]) {
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
    fn text(&mut self, m: &BTreeMap<String, Tree>, at: &str, key: &str) -> Option<String> {
        let path = format!("{at}/{key}");
        match m.get(key) {
            None | Some(Tree::Null) => {
                self.required(&path, "a string");
                None
            }
            Some(Tree::Str(s)) if s.trim().is_empty() => {
                self.errors.push(
                    Diagnostic::error(
                        Code::SubmissionType,
                        "expected a non-empty string, found \"\"",
                    )
                    .at_path(path),
                );
                None
            }
            Some(Tree::Str(s)) => Some(s.clone()),
            Some(other) => self.type_error(path, "a string", other),
        }
    }

    /// The required date `key` of the header object `m` at `at`.
    fn date(&mut self, m: &BTreeMap<String, Tree>, at: &str, key: &str) -> Option<Date> {
        let path = format!("{at}/{key}");
        match m.get(key) {
            None | Some(Tree::Null) => {
                self.required(&path, "a date string YYYY-MM-DD");
                None
            }
            Some(Tree::Str(s)) => match Date::parse(s) {
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

    /// `{ "REQ-ID": { "evidence_key": "reference", … }, … }`
    fn evidence(&mut self, v: Tree) -> Evidence {
        let mut out = EvidenceBuilder::default();
        let Tree::Object(reqs) = v else {
            self.errors.push(
                Diagnostic::error(
                    Code::SubmissionEvidence,
                    format!(
                        "`evidence` must be an object of requirement ids, found {}",
                        v.found().kind()
                    ),
                )
                .at_path("/evidence")
                .with_help("write \"evidence\": {\"REQ-ID\": {\"key\": \"reference\"}}"),
            );
            return Evidence::default();
        };
        for (id, given) in reqs {
            let path = format!("/evidence/{}", escape(&id));
            let Tree::Object(items) = given else {
                self.errors.push(
                    Diagnostic::error(
                        Code::SubmissionEvidence,
                        format!(
                            "expected an object of evidence key -> reference, found {}",
                            given.found().kind()
                        ),
                    )
                    .at_path(path),
                );
                continue;
            };
            out.id(&id);
            for (k, r) in items {
                match r {
                    Tree::Str(s) => out.reference(&k, &s),
                    Tree::Null => {}
                    other => {
                        self.errors.push(
                            Diagnostic::error(
                                Code::SubmissionEvidence,
                                format!(
                                    "expected a reference string, found {}",
                                    other.found().kind()
                                ),
                            )
                            .at_path(format!("{path}/{}", escape(&k))),
                        );
                    }
                }
            }
        }
        // a JSON object's keys are unique and in order (`Tree::Object`)
        out.finish().unwrap_or_default()
    }
}
