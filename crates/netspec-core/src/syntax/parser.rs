//! The parser: spec text → [`ast`](super::ast) nodes, through the pest
//! grammar.
//!
//! `Rule` and `Pair` never leave this module. Binary operators go through
//! one Pratt parser whose table is the precedence ladder documented in
//! `grammar/README.md`; syntax errors become diagnostics with spans.

use std::sync::LazyLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;

use super::ast::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::Limits;
use crate::source::{FileId, Span};
use crate::vocab::{Level, LevelSet, Outcome, Quant, RatingQuant};

#[derive(pest_derive::Parser)]
#[grammar = "src/syntax/netspec.pest"]
struct Grammar;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_implies, Assoc::Right))
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left)
            | Op::infix(Rule::op_within, Assoc::Left)
            | Op::infix(Rule::op_within_next, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::field))
});

/// Parses one file with the default [`Limits`]. On a syntax error the result
/// holds the first error of each broken item.
pub fn parse_file(text: &str, file: FileId) -> Result<File, Vec<Diagnostic>> {
    parse_file_with(text, file, &Limits::default())
}

/// Parses one file within `limits` (source size and nesting).
pub fn parse_file_with(text: &str, file: FileId, limits: &Limits) -> Result<File, Vec<Diagnostic>> {
    read(text, file, limits, true, true)
}

/// Parses one file for evaluation only: `test` blocks are stepped over
/// unread (the file has no [`Item::Test`]s and nothing in them is checked),
/// which takes about half the time for a spec with many tests.
pub fn parse_file_without_tests(
    text: &str,
    file: FileId,
    limits: &Limits,
) -> Result<File, Vec<Diagnostic>> {
    read(text, file, limits, false, true)
}

/// The hand-written reader ([`super::fast`]) first; the pest grammar when
/// it gives up, for the diagnostics and for whatever it leaves to pest.
/// Without `comments`, the tree's `comments` are left empty.
fn read(
    text: &str,
    file: FileId,
    limits: &Limits,
    with_tests: bool,
    comments: bool,
) -> Result<File, Vec<Diagnostic>> {
    within_limits(text, file, limits)?;
    if let Some(f) = super::fast::parse_checked(text, file, limits.max_depth, with_tests, comments)
    {
        return Ok(f);
    }
    let mut f = parse_with_grammar(entry(with_tests), text, file, limits)?;
    if !comments {
        f.comments = Vec::new();
    }
    Ok(f)
}

/// Parses one file for the checker, which has no use for its comments: the
/// tree [`parse_file_with`] (`with_tests`) or [`parse_file_without_tests`]
/// gives, with `comments` left empty.
pub(crate) fn parse_for_check(
    text: &str,
    file: FileId,
    limits: &Limits,
    with_tests: bool,
) -> Result<File, Vec<Diagnostic>> {
    read(text, file, limits, with_tests, false)
}

/// The source size and nesting limits, checked before either reader runs.
pub(super) fn within_limits(
    text: &str,
    file: FileId,
    limits: &Limits,
) -> Result<(), Vec<Diagnostic>> {
    if text.len() > limits.max_source_bytes {
        return Err(vec![source_too_large(text.len(), limits, file)]);
    }
    if let Some(d) = check_nesting(text, file, limits) {
        return Err(vec![d]);
    }
    Ok(())
}

/// The pest route alone, the reference the hand-written reader is checked
/// against (by the tests and the fuzz target `parse`): `file`
/// (`with_tests`) or `file_without_tests`.
#[doc(hidden)]
pub fn parse_with_pest(
    text: &str,
    file: FileId,
    limits: &Limits,
    with_tests: bool,
) -> Result<File, Vec<Diagnostic>> {
    within_limits(text, file, limits)?;
    parse_with_grammar(entry(with_tests), text, file, limits)
}

/// The grammar's entry rule: `file`, or `file_without_tests`.
fn entry(with_tests: bool) -> Rule {
    if with_tests {
        Rule::file
    } else {
        Rule::file_without_tests
    }
}

/// Text within the limits → syntax tree, through the pest grammar.
fn parse_with_grammar(
    entry: Rule,
    text: &str,
    file: FileId,
    limits: &Limits,
) -> Result<File, Vec<Diagnostic>> {
    let pairs = Grammar::parse(entry, text)
        .map_err(|e| recover(entry, text, file, syntax_error(e, file, text)))?;
    let comments = scan_comments(text, file);
    let mut b = Builder {
        file,
        errors: Vec::new(),
        text,
        comments: comments.clone(),
        max_depth: limits.max_depth,
    };
    let mut items = Vec::new();
    for pair in pairs.flatten().take(1) {
        for item in pair.into_inner() {
            if matches!(item.as_rule(), Rule::EOI | Rule::skipped_test) {
                continue;
            }
            if let Some(i) = b.item(item) {
                items.push(i);
            }
        }
    }
    if b.errors.is_empty() {
        Ok(File { items, comments })
    } else {
        Err(b.errors)
    }
}

/// Parses as much of a file as parses, for editors: the syntax tree of the
/// text with the broken parts left out, and the syntax errors (empty when
/// the whole file parsed). Spans are those of `text`: a broken line is
/// blanked (its bytes turned into spaces) and the text parsed again, a few
/// times; when that is not enough, every top-level item that does not parse
/// on its own is blanked. A file over the limits gives an empty tree.
pub fn parse_file_partial(text: &str, file: FileId, limits: &Limits) -> (File, Vec<Diagnostic>) {
    /// Lines blanked one after another before whole items are.
    const LINE_TRIES: usize = 12;
    let empty = || File {
        items: Vec::new(),
        comments: Vec::new(),
    };
    let errors = match parse_file_with(text, file, limits) {
        Ok(f) => return (f, Vec::new()),
        Err(errors) => errors,
    };
    if text.len() > limits.max_source_bytes || check_nesting(text, file, limits).is_some() {
        return (empty(), errors);
    }
    let mut work: Vec<u8> = text.as_bytes().to_vec();
    let mut at = errors
        .first()
        .and_then(|d| d.span)
        .map(|s| s.start as usize);
    let mut last: Option<usize> = None;
    for _ in 0..LINE_TRIES {
        let Some(offset) = at else { break };
        // an error where a line begins: something is missing on the line
        // before (unless blanking that did not move the error)
        let before_only = last != Some(offset);
        blank_line_at(&mut work, offset, before_only);
        last = Some(offset);
        let Ok(now) = std::str::from_utf8(&work) else {
            break;
        };
        match Grammar::parse(Rule::file, now) {
            Ok(_) => {
                if let Ok(f) = parse_file_with(now, file, limits) {
                    return (f, errors);
                }
                break;
            }
            Err(e) => {
                at = Some(
                    syntax_error(e, file, now)
                        .span
                        .map_or(0, |s| s.start as usize),
                )
            }
        }
    }
    // whole items: each that does not parse alone is blanked
    let mut work: Vec<u8> = text.as_bytes().to_vec();
    for (a, b) in item_cuts(text) {
        let Some(chunk) = text.get(a..b) else {
            continue;
        };
        if Grammar::parse(Rule::file, chunk).is_err() {
            blank(&mut work, a, b);
        }
    }
    match std::str::from_utf8(&work)
        .ok()
        .and_then(|now| parse_file_with(now, file, limits).ok())
    {
        Some(f) => (f, errors),
        None => (empty(), errors),
    }
}

/// Turns the bytes `a..b` that are not line ends into spaces (a whole
/// character at a time, so the text stays UTF-8 and keeps its offsets).
fn blank(work: &mut [u8], a: usize, b: usize) {
    for byte in work.iter_mut().take(b).skip(a) {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
}

/// Blanks the line holding `offset`; when nothing but spaces comes before
/// `offset` on it and `before_only`, the line before it that has text is
/// blanked instead (that is where something is missing).
fn blank_line_at(work: &mut [u8], offset: usize, before_only: bool) {
    let offset = offset.min(work.len());
    let start = work
        .iter()
        .take(offset)
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let end = work
        .iter()
        .skip(offset)
        .position(|&c| c == b'\n')
        .map_or(work.len(), |i| offset + i);
    let only_space_before = work
        .iter()
        .take(offset)
        .skip(start)
        .all(|c| c.is_ascii_whitespace());
    if !(only_space_before && before_only && start > 0) {
        blank(work, start, end);
        return;
    }
    // the previous line with text
    let mut e = start - 1;
    loop {
        let s = work
            .iter()
            .take(e)
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        if work
            .iter()
            .take(e)
            .skip(s)
            .any(|c| !c.is_ascii_whitespace())
        {
            blank(work, s, e);
            return;
        }
        if s == 0 {
            blank(work, start, end);
            return;
        }
        e = s - 1;
    }
}

/// Where top-level items begin (lines starting with an item keyword), as
/// `(start, end)` ranges covering the text.
fn item_cuts(text: &str) -> Vec<(usize, usize)> {
    const STARTS: [&str; 7] = [
        "spec ", "use ", "inputs ", "let ", "area ", "rating ", "test ",
    ];
    let mut cuts = vec![0usize];
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        if offset > 0 && STARTS.iter().any(|k| line.starts_with(k)) {
            cuts.push(offset);
        }
        offset += line.len();
    }
    cuts.push(text.len());
    cuts.iter()
        .copied()
        .zip(cuts.iter().copied().skip(1))
        .collect()
}

/// After a syntax error, parses each top-level item on its own (items start
/// at the beginning of a line with an item keyword) so that one run reports
/// the first error of every broken item, not just the first of the file.
fn recover(entry: Rule, text: &str, file: FileId, first: Diagnostic) -> Vec<Diagnostic> {
    let mut errors: Vec<Diagnostic> = Vec::new();
    for (a, b) in item_cuts(text) {
        if errors.len() >= crate::limits::MAX_DIAGNOSTICS {
            errors.push(
                Diagnostic::error(
                    Code::TooManyDiagnostics,
                    format!(
                        "more than {} syntax errors; the rest of the file is not checked",
                        crate::limits::MAX_DIAGNOSTICS
                    ),
                )
                .at(Span::new(file, a, a))
                .with_help("fix these and check again"),
            );
            break;
        }
        let Some(chunk) = text.get(a..b) else {
            continue;
        };
        if let Err(e) = Grammar::parse(entry, chunk) {
            let mut d = syntax_error(e, file, chunk);
            if let Some(sp) = d.span {
                let shift = |x: u32| x.saturating_add(u32::try_from(a).unwrap_or(0));
                d.span = Some(Span {
                    file: sp.file,
                    start: shift(sp.start),
                    end: shift(sp.end),
                });
            }
            // a `{` left open makes the parser stumble on what follows: say which
            if let (Some(open), Some(sp)) = (unclosed_brace(chunk), d.span) {
                let open = a + open;
                if sp.start as usize >= open {
                    let line = text
                        .get(..open)
                        .map_or(1, |t| t.bytes().filter(|&b| b == b'\n').count() + 1);
                    let noticed = format!("noticed here: {}", d.message);
                    d = Diagnostic::error(
                        Code::Syntax,
                        format!("unclosed `{{` opened at line {line}"),
                    )
                    .at(Span::new(file, open, open + 1))
                    .with_label("this `{` has no matching `}`")
                    .with_related(sp, noticed)
                    .with_help("add the missing `}`");
                }
            }
            if !errors.iter().any(|x| x.span == d.span) {
                errors.push(d);
            }
        }
    }
    if errors.is_empty() {
        errors.push(first);
    }
    errors.sort_by_key(|d| d.span.map(|s| s.start));
    errors
}

/// The byte offset of a `{` in `text` (one item, as `recover` cuts them)
/// left without its `}`, if any: strings and comments are stepped over, and
/// a `}` that starts a line closes the open `{` of the line indented as it
/// is, so a `{` on a more indented line still open then is the unclosed one
/// (a missing `}` of a requirement inside an area). Otherwise the innermost
/// `{` still open at the end.
fn unclosed_brace(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // (offset of the `{`, indentation of its line)
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut line_start = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => line_start = i + 1,
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 1,
                        b'"' | b'\n' => break,
                        _ => {}
                    }
                    i += 1;
                }
                if bytes.get(i) == Some(&b'\n') {
                    line_start = i + 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                line_start = i + 1;
            }
            b'{' => open.push((i, indent(bytes, line_start))),
            b'}' => {
                let starts_line = bytes
                    .get(line_start..i)
                    .is_some_and(|pre| pre.iter().all(|c| *c == b' ' || *c == b'\t'));
                if starts_line {
                    let here = i - line_start;
                    if let Some(&(at, _)) =
                        open.iter().rev().take_while(|(_, ind)| *ind > here).last()
                    {
                        if open.iter().any(|(_, ind)| *ind == here) {
                            return Some(at);
                        }
                    }
                }
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    open.last().map(|(at, _)| *at)
}

/// The width of the blanks that start the line at `start`.
fn indent(bytes: &[u8], start: usize) -> usize {
    bytes.get(start..).map_or(0, |l| {
        l.iter().take_while(|c| **c == b' ' || **c == b'\t').count()
    })
}

/// Parses a standalone expression (used by tools and tests).
pub fn parse_expr(text: &str, file: FileId) -> Result<Expr, Vec<Diagnostic>> {
    const PREFIX: &str = "let __expr = ";
    let by = u32::try_from(PREFIX.len()).unwrap_or(0);
    let wrapped = format!("{PREFIX}{text}");
    let shift = |mut d: Diagnostic| {
        if let Some(s) = d.span {
            d.span = Some(Span {
                file: s.file,
                start: s.start.saturating_sub(by),
                end: s.end.saturating_sub(by),
            });
        }
        d
    };
    let parsed = parse_file(&wrapped, file)
        .map_err(|errs| errs.into_iter().map(shift).collect::<Vec<_>>())?;
    let mut items = parsed.items.into_iter();
    match (items.next(), items.next()) {
        (Some(Item::Let(l)), None) => Ok(shift_expr(l.value, by)),
        _ => Err(vec![Diagnostic::error(
            Code::Syntax,
            "expected one expression",
        )
        .at(Span::new(file, 0, text.len()))]),
    }
}

fn shift_expr(mut e: Expr, by: u32) -> Expr {
    fn fix(s: &mut Span, by: u32) {
        s.start = s.start.saturating_sub(by);
        s.end = s.end.saturating_sub(by);
    }
    fn walk(e: &mut Expr, by: u32) {
        fix(&mut e.span, by);
        match &mut e.kind {
            ExprKind::Name(i) => fix(&mut i.span, by),
            ExprKind::Field(x, i) => {
                walk(x, by);
                fix(&mut i.span, by);
            }
            ExprKind::List(xs) | ExprKind::Call(_, xs) => xs.iter_mut().for_each(|x| walk(x, by)),
            ExprKind::Unary(_, x) => walk(x, by),
            ExprKind::Binary(_, ab) => {
                walk(&mut ab.0, by);
                walk(&mut ab.1, by);
            }
            ExprKind::If(a, b, c) => {
                walk(a, by);
                walk(b, by);
                walk(c, by);
            }
            ExprKind::Quantifier {
                var, list, body, ..
            } => {
                fix(&mut var.span, by);
                walk(list, by);
                walk(body, by);
            }
            ExprKind::Aggregate {
                func,
                body,
                var,
                list,
                filter,
            } => {
                fix(&mut func.span, by);
                fix(&mut var.span, by);
                walk(body, by);
                walk(list, by);
                if let Some(f) = filter {
                    walk(f, by);
                }
            }
            ExprKind::Count { var, list, filter } => {
                fix(&mut var.span, by);
                walk(list, by);
                if let Some(f) = filter {
                    walk(f, by);
                }
            }
            _ => {}
        }
    }
    walk(&mut e, by);
    e
}

/// The error for a file over [`Limits::max_source_bytes`].
pub(crate) fn source_too_large(len: usize, limits: &Limits, file: FileId) -> Diagnostic {
    Diagnostic::error(
        Code::SourceTooLarge,
        format!(
            "the spec text is {len} bytes, more than the limit of {} bytes",
            limits.max_source_bytes
        ),
    )
    .at(Span::new(file, 0, 0))
    .with_help("split the spec, or raise `max_source_bytes` in `netspec::Limits`")
}

/// Rejects input that would nest deeper than the parser can follow, before
/// pest recurses into it: brackets deeper than [`Limits::max_depth`], long
/// runs of prefix operators ([`Limits::max_prefix_run`]), too many `implies`
/// ([`Limits::max_implies`]) and expressions with very many nesting keywords
/// ([`Limits::max_nesting_keywords`]).
fn check_nesting(text: &str, file: FileId, limits: &Limits) -> Option<Diagnostic> {
    let max_depth = limits.max_depth;
    let max_prefix_run = limits.max_prefix_run;
    let max_implies = limits.max_implies;
    let max_keywords = limits.max_nesting_keywords;
    let too_deep = |i: usize, len: usize, msg: String| {
        Some(
            Diagnostic::error(Code::TooDeep, msg)
                .at(Span::new(file, i, i + len))
                .with_label("too deep here")
                .with_help("split the expression into `let` definitions"),
        )
    };
    let mut depth = 0usize;
    let mut prefix_run = 0usize;
    let mut keywords = 0usize;
    let mut implies = 0usize;
    // list items and operators: each is a few hundred bytes once parsed
    let max_terms = limits.max_expression_terms;
    let mut terms = 0usize;
    let too_many_terms = |i: usize| {
        Some(
            Diagnostic::error(
                Code::SourceTooLarge,
                format!(
                    "the spec has more than {max_terms} list items and operators (the limit `max_expression_terms`)"
                ),
            )
            .at(Span::new(file, i, i + 1))
            .with_help("real specifications have a few thousand; split a generated list, or raise `max_expression_terms` in `netspec::Limits`"),
        )
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        match BYTE_CLASS.get(usize::from(c)).copied().unwrap_or(OTHER) {
            // layout changes nothing: step over a run of it
            SPACE => {
                i += 1;
                while bytes
                    .get(i)
                    .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                {
                    i += 1;
                }
                continue;
            }
            WORD => {
                let start = i;
                let rest = bytes.get(i..).unwrap_or_default();
                i += rest
                    .iter()
                    .position(|&d| !IDENT_BYTE.get(usize::from(d)).is_some_and(|w| *w))
                    .unwrap_or(rest.len());
                // only words of these first letters and lengths matter
                let word: &[u8] = if i - start <= 11
                    && matches!(c, b'n' | b'i' | b'a' | b'o' | b'r' | b'l' | b't')
                {
                    bytes.get(start..i).unwrap_or_default()
                } else {
                    b""
                };
                match word {
                    b"not" => {
                        prefix_run += 1;
                        if prefix_run > max_prefix_run {
                            return too_deep(
                                start,
                                3,
                                format!("more than {max_prefix_run} prefix operators in a row"),
                            );
                        }
                    }
                    b"implies" => {
                        // `implies` groups to the right, so a run of them nests
                        prefix_run = 0;
                        implies += 1;
                        if implies > max_implies {
                            return too_deep(
                                start,
                                7,
                                format!("more than {max_implies} `implies` in one expression"),
                            );
                        }
                    }
                    w @ (b"if" | b"all" | b"any") => {
                        prefix_run = 0;
                        keywords += 1;
                        if keywords > max_keywords {
                            return too_deep(
                                start,
                                w.len(),
                                format!(
                                    "more than {max_keywords} `if`/`all`/`any` in one expression"
                                ),
                            );
                        }
                    }
                    b"and" | b"or" => {
                        prefix_run = 0;
                        terms += 1;
                        if terms > max_terms {
                            return too_many_terms(start);
                        }
                    }
                    b"requirement" | b"let" | b"applies" | b"test" => {
                        prefix_run = 0;
                        keywords = 0;
                        implies = 0;
                    }
                    _ => prefix_run = 0,
                }
                continue;
            }
            QUOTE => {
                i = skip_string(bytes, i + 1);
                prefix_run = 0;
                continue;
            }
            SLASH if bytes.get(i + 1) == Some(&b'/') => {
                i = line_end(bytes, i);
                continue;
            }
            OPEN => {
                depth += 1;
                prefix_run = 0;
                if depth > max_depth {
                    return too_deep(i, 1, format!("brackets nested more than {max_depth} deep"));
                }
            }
            CLOSE => {
                depth = depth.saturating_sub(1);
                prefix_run = 0;
                if c == b'}' {
                    keywords = 0;
                    implies = 0;
                }
            }
            // an operator or `,`: a term (`=` and `!` only before `=`)
            MINUS | TERM | SLASH | EQUALS => {
                if (c != b'=' && c != b'!') || bytes.get(i + 1) == Some(&b'=') {
                    terms += 1;
                    if terms > max_terms {
                        return too_many_terms(i);
                    }
                }
                if c == b'-' {
                    prefix_run += 1;
                    if prefix_run > max_prefix_run {
                        return too_deep(
                            i,
                            1,
                            format!("more than {max_prefix_run} prefix operators in a row"),
                        );
                    }
                } else {
                    prefix_run = 0;
                }
            }
            _ => prefix_run = 0,
        }
        i += 1;
    }
    None
}

/// What [`check_nesting`] does with a byte, by table ([`BYTE_CLASS`]).
const OTHER: u8 = 0;
const SPACE: u8 = 1;
const WORD: u8 = 2;
const QUOTE: u8 = 3;
const SLASH: u8 = 4;
const OPEN: u8 = 5;
const CLOSE: u8 = 6;
const MINUS: u8 = 7;
const TERM: u8 = 8;
const EQUALS: u8 = 9;

#[allow(clippy::indexing_slicing)] // `b` runs over the table's indices
const BYTE_CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b' ' | b'\t' | b'\r' | b'\n' => SPACE,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => WORD,
            b'"' => QUOTE,
            b'/' => SLASH,
            b'(' | b'[' | b'{' => OPEN,
            b')' | b']' | b'}' => CLOSE,
            b'-' => MINUS,
            b',' | b'+' | b'*' | b'<' | b'>' => TERM,
            b'=' | b'!' => EQUALS,
            _ => OTHER,
        };
        b += 1;
    }
    table
};

/// Whether a byte may be in a word (`[A-Za-z0-9_]`), by table.
#[allow(clippy::indexing_slicing)] // `b` runs over the table's indices
const IDENT_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// The comment (of `comments`, in source order) that starts before `pos`
/// and reaches at least to it: a binary search, so that spans in a file
/// with many comments cost `log n` each.
pub(crate) fn comment_around(comments: &[(Span, String)], pos: usize) -> Option<&(Span, String)> {
    let after = comments.partition_point(|(c, _)| (c.start as usize) < pos);
    let c = comments.get(after.checked_sub(1)?)?;
    (pos <= c.0.end as usize).then_some(c)
}

/// Finds `//` comments outside strings.
pub(super) fn scan_comments(text: &str, file: FileId) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(k) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b'/', rest))
    {
        let at = i + k;
        if bytes.get(at) == Some(&b'"') {
            i = skip_string(bytes, at + 1);
        } else if bytes.get(at + 1) == Some(&b'/') {
            let end = line_end(bytes, at);
            let comment = text.get(at..end).unwrap_or("");
            out.push((Span::new(file, at, end), comment.trim_end().to_string()));
            i = end;
        } else {
            i = at + 1;
        }
    }
    out
}

/// Where a string whose text starts at `i` ends: just past its closing
/// quote, or the end of the text when it is not closed (`\` escapes the
/// next byte).
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while let Some(k) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
    {
        let at = i + k;
        if bytes.get(at) == Some(&b'"') {
            return at + 1;
        }
        i = at + 2;
    }
    bytes.len()
}

/// The index of the line feed that ends the line holding `i`, or the end of the text.
fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes
        .get(i..)
        .and_then(|rest| memchr::memchr(b'\n', rest))
        .map_or(bytes.len(), |n| i + n)
}

fn rule_name(rule: &Rule) -> String {
    let s = match rule {
        Rule::EOI => "end of file",
        Rule::ident => "a name",
        Rule::req_id => "a requirement id",
        Rule::string => "a string in double quotes",
        Rule::number | Rule::signed_number => "a number",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::expr | Rule::rule_clause => "an expression",
        Rule::level => "`must`, `should` or `may`",
        Rule::outcome => "an outcome (met, not_met, not_applicable, incomplete)",
        Rule::level_set => "`must`, `should`, `may` or `requirements`",
        Rule::base_type => {
            "a type (bool, int, number, percent, date, text, enum, list, group, checklist)"
        }
        Rule::input_decl | Rule::input_path => "an input declaration `name: type \"question\"`",
        Rule::spec_header => "`spec`",
        Rule::use_decl => "`use`",
        Rule::inputs_block => "`inputs`",
        Rule::let_decl => "`let`",
        Rule::area_block => "`area`",
        Rule::rating_block => "`rating`",
        Rule::test_block | Rule::skipped_test => "`test`",
        Rule::skipped_block => "a `{ … }` block",
        Rule::requirement => "`requirement`",
        Rule::json_block => "a JSON object",
        Rule::applies_clause => "`applies when`",
        Rule::evidence_clause => "`evidence`",
        Rule::ref_clause => "`ref`",
        Rule::help_clause => "`help`",
        Rule::constraint => "`min`/`max`",
        Rule::input_attr => "`help`/`unit`/`label`/`item`/`period`",
        Rule::bound_ref => "a name",
        Rule::checklist_item => "a checklist item `key \"text\"`",
        Rule::basis_clause => "`basis`",
        Rule::respondent_clause => "`respondent`",
        Rule::basis_kind => "`standard`, `derived` or `estimate`",
        Rule::respondent_kind => "`provider` or `network`",
        Rule::field => "`.field`",
        Rule::op_implies
        | Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_not_in
        | Rule::op_in
        | Rule::op_within
        | Rule::op_within_next
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div => "an operator",
        Rule::comprehension => "`for`",
        Rule::count_filter => "`where`",
        Rule::given_json | Rule::given_file => "`given`",
        Rule::test_date => "`assessed_on`",
        Rule::expect => "`expect`",
        Rule::rating_rule => "a rating rule (`green when …`)",
        Rule::assessment_date => "`assessment_date`",
        Rule::bool_lit => "`true` or `false`",
        Rule::duration | Rule::duration_count => "a duration (`12 months`)",
        Rule::list_lit => "a list `[…]`",
        Rule::op_neg => "`-`",
        Rule::op_not => "`not`",
        Rule::percent => "a percent",
        Rule::quantifier => "`all` or `any`",
        Rule::if_expr => "`if`",
        Rule::call | Rule::call_name => "a function call",
        Rule::paren => "`(`",
        other => {
            let dbg = format!("{other:?}");
            return match dbg.strip_prefix("kw_") {
                Some(k) => format!("`{k}`"),
                None => dbg.replace('_', " "),
            };
        }
    };
    s.to_string()
}

/// Rules that can start an expression: reported together as "an expression".
const EXPRESSION_STARTS: [Rule; 18] = [
    Rule::call_name,
    Rule::paren,
    Rule::kw_if,
    Rule::kw_all,
    Rule::kw_any,
    Rule::quantifier,
    Rule::if_expr,
    Rule::call,
    Rule::duration,
    Rule::duration_count,
    Rule::date,
    Rule::percent,
    Rule::number,
    Rule::string,
    Rule::bool_lit,
    Rule::assessment_date,
    Rule::list_lit,
    Rule::ident,
];

const RESERVED: [&str; 16] = [
    "true",
    "false",
    "and",
    "or",
    "not",
    "implies",
    "if",
    "then",
    "else",
    "in",
    "all",
    "any",
    "for",
    "where",
    "within",
    "assessment_date",
];

fn syntax_error(e: pest::error::Error<Rule>, file: FileId, text: &str) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let (start, end) = match e.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, t)) => (s, t),
    };
    let message = match &e.variant {
        ErrorVariant::ParsingError {
            positives,
            negatives,
        } => {
            let starts_expr = positives.contains(&Rule::number) && positives.contains(&Rule::ident);
            let mut names: Vec<String> = positives
                .iter()
                .filter(|r| {
                    !(starts_expr
                        && (EXPRESSION_STARTS.contains(r)
                            || matches!(r, Rule::op_neg | Rule::op_not)))
                })
                .map(rule_name)
                .collect();
            if starts_expr {
                names.push("an expression".to_string());
            }
            names.sort();
            names.dedup();
            if names.is_empty() && !negatives.is_empty() {
                let mut neg: Vec<String> = negatives.iter().map(rule_name).collect();
                neg.sort();
                neg.dedup();
                format!("unexpected {}", neg.join(", "))
            } else if names.is_empty() {
                "unexpected text".to_string()
            } else {
                format!("expected {}", join_or(&names))
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let word: String = text
        .get(start..)
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let mut d = Diagnostic::error(Code::Syntax, message).at(Span::new(file, start, end.max(start)));
    if RESERVED.contains(&word.as_str()) {
        d = d.with_note(format!(
            "`{word}` is a reserved word; words such as `and`, `or`, `not`, `in`, `all`, `any`, `if` and `within` cannot name inputs"
        ));
    }
    d.with_label("here")
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} or {}", rest.join(", "), last),
    }
}

struct Builder<'t> {
    file: FileId,
    errors: Vec<Diagnostic>,
    text: &'t str,
    comments: Vec<(Span, String)>,
    max_depth: usize,
}

impl Builder<'_> {
    /// A pair's span, without the layout and comments pest lets a rule take
    /// in after its last token.
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        let mut end = s.end();
        loop {
            let trimmed = self
                .text
                .get(s.start()..end)
                .map_or(end, |t| s.start() + t.trim_end().len());
            match comment_around(&self.comments, trimmed)
                .filter(|(c, _)| (c.start as usize) >= s.start())
            {
                Some((c, _)) => end = c.start as usize,
                None => {
                    end = trimmed;
                    break;
                }
            }
        }
        Span::new(self.file, s.start(), end)
    }

    fn ident(&self, p: Pair<'_, Rule>) -> Ident {
        Ident {
            name: p.as_str().into(),
            span: self.span(&p),
        }
    }

    fn string(&mut self, p: Pair<'_, Rule>) -> Str {
        let span = self.span(&p);
        let raw = p.into_inner().next().map_or("", |i| i.as_str());
        let (value, bad) = unescape(raw);
        if let Some(esc) = bad {
            self.errors.push(
                Diagnostic::error(
                    Code::InvalidLiteral,
                    format!("`{esc}` is not a character: a surrogate, or past U+10FFFF"),
                )
                .at(span)
                .with_help("write a Unicode scalar value: U+0000 to U+D7FF or U+E000 to U+10FFFF"),
            );
        }
        Str { value, span }
    }

    fn item(&mut self, p: Pair<'_, Rule>) -> Option<Item> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::spec_header => {
                let mut it = p.into_inner().skip(1);
                let id = self.ident(it.next()?);
                let title = self.string(it.next()?);
                let mut attrs = Vec::new();
                for a in it {
                    let mut ai = a.into_inner();
                    let k = self.ident(ai.next()?);
                    let v = self.string(ai.next()?);
                    attrs.push((k, v));
                }
                Some(Item::Spec(SpecHeader {
                    id,
                    title,
                    attrs,
                    span,
                }))
            }
            Rule::use_decl => {
                let s = p.into_inner().nth(1)?;
                Some(Item::Use(self.string(s)))
            }
            Rule::inputs_block => {
                let mut title = None;
                let mut respondent = None;
                let mut decls = Vec::new();
                for c in p.into_inner().skip(1) {
                    match c.as_rule() {
                        Rule::string => title = Some(self.string(c)),
                        Rule::respondent_clause => respondent = self.clause_word(c),
                        Rule::input_decl => decls.extend(self.input_decl(c)),
                        _ => {}
                    }
                }
                Some(Item::Inputs(InputsBlock {
                    title,
                    respondent,
                    decls,
                    span,
                }))
            }
            Rule::let_decl => {
                let mut it = p.into_inner().skip(1);
                let name = self.ident(it.next()?);
                let value = self.expr(it.next()?);
                Some(Item::Let(LetDecl { name, value, span }))
            }
            Rule::area_block => {
                let mut it = p.into_inner().skip(1);
                let name = self.ident(it.next()?);
                let requirements = it.filter_map(|r| self.requirement(r)).collect();
                Some(Item::Area(AreaBlock {
                    name,
                    requirements,
                    span,
                }))
            }
            Rule::rating_block => {
                let rules = p
                    .into_inner()
                    .skip(1)
                    .filter_map(|r| {
                        let rspan = self.span(&r);
                        let mut it = r.into_inner();
                        let rating = self.ident(it.next()?);
                        let next = it.next()?;
                        let cond = match next.as_rule() {
                            Rule::kw_when => Some(self.rating_cond(it.next()?)),
                            _ => None,
                        };
                        Some(RatingRule {
                            rating,
                            cond,
                            span: rspan,
                        })
                    })
                    .collect();
                Some(Item::Rating(RatingBlock { rules, span }))
            }
            Rule::test_block => {
                let mut it = p.into_inner().skip(1);
                let name = self.string(it.next()?);
                let clauses = it.filter_map(|c| self.test_clause(c)).collect();
                Some(Item::Test(TestBlock {
                    name,
                    clauses,
                    span,
                }))
            }
            _ => None,
        }
    }

    /// The word after a clause keyword (`basis estimate`, `respondent network`).
    fn clause_word(&self, p: Pair<'_, Rule>) -> Option<Ident> {
        p.into_inner().nth(1).map(|w| self.ident(w))
    }

    fn input_decl(&mut self, p: Pair<'_, Rule>) -> Option<InputDecl> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let path = it.next()?.into_inner().map(|i| self.ident(i)).collect();
        let ty = self.input_type(it.next()?)?;
        Some(InputDecl { path, ty, span })
    }

    fn input_type(&mut self, p: Pair<'_, Rule>) -> Option<InputType> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut kind = None;
        let mut constraints = Vec::new();
        let mut question = None;
        let mut help = None;
        let mut unit = None;
        let mut label = None;
        let mut item = None;
        let mut period = None;
        let mut fields = Vec::new();
        let mut items = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::base_type => {
                    kind = Some(match c.as_str() {
                        "bool" => ScalarKind::Bool,
                        "int" => ScalarKind::Int,
                        "number" => ScalarKind::Number,
                        "percent" => ScalarKind::Percent,
                        "date" => ScalarKind::Date,
                        _ => ScalarKind::Text,
                    })
                }
                Rule::enum_type => {
                    let mut vals = Vec::new();
                    let mut labels = Vec::new();
                    for v in c.into_inner().skip(1) {
                        let mut parts = v.into_inner();
                        if let Some(i) = parts.next() {
                            vals.push(self.ident(i));
                            labels.push(parts.next().map(|s| self.string(s)));
                        }
                    }
                    kind = Some(ScalarKind::Enum(vals, labels));
                }
                Rule::constraint => {
                    let cspan = self.span(&c);
                    let mut ci = c.into_inner();
                    let is_max = ci.next().is_some_and(|k| k.as_rule() == Rule::kw_max);
                    let v = ci.next();
                    let value = v
                        .as_ref()
                        .map_or(String::new(), |v| v.as_str().trim().to_string());
                    let reference = v
                        .filter(|v| v.as_rule() == Rule::bound_ref)
                        .map(|v| v.into_inner().map(|i| self.ident(i)).collect::<Vec<_>>());
                    let value = match &reference {
                        Some(r) => r
                            .iter()
                            .map(|i| i.name.as_str())
                            .collect::<Vec<_>>()
                            .join("."),
                        None => value,
                    };
                    constraints.push(Constraint {
                        is_max,
                        value,
                        reference,
                        span: cspan,
                    });
                }
                Rule::string => question = Some(self.string(c)),
                Rule::input_attr => {
                    let mut ai = c.into_inner();
                    let Some(key) = ai.next() else { continue };
                    let Some(v) = ai.next() else { continue };
                    match key.as_rule() {
                        Rule::kw_period => {
                            let vspan = self.span(&v);
                            period = Some(if v.as_rule() == Rule::duration {
                                let mut it = v.into_inner();
                                let n = it.next().map_or("", |x| x.as_str()).to_string();
                                let u = it.next().map_or("", |x| x.as_str()).to_string();
                                Period::Rolling(n, u, vspan)
                            } else {
                                Period::Assessment(vspan)
                            });
                        }
                        Rule::kw_help => help = Some(self.string(v)),
                        Rule::kw_unit => unit = Some(self.string(v)),
                        Rule::kw_label => label = Some(self.string(v)),
                        _ => item = Some(self.string(v)),
                    }
                }
                Rule::checklist_item => {
                    let mut ii = c.into_inner();
                    if let (Some(n), Some(t)) = (ii.next(), ii.next()) {
                        items.push(ChecklistItem {
                            name: self.ident(n),
                            text: self.string(t),
                        });
                    }
                }
                Rule::input_decl => fields.extend(self.input_decl(c)),
                _ => {}
            }
        }
        let kind = match rule {
            Rule::list_type => TypeKind::List(fields),
            Rule::group_type => TypeKind::Group(fields),
            Rule::checklist_type => TypeKind::Checklist(items),
            _ => TypeKind::Scalar(kind?),
        };
        Some(InputType {
            kind,
            constraints,
            question: question?,
            help,
            unit,
            label,
            item,
            period,
            span,
        })
    }

    fn requirement(&mut self, p: Pair<'_, Rule>) -> Option<Requirement> {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let id = self.ident(it.next()?);
        let level = match it.next()?.as_str() {
            "must" => Level::Must,
            "should" => Level::Should,
            _ => Level::May,
        };
        let title = self.string(it.next()?);
        let mut clauses = Vec::new();
        for c in it {
            let clause = match c.as_rule() {
                Rule::applies_clause => Clause::Applies(self.expr(c.into_inner().nth(2)?)),
                Rule::rule_clause => Clause::Rule(self.expr(c.into_inner().next()?)),
                Rule::evidence_clause => {
                    let mut ci = c.into_inner().skip(1);
                    let key = self.ident(ci.next()?);
                    let desc = self.string(ci.next()?);
                    let required = ci.next().map(|r| self.span(&r));
                    Clause::Evidence(key, desc, required)
                }
                Rule::basis_clause => Clause::Basis(self.clause_word(c)?),
                Rule::respondent_clause => Clause::Respondent(self.clause_word(c)?),
                Rule::ref_clause => Clause::Ref(self.string(c.into_inner().nth(1)?)),
                Rule::help_clause => Clause::Help(self.string(c.into_inner().nth(1)?)),
                _ => continue,
            };
            clauses.push(clause);
        }
        Some(Requirement {
            id,
            level,
            title,
            clauses,
            span,
        })
    }

    fn rating_cond(&mut self, p: Pair<'_, Rule>) -> RatingCond {
        match p.as_rule() {
            Rule::rating_or => {
                let mut parts: Vec<RatingCond> = p
                    .into_inner()
                    .filter(|c| c.as_rule() != Rule::op_or)
                    .map(|c| self.rating_cond(c))
                    .collect();
                if parts.len() == 1 {
                    parts.pop().unwrap_or(RatingCond::And(Vec::new()))
                } else {
                    RatingCond::Or(parts)
                }
            }
            Rule::rating_and => {
                let mut parts: Vec<RatingCond> = p
                    .into_inner()
                    .filter(|c| c.as_rule() != Rule::op_and)
                    .map(|c| self.rating_cond(c))
                    .collect();
                if parts.len() == 1 {
                    parts.pop().unwrap_or(RatingCond::And(Vec::new()))
                } else {
                    RatingCond::And(parts)
                }
            }
            Rule::rating_not => {
                let inner = p.into_inner().nth(1);
                let c = inner.map_or(RatingCond::And(Vec::new()), |c| self.rating_cond(c));
                RatingCond::Not(Box::new(c))
            }
            Rule::rating_quant => {
                let mut it = p.into_inner();
                let q = match it.next().map(|k| k.as_rule()) {
                    Some(Rule::kw_all) => RatingQuant::All,
                    Some(Rule::kw_any) => RatingQuant::Any,
                    _ => RatingQuant::No,
                };
                let levels = level_set(it.next().map_or("", |x| x.as_str()));
                let outcome = outcome_name(it.next().map_or("", |x| x.as_str()));
                RatingCond::Quant(q, levels, outcome)
            }
            Rule::rating_count => {
                let mut it = p.into_inner().skip(1);
                let levels = level_set(it.next().map_or("", |x| x.as_str()));
                let outcome = outcome_name(it.next().map_or("", |x| x.as_str()));
                let op = it.next().map_or(BinOp::Eq, |o| binop(o.as_rule()));
                let n = it.next().and_then(|n| n.as_str().parse().ok()).unwrap_or(0);
                RatingCond::Count(levels, outcome, op, n)
            }
            _ => RatingCond::And(Vec::new()),
        }
    }

    fn test_clause(&mut self, p: Pair<'_, Rule>) -> Option<TestClause> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::given_json => {
                let j = p.into_inner().nth(1)?;
                let jspan = self.span(&j);
                Some(TestClause::GivenJson(j.as_str().to_string(), jspan))
            }
            Rule::given_file => Some(TestClause::GivenFile(self.string(p.into_inner().nth(2)?))),
            Rule::respondent_clause => Some(TestClause::Respondent(self.clause_word(p)?)),
            Rule::test_date => {
                let d = p.into_inner().nth(1)?;
                let dspan = self.span(&d);
                Some(TestClause::AssessedOn(d.as_str().to_string(), dspan))
            }
            Rule::expect => {
                let inner = p.into_inner().nth(1)?;
                match inner.as_rule() {
                    Rule::expect_overall => Some(TestClause::ExpectOverall(
                        self.ident(inner.into_inner().nth(1)?),
                    )),
                    Rule::expect_area => {
                        let mut it = inner.into_inner().skip(1);
                        let a = self.ident(it.next()?);
                        let r = self.ident(it.next()?);
                        Some(TestClause::ExpectArea(a, r))
                    }
                    Rule::expect_req => {
                        let mut it = inner.into_inner();
                        let id = self.ident(it.next()?);
                        let o = outcome_name(it.next()?.as_str());
                        Some(TestClause::ExpectRequirement(id, o, span))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn expr(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::expr | Rule::rule_clause => {
                let file = self.file;
                let max_depth = self.max_depth;
                let res = PRATT
                    .map_primary(|prim| Ok::<(Expr, usize), ()>((self_primary(self, prim), 1)))
                    .map_prefix(|op, rhs| {
                        let (rhs, d) = rhs?;
                        let ospan = Span::new(file, op.as_span().start(), op.as_span().end());
                        let uop = if op.as_rule() == Rule::op_neg {
                            UnaryOp::Neg
                        } else {
                            UnaryOp::Not
                        };
                        let span = ospan.to(rhs.span);
                        Ok((
                            Expr {
                                kind: ExprKind::Unary(uop, Box::new(rhs)),
                                span,
                            },
                            deeper(d, max_depth)?,
                        ))
                    })
                    .map_postfix(|lhs, op| {
                        let (lhs, d) = lhs?;
                        let name = op.into_inner().next().map(|i| Ident {
                            name: i.as_str().into(),
                            span: Span::new(file, i.as_span().start(), i.as_span().end()),
                        });
                        let Some(name) = name else {
                            return Ok((lhs, d));
                        };
                        let span = lhs.span.to(name.span);
                        Ok((
                            Expr {
                                kind: ExprKind::Field(Box::new(lhs), name),
                                span,
                            },
                            deeper(d, max_depth)?,
                        ))
                    })
                    .map_infix(|lhs, op, rhs| {
                        let ((lhs, dl), (rhs, dr)) = (lhs?, rhs?);
                        let span = lhs.span.to(rhs.span);
                        let bop = binop(op.as_rule());
                        let depth = dl.max(dr) + 1;
                        if depth > max_depth {
                            return Err(());
                        }
                        Ok((
                            Expr {
                                kind: ExprKind::Binary(bop, Box::new((lhs, rhs))),
                                span,
                            },
                            depth,
                        ))
                    })
                    .parse(p.into_inner());
                match res {
                    Ok((e, _)) => e,
                    Err(()) => {
                        self.errors.push(
                            Diagnostic::error(Code::TooDeep, "expression nested too deeply")
                                .at(span)
                                .with_help("split it into `let` definitions"),
                        );
                        Expr {
                            kind: ExprKind::Error,
                            span,
                        }
                    }
                }
            }
            _ => self_primary(self, p),
        }
    }

    fn primary(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::bool_lit => ExprKind::Bool(p.as_str() == "true"),
            Rule::number => ExprKind::Number(p.as_str().to_string()),
            Rule::percent => ExprKind::Percent(p.as_str().trim_end_matches('%').to_string()),
            Rule::date => ExprKind::Date(p.as_str().to_string()),
            Rule::duration => {
                let mut it = p.into_inner();
                let n = it.next().map_or("", |x| x.as_str()).to_string();
                let u = it.next().map_or("", |x| x.as_str()).to_string();
                ExprKind::Duration(n, u)
            }
            Rule::string => ExprKind::Str(self.string(p).value),
            Rule::assessment_date => ExprKind::AssessmentDate,
            Rule::ident => ExprKind::Name(self.ident(p)),
            Rule::list_lit => ExprKind::List(p.into_inner().map(|e| self.expr(e)).collect()),
            Rule::expr => return self.expr(p),
            Rule::paren => {
                let Some(inner) = p.into_inner().next() else {
                    return Expr {
                        kind: ExprKind::Error,
                        span,
                    };
                };
                let mut e = self.expr(inner);
                e.span = span;
                return e;
            }
            Rule::if_expr => {
                let mut es = p
                    .into_inner()
                    .filter(|x| x.as_rule() == Rule::expr)
                    .map(|e| self.expr(e));
                let (Some(c), Some(a), Some(b)) = (es.next(), es.next(), es.next()) else {
                    return Expr {
                        kind: ExprKind::Error,
                        span,
                    };
                };
                ExprKind::If(Box::new(c), Box::new(a), Box::new(b))
            }
            Rule::quantifier => {
                let mut it = p.into_inner();
                let quant = match it.next().map(|k| k.as_rule()) {
                    Some(Rule::kw_all) => Quant::All,
                    _ => Quant::Any,
                };
                let (Some(var), Some(_), Some(list), Some(body)) =
                    (it.next(), it.next(), it.next(), it.next())
                else {
                    return Expr {
                        kind: ExprKind::Error,
                        span,
                    };
                };
                ExprKind::Quantifier {
                    quant,
                    var: self.ident(var),
                    list: Box::new(self.expr(list)),
                    body: Box::new(self.expr(body)),
                }
            }
            Rule::call => return self.call(p),
            _ => ExprKind::Error,
        };
        Expr { kind, span }
    }

    fn call(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let Some(func) = it.next().map(|f| self.ident(f)) else {
            return Expr {
                kind: ExprKind::Error,
                span,
            };
        };
        let Some(first) = it.next() else {
            return Expr {
                kind: ExprKind::Call(func, Vec::new()),
                span,
            };
        };
        let first = self.expr(first);
        let tail = it.next();
        let kind = match tail {
            Some(t) if t.as_rule() == Rule::comprehension => {
                let mut ti = t.into_inner().skip(1);
                let (Some(var), Some(_), Some(list)) = (ti.next(), ti.next(), ti.next()) else {
                    return Expr {
                        kind: ExprKind::Error,
                        span,
                    };
                };
                let var = self.ident(var);
                let list = self.expr(list);
                let filter = ti.nth(1).map(|f| Box::new(self.expr(f)));
                if func.name == "count" {
                    // count(e for x in xs where p) counts elements; e is ignored unless
                    // it is the bound variable itself
                    ExprKind::Count {
                        var,
                        list: Box::new(list),
                        filter,
                    }
                } else {
                    ExprKind::Aggregate {
                        func,
                        body: Box::new(first),
                        var,
                        list: Box::new(list),
                        filter,
                    }
                }
            }
            Some(t) if t.as_rule() == Rule::count_filter => {
                let filter = t.into_inner().nth(1).map(|f| Box::new(self.expr(f)));
                match count_shape(first) {
                    Ok((var, list)) if func.name == "count" => ExprKind::Count {
                        var,
                        list: Box::new(list),
                        filter,
                    },
                    _ => {
                        self.errors.push(
                            Diagnostic::error(
                                Code::Syntax,
                                "`where` needs the form `count(x in list where condition)`",
                            )
                            .at(span),
                        );
                        ExprKind::Error
                    }
                }
            }
            rest => {
                if func.name == "count" {
                    match count_shape(first) {
                        Ok((var, list)) => {
                            return Expr {
                                kind: ExprKind::Count {
                                    var,
                                    list: Box::new(list),
                                    filter: None,
                                },
                                span,
                            };
                        }
                        Err(first) => {
                            let mut args = vec![first];
                            if let Some(r) = rest {
                                args.extend(r.into_inner().map(|e| self.expr(e)));
                            }
                            ExprKind::Call(func, args)
                        }
                    }
                } else {
                    let mut args = vec![first];
                    if let Some(r) = rest {
                        args.extend(r.into_inner().map(|e| self.expr(e)));
                    }
                    ExprKind::Call(func, args)
                }
            }
        };
        Expr { kind, span }
    }
}

/// One level deeper, or an error past the expression depth limit.
fn deeper(d: usize, max_depth: usize) -> Result<usize, ()> {
    if d >= max_depth {
        Err(())
    } else {
        Ok(d + 1)
    }
}

fn self_primary(b: &mut Builder, p: Pair<'_, Rule>) -> Expr {
    b.primary(p)
}

/// `x in xs` as the argument of `count`.
fn count_shape(e: Expr) -> Result<(Ident, Expr), Expr> {
    match e.kind {
        ExprKind::Binary(BinOp::In, ab) => match ab.0.kind {
            ExprKind::Name(var) => Ok((var, ab.1)),
            k => Err(Expr {
                kind: ExprKind::Binary(
                    BinOp::In,
                    Box::new((
                        Expr {
                            kind: k,
                            span: ab.0.span,
                        },
                        ab.1,
                    )),
                ),
                span: e.span,
            }),
        },
        k => Err(Expr {
            kind: k,
            span: e.span,
        }),
    }
}

fn binop(r: Rule) -> BinOp {
    match r {
        Rule::op_implies => BinOp::Implies,
        Rule::op_or => BinOp::Or,
        Rule::op_and => BinOp::And,
        Rule::op_eq => BinOp::Eq,
        Rule::op_ne => BinOp::Ne,
        Rule::op_lt => BinOp::Lt,
        Rule::op_le => BinOp::Le,
        Rule::op_gt => BinOp::Gt,
        Rule::op_ge => BinOp::Ge,
        Rule::op_in => BinOp::In,
        Rule::op_not_in => BinOp::NotIn,
        Rule::op_within => BinOp::Within,
        Rule::op_within_next => BinOp::WithinNext,
        Rule::op_add => BinOp::Add,
        Rule::op_sub => BinOp::Sub,
        Rule::op_mul => BinOp::Mul,
        _ => BinOp::Div,
    }
}

fn level_set(s: &str) -> LevelSet {
    match s {
        "must" => LevelSet::Must,
        "should" => LevelSet::Should,
        "may" => LevelSet::May,
        _ => LevelSet::All,
    }
}

/// Parses an outcome name as written in the language.
pub fn outcome_name(s: &str) -> Outcome {
    match s {
        "met" => Outcome::Met,
        "not_met" => Outcome::NotMet,
        "not_applicable" => Outcome::NotApplicable,
        _ => Outcome::Incomplete,
    }
}

/// The text of a string literal, and the first `\u{…}` escape that names
/// no character (a surrogate, or past U+10FFFF), if any.
pub(super) fn unescape(raw: &str) -> (String, Option<String>) {
    let mut bad = None;
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        if bad.is_none() {
                            bad = Some(format!("\\u{{{hex}}}"));
                        }
                    }
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    (out, bad)
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;

    const HEAD: &str = "spec s \"S\" { version \"1\" }\ninputs { x: int \"X\" }\n";

    fn items_without_tests(text: &str) -> Result<usize, Vec<Diagnostic>> {
        parse_file_without_tests(text, FileId(0), &Limits::default()).map(|f| f.items.len())
    }

    #[test]
    fn test_blocks_are_stepped_over_with_their_strings_and_comments() {
        let test = r#"test "a } \" brace" {
  // a comment with } and { and "
  given { "x": 1, "s": "}{\"", "n": { "m": [{}] } }
  given file "a/b}.json"
  expect R-1 met
}
"#;
        let area = "area resources { requirement R-1 must \"T\" { x > 0 } }\n";
        let text = [HEAD, test, area].concat();
        let whole = parse_file(&text, FileId(0)).map(|f| f.items.len());
        assert_eq!(whole.as_ref().ok(), Some(&4), "{whole:?}");
        assert_eq!(items_without_tests(&text).ok(), Some(3));
    }

    #[test]
    fn whatever_is_in_a_test_block_is_not_read() {
        // not a valid test, but balanced: an evaluation does not need it
        let text = [HEAD, "test \"t\" { expect nothing here 42 % { } }\n"].concat();
        assert!(parse_file(&text, FileId(0)).is_err());
        assert_eq!(items_without_tests(&text).ok(), Some(2));
    }

    #[test]
    fn an_unclosed_test_block_is_still_an_error() {
        for tail in [
            "test \"t\" { given { \"x\": 1 }\n",
            "test \"t\" { given { \"x\": \"}\" \n",
            "test \"t\" { // }\n",
            "test { }\n",
        ] {
            let text = [HEAD, tail].concat();
            let e = items_without_tests(&text);
            assert!(
                e.as_ref()
                    .is_err_and(|d| d.iter().any(|d| d.code == Code::Syntax)),
                "{tail}: {e:?}"
            );
        }
    }

    #[test]
    fn errors_outside_tests_are_found_without_tests() {
        let text = [
            HEAD,
            "test \"t\" { }\narea resources { requirement R-1 must { x > 0 } }\n",
        ]
        .concat();
        let e = items_without_tests(&text);
        assert!(
            e.is_err_and(|d| d.iter().any(|d| d.span.is_some_and(|s| text
                .get(s.start as usize..)
                .is_some_and(|t| t.starts_with('{')))))
        );
    }
}
