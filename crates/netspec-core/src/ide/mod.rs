//! Editor queries over a spec's text: what a name is (hover), where it is
//! declared and used (definition, references), what may be written at a
//! place (completion), the outline (symbols) and the colouring (semantic
//! tokens).
//!
//! Everything works on text and byte offsets, and on text that does not
//! parse: [`Index::new`] parses each file with
//! [`crate::syntax::parse_file_partial`], which leaves the broken parts
//! out, and completion reads the text around the cursor itself. Names are
//! resolved as the checker resolves them (a variable bound by `all`, `any`,
//! `count` or an aggregate; then a `let`; then an input; then an enum
//! value), over the syntax trees only, so a spec with type errors still
//! answers. The language server (`netspec lsp`) and the WebAssembly
//! package's `hover` and `complete` call the same functions.

mod complete;
mod lex;
mod walk;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::builtins;
use crate::format::expr_text;
use crate::limits::Limits;
use crate::source::{normalize_path, resolve_relative, FileId, Sources, Span};
use crate::syntax::ast::{self, Item, TestClause};
use crate::syntax::parse_file_partial;

pub use complete::{Completion, CompletionKind, Completions};
pub use lex::{TokenKind, TOKEN_KINDS};

/// At most this many files are read for one index (the root and the files
/// it `use`s, transitively).
pub const MAX_FILES: usize = 64;

/// A place in one of the index's files: byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The file's name, as the index knows it (normalised).
    pub file: String,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// What to show for the name at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// Markdown.
    pub contents: String,
    /// The name's first byte.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
}

/// What kind of thing a symbol of the outline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// The `spec` header.
    Spec,
    /// An `inputs` block.
    Section,
    /// An input, a group or a list.
    Input,
    /// A `let` definition.
    Definition,
    /// An `area`.
    Area,
    /// A requirement.
    Requirement,
    /// A `test`.
    Test,
    /// The `rating` block.
    Rating,
}

/// One entry of a file's outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Its name (a requirement's id, an input's name, a test's name).
    pub name: String,
    /// A short description (a requirement's level and title, an input's type).
    pub detail: String,
    /// What it is.
    pub kind: SymbolKind,
    /// The whole item, in bytes.
    pub span: (usize, usize),
    /// Its name, in bytes.
    pub name_span: (usize, usize),
    /// What it holds (an area's requirements, a list's fields).
    pub children: Vec<Symbol>,
}

/// A `test` block of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestBlock {
    /// Its name.
    pub name: String,
    /// The whole block, in bytes.
    pub span: (usize, usize),
}

/// One coloured piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// First byte.
    pub start: usize,
    /// Length in bytes (never across a line end).
    pub len: usize,
    /// What it is.
    pub kind: TokenKind,
}

/// What a name refers to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    /// An input, a group, a field of a list or group, or a checklist item:
    /// its path from the top of the submission.
    Field(Vec<String>),
    /// A `let` definition.
    Let(String),
    /// A variable, by the place of its binding.
    Var(u32, u32),
    /// A requirement id.
    Requirement(String),
    /// A value of the enum of the input at the path.
    Enum(Vec<String>, String),
    /// A file (`use`, `given file`), by its normalised name.
    File(String),
    /// A function of the language.
    Builtin(&'static str),
}

/// A name in a file and what it refers to.
#[derive(Debug, Clone)]
pub(crate) struct Occurrence {
    pub(crate) span: Span,
    pub(crate) key: Key,
    /// Is this the declaration?
    pub(crate) decl: bool,
}

/// What kind of input a node of the field tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Scalar,
    Group,
    List,
    Checklist,
    ChecklistItem,
}

/// An input, group, list field or checklist item, with what it holds.
#[derive(Debug, Clone)]
pub(crate) struct FieldNode {
    pub(crate) name: String,
    /// Where it was first declared (the name).
    pub(crate) def: Option<Span>,
    pub(crate) kind: NodeKind,
    /// The type as written (`int`, `enum(a, b)`, `list`).
    pub(crate) ty: String,
    pub(crate) question: Option<String>,
    pub(crate) range: Vec<String>,
    pub(crate) unit: Option<String>,
    pub(crate) help: Option<String>,
    pub(crate) item: Option<String>,
    pub(crate) enum_values: Vec<ast::Ident>,
    pub(crate) children: Vec<FieldNode>,
}

impl FieldNode {
    fn new(name: &str, def: Option<Span>, kind: NodeKind) -> Self {
        FieldNode {
            name: name.to_string(),
            def,
            kind,
            ty: String::new(),
            question: None,
            range: Vec::new(),
            unit: None,
            help: None,
            item: None,
            enum_values: Vec::new(),
            children: Vec::new(),
        }
    }

    pub(crate) fn child(&self, name: &str) -> Option<&FieldNode> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Does it hold fields one can read with `.`?
    pub(crate) fn has_fields(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Group | NodeKind::List | NodeKind::Checklist
        )
    }
}

/// A requirement as the index knows it.
#[derive(Debug, Clone)]
pub(crate) struct ReqInfo {
    pub(crate) id: ast::Ident,
    pub(crate) title: String,
    pub(crate) level: &'static str,
    pub(crate) area: String,
    pub(crate) basis: Option<String>,
    pub(crate) reference: Option<String>,
    pub(crate) respondent: Option<String>,
}

/// One file of the index.
#[derive(Debug, Clone)]
pub(crate) struct IdeFile {
    pub(crate) name: String,
    pub(crate) text: Arc<str>,
    pub(crate) ast: ast::File,
}

/// A spec's files parsed and their names resolved, ready for queries.
#[derive(Debug, Clone)]
pub struct Index {
    pub(crate) files: Vec<IdeFile>,
    pub(crate) root: FieldNode,
    pub(crate) lets: BTreeMap<String, ast::LetDecl>,
    pub(crate) requirements: BTreeMap<String, ReqInfo>,
    pub(crate) occurrences: Vec<Occurrence>,
    /// Each variable's binding (file, start): the list it ranges over and
    /// what one element is called.
    pub(crate) binders: BTreeMap<(u32, u32), (String, String)>,
}

impl Index {
    /// Reads `root` and the files it `use`s (at most [`MAX_FILES`], as many
    /// as `sources` holds), parses what parses, and resolves every name.
    pub fn new(root: &str, sources: &Sources) -> Index {
        let limits = Limits::default();
        let mut files: Vec<IdeFile> = Vec::new();
        let mut queue = vec![normalize_path(root)];
        let mut total = 0usize;
        while let Some(name) = queue.pop() {
            if files.len() >= MAX_FILES || files.iter().any(|f| f.name == name) {
                continue;
            }
            let Some(text) = sources.get(&name) else {
                continue;
            };
            total = total.saturating_add(text.len());
            if total > limits.max_source_bytes {
                break;
            }
            let id = FileId(u32::try_from(files.len()).unwrap_or(u32::MAX));
            let (ast, _) = parse_file_partial(text, id, &limits);
            let mut used: Vec<String> = ast
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Use(s) => Some(resolve_relative(&name, &s.value)),
                    _ => None,
                })
                .collect();
            used.reverse();
            queue.extend(used);
            files.push(IdeFile {
                name,
                text: text.clone(),
                ast,
            });
        }
        walk::build(files)
    }

    /// An index of one file alone (its `use`s are not followed).
    pub fn single(name: &str, text: &str) -> Index {
        Index::new(name, &Sources::single(name, text))
    }

    /// The names of the files read, the root first.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.name.as_str())
    }

    /// The text of one of the files read.
    pub fn text(&self, file: &str) -> Option<&str> {
        let id = self.file_id(file)?;
        self.file(id).map(|f| &*f.text)
    }

    fn file_id(&self, name: &str) -> Option<FileId> {
        let name = normalize_path(name);
        self.files
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(FileId)
    }

    fn file(&self, id: FileId) -> Option<&IdeFile> {
        self.files.get(id.0 as usize)
    }

    fn target(&self, span: Span) -> Option<Target> {
        self.file(span.file).map(|f| Target {
            file: f.name.clone(),
            start: span.start as usize,
            end: span.end as usize,
        })
    }

    /// The name at `offset` of `file` (the innermost, touching it from
    /// either side).
    fn occurrence_at(&self, file: &str, offset: usize) -> Option<&Occurrence> {
        let id = self.file_id(file)?;
        let offset = u32::try_from(offset).ok()?;
        self.occurrences
            .iter()
            .filter(|o| o.span.file == id && o.span.start <= offset && offset <= o.span.end)
            .min_by_key(|o| (o.span.end.saturating_sub(o.span.start), o.span.start))
    }

    pub(crate) fn node(&self, path: &[String]) -> Option<&FieldNode> {
        let mut node = &self.root;
        for p in path {
            node = node.child(p)?;
        }
        Some(node)
    }

    /// What to show for the name at `offset` of `file`.
    pub fn hover(&self, file: &str, offset: usize) -> Option<Hover> {
        let occ = self.occurrence_at(file, offset)?;
        let contents = self.describe(&occ.key)?;
        Some(Hover {
            contents,
            start: occ.span.start as usize,
            end: occ.span.end as usize,
        })
    }

    /// Markdown for what `key` names.
    fn describe(&self, key: &Key) -> Option<String> {
        Some(match key {
            Key::Field(path) => describe_field(&path.join("."), self.node(path)?),
            Key::Let(name) => {
                let l = self.lets.get(name)?;
                format!(
                    "```netspec\nlet {name} = {}\n```\ndefinition",
                    expr_text(&l.value)
                )
            }
            Key::Var(file, start) => {
                let (list, item) = self.var_list(*file, *start)?;
                format!("variable: one {item} of `{list}`")
            }
            Key::Requirement(id) => {
                let r = self.requirements.get(id)?;
                let mut s = format!(
                    "**{}** {} · {}\n\n{}",
                    r.id.name,
                    r.level,
                    area_title(&r.area),
                    r.title
                );
                s.push_str("\n\nbasis: ");
                s.push_str(r.basis.as_deref().unwrap_or("not given"));
                if let Some(who) = &r.respondent {
                    s.push_str(&format!("\n\nrespondent: {who}"));
                }
                s.push_str("\n\nref: ");
                s.push_str(r.reference.as_deref().unwrap_or("not given"));
                s
            }
            Key::Enum(path, value) => {
                let node = self.node(path)?;
                format!(
                    "`{value}`: a value of `{}` ({})\n\n{}",
                    path.join("."),
                    node.ty,
                    node.question.as_deref().unwrap_or("")
                )
            }
            Key::File(name) => format!("file `{name}`"),
            Key::Builtin(name) => describe_builtin(name)?,
        })
    }

    /// The list a variable ranges over, and what one element is called.
    fn var_list(&self, file: u32, start: u32) -> Option<(String, String)> {
        let (list, item) = self.binders.get(&(file, start))?;
        Some((list.clone(), item.clone()))
    }

    /// Where the name at `offset` of `file` is declared.
    pub fn definition(&self, file: &str, offset: usize) -> Option<Target> {
        let occ = self.occurrence_at(file, offset)?;
        self.declaration(&occ.key)
    }

    fn declaration(&self, key: &Key) -> Option<Target> {
        match key {
            Key::File(name) => Some(Target {
                file: name.clone(),
                start: 0,
                end: 0,
            }),
            Key::Builtin(_) => None,
            Key::Field(path) => self.target(self.node(path)?.def?),
            Key::Let(name) => self.target(self.lets.get(name)?.name.span),
            Key::Requirement(id) => self.target(self.requirements.get(id)?.id.span),
            Key::Var(file, start) => self
                .occurrences
                .iter()
                .find(|o| o.decl && o.span.file.0 == *file && o.span.start == *start)
                .and_then(|o| self.target(o.span)),
            Key::Enum(path, value) => {
                let node = self.node(path)?;
                let v = node.enum_values.iter().find(|v| v.name == value)?;
                self.target(v.span)
            }
        }
    }

    /// Every place the name at `offset` of `file` is used (and declared,
    /// with `declaration`), in file and source order.
    pub fn references(&self, file: &str, offset: usize, declaration: bool) -> Vec<Target> {
        let Some(occ) = self.occurrence_at(file, offset) else {
            return Vec::new();
        };
        let key = occ.key.clone();
        let mut found: Vec<Target> = self
            .occurrences
            .iter()
            .filter(|o| o.key == key && (declaration || !o.decl))
            .filter_map(|o| self.target(o.span))
            .collect();
        if declaration {
            if let Some(d) = self.declaration(&key) {
                if !found.contains(&d) && self.file_id(&d.file).is_some() {
                    found.push(d);
                }
            }
        }
        found.sort_by(|a, b| (&a.file, a.start).cmp(&(&b.file, b.start)));
        found.dedup();
        found
    }

    /// The outline of `file`: the spec, its input sections with their
    /// inputs, definitions, areas with their requirements, the rating and
    /// the tests.
    pub fn symbols(&self, file: &str) -> Vec<Symbol> {
        let Some(f) = self.file_id(file).and_then(|id| self.file(id)) else {
            return Vec::new();
        };
        walk::symbols(&f.ast)
    }

    /// The `test` blocks of `file`, in order.
    pub fn tests(&self, file: &str) -> Vec<TestBlock> {
        let Some(f) = self.file_id(file).and_then(|id| self.file(id)) else {
            return Vec::new();
        };
        f.ast
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Test(t) => Some(TestBlock {
                    name: t.name.value.clone(),
                    span: (t.span.start as usize, t.span.end as usize),
                }),
                _ => None,
            })
            .collect()
    }

    /// The requirement ids a test of `file` may name (every one the index
    /// knows).
    pub fn requirement_ids(&self) -> impl Iterator<Item = &str> {
        self.requirements.keys().map(String::as_str)
    }

    /// The coloured pieces of `file`, in order, none overlapping.
    pub fn semantic_tokens(&self, file: &str) -> Vec<Token> {
        let Some(id) = self.file_id(file) else {
            return Vec::new();
        };
        let Some(f) = self.file(id) else {
            return Vec::new();
        };
        let mut names: BTreeMap<u32, (u32, TokenKind)> = BTreeMap::new();
        for o in self.occurrences.iter().filter(|o| o.span.file == id) {
            let kind = match &o.key {
                Key::Field(_) => TokenKind::Property,
                Key::Let(_) => TokenKind::Variable,
                Key::Var(..) => TokenKind::Parameter,
                Key::Requirement(_) => TokenKind::Class,
                Key::Enum(..) => TokenKind::EnumMember,
                Key::File(_) => continue,
                Key::Builtin(_) => TokenKind::Function,
            };
            names.insert(o.span.start, (o.span.end, kind));
        }
        lex::tokens(&f.text, &names)
    }

    /// Completion candidates at `offset` of `file`.
    pub fn complete(&self, file: &str, offset: usize) -> Completions {
        match self.file_id(file).and_then(|id| self.file(id)) {
            Some(f) => complete::complete(self, &f.text, offset),
            None => Completions {
                from: offset,
                options: Vec::new(),
            },
        }
    }
}

/// The title of an area keyword ("workforce" → "Workforce").
fn area_title(area: &str) -> String {
    let mut s = area.replace('_', " ");
    if let Some(first) = s.get(..1) {
        let up = first.to_ascii_uppercase();
        s.replace_range(..1, &up);
    }
    s
}

fn describe_field(path: &str, node: &FieldNode) -> String {
    let mut s = format!("**`{path}`**: {}", node.ty);
    if !node.range.is_empty() {
        s.push_str(&format!(", {}", node.range.join(", ")));
    }
    if let Some(unit) = &node.unit {
        s.push_str(&format!(", in {unit}"));
    }
    if let Some(q) = &node.question {
        s.push_str("\n\n");
        s.push_str(q);
    }
    if let Some(h) = &node.help {
        s.push_str("\n\n");
        s.push_str(h);
    }
    if node.has_fields() && !node.children.is_empty() {
        let names: Vec<&str> = node.children.iter().map(|c| c.name.as_str()).collect();
        let what = if node.kind == NodeKind::Checklist {
            "items"
        } else {
            "fields"
        };
        s.push_str(&format!("\n\n{what}: {}", names.join(", ")));
    }
    s
}

/// How a function is called, from the builtin table.
pub(crate) fn signature(def: &builtins::Def) -> String {
    if let Some(rest) = def.usage.strip_prefix("write ") {
        return rest.to_string();
    }
    match def.arity() {
        Some(builtins::Arity::Exactly(1)) => format!("`{}(x)`", def.name),
        Some(builtins::Arity::Exactly(2)) => format!("`{}(a, b)`", def.name),
        Some(_) => format!("`{}(a, b, …)`", def.name),
        None => format!("`{}(…)`", def.name),
    }
}

fn describe_builtin(name: &str) -> Option<String> {
    let def = builtins::find(name)?;
    Some(format!("{}\n\n{}", signature(def), def.doc))
}

/// What to show at `offset` (bytes) of one spec's text, its `use`s not
/// followed; `None` where there is no name.
pub fn hover(source: &str, offset: usize) -> Option<Hover> {
    Index::single("spec.netspec", source).hover("spec.netspec", offset)
}

/// Completion candidates at `offset` (bytes) of one spec's text.
pub fn complete(source: &str, offset: usize) -> Completions {
    Index::single("spec.netspec", source).complete("spec.netspec", offset)
}

/// The byte offset of the UTF-16 offset `utf16` in `text` (clamped to its
/// end, and back to the start of a character).
pub fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0usize;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > utf16 {
            return i;
        }
    }
    text.len()
}

/// The UTF-16 offset of the byte offset `byte` in `text`.
pub fn utf16_offset(text: &str, byte: usize) -> usize {
    text.char_indices()
        .take_while(|(i, _)| *i < byte)
        .map(|(_, c)| c.len_utf16())
        .sum()
}

/// The requirement ids a test block expects outcomes of.
pub(crate) fn test_requirements(t: &ast::TestBlock) -> impl Iterator<Item = &ast::Ident> {
    t.clauses.iter().filter_map(|c| match c {
        TestClause::ExpectRequirement(id, _, _) => Some(id),
        _ => None,
    })
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests;
