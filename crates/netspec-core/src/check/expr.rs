//! Checking expressions: syntax-tree expressions → typed [`crate::ir`]
//! nodes, by name resolution and the type rules.
//!
//! The rules, in short (the reference has the full tables):
//! - `int ± int` is int; int and number mix to number; `a / b` is a number.
//! - percents add to percents; a number compares with a percent as a fraction
//!   (`29 / 50 >= 58%`); a count (int) never compares with a percent.
//! - dates compare with dates, shift by durations, and `d within 12 months`
//!   looks back from the assessment date.
//! - a bare name that is no input, definition or variable is an enum value,
//!   resolved against the enum it is compared with.

use std::sync::Arc;

use super::Checker;
use crate::builtins::{self, ArgType, Builtin, Call, Class};
use crate::calendar::{Date, Duration, DurationUnit};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::ir::{AggFn, Arith, Cmp, Const, FieldKind, Node, NodeKind, ScalarTy, Ty};
use crate::number::Num;
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, ExprKind, UnaryOp};
use crate::vocab::Quant;

pub(super) fn cmp_of(op: BinOp) -> Cmp {
    match op {
        BinOp::Ne => Cmp::Ne,
        BinOp::Lt => Cmp::Lt,
        BinOp::Le => Cmp::Le,
        BinOp::Gt => Cmp::Gt,
        BinOp::Ge => Cmp::Ge,
        _ => Cmp::Eq,
    }
}

/// A type's name with its article: "an int", "a date".
fn an(desc: &str) -> String {
    let vowel = desc.chars().next().is_some_and(|c| "aeiou".contains(c));
    format!("{} {desc}", if vowel { "an" } else { "a" })
}

fn node(kind: NodeKind, span: Span, ty: Ty) -> Node {
    Node { kind, span, ty }
}

fn error_node(span: Span) -> Node {
    node(NodeKind::Error, span, Ty::Error)
}

impl<'a> Checker<'a> {
    /// Binds a quantifier's or aggregate's variable, refusing nesting deeper
    /// than [`crate::limits::MAX_BINDERS`] (each level multiplies the work by a list's length).
    fn bind(&mut self, var: &'a ast::Ident, ty: Ty) -> bool {
        let max_binders = self.limits.max_binders;
        if self.scope.len() >= max_binders {
            self.error(
                Diagnostic::error(Code::TooDeep, format!("more than {max_binders} quantifiers or aggregates nested in one another"))
                    .at(var.span)
                    .with_help("each nested level multiplies the work by the length of a list; use a `let` for an inner result"),
            );
            return false;
        }
        self.scope.push((&var.name, ty));
        true
    }

    /// Checks an expression that must be true/false.
    pub(super) fn condition(&mut self, n: Node, what: &str) -> Node {
        let n = self.value(n);
        match n.ty {
            Ty::Bool | Ty::Error => n,
            ref other => {
                let desc = other.describe(&self.schema);
                self.error(
                    Diagnostic::error(
                        Code::NotBoolean,
                        format!("{what} must be a condition, but this is {}", an(&desc)),
                    )
                    .at(n.span)
                    .with_label(format!("this is {}", an(&desc)))
                    .with_help("compare it with something, e.g. `>= 1`"),
                );
                error_node(n.span)
            }
        }
    }

    /// Rejects a bare name that was never resolved to an enum value.
    pub(super) fn value(&mut self, n: Node) -> Node {
        if let Ty::EnumName(name, span) = &n.ty {
            self.unknown_name(name, *span);
            return error_node(n.span);
        }
        // a list literal whose bare names were never resolved against an enum
        if let (NodeKind::Values(items), Ty::Values(elem)) = (&n.kind, &n.ty) {
            if matches!(**elem, Ty::Error) && items.iter().any(|i| matches!(i.ty, Ty::EnumName(..)))
            {
                for i in items {
                    if let Ty::EnumName(name, span) = &i.ty {
                        self.unknown_name(name, *span);
                    }
                }
                return error_node(n.span);
            }
        }
        n
    }

    fn unknown_name(&mut self, name: &str, span: Span) {
        if self.too_many_errors() {
            // no "did you mean" work for an error nobody will see
            self.error(Diagnostic::error(Code::UnknownName, "unknown name").at(span));
            return;
        }
        let mut candidates: Vec<String> = self.scope.iter().map(|(n, _)| n.to_string()).collect();
        candidates.extend(self.let_index.keys().cloned());
        if let Some(root) = self.schema.records.first() {
            candidates.extend(root.fields.iter().map(|f| f.name.clone()));
        }
        candidates.sort();
        let help = did_you_mean(name, candidates.iter().map(String::as_str));
        self.error(
            Diagnostic::error(Code::UnknownName, format!("unknown name `{name}`"))
                .at(span)
                .with_label("not an input, definition or variable")
                .with_help_opt(help),
        );
    }

    /// Checks and compiles an expression.
    pub(super) fn expr(&mut self, e: &'a ast::Expr) -> Node {
        self.nesting += 1;
        let n = self.expr_at(e);
        self.nesting -= 1;
        n
    }

    /// [`Checker::expr`] one level in.
    fn expr_at(&mut self, e: &'a ast::Expr) -> Node {
        let span = e.span;
        match &e.kind {
            ExprKind::Error => error_node(span),
            ExprKind::Bool(b) => node(NodeKind::Const(Const::Bool(*b)), span, Ty::Bool),
            ExprKind::Number(t) => match Num::parse_decimal(t) {
                Some(n) => {
                    let ty = if t.contains('.') { Ty::Number } else { Ty::Int };
                    node(NodeKind::Const(Const::Num(n)), span, ty)
                }
                None => self.bad_literal(span, format!("`{t}` is too large to hold exactly")),
            },
            ExprKind::Percent(t) => {
                match Num::parse_decimal(t).and_then(|n| n.over(Num::int(100)).ok()) {
                    Some(n) => node(NodeKind::Const(Const::Num(n)), span, Ty::Percent),
                    None => self.bad_literal(span, format!("`{t}%` is not a valid percent")),
                }
            }
            ExprKind::Date(t) => match Date::parse(t) {
                Some(d) => node(NodeKind::Const(Const::Date(d)), span, Ty::Date),
                None => self.bad_literal(span, format!("`{t}` is not a date that exists")),
            },
            ExprKind::Duration(n, u) => match (n.parse::<u32>().ok(), DurationUnit::parse(u)) {
                (Some(count), Some(unit)) => node(
                    NodeKind::Const(Const::Duration(Duration { count, unit })),
                    span,
                    Ty::Duration,
                ),
                _ => self.bad_literal(span, format!("`{n} {u}` is not a valid duration")),
            },
            ExprKind::Str(s) => node(
                NodeKind::Const(Const::Text(Arc::from(s.as_str()))),
                span,
                Ty::Text,
            ),
            ExprKind::AssessmentDate => {
                self.uses_assessment_date = true;
                node(NodeKind::AssessmentDate, span, Ty::Date)
            }
            ExprKind::Name(id) => self.name(id),
            ExprKind::Field(base, field) => self.field(base, field, span),
            ExprKind::List(items) => {
                let nodes: Vec<Node> = items.iter().map(|i| self.expr(i)).collect();
                if !nodes.is_empty() && nodes.iter().all(|n| matches!(n.ty, Ty::EnumName(..))) {
                    // a list of bare names: the values of the one enum that has them all
                    if let Some(e) = self.enum_with_all(&nodes) {
                        let nodes: Vec<Node> =
                            nodes.into_iter().map(|n| self.enum_value(n, e)).collect();
                        return node(
                            NodeKind::Values(nodes),
                            span,
                            Ty::Values(Box::new(Ty::Enum(e))),
                        );
                    }
                }
                if nodes.iter().any(|n| matches!(n.ty, Ty::EnumName(..))) {
                    // bare names: resolved later against the enum the list is compared with
                    return node(
                        NodeKind::Values(nodes),
                        span,
                        Ty::Values(Box::new(Ty::Error)),
                    );
                }
                let mut elem = Ty::Error;
                for n in &nodes {
                    match unify(&elem, &n.ty) {
                        Some(t) => elem = t,
                        None => {
                            let (a, b) = (elem.describe(&self.schema), n.ty.describe(&self.schema));
                            return self.mismatch(
                                n.span,
                                format!("a list cannot mix {a} and {b} values"),
                                None,
                            );
                        }
                    }
                }
                node(NodeKind::Values(nodes), span, Ty::Values(Box::new(elem)))
            }
            ExprKind::Unary(UnaryOp::Not, x) => {
                let x = self.expr(x);
                let x = self.condition(x, "the operand of `not`");
                node(NodeKind::Not(Box::new(x)), span, Ty::Bool)
            }
            ExprKind::Unary(UnaryOp::Neg, x) => {
                let x = self.expr(x);
                let x = self.value(x);
                if !x.ty.is_numeric() {
                    return self.mismatch(
                        span,
                        format!("cannot negate a {}", x.ty.describe(&self.schema)),
                        None,
                    );
                }
                let ty = x.ty.clone();
                node(NodeKind::Neg(Box::new(x)), span, ty)
            }
            ExprKind::Binary(op, ab) => self.binary(*op, &ab.0, &ab.1, span),
            ExprKind::If(c, a, b) => {
                let c = self.expr(c);
                let c = self.condition(c, "the condition of `if`");
                let a = self.expr(a);
                let b = self.expr(b);
                let (a, b) = self.resolve_pair(a, b);
                let Some(ty) = unify(&a.ty, &b.ty) else {
                    let (ta, tb) = (a.ty.describe(&self.schema), b.ty.describe(&self.schema));
                    return self.mismatch(
                        span,
                        format!("the branches of `if` differ: {ta} and {tb}"),
                        None,
                    );
                };
                node(
                    NodeKind::If(Box::new(c), Box::new(a), Box::new(b)),
                    span,
                    ty,
                )
            }
            ExprKind::Quantifier {
                quant,
                var,
                list,
                body,
            } => {
                let mut list = self.expr(list);
                let Some(elem) = self.list_elem(&mut list) else {
                    return error_node(span);
                };
                if !self.bind(var, elem) {
                    return error_node(span);
                }
                let body = self.expr(body);
                let what = if *quant == Quant::All {
                    "the body of `all`"
                } else {
                    "the body of `any`"
                };
                let body = self.condition(body, what);
                self.scope.pop();
                node(
                    NodeKind::Quantifier(*quant, Box::new(list), Box::new(body)),
                    span,
                    Ty::Bool,
                )
            }
            ExprKind::Count { var, list, filter } => {
                let mut list = self.expr(list);
                let Some(elem) = self.list_elem(&mut list) else {
                    return error_node(span);
                };
                if !self.bind(var, elem) {
                    return error_node(span);
                }
                let filter = filter.as_ref().map(|f| {
                    let f = self.expr(f);
                    Box::new(self.condition(f, "a `where` filter"))
                });
                self.scope.pop();
                node(NodeKind::Count(Box::new(list), filter), span, Ty::Int)
            }
            ExprKind::Aggregate {
                func,
                body,
                var,
                list,
                filter,
            } => self.aggregate(func, body, var, list, filter.as_deref(), span),
            ExprKind::Call(func, args) => self.call(func, args, span),
        }
    }

    fn bad_literal(&mut self, span: Span, msg: String) -> Node {
        self.error(Diagnostic::error(Code::InvalidLiteral, msg).at(span));
        error_node(span)
    }

    fn mismatch(&mut self, span: Span, msg: String, help: Option<String>) -> Node {
        self.error(
            Diagnostic::error(Code::TypeMismatch, msg)
                .at(span)
                .with_help_opt(help),
        );
        error_node(span)
    }

    fn name(&mut self, id: &'a ast::Ident) -> Node {
        let span = id.span;
        if let Some(pos) = self.scope.iter().rposition(|(n, _)| *n == id.name) {
            let depth = self.scope.len() - 1 - pos;
            let ty = self.scope.get(pos).map_or(Ty::Error, |(_, t)| t.clone());
            return node(NodeKind::Var(depth), span, ty);
        }
        if let Some(&i) = self.let_index.get(id.name.as_str()) {
            let ty = self.check_let(i, span);
            return node(NodeKind::Let(i), span, ty);
        }
        if let Some(slot) = self.root_field(&id.name) {
            let ty = self.field_ty(0, slot);
            return node(NodeKind::Input(slot), span, ty);
        }
        node(
            NodeKind::Error,
            span,
            Ty::EnumName(id.name.to_string(), span),
        )
    }

    pub(super) fn field_ty(&self, rec: usize, slot: usize) -> Ty {
        let Some(f) = self
            .schema
            .records
            .get(rec)
            .and_then(|r| r.fields.get(slot))
        else {
            return Ty::Error;
        };
        match &f.kind {
            FieldKind::Scalar { ty, .. } => match ty {
                ScalarTy::Bool => Ty::Bool,
                ScalarTy::Int => Ty::Int,
                ScalarTy::Number => Ty::Number,
                ScalarTy::Percent => Ty::Percent,
                ScalarTy::Date => Ty::Date,
                ScalarTy::Text => Ty::Text,
                ScalarTy::Enum(e) => Ty::Enum(*e),
            },
            FieldKind::List { record, .. } => Ty::List(*record),
            FieldKind::Group { record } => Ty::Record(*record),
        }
    }

    fn field(&mut self, base: &'a ast::Expr, field: &'a ast::Ident, span: Span) -> Node {
        let b = self.expr(base);
        let b = self.value(b);
        match b.ty {
            Ty::Record(rec) => match self.field_index(rec, &field.name) {
                Some(slot) => {
                    let ty = self.field_ty(rec, slot);
                    node(NodeKind::Field(Box::new(b), slot), span, ty)
                }
                None if self.too_many_errors() => {
                    self.error(Diagnostic::error(Code::UnknownField, "unknown field").at(span));
                    error_node(span)
                }
                None => {
                    let names: Vec<String> = self
                        .schema
                        .records
                        .get(rec)
                        .map(|r| r.fields.iter().map(|f| f.name.clone()).collect())
                        .unwrap_or_default();
                    let base_text = self.map.slice(base.span).to_string();
                    self.error(
                        Diagnostic::error(
                            Code::UnknownField,
                            format!("`{base_text}` has no field `{}`", field.name),
                        )
                        .at(field.span)
                        .with_label("unknown field")
                        .with_help_opt(did_you_mean(&field.name, names.iter().map(String::as_str)))
                        .with_note(format!("fields: {}", names.join(", "))),
                    );
                    error_node(span)
                }
            },
            Ty::Error => error_node(span),
            other => {
                let d = other.describe(&self.schema);
                let hint = matches!(other, Ty::List(_)).then(|| {
                    format!(
                        "a list has no fields; use `all x in {}: x.{}`",
                        self.map.slice(base.span),
                        field.name
                    )
                });
                self.mismatch(
                    span,
                    format!("cannot read field `{}` of {}", field.name, an(&d)),
                    hint,
                )
            }
        }
    }

    /// A checklist read where a list is expected (`all s in standards: …`,
    /// `count`, aggregates, `len`): the list of its items' answers, one
    /// `Field` read per item in declaration order, so an unanswered item is
    /// unknown with its own JSON pointer. Anything else is returned as it is.
    #[inline(never)] // keeps it off the stack frame of the recursive `expr`
    pub(super) fn checklist_items(&self, n: Node) -> Node {
        let Ty::Record(r) = n.ty else { return n };
        let Some(rs) = self.schema.records.get(r).filter(|rs| rs.checklist) else {
            return n;
        };
        let elem = self.checklist_enum.map_or(Ty::Error, Ty::Enum);
        let span = n.span;
        let items: Vec<Node> = (0..rs.fields.len())
            .map(|slot| {
                node(
                    NodeKind::Field(Box::new(n.clone()), slot),
                    span,
                    elem.clone(),
                )
            })
            .collect();
        node(NodeKind::Values(items), span, Ty::Values(Box::new(elem)))
    }

    /// `len(standards)` of a checklist: the number of its items (for a
    /// function that [reads lists](Builtin::reads_lists)).
    #[inline(never)] // keeps it off the stack frame of the recursive `expr`
    fn len_of_checklist(&self, f: Builtin, nodes: &mut [Node]) {
        if f.reads_lists() {
            for n in nodes {
                let taken = std::mem::replace(n, error_node(n.span));
                *n = self.checklist_items(taken);
            }
        }
    }

    /// The enum whose values include every name in `nodes`, when exactly one does.
    /// Whether enums `e` and `f` have the same values, in the same order.
    fn same_values(&self, e: usize, f: usize) -> bool {
        let values = |k: usize| self.schema.enums.get(k).map(|d| &d.variants);
        values(e).is_some() && values(e) == values(f)
    }

    fn enum_with_all(&self, nodes: &[Node]) -> Option<usize> {
        let names: Vec<&str> = nodes
            .iter()
            .filter_map(|n| match &n.ty {
                Ty::EnumName(name, _) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        let mut found: Option<usize> = None;
        for (i, e) in self.schema.enums.iter().enumerate() {
            if names.iter().all(|n| e.variants.iter().any(|v| v == n)) {
                match found {
                    // two enums with the same values are interchangeable for a literal list
                    Some(j) if self.same_values(i, j) => {}
                    Some(_) => return None,
                    None => found = Some(i),
                }
            }
        }
        found
    }

    /// The element type of a list expression, reporting when it is not a list.
    /// A checklist becomes the list of its items' answers ([`Checker::checklist_items`]).
    #[inline(never)]
    fn list_elem(&mut self, list: &mut Node) -> Option<Ty> {
        let taken = std::mem::replace(list, error_node(list.span));
        *list = self.checklist_items(taken);
        let list = &*list;
        if let (NodeKind::Values(items), Ty::Values(t)) = (&list.kind, &list.ty) {
            if matches!(**t, Ty::Error) {
                // names no single enum has: say which
                let name = items.iter().find_map(|n| match &n.ty {
                    Ty::EnumName(name, span) => Some((name.clone(), *span)),
                    _ => None,
                });
                if let Some((name, span)) = name {
                    let holders: Vec<String> = self
                        .schema
                        .enums
                        .iter()
                        .filter(|e| e.variants.contains(&name))
                        .map(|e| e.variants.join(", "))
                        .collect();
                    let note = if holders.is_empty() {
                        "no enum input has this value".to_string()
                    } else {
                        format!("more than one enum could be meant: {}", holders.join(" / "))
                    };
                    self.error(
                        Diagnostic::error(
                            Code::UnknownName,
                            format!("cannot tell what `{name}` is in this list"),
                        )
                        .at(span)
                        .with_label(
                            "not an input, definition, variable or value of exactly one enum",
                        )
                        .with_note(note),
                    );
                    return None;
                }
            }
        }
        match &list.ty {
            Ty::List(r) => Some(Ty::Record(*r)),
            Ty::Values(t) => Some((**t).clone()),
            Ty::Error => None,
            Ty::EnumName(n, s) => {
                let (n, s) = (n.clone(), *s);
                self.unknown_name(&n, s);
                None
            }
            other => {
                let d = other.describe(&self.schema);
                self.error(
                    Diagnostic::error(Code::NotAList, format!("expected a list, found {}", an(&d)))
                        .at(list.span)
                        .with_label("not a list"),
                );
                None
            }
        }
    }

    /// Reads a bare name that also names an input or definition as the enum
    /// value, when it stands opposite an enum that has such a value and the
    /// input reading would not type-check (`c.category == network` where
    /// `network` is both a value and a group of inputs).
    fn prefer_variant(&self, n: Node, e: usize) -> Node {
        let bare = matches!(
            n.kind,
            NodeKind::Input(_) | NodeKind::Let(_) | NodeKind::Var(_)
        );
        if !bare || matches!(n.ty, Ty::Enum(x) if x == e) {
            return n;
        }
        let text = self.map.slice(n.span);
        let variants = self
            .schema
            .enums
            .get(e)
            .map(|d| d.variants.as_slice())
            .unwrap_or_default();
        match variants.iter().position(|v| v == text) {
            Some(i) => node(
                NodeKind::Const(Const::Enum(u32::try_from(i).unwrap_or(0))),
                n.span,
                Ty::Enum(e),
            ),
            None => n,
        }
    }

    /// Resolves enum names on either side against the other side's enum.
    fn resolve_pair(&mut self, a: Node, b: Node) -> (Node, Node) {
        let (a, b) = match (&a.ty, &b.ty) {
            (Ty::Enum(e), _) => {
                let e = *e;
                let b = self.prefer_variant(b, e);
                (a, b)
            }
            (_, Ty::Enum(e)) => {
                let e = *e;
                let a = self.prefer_variant(a, e);
                (a, b)
            }
            _ => (a, b),
        };
        match (&a.ty, &b.ty) {
            (Ty::Enum(e), Ty::EnumName(..)) => {
                let e = *e;
                let b = self.enum_value(b, e);
                (a, b)
            }
            (Ty::EnumName(..), Ty::Enum(e)) => {
                let e = *e;
                let a = self.enum_value(a, e);
                (a, b)
            }
            _ => {
                let a = self.value(a);
                let b = self.value(b);
                (a, b)
            }
        }
    }

    fn enum_value(&mut self, n: Node, e: usize) -> Node {
        let Ty::EnumName(name, span) = &n.ty else {
            return n;
        };
        let variants = self
            .schema
            .enums
            .get(e)
            .map(|d| d.variants.clone())
            .unwrap_or_default();
        match variants.iter().position(|v| v == name) {
            Some(i) => node(
                NodeKind::Const(Const::Enum(u32::try_from(i).unwrap_or(0))),
                *span,
                Ty::Enum(e),
            ),
            None if self.too_many_errors() => {
                self.error(Diagnostic::error(Code::UnknownEnumValue, "unknown value").at(*span));
                error_node(*span)
            }
            None => {
                let span = *span;
                let name = name.clone();
                self.error(
                    Diagnostic::error(
                        Code::UnknownEnumValue,
                        format!("`{name}` is not one of the values"),
                    )
                    .at(span)
                    .with_label("unknown value")
                    .with_help_opt(did_you_mean(&name, variants.iter().map(String::as_str)))
                    .with_note(format!("values: {}", variants.join(", "))),
                );
                error_node(span)
            }
        }
    }

    fn binary(&mut self, op: BinOp, a: &'a ast::Expr, b: &'a ast::Expr, span: Span) -> Node {
        let a = self.expr(a);
        let b = self.expr(b);
        match op {
            BinOp::And | BinOp::Or | BinOp::Implies => {
                let a = self.condition(a, &format!("the left of `{}`", op.as_str()));
                let b = self.condition(b, &format!("the right of `{}`", op.as_str()));
                let kind = match op {
                    BinOp::And => NodeKind::And(Box::new(a), Box::new(b)),
                    BinOp::Or => NodeKind::Or(Box::new(a), Box::new(b)),
                    _ => NodeKind::Implies(Box::new(a), Box::new(b)),
                };
                node(kind, span, Ty::Bool)
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.compare(op, a, b, span)
            }
            BinOp::In | BinOp::NotIn => self.membership(op == BinOp::NotIn, a, b, span),
            BinOp::Within => {
                let a = self.value(a);
                let b = self.value(b);
                match (&a.ty, &b.ty) {
                    (Ty::Date | Ty::Error, Ty::Duration | Ty::Error) => {
                        self.uses_assessment_date = true;
                        node(NodeKind::Within(Box::new(a), Box::new(b)), span, Ty::Bool)
                    }
                    (ta, tb) => {
                        let msg = format!(
                            "`within` needs a date and a duration, found {} and {}",
                            ta.describe(&self.schema),
                            tb.describe(&self.schema)
                        );
                        self.mismatch(
                            span,
                            msg,
                            Some("write `review_date within 12 months`".into()),
                        )
                    }
                }
            }
            BinOp::WithinNext => {
                let a = self.value(a);
                let b = self.value(b);
                self.within_next(a, b, span)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let a = self.value(a);
                let b = self.value(b);
                self.arith(op, a, b, span)
            }
        }
    }

    fn arith(&mut self, op: BinOp, a: Node, b: Node, span: Span) -> Node {
        use Ty::*;
        let aop = match op {
            BinOp::Add => Arith::Add,
            BinOp::Sub => Arith::Sub,
            BinOp::Mul => Arith::Mul,
            _ => Arith::Div,
        };
        // dates
        match (&a.ty, &b.ty, op) {
            (Date, Duration, BinOp::Add | BinOp::Sub) => {
                return node(
                    NodeKind::DateShift(op == BinOp::Sub, Box::new(a), Box::new(b)),
                    span,
                    Date,
                )
            }
            (Duration, Date, BinOp::Add) => {
                return node(
                    NodeKind::DateShift(false, Box::new(b), Box::new(a)),
                    span,
                    Date,
                )
            }
            (Date, Date, BinOp::Sub) => {
                return node(NodeKind::DateDiff(Box::new(a), Box::new(b)), span, Int)
            }
            _ => {}
        }
        let ty = match (&a.ty, &b.ty, aop) {
            (Error, _, _) | (_, Error, _) => Some(Error),
            (Int, Int, Arith::Add | Arith::Sub | Arith::Mul) => Some(Int),
            // a division of whole numbers, or any arithmetic with a number
            (Int | Number, Int | Number, _) => Some(Number),
            (Percent, Percent, Arith::Add | Arith::Sub | Arith::Mul) => Some(Percent),
            (Percent, Percent, Arith::Div) => Some(Number),
            (Percent, Int | Number, Arith::Mul | Arith::Div) => Some(Percent),
            (Int | Number, Percent, Arith::Mul) => Some(Number),
            _ => None,
        };
        match ty {
            Some(ty) => node(NodeKind::Arith(aop, Box::new(a), Box::new(b)), span, ty),
            None => {
                let (ta, tb) = (a.ty.describe(&self.schema), b.ty.describe(&self.schema));
                let help = match (&a.ty, &b.ty) {
                    (Int | Number, Percent) | (Percent, Int | Number) => {
                        Some("a percent can be added only to a percent; multiply to scale (`beds * 50%`)".to_string())
                    }
                    (Date, Int | Number) | (Int | Number, Date) => Some("add a duration: `review_date + 12 months`".to_string()),
                    _ => None,
                };
                self.mismatch(
                    span,
                    format!("cannot apply `{}` to {ta} and {tb}", op.as_str()),
                    help,
                )
            }
        }
    }

    fn compare(&mut self, op: BinOp, a: Node, b: Node, span: Span) -> Node {
        use Ty::*;
        let (a, b) = self.resolve_pair(a, b);
        let cmp = cmp_of(op);
        let ordered = !matches!(cmp, Cmp::Eq | Cmp::Ne);
        let ok = match (&a.ty, &b.ty) {
            (Error, _) | (_, Error) => true,
            (Int | Number, Int | Number) => true,
            (Percent, Percent | Number) | (Number, Percent) => true,
            (Date, Date) => true,
            (Text, Text) | (Bool, Bool) => !ordered,
            (Enum(x), Enum(y)) => x == y && !ordered,
            _ => false,
        };
        if !ok {
            let (ta, tb) = (a.ty.describe(&self.schema), b.ty.describe(&self.schema));
            let help = match (&a.ty, &b.ty) {
                (Int, Percent) | (Percent, Int) => Some(
                    "a count is not a percent: compare a rate such as `numerator / denominator >= 90%`".to_string(),
                ),
                (Text | Bool | Enum(_), _) if ordered => Some(format!("{ta} values can only be compared with == and !=")),
                (Date, Int | Number) | (Int | Number, Date) => {
                    Some("compare with a date, e.g. `review_date >= assessment_date - 12 months`".to_string())
                }
                _ => None,
            };
            return self.mismatch(
                span,
                format!("cannot compare {ta} with {tb} using `{}`", op.as_str()),
                help,
            );
        }
        node(NodeKind::Compare(cmp, Box::new(a), Box::new(b)), span, Bool)
    }

    fn membership(&mut self, negated: bool, a: Node, b: Node, span: Span) -> Node {
        let a = if matches!(a.ty, Ty::EnumName(..)) {
            self.value(a)
        } else {
            a
        };
        let NodeKind::Values(items) = b.kind else {
            if !matches!(b.ty, Ty::Error) {
                let d = b.ty.describe(&self.schema);
                self.error(
                    Diagnostic::error(
                        Code::NotAList,
                        format!("`in` needs a list of values in brackets, found {}", an(&d)),
                    )
                    .at(b.span)
                    .with_help("write `provider.role in [level3_unit, level2_unit]`"),
                );
            }
            return error_node(span);
        };
        let mut out = Vec::new();
        for item in items {
            let mut item = match &a.ty {
                Ty::Enum(_) => self.resolve_pair(a.clone(), item).1,
                _ => self.value(item),
            };
            // a list of bare names was given the enum that has them all (the
            // first, of enums with the same values): each name is read
            // again as a value of the enum compared, as `==` reads it, and
            // one that enum does not have is an unknown value (NS0006)
            let other = match (&a.ty, &item.ty, &item.kind) {
                (Ty::Enum(e), Ty::Enum(f), NodeKind::Const(Const::Enum(k))) if e != f => {
                    Some((*e, *f, *k))
                }
                _ => None,
            };
            if let Some((e, f, k)) = other {
                let name = self.schema.enum_value_name(f, k).map(str::to_string);
                if let Some(name) = name {
                    let span = item.span;
                    item =
                        self.enum_value(node(NodeKind::Error, span, Ty::EnumName(name, span)), e);
                }
            }
            let ok = match (&a.ty, &item.ty) {
                (Ty::Error, _) | (_, Ty::Error) => true,
                (Ty::Int | Ty::Number, Ty::Int | Ty::Number) => true,
                (Ty::Percent, Ty::Percent | Ty::Number) | (Ty::Number, Ty::Percent) => true,
                (x, y) => x == y,
            };
            if !ok {
                let (ta, tb) = (a.ty.describe(&self.schema), item.ty.describe(&self.schema));
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!("{} in a list compared with {}", an(&tb), an(&ta)),
                    )
                    .at(item.span),
                );
            }
            out.push(item);
        }
        node(NodeKind::In(negated, Box::new(a), out), span, Ty::Bool)
    }

    fn aggregate(
        &mut self,
        func: &ast::Ident,
        body: &'a ast::Expr,
        var: &'a ast::Ident,
        list: &'a ast::Expr,
        filter: Option<&'a ast::Expr>,
        span: Span,
    ) -> Node {
        let form = builtins::find(&func.name).and_then(|d| d.aggregate);
        let agg = match form {
            Some(builtins::Aggregate::Sum) => AggFn::Sum,
            Some(builtins::Aggregate::Mean) => AggFn::Mean,
            Some(builtins::Aggregate::Min) => AggFn::Min,
            Some(builtins::Aggregate::Max) => AggFn::Max,
            Some(builtins::Aggregate::Count) | None => {
                let other = func.name.as_str();
                self.error(
                    Diagnostic::error(
                        Code::UnknownFunction,
                        format!("`{other}` is not an aggregate"),
                    )
                    .at(func.span)
                    .with_help_opt(did_you_mean(other, builtins::aggregate_names()))
                    .with_note(builtins::aggregates_note()),
                );
                return error_node(span);
            }
        };
        let mut list = self.expr(list);
        let Some(elem) = self.list_elem(&mut list) else {
            return error_node(span);
        };
        if !self.bind(var, elem) {
            return error_node(span);
        }
        let b = self.expr(body);
        let b = self.value(b);
        let f = filter.map(|f| {
            let f = self.expr(f);
            Box::new(self.condition(f, "a `where` filter"))
        });
        self.scope.pop();
        let ty = match (agg, &b.ty) {
            (_, Ty::Error) => Ty::Error,
            (AggFn::Sum, Ty::Int | Ty::Number | Ty::Percent) => b.ty.clone(),
            (AggFn::Mean, Ty::Int | Ty::Number) => Ty::Number,
            (AggFn::Mean, Ty::Percent) => Ty::Percent,
            (AggFn::Min | AggFn::Max, Ty::Int | Ty::Number | Ty::Percent | Ty::Date) => {
                b.ty.clone()
            }
            (_, other) => {
                let d = other.describe(&self.schema);
                return self.mismatch(
                    b.span,
                    format!("cannot take the {} of {d} values", func.name),
                    None,
                );
            }
        };
        node(
            NodeKind::Aggregate(agg, Box::new(list), Box::new(b), f),
            span,
            ty,
        )
    }

    fn call(&mut self, func: &'a ast::Ident, args: &'a [ast::Expr], span: Span) -> Node {
        let name = func.name.as_str();
        let def = builtins::find(name);
        let arity_ok = def
            .and_then(builtins::Def::arity)
            .is_some_and(|a| a.allows(args.len()));
        let f = match def.map(|d| d.call) {
            Some(Call::Builtin(f, _)) if arity_ok => f,
            Some(Call::Present) if arity_ok => {
                let x = args.first().map(|a| self.expr(a));
                let Some(x) = x else { return error_node(span) };
                let x = self.value(x);
                if !x.is_input_read() && !matches!(x.ty, Ty::Error) {
                    self.error(
                        Diagnostic::error(Code::PresentNeedsInput, "`present` needs an input, such as `present(units)` or `present(u.beds)`")
                            .at(x.span),
                    );
                    return error_node(span);
                }
                return node(NodeKind::Present(Box::new(x)), span, Ty::Bool);
            }
            _ => {
                let (msg, help) = match def {
                    Some(d) => (
                        format!("wrong arguments for `{name}`"),
                        Some(d.usage.to_string()),
                    ),
                    None => (
                        format!("unknown function `{name}`"),
                        did_you_mean(name, builtins::names()),
                    ),
                };
                let names: Vec<&str> = builtins::names().collect();
                self.error(
                    Diagnostic::error(Code::UnknownFunction, msg)
                        .at(func.span)
                        .with_help_opt(help)
                        .with_note(format!("functions: {}", names.join(", "))),
                );
                return error_node(span);
            }
        };
        let nodes: Vec<Node> = args.iter().map(|a| self.expr(a)).collect();
        let mut nodes: Vec<Node> = nodes.into_iter().map(|n| self.value(n)).collect();
        self.len_of_checklist(f, &mut nodes);
        let types: Vec<Ty> = nodes.iter().map(|n| n.ty.clone()).collect();
        match f.type_rule(&types) {
            Ok(ty) => node(NodeKind::Call(f, nodes), span, ty),
            Err(e) => {
                let i = e.arg();
                let d = types.get(i).map_or(Ty::Error, Clone::clone);
                let d = d.describe(&self.schema);
                let at = match nodes.get(i) {
                    Some(n) if e.at_arg() => n.span,
                    _ => span,
                };
                self.mismatch(at, e.message(name, &an(&d)), e.help().map(str::to_string))
            }
        }
    }
}

/// What the function type rules see of a type.
impl ArgType for Ty {
    fn class(&self) -> Class {
        match self {
            Ty::Error => Class::Error,
            Ty::Bool => Class::Bool,
            Ty::Int => Class::Int,
            Ty::Number => Class::Number,
            Ty::Percent => Class::Percent,
            Ty::Date => Class::Date,
            Ty::Duration => Class::Duration,
            Ty::Text => Class::Text,
            Ty::Enum(_) => Class::Enum,
            Ty::Record(_) => Class::Record,
            Ty::List(_) => Class::List,
            Ty::Values(_) => Class::Values,
            Ty::EnumName(..) => Class::Other,
        }
    }

    fn unify(&self, other: &Self) -> Option<Self> {
        unify(self, other)
    }

    fn of(class: Class) -> Self {
        match class {
            Class::Bool => Ty::Bool,
            Class::Int => Ty::Int,
            Class::Number => Ty::Number,
            Class::Percent => Ty::Percent,
            Class::Date => Ty::Date,
            Class::Duration => Ty::Duration,
            Class::Text => Ty::Text,
            Class::Error
            | Class::Enum
            | Class::Record
            | Class::List
            | Class::Values
            | Class::Other => Ty::Error,
        }
    }
}

/// The common type of two branches.
fn unify(a: &Ty, b: &Ty) -> Option<Ty> {
    match (a, b) {
        (Ty::Error, t) | (t, Ty::Error) => Some(t.clone()),
        (Ty::Int, Ty::Number) | (Ty::Number, Ty::Int) => Some(Ty::Number),
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}

impl Checker<'_> {
    /// `d within next D` is `d >= assessment_date and d <= assessment_date + D`
    /// (grammar/README.md §6), both sides explained as dates. Kept out of the
    /// operator match so that its locals do not widen that recursive frame.
    #[inline(never)]
    fn within_next(&mut self, a: Node, b: Node, span: Span) -> Node {
        match (&a.ty, &b.ty) {
            (Ty::Date | Ty::Error, Ty::Duration | Ty::Error) => {
                self.uses_assessment_date = true;
                let today = || node(NodeKind::AssessmentDate, span, Ty::Date);
                let until = node(
                    NodeKind::DateShift(false, Box::new(today()), Box::new(b)),
                    span,
                    Ty::Date,
                );
                let from = node(
                    NodeKind::Compare(Cmp::Ge, Box::new(a.clone()), Box::new(today())),
                    span,
                    Ty::Bool,
                );
                let to = node(
                    NodeKind::Compare(Cmp::Le, Box::new(a), Box::new(until)),
                    span,
                    Ty::Bool,
                );
                node(NodeKind::And(Box::new(from), Box::new(to)), span, Ty::Bool)
            }
            (ta, tb) => {
                let msg = format!(
                    "`within next` needs a date and a duration, found {} and {}",
                    ta.describe(&self.schema),
                    tb.describe(&self.schema)
                );
                self.mismatch(
                    span,
                    msg,
                    Some("write `review_due within next 3 months`".into()),
                )
            }
        }
    }
}
