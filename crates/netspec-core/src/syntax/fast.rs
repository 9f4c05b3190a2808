//! The hand-written reader: spec text → the same [`ast`](super::ast) the
//! pest route builds, in one pass over the bytes, for the text a spec
//! normally holds.
//!
//! It reads the grammar's tokens as the grammar does (each token matcher is
//! exact) and takes, at every choice, the alternative the grammar's ordered
//! choice would take. It gives up (`None`) wherever it is not sure: on every
//! syntax error, on text whose reading would need the grammar to backtrack
//! (an input named `ref` at the start of a rule, say), on a byte order mark
//! past the start, on a literal or a depth the pest route reports as an
//! error. The caller then runs the pest route, which stays the reference
//! and gives every diagnostic; so `Some(file)` is always exactly the pest
//! route's `Ok(file)`, spans included, and a property test checks that.

use super::ast::*;
use super::parser::{scan_comments, unescape};
use crate::source::{FileId, Span};
use crate::vocab::{Level, LevelSet, Outcome, Quant, RatingQuant};

#[cfg(test)]
mod tests;

/// The syntax tree of `text`, read without pest, or `None` when the pest
/// route has to decide. The caller has already checked the source size and
/// nesting limits; `max_depth` is the expression depth limit. Without
/// `comments`, the tree's `comments` are left empty (the checker has no use
/// for them).
pub(super) fn parse_checked(
    text: &str,
    file: FileId,
    max_depth: usize,
    with_tests: bool,
    comments: bool,
) -> Option<File> {
    // a byte order mark is layout to the grammar, and would stay inside a
    // span where the pest route trims only whitespace: leave those to it
    let bom = "\u{FEFF}".as_bytes();
    match memchr::memmem::find(text.as_bytes(), bom) {
        None => {}
        Some(0)
            if text
                .as_bytes()
                .get(3..)
                .is_some_and(|rest| memchr::memmem::find(rest, bom).is_none()) => {}
        Some(_) => return None,
    }
    let mut p = Reader {
        text,
        b: text.as_bytes(),
        pos: 0,
        end: 0,
        file,
        max_depth,
        toks: Vec::new(),
        nested: 0,
        too_deep: false,
    };
    if text.as_bytes().starts_with(bom) {
        p.pos = bom.len();
    }
    let mut items = Vec::new();
    loop {
        p.skip();
        if p.pos >= p.b.len() {
            break;
        }
        match p.word() {
            "spec" => items.push(p.spec_header()?),
            "use" => {
                p.pos += 3;
                items.push(Item::Use(p.string()?));
            }
            "inputs" => items.push(p.inputs_block()?),
            "let" => items.push(p.let_decl()?),
            "area" => items.push(p.area_block()?),
            "rating" => items.push(p.rating_block()?),
            "test" if with_tests => items.push(p.test_block()?),
            "test" => p.skipped_test()?,
            _ => return None,
        }
    }
    if p.too_deep {
        return None;
    }
    Some(File {
        items,
        comments: if comments {
            scan_comments(text, file)
        } else {
            Vec::new()
        },
    })
}

/// [`parse_checked`] behind the same limits the pest route checks first.
#[cfg(test)]
pub(super) fn parse(
    text: &str,
    file: FileId,
    limits: &crate::limits::Limits,
    with_tests: bool,
) -> Option<File> {
    super::parser::within_limits(text, file, limits).ok()?;
    parse_checked(text, file, limits.max_depth, with_tests, true)
}

/// Words that can never be an identifier (the grammar's `reserved`).
fn is_reserved(w: &str) -> bool {
    matches!(
        w,
        "true"
            | "false"
            | "and"
            | "or"
            | "not"
            | "implies"
            | "if"
            | "then"
            | "else"
            | "in"
            | "all"
            | "any"
            | "for"
            | "where"
            | "within"
            | "assessment_date"
    )
}

fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// An attribute of an input.
enum Attr<'t> {
    /// `help`, `unit`, `label` or `item`, and its text.
    Text(&'t str, Str),
    Period(Period),
}

/// One token of an expression, in the order the grammar's `expr` rule
/// yields them, for the precedence climb.
enum Tok {
    Prefix(UnaryOp, Span),
    Operand(Expr),
    Field(Ident),
    Infix(BinOp),
}

/// Binding powers, as the pest Pratt parser numbers its levels (ten apart,
/// from 20): `implies`, `or`, `and`, prefix `not`, comparisons, `+ -`,
/// `* /`, prefix `-`, `.field`.
fn infix_power(op: BinOp) -> u32 {
    match op {
        BinOp::Implies => 20,
        BinOp::Or => 30,
        BinOp::And => 40,
        BinOp::Add | BinOp::Sub => 70,
        BinOp::Mul | BinOp::Div => 80,
        _ => 60,
    }
}

fn prefix_power(op: UnaryOp) -> u32 {
    match op {
        UnaryOp::Not => 50,
        UnaryOp::Neg => 90,
    }
}

const FIELD_POWER: u32 = 100;

struct Reader<'t> {
    text: &'t str,
    b: &'t [u8],
    /// Where reading goes on.
    pos: usize,
    /// The end of the last token read: where a node ends.
    end: usize,
    file: FileId,
    max_depth: usize,
    /// The tokens of the expressions being read, innermost last.
    toks: Vec<Tok>,
    /// How many expressions are being read, one inside the other, and
    /// whether that went past [`MOST_NESTED`] (then the pest route reads
    /// the text, whatever alternative might have been tried after).
    nested: usize,
    too_deep: bool,
}

/// The most expressions read one inside another (in brackets, the parts of
/// an `if`, a call's arguments); more are left to the pest route. Each
/// takes a few of this reader's stack frames: far deeper than any spec
/// written by hand, far below what overflows a 2 MiB stack in any build.
const MOST_NESTED: usize = 48;

impl<'t> Reader<'t> {
    /// Reads by `f`, or, when it fails, leaves the reading where it was:
    /// the grammar's ordered choice and optional parts, which try the next
    /// alternative after a failed one.
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let (pos, end, toks) = (self.pos, self.end, self.toks.len());
        let got = f(self);
        if got.is_none() {
            self.pos = pos;
            self.end = end;
            self.toks.truncate(toks);
        }
        got
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.file, start, self.end)
    }

    fn slice(&self, a: usize, b: usize) -> &'t str {
        self.text.get(a..b).unwrap_or("")
    }

    /// Steps over layout and `//` comments.
    fn skip(&mut self) {
        loop {
            match self.at(self.pos) {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if self.at(self.pos + 1) == b'/' => {
                    self.pos = self
                        .b
                        .get(self.pos..)
                        .and_then(|rest| memchr::memchr(b'\n', rest))
                        .map_or(self.b.len(), |n| self.pos + n);
                }
                _ => return,
            }
        }
    }

    /// The end of the run of identifier characters at `i`.
    fn word_end(&self, mut i: usize) -> usize {
        while ident_char(self.at(i)) {
            i += 1;
        }
        i
    }

    /// The run of identifier characters at the reading position.
    fn word(&self) -> &'t str {
        self.slice(self.pos, self.word_end(self.pos))
    }

    /// Takes the token `t` (`t` all identifier characters: a keyword, which
    /// must not run into an identifier).
    fn token(&mut self, t: usize) {
        self.pos += t;
        self.end = self.pos;
    }

    /// Skips layout and takes the keyword `kw`, or gives up.
    fn keyword(&mut self, kw: &str) -> Option<usize> {
        self.skip();
        let start = self.pos;
        (self.word() == kw).then(|| self.token(kw.len()))?;
        Some(start)
    }

    /// Skips layout and takes the punctuation byte `c`, or gives up.
    fn punct(&mut self, c: u8) -> Option<()> {
        self.skip();
        (self.at(self.pos) == c).then(|| self.token(1))
    }

    /// Skips layout; whether the punctuation byte `c` comes next.
    fn next_is(&mut self, c: u8) -> bool {
        self.skip();
        self.at(self.pos) == c
    }

    fn ident(&mut self) -> Option<Ident> {
        self.skip();
        let start = self.pos;
        let c = self.at(start);
        if !(c.is_ascii_alphabetic() || c == b'_') {
            return None;
        }
        let w = self.word();
        if is_reserved(w) {
            return None;
        }
        self.token(w.len());
        Some(Ident {
            name: w.into(),
            span: self.span(start),
        })
    }

    /// A word of a fixed set (`must`, `met`, …) as the identifier the
    /// syntax tree keeps; `no_dot`: it must not be followed by `.` either.
    fn word_of(&mut self, set: &[&str], no_dot: bool) -> Option<Ident> {
        self.skip();
        let start = self.pos;
        let w = self.word();
        if !set.contains(&w) || (no_dot && self.at(start + w.len()) == b'.') {
            return None;
        }
        self.token(w.len());
        Some(Ident {
            name: w.into(),
            span: self.span(start),
        })
    }

    /// `ACC-WF-01`: a letter, then letters, digits, `_` and single `-`s
    /// each followed by a letter or digit.
    fn req_id(&mut self) -> Option<Ident> {
        self.skip();
        let start = self.pos;
        if !self.at(start).is_ascii_alphabetic() {
            return None;
        }
        let mut i = start + 1;
        loop {
            let c = self.at(i);
            if ident_char(c) {
                i += 1;
            } else if c == b'-' && self.at(i + 1).is_ascii_alphanumeric() {
                i += 2;
            } else {
                break;
            }
        }
        self.token(i - start);
        Some(Ident {
            name: self.slice(start, i).into(),
            span: self.span(start),
        })
    }

    fn string(&mut self) -> Option<Str> {
        self.skip();
        let start = self.pos;
        let (i, escaped) = self.string_end(start)?;
        let raw = self.slice(start + 1, i);
        let value = if escaped {
            let (value, bad) = unescape(raw);
            if bad.is_some() {
                return None;
            }
            value
        } else {
            raw.to_string()
        };
        self.token(i + 1 - start);
        Some(Str {
            value,
            span: self.span(start),
        })
    }

    /// The closing quote of the string literal at `start`, and whether it
    /// holds escapes.
    fn string_end(&self, start: usize) -> Option<(usize, bool)> {
        if self.at(start) != b'"' {
            return None;
        }
        let mut i = start + 1;
        let mut escaped = false;
        loop {
            let run = self
                .b
                .get(i..)
                .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))?;
            i += run;
            if self.at(i) == b'"' {
                break;
            }
            escaped = true;
            // an escape: `\"`, `\\`, `\n`, `\t`, `\r` or `\u{` 1 to 6 hex digits `}`
            match self.at(i + 1) {
                b'"' | b'\\' | b'n' | b't' | b'r' => i += 2,
                b'u' if self.at(i + 2) == b'{' => {
                    let digits = (i + 3..i + 9)
                        .take_while(|&k| self.at(k).is_ascii_hexdigit())
                        .count();
                    if digits == 0 || self.at(i + 3 + digits) != b'}' {
                        return None;
                    }
                    i += 4 + digits;
                }
                _ => return None,
            }
        }
        Some((i, escaped))
    }

    /// The end of a run of ASCII digits at `i` (`i` itself when none).
    fn digits(&self, mut i: usize) -> usize {
        while self.at(i).is_ascii_digit() {
            i += 1;
        }
        i
    }

    /// `12` or `12.5` at `i` (not yet checked for what follows): its end.
    fn decimal(&self, i: usize) -> Option<usize> {
        let e = self.digits(i);
        if e == i {
            return None;
        }
        if self.at(e) == b'.' {
            let f = self.digits(e + 1);
            if f > e + 1 {
                return Some(f);
            }
        }
        Some(e)
    }

    /// `YYYY-MM-DD` at `i`, not running into an identifier: its end.
    fn date_at(&self, i: usize) -> Option<usize> {
        let shape = [4usize, 2, 2];
        let mut k = i;
        for (n, len) in shape.iter().enumerate() {
            if n > 0 {
                if self.at(k) != b'-' {
                    return None;
                }
                k += 1;
            }
            if self.digits(k) - k < *len {
                return None;
            }
            k += len;
        }
        (!ident_char(self.at(k))).then_some(k)
    }

    /// `12 months` at `i`: the end of the count, the start and end of the unit.
    fn duration_at(&self, i: usize) -> Option<(usize, usize, usize)> {
        let count_end = self.digits(i);
        if count_end == i {
            return None;
        }
        let mut u = count_end;
        while matches!(self.at(u), b' ' | b'\t' | b'\n' | b'\r') {
            u += 1;
        }
        if u == count_end {
            return None;
        }
        let e = self.word_end(u);
        matches!(
            self.slice(u, e),
            "days" | "day" | "weeks" | "week" | "months" | "month" | "years" | "year"
        )
        .then_some((count_end, u, e))
    }

    // ------------------------------------------------------------ items

    fn spec_header(&mut self) -> Option<Item> {
        let start = self.keyword("spec")?;
        let id = self.ident()?;
        let title = self.string()?;
        let mut attrs = Vec::new();
        if self.next_is(b'{') {
            self.token(1);
            while !self.next_is(b'}') {
                let k = self.ident()?;
                let v = self.string()?;
                attrs.push((k, v));
            }
            self.token(1);
        }
        Some(Item::Spec(SpecHeader {
            id,
            title,
            attrs,
            span: self.span(start),
        }))
    }

    fn inputs_block(&mut self) -> Option<Item> {
        let start = self.keyword("inputs")?;
        let title = if self.next_is(b'"') {
            Some(self.string()?)
        } else {
            None
        };
        self.skip();
        let respondent = if self.word() == "respondent" {
            self.token(10);
            Some(self.word_of(&["provider", "network"], true)?)
        } else {
            None
        };
        let decls = self.decl_block()?;
        Some(Item::Inputs(InputsBlock {
            title,
            respondent,
            decls,
            span: self.span(start),
        }))
    }

    /// `{ input_decl* }`
    fn decl_block(&mut self) -> Option<Vec<InputDecl>> {
        self.punct(b'{')?;
        let mut decls = Vec::new();
        while !self.next_is(b'}') {
            decls.push(self.input_decl()?);
        }
        self.token(1);
        Some(decls)
    }

    fn input_decl(&mut self) -> Option<InputDecl> {
        self.skip();
        let start = self.pos;
        let path = self.dotted()?;
        self.punct(b':')?;
        let ty = self.input_type()?;
        Some(InputDecl {
            path,
            ty,
            span: self.span(start),
        })
    }

    /// `a.b.c`, with layout allowed around the dots.
    fn dotted(&mut self) -> Option<Vec<Ident>> {
        let mut path = vec![self.ident()?];
        while self.next_is(b'.') {
            self.token(1);
            path.push(self.ident()?);
        }
        Some(path)
    }

    fn input_type(&mut self) -> Option<InputType> {
        self.skip();
        let start = self.pos;
        let w = self.word();
        let kind_word = w;
        let scalar = match w {
            "list" | "group" | "checklist" => {
                self.token(w.len());
                None
            }
            "enum" => {
                self.token(4);
                self.punct(b'(')?;
                let mut vals = Vec::new();
                let mut labels = Vec::new();
                loop {
                    vals.push(self.ident()?);
                    labels.push(if self.next_is(b'"') {
                        Some(self.string()?)
                    } else {
                        None
                    });
                    if !self.next_is(b',') {
                        break;
                    }
                    self.token(1);
                    if self.next_is(b')') {
                        break;
                    }
                }
                self.punct(b')')?;
                Some(ScalarKind::Enum(vals, labels))
            }
            _ => {
                let k = match w {
                    "bool" => ScalarKind::Bool,
                    "int" => ScalarKind::Int,
                    "number" => ScalarKind::Number,
                    "percent" => ScalarKind::Percent,
                    "date" => ScalarKind::Date,
                    "text" => ScalarKind::Text,
                    _ => return None,
                };
                self.token(w.len());
                Some(k)
            }
        };
        let mut constraints = Vec::new();
        if kind_word != "group" && kind_word != "checklist" {
            while let Some(c) = self.attempt(|r| {
                r.skip();
                let is_max = match r.word() {
                    "min" => false,
                    "max" => true,
                    _ => return None,
                };
                let cstart = r.pos;
                r.token(3);
                r.constraint(is_max, cstart)
            }) {
                constraints.push(c);
            }
        }
        let question = self.string()?;
        let (mut help, mut unit, mut label, mut item, mut period) = (None, None, None, None, None);
        // attributes, until a word that does not start one (the next
        // declaration may be named `help`)
        while let Some(attr) = self.attempt(Self::input_attr) {
            match attr {
                Attr::Period(p) => period = Some(p),
                Attr::Text(w, text) => {
                    *match w {
                        "help" => &mut help,
                        "unit" => &mut unit,
                        "label" => &mut label,
                        _ => &mut item,
                    } = Some(text)
                }
            }
        }
        let kind = match kind_word {
            "list" => TypeKind::List(self.decl_block()?),
            "group" => TypeKind::Group(self.decl_block()?),
            "checklist" => {
                self.punct(b'{')?;
                let mut items = Vec::new();
                while !self.next_is(b'}') {
                    let name = self.ident()?;
                    let text = self.string()?;
                    items.push(ChecklistItem { name, text });
                }
                self.token(1);
                TypeKind::Checklist(items)
            }
            _ => TypeKind::Scalar(scalar?),
        };
        Some(InputType {
            kind,
            constraints,
            question,
            help,
            unit,
            label,
            item,
            period,
            span: self.span(start),
        })
    }

    /// `help "…"` (or `unit`, `label`, `item`) or `period …`.
    fn input_attr(&mut self) -> Option<Attr<'t>> {
        self.skip();
        let w = self.word();
        match w {
            "help" | "unit" | "label" | "item" => {
                self.token(w.len());
                Some(Attr::Text(w, self.string()?))
            }
            "period" => {
                self.token(6);
                self.skip();
                let pstart = self.pos;
                if self.word() == "assessment" {
                    self.token(10);
                    return Some(Attr::Period(Period::Assessment(self.span(pstart))));
                }
                let (n, u, e) = self.duration_at(pstart)?;
                self.token(e - pstart);
                Some(Attr::Period(Period::Rolling(
                    self.slice(pstart, n).to_string(),
                    self.slice(u, e).to_string(),
                    self.span(pstart),
                )))
            }
            _ => None,
        }
    }

    /// What follows `min` or `max`: a date, a signed number or a reference.
    fn constraint(&mut self, is_max: bool, start: usize) -> Option<Constraint> {
        self.skip();
        let v = self.pos;
        if let Some(e) = self.date_at(v) {
            self.token(e - v);
        } else if self.at(v) == b'-' || self.at(v).is_ascii_digit() {
            let mut e = self.decimal(v + usize::from(self.at(v) == b'-'))?;
            if self.at(e) == b'%' {
                e += 1;
            }
            if ident_char(self.at(e)) {
                return None;
            }
            self.token(e - v);
        } else {
            let reference = self.dotted()?;
            let value = reference
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(".");
            return Some(Constraint {
                is_max,
                value,
                reference: Some(reference),
                span: self.span(start),
            });
        }
        Some(Constraint {
            is_max,
            value: self.slice(v, self.end).to_string(),
            reference: None,
            span: self.span(start),
        })
    }

    fn let_decl(&mut self) -> Option<Item> {
        let start = self.keyword("let")?;
        let name = self.ident()?;
        self.punct(b'=')?;
        let value = self.expr()?;
        Some(Item::Let(LetDecl {
            name,
            value,
            span: self.span(start),
        }))
    }

    fn area_block(&mut self) -> Option<Item> {
        let start = self.keyword("area")?;
        let name = self.ident()?;
        self.punct(b'{')?;
        let mut requirements = Vec::new();
        while !self.next_is(b'}') {
            requirements.push(self.requirement()?);
        }
        self.token(1);
        Some(Item::Area(AreaBlock {
            name,
            requirements,
            span: self.span(start),
        }))
    }

    fn requirement(&mut self) -> Option<Requirement> {
        let start = self.keyword("requirement")?;
        let id = self.req_id()?;
        let level = match self
            .word_of(&["must", "should", "may"], false)?
            .name
            .as_str()
        {
            "must" => Level::Must,
            "should" => Level::Should,
            _ => Level::May,
        };
        let title = self.string()?;
        self.punct(b'{')?;
        let mut clauses = Vec::new();
        while !self.next_is(b'}') {
            let clause = match self.attempt(Self::keyword_clause) {
                Some(c) => c,
                None => Clause::Rule(self.expr()?),
            };
            clauses.push(clause);
        }
        self.token(1);
        Some(Requirement {
            id,
            level,
            title,
            clauses,
            span: self.span(start),
        })
    }

    /// A clause of a requirement that starts with its keyword (`applies
    /// when`, `evidence`, `ref`, `help`, `basis`, `respondent`).
    fn keyword_clause(&mut self) -> Option<Clause> {
        self.skip();
        let w = self.word();
        Some(match w {
            "applies" => {
                self.token(7);
                self.keyword("when")?;
                Clause::Applies(self.expr()?)
            }
            "evidence" => {
                self.token(8);
                let key = self.ident()?;
                let desc = self.string()?;
                self.skip();
                let required = if self.word() == "required" {
                    let s = self.pos;
                    self.token(8);
                    Some(self.span(s))
                } else {
                    None
                };
                Clause::Evidence(key, desc, required)
            }
            "ref" => {
                self.token(3);
                Clause::Ref(self.string()?)
            }
            "help" => {
                self.token(4);
                Clause::Help(self.string()?)
            }
            "basis" => {
                self.token(5);
                Clause::Basis(self.word_of(&["standard", "derived", "estimate"], true)?)
            }
            "respondent" => {
                self.token(10);
                Clause::Respondent(self.word_of(&["provider", "network"], true)?)
            }
            _ => return None,
        })
    }

    fn rating_block(&mut self) -> Option<Item> {
        let start = self.keyword("rating")?;
        self.punct(b'{')?;
        let mut rules = Vec::new();
        while !self.next_is(b'}') {
            let rstart = self.pos;
            let rating = self.ident()?;
            self.skip();
            let cond = match self.word() {
                "when" => {
                    self.token(4);
                    Some(self.rating_or()?)
                }
                "otherwise" => {
                    self.token(9);
                    None
                }
                _ => return None,
            };
            rules.push(RatingRule {
                rating,
                cond,
                span: self.span(rstart),
            });
        }
        self.token(1);
        Some(Item::Rating(RatingBlock {
            rules,
            span: self.span(start),
        }))
    }

    /// `a or b or …`, or `a and b and …`: one part stays itself.
    fn rating_list(&mut self, joiner: &str) -> Option<RatingCond> {
        let mut parts = vec![self.rating_part(joiner)?];
        loop {
            self.skip();
            if self.word() != joiner {
                break;
            }
            self.token(joiner.len());
            parts.push(self.rating_part(joiner)?);
        }
        Some(match parts.len() {
            1 => parts.pop()?,
            _ if joiner == "or" => RatingCond::Or(parts),
            _ => RatingCond::And(parts),
        })
    }

    fn rating_part(&mut self, joiner: &str) -> Option<RatingCond> {
        if joiner == "or" {
            self.rating_list("and")
        } else {
            self.rating_atom()
        }
    }

    fn rating_or(&mut self) -> Option<RatingCond> {
        self.rating_list("or")
    }

    fn rating_atom(&mut self) -> Option<RatingCond> {
        self.skip();
        if self.at(self.pos) == b'(' {
            self.token(1);
            let c = self.rating_or()?;
            self.punct(b')')?;
            return Some(c);
        }
        let w = self.word();
        let quant = match w {
            "not" => {
                self.token(3);
                return Some(RatingCond::Not(Box::new(self.rating_atom()?)));
            }
            "count" => {
                self.token(5);
                self.punct(b'(')?;
                let levels = self.level_set()?;
                let outcome = self.outcome()?;
                self.punct(b')')?;
                self.skip();
                let (op, len) = match (self.at(self.pos), self.at(self.pos + 1)) {
                    (b'<', b'=') => (BinOp::Le, 2),
                    (b'>', b'=') => (BinOp::Ge, 2),
                    (b'=', b'=') => (BinOp::Eq, 2),
                    (b'!', b'=') => (BinOp::Ne, 2),
                    (b'<', _) => (BinOp::Lt, 1),
                    (b'>', _) => (BinOp::Gt, 1),
                    _ => return None,
                };
                self.token(len);
                self.skip();
                let s = self.pos;
                let e = self.decimal(s)?;
                if ident_char(self.at(e)) {
                    return None;
                }
                self.token(e - s);
                let n = self.slice(s, e).parse().unwrap_or(0);
                return Some(RatingCond::Count(levels, outcome, op, n));
            }
            "all" => RatingQuant::All,
            "any" => RatingQuant::Any,
            "no" => RatingQuant::No,
            _ => return None,
        };
        self.token(w.len());
        let levels = self.level_set()?;
        let outcome = self.outcome()?;
        Some(RatingCond::Quant(quant, levels, outcome))
    }

    fn level_set(&mut self) -> Option<LevelSet> {
        let w = self.word_of(&["must", "should", "may", "requirements"], false)?;
        Some(match w.name.as_str() {
            "must" => LevelSet::Must,
            "should" => LevelSet::Should,
            "may" => LevelSet::May,
            _ => LevelSet::All,
        })
    }

    fn outcome(&mut self) -> Option<Outcome> {
        let w = self.word_of(&["met", "not_met", "not_applicable", "incomplete"], false)?;
        Some(super::parser::outcome_name(&w.name))
    }

    fn test_block(&mut self) -> Option<Item> {
        let start = self.keyword("test")?;
        let name = self.string()?;
        self.punct(b'{')?;
        let mut clauses = Vec::new();
        while !self.next_is(b'}') {
            let cstart = self.pos;
            let clause = match self.word() {
                "given" => {
                    self.token(5);
                    self.skip();
                    let file = self.attempt(|r| {
                        (r.word() == "file").then(|| r.token(4))?;
                        r.string()
                    });
                    if let Some(f) = file {
                        TestClause::GivenFile(f)
                    } else {
                        let j = self.pos;
                        let e = self.braces(j, false)?;
                        self.token(e - j);
                        TestClause::GivenJson(self.slice(j, e).to_string(), self.span(j))
                    }
                }
                "assessed_on" => {
                    self.token(11);
                    self.skip();
                    let d = self.pos;
                    let e = self.date_at(d)?;
                    self.token(e - d);
                    TestClause::AssessedOn(self.slice(d, e).to_string(), self.span(d))
                }
                "respondent" => {
                    self.token(10);
                    TestClause::Respondent(self.word_of(&["provider", "network"], true)?)
                }
                "expect" => {
                    self.token(6);
                    self.skip();
                    let named = self.attempt(|r| match r.word() {
                        "overall" => {
                            r.token(7);
                            Some(TestClause::ExpectOverall(r.ident()?))
                        }
                        "area" => {
                            r.token(4);
                            let a = r.ident()?;
                            Some(TestClause::ExpectArea(a, r.ident()?))
                        }
                        _ => None,
                    });
                    match named {
                        Some(c) => c,
                        None => {
                            let id = self.req_id()?;
                            let o = self.outcome()?;
                            TestClause::ExpectRequirement(id, o, self.span(cstart))
                        }
                    }
                }
                _ => return None,
            };
            clauses.push(clause);
        }
        self.token(1);
        Some(Item::Test(TestBlock {
            name,
            clauses,
            span: self.span(start),
        }))
    }

    /// `test "…" { … }` stepped over unread.
    fn skipped_test(&mut self) -> Option<()> {
        self.keyword("test")?;
        // the name's escapes are not checked: the grammar only matches them
        self.skip();
        let (close, _) = self.string_end(self.pos)?;
        self.token(close + 1 - self.pos);
        self.skip();
        let j = self.pos;
        let e = self.braces(j, true)?;
        self.token(e - j);
        Some(())
    }

    /// The end of the `{ … }` block at `i`, its braces balanced, JSON
    /// strings followed; `comments`: `//` starts a comment to the line's
    /// end (a test block stepped over), otherwise it gives up (a comment
    /// inside a JSON block is cut out of spans by the pest route).
    fn braces(&self, i: usize, comments: bool) -> Option<usize> {
        if self.at(i) != b'{' {
            return None;
        }
        let mut depth = 0usize;
        let mut k = i;
        loop {
            let c = *self.b.get(k)?;
            match c {
                b'{' => {
                    depth += 1;
                    k += 1;
                }
                b'}' => {
                    depth -= 1;
                    k += 1;
                    if depth == 0 {
                        return Some(k);
                    }
                }
                b'"' => {
                    k += 1;
                    loop {
                        let run = self
                            .b
                            .get(k..)
                            .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))?;
                        k += run;
                        if self.at(k) == b'"' {
                            k += 1;
                            break;
                        }
                        // `\` and any character
                        self.b.get(k + 1)?;
                        k += 2;
                    }
                }
                b'/' if self.at(k + 1) == b'/' => {
                    if !comments {
                        return None;
                    }
                    k = self
                        .b
                        .get(k..)
                        .and_then(|rest| memchr::memchr(b'\n', rest))
                        .map_or(self.b.len(), |n| k + n);
                }
                _ => k += 1,
            }
        }
    }

    // ------------------------------------------------------------ expressions

    /// An expression: its tokens read as the grammar's `expr` rule reads
    /// them, then put together by precedence as the pest Pratt parser does.
    fn expr(&mut self) -> Option<Expr> {
        if self.nested >= MOST_NESTED {
            self.too_deep = true;
            return None;
        }
        self.nested += 1;
        let e = self.operations();
        self.nested -= 1;
        e
    }

    /// [`Reader::expr`]: operands with their prefixes and fields, and the
    /// operators between them, put in a tree by [`climb`].
    fn operations(&mut self) -> Option<Expr> {
        let base = self.toks.len();
        loop {
            // prefix operators
            loop {
                self.skip();
                let s = self.pos;
                if self.at(s) == b'-' {
                    self.token(1);
                    self.toks.push(Tok::Prefix(UnaryOp::Neg, self.span(s)));
                } else if self.word() == "not" {
                    self.token(3);
                    self.toks.push(Tok::Prefix(UnaryOp::Not, self.span(s)));
                } else {
                    break;
                }
            }
            let operand = self.primary()?;
            self.toks.push(Tok::Operand(operand));
            // fields
            loop {
                self.skip();
                let s = self.pos;
                let c = self.at(s + 1);
                if self.at(s) != b'.' || !(c.is_ascii_alphabetic() || c == b'_') {
                    break;
                }
                let w = self.slice(s + 1, self.word_end(s + 1));
                if is_reserved(w) {
                    break;
                }
                self.token(1 + w.len());
                self.toks.push(Tok::Field(Ident {
                    name: w.into(),
                    span: self.span(s + 1),
                }));
            }
            let Some((op, len)) = self.infix() else {
                break;
            };
            self.token(len);
            self.toks.push(Tok::Infix(op));
        }
        let mut at = 0;
        let (e, _) = climb(self.toks.get_mut(base..)?, &mut at, 0, self.max_depth)?;
        self.toks.truncate(base);
        Some(e)
    }

    /// The infix operator at the reading position (after layout), in the
    /// grammar's order of trial, and its length.
    fn infix(&mut self) -> Option<(BinOp, usize)> {
        self.skip();
        let i = self.pos;
        let two = (self.at(i), self.at(i + 1));
        let op = match two {
            (b'=', b'=') => (BinOp::Eq, 2),
            (b'!', b'=') => (BinOp::Ne, 2),
            (b'<', b'=') => (BinOp::Le, 2),
            (b'>', b'=') => (BinOp::Ge, 2),
            (b'<', _) => (BinOp::Lt, 1),
            (b'>', _) => (BinOp::Gt, 1),
            (b'+', _) => (BinOp::Add, 1),
            (b'-', _) => (BinOp::Sub, 1),
            (b'*', _) => (BinOp::Mul, 1),
            (b'/', _) => (BinOp::Div, 1),
            _ => {
                let w = self.word();
                match w {
                    "implies" => (BinOp::Implies, 7),
                    "or" => (BinOp::Or, 2),
                    "and" => (BinOp::And, 3),
                    "in" => (BinOp::In, 2),
                    "not" | "within" => {
                        let (next, op) = if w == "not" {
                            ("in", BinOp::NotIn)
                        } else {
                            ("next", BinOp::WithinNext)
                        };
                        let mut k = i + w.len();
                        while matches!(self.at(k), b' ' | b'\t' | b'\n' | b'\r') {
                            k += 1;
                        }
                        if k > i + w.len() && self.slice(k, self.word_end(k)) == next {
                            (op, k + next.len() - i)
                        } else if w == "within" {
                            (BinOp::Within, 6)
                        } else {
                            return None;
                        }
                    }
                    _ => return None,
                }
            }
        };
        Some(op)
    }

    fn primary(&mut self) -> Option<Expr> {
        self.skip();
        let start = self.pos;
        let c = self.at(start);
        let kind = match c {
            b'0'..=b'9' => {
                if let Some((n, u, e)) = self.duration_at(start) {
                    self.token(e - start);
                    ExprKind::Duration(
                        self.slice(start, n).to_string(),
                        self.slice(u, e).to_string(),
                    )
                } else if let Some(e) = self.date_at(start) {
                    self.token(e - start);
                    ExprKind::Date(self.slice(start, e).to_string())
                } else {
                    let e = self.decimal(start)?;
                    if self.at(e) == b'%' {
                        self.token(e + 1 - start);
                        ExprKind::Percent(self.slice(start, e).to_string())
                    } else if ident_char(self.at(e)) {
                        return None;
                    } else {
                        self.token(e - start);
                        ExprKind::Number(self.slice(start, e).to_string())
                    }
                }
            }
            b'"' => ExprKind::Str(self.string()?.value),
            b'[' => {
                self.token(1);
                let mut items = Vec::new();
                while !self.next_is(b']') {
                    items.push(self.expr()?);
                    if !self.next_is(b',') {
                        break;
                    }
                    self.token(1);
                }
                self.punct(b']')?;
                ExprKind::List(items)
            }
            b'(' => {
                self.token(1);
                let mut e = self.expr()?;
                self.punct(b')')?;
                e.span = self.span(start);
                return Some(e);
            }
            _ => {
                let w = self.word();
                match w {
                    "if" => {
                        self.token(2);
                        let cond = self.expr()?;
                        self.keyword("then")?;
                        let a = self.expr()?;
                        self.keyword("else")?;
                        let b = self.expr()?;
                        ExprKind::If(Box::new(cond), Box::new(a), Box::new(b))
                    }
                    "all" | "any" => {
                        self.token(3);
                        let quant = if w == "all" { Quant::All } else { Quant::Any };
                        let var = self.ident()?;
                        self.keyword("in")?;
                        let list = Box::new(self.expr()?);
                        self.punct(b':')?;
                        let body = Box::new(self.expr()?);
                        ExprKind::Quantifier {
                            quant,
                            var,
                            list,
                            body,
                        }
                    }
                    "true" | "false" => {
                        self.token(w.len());
                        ExprKind::Bool(w == "true")
                    }
                    "assessment_date" => {
                        self.token(w.len());
                        ExprKind::AssessmentDate
                    }
                    _ => {
                        let name = self.ident()?;
                        if self.at(self.pos) == b'(' {
                            return self.call(name, start);
                        }
                        ExprKind::Name(name)
                    }
                }
            }
        };
        Some(Expr {
            kind,
            span: self.span(start),
        })
    }

    /// `f(…)`: a call, an aggregate `sum(e for x in xs where p)` or a count
    /// `count(x in xs where p)`, decided by what follows the first argument.
    #[inline(never)]
    fn call(&mut self, func: Ident, start: usize) -> Option<Expr> {
        self.token(1);
        if self.next_is(b')') {
            self.token(1);
            return Some(Expr {
                kind: ExprKind::Call(func, Vec::new()),
                span: self.span(start),
            });
        }
        let first = self.expr()?;
        self.skip();
        let is_count = func.name == "count";
        let kind = match self.word() {
            "for" => {
                self.token(3);
                let var = self.ident()?;
                self.keyword("in")?;
                let list = Box::new(self.expr()?);
                self.skip();
                let filter = if self.word() == "where" {
                    self.token(5);
                    Some(Box::new(self.expr()?))
                } else {
                    None
                };
                if is_count {
                    ExprKind::Count { var, list, filter }
                } else {
                    ExprKind::Aggregate {
                        func,
                        body: Box::new(first),
                        var,
                        list,
                        filter,
                    }
                }
            }
            "where" => {
                self.token(5);
                let filter = Some(Box::new(self.expr()?));
                if !(is_count && in_shape(&first)) {
                    return None;
                }
                let (var, list) = split_in(first)?;
                ExprKind::Count { var, list, filter }
            }
            _ => {
                let mut args = vec![first];
                while self.next_is(b',') {
                    self.token(1);
                    if self.next_is(b')') {
                        break;
                    }
                    args.push(self.expr()?);
                }
                if is_count && args.first().is_some_and(in_shape) {
                    let (var, list) = split_in(args.swap_remove(0))?;
                    ExprKind::Count {
                        var,
                        list,
                        filter: None,
                    }
                } else {
                    ExprKind::Call(func, args)
                }
            }
        };
        self.punct(b')')?;
        Some(Expr {
            kind,
            span: self.span(start),
        })
    }
}

/// Whether `e` is `x in xs`, the argument `count` counts over.
fn in_shape(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Binary(BinOp::In, ab) if matches!(ab.0.kind, ExprKind::Name(_)))
}

/// The variable and the list of `x in xs`.
fn split_in(e: Expr) -> Option<(Ident, Box<Expr>)> {
    match e.kind {
        ExprKind::Binary(BinOp::In, ab) => {
            let (lhs, rhs) = *ab;
            match lhs.kind {
                ExprKind::Name(var) => Some((var, Box::new(rhs))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The pest Pratt parser's climb over the tokens from `*at`: operators
/// binding tighter than `rbp` go into the left operand. The depth is
/// counted as the pest route counts it; past the limit, give up (the
/// pest route reports it).
fn climb(toks: &mut [Tok], at: &mut usize, rbp: u32, max_depth: usize) -> Option<(Expr, usize)> {
    let first = std::mem::replace(toks.get_mut(*at)?, Tok::Infix(BinOp::Add));
    *at += 1;
    let (mut lhs, mut depth) = match first {
        Tok::Prefix(op, ospan) => {
            let (rhs, d) = climb(toks, at, prefix_power(op) - 1, max_depth)?;
            if d >= max_depth {
                return None;
            }
            let span = ospan.to(rhs.span);
            (
                Expr {
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                    span,
                },
                d + 1,
            )
        }
        Tok::Operand(e) => (e, 1),
        _ => return None,
    };
    loop {
        let power = match toks.get(*at) {
            None => break,
            Some(Tok::Infix(op)) => infix_power(*op),
            Some(Tok::Field(_)) => FIELD_POWER,
            Some(_) => return None,
        };
        if rbp >= power {
            break;
        }
        let tok = std::mem::replace(toks.get_mut(*at)?, Tok::Infix(BinOp::Add));
        *at += 1;
        match tok {
            Tok::Infix(op) => {
                let next = if op == BinOp::Implies {
                    power - 1
                } else {
                    power
                };
                let (rhs, dr) = climb(toks, at, next, max_depth)?;
                depth = depth.max(dr) + 1;
                if depth > max_depth {
                    return None;
                }
                let span = lhs.span.to(rhs.span);
                lhs = Expr {
                    kind: ExprKind::Binary(op, Box::new((lhs, rhs))),
                    span,
                };
            }
            Tok::Field(name) => {
                if depth >= max_depth {
                    return None;
                }
                depth += 1;
                let span = lhs.span.to(name.span);
                lhs = Expr {
                    kind: ExprKind::Field(Box::new(lhs), name),
                    span,
                };
            }
            _ => return None,
        }
    }
    Some((lhs, depth))
}
