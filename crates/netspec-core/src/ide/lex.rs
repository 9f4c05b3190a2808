//! The colouring of a file: a scan of its text (comments, strings, numbers,
//! words) with the names the index resolved coloured by what they are.

use std::collections::BTreeMap;

use super::Token;

/// What a coloured piece of text is; the names are the Language Server
/// Protocol's semantic token types, in the order of [`TOKEN_KINDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword of the language.
    Keyword,
    /// A string literal.
    String,
    /// A number, percent, date or duration count.
    Number,
    /// A comment.
    Comment,
    /// An operator word or sign.
    Operator,
    /// An input or a field.
    Property,
    /// A `let` definition.
    Variable,
    /// A variable bound by `all`, `any`, `count` or an aggregate.
    Parameter,
    /// A function of the language.
    Function,
    /// An enum value, outcome, level, basis or respondent.
    EnumMember,
    /// A type (`int`, `list`).
    Type,
    /// An area.
    Namespace,
    /// A requirement id.
    Class,
}

/// The legend: every [`TokenKind`]'s name, in the order of their indices.
pub const TOKEN_KINDS: [&str; 13] = [
    "keyword",
    "string",
    "number",
    "comment",
    "operator",
    "property",
    "variable",
    "parameter",
    "function",
    "enumMember",
    "type",
    "namespace",
    "class",
];

impl TokenKind {
    /// Its index in [`TOKEN_KINDS`].
    pub fn index(self) -> u32 {
        self as u32
    }
}

const KEYWORDS: &[&str] = &[
    "spec",
    "use",
    "inputs",
    "let",
    "area",
    "requirement",
    "applies",
    "when",
    "evidence",
    "ref",
    "help",
    "unit",
    "rating",
    "otherwise",
    "test",
    "given",
    "file",
    "expect",
    "overall",
    "assessed_on",
    "min",
    "max",
    "no",
    "if",
    "then",
    "else",
    "all",
    "any",
    "for",
    "in",
    "where",
    "basis",
    "respondent",
    "required",
    "label",
    "item",
    "period",
    "version",
    "source",
    "true",
    "false",
    "assessment_date",
    "must",
    "should",
    "may",
];

const OPERATORS: &[&str] = &["and", "or", "not", "implies", "within"];

const TYPES: &[&str] = &[
    "bool",
    "int",
    "number",
    "percent",
    "date",
    "text",
    "enum",
    "list",
    "group",
    "checklist",
];

const VALUES: &[&str] = &[
    "met",
    "not_met",
    "not_applicable",
    "incomplete",
    "standard",
    "derived",
    "estimate",
    "provider",
    "network",
    "green",
    "amber",
    "red",
    "assessment",
    "months",
    "month",
    "days",
    "day",
    "weeks",
    "week",
    "years",
    "year",
];

/// Every piece of `text` worth colouring; `names` maps the start of each
/// resolved name to its end and kind.
pub(super) fn tokens(text: &str, names: &BTreeMap<u32, (u32, TokenKind)>) -> Vec<Token> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut i = 0usize;
    let push = |start: usize, end: usize, kind: TokenKind, out: &mut Vec<Token>| {
        if end > start {
            out.push(Token {
                start,
                len: end - start,
                kind,
            });
        }
    };
    while i < bytes.len() {
        let c = at(i);
        if let Some(&(end, kind)) = u32::try_from(i).ok().and_then(|k| names.get(&k)) {
            let end = (end as usize).max(i + 1);
            push(i, end, kind, &mut out);
            i = end;
            continue;
        }
        if c == b'/' && at(i + 1) == b'/' {
            let end = line_end(bytes, i);
            push(i, end, TokenKind::Comment, &mut out);
            i = end;
        } else if c == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && at(j) != b'"' && at(j) != b'\n' {
                j += if at(j) == b'\\' && at(j + 1) != b'\n' {
                    2
                } else {
                    1
                };
            }
            let end = if at(j) == b'"' {
                j + 1
            } else {
                j.min(bytes.len())
            };
            push(i, end, TokenKind::String, &mut out);
            i = end;
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < bytes.len()
                && (at(j).is_ascii_alphanumeric() || matches!(at(j), b'.' | b'-' | b'%' | b'_'))
            {
                j += 1;
            }
            push(i, j, TokenKind::Number, &mut out);
            i = j;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let mut j = i;
            while j < bytes.len() && (at(j).is_ascii_alphanumeric() || at(j) == b'_') {
                j += 1;
            }
            let word = text.get(i..j).unwrap_or("");
            let kind = if KEYWORDS.contains(&word) {
                Some(TokenKind::Keyword)
            } else if OPERATORS.contains(&word) {
                Some(TokenKind::Operator)
            } else if TYPES.contains(&word) {
                Some(TokenKind::Type)
            } else if VALUES.contains(&word) {
                Some(TokenKind::EnumMember)
            } else if crate::ir::AREAS.iter().any(|(id, _)| *id == word) {
                Some(TokenKind::Namespace)
            } else {
                None
            };
            if let Some(k) = kind {
                push(i, j, k, &mut out);
            }
            i = j;
        } else if matches!(c, b'=' | b'!' | b'<' | b'>' | b'+' | b'*' | b'/' | b'-') {
            let mut j = i + 1;
            if at(j) == b'=' {
                j += 1;
            }
            push(i, j, TokenKind::Operator, &mut out);
            i = j;
        } else {
            // a whole character at a time, so no token starts inside one
            i += text
                .get(i..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
        }
    }
    out
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes
        .iter()
        .skip(from)
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(bytes.len(), |p| from + p)
}
