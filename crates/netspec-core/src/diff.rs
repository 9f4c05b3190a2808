//! What changed between two versions of a spec, in the spec's own terms:
//! requirements added, removed, retitled, moved to another area, their
//! level, basis, respondent, thresholds, rules and declared evidence; inputs
//! added, removed, retyped, their bounds, questions and units; definitions;
//! and what the change means for a submission written for the old version
//! (answers no longer read, new questions to answer).
//!
//! Requirements are matched by id, inputs by JSON pointer, definitions by
//! name. Rules are compared as compiled (inputs by pointer, definitions by
//! name), so layout, comments and redundant brackets change nothing. A rule
//! that compiles to the same operations but for its literal values
//! (numbers, percents, dates, durations) changed its thresholds: one change
//! per value that differs. Any other difference is a changed rule, given
//! with both texts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::diagnostic::escape_controls;
use crate::inputs::{form, Question};
use crate::ir::{CompiledSpec, Const, Node, Requirement, Ty, AREAS};
use crate::source::SourceMap;

/// What changed between two versions of a spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecDiff {
    /// The old version's spec id.
    pub old_id: String,
    /// The old version's `version`, when declared.
    pub old_version: Option<String>,
    /// The new version's spec id.
    pub new_id: String,
    /// The new version's `version`, when declared.
    pub new_version: Option<String>,
    /// Every change, requirements first (in the new version's order, then
    /// the removed ones), then definitions, then inputs.
    pub changes: Vec<Change>,
    /// Answers a submission written for the old version gives that the new
    /// version no longer reads: the input is gone, or no requirement reads
    /// it any more.
    pub no_longer_read: Vec<Answer>,
    /// Questions of the new version an old submission does not answer, of
    /// those a requirement reads: new inputs, and inputs whose type changed
    /// (an old answer may no longer fit).
    pub to_answer: Vec<Answer>,
}

/// An answer of a submission that a change affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// Its JSON pointer (`*` for a list position).
    pub path: String,
    /// The question it answers.
    pub question: String,
    /// Why it is listed, in words.
    pub why: String,
}

/// One change between two versions of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A requirement only in the new version.
    RequirementAdded {
        /// Requirement id.
        id: String,
        /// Its area key.
        area: String,
        /// `must`, `should` or `may`.
        level: String,
        /// Its title.
        title: String,
    },
    /// A requirement only in the old version.
    RequirementRemoved {
        /// Requirement id.
        id: String,
        /// Its area key.
        area: String,
        /// `must`, `should` or `may`.
        level: String,
        /// Its title.
        title: String,
    },
    /// A requirement's title changed.
    Retitled {
        /// Requirement id.
        id: String,
        /// The old title.
        old: String,
        /// The new title.
        new: String,
    },
    /// A requirement moved to another area.
    MovedArea {
        /// Requirement id.
        id: String,
        /// The old area key.
        old: String,
        /// The new area key.
        new: String,
    },
    /// A requirement's level changed.
    LevelChanged {
        /// Requirement id.
        id: String,
        /// The old level.
        old: String,
        /// The new level.
        new: String,
    },
    /// A requirement's basis changed (`null`: none declared).
    BasisChanged {
        /// Requirement id.
        id: String,
        /// The old basis.
        old: Option<String>,
        /// The new basis.
        new: Option<String>,
    },
    /// Who is judged by a requirement changed.
    RespondentChanged {
        /// Requirement id.
        id: String,
        /// The old respondent.
        old: String,
        /// The new respondent.
        new: String,
    },
    /// One literal value (a number, percent, date or duration) in a rule,
    /// an `applies when` or a definition changed, and nothing else there.
    ThresholdChanged {
        /// Requirement id, or the definition's name.
        id: String,
        /// `rule`, `applies when` or `definition`.
        clause: String,
        /// The old value as written.
        old: String,
        /// The new value as written.
        new: String,
        /// The whole old text it stands in.
        old_text: String,
        /// The whole new text.
        new_text: String,
    },
    /// A rule, an `applies when` or a definition changed in more than its
    /// literal values (`null`: the clause is not there).
    RuleChanged {
        /// Requirement id, or the definition's name.
        id: String,
        /// `rule`, `applies when` or `definition`.
        clause: String,
        /// The old text.
        old: Option<String>,
        /// The new text.
        new: Option<String>,
    },
    /// A piece of evidence declared only in the new version.
    EvidenceAdded {
        /// Requirement id.
        id: String,
        /// Evidence key.
        key: String,
        /// What is expected.
        description: String,
        /// Whether it is required for a met.
        required: bool,
    },
    /// A piece of evidence declared only in the old version.
    EvidenceRemoved {
        /// Requirement id.
        id: String,
        /// Evidence key.
        key: String,
        /// What was expected.
        description: String,
        /// Whether it was required for a met.
        required: bool,
    },
    /// A declared piece of evidence changed its description or whether it
    /// is required.
    EvidenceChanged {
        /// Requirement id.
        id: String,
        /// Evidence key.
        key: String,
        /// The old description.
        old_description: String,
        /// The new description.
        new_description: String,
        /// Required before.
        old_required: bool,
        /// Required now.
        new_required: bool,
    },
    /// An input only in the new version.
    InputAdded {
        /// JSON pointer.
        path: String,
        /// Its type.
        #[serde(rename = "type")]
        ty: String,
        /// The question.
        question: String,
    },
    /// An input only in the old version.
    InputRemoved {
        /// JSON pointer.
        path: String,
        /// Its type.
        #[serde(rename = "type")]
        ty: String,
        /// The question.
        question: String,
    },
    /// An input's type changed (for an enum: its values).
    InputRetyped {
        /// JSON pointer.
        path: String,
        /// The old type.
        old: String,
        /// The new type.
        new: String,
    },
    /// An input's bounds changed (`min`, `max`, bounds by other answers;
    /// for a list, its length).
    RangeChanged {
        /// JSON pointer.
        path: String,
        /// The old bounds as written (empty: none).
        old: String,
        /// The new bounds.
        new: String,
    },
    /// An input's question changed.
    QuestionChanged {
        /// JSON pointer.
        path: String,
        /// The old question.
        old: String,
        /// The new question.
        new: String,
    },
    /// An input's unit changed.
    UnitChanged {
        /// JSON pointer.
        path: String,
        /// The old unit.
        old: Option<String>,
        /// The new unit.
        new: Option<String>,
    },
    /// A `let` definition only in the new version.
    DefinitionAdded {
        /// Its name.
        name: String,
        /// Its value as written.
        text: String,
    },
    /// A `let` definition only in the old version.
    DefinitionRemoved {
        /// Its name.
        name: String,
        /// Its value as written.
        text: String,
    },
}

/// Compares two compiled versions of a spec.
pub fn diff(
    old: &CompiledSpec,
    old_map: &SourceMap,
    new: &CompiledSpec,
    new_map: &SourceMap,
) -> SpecDiff {
    let mut changes = Vec::new();
    let old_reqs: BTreeMap<&str, &Requirement> = old
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let new_ids: BTreeSet<&str> = new.requirements.iter().map(|r| r.id.as_str()).collect();
    for n in &new.requirements {
        match old_reqs.get(n.id.as_str()) {
            None => changes.push(Change::RequirementAdded {
                id: n.id.clone(),
                area: area_key(n.area),
                level: n.level.as_str().into(),
                title: n.title.clone(),
            }),
            Some(o) => requirement_changes((old, old_map, o), (new, new_map, n), &mut changes),
        }
    }
    for o in &old.requirements {
        if !new_ids.contains(o.id.as_str()) {
            changes.push(Change::RequirementRemoved {
                id: o.id.clone(),
                area: area_key(o.area),
                level: o.level.as_str().into(),
                title: o.title.clone(),
            });
        }
    }
    definition_changes(old, old_map, new, new_map, &mut changes);
    let (no_longer_read, to_answer) = input_changes(old, new, &mut changes);
    SpecDiff {
        old_id: old.info.id.clone(),
        old_version: old.info.version.clone(),
        new_id: new.info.id.clone(),
        new_version: new.info.version.clone(),
        changes,
        no_longer_read,
        to_answer,
    }
}

fn area_key(area: usize) -> String {
    AREAS.get(area).map_or("?", |a| a.0).into()
}

fn requirement_changes(
    (old, old_map, o): (&CompiledSpec, &SourceMap, &Requirement),
    (new, new_map, n): (&CompiledSpec, &SourceMap, &Requirement),
    out: &mut Vec<Change>,
) {
    let id = || n.id.clone();
    if o.title != n.title {
        out.push(Change::Retitled {
            id: id(),
            old: o.title.clone(),
            new: n.title.clone(),
        });
    }
    if o.area != n.area {
        out.push(Change::MovedArea {
            id: id(),
            old: area_key(o.area),
            new: area_key(n.area),
        });
    }
    if o.level != n.level {
        out.push(Change::LevelChanged {
            id: id(),
            old: o.level.as_str().into(),
            new: n.level.as_str().into(),
        });
    }
    if o.basis != n.basis {
        out.push(Change::BasisChanged {
            id: id(),
            old: o.basis.map(|b| b.as_str().into()),
            new: n.basis.map(|b| b.as_str().into()),
        });
    }
    if o.respondent != n.respondent {
        out.push(Change::RespondentChanged {
            id: id(),
            old: o.respondent.as_str().into(),
            new: n.respondent.as_str().into(),
        });
    }
    clause_changes(
        &n.id,
        "applies when",
        (old, old_map, o.applies.as_ref()),
        (new, new_map, n.applies.as_ref()),
        out,
    );
    clause_changes(
        &n.id,
        "rule",
        (old, old_map, Some(&o.rule)),
        (new, new_map, Some(&n.rule)),
        out,
    );
    for e in &n.evidence {
        match o.evidence.iter().find(|x| x.key == e.key) {
            None => out.push(Change::EvidenceAdded {
                id: id(),
                key: e.key.clone(),
                description: e.description.clone(),
                required: e.required,
            }),
            Some(x) if x != e => out.push(Change::EvidenceChanged {
                id: id(),
                key: e.key.clone(),
                old_description: x.description.clone(),
                new_description: e.description.clone(),
                old_required: x.required,
                new_required: e.required,
            }),
            Some(_) => {}
        }
    }
    for x in &o.evidence {
        if !n.evidence.iter().any(|e| e.key == x.key) {
            out.push(Change::EvidenceRemoved {
                id: id(),
                key: x.key.clone(),
                description: x.description.clone(),
                required: x.required,
            });
        }
    }
}

fn definition_changes(
    old: &CompiledSpec,
    old_map: &SourceMap,
    new: &CompiledSpec,
    new_map: &SourceMap,
    out: &mut Vec<Change>,
) {
    for n in &new.lets {
        let new_text = new_map.slice(n.value.span).to_string();
        match old.lets.iter().find(|o| o.name == n.name) {
            None => out.push(Change::DefinitionAdded {
                name: n.name.clone(),
                text: new_text,
            }),
            Some(o) => clause_changes(
                &n.name,
                "definition",
                (old, old_map, Some(&o.value)),
                (new, new_map, Some(&n.value)),
                out,
            ),
        }
    }
    for o in &old.lets {
        if !new.lets.iter().any(|n| n.name == o.name) {
            out.push(Change::DefinitionRemoved {
                name: o.name.clone(),
                text: old_map.slice(o.value.span).to_string(),
            });
        }
    }
}

/// One side of a clause: the compiled spec, its sources and the clause.
type Side<'a> = (&'a CompiledSpec, &'a SourceMap, Option<&'a Node>);

/// Compares one clause of two versions: nothing when they compile to the
/// same operations on the same inputs with the same values (layout,
/// comments and redundant brackets aside); a threshold change per literal
/// value that differs when nothing else does; else one rule change with
/// both texts.
fn clause_changes(id: &str, clause: &str, old: Side<'_>, new: Side<'_>, out: &mut Vec<Change>) {
    let text = |(_, map, node): Side<'_>| node.map(|n| map.slice(n.span).to_string());
    let (o, n) = match (old.2, new.2) {
        (None, None) => return,
        (Some(o), Some(n)) => (shape(old.0, old.1, o), shape(new.0, new.1, n)),
        _ => {
            out.push(Change::RuleChanged {
                id: id.into(),
                clause: clause.into(),
                old: text(old),
                new: text(new),
            });
            return;
        }
    };
    if o.ops != n.ops || o.values.len() != n.values.len() {
        out.push(Change::RuleChanged {
            id: id.into(),
            clause: clause.into(),
            old: text(old),
            new: text(new),
        });
        return;
    }
    for ((ov, ot), (nv, nt)) in o.values.iter().zip(&n.values) {
        if ov != nv {
            out.push(Change::ThresholdChanged {
                id: id.into(),
                clause: clause.into(),
                old: ot.clone(),
                new: nt.clone(),
                old_text: text(old).unwrap_or_default(),
                new_text: text(new).unwrap_or_default(),
            });
        }
    }
}

/// A compiled expression laid flat: its operations in order (inputs named
/// by JSON pointer, definitions by name, enum values by name) with its
/// literal numbers, dates and durations taken out, each with its text.
#[derive(Debug, Default)]
struct Shape {
    ops: Vec<String>,
    values: Vec<(Const, String)>,
}

fn shape(spec: &CompiledSpec, map: &SourceMap, node: &Node) -> Shape {
    let mut out = Shape::default();
    walk(spec, map, node, &mut out, 0);
    out
}

fn field_name(spec: &CompiledSpec, record: usize, slot: usize) -> String {
    spec.schema
        .records
        .get(record)
        .and_then(|r| r.fields.get(slot))
        .map_or_else(|| format!("?{record}.{slot}"), |f| f.pointer.clone())
}

fn walk(spec: &CompiledSpec, map: &SourceMap, n: &Node, out: &mut Shape, depth: usize) {
    use crate::ir::NodeKind as K;
    if depth > 1024 {
        out.ops.push("(too deep)".into());
        return;
    }
    let op = match &n.kind {
        K::Const(c @ (Const::Num(_) | Const::Date(_) | Const::Duration(_))) => {
            out.values.push((c.clone(), map.slice(n.span).to_string()));
            "value".to_string()
        }
        K::Const(Const::Enum(i)) => {
            let name = match &n.ty {
                Ty::Enum(e) => spec.schema.enum_value_name(*e, *i),
                _ => None,
            };
            format!(
                "enum {}",
                name.map_or_else(|| i.to_string(), str::to_string)
            )
        }
        K::Const(c) => format!("{c:?}"),
        K::AssessmentDate => "assessment_date".into(),
        K::Input(slot) => format!("input {}", field_name(spec, 0, *slot)),
        K::Var(d) => format!("var {d}"),
        K::Let(i) => format!("let {}", spec.lets.get(*i).map_or("?", |l| l.name.as_str())),
        K::Field(base, slot) => match base.ty {
            Ty::Record(r) | Ty::List(r) => format!("field {}", field_name(spec, r, *slot)),
            _ => format!("field ?{slot}"),
        },
        K::Values(xs) => format!("values {}", xs.len()),
        K::Not(_) => "not".into(),
        K::Neg(_) => "neg".into(),
        K::And(..) => "and".into(),
        K::Or(..) => "or".into(),
        K::Implies(..) => "implies".into(),
        K::Arith(a, ..) => format!("{a:?}"),
        K::DateShift(plus, ..) => format!("date shift {plus}"),
        K::DateDiff(..) => "date diff".into(),
        K::Compare(c, ..) => c.as_str().into(),
        K::In(neg, _, items) => format!("in {neg} {}", items.len()),
        K::Within(..) => "within".into(),
        K::If(..) => "if".into(),
        K::Quantifier(q, ..) => format!("{q:?}"),
        K::Aggregate(f, _, _, filter) => format!("{f:?} {}", filter.is_some()),
        K::Count(_, filter) => format!("count {}", filter.is_some()),
        K::Call(b, args) => format!("{b:?} {}", args.len()),
        K::Present(_) => "present".into(),
        K::Error => "error".into(),
    };
    out.ops.push(op);
    for c in n.children() {
        walk(spec, map, c, out, depth + 1);
    }
}

/// Every question, flattened, by JSON pointer.
fn questions(spec: &CompiledSpec) -> BTreeMap<String, Question> {
    fn walk(q: &Question, out: &mut BTreeMap<String, Question>) {
        let mut flat = q.clone();
        flat.fields.clear();
        out.insert(q.path.clone(), flat);
        for f in &q.fields {
            walk(f, out);
        }
    }
    let mut out = BTreeMap::new();
    for s in form(spec) {
        for q in &s.questions {
            walk(q, &mut out);
        }
    }
    out
}

fn type_of(q: &Question) -> String {
    if q.kind == "enum" {
        format!("enum({})", q.values.join(", "))
    } else {
        q.kind.to_string()
    }
}

fn bounds_of(q: &Question) -> String {
    let mut parts = Vec::new();
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let pct = if q.kind == "percent" { "%" } else { "" };
    if let Some(v) = &q.min {
        parts.push(format!("min {}{pct}", text(v)));
    }
    if let Some(v) = &q.max {
        parts.push(format!("max {}{pct}", text(v)));
    }
    for r in &q.relations {
        let op = if r.op == "at_least" { "min" } else { "max" };
        parts.push(format!("{op} {}", r.bound));
    }
    parts.join(" ")
}

fn input_changes(
    old: &CompiledSpec,
    new: &CompiledSpec,
    out: &mut Vec<Change>,
) -> (Vec<Answer>, Vec<Answer>) {
    let oq = questions(old);
    let nq = questions(new);
    let mut no_longer_read = Vec::new();
    let mut to_answer = Vec::new();
    let read = |q: &Question| !q.read_by.is_empty();
    for (path, n) in &nq {
        let Some(o) = oq.get(path) else {
            out.push(Change::InputAdded {
                path: path.clone(),
                ty: type_of(n),
                question: n.question.clone(),
            });
            if read(n) {
                to_answer.push(Answer {
                    path: path.clone(),
                    question: n.question.clone(),
                    why: "a new question".into(),
                });
            }
            continue;
        };
        let (ot, nt) = (type_of(o), type_of(n));
        if ot != nt {
            out.push(Change::InputRetyped {
                path: path.clone(),
                old: ot.clone(),
                new: nt.clone(),
            });
            if read(n) {
                to_answer.push(Answer {
                    path: path.clone(),
                    question: n.question.clone(),
                    why: format!("its type changed from {ot} to {nt}"),
                });
            }
        }
        let (ob, nb) = (bounds_of(o), bounds_of(n));
        if ob != nb {
            out.push(Change::RangeChanged {
                path: path.clone(),
                old: ob,
                new: nb,
            });
        }
        if o.question != n.question {
            out.push(Change::QuestionChanged {
                path: path.clone(),
                old: o.question.clone(),
                new: n.question.clone(),
            });
        }
        if o.unit != n.unit {
            out.push(Change::UnitChanged {
                path: path.clone(),
                old: o.unit.clone(),
                new: n.unit.clone(),
            });
        }
        if read(o) && !read(n) {
            no_longer_read.push(Answer {
                path: path.clone(),
                question: o.question.clone(),
                why: "no requirement reads it any more".into(),
            });
        }
    }
    for (path, o) in &oq {
        if !nq.contains_key(path) {
            out.push(Change::InputRemoved {
                path: path.clone(),
                ty: type_of(o),
                question: o.question.clone(),
            });
            no_longer_read.push(Answer {
                path: path.clone(),
                question: o.question.clone(),
                why: "the question was removed".into(),
            });
        }
    }
    (no_longer_read, to_answer)
}

impl SpecDiff {
    /// Whether the two versions differ in anything the diff compares.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.no_longer_read.is_empty() && self.to_answer.is_empty()
    }
}

/// One text for a terminal: on one line, control characters escaped.
fn one_line(text: &str) -> String {
    let joined: Vec<&str> = text.split_whitespace().collect();
    escape_controls(&joined.join(" ")).into_owned()
}

fn opt(text: &Option<String>) -> String {
    text.as_deref().map_or("(none)".into(), one_line)
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = one_line;
        match self {
            Change::RequirementAdded {
                id,
                area,
                level,
                title,
            } => write!(
                f,
                "+ requirement {} {} in {}: {}",
                s(id),
                level,
                area,
                s(title)
            ),
            Change::RequirementRemoved {
                id,
                area,
                level,
                title,
            } => write!(
                f,
                "- requirement {} {} in {}: {}",
                s(id),
                level,
                area,
                s(title)
            ),
            Change::Retitled { id, old, new } => write!(
                f,
                "~ requirement {} retitled\n    old: {}\n    new: {}",
                s(id),
                s(old),
                s(new)
            ),
            Change::MovedArea { id, old, new } => {
                write!(f, "~ requirement {} moved from {} to {}", s(id), old, new)
            }
            Change::LevelChanged { id, old, new } => {
                write!(f, "~ requirement {} level {} -> {}", s(id), old, new)
            }
            Change::BasisChanged { id, old, new } => {
                write!(
                    f,
                    "~ requirement {} basis {} -> {}",
                    s(id),
                    opt(old),
                    opt(new)
                )
            }
            Change::RespondentChanged { id, old, new } => {
                write!(f, "~ requirement {} respondent {} -> {}", s(id), old, new)
            }
            Change::ThresholdChanged {
                id,
                clause,
                old,
                new,
                old_text,
                new_text,
            } => write!(
                f,
                "~ {} {} threshold {} -> {}\n    old: {}\n    new: {}",
                what(clause, id),
                clause,
                s(old),
                s(new),
                s(old_text),
                s(new_text)
            ),
            Change::RuleChanged {
                id,
                clause,
                old,
                new,
            } => write!(
                f,
                "~ {} {} changed\n    old: {}\n    new: {}",
                what(clause, id),
                clause,
                opt(old),
                opt(new)
            ),
            Change::EvidenceAdded {
                id,
                key,
                description,
                required,
            } => write!(
                f,
                "+ requirement {} evidence {}{}: {}",
                s(id),
                s(key),
                if *required { " (required)" } else { "" },
                s(description)
            ),
            Change::EvidenceRemoved {
                id,
                key,
                description,
                required,
            } => write!(
                f,
                "- requirement {} evidence {}{}: {}",
                s(id),
                s(key),
                if *required { " (required)" } else { "" },
                s(description)
            ),
            Change::EvidenceChanged {
                id,
                key,
                old_description,
                new_description,
                old_required,
                new_required,
            } => {
                write!(f, "~ requirement {} evidence {}", s(id), s(key))?;
                if old_required != new_required {
                    let word = |r: bool| if r { "required" } else { "not required" };
                    write!(f, " {} -> {}", word(*old_required), word(*new_required))?;
                }
                if old_description != new_description {
                    write!(
                        f,
                        "\n    old: {}\n    new: {}",
                        s(old_description),
                        s(new_description)
                    )?;
                }
                Ok(())
            }
            Change::InputAdded { path, ty, question } => {
                write!(f, "+ input {} ({}): {}", s(path), s(ty), s(question))
            }
            Change::InputRemoved { path, ty, question } => {
                write!(f, "- input {} ({}): {}", s(path), s(ty), s(question))
            }
            Change::InputRetyped { path, old, new } => {
                write!(f, "~ input {} type {} -> {}", s(path), s(old), s(new))
            }
            Change::RangeChanged { path, old, new } => {
                let b = |t: &String| if t.is_empty() { "(none)".into() } else { s(t) };
                write!(f, "~ input {} bounds {} -> {}", s(path), b(old), b(new))
            }
            Change::QuestionChanged { path, old, new } => write!(
                f,
                "~ input {} question changed\n    old: {}\n    new: {}",
                s(path),
                s(old),
                s(new)
            ),
            Change::UnitChanged { path, old, new } => {
                write!(f, "~ input {} unit {} -> {}", s(path), opt(old), opt(new))
            }
            Change::DefinitionAdded { name, text } => {
                write!(f, "+ definition {} = {}", s(name), s(text))
            }
            Change::DefinitionRemoved { name, text } => {
                write!(f, "- definition {} = {}", s(name), s(text))
            }
        }
    }
}

fn what(clause: &str, id: &str) -> String {
    if clause == "definition" {
        format!("definition {}", one_line(id))
    } else {
        format!("requirement {}", one_line(id))
    }
}

impl fmt::Display for SpecDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let version = |v: &Option<String>| {
            v.as_deref()
                .map_or(String::new(), |v| format!(" {}", one_line(v)))
        };
        writeln!(
            f,
            "{}{} -> {}{}",
            one_line(&self.old_id),
            version(&self.old_version),
            one_line(&self.new_id),
            version(&self.new_version)
        )?;
        if self.is_empty() {
            return writeln!(f, "no changes");
        }
        for c in &self.changes {
            writeln!(f, "{c}")?;
        }
        let answers = |f: &mut fmt::Formatter<'_>, title: &str, list: &[Answer]| {
            if list.is_empty() {
                return Ok(());
            }
            writeln!(f, "\n{title}:")?;
            for a in list {
                writeln!(
                    f,
                    "  {} \"{}\" ({})",
                    one_line(&a.path),
                    one_line(&a.question),
                    one_line(&a.why)
                )?;
            }
            Ok(())
        };
        answers(
            f,
            "answers of an old submission no longer read",
            &self.no_longer_read,
        )?;
        answers(
            f,
            "questions an old submission does not answer",
            &self.to_answer,
        )?;
        let count = |pred: fn(&Change) -> bool| self.changes.iter().filter(|c| pred(c)).count();
        writeln!(
            f,
            "\n{} change(s): {} threshold(s), {} rule(s), {} requirement(s) added, {} removed, {} input(s) added, {} removed",
            self.changes.len(),
            count(|c| matches!(c, Change::ThresholdChanged { .. })),
            count(|c| matches!(c, Change::RuleChanged { .. })),
            count(|c| matches!(c, Change::RequirementAdded { .. })),
            count(|c| matches!(c, Change::RequirementRemoved { .. })),
            count(|c| matches!(c, Change::InputAdded { .. })),
            count(|c| matches!(c, Change::InputRemoved { .. })),
        )
    }
}
