//! The compiled spec: [`CompiledSpec`], made by [`crate::check`] from the
//! syntax tree and read by the evaluator, the report, the form and the tests.
//!
//! Names are gone: every input read is a slot index in a record schema, every
//! definition a `let` index, every bound variable a position on the
//! evaluator's element stack, and every operator carries the operand kind
//! the checker inferred, so the evaluator never looks anything up by name.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::calendar::{Date, Duration};
use crate::number::Num;
use crate::source::Span;
use crate::vocab::{Basis, Level, LevelSet, Outcome, Quant, Rating, RatingQuant, Respondent};

/// Facts about the spec from its header.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SpecInfo {
    /// Spec id.
    pub id: String,
    /// Title.
    pub title: String,
    /// `version` attribute.
    pub version: Option<String>,
    /// `source` attribute.
    pub source: Option<String>,
    /// `evidence "required"`: every declared evidence item is required.
    pub evidence_required: bool,
}

/// A spec that compiled: its header facts, inputs, definitions,
/// requirements, rating rules and tests, with names resolved to slots.
///
/// Serialised, it is the content of a compiled document
/// ([`crate::document`]); what can be made again from the rest (the tests,
/// the index of requirements by id) is left out and remade on loading.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CompiledSpec {
    /// Header facts.
    pub info: SpecInfo,
    /// Inputs.
    pub schema: Schema,
    /// Definitions.
    pub lets: Vec<LetDef>,
    /// Requirements in report order.
    pub requirements: Vec<Requirement>,
    /// Rating rules (the default when the spec has none).
    pub rating: Vec<RatingRule>,
    /// Whether the spec declared its own rating block.
    pub custom_rating: bool,
    /// Tests.
    #[serde(skip)]
    pub tests: Vec<TestCase>,
    /// Whether the `test` blocks were read (false when compiled without
    /// them: then [`CompiledSpec::tests`] is empty whatever the files hold).
    #[serde(skip)]
    pub tests_read: bool,
    /// Whether any rule reads the assessment date.
    pub uses_assessment_date: bool,
    /// Each requirement's place in [`CompiledSpec::requirements`], by id.
    #[serde(skip)]
    pub requirement_index: HashMap<String, usize>,
}

impl CompiledSpec {
    /// record id → (parent record, slot of the list/group field).
    pub(crate) fn parents(&self) -> BTreeMap<RecordId, (RecordId, usize)> {
        let mut p = BTreeMap::new();
        for (rid, r) in self.schema.records.iter().enumerate() {
            for (slot, f) in r.fields.iter().enumerate() {
                match f.kind {
                    FieldKind::List { record, .. } | FieldKind::Group { record } => {
                        p.insert(record, (rid, slot));
                    }
                    FieldKind::Scalar { .. } => {}
                }
            }
        }
        p
    }

    /// Every input (or list/group field) some requirement reads, directly or
    /// through definitions, or that bounds another answer, with the lists and
    /// groups that hold them: what the
    /// unread-input lint needs. A walk that visits each definition once, so
    /// its time is linear in the size of the spec (unlike [`crate::inputs::readers`], whose
    /// answer, per requirement, can be as large as inputs × requirements).
    #[cfg(feature = "compile")]
    pub(crate) fn read_anywhere(&self) -> std::collections::BTreeSet<(RecordId, usize)> {
        let mut reads = std::collections::BTreeSet::new();
        let mut seen = vec![false; self.lets.len()];
        let mut stack: Vec<&Node> = Vec::new();
        for r in &self.requirements {
            stack.extend(r.applies.iter());
            stack.push(&r.rule);
        }
        // an answer that bounds another (`max shifts_total`) is read when the
        // submission is, to check the bound
        for rec in &self.schema.records {
            for f in &rec.fields {
                stack.extend(f.relations.iter().map(|r| &r.bound));
            }
        }
        while let Some(n) = stack.pop() {
            match &n.kind {
                NodeKind::Input(slot) => {
                    reads.insert((0, *slot));
                }
                NodeKind::Field(base, slot) => {
                    if let Ty::Record(r) = base.ty {
                        reads.insert((r, *slot));
                    }
                    stack.push(base);
                }
                NodeKind::Let(i) => {
                    if let (Some(false), Some(def)) = (seen.get(*i).copied(), self.lets.get(*i)) {
                        if let Some(s) = seen.get_mut(*i) {
                            *s = true;
                        }
                        stack.push(&def.value);
                    }
                }
                _ => stack.extend(n.children()),
            }
        }
        // parents of read fields are read too
        let parents = self.parents();
        let fields: Vec<(RecordId, usize)> = reads.iter().copied().collect();
        for (rec, _) in fields {
            let mut r = rec;
            while let Some(&(prec, pslot)) = parents.get(&r) {
                reads.insert((prec, pslot));
                r = prec;
            }
        }
        reads
    }
}

/// The seven functional areas, in report order.
pub const AREAS: [(&str, &str); 7] = [
    ("service_delivery", "Service delivery"),
    ("resources", "Resources"),
    ("workforce", "Workforce"),
    ("quality", "Quality"),
    ("collaboration", "Collaboration"),
    ("transformation", "Transformation"),
    ("population_health", "Population health"),
];

/// Index of a record schema; 0 is the submission root.
pub type RecordId = usize;
/// Index of an enum definition.
pub type EnumId = usize;

/// The static type of an expression.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Ty {
    /// true / false / unknown
    Bool,
    /// Whole number (a count).
    Int,
    /// Any exact number (a rate, a mean).
    Number,
    /// A percent; held as a fraction (85% = 0.85).
    Percent,
    /// A calendar date.
    Date,
    /// A length of time.
    Duration,
    /// Free text.
    Text,
    /// A value of an enum input.
    Enum(EnumId),
    /// A group or list element.
    Record(RecordId),
    /// A list input.
    List(RecordId),
    /// A list literal of scalars.
    Values(Box<Ty>),
    /// A bare name not yet resolved: an enum value if compared with an enum.
    EnumName(String, Span),
    /// After an error; accepted everywhere so one mistake reports once.
    Error,
}

/// A record as the language reference names it: a `checklist`, an element
/// of a `list` (`list element`) or a `group`.
fn record_noun(schema: &Schema, r: RecordId) -> &'static str {
    if schema.records.get(r).is_some_and(|x| x.checklist) {
        return "checklist";
    }
    let listed = schema
        .records
        .iter()
        .flat_map(|x| &x.fields)
        .any(|f| matches!(f.kind, FieldKind::List { record, .. } if record == r));
    if listed {
        "list element"
    } else {
        "group"
    }
}

impl Ty {
    /// How the type is named in messages.
    pub fn describe(&self, schema: &Schema) -> String {
        match self {
            Ty::Bool => "bool".into(),
            Ty::Int => "int".into(),
            Ty::Number => "number".into(),
            Ty::Percent => "percent".into(),
            Ty::Date => "date".into(),
            Ty::Duration => "duration".into(),
            Ty::Text => "text".into(),
            Ty::Enum(e) => schema.enums.get(*e).map_or("enum".into(), |d| {
                format!("enum({})", d.variants.join(", "))
            }),
            Ty::Record(r) => record_noun(schema, *r).into(),
            Ty::List(_) => "list".into(),
            // an empty `[]` (or one whose values are all in error)
            Ty::Values(t) if matches!(**t, Ty::Error) => "list with no values".into(),
            Ty::Values(t) => format!("list of {}", t.describe(schema)),
            Ty::EnumName(n, _) => format!("name `{n}`"),
            Ty::Error => "error".into(),
        }
    }

    /// Int, number or percent.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Number | Ty::Percent | Ty::Error)
    }
}

/// An enum's values.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EnumDef {
    /// Values in declaration order.
    pub variants: Vec<String>,
    /// Each value's display label (`enum(a "A", …)`), in step with
    /// `variants`; empty when no value has one.
    pub labels: Vec<Option<String>>,
}

impl EnumDef {
    /// The label declared for value `name`, if any.
    pub fn label_of(&self, name: &str) -> Option<&str> {
        let i = self.variants.iter().position(|v| v == name)?;
        self.labels.get(i)?.as_deref()
    }
}

/// The declared inputs, as records of fields.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Schema {
    /// Record 0 is the root.
    pub records: Vec<RecordSchema>,
    /// Enum definitions.
    pub enums: Vec<EnumDef>,
}

impl Schema {
    /// The name of value `i` of enum `e`, when both exist.
    pub(crate) fn enum_value_name(&self, e: usize, i: u32) -> Option<&str> {
        let i = usize::try_from(i).ok()?;
        Some(self.enums.get(e)?.variants.get(i)?.as_str())
    }
}

/// The fields of one record (root, group or list element).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RecordSchema {
    /// Fields in declaration order; a field's index is its slot.
    pub fields: Vec<FieldDef>,
    /// For display of list elements: the slot of the first text field.
    pub label_slot: Option<usize>,
    /// A `checklist`: every field is an item the spec owns, answered with the
    /// one enum `yes, no, not_applicable` (stored as a group; rules walk its
    /// items' values).
    pub checklist: bool,
}

/// The values of every checklist item, in order.
pub const CHECKLIST_VALUES: [&str; 3] = ["yes", "no", "not_applicable"];

/// Scalar input types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ScalarTy {
    /// bool
    Bool,
    /// int
    Int,
    /// number
    Number,
    /// percent (0–100 in JSON)
    Percent,
    /// date
    Date,
    /// text
    Text,
    /// enum
    Enum(EnumId),
}

/// A bound on an input.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Bound {
    /// Numeric bound (percents as fractions).
    Num(Num),
    /// Date bound.
    Date(Date),
}

/// What a field holds.
#[derive(Debug, Clone, serde::Serialize)]
pub enum FieldKind {
    /// One value.
    Scalar {
        /// Type.
        ty: ScalarTy,
        /// Inclusive lower bound.
        min: Option<Bound>,
        /// Inclusive upper bound.
        max: Option<Bound>,
    },
    /// A list of records.
    List {
        /// Element schema.
        record: RecordId,
        /// Fewest elements.
        min_len: Option<usize>,
        /// Most elements.
        max_len: Option<usize>,
    },
    /// A nested group.
    Group {
        /// Group schema.
        record: RecordId,
    },
}

/// The period an activity count covers.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum CountPeriod {
    /// The submission's assessment period (header `period`).
    Assessment,
    /// A rolling window ending on the period end (or the caller's date).
    Rolling(Duration),
}

/// Which way an answer is bounded by another answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RelationOp {
    /// The answer is at most the other (`max other`).
    AtMost,
    /// The answer is at least the other (`min other`).
    AtLeast,
}

impl RelationOp {
    /// Whether an answer that compares with its bound as `ordering` keeps
    /// the relation.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        match self {
            RelationOp::AtMost => ordering.is_le(),
            RelationOp::AtLeast => ordering.is_ge(),
        }
    }
}

/// An answer bounded by another answer of the same unit: "of those shifts,
/// how many …" is at most the shifts. Checked when a submission is read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Relation {
    /// Direction.
    pub op: RelationOp,
    /// The bound: reads a sibling field, a top-level input or a definition,
    /// evaluated with the field's record as the innermost element.
    pub bound: Node,
    /// The bound as written (`shifts_total`).
    pub text: String,
    /// When the bound is one input: its JSON pointer pattern (`/units/*/shifts_total`).
    pub bound_pointer: Option<String>,
}

/// One declared input.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldDef {
    /// JSON key.
    pub name: String,
    /// The question asked.
    pub question: String,
    /// Guidance.
    pub help: Option<String>,
    /// Unit for display.
    pub unit: Option<String>,
    /// Short label for explanations (`label "…"`); `None`: made from the name.
    pub label: Option<String>,
    /// For a list: what one element is called in reports (`item "unit"`).
    pub item: Option<String>,
    /// Who answers it.
    pub respondent: Respondent,
    /// For a count: the period it covers.
    pub period: Option<CountPeriod>,
    /// Answers this one is bounded by (checked when a submission is read).
    pub relations: Vec<Relation>,
    /// The `inputs` block title it was declared in (one text shared by the
    /// block's inputs).
    pub section: Option<Arc<str>>,
    /// Type and constraints.
    pub kind: FieldKind,
    /// JSON pointer with `*` for list indices, e.g. `/units/*/l3_beds`.
    pub pointer: String,
    /// Declaration.
    pub span: Span,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Const {
    /// Bool.
    Bool(bool),
    /// Number (int, number or percent).
    Num(Num),
    /// Date.
    Date(Date),
    /// Duration.
    Duration(Duration),
    /// Text.
    Text(Arc<str>),
    /// Enum value index.
    Enum(u32),
}

/// A compiled expression with its source span.
#[derive(Debug, Clone)]
pub struct Node {
    /// The operation.
    pub kind: NodeKind,
    /// Where it came from (for explanations).
    pub span: Span,
    /// Its static type.
    pub ty: Ty,
}

impl Node {
    /// Whether the node reads an input (possibly through fields): what
    /// `present` may be applied to.
    pub(crate) fn is_input_read(&self) -> bool {
        match &self.kind {
            NodeKind::Input(_) => true,
            NodeKind::Field(base, _) => matches!(
                base.kind,
                NodeKind::Input(_) | NodeKind::Var(_) | NodeKind::Field(..)
            ),
            _ => false,
        }
    }

    /// The operations this one applies to, in source order (a definition's
    /// value is not among them: that is [`CompiledSpec::lets`]).
    pub fn children(&self) -> Children<'_> {
        use NodeKind as K;
        let none: &[Node] = &[];
        let (fixed, rest) = match &self.kind {
            K::Const(_) | K::AssessmentDate | K::Input(_) | K::Var(_) | K::Let(_) | K::Error => {
                ([None, None, None], none)
            }
            K::Field(x, _) | K::Not(x) | K::Neg(x) | K::Present(x) => {
                ([Some(&**x), None, None], none)
            }
            K::And(a, b)
            | K::Or(a, b)
            | K::Implies(a, b)
            | K::Arith(_, a, b)
            | K::DateShift(_, a, b)
            | K::DateDiff(a, b)
            | K::Compare(_, a, b)
            | K::Within(a, b)
            | K::Quantifier(_, a, b) => ([Some(&**a), Some(&**b), None], none),
            K::If(c, a, b) => ([Some(&**c), Some(&**a), Some(&**b)], none),
            K::Values(xs) | K::Call(_, xs) => ([None, None, None], xs.as_slice()),
            K::In(_, x, items) => ([Some(&**x), None, None], items.as_slice()),
            K::Aggregate(_, l, b, f) => ([Some(&**l), Some(&**b), f.as_deref()], none),
            K::Count(l, f) => ([Some(&**l), f.as_deref(), None], none),
        };
        Children {
            fixed: fixed.into_iter(),
            rest: rest.iter(),
        }
    }
}

/// The operations a [`Node`] applies to ([`Node::children`]).
#[derive(Debug, Clone)]
pub struct Children<'a> {
    fixed: std::array::IntoIter<Option<&'a Node>, 3>,
    rest: std::slice::Iter<'a, Node>,
}

impl<'a> Iterator for Children<'a> {
    type Item = &'a Node;

    fn next(&mut self) -> Option<&'a Node> {
        for n in self.fixed.by_ref() {
            if n.is_some() {
                return n;
            }
        }
        self.rest.next()
    }
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Arith {
    /// +
    Add,
    /// -
    Sub,
    /// *
    Mul,
    /// /
    Div,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Cmp {
    /// ==
    Eq,
    /// !=
    Ne,
    /// <
    Lt,
    /// <=
    Le,
    /// >
    Gt,
    /// >=
    Ge,
}

impl Cmp {
    /// Operator text.
    pub fn as_str(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }

    /// Whether two values that compare as `ordering` satisfy the operator.
    #[inline]
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        match self {
            Cmp::Eq => ordering.is_eq(),
            Cmp::Ne => ordering.is_ne(),
            Cmp::Lt => ordering.is_lt(),
            Cmp::Le => ordering.is_le(),
            Cmp::Gt => ordering.is_gt(),
            Cmp::Ge => ordering.is_ge(),
        }
    }
}

/// Aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum AggFn {
    /// sum
    Sum,
    /// mean
    Mean,
    /// min
    Min,
    /// max
    Max,
}

/// The functions called with arguments, declared in [`crate::builtins`].
pub use crate::builtins::Builtin;

/// Compiled operations.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A literal.
    Const(Const),
    /// The assessment date.
    AssessmentDate,
    /// A field of the submission root.
    Input(usize),
    /// The element bound `depth` quantifiers out (0 = innermost).
    Var(usize),
    /// A `let` definition.
    Let(usize),
    /// `record.field`
    Field(Box<Node>, usize),
    /// A list literal `[a, b]`.
    Values(Vec<Node>),
    /// `not`
    Not(Box<Node>),
    /// unary minus
    Neg(Box<Node>),
    /// `and`
    And(Box<Node>, Box<Node>),
    /// `or`
    Or(Box<Node>, Box<Node>),
    /// `implies`
    Implies(Box<Node>, Box<Node>),
    /// Numeric arithmetic.
    Arith(Arith, Box<Node>, Box<Node>),
    /// date ± duration
    DateShift(bool, Box<Node>, Box<Node>),
    /// date - date (days)
    DateDiff(Box<Node>, Box<Node>),
    /// A comparison.
    Compare(Cmp, Box<Node>, Box<Node>),
    /// `x in [..]` (negated for `not in`).
    In(bool, Box<Node>, Vec<Node>),
    /// `date within duration`
    Within(Box<Node>, Box<Node>),
    /// `if c then a else b`
    If(Box<Node>, Box<Node>, Box<Node>),
    /// `all`/`any`
    Quantifier(Quant, Box<Node>, Box<Node>),
    /// sum/mean/min/max over a list.
    Aggregate(AggFn, Box<Node>, Box<Node>, Option<Box<Node>>),
    /// count of elements.
    Count(Box<Node>, Option<Box<Node>>),
    /// A function call.
    Call(Builtin, Vec<Node>),
    /// `present(path)`
    Present(Box<Node>),
    /// Left after an error; never evaluated in a spec that compiled.
    Error,
}

/// A declared piece of evidence (in reports as it is here).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DeclaredEvidence"))]
pub struct EvidenceDecl {
    /// Key used in submissions.
    pub key: String,
    /// What is expected.
    pub description: String,
    /// Whether the requirement counts as met only with this evidence given:
    /// when its rule holds and required evidence is missing, the outcome is
    /// `incomplete` and `missing` lists `/evidence/REQ-ID/KEY`.
    pub required: bool,
}

/// A compiled requirement.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Requirement {
    /// Id.
    pub id: String,
    /// Area index into [`AREAS`].
    pub area: usize,
    /// Level.
    pub level: Level,
    /// Title.
    pub title: String,
    /// Source reference.
    pub reference: Option<String>,
    /// Guidance text.
    pub help: Option<String>,
    /// Where its threshold comes from; `None` when not declared.
    pub basis: Option<Basis>,
    /// Who is judged by it.
    pub respondent: Respondent,
    /// Applicability.
    pub applies: Option<Node>,
    /// The rule.
    pub rule: Node,
    /// Evidence declared.
    pub evidence: Vec<EvidenceDecl>,
    /// The keys of the evidence declared, in order (what a report lists as
    /// missing when none is given).
    #[serde(skip)]
    pub evidence_keys: Vec<String>,
    /// Declaration span.
    pub span: Span,
    /// Span of the id.
    pub id_span: Span,
    /// Span of the title.
    pub title_span: Span,
}

/// A compiled rating rule.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RatingRule {
    /// Rating name.
    pub rating: Rating,
    /// `None` means otherwise.
    pub cond: Option<RatingExpr>,
}

/// Rating conditions, compiled.
#[derive(Debug, Clone, serde::Serialize)]
pub enum RatingExpr {
    /// all
    And(Vec<RatingExpr>),
    /// any
    Or(Vec<RatingExpr>),
    /// not
    Not(Box<RatingExpr>),
    /// `all must met`
    Quant(RatingQuant, LevelSet, Outcome),
    /// `count(should not_met) <= 2`
    Count(LevelSet, Outcome, Cmp, u64),
}

/// A compiled `let`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LetDef {
    /// Name.
    pub name: String,
    /// Value.
    pub value: Node,
}

/// A test's expectation.
#[derive(Debug, Clone)]
pub enum Expectation {
    /// Requirement outcome.
    Requirement(String, Outcome),
    /// Area rating.
    Area(usize, Rating),
    /// Overall rating.
    Overall(Rating),
}

/// A compiled test.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Name.
    pub name: String,
    /// The submission as JSON text: the text of its `given` (without a
    /// byte order mark) when that is a clean submission read into the same
    /// answers as the text `serde_json::to_string` writes for its value (no
    /// number that a double would change); otherwise that written text
    /// (keys sorted).
    pub given: String,
    /// Assessment date override.
    pub assessed_on: Option<Date>,
    /// Who the test's submission is from (used when its `given` has no header).
    pub respondent: Respondent,
    /// Expectations in order.
    pub expect: Vec<Expectation>,
    /// Declaration.
    pub span: Span,
}
