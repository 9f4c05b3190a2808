//! Completion: what may be written where the cursor is.
//!
//! The text before the cursor decides (it seldom parses while being typed):
//! after `u.` the fields of what `u` ranges over; after `expect` in a test
//! the requirement ids; after `basis`, `area`, `respondent` or a
//! requirement's id its words; after `==` or `in [` the values of the enum
//! compared; at the start of a top-level line the item keywords; elsewhere
//! the inputs, definitions, variables, functions, keywords and enum values.

use super::{signature, FieldNode, Index, NodeKind};
use crate::builtins;
use crate::format::expr_text;

/// What a completion candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    /// An input at the top of the submission.
    Input,
    /// A field of a list's element, a group or a checklist.
    Field,
    /// A function of the language.
    Builtin,
    /// A keyword.
    Keyword,
    /// An enum value (or another fixed word: an outcome, a level, a basis).
    Enum,
    /// A requirement id.
    Requirement,
    /// A `let` definition or a variable.
    Definition,
}

impl CompletionKind {
    /// The name the editors' contract gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            CompletionKind::Input => "input",
            CompletionKind::Field => "field",
            CompletionKind::Builtin => "builtin",
            CompletionKind::Keyword => "keyword",
            CompletionKind::Enum => "enum",
            CompletionKind::Requirement => "requirement",
            CompletionKind::Definition => "definition",
        }
    }
}

/// One candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The text written.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// A short line beside it (a type, a level and title).
    pub detail: Option<String>,
    /// A longer text (the question, the function's doc line).
    pub info: Option<String>,
}

/// The candidates at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completions {
    /// Where the word being completed starts (bytes).
    pub from: usize,
    /// The candidates that start with what is written of the word.
    pub options: Vec<Completion>,
}

/// At most this many candidates are given.
const MAX_OPTIONS: usize = 500;
/// At most this many bytes before the cursor are read for variables.
const MAX_REGION: usize = 64 * 1024;

const ITEM_KEYWORDS: &[&str] = &["spec", "use", "inputs", "let", "area", "rating", "test"];
const CLAUSE_KEYWORDS: &[&str] = &[
    "applies when",
    "evidence",
    "basis",
    "respondent",
    "ref",
    "help",
    "requirement",
];
const EXPR_KEYWORDS: &[&str] = &[
    "all",
    "any",
    "in",
    "not",
    "and",
    "or",
    "implies",
    "where",
    "for",
    "if",
    "then",
    "else",
    "within",
    "true",
    "false",
    "assessment_date",
];
const TEST_KEYWORDS: &[&str] = &["given", "given file", "assessed_on", "respondent", "expect"];
const TYPES: &[&str] = &[
    "bool",
    "int",
    "number",
    "percent",
    "date",
    "text",
    "enum(",
    "list",
    "group",
    "checklist",
];
const OUTCOMES: &[&str] = &["met", "not_met", "not_applicable", "incomplete"];

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The candidates at `offset` (bytes) of `text`, one of `index`'s files.
pub(super) fn complete(index: &Index, text: &str, offset: usize) -> Completions {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut from = offset;
    while from > 0 && is_word(at(from - 1)) {
        from -= 1;
    }
    // a requirement id may hold dashes
    let mut id_from = from;
    while id_from > 0 && (is_word(at(id_from - 1)) || at(id_from - 1) == b'-') {
        id_from -= 1;
    }
    let line_start = bytes
        .iter()
        .take(from)
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let before = text.get(line_start..from).unwrap_or("");
    let empty = |from| Completions {
        from,
        options: Vec::new(),
    };
    if in_comment_or_string(before) {
        return empty(from);
    }
    let region_start = item_start(text, from);
    let region = text
        .get(region_start.max(from.saturating_sub(MAX_REGION))..from)
        .unwrap_or("");
    let mut binders = binders(region);
    // a comprehension binds after its expression: `sum(u.beds for u in
    // units)` is written `u.` first; the rest of the line may name it, and
    // binds innermost (looked up last first)
    let line_end = text
        .get(offset..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| offset + i);
    let after = text
        .get(offset..line_end.min(offset.saturating_add(MAX_REGION)))
        .unwrap_or("");
    binders.extend(
        binders_of(after)
            .into_iter()
            .filter(|(q, _, _)| *q == "for")
            .map(|(_, v, l)| (v, l)),
    );
    let trimmed = before.trim_start();
    let mut words: Vec<&str> = trimmed.split_whitespace().collect();
    let before_id = text.get(line_start..id_from).unwrap_or("");
    if before_id.split_whitespace().eq(["expect"]) {
        // a requirement id being written, dashes and all
        from = id_from;
        words = vec!["expect"];
    }

    let mut out: Vec<Completion> = Vec::new();
    let mut handled = true;
    if from > 0 && at(from - 1) == b'.' {
        // a field: what is before the dot
        let mut s = from - 1;
        while s > 0 && (is_word(at(s - 1)) || at(s - 1) == b'.') {
            s -= 1;
        }
        let base = text.get(s..from - 1).unwrap_or("");
        if let Some(node) = resolve(index, &binders, base, 0).and_then(|p| index.node(&p)) {
            if node.has_fields() {
                for c in &node.children {
                    out.push(field_option(c, CompletionKind::Field));
                }
            }
        }
    } else if words.first() == Some(&"expect") {
        match words.as_slice() {
            ["expect"] => {
                for (id, r) in &index.requirements {
                    out.push(Completion {
                        label: id.clone(),
                        kind: CompletionKind::Requirement,
                        detail: Some(format!("{} · {}", r.level, r.area)),
                        info: Some(r.title.clone()),
                    });
                }
                keywords(&mut out, &["overall", "area"]);
            }
            ["expect", "area"] => fixed(&mut out, &crate::ir::AREAS.map(|(id, _)| id), "area"),
            ["expect", "overall"] | ["expect", "area", _] => {
                fixed(&mut out, &["green", "amber", "red"], "rating")
            }
            ["expect", _] => fixed(&mut out, OUTCOMES, "outcome"),
            _ => {}
        }
    } else {
        let spaced = before.ends_with(char::is_whitespace);
        match (words.last().filter(|_| spaced), words.len()) {
            (Some(&"basis"), _) => fixed(&mut out, &["standard", "derived", "estimate"], "basis"),
            (Some(&"respondent"), _) => fixed(&mut out, &["provider", "network"], "respondent"),
            (Some(&"period"), _) => fixed(&mut out, &["assessment"], "period"),
            (Some(&"area"), 1) => fixed(&mut out, &crate::ir::AREAS.map(|(id, _)| id), "area"),
            (Some(_), 2) if words.first() == Some(&"requirement") => {
                fixed(&mut out, &["must", "should", "may"], "level")
            }
            _ => handled = false,
        }
    }
    if !handled {
        if let Some(values) = enum_context(index, &binders, before) {
            out.extend(values);
        } else if trimmed.ends_with(':') && is_declaration(trimmed) {
            keywords(&mut out, TYPES);
        } else if words.is_empty() && line_start == from {
            keywords(&mut out, ITEM_KEYWORDS);
        } else {
            expression(index, &binders, &mut out, words.is_empty(), region);
        }
    }
    let prefix = text.get(from..offset).unwrap_or("");
    out.retain(|c| c.label.starts_with(prefix));
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|c| seen.insert(c.label.clone()));
    out.truncate(MAX_OPTIONS);
    Completions { from, options: out }
}

/// Whether the line so far ends inside a comment or a string.
fn in_comment_or_string(before: &str) -> bool {
    let mut in_string = false;
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '/' if !in_string && chars.peek() == Some(&'/') => return true,
            _ => {}
        }
    }
    in_string
}

/// Where the top-level item holding `offset` starts: the last line before
/// it that starts with a letter.
fn item_start(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = offset.min(bytes.len());
    loop {
        let s = bytes
            .iter()
            .take(i)
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        if bytes.get(s).is_some_and(u8::is_ascii_alphabetic) || s == 0 {
            return s;
        }
        i = s - 1;
    }
}

/// The variables bound in `region`: `x in path` after `all`, `any`, `for`
/// or `count(`, as (variable, list path), in order.
fn binders(region: &str) -> Vec<(String, String)> {
    binders_of(region)
        .into_iter()
        .map(|(_, var, list)| (var, list))
        .collect()
}

/// [`binders`] with the word that binds each (`all`, `any`, `for`, `count`).
fn binders_of(region: &str) -> Vec<(&'static str, String, String)> {
    let words: Vec<&str> = region
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for w in words.windows(4) {
        if let [q, var, "in", list] = w {
            let binder = match *q {
                "all" => "all",
                "any" => "any",
                "for" => "for",
                "count" => "count",
                _ => continue,
            };
            if !var.contains('.') && !var.is_empty() {
                out.push((binder, (*var).to_string(), (*list).to_string()));
            }
        }
    }
    out
}

/// The path of the input, group or field `text` (`u.beds`, `network.board`)
/// names, its first word looked up among `binders` first.
fn resolve(
    index: &Index,
    binders: &[(String, String)],
    text: &str,
    depth: usize,
) -> Option<Vec<String>> {
    if depth > 8 {
        return None;
    }
    let mut segs = text.split('.');
    let first = segs.next()?;
    let mut path = match binders.iter().rev().find(|(v, _)| v == first) {
        Some((_, list)) => {
            let p = resolve(index, binders, list, depth + 1)?;
            let node = index.node(&p)?;
            (node.kind == NodeKind::List).then_some(p)?
        }
        None => {
            index.root.child(first)?;
            vec![first.to_string()]
        }
    };
    for s in segs {
        path.push(s.to_string());
        index.node(&path)?;
    }
    Some(path)
}

/// After `x ==`, `x !=` or `x in [`, where `x` is an enum input: its values.
fn enum_context(
    index: &Index,
    binders: &[(String, String)],
    before: &str,
) -> Option<Vec<Completion>> {
    let t = before.trim_end();
    let lhs = if let Some(rest) = t.strip_suffix("==").or_else(|| t.strip_suffix("!=")) {
        rest
    } else {
        let open = t.rfind('[')?;
        if t.get(open..)?.contains(']') {
            return None;
        }
        let head = t.get(..open)?.trim_end();
        let head = head.strip_suffix("in")?;
        let head = head.trim_end();
        head.strip_suffix("not").map_or(head, str::trim_end)
    };
    let lhs = lhs.trim_end();
    let start = lhs
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |i| i + 1);
    let name = lhs.get(start..)?;
    let path = resolve(index, binders, name, 0)?;
    let node = index.node(&path)?;
    if node.enum_values.is_empty() {
        return None;
    }
    Some(
        node.enum_values
            .iter()
            .map(|v| Completion {
                label: v.name.to_string(),
                kind: CompletionKind::Enum,
                detail: Some(format!("{} value", path.join("."))),
                info: node.question.clone(),
            })
            .collect(),
    )
}

/// Is this an input declaration's start (`name:`, `a.b:`)?
fn is_declaration(trimmed: &str) -> bool {
    let name = trimmed.trim_end_matches(':');
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn field_option(c: &FieldNode, kind: CompletionKind) -> Completion {
    let mut detail = c.ty.clone();
    if let Some(u) = &c.unit {
        detail.push_str(&format!(", {u}"));
    }
    Completion {
        label: c.name.clone(),
        kind,
        detail: (!detail.is_empty()).then_some(detail),
        info: c.question.clone(),
    }
}

fn keywords(out: &mut Vec<Completion>, words: &[&str]) {
    for w in words {
        out.push(Completion {
            label: (*w).to_string(),
            kind: CompletionKind::Keyword,
            detail: None,
            info: None,
        });
    }
}

fn fixed(out: &mut Vec<Completion>, words: &[&str], what: &str) {
    for w in words {
        out.push(Completion {
            label: (*w).to_string(),
            kind: CompletionKind::Enum,
            detail: Some(what.to_string()),
            info: None,
        });
    }
}

/// Everything an expression may start with.
fn expression(
    index: &Index,
    binders: &[(String, String)],
    out: &mut Vec<Completion>,
    line_start: bool,
    region: &str,
) {
    for (var, list) in binders.iter().rev() {
        out.push(Completion {
            label: var.clone(),
            kind: CompletionKind::Definition,
            detail: Some(format!("variable over `{list}`")),
            info: None,
        });
    }
    for (name, l) in &index.lets {
        out.push(Completion {
            label: name.clone(),
            kind: CompletionKind::Definition,
            detail: Some("let".into()),
            info: Some(expr_text(&l.value)),
        });
    }
    for c in &index.root.children {
        out.push(field_option(c, CompletionKind::Input));
    }
    for d in &builtins::TABLE {
        out.push(Completion {
            label: d.name.to_string(),
            kind: CompletionKind::Builtin,
            detail: Some(signature(d)),
            info: Some(d.doc.to_string()),
        });
    }
    let in_test = region.starts_with("test");
    if line_start {
        keywords(
            out,
            if in_test {
                TEST_KEYWORDS
            } else {
                CLAUSE_KEYWORDS
            },
        );
    }
    keywords(out, EXPR_KEYWORDS);
    enum_values(&index.root, &mut Vec::new(), out);
}

fn enum_values(node: &FieldNode, path: &mut Vec<String>, out: &mut Vec<Completion>) {
    for c in &node.children {
        path.push(c.name.clone());
        for v in &c.enum_values {
            out.push(Completion {
                label: v.name.to_string(),
                kind: CompletionKind::Enum,
                detail: Some(format!("{} value", path.join("."))),
                info: c.question.clone(),
            });
        }
        enum_values(c, path, out);
        path.pop();
    }
}
