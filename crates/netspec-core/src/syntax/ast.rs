//! The syntax tree: what the author wrote, with a span on every node.
//!
//! Made by the parser, read by [`crate::check`] (which compiles it to
//! [`crate::ir`]) and [`crate::format`]. Nothing here is resolved or typed;
//! literals keep their source text.

use crate::source::Span;
use crate::vocab::{Level, LevelSet, Outcome, Quant, RatingQuant};

/// A name with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The text (held inline up to 23 bytes, as almost every name is).
    pub name: smol_str::SmolStr,
    /// Where it was written.
    pub span: Span,
}

/// A string literal, unescaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    /// The value with escapes resolved.
    pub value: String,
    /// Where it was written (including quotes).
    pub span: Span,
}

/// A whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// Items in source order.
    pub items: Vec<Item>,
    /// Line comments with their spans, kept for tools that rewrite files.
    pub comments: Vec<(Span, String)>,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `spec id "title" { version "…" }`
    Spec(SpecHeader),
    /// `use "path"`
    Use(Str),
    /// `inputs "section" { … }`
    Inputs(InputsBlock),
    /// `let name = expr`
    Let(LetDecl),
    /// `area name { requirement … }`
    Area(AreaBlock),
    /// `rating { … }`
    Rating(RatingBlock),
    /// `test "name" { … }`
    Test(TestBlock),
}

impl Item {
    /// Where the item is, from its keyword to its end.
    pub fn span(&self) -> Span {
        match self {
            Item::Spec(h) => h.span,
            Item::Use(s) => s.span,
            Item::Inputs(b) => b.span,
            Item::Let(l) => l.span,
            Item::Area(a) => a.span,
            Item::Rating(r) => r.span,
            Item::Test(t) => t.span,
        }
    }
}

/// The spec header.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecHeader {
    /// Spec id.
    pub id: Ident,
    /// Title.
    pub title: Str,
    /// `version`, `source` and other attributes.
    pub attrs: Vec<(Ident, Str)>,
    /// Whole header.
    pub span: Span,
}

/// A block of input declarations; its title names a form section.
#[derive(Debug, Clone, PartialEq)]
pub struct InputsBlock {
    /// Section title.
    pub title: Option<Str>,
    /// `respondent provider|network`: who answers every input in the block.
    pub respondent: Option<Ident>,
    /// Declarations.
    pub decls: Vec<InputDecl>,
    /// Whole block.
    pub span: Span,
}

/// `path: type …`
#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    /// Dotted name; `provider.role` declares `role` inside group `provider`.
    pub path: Vec<Ident>,
    /// The type and question.
    pub ty: InputType,
    /// Whole declaration.
    pub span: Span,
}

/// The shape of an input.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A single value.
    Scalar(ScalarKind),
    /// A repeated record.
    List(Vec<InputDecl>),
    /// A nested group of inputs.
    Group(Vec<InputDecl>),
    /// A fixed list of items the spec owns, each answered yes/no/not_applicable.
    Checklist(Vec<ChecklistItem>),
}

/// One item of a `checklist`: `named_lead "The service has a named clinical lead"`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistItem {
    /// JSON key.
    pub name: Ident,
    /// What the item says.
    pub text: Str,
}

/// The scalar types.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarKind {
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `number`
    Number,
    /// `percent`
    Percent,
    /// `date`
    Date,
    /// `text`
    Text,
    /// `enum(a, b)`; each value's display label when it has one
    /// (`enum(a "A", b "B")`), in step with the values.
    Enum(Vec<Ident>, Vec<Option<Str>>),
}

/// `min`/`max` on an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// `true` for `max`.
    pub is_max: bool,
    /// Literal text (number, percent or date), or the bound's name as written.
    pub value: String,
    /// For a bound by another answer (`max shifts_total`): the dotted name.
    pub reference: Option<Vec<Ident>>,
    /// Where.
    pub span: Span,
}

/// A type with its question and attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct InputType {
    /// Scalar, list or group.
    pub kind: TypeKind,
    /// `min`/`max`.
    pub constraints: Vec<Constraint>,
    /// The question a person is asked.
    pub question: Str,
    /// `help "…"`.
    pub help: Option<Str>,
    /// `unit "…"`.
    pub unit: Option<Str>,
    /// `label "…"`: a short label for explanations.
    pub label: Option<Str>,
    /// `item "…"`: what one element of a list is called.
    pub item: Option<Str>,
    /// `period assessment` or `period 12 months`.
    pub period: Option<Period>,
    /// Whole type.
    pub span: Span,
}

/// The period a count covers.
#[derive(Debug, Clone, PartialEq)]
pub enum Period {
    /// `period assessment`
    Assessment(Span),
    /// `period 12 months`: count and unit as written.
    Rolling(String, String, Span),
}

/// `let name = value`
#[derive(Debug, Clone, PartialEq)]
pub struct LetDecl {
    /// Name.
    pub name: Ident,
    /// Definition.
    pub value: Expr,
    /// Whole item.
    pub span: Span,
}

/// `area name { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct AreaBlock {
    /// Area keyword.
    pub name: Ident,
    /// Requirements.
    pub requirements: Vec<Requirement>,
    /// Whole block.
    pub span: Span,
}

/// A requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// Id such as `ACC-WF-01`.
    pub id: Ident,
    /// Level.
    pub level: Level,
    /// Title.
    pub title: Str,
    /// Body clauses in source order.
    pub clauses: Vec<Clause>,
    /// Whole requirement.
    pub span: Span,
}

/// One clause of a requirement body.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `applies when expr`
    Applies(Expr),
    /// The rule itself.
    Rule(Expr),
    /// `evidence key "description" [required]`; the span of `required` when given.
    Evidence(Ident, Str, Option<Span>),
    /// `basis standard|derived|estimate` (the word as an identifier).
    Basis(Ident),
    /// `respondent provider|network`.
    Respondent(Ident),
    /// `ref "source"`
    Ref(Str),
    /// `help "guidance"`
    Help(Str),
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `implies`
    Implies,
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `within`
    Within,
    /// `within next`: the window after the assessment date
    WithinNext,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// Operator text.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Implies => "implies",
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Within => "within",
            BinOp::WithinNext => "within next",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    /// Is it `== != < <= > >=`?
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

/// Expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `true` / `false`
    Bool(bool),
    /// `42`, `3.5`
    Number(String),
    /// `85%` (text without the sign)
    Percent(String),
    /// `2025-04-01`
    Date(String),
    /// `12 months`
    Duration(String, String),
    /// `"text"`
    Str(String),
    /// `assessment_date`
    AssessmentDate,
    /// A bare name: input, definition, variable or enum value.
    Name(Ident),
    /// `e.field`
    Field(Box<Expr>, Ident),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `-e`, `not e`
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`: both operands in one box
    Binary(BinOp, Box<(Expr, Expr)>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `all x in xs: p`
    Quantifier {
        /// all/any
        quant: Quant,
        /// Bound variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// The condition.
        body: Box<Expr>,
    },
    /// `sum(e for x in xs where p)`
    Aggregate {
        /// Function name.
        func: Ident,
        /// Value per element.
        body: Box<Expr>,
        /// Bound variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// Optional filter.
        filter: Option<Box<Expr>>,
    },
    /// `count(x in xs where p)`
    Count {
        /// Bound variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// Optional filter.
        filter: Option<Box<Expr>>,
    },
    /// `f(a, b)`
    Call(Ident, Vec<Expr>),
    /// A placeholder left where parsing gave up on a subexpression.
    Error,
}

/// `rating { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct RatingBlock {
    /// Rules, first match wins.
    pub rules: Vec<RatingRule>,
    /// Whole block.
    pub span: Span,
}

/// `green when …` / `red otherwise`
#[derive(Debug, Clone, PartialEq)]
pub struct RatingRule {
    /// Rating name.
    pub rating: Ident,
    /// `None` for `otherwise`.
    pub cond: Option<RatingCond>,
    /// Whole rule.
    pub span: Span,
}

/// A rating condition.
#[derive(Debug, Clone, PartialEq)]
pub enum RatingCond {
    /// All must hold.
    And(Vec<RatingCond>),
    /// Any must hold.
    Or(Vec<RatingCond>),
    /// Negation.
    Not(Box<RatingCond>),
    /// `all must met` (every applicable one), `any should not_met`, `no must incomplete`.
    Quant(RatingQuant, LevelSet, Outcome),
    /// `count(should not_met) <= 2`
    Count(LevelSet, Outcome, BinOp, u64),
}

/// `test "name" { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct TestBlock {
    /// Name.
    pub name: Str,
    /// Clauses in order.
    pub clauses: Vec<TestClause>,
    /// Whole block.
    pub span: Span,
}

/// One clause of a test.
#[derive(Debug, Clone, PartialEq)]
pub enum TestClause {
    /// Inline JSON submission (source text).
    GivenJson(String, Span),
    /// Submission in a file, relative to the spec.
    GivenFile(Str),
    /// `assessed_on 2025-06-30`
    AssessedOn(String, Span),
    /// `respondent network`
    Respondent(Ident),
    /// `expect overall green`
    ExpectOverall(Ident),
    /// `expect area workforce red`
    ExpectArea(Ident, Ident),
    /// `expect ACC-WF-01 not_met`
    ExpectRequirement(Ident, Outcome, Span),
}

/// A copy of a tree with every span zeroed and comments dropped, for
/// comparing trees by meaning (the formatter's round trip).
pub fn without_spans(f: &File) -> File {
    let z = Span::default();
    let id = |i: &Ident| Ident {
        name: i.name.clone(),
        span: z,
    };
    let st = |s: &Str| Str {
        value: s.value.clone(),
        span: z,
    };
    fn decl(d: &InputDecl) -> InputDecl {
        let z = Span::default();
        let id = |i: &Ident| Ident {
            name: i.name.clone(),
            span: z,
        };
        let st = |s: &Str| Str {
            value: s.value.clone(),
            span: z,
        };
        InputDecl {
            path: d.path.iter().map(id).collect(),
            ty: InputType {
                kind: match &d.ty.kind {
                    TypeKind::Scalar(ScalarKind::Enum(vs, ls)) => {
                        TypeKind::Scalar(ScalarKind::Enum(
                            vs.iter().map(id).collect(),
                            ls.iter().map(|l| l.as_ref().map(st)).collect(),
                        ))
                    }
                    TypeKind::Scalar(k) => TypeKind::Scalar(k.clone()),
                    TypeKind::List(fs) => TypeKind::List(fs.iter().map(decl).collect()),
                    TypeKind::Group(fs) => TypeKind::Group(fs.iter().map(decl).collect()),
                    TypeKind::Checklist(items) => TypeKind::Checklist(
                        items
                            .iter()
                            .map(|i| ChecklistItem {
                                name: id(&i.name),
                                text: st(&i.text),
                            })
                            .collect(),
                    ),
                },
                constraints: d
                    .ty
                    .constraints
                    .iter()
                    .map(|c| Constraint {
                        is_max: c.is_max,
                        value: c.value.clone(),
                        reference: c.reference.as_ref().map(|r| r.iter().map(id).collect()),
                        span: z,
                    })
                    .collect(),
                question: st(&d.ty.question),
                help: d.ty.help.as_ref().map(st),
                unit: d.ty.unit.as_ref().map(st),
                label: d.ty.label.as_ref().map(st),
                item: d.ty.item.as_ref().map(st),
                period: d.ty.period.as_ref().map(|p| match p {
                    Period::Assessment(_) => Period::Assessment(z),
                    Period::Rolling(n, u, _) => Period::Rolling(n.clone(), u.clone(), z),
                }),
                span: z,
            },
            span: z,
        }
    }
    let items = f
        .items
        .iter()
        .map(|item| match item {
            Item::Spec(h) => Item::Spec(SpecHeader {
                id: id(&h.id),
                title: st(&h.title),
                attrs: h.attrs.iter().map(|(k, v)| (id(k), st(v))).collect(),
                span: z,
            }),
            Item::Use(s) => Item::Use(st(s)),
            Item::Inputs(b) => Item::Inputs(InputsBlock {
                title: b.title.as_ref().map(st),
                respondent: b.respondent.as_ref().map(id),
                decls: b.decls.iter().map(decl).collect(),
                span: z,
            }),
            Item::Let(l) => Item::Let(LetDecl {
                name: id(&l.name),
                value: expr_without_spans(&l.value),
                span: z,
            }),
            Item::Area(a) => Item::Area(AreaBlock {
                name: id(&a.name),
                requirements: a
                    .requirements
                    .iter()
                    .map(|r| Requirement {
                        id: id(&r.id),
                        level: r.level,
                        title: st(&r.title),
                        clauses: r
                            .clauses
                            .iter()
                            .map(|c| match c {
                                Clause::Applies(e) => Clause::Applies(expr_without_spans(e)),
                                Clause::Rule(e) => Clause::Rule(expr_without_spans(e)),
                                Clause::Evidence(k, d, r) => {
                                    Clause::Evidence(id(k), st(d), r.map(|_| z))
                                }
                                Clause::Basis(b) => Clause::Basis(id(b)),
                                Clause::Respondent(b) => Clause::Respondent(id(b)),
                                Clause::Ref(s) => Clause::Ref(st(s)),
                                Clause::Help(s) => Clause::Help(st(s)),
                            })
                            .collect(),
                        span: z,
                    })
                    .collect(),
                span: z,
            }),
            Item::Rating(b) => Item::Rating(RatingBlock {
                rules: b
                    .rules
                    .iter()
                    .map(|r| RatingRule {
                        rating: id(&r.rating),
                        cond: r.cond.clone(),
                        span: z,
                    })
                    .collect(),
                span: z,
            }),
            Item::Test(t) => Item::Test(TestBlock {
                name: st(&t.name),
                clauses: t
                    .clauses
                    .iter()
                    .map(|c| match c {
                        // inline JSON compares by value, not layout
                        TestClause::GivenJson(j, _) => TestClause::GivenJson(
                            serde_json::from_str::<serde_json::Value>(j)
                                .map_or_else(|_| j.clone(), |v| v.to_string()),
                            z,
                        ),
                        TestClause::GivenFile(s) => TestClause::GivenFile(st(s)),
                        TestClause::AssessedOn(d, _) => TestClause::AssessedOn(d.clone(), z),
                        TestClause::Respondent(r) => TestClause::Respondent(id(r)),
                        TestClause::ExpectOverall(r) => TestClause::ExpectOverall(id(r)),
                        TestClause::ExpectArea(a, r) => TestClause::ExpectArea(id(a), id(r)),
                        TestClause::ExpectRequirement(i, o, _) => {
                            TestClause::ExpectRequirement(id(i), *o, z)
                        }
                    })
                    .collect(),
                span: z,
            }),
        })
        .collect();
    File {
        items,
        comments: Vec::new(),
    }
}

/// An expression with every span zeroed.
pub fn expr_without_spans(e: &Expr) -> Expr {
    let z = Span::default();
    let id = |i: &Ident| Ident {
        name: i.name.clone(),
        span: z,
    };
    let b = |x: &Expr| Box::new(expr_without_spans(x));
    let kind = match &e.kind {
        ExprKind::Name(i) => ExprKind::Name(id(i)),
        ExprKind::Field(x, f) => ExprKind::Field(b(x), id(f)),
        ExprKind::List(xs) => ExprKind::List(xs.iter().map(expr_without_spans).collect()),
        ExprKind::Unary(op, x) => ExprKind::Unary(*op, b(x)),
        ExprKind::Binary(op, xy) => ExprKind::Binary(
            *op,
            Box::new((expr_without_spans(&xy.0), expr_without_spans(&xy.1))),
        ),
        ExprKind::If(c, x, y) => ExprKind::If(b(c), b(x), b(y)),
        ExprKind::Quantifier {
            quant,
            var,
            list,
            body,
        } => ExprKind::Quantifier {
            quant: *quant,
            var: id(var),
            list: b(list),
            body: b(body),
        },
        ExprKind::Aggregate {
            func,
            body,
            var,
            list,
            filter,
        } => ExprKind::Aggregate {
            func: id(func),
            body: b(body),
            var: id(var),
            list: b(list),
            filter: filter.as_ref().map(|f| b(f)),
        },
        ExprKind::Count { var, list, filter } => ExprKind::Count {
            var: id(var),
            list: b(list),
            filter: filter.as_ref().map(|f| b(f)),
        },
        ExprKind::Call(f, xs) => ExprKind::Call(id(f), xs.iter().map(expr_without_spans).collect()),
        other => other.clone(),
    };
    Expr { kind, span: z }
}
