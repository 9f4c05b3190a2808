//! Reading a clean submission in one pass: JSON text → the
//! [`crate::submission::Submission`] the full reader would make, with no
//! intermediate JSON tree; or `None`.
//!
//! It handles only the common case, a clean submission: well-formed JSON
//! whose every key is a declared input (or `header` / `evidence`), with a
//! valid header (or none, when none is needed),
//! every value of the declared type and within its bounds, no key twice.
//! Anything else (a syntax error, an unknown key, a wrong type, a value out
//! of range, a duplicate key, an escape it does not decode, a limit reached)
//! makes it give up (`None`), and the caller reads the text again through
//! the submission reader ([`crate::submission`]), which finds and explains
//! every problem. So a submission read here is exactly the one that reader
//! would have produced, and every diagnostic still comes from one place.
//! It is kept for speed alone: with the serde-driven reader alone, JSON
//! text → outcomes takes 2.2 times the instructions it takes with this one
//! in front (both benchmark workloads; see `benches/BENCHMARKS.md`).
//!
//! What it needs of the schema is worked out once per spec, the first time
//! it reads ([`Plan`], kept by the `Spec`): each key as bytes to match in
//! place against the text (keys usually come in the order the fields are
//! declared, so the next field's name is tried first), whole-number bounds
//! as `i64`, enum values, pointer steps already escaped, and the declared
//! relations between answers whose bound is one answer
//! ([`Plan::relations_hold`]); a spec with any other bound leaves the
//! relations to the general check (`eval::check_relations`), which also
//! holds the plan's answer in builds with debug assertions.

use crate::calendar::Date;
use crate::ir::{Bound, FieldKind, Node, NodeKind, RecordId, RelationOp, ScalarTy, Schema, Ty};
use crate::limits::Limits;
use crate::number::Num;
use crate::submission::{
    is_ods_code, Evidence, EvidenceBuilder, Header, Organisation, Period, Record, Seen, SignOff,
    Store, Stored, Submission,
};
use crate::vocab::Respondent;

/// How each field of a schema is read, made once per spec (see
/// [`Plan::of`]): its name as bytes to match in the text, and for a whole
/// number its bounds as `i64`, so that the common answers are read without
/// going back to the schema's general form.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Per record of the schema, per slot.
    records: Vec<Vec<Slot>>,
    /// Per record of the schema, its declared relations between answers
    /// and the groups and lists that may hold some, in slot order; `None`
    /// when a relation's bound is not one answer (the general check is
    /// then needed).
    relations: Option<Vec<Vec<Check>>>,
    /// Per enum of the schema: every value can be matched in the text byte
    /// for byte (no quote, backslash or control character in it).
    plain_enums: Vec<bool>,
}

/// What [`Plan::relations_hold`] looks at in a record.
#[derive(Debug, Clone, Copy)]
enum Check {
    /// The answer in `slot` is `op` its bound.
    Relation {
        slot: usize,
        respondent: Respondent,
        op: RelationOp,
        bound: Direct,
    },
    /// The group or list in `slot`, of records of type `record`.
    Inside {
        slot: usize,
        respondent: Respondent,
        record: RecordId,
    },
}

/// A relation's bound that is one answer (as the general check reads it):
/// another field of the same record, an input of the root, or a field of a
/// group of the root.
#[derive(Debug, Clone, Copy)]
enum Direct {
    Sibling(usize),
    Root(usize),
    RootGroup(usize, usize),
}

impl Direct {
    fn of(bound: &Node) -> Option<Direct> {
        match &bound.kind {
            NodeKind::Input(slot) => Some(Direct::Root(*slot)),
            NodeKind::Field(base, slot) if matches!(base.ty, Ty::Record(_)) => match &base.kind {
                NodeKind::Var(0) => Some(Direct::Sibling(*slot)),
                NodeKind::Input(g) => Some(Direct::RootGroup(*g, *slot)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The bound for the answers of `rec`: `None` when that answer is
    /// missing or not a number (the relation is then not checked).
    fn value(self, sub: &Submission, rec: &Record) -> Option<Num> {
        let answer = match self {
            Direct::Sibling(slot) => sub.answer(rec, slot),
            Direct::Root(slot) => sub.answer(&sub.root, slot),
            Direct::RootGroup(g, slot) => match sub.answer(&sub.root, g) {
                Some(Stored::Group(r)) => sub.answer(r, slot),
                _ => None,
            },
        };
        answer.and_then(Stored::num)
    }
}

/// How one field is read.
#[derive(Debug)]
struct Slot {
    /// Its JSON key.
    name: Box<str>,
    /// Its key as a step of a JSON pointer (`~` as `~0`, `/` as `~1`).
    segment: Box<str>,
    /// The key can be matched in the text byte for byte: it needs no escape
    /// in JSON (no quote, backslash or control character), and it is not
    /// one of the root's own keys (`header`, `evidence`, `assessed_on`).
    plain: bool,
    /// When `plain`, the key as written in compact JSON with its colon
    /// (`"name":`), matched against the text in one comparison.
    quoted: Box<[u8]>,
    how: How,
}

#[derive(Debug, Clone, Copy)]
enum How {
    /// A whole number: one written as at most 18 digits is read in place
    /// and must lie within `lo..=hi`; any other is read as the schema says.
    Int { lo: i64, hi: i64 },
    /// `true` or `false`.
    Bool,
    /// Anything else: read as the schema says.
    Schema,
}

impl Plan {
    /// The plan of `schema`.
    pub(crate) fn of(schema: &Schema) -> Plan {
        let records = schema
            .records
            .iter()
            .enumerate()
            .map(|(rec, r)| {
                r.fields
                    .iter()
                    .map(|f| Slot {
                        name: f.name.as_str().into(),
                        segment: if f.name.contains(['~', '/']) {
                            crate::submission::escape(&f.name).into()
                        } else {
                            f.name.as_str().into()
                        },
                        quoted: {
                            let mut q = Vec::with_capacity(f.name.len() + 3);
                            q.push(b'"');
                            q.extend_from_slice(f.name.as_bytes());
                            q.extend_from_slice(b"\":");
                            q.into_boxed_slice()
                        },
                        plain: plain(&f.name)
                            && !(rec == 0
                                && matches!(
                                    f.name.as_str(),
                                    "header" | "evidence" | "assessed_on"
                                )),
                        how: match &f.kind {
                            FieldKind::Scalar {
                                ty: ScalarTy::Int,
                                min,
                                max,
                            } => match (int_bound(*min, i64::MIN), int_bound(*max, i64::MAX)) {
                                (Some(lo), Some(hi)) => How::Int { lo, hi },
                                _ => How::Schema,
                            },
                            FieldKind::Scalar {
                                ty: ScalarTy::Bool, ..
                            } => How::Bool,
                            _ => How::Schema,
                        },
                    })
                    .collect()
            })
            .collect();
        Plan {
            records,
            relations: Plan::checks(schema),
            plain_enums: schema
                .enums
                .iter()
                .map(|e| e.variants.iter().all(|v| plain(v)))
                .collect(),
        }
    }

    /// The relations' checks of every record, if every bound is one answer
    /// (none at all for a schema without relations: nothing to walk).
    fn checks(schema: &Schema) -> Option<Vec<Vec<Check>>> {
        let any = schema
            .records
            .iter()
            .any(|r| r.fields.iter().any(|f| !f.relations.is_empty()));
        if !any {
            return Some(Vec::new());
        }
        schema
            .records
            .iter()
            .map(|r| {
                let mut checks = Vec::new();
                for (slot, f) in r.fields.iter().enumerate() {
                    let respondent = f.respondent;
                    match &f.kind {
                        FieldKind::Scalar { .. } => {
                            for rel in &f.relations {
                                checks.push(Check::Relation {
                                    slot,
                                    respondent,
                                    op: rel.op,
                                    bound: Direct::of(&rel.bound)?,
                                });
                            }
                        }
                        FieldKind::Group { record } | FieldKind::List { record, .. } => {
                            checks.push(Check::Inside {
                                slot,
                                respondent,
                                record: *record,
                            });
                        }
                    }
                }
                Some(checks)
            })
            .collect()
    }

    /// Whether [`Plan::relations_hold`] can decide (else the general
    /// check, [`crate::eval::check_relations`], is needed).
    pub(crate) fn checks_relations(&self) -> bool {
        self.relations.is_some()
    }

    /// Whether every declared relation between the answers of `sub` (read
    /// with this plan's schema) holds, as the general check finds: answers
    /// of the other respondent than the header's are not checked, nor a
    /// relation whose bound is not answered with a number. `false` when
    /// the plan cannot decide.
    pub(crate) fn relations_hold(&self, sub: &Submission) -> bool {
        let Some(checks) = &self.relations else {
            return false;
        };
        let respondent = sub.header.as_ref().map(|h| h.respondent);
        hold(checks, sub, 0, &sub.root, respondent)
    }
}

/// Whether the relations of the record `rec` of type `rid`, and of the
/// records inside it, hold.
fn hold(
    checks: &[Vec<Check>],
    sub: &Submission,
    rid: RecordId,
    rec: &Record,
    respondent: Option<Respondent>,
) -> bool {
    let Some(checks_here) = checks.get(rid) else {
        return true;
    };
    for c in checks_here {
        match *c {
            Check::Relation {
                slot,
                respondent: r,
                op,
                bound,
            } => {
                let Some(v) = sub.answer(rec, slot).and_then(Stored::num) else {
                    continue;
                };
                if respondent.is_some_and(|x| x != r) {
                    continue;
                }
                if let Some(b) = bound.value(sub, rec) {
                    if !op.holds(v.compare(b)) {
                        return false;
                    }
                }
            }
            Check::Inside {
                slot,
                respondent: r,
                record,
            } => {
                if respondent.is_some_and(|x| x != r) {
                    continue;
                }
                let inside = match sub.answer(rec, slot) {
                    Some(Stored::Group(r)) => hold(checks, sub, record, r, respondent),
                    Some(Stored::List(rs)) => {
                        rs.iter().all(|r| hold(checks, sub, record, r, respondent))
                    }
                    _ => true,
                };
                if !inside {
                    return false;
                }
            }
        }
    }
    true
}

/// Whether `s` is written in JSON as it is: no quote, backslash or control
/// character in it.
fn plain(s: &str) -> bool {
    s.bytes().all(|c| c >= 0x20 && c != b'"' && c != b'\\')
}

/// A whole number's bound as an `i64` (`none` when there is none), when it
/// is one: a number read in place has at most 18 digits, so it is within
/// the bound exactly when it is within this.
fn int_bound(b: Option<Bound>, none: i64) -> Option<i64> {
    match b {
        None => Some(none),
        Some(Bound::Num(n)) => n.to_integer().and_then(|i| i64::try_from(i).ok()),
        Some(Bound::Date(_)) => None,
    }
}

/// Reads `text` if it is a clean submission within `limits`; `None` means
/// "use the full path" (which also reports any limit reached). With
/// `need_header`, a submission without a header is left to the full path
/// (NS0211). `plan` is [`Plan::of`] the schema.
pub(crate) fn read_with(
    schema: &Schema,
    plan: &Plan,
    text: &str,
    limits: &Limits,
    need_header: bool,
) -> Option<Submission> {
    read_noting_numbers(schema, plan, text, limits, need_header).map(|(sub, _)| sub)
}

/// [`read_with`] of a test's `given` text, whose submission is the one read
/// from the text serde_json writes for its value
/// ([`crate::submission::read_json_written`]): also `None` when a number
/// might not come back from that text as written (an exponent, a decimal
/// of more than 15 digits, a whole number of more than 18 characters, `-0`).
/// Otherwise the two texts are read into the same submission: they differ
/// only in white space, the order of keys and the form of numbers, and
/// serde_json reads a decimal of at most 15 digits into the double nearest
/// it (its digits, below 2^53, times an exact power of ten) and writes that
/// double as the shortest text read back into it, which is the same number.
#[cfg(feature = "compile")]
pub(crate) fn read_as_written(
    schema: &Schema,
    plan: &Plan,
    text: &str,
    limits: &Limits,
) -> Option<Submission> {
    match read_noting_numbers(schema, plan, text, limits, false)? {
        (sub, true) => Some(sub),
        (_, false) => None,
    }
}

/// [`read_with`], and whether every number read keeps its value through
/// serde_json's value ([`read_as_written`]; always `true` without the
/// compiler).
fn read_noting_numbers(
    schema: &Schema,
    plan: &Plan,
    text: &str,
    limits: &Limits,
    need_header: bool,
) -> Option<(Submission, bool)> {
    if text.len() > limits.max_submission_bytes || plan.records.len() != schema.records.len() {
        return None;
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut r = Reader {
        s: text,
        b: text.as_bytes(),
        i: 0,
        schema,
        plan,
        max_list_len: limits.max_list_len,
        max_depth: limits.max_json_depth,
        depth: 0,
        header: None,
        evidence: None,
        store: Store::with_capacity_for(text.len()),
        #[cfg(feature = "compile")]
        numbers_kept: true,
    };
    r.ws();
    let root = r.record(0, (0, 0), true)?;
    r.ws();
    if r.i != r.b.len() {
        return None;
    }
    if need_header && r.header.is_none() {
        return None;
    }
    #[cfg(feature = "compile")]
    let kept = r.numbers_kept;
    #[cfg(not(feature = "compile"))]
    let kept = true;
    let evidence = match r.evidence {
        Some(b) => b.finish()?,
        None => Evidence::default(),
    };
    Some((r.store.finish(root, r.header, evidence, Vec::new()), kept))
}

/// [`read_with`], the plan made for this call.
#[cfg(test)]
#[cfg(feature = "compile")]
pub(crate) fn read(
    schema: &Schema,
    text: &str,
    limits: &Limits,
    need_header: bool,
) -> Option<Submission> {
    read_with(schema, &Plan::of(schema), text, limits, need_header)
}

struct Reader<'t, 's> {
    s: &'t str,
    b: &'t [u8],
    i: usize,
    schema: &'s Schema,
    plan: &'s Plan,
    max_list_len: usize,
    /// Deepest nesting of objects and arrays allowed, and the current one.
    max_depth: usize,
    depth: usize,
    header: Option<Header>,
    /// The evidence, once its section is read.
    evidence: Option<EvidenceBuilder>,
    /// Where the records go.
    store: Store,
    /// Whether every number read so far keeps its value through
    /// serde_json's value ([`read_as_written`]).
    #[cfg(feature = "compile")]
    numbers_kept: bool,
}

/// A string as read: borrowed from the text when it has no escapes.
enum Str<'t> {
    Raw(&'t str),
    Owned(String),
}

impl Str<'_> {
    fn as_str(&self) -> &str {
        match self {
            Str::Raw(s) => s,
            Str::Owned(s) => s,
        }
    }
}

impl<'t, 's> Reader<'t, 's> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        let mut i = self.i;
        // usually none, or one space
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(i) {
            i += 1;
            if let Some(b' ') = self.b.get(i) {
                // indentation after a line break: spaces eight at a time
                i += space_run(self.b.get(i..).unwrap_or_default());
            }
        }
        self.i = i;
    }

    /// `:` between a key and its value, with the white space around it.
    #[inline(always)]
    fn colon(&mut self) -> Option<()> {
        if self.peek() != Some(b':') {
            self.ws();
        }
        self.eat(b':')?;
        self.ws();
        Some(())
    }

    /// Whether the string at the reading position is `"name"` (`name`
    /// written without escapes: its bytes then are the text's); if so, it
    /// is consumed.
    #[inline(always)]
    fn key_is(&mut self, name: &[u8]) -> bool {
        let at = self.i + 1;
        let end = at + name.len();
        let found = self.peek() == Some(b'"')
            && self.b.get(end) == Some(&b'"')
            && self.b.get(at..end).is_some_and(|t| same_bytes(t, name));
        if found {
            self.i = end + 1;
        }
        found
    }

    /// Whether the text at the reading position is `bytes`; if so, they are
    /// consumed.
    #[inline(always)]
    fn bytes_are(&mut self, bytes: &[u8]) -> bool {
        let end = self.i + bytes.len();
        let found = self
            .b
            .get(self.i..end)
            .is_some_and(|t| same_bytes(t, bytes));
        if found {
            self.i = end;
        }
        found
    }

    #[inline(always)]
    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    #[inline(always)]
    fn literal(&mut self, word: &[u8]) -> bool {
        if self
            .b
            .get(self.i..self.i + word.len())
            .is_some_and(|w| same_bytes(w, word))
        {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    /// `null`, consumed.
    fn null(&mut self) -> bool {
        self.literal(b"null")
    }

    /// The end of a run of plain string characters from `self.i`.
    #[inline]
    fn run_end(&self) -> usize {
        let rest = self.b.get(self.i..).unwrap_or_default();
        self.i + crate::sorted_json::plain_run(rest)
    }

    fn string(&mut self) -> Option<Str<'t>> {
        self.eat(b'"')?;
        let start = self.i;
        self.i = self.run_end();
        match self.peek()? {
            b'"' => {
                // split at ASCII quotes, so on character boundaries
                let s = self.s.get(start..self.i)?;
                self.i += 1;
                return Some(Str::Raw(s));
            }
            b'\\' => {}
            _ => return None,
        }
        // with escapes: decode into an owned string
        let mut out = String::from(self.s.get(start..self.i)?);
        loop {
            let run = self.i;
            self.i = self.run_end();
            out.push_str(self.s.get(run..self.i)?);
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(Str::Owned(out));
                }
                b'\\' => {
                    self.i += 1;
                    let e = self.peek()?;
                    self.i += 1;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.s.get(self.i..self.i + 4)?;
                            let code = u32::from_str_radix(hex, 16).ok()?;
                            self.i += 4;
                            // surrogate pairs are left to the full path
                            char::from_u32(code)?
                        }
                        _ => return None,
                    });
                }
                _ => return None,
            }
        }
    }

    /// The text of a JSON number, checked against the JSON grammar.
    fn number(&mut self) -> Option<&'t str> {
        let start = self.i;
        let _ = self.eat(b'-');
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        let text = self.s.get(start..self.i)?;
        #[cfg(feature = "compile")]
        {
            self.numbers_kept &= kept_through_value(text);
        }
        Some(text)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    /// After a value in an object or array: `,` (more follow) or the closer.
    #[inline(always)]
    fn next(&mut self, close: u8) -> Option<bool> {
        self.ws();
        match self.peek()? {
            b',' => {
                self.i += 1;
                self.ws();
                Some(true)
            }
            c if c == close => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    fn record(&mut self, rec: RecordId, pointer: (usize, usize), root: bool) -> Option<Record> {
        self.depth += 1;
        let r = self.record_body(rec, pointer, root);
        self.depth -= 1;
        r
    }

    fn record_body(
        &mut self,
        rec: RecordId,
        pointer: (usize, usize),
        root: bool,
    ) -> Option<Record> {
        if self.depth > self.max_depth {
            return None;
        }
        let schema: &'s Schema = self.schema;
        let fields = &schema.records.get(rec)?.fields;
        let plan: &'s [Slot] = self.plan.records.get(rec)?;
        self.eat(b'{')?;
        let record = self.store.open(fields.len(), pointer);
        let mut seen = Seen::new(fields.len());
        let (mut seen_header, mut seen_evidence) = (false, false);
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(record);
        }
        // keys usually come in declaration order: the next field's name is
        // matched in place first, then any key is looked for from there on
        let mut hint = 0;
        loop {
            let (slot, how) = match plan.get(hint) {
                Some(p) if p.plain && self.bytes_are(&p.quoted) => {
                    // `"name":` matched: white space may follow the colon
                    self.ws();
                    (hint, p)
                }
                _ => {
                    let key = self.string()?;
                    let key = key.as_str();
                    self.colon()?;
                    if root && key == "assessed_on" {
                        // refused (NS0214) by the full path
                        return None;
                    } else if root && key == "header" {
                        if std::mem::replace(&mut seen_header, true) {
                            return None;
                        }
                        if !self.null() {
                            self.header = Some(self.header()?);
                        }
                        if !self.next(b'}')? {
                            break;
                        }
                        continue;
                    } else if root && key == "evidence" {
                        if std::mem::replace(&mut seen_evidence, true) {
                            return None;
                        }
                        self.evidence()?;
                        if !self.next(b'}')? {
                            break;
                        }
                        continue;
                    }
                    let slot = (hint..plan.len())
                        .chain(0..hint)
                        .find(|&s| plan.get(s).is_some_and(|f| same_key(&f.name, key)))?;
                    (slot, plan.get(slot)?)
                }
            };
            hint = slot + 1;
            if seen.insert(slot) {
                return None;
            }
            let stored = match (how.how, self.peek()?) {
                (How::Int { lo, hi }, b'0'..=b'9' | b'-') => match self.small_int() {
                    Some(v) if lo <= v && v <= hi => Some(Stored::Int(v)),
                    Some(_) => return None,
                    None => match &fields.get(slot)?.kind {
                        FieldKind::Scalar { ty, min, max } => Some(self.scalar(*ty, min, max)?),
                        _ => return None,
                    },
                },
                (How::Bool, b't') if self.literal(b"true") => Some(Stored::Bool(true)),
                (How::Bool, b'f') if self.literal(b"false") => Some(Stored::Bool(false)),
                (_, b'n') if self.null() => None,
                (How::Int { .. } | How::Bool, _) => return None,
                (How::Schema, _) => Some(match &fields.get(slot)?.kind {
                    FieldKind::Scalar { ty, min, max } => self.scalar(*ty, min, max)?,
                    FieldKind::Group { record } => {
                        let path = self.store.escaped_child_pointer(pointer, &how.segment);
                        Stored::Group(self.record(*record, path, false)?)
                    }
                    FieldKind::List {
                        record,
                        min_len,
                        max_len,
                    } => {
                        let path = self.store.escaped_child_pointer(pointer, &how.segment);
                        let items = self.list(*record, path)?;
                        if min_len.is_some_and(|lo| items.len() < lo)
                            || max_len.is_some_and(|hi| items.len() > hi)
                        {
                            return None;
                        }
                        Stored::List(items)
                    }
                }),
            };
            if let Some(stored) = stored {
                self.store.set(&record, slot, stored);
            }
            if !self.next(b'}')? {
                break;
            }
        }
        Some(record)
    }

    fn list(&mut self, rec: RecordId, path: (usize, usize)) -> Option<Vec<Record>> {
        self.depth += 1;
        let r = self.list_body(rec, path);
        self.depth -= 1;
        r
    }

    fn list_body(&mut self, rec: RecordId, path: (usize, usize)) -> Option<Vec<Record>> {
        if self.depth > self.max_depth {
            return None;
        }
        self.eat(b'[')?;
        self.ws();
        if self.eat(b']').is_some() {
            return Some(Vec::new());
        }
        // room for a few elements at once (lists are usually short)
        let mut out = Vec::with_capacity(4);
        loop {
            if out.len() >= self.max_list_len {
                return None;
            }
            let ipath = self.store.index_pointer(path, out.len());
            out.push(self.record(rec, ipath, false)?);
            if !self.next(b']')? {
                return Some(out);
            }
        }
    }

    /// A whole number of at most 18 digits, in JSON's form, read in place;
    /// `None` (with nothing consumed) for anything else.
    #[inline(always)]
    fn small_int(&mut self) -> Option<i64> {
        let neg = self.peek() == Some(b'-');
        let first = self.i + usize::from(neg);
        let mut i = first;
        let mut v: i64 = 0;
        // 18 digits always fit; a 19th is left to the general reader
        while let Some(&c @ b'0'..=b'9') = self.b.get(i) {
            if i - first == 18 {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
            i += 1;
        }
        let digits = i - first;
        let leading_zero = digits > 1 && self.b.get(first) == Some(&b'0');
        let more = matches!(self.b.get(i), Some(b'.' | b'e' | b'E'));
        if digits == 0 || leading_zero || more {
            return None;
        }
        self.i = i;
        Some(if neg { -v } else { v })
    }

    fn scalar(&mut self, ty: ScalarTy, min: &Option<Bound>, max: &Option<Bound>) -> Option<Stored> {
        if ty == ScalarTy::Int {
            if let Some(v) = self.small_int() {
                let w = i128::from(v);
                let below = matches!(min, Some(Bound::Num(m)) if int_cmp(w, *m).is_lt());
                let above = matches!(max, Some(Bound::Num(m)) if int_cmp(w, *m).is_gt());
                if below || above {
                    return None;
                }
                return Some(Stored::Int(v));
            }
        }
        let (min, max) = (*min, *max);
        Some(match ty {
            ScalarTy::Bool => {
                if self.literal(b"true") {
                    Stored::Bool(true)
                } else if self.literal(b"false") {
                    Stored::Bool(false)
                } else {
                    return None;
                }
            }
            ScalarTy::Text => Stored::Text(match self.string()? {
                Str::Raw(s) => s.into(),
                Str::Owned(s) => s.into_boxed_str(),
            }),
            ScalarTy::Enum(e) => {
                let variants = &self.schema.enums.get(e)?.variants;
                if self.plan.plain_enums.get(e) == Some(&true) {
                    // usually written as declared: matched in place
                    for (i, v) in variants.iter().enumerate() {
                        if self.key_is(v.as_bytes()) {
                            return Some(Stored::Enum(u32::try_from(i).ok()?));
                        }
                    }
                }
                let s = self.string()?;
                let variants = &self.schema.enums.get(e)?.variants;
                let i = variants.iter().position(|v| v == s.as_str())?;
                Stored::Enum(u32::try_from(i).ok()?)
            }
            ScalarTy::Date => {
                let d = self.date()?;
                let below = matches!(min, Some(Bound::Date(m)) if d < m);
                let above = matches!(max, Some(Bound::Date(m)) if d > m);
                if below || above {
                    return None;
                }
                Stored::Date(d)
            }
            ScalarTy::Int | ScalarTy::Number | ScalarTy::Percent => {
                let text = self.number()?;
                let num = number_value(text)?;
                if ty == ScalarTy::Int && !num.is_integer() {
                    return None;
                }
                let (value, min, max) = if ty == ScalarTy::Percent {
                    (
                        num.over(Num::int(100)).ok()?,
                        min.or(Some(Bound::Num(Num::ZERO))),
                        max.or(Some(Bound::Num(Num::ONE))),
                    )
                } else {
                    (num, min, max)
                };
                let below = matches!(min, Some(Bound::Num(m)) if value.compare(m).is_lt());
                let above = matches!(max, Some(Bound::Num(m)) if value.compare(m).is_gt());
                if below || above {
                    return None;
                }
                Stored::number(value)
            }
        })
    }

    /// An object of known keys, each read by `value` (a key given twice,
    /// or unknown, is left to the full path).
    fn object(
        &mut self,
        keys: &[&str],
        mut value: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<()> {
        if self.depth + 1 > self.max_depth {
            return None;
        }
        self.eat(b'{')?;
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        let mut seen = 0u32;
        // keys usually come in the order given: the next one is matched in place
        let mut hint = 0;
        loop {
            // an object of more entries than a list may have is the full path's to refuse
            if seen.count_ones() as usize >= self.max_list_len {
                return None;
            }
            let k = match keys.get(hint) {
                Some(k) if self.key_is(k.as_bytes()) => hint,
                _ => {
                    let key = self.string()?;
                    keys.iter().position(|k| *k == key.as_str())?
                }
            };
            hint = k + 1;
            let bit = 1u32 << k;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            self.colon()?;
            self.depth += 1;
            let r = value(self, k);
            self.depth -= 1;
            r?;
            if !self.next(b'}')? {
                return Some(());
            }
        }
    }

    /// A non-empty string.
    fn text(&mut self) -> Option<String> {
        let s = self.string()?;
        let s = s.as_str();
        // not blank when it starts with a visible ASCII character
        let visible = s
            .as_bytes()
            .first()
            .is_some_and(|c| (0x21..0x7f).contains(c));
        if !visible && s.trim().is_empty() {
            return None;
        }
        Some(s.to_string())
    }

    /// A date string: `"YYYY-MM-DD"` read in place, any other string as
    /// [`Date::parse`] reads it.
    fn date(&mut self) -> Option<Date> {
        let quoted = self.b.get(self.i..self.i + 12).and_then(|w| {
            let w = <&[u8; 12]>::try_from(w).ok()?;
            let digit = |k: usize| w.get(k).filter(|c| c.is_ascii_digit()).map(|c| c - b'0');
            let num = |ks: &[usize]| {
                ks.iter()
                    .try_fold(0u32, |n, &k| Some(n * 10 + u32::from(digit(k)?)))
            };
            if w[0] != b'"' || w[5] != b'-' || w[8] != b'-' || w[11] != b'"' {
                return None;
            }
            let y = i32::try_from(num(&[1, 2, 3, 4])?).ok()?;
            Some((y, num(&[6, 7])?, num(&[9, 10])?))
        });
        match quoted {
            Some((y, m, d)) => {
                self.i += 12;
                Date::from_ymd(y, m, d)
            }
            None => Date::parse(self.string()?.as_str()),
        }
    }

    /// A valid `header` (anything else is left to the full path).
    fn header(&mut self) -> Option<Header> {
        let mut respondent = None;
        let (mut ods_code, mut name) = (None, None);
        let (mut start, mut end) = (None, None);
        let mut completed_by = None;
        let (mut by, mut on, mut signed) = (None, None, false);
        self.object(
            &[
                "respondent",
                "organisation",
                "period",
                "completed_by",
                "signed_off",
            ],
            |r, k| {
                match k {
                    0 => {
                        respondent = Some(if r.key_is(b"provider") {
                            Respondent::Provider
                        } else if r.key_is(b"network") {
                            Respondent::Network
                        } else {
                            match r.string()?.as_str() {
                                "provider" => Respondent::Provider,
                                "network" => Respondent::Network,
                                _ => return None,
                            }
                        })
                    }
                    1 => r.object(&["ods_code", "name"], |r, k| {
                        let t = r.text()?;
                        if k == 0 {
                            ods_code = Some(t);
                        } else {
                            name = Some(t);
                        }
                        Some(())
                    })?,
                    2 => r.object(&["start", "end"], |r, k| {
                        let d = r.date()?;
                        if k == 0 {
                            start = Some(d);
                        } else {
                            end = Some(d);
                        }
                        Some(())
                    })?,
                    3 => completed_by = Some(r.text()?),
                    _ => {
                        if !r.null() {
                            signed = true;
                            r.object(&["by", "on"], |r, k| {
                                if k == 0 {
                                    by = Some(r.text()?);
                                } else {
                                    on = Some(r.date()?);
                                }
                                Some(())
                            })?;
                        }
                    }
                }
                Some(())
            },
        )?;
        let ods_code = ods_code.filter(|c| is_ods_code(c))?;
        let (start, end) = (start?, end?);
        if end < start {
            return None;
        }
        let signed_off = if signed {
            Some(SignOff { by: by?, on: on? })
        } else {
            None
        };
        Some(Header {
            respondent: respondent?,
            organisation: Organisation {
                ods_code,
                name: name?,
            },
            period: Period { start, end },
            completed_by: completed_by?,
            signed_off,
        })
    }

    /// `{ "REQ-ID": { "key": "reference" | null, … }, … }`: an id or a key
    /// given twice is left to the full path ([`EvidenceBuilder::finish`]).
    fn evidence(&mut self) -> Option<()> {
        // `evidence` and its objects nest two levels below the root
        if self.depth + 2 > self.max_depth {
            return None;
        }
        self.eat(b'{')?;
        self.ws();
        // room for every text of the section when it is the last, as it
        // usually is, and of a few references (its texts are no longer
        // than they are written)
        let rest = self.b.len().saturating_sub(self.i);
        let mut out = EvidenceBuilder::with_capacity(rest.min(1024), 8);
        let mut ids = 0usize;
        if self.eat(b'}').is_none() {
            loop {
                out.id(self.string()?.as_str());
                ids += 1;
                self.ws();
                self.eat(b':')?;
                self.ws();
                self.eat(b'{')?;
                self.ws();
                let mut keys = 0usize;
                if self.eat(b'}').is_none() {
                    loop {
                        let k = self.string()?;
                        self.ws();
                        self.eat(b':')?;
                        self.ws();
                        // a null reference (not given) is left to the full path
                        let r = self.string()?;
                        out.reference(k.as_str(), r.as_str());
                        keys += 1;
                        if !self.next(b'}')? {
                            break;
                        }
                    }
                }
                if keys > self.max_list_len || ids > self.max_list_len {
                    return None;
                }
                if !self.next(b'}')? {
                    break;
                }
            }
        }
        self.evidence = Some(out);
        Some(())
    }
}

/// Whether serde_json's value of the JSON number `text` is written back as
/// the same number ([`read_as_written`]): a whole number of at most 18
/// characters but `-0` (kept whole, as written), or a decimal of at most 15
/// digits without an exponent.
#[cfg(feature = "compile")]
fn kept_through_value(text: &str) -> bool {
    let b = text.as_bytes();
    if b.iter().any(|c| matches!(c, b'e' | b'E')) {
        false
    } else if b.contains(&b'.') {
        b.iter().filter(|c| c.is_ascii_digit()).count() <= 15
    } else {
        b.len() <= 18 && text != "-0"
    }
}

/// How many bytes at the start of `b` are spaces, eight at a time while
/// whole words are (any other white space is left to the caller's loop).
#[inline]
fn space_run(b: &[u8]) -> usize {
    const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut at = 0;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]));
        // the high bit of each byte that is not a space (no carry between
        // bytes: each low part plus 0x7f stays below 0x100)
        let t = x ^ (ONES * u64::from(b' '));
        let other = (((t & LOWS) + LOWS) | t) & HIGHS;
        if other != 0 {
            return at + (other.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + words
        .remainder()
        .iter()
        .position(|&c| c != b' ')
        .unwrap_or(words.remainder().len())
}

/// A whole number against a bound, as [`Num::compare`] orders them.
#[inline]
fn int_cmp(v: i128, bound: Num) -> std::cmp::Ordering {
    match bound.to_integer() {
        Some(b) => v.cmp(&b),
        None => Num::int(v).compare(bound),
    }
}

/// `a == b` for the short strings keys are: eight bytes at a time (the
/// last word overlapping the one before), without a call to `memcmp`.
#[inline]
fn same_key(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// [`same_key`] of bytes: eight, four or one byte at a time (the last
/// word overlapping the one before).
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        if n < 4 {
            return a.iter().zip(b).all(|(x, y)| x == y);
        }
        let half = |s: &[u8], at: usize| {
            s.get(at..at + 4)
                .and_then(|c| <[u8; 4]>::try_from(c).ok())
                .map_or(0, u32::from_ne_bytes)
        };
        return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
    }
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|c| <[u8; 8]>::try_from(c).ok())
            .map_or(0, u64::from_ne_bytes)
    };
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// The exact value of a JSON number's text, as the full path reads it.
fn number_value(text: &str) -> Option<Num> {
    let plain = text.len() <= 18 && !text.contains(['.', 'e', 'E']);
    if plain {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Num::int(i.into()));
        }
    }
    Num::parse_decimal(text)
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;

    /// A reader of `text` from byte `at` (at most its end), with small limits.
    fn test_reader<'t, 's>(
        text: &'t str,
        at: usize,
        schema: &'s Schema,
        plan: &'s Plan,
    ) -> Reader<'t, 's> {
        Reader {
            s: text,
            b: text.as_bytes(),
            i: at.min(text.len()),
            schema,
            plan,
            max_list_len: 10,
            max_depth: 10,
            depth: 0,
            header: None,
            evidence: None,
            store: Store::default(),
            numbers_kept: true,
        }
    }
    use crate::submission::{conclude, read_text, FEW_EVIDENCE_IN_ANY_ORDER};
    use crate::{Sources, Spec};

    fn root() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn compile(name: &str) -> Option<Spec> {
        let path = format!("specs/{name}.netspec");
        let sources: Sources =
            crate::gather_sources(&path, |p| std::fs::read_to_string(root().join(p)).ok());
        Spec::compile(&path, &sources).ok()
    }

    /// The fast path gives up, or gives exactly what the full path gives
    /// (header included), whether or not a header is needed.
    fn same(spec: &Spec, text: &str) -> bool {
        [false, true].into_iter().all(|need_header| {
            let schema = &spec.checked().schema;
            let limits = Limits::default();
            let fast = read(schema, text, &limits, need_header);
            let full = read_text(schema, text, &limits, need_header)
                .ok()
                .and_then(|r| r.and_then(conclude).ok());
            match (&fast, &full) {
                (None, _) => true,
                (Some(a), Some(b)) => a == b && a.warnings.is_empty() && a.header == b.header,
                (Some(_), None) => false,
            }
        })
    }

    /// Headers of every kind: valid ones in any key order, with and without
    /// a sign-off, and each way one can be wrong.
    fn headers() -> Vec<String> {
        let org = r#""organisation": {"ods_code": "RRK", "name": "Eastmoor Hospitals NHS Trust"}"#;
        let period = r#""period": {"start": "2024-07-01", "end": "2025-06-30"}"#;
        let by = r#""completed_by": "Jo Bloggs, matron""#;
        let good = format!(r#"{{"respondent": "provider", {org}, {period}, {by}}}"#);
        vec![
            String::new(),
            format!(r#","header": {good}"#),
            format!(r#","header":{{{by},{period},{org},"respondent":"network"}}"#),
            format!(
                r#","header": {{"respondent": "provider", {org}, {period}, {by}, "signed_off": {{"by": "Dr A Smith", "on": "2025-07-10"}}}}"#
            ),
            format!(
                r#","header": {{"respondent": "provider", {org}, {period}, {by}, "signed_off": null}}"#
            ),
            r#","header": null"#.to_string(),
            r#","header": []"#.to_string(),
            r#","header": {}"#.to_string(),
            format!(r#","header": {{"respondent": "Provider", {org}, {period}, {by}}}"#),
            format!(
                r#","header": {{"respondent": "provider", "organisation": {{"ods_code": "rrk", "name": "X"}}, {period}, {by}}}"#
            ),
            format!(
                r#","header": {{"respondent": "provider", "organisation": {{"ods_code": "RRK0234", "name": "X"}}, {period}, {by}}}"#
            ),
            format!(
                r#","header": {{"respondent": "provider", "organisation": {{"ods_code": "RR", "name": "X"}}, {period}, {by}}}"#
            ),
            format!(
                r#","header": {{"respondent": "provider", {org}, "period": {{"start": "2025-07-01", "end": "2025-06-30"}}, {by}}}"#
            ),
            format!(
                r#","header": {{"respondent": "provider", {org}, "period": {{"start": "2025-06-30", "end": "2025-06-30"}}, {by}}}"#
            ),
            format!(
                r#","header": {{"respondent": "provider", {org}, "period": {{"start": "2025-02-29", "end": "2025-06-30"}}, {by}}}"#
            ),
            format!(
                r#","header": {{"respondent": "provider", {org}, {period}, "completed_by": ""}}"#
            ),
            format!(r#","header": {{"respondent": "provider", {org}, {period}}}"#),
            format!(
                r#","header": {{"respondent": "provider", {org}, {period}, {by}, "extra": 1}}"#
            ),
            format!(r#","header": {{"respondent": "provider", {org}, {period}, {by}, {by}}}"#),
            format!(
                r#","header": {{"respondent": "provider", {org}, {period}, "completed_by": "J\u00f6 "B""}}"#
            ),
            format!(
                r#","header": {{"respondent": "provider", {org}, {period}, {by}, "signed_off": {{"by": "Dr A Smith"}}}}"#
            ),
            format!(r#","header": {good}, "header": {good}"#),
        ]
    }

    /// Dates read in place are the dates [`Date::parse`] reads.
    #[test]
    fn reads_dates_as_date_parse_does() {
        let schema = Schema::default();
        let plan = Plan::of(&schema);
        let mut texts: Vec<String> = [
            "2024-02-29",
            "2025-02-29",
            "2025-06-30",
            "0000-01-01",
            "9999-12-31",
            "2025-13-01",
            "2025-00-10",
            "2025-01-00",
            "2025-04-31",
            "2025-6-30",
            "2025-06-3x",
            "+025-06-30",
            "2025/06/30",
            "20250630",
            "2025-06-300",
            "",
            "\\u0032025-06-30",
            "2025-06-30 ",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        for y in [1900, 2000, 2023, 2024] {
            for m in 0..=13 {
                for d in [0, 1, 28, 29, 30, 31, 32] {
                    texts.push(format!("{y:04}-{m:02}-{d:02}"));
                }
            }
        }
        for t in &texts {
            let json = format!("\"{t}\"");
            let mut r = test_reader(&json, 0, &schema, &plan);
            let decoded = serde_json::from_str::<String>(&json).ok();
            let expected = decoded.as_deref().and_then(Date::parse);
            assert_eq!(r.date(), expected, "{json}");
        }
    }

    #[test]
    fn white_space_runs_end_at_the_first_other_byte() {
        let naive = |b: &[u8]| {
            b.iter()
                .position(|c| !matches!(c, b' ' | b'\n' | b'\r' | b'\t'))
                .unwrap_or(b.len())
        };
        let mut cases: Vec<Vec<u8>> = vec![Vec::new(), b"  \n\t\r x".to_vec()];
        for len in 0..20 {
            for fill in [b' ', b'\n', b'\t', b'\r'] {
                for stop in [
                    b'"', 0u8, 0x08, 0x0b, 0x0c, 0x1f, 0x21, 0x2a, 0x8d, 0xa0, 0xff,
                ] {
                    for at in 0..=len {
                        let mut v = vec![fill; len];
                        v.insert(at, stop);
                        cases.push(v);
                    }
                }
                cases.push(vec![fill; len]);
            }
        }
        // indentation after a line break, and mixed white space
        for len in 0..20 {
            for lead in [b'\n', b'\r', b'\t', b' '] {
                let mut v = vec![lead];
                v.extend(vec![b' '; len]);
                for tail in [&b"\"a"[..], b"\t \"", b"\r\n  }", b"\n\t\t1", b""] {
                    let mut w = v.clone();
                    w.extend_from_slice(tail);
                    cases.push(w);
                }
            }
        }
        let spaces = |b: &[u8]| b.iter().position(|&c| c != b' ').unwrap_or(b.len());
        assert!(
            cases.iter().any(|c| space_run(c) == 9) && cases.iter().any(|c| naive(c) > 20),
            "runs longer than a word"
        );
        let schema = Schema::default();
        let plan = Plan::of(&schema);
        for c in &cases {
            assert_eq!(space_run(c), spaces(c), "{c:?}");
            // the reader's white space step, from every position
            for start in 0..=c.len() {
                let text = String::from_utf8_lossy(c).into_owned();
                let bytes = text.as_bytes();
                let mut r = test_reader(&text, start, &schema, &plan);
                let from = r.i;
                r.ws();
                let rest = bytes.get(from..).unwrap_or_default();
                assert_eq!(r.i - from, naive(rest), "{c:?} from {from}");
            }
        }
    }

    /// Submissions for the adult critical care spec with numbers, strings
    /// and layout of every JSON form: the fast path reads each as the full
    /// path does, or leaves it to it.
    #[test]
    fn reads_any_form_of_json_as_the_full_path_does() {
        use proptest::prelude::*;
        let Some(spec) = compile("adult_critical_care") else {
            unreachable!("the spec compiles")
        };
        let number = prop_oneof![
            (0i64..50).prop_map(|n| n.to_string()),
            Just("-0".to_string()),
            Just("-1".to_string()),
            Just("01".to_string()),
            Just("1.0".to_string()),
            Just("1e2".to_string()),
            Just("1E+0".to_string()),
            Just("2.50".to_string()),
            Just("999999999999999999".to_string()),
            Just("9999999999999999999".to_string()),
            Just("-9223372036854775808".to_string()),
            Just("12345678901234567890123".to_string()),
            Just("1.5e-3".to_string()),
            Just("-".to_string()),
            Just("7x".to_string()),
            Just("\"3\"".to_string()),
            Just("null".to_string()),
        ];
        let text = prop_oneof![
            Just("\"A\"".to_string()),
            Just("\"St Anne\\u0027s \\\"ICU\\\"\"".to_string()),
            Just("\"tab\\there\"".to_string()),
            Just("\"é€😀\"".to_string()),
            Just("\"\\ud83d\\ude00\"".to_string()),
            Just("\"bad\u{1}\"".to_string()),
            Just("\"\"".to_string()),
        ];
        let ws = prop::sample::select(vec!["", " ", "\n  ", "\t", "\r\n"]);
        // a declared key as written (matched with its colon in one
        // comparison), escaped, or another key it starts or ends like
        let key = prop::sample::select(vec![
            "\"admissions\"",
            "\"admissions\"",
            "\"admi\\u0073sions\"",
            "\"admission\"",
            "\"admissions_\"",
            "\"admissions \"",
        ]);
        let unit = (text, number.clone(), number.clone(), number, ws.clone(), key).prop_map(
            |(name, beds, a, b, w, key)| {
                format!(
                    "{{{w}\"name\":{w}{name},\"l3_beds\"{w}:{beds},{key}:{a}{w},\"admissions_within_4h\":{b}}}"
                )
            },
        );
        let header = prop::sample::select(headers());
        let strategy = (prop::collection::vec(unit, 0..4), ws, 0u8..4, header).prop_map(
            |(units, w, extra, header)| {
                let tail = match extra {
                    0 => String::new(),
                    1 => ",\"assessed_on\":\"2025-06-30\"".to_string(),
                    2 => ",\"units\":[]".to_string(),
                    _ => ",\"unknown\":1".to_string(),
                };
                format!("{{{w}\"units\":{w}[{}]{tail}{header}{w}}}", units.join(","))
            },
        );
        let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
            cases: 2000,
            ..Default::default()
        });
        let result = runner.run(&strategy, |text| {
            prop_assert!(same(&spec, &text), "{text}");
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
    }

    /// Evidence sections of every shape: ids and keys in any order, spelt
    /// with escapes, given twice, references of every JSON type. The fast
    /// path reads each as the full path does, or leaves it to it; and it
    /// reads every section of unique ids and keys and string references.
    #[test]
    fn reads_evidence_as_the_full_path_does() {
        use proptest::prelude::*;
        let Some(spec) = compile("adult_critical_care") else {
            unreachable!("the spec compiles")
        };
        // (as written, as read)
        let name = prop::sample::select(vec![
            ("\"A\"", "A"),
            ("\"B\"", "B"),
            ("\"AB\"", "AB"),
            ("\"A\\u0042\"", "AB"),
            ("\"ACC-WF-01\"", "ACC-WF-01"),
            ("\"\"", ""),
            ("\"é\\n\"", "é\n"),
        ]);
        // (as written, a string)
        let reference = prop::sample::select(vec![
            ("\"r\"", true),
            ("\"\"", true),
            ("\"St Anne\\u0027s\"", true),
            ("null", false),
            ("1", false),
            ("{}", false),
        ]);
        let ws = prop::sample::select(vec!["", " ", "\n    "]);
        let id = (
            name.clone(),
            prop::collection::vec((name, reference, ws.clone()), 0..6),
        );
        let strategy = (prop::collection::vec(id, 0..8), ws).prop_map(|(ids, w)| {
            let mut clean = true;
            let mut seen = std::collections::BTreeSet::new();
            // (id, key) of each item, as the reader keeps them
            let mut items = Vec::new();
            let body: Vec<String> = ids
                .iter()
                .map(|((id, id_read), refs)| {
                    clean &= seen.insert(*id_read);
                    if refs.is_empty() {
                        items.push((*id_read, None));
                    }
                    let mut keys = std::collections::BTreeSet::new();
                    let refs: Vec<String> = refs
                        .iter()
                        .map(|((k, k_read), (r, string), w)| {
                            clean &= keys.insert(*k_read) && *string;
                            items.push((*id_read, Some(*k_read)));
                            format!("{w}{k}:{w}{r}")
                        })
                        .collect();
                    format!("{w}{id}: {{{}}}", refs.join(","))
                })
                .collect();
            let text = format!("{{\"evidence\":{w}{{{}{w}}}{w}}}", body.join(","));
            // many items are read only in order
            clean &= items.len() <= FEW_EVIDENCE_IN_ANY_ORDER || items.is_sorted();
            (text, clean)
        });
        let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
            cases: 2000,
            ..Default::default()
        });
        let result = runner.run(&strategy, |(text, clean)| {
            prop_assert!(same(&spec, &text), "{text}");
            let schema = &spec.checked().schema;
            let fast = read(schema, &text, &Limits::default(), false);
            prop_assert_eq!(fast.is_some(), clean, "{}", text);
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
    }

    /// A test's `given` read as written ([`read_as_written`]): whenever it
    /// is, the submission is the one read from the text serde_json writes
    /// for its value, with numbers of every form, keys in any order and any
    /// layout; and it is read so for plain texts.
    #[test]
    fn reads_a_given_as_written_only_into_its_values_submission() {
        use proptest::prelude::*;
        let spec_text = r#"spec t "Numbers" { version "1" }
inputs "Site" {
  count: int min -5 "How many?"
  ratio: number "What ratio?"
  share: percent "What share?"
  units: list "Units" {
    beds: int "How many beds?"
    rate: number min 0 max 1000 "What rate?"
  }
  site: group "Site" {
    area: number "What area?"
  }
}
area resources {
  requirement T-01 must "Anything" {
    count >= 0
    basis standard
  }
}
"#;
        let spec = match Spec::compile("t.netspec", &crate::Sources::single("t.netspec", spec_text))
        {
            Ok(spec) => spec,
            Err(e) => unreachable!("the spec compiles: {e:?}"),
        };
        let schema = &spec.checked().schema;
        let plan = Plan::of(schema);
        let limits = Limits::default();
        let digits = |n: usize| "1234567890123456789012".get(..n).unwrap_or("1").to_string();
        let number = prop_oneof![
            6 => (-5i64..50).prop_map(|n| n.to_string()),
            1 => (1usize..22).prop_map(digits),
            3 => (1usize..20, 0usize..4).prop_map(move |(n, at)| {
                let d = digits(n);
                let at = at.min(d.len().saturating_sub(1)).max(1).min(d.len());
                format!("{}.{}", d.get(..at).unwrap_or("1"), d.get(at..).unwrap_or("0"))
            }),
            2 => (1usize..18).prop_map(move |n| format!("0.{}", digits(n))),
            1 => (1usize..18).prop_map(move |n| format!("-0.000{}", digits(n))),
            2 => prop::sample::select(vec![
                "-0", "0", "-0.0", "0.0", "1.0", "2.50", "0.1", "0.3", "0.30000000000000004",
                "1e2", "1E+0", "1.5e-3", "9.999999999999999", "99999999999999.99",
                "999999999999999999", "-999999999999999999", "9223372036854775807",
                "12345678901234567890123", "100", "1e400", "null",
            ])
            .prop_map(str::to_string),
        ];
        let ws = prop::sample::select(vec!["", " ", "\n  ", "\t"]);
        let unit = (number.clone(), number.clone(), any::<bool>(), ws.clone()).prop_map(
            |(beds, rate, swap, w)| {
                let (a, b) = (format!("\"beds\":{w}{beds}"), format!("\"rate\":{rate}{w}"));
                if swap {
                    format!("{{{w}{b},{a}}}")
                } else {
                    format!("{{{a},{w}{b}}}")
                }
            },
        );
        let strategy = (
            (number.clone(), number.clone(), number.clone(), number),
            prop::collection::vec(unit, 0..4),
            any::<bool>(),
            ws,
        )
            .prop_map(|((count, ratio, share, area), units, swap, w)| {
                let mut members = [
                    format!("\"count\":{w}{count}"),
                    format!("\"ratio\": {ratio}"),
                    format!("{w}\"share\":{share}"),
                    format!("\"units\":[{}]", units.join(",")),
                    format!("\"site\":{{\"area\":{area}}}"),
                ];
                if swap {
                    members.reverse();
                }
                format!("{{{w}{}{w}}}", members.join(","))
            });
        let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
            cases: 3000,
            ..Default::default()
        });
        let (as_written, decimals) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let result = runner.run(&strategy, |text| {
            let value = crate::submission::read_json_written(&text, &limits)
                .ok()
                .and_then(|w| crate::submission::ingest_written(schema, &w, &limits).ok());
            match read_as_written(schema, &plan, &text, &limits) {
                Some(sub) => {
                    as_written.set(as_written.get() + 1);
                    decimals.set(decimals.get() + usize::from(text.contains('.')));
                    // the same answers at the same pointers (laid out as read)
                    prop_assert!(value.as_ref() == Some(&sub), "{}", text);
                }
                None => {
                    // a clean text of whole numbers of at most 18 digits is
                    // read as written
                    let plain = !text.contains(['e', 'E', '.'])
                        && !text.contains("-0")
                        && !text.contains("1234567890123456789");
                    prop_assert!(value.is_none() || !plain, "{}", text);
                }
            }
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
        // enough of them, with decimals, for the property to have bite
        assert!(
            as_written.get() > 200 && decimals.get() > 100,
            "{} of 3000 read as written, {} with decimals",
            as_written.get(),
            decimals.get()
        );
        // and never one a double would change
        for n in ["0.1234567890123456", "1e2", "-0", "1234567890123456789"] {
            let text = format!("{{\"ratio\": {n}}}");
            assert!(
                read_as_written(schema, &plan, &text, &limits).is_none(),
                "{text}"
            );
        }
        let text = r#"{"ratio": 1.5, "count": 1}"#;
        assert!(
            read_as_written(schema, &plan, text, &limits).is_some(),
            "{text}"
        );
    }

    /// Headers under tight limits (entries of one object, nesting): the
    /// fast path gives up wherever the full path refuses the text.
    #[test]
    fn reads_headers_within_limits_as_the_full_path_does() {
        let Some(spec) = compile("adult_critical_care") else {
            unreachable!("the spec compiles")
        };
        let schema = &spec.checked().schema;
        for header in headers() {
            let text = format!("{{\"units\": []{header}}}");
            for (entries, depth) in [
                (1, 8),
                (2, 8),
                (4, 8),
                (5, 8),
                (6, 8),
                (8, 1),
                (8, 2),
                (8, 3),
                (8, 4),
            ] {
                let limits = Limits {
                    max_list_len: entries,
                    max_json_depth: depth,
                    ..Limits::default()
                };
                for need_header in [false, true] {
                    let fast = read(schema, &text, &limits, need_header);
                    let full = read_text(schema, &text, &limits, need_header)
                        .ok()
                        .and_then(|r| r.and_then(conclude).ok());
                    if let Some(a) = &fast {
                        assert!(
                            full.as_ref()
                                .is_some_and(|b| a == b && a.warnings.is_empty()),
                            "{text}: read fast, not so in full ({entries}, {depth})"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn reads_every_bundled_example_as_the_full_path_does() {
        let (mut read_fast, mut examples) = (0, 0);
        for spec_name in ["adult_critical_care", "burns", "renal", "major_trauma"] {
            let Some(spec) = compile(spec_name) else {
                unreachable!("{spec_name} compiles")
            };
            let dir = root().join("specs/examples").join(spec_name);
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                // the network examples are folders of their own (network/)
                if e.path().is_dir() {
                    continue;
                }
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                assert!(same(&spec, &text), "{}", e.path().display());
                examples += 1;
                if read(&spec.checked().schema, &text, &Limits::default(), true).is_some() {
                    read_fast += 1;
                }
            }
        }
        assert!(examples >= 16, "{examples} examples");
        assert_eq!(read_fast, examples, "every bundled example is clean");
    }
}
