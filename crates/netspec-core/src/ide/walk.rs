//! Building an [`Index`]: the tree of inputs, the definitions and
//! requirements, and every name with what it refers to.

use std::collections::BTreeMap;

use super::{FieldNode, IdeFile, Index, Key, NodeKind, Occurrence, ReqInfo, Symbol, SymbolKind};
use crate::builtins;
use crate::format::expr_text;
use crate::source::{resolve_relative, Span};
use crate::syntax::ast::{
    self, Clause, Expr, ExprKind, InputDecl, Item, ScalarKind, TestClause, TypeKind,
};

pub(super) fn build(files: Vec<IdeFile>) -> Index {
    let mut root = FieldNode::new("", None, NodeKind::Group);
    let mut occurrences: Vec<Occurrence> = Vec::new();
    let mut lets: BTreeMap<String, ast::LetDecl> = BTreeMap::new();
    let mut requirements: BTreeMap<String, ReqInfo> = BTreeMap::new();
    for f in &files {
        for item in &f.ast.items {
            match item {
                Item::Inputs(b) => {
                    for d in &b.decls {
                        declare(&mut root, &[], d, &mut occurrences);
                    }
                }
                Item::Let(l) => {
                    lets.entry(l.name.name.to_string())
                        .or_insert_with(|| l.clone());
                }
                Item::Area(a) => {
                    for r in &a.requirements {
                        requirements
                            .entry(r.id.name.to_string())
                            .or_insert_with(|| req_info(&a.name.name, r));
                    }
                }
                _ => {}
            }
        }
    }
    // every enum value, to the first input that has it
    let mut enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
    collect_enums(&root, &mut Vec::new(), &mut enums);
    let mut binders = BTreeMap::new();
    {
        let mut w = Walker {
            root: &root,
            lets: &lets,
            enums: &enums,
            scope: Vec::new(),
            occs: &mut occurrences,
            binders: &mut binders,
        };
        for f in &files {
            for item in &f.ast.items {
                w.item(&f.name, item);
            }
        }
    }
    Index {
        files,
        root,
        lets,
        requirements,
        occurrences,
        binders,
    }
}

fn req_info(area: &str, r: &ast::Requirement) -> ReqInfo {
    let mut info = ReqInfo {
        id: r.id.clone(),
        title: r.title.value.clone(),
        level: r.level.as_str(),
        area: area.to_string(),
        basis: None,
        reference: None,
        respondent: None,
    };
    for c in &r.clauses {
        match c {
            Clause::Basis(b) => info.basis = Some(b.name.to_string()),
            Clause::Ref(s) => info.reference = Some(s.value.clone()),
            Clause::Respondent(w) => info.respondent = Some(w.name.to_string()),
            _ => {}
        }
    }
    info
}

/// The child `name` of `node`, made (declared at `span`) when missing.
fn entry<'a>(
    node: &'a mut FieldNode,
    name: &str,
    span: Span,
    kind: NodeKind,
) -> Option<&'a mut FieldNode> {
    let i = match node.children.iter().position(|c| c.name == name) {
        Some(i) => i,
        None => {
            node.children.push(FieldNode::new(name, Some(span), kind));
            node.children.len() - 1
        }
    };
    node.children.get_mut(i)
}

fn type_text(kind: &TypeKind) -> (String, NodeKind) {
    match kind {
        TypeKind::Scalar(s) => (
            match s {
                ScalarKind::Bool => "bool".into(),
                ScalarKind::Int => "int".into(),
                ScalarKind::Number => "number".into(),
                ScalarKind::Percent => "percent".into(),
                ScalarKind::Date => "date".into(),
                ScalarKind::Text => "text".into(),
                ScalarKind::Enum(vs, labels) => {
                    let names: Vec<String> = vs
                        .iter()
                        .enumerate()
                        .map(|(i, v)| match labels.get(i).and_then(Option::as_ref) {
                            Some(label) => format!("{} {:?}", v.name, label.value),
                            None => v.name.to_string(),
                        })
                        .collect();
                    format!("enum({})", names.join(", "))
                }
            },
            NodeKind::Scalar,
        ),
        TypeKind::List(_) => ("list".into(), NodeKind::List),
        TypeKind::Group(_) => ("group".into(), NodeKind::Group),
        TypeKind::Checklist(_) => ("checklist".into(), NodeKind::Checklist),
    }
}

/// Adds the input `d`, declared inside the record at `prefix`, to the tree
/// under `record`.
fn declare(record: &mut FieldNode, prefix: &[String], d: &InputDecl, occs: &mut Vec<Occurrence>) {
    let (ty, kind) = type_text(&d.ty.kind);
    let mut path = prefix.to_vec();
    let mut node = record;
    let last = d.path.len().saturating_sub(1);
    for (i, id) in d.path.iter().enumerate() {
        path.push(id.name.to_string());
        let k = if i == last { kind } else { NodeKind::Group };
        let Some(next) = entry(node, &id.name, id.span, k) else {
            return;
        };
        occs.push(Occurrence {
            span: id.span,
            key: super::Key::Field(path.clone()),
            decl: next.def == Some(id.span),
        });
        if i < last && next.ty.is_empty() {
            next.ty = "group".into();
        }
        node = next;
    }
    node.kind = kind;
    node.ty = ty;
    node.question = Some(d.ty.question.value.clone());
    node.range =
        d.ty.constraints
            .iter()
            .map(|c| format!("{} {}", if c.is_max { "max" } else { "min" }, c.value))
            .collect();
    node.unit = d.ty.unit.as_ref().map(|u| u.value.clone());
    node.help = d.ty.help.as_ref().map(|u| u.value.clone());
    node.item = d.ty.item.as_ref().map(|u| u.value.clone());
    match &d.ty.kind {
        TypeKind::Scalar(ScalarKind::Enum(vs, _)) => {
            node.enum_values = vs.clone();
            for v in vs {
                occs.push(Occurrence {
                    span: v.span,
                    key: Key::Enum(path.clone(), v.name.to_string()),
                    decl: true,
                });
            }
        }
        TypeKind::List(fields) | TypeKind::Group(fields) => {
            for f in fields {
                declare(node, &path, f, occs);
            }
        }
        TypeKind::Checklist(items) => {
            for item in items {
                let mut p = path.clone();
                p.push(item.name.name.to_string());
                if let Some(c) = entry(
                    node,
                    &item.name.name,
                    item.name.span,
                    NodeKind::ChecklistItem,
                ) {
                    c.ty = "checklist item (yes, no or not_applicable)".into();
                    c.question = Some(item.text.value.clone());
                }
                occs.push(Occurrence {
                    span: item.name.span,
                    key: Key::Field(p),
                    decl: true,
                });
            }
        }
        TypeKind::Scalar(_) => {}
    }
}

fn collect_enums(
    node: &FieldNode,
    path: &mut Vec<String>,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    for c in &node.children {
        path.push(c.name.clone());
        for v in &c.enum_values {
            out.entry(v.name.to_string())
                .or_insert_with(|| path.clone());
        }
        collect_enums(c, path, out);
        path.pop();
    }
}

struct Walker<'a> {
    root: &'a FieldNode,
    lets: &'a BTreeMap<String, ast::LetDecl>,
    enums: &'a BTreeMap<String, Vec<String>>,
    /// Variables in scope: name, binding, the path of the list's record.
    scope: Vec<(String, Span, Option<Vec<String>>)>,
    occs: &'a mut Vec<Occurrence>,
    binders: &'a mut BTreeMap<(u32, u32), (String, String)>,
}

impl Walker<'_> {
    fn node(&self, path: &[String]) -> Option<&FieldNode> {
        let mut node = self.root;
        for p in path {
            node = node.child(p)?;
        }
        Some(node)
    }

    fn push(&mut self, span: Span, key: Key, decl: bool) {
        self.occs.push(Occurrence { span, key, decl });
    }

    fn item(&mut self, file: &str, item: &Item) {
        match item {
            Item::Use(s) => self.push(s.span, Key::File(resolve_relative(file, &s.value)), false),
            Item::Inputs(b) => {
                for d in &b.decls {
                    self.bounds(&[], d);
                }
            }
            Item::Let(l) => {
                self.push(l.name.span, Key::Let(l.name.name.to_string()), true);
                self.expr(&l.value);
            }
            Item::Area(a) => {
                for r in &a.requirements {
                    self.push(r.id.span, Key::Requirement(r.id.name.to_string()), true);
                    for c in &r.clauses {
                        if let Clause::Applies(e) | Clause::Rule(e) = c {
                            self.expr(e);
                        }
                    }
                }
            }
            Item::Test(t) => {
                for c in &t.clauses {
                    match c {
                        TestClause::ExpectRequirement(id, _, _) => {
                            self.push(id.span, Key::Requirement(id.name.to_string()), false);
                        }
                        TestClause::GivenFile(s) => {
                            self.push(s.span, Key::File(resolve_relative(file, &s.value)), false);
                        }
                        _ => {}
                    }
                }
            }
            Item::Spec(_) | Item::Rating(_) => {}
        }
    }

    /// The answers named as bounds (`max shifts_total`) of `d`, declared in
    /// the record at `prefix`: a field of that record, else an input.
    fn bounds(&mut self, prefix: &[String], d: &InputDecl) {
        let mut path = prefix.to_vec();
        path.extend(d.path.iter().map(|i| i.name.to_string()));
        for c in &d.ty.constraints {
            let Some(reference) = &c.reference else {
                continue;
            };
            let names: Vec<String> = reference.iter().map(|i| i.name.to_string()).collect();
            let mut base = prefix.to_vec();
            base.extend(
                d.path
                    .iter()
                    .take(d.path.len().saturating_sub(1))
                    .map(|i| i.name.to_string()),
            );
            let within: Vec<String> = base.iter().chain(names.iter()).cloned().collect();
            let start: Vec<String> = if self.node(&within).is_some() {
                base
            } else {
                Vec::new()
            };
            let mut p = start;
            for id in reference {
                p.push(id.name.to_string());
                if self.node(&p).is_none() {
                    break;
                }
                self.push(id.span, Key::Field(p.clone()), false);
            }
        }
        if let TypeKind::List(fields) | TypeKind::Group(fields) = &d.ty.kind {
            for f in fields {
                self.bounds(&path, f);
            }
        }
    }

    /// The path of the input (or field) `e` denotes, if it is one.
    fn resolve(&self, e: &Expr) -> Option<Vec<String>> {
        match &e.kind {
            ExprKind::Name(id) => {
                if self.scope.iter().any(|(n, _, _)| *n == id.name)
                    || self.lets.contains_key(id.name.as_str())
                {
                    return None;
                }
                self.root.child(&id.name).map(|_| vec![id.name.to_string()])
            }
            ExprKind::Field(base, f) => {
                let mut p = self.record_of(base)?;
                p.push(f.name.to_string());
                self.node(&p).map(|_| p)
            }
            _ => None,
        }
    }

    /// The path of the record whose fields `e.field` reads.
    fn record_of(&self, e: &Expr) -> Option<Vec<String>> {
        if let ExprKind::Name(id) = &e.kind {
            if let Some((_, _, rec)) = self.scope.iter().rev().find(|(n, _, _)| *n == id.name) {
                return rec.clone();
            }
        }
        let p = self.resolve(e)?;
        let n = self.node(&p)?;
        matches!(n.kind, NodeKind::Group | NodeKind::Checklist).then_some(p)
    }

    /// Binds `var` over the list `list` (already walked).
    fn bind(&mut self, var: &ast::Ident, list: &Expr) {
        let elem = self
            .resolve(list)
            .filter(|p| self.node(p).is_some_and(|n| n.kind == NodeKind::List));
        let item = elem
            .as_ref()
            .and_then(|p| self.node(p))
            .and_then(|n| n.item.clone())
            .unwrap_or_else(|| "element".into());
        self.binders
            .insert((var.span.file.0, var.span.start), (expr_text(list), item));
        self.push(var.span, Key::Var(var.span.file.0, var.span.start), true);
        self.scope.push((var.name.to_string(), var.span, elem));
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(id) => {
                let key = if let Some((_, span, _)) =
                    self.scope.iter().rev().find(|(n, _, _)| *n == id.name)
                {
                    Some(Key::Var(span.file.0, span.start))
                } else if self.lets.contains_key(id.name.as_str()) {
                    Some(Key::Let(id.name.to_string()))
                } else if self.root.child(&id.name).is_some() {
                    Some(Key::Field(vec![id.name.to_string()]))
                } else {
                    self.enums
                        .get(id.name.as_str())
                        .map(|p| Key::Enum(p.clone(), id.name.to_string()))
                };
                if let Some(key) = key {
                    self.push(id.span, key, false);
                }
            }
            ExprKind::Field(base, f) => {
                self.expr(base);
                if let Some(mut p) = self.record_of(base) {
                    p.push(f.name.to_string());
                    if self.node(&p).is_some() {
                        self.push(f.span, Key::Field(p), false);
                    }
                }
            }
            ExprKind::List(xs) => {
                for x in xs {
                    self.expr(x);
                }
            }
            ExprKind::Unary(_, x) => self.expr(x),
            ExprKind::Binary(_, ab) => {
                self.expr(&ab.0);
                self.expr(&ab.1);
            }
            ExprKind::If(c, a, b) => {
                self.expr(c);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Quantifier {
                var, list, body, ..
            } => {
                self.expr(list);
                self.bind(var, list);
                self.expr(body);
                self.scope.pop();
            }
            ExprKind::Count { var, list, filter } => {
                if let Some(d) = builtins::find("count") {
                    // `count(` has no identifier node: the word before the `(`
                    let start = e.span.start;
                    self.push(
                        Span {
                            file: e.span.file,
                            start,
                            end: start.saturating_add(5),
                        },
                        Key::Builtin(d.name),
                        false,
                    );
                }
                self.expr(list);
                self.bind(var, list);
                if let Some(f) = filter {
                    self.expr(f);
                }
                self.scope.pop();
            }
            ExprKind::Aggregate {
                func,
                body,
                var,
                list,
                filter,
            } => {
                if let Some(d) = builtins::find(&func.name) {
                    self.push(func.span, Key::Builtin(d.name), false);
                }
                self.expr(list);
                self.bind(var, list);
                self.expr(body);
                if let Some(f) = filter {
                    self.expr(f);
                }
                self.scope.pop();
            }
            ExprKind::Call(func, args) => {
                if let Some(d) = builtins::find(&func.name) {
                    self.push(func.span, Key::Builtin(d.name), false);
                }
                for a in args {
                    self.expr(a);
                }
            }
            ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::Percent(_)
            | ExprKind::Date(_)
            | ExprKind::Duration(..)
            | ExprKind::Str(_)
            | ExprKind::AssessmentDate
            | ExprKind::Error => {}
        }
    }
}

fn span_pair(s: Span) -> (usize, usize) {
    (s.start as usize, s.end as usize)
}

fn input_symbols(decls: &[InputDecl]) -> Vec<Symbol> {
    decls
        .iter()
        .map(|d| {
            let names: Vec<&str> = d.path.iter().map(|i| i.name.as_str()).collect();
            let (ty, _) = type_text(&d.ty.kind);
            let name_span = match (d.path.first(), d.path.last()) {
                (Some(a), Some(b)) => (a.span.start as usize, b.span.end as usize),
                _ => span_pair(d.span),
            };
            Symbol {
                name: names.join("."),
                detail: ty,
                kind: SymbolKind::Input,
                span: span_pair(d.span),
                name_span,
                children: match &d.ty.kind {
                    TypeKind::List(fs) | TypeKind::Group(fs) => input_symbols(fs),
                    _ => Vec::new(),
                },
            }
        })
        .collect()
}

pub(super) fn symbols(file: &ast::File) -> Vec<Symbol> {
    let mut out = Vec::new();
    for item in &file.items {
        let s = match item {
            Item::Spec(h) => Symbol {
                name: h.id.name.to_string(),
                detail: h.title.value.clone(),
                kind: SymbolKind::Spec,
                span: span_pair(h.span),
                name_span: span_pair(h.id.span),
                children: Vec::new(),
            },
            Item::Use(_) => continue,
            Item::Inputs(b) => Symbol {
                name: b
                    .title
                    .as_ref()
                    .map_or_else(|| "inputs".to_string(), |t| t.value.clone()),
                detail: "inputs".into(),
                kind: SymbolKind::Section,
                span: span_pair(b.span),
                name_span: b
                    .title
                    .as_ref()
                    .map_or(span_pair(b.span), |t| span_pair(t.span)),
                children: input_symbols(&b.decls),
            },
            Item::Let(l) => Symbol {
                name: l.name.name.to_string(),
                detail: "let".into(),
                kind: SymbolKind::Definition,
                span: span_pair(l.span),
                name_span: span_pair(l.name.span),
                children: Vec::new(),
            },
            Item::Area(a) => Symbol {
                name: a.name.name.to_string(),
                detail: "area".into(),
                kind: SymbolKind::Area,
                span: span_pair(a.span),
                name_span: span_pair(a.name.span),
                children: a
                    .requirements
                    .iter()
                    .map(|r| Symbol {
                        name: r.id.name.to_string(),
                        detail: format!("{} · {}", r.level.as_str(), r.title.value),
                        kind: SymbolKind::Requirement,
                        span: span_pair(r.span),
                        name_span: span_pair(r.id.span),
                        children: Vec::new(),
                    })
                    .collect(),
            },
            Item::Rating(r) => Symbol {
                name: "rating".into(),
                detail: String::new(),
                kind: SymbolKind::Rating,
                span: span_pair(r.span),
                name_span: span_pair(r.span),
                children: Vec::new(),
            },
            Item::Test(t) => Symbol {
                name: t.name.value.clone(),
                detail: format!(
                    "test, {} expectation(s)",
                    super::test_requirements(t).count()
                ),
                kind: SymbolKind::Test,
                span: span_pair(t.span),
                name_span: span_pair(t.name.span),
                children: Vec::new(),
            },
        };
        out.push(s);
    }
    out
}
