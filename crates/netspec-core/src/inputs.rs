//! The form: a compiled spec's declared inputs → what a respondent is asked
//! ([`form`]: sections of questions with types, bounds, units and the
//! requirements that read each one) and the JSON Schema of a valid
//! submission ([`json_schema`], draft 2020-12).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::ir::CompiledSpec;
use crate::ir::{
    Bound, CountPeriod, FieldDef, FieldKind, Node, NodeKind, RecordId, RelationOp, ScalarTy, Ty,
    CHECKLIST_VALUES,
};
use crate::number::Num;
use crate::vocab::Respondent;

/// One question (or list/group of questions) in the form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Question {
    /// JSON key.
    pub name: String,
    /// JSON pointer, with `*` standing for list positions.
    pub path: String,
    /// `bool`, `int`, `number`, `percent`, `date`, `text`, `enum`, `list`,
    /// `group` or `checklist` (its `fields` are its items, each an `enum`
    /// question with the `values` yes, no, not_applicable).
    #[serde(rename = "type")]
    #[cfg_attr(
        feature = "ts",
        ts(
            type = "\"bool\" | \"int\" | \"number\" | \"percent\" | \"date\" | \"text\" | \"enum\" | \"list\" | \"group\" | \"checklist\""
        )
    )]
    pub kind: &'static str,
    /// The question text.
    pub question: String,
    /// A short label for explanations (`label "…"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub label: Option<String>,
    /// Who answers it: `provider` (the default) or `network` (`inputs "…"
    /// respondent network { … }`).
    #[cfg_attr(feature = "ts", ts(as = "Respondent"))]
    pub respondent: &'static str,
    /// For a count: the period it covers, in words ("in the assessment
    /// period", "in the 12 months to the period end").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub period: Option<String>,
    /// Other answers this one is bounded by (`max shifts_total`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub relations: Vec<QuestionRelation>,
    /// For a list: what one element is called (`item "unit"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub item: Option<String>,
    /// Guidance.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub help: Option<String>,
    /// Unit for display.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unit: Option<String>,
    /// Lower bound (percent in percent points; dates as text; list length).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number | string | null"))]
    pub min: Option<Json>,
    /// Upper bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number | string | null"))]
    pub max: Option<Json>,
    /// Allowed values of an enum.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub values: Vec<String>,
    /// How each value is shown to people, in step with `values`: its
    /// declared label (`enum(a "A", …)`), else its name. Left out when no
    /// value has a label.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub value_labels: Vec<String>,
    /// Fields of a list element or group; for a checklist, its items (each
    /// an `enum` question whose `values` are `yes`, `no`, `not_applicable`,
    /// named by its key and worded by its `question`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub fields: Vec<Question>,
    /// Requirements whose rules read this input (at most [`MAX_READ_BY`]).
    pub read_by: Vec<String>,
}

/// An answer's bound by another answer, for the form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuestionRelation {
    /// `at_most` (`max other`): the answer is at most the bound; `at_least`
    /// (`min other`): at least it.
    #[cfg_attr(feature = "ts", ts(type = "\"at_most\" | \"at_least\""))]
    pub op: &'static str,
    /// The bound as written (`shifts_total`).
    pub bound: String,
    /// The other question's JSON pointer pattern, when the bound is one input.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub path: Option<String>,
    /// The other question's text, when the bound is one input.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub question: Option<String>,
    /// In words: "at most the answer to “How many nursing shifts …?”".
    pub words: String,
}

/// A titled group of questions (one `inputs` block title).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Section {
    /// The block title (`null` when untitled).
    pub title: Option<String>,
    /// Its questions.
    pub questions: Vec<Question>,
}

/// Every question of a spec, grouped into sections in declaration order.
pub fn form(spec: &CompiledSpec) -> Vec<Section> {
    form_for(spec, None)
}

/// The questions one respondent answers (`None`: every question), grouped
/// into sections in declaration order. A respondent's form leaves out the
/// other respondent's questions (and sections that would be empty).
pub fn form_for(spec: &CompiledSpec, respondent: Option<Respondent>) -> Vec<Section> {
    let readers = readers(spec);
    let mut sections: Vec<Section> = Vec::new();
    let Some(root) = spec.schema.records.first() else {
        return sections;
    };
    for (slot, f) in root.fields.iter().enumerate() {
        if respondent.is_some_and(|r| r != f.respondent) {
            continue;
        }
        let mut q = question(spec, 0, slot, f, &readers);
        if let Some(r) = respondent {
            drop_other_respondent(&mut q, r.as_str());
        }
        match sections
            .iter_mut()
            .find(|s| s.title.as_deref() == f.section.as_deref())
        {
            Some(s) => s.questions.push(q),
            None => sections.push(Section {
                title: f.section.as_deref().map(str::to_string),
                questions: vec![q],
            }),
        }
    }
    sections
}

/// Removes the fields of a group or list that the other respondent answers.
fn drop_other_respondent(q: &mut Question, who: &str) {
    q.fields.retain(|f| f.respondent == who);
    for f in &mut q.fields {
        drop_other_respondent(f, who);
    }
}

/// The period a count covers, in words.
pub fn period_words(p: CountPeriod) -> String {
    match p {
        CountPeriod::Assessment => "in the assessment period".to_string(),
        CountPeriod::Rolling(d) => format!("in the {d} to the period end"),
    }
}

/// The question a bound names, when it is one input: its pointer and text.
fn bound_question<'s>(spec: &'s CompiledSpec, pointer: Option<&str>) -> Option<&'s FieldDef> {
    let pointer = pointer?;
    spec.schema
        .records
        .iter()
        .flat_map(|r| r.fields.iter())
        .find(|f| f.pointer == pointer)
}

/// A field's bounds by other answers, for the form and the schema.
fn relations(spec: &CompiledSpec, f: &FieldDef) -> Vec<QuestionRelation> {
    f.relations
        .iter()
        .map(|r| {
            let other = bound_question(spec, r.bound_pointer.as_deref());
            let (op, lead) = match r.op {
                RelationOp::AtMost => ("at_most", "at most"),
                RelationOp::AtLeast => ("at_least", "at least"),
            };
            let words = match other {
                Some(o) => format!("{lead} the answer to \u{201c}{}\u{201d}", o.question),
                None => format!("{lead} `{}`", r.text),
            };
            QuestionRelation {
                op,
                bound: r.text.clone(),
                path: r.bound_pointer.clone(),
                question: other.map(|o| o.question.clone()),
                words,
            }
        })
        .collect()
}

fn bound_json(b: Bound, percent: bool) -> Json {
    match b {
        Bound::Num(n) => {
            let n = if percent {
                n.times(Num::int(100)).unwrap_or(n)
            } else {
                n
            };
            number_json(n)
        }
        Bound::Date(d) => Json::String(d.to_string()),
    }
}

fn number_json(n: Num) -> Json {
    if let Some(i) = n.to_integer().and_then(|i| i64::try_from(i).ok()) {
        return Json::from(i);
    }
    serde_json::Number::from_f64(n.to_f64()).map_or(Json::Null, Json::Number)
}

fn question(
    spec: &CompiledSpec,
    rec: RecordId,
    slot: usize,
    f: &FieldDef,
    readers: &BTreeMap<(RecordId, usize), BTreeSet<String>>,
) -> Question {
    let mut q = Question {
        name: f.name.clone(),
        path: f.pointer.clone(),
        kind: "text",
        question: f.question.clone(),
        label: f.label.clone(),
        respondent: f.respondent.as_str(),
        period: f.period.map(period_words),
        relations: relations(spec, f),
        item: f.item.clone(),
        help: f.help.clone(),
        unit: f.unit.clone(),
        min: None,
        max: None,
        values: Vec::new(),
        value_labels: Vec::new(),
        fields: Vec::new(),
        read_by: readers
            .get(&(rec, slot))
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default(),
    };
    match &f.kind {
        FieldKind::Scalar { ty, min, max } => {
            let pct = *ty == ScalarTy::Percent;
            q.kind = match ty {
                ScalarTy::Bool => "bool",
                ScalarTy::Int => "int",
                ScalarTy::Number => "number",
                ScalarTy::Percent => "percent",
                ScalarTy::Date => "date",
                ScalarTy::Text => "text",
                ScalarTy::Enum(_) => "enum",
            };
            q.min = min
                .map(|b| bound_json(b, pct))
                .or(pct.then(|| Json::from(0)));
            q.max = max
                .map(|b| bound_json(b, pct))
                .or(pct.then(|| Json::from(100)));
            if let ScalarTy::Enum(e) = ty {
                q.values = spec
                    .schema
                    .enums
                    .get(*e)
                    .map(|d| d.variants.clone())
                    .unwrap_or_default();
                if let Some(d) = spec.schema.enums.get(*e).filter(|d| !d.labels.is_empty()) {
                    q.value_labels = d
                        .variants
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            d.labels
                                .get(i)
                                .and_then(Clone::clone)
                                .unwrap_or_else(|| v.clone())
                        })
                        .collect();
                }
            }
        }
        FieldKind::List {
            record,
            min_len,
            max_len,
        } => {
            q.kind = "list";
            q.min = min_len.map(Json::from);
            q.max = max_len.map(Json::from);
            q.fields = sub_questions(spec, *record, readers);
        }
        FieldKind::Group { record } => {
            q.kind = if is_checklist(spec, *record) {
                q.values = CHECKLIST_VALUES.iter().map(|v| (*v).to_string()).collect();
                "checklist"
            } else {
                "group"
            };
            q.fields = sub_questions(spec, *record, readers);
        }
    }
    q
}

fn is_checklist(spec: &CompiledSpec, record: RecordId) -> bool {
    spec.schema.records.get(record).is_some_and(|r| r.checklist)
}

fn sub_questions(
    spec: &CompiledSpec,
    rec: RecordId,
    readers: &BTreeMap<(RecordId, usize), BTreeSet<String>>,
) -> Vec<Question> {
    spec.schema
        .records
        .get(rec)
        .map(|r| {
            r.fields
                .iter()
                .enumerate()
                .map(|(i, f)| question(spec, rec, i, f, readers))
                .collect()
        })
        .unwrap_or_default()
}

/// Most requirements listed as reading one input (the first in report
/// order): a spec where every requirement reads every input would
/// otherwise give a list as long as inputs × requirements.
pub const MAX_READ_BY: usize = 100;

/// For every input (record, slot): the requirements that read it, directly
/// or through definitions (at most [`MAX_READ_BY`] each). A list or group
/// counts as read when any of its fields is.
pub fn readers(spec: &CompiledSpec) -> BTreeMap<(RecordId, usize), BTreeSet<String>> {
    let mut let_reads: Vec<Option<BTreeSet<(RecordId, usize)>>> = vec![None; spec.lets.len()];
    let mut out: BTreeMap<(RecordId, usize), BTreeSet<String>> = BTreeMap::new();
    for r in &spec.requirements {
        let mut reads = BTreeSet::new();
        // each definition merged once per requirement, however often it is named
        let mut merged = BTreeSet::new();
        if let Some(a) = &r.applies {
            collect(spec, a, &mut reads, &mut let_reads, &mut merged, 0);
        }
        collect(spec, &r.rule, &mut reads, &mut let_reads, &mut merged, 0);
        for key in reads {
            let ids = out.entry(key).or_default();
            if ids.len() < MAX_READ_BY {
                ids.insert(r.id.clone());
            }
        }
    }
    // parents of read fields are read too
    let parents = spec.parents();
    let keys: Vec<((RecordId, usize), BTreeSet<String>)> =
        out.iter().map(|(k, v)| (*k, v.clone())).collect();
    for ((rec, _), ids) in keys {
        let mut r = rec;
        while let Some(&(prec, pslot)) = parents.get(&r) {
            let parent = out.entry((prec, pslot)).or_default();
            for id in &ids {
                if parent.len() >= MAX_READ_BY {
                    break;
                }
                parent.insert(id.clone());
            }
            r = prec;
        }
    }
    out
}

fn collect(
    spec: &CompiledSpec,
    n: &Node,
    reads: &mut BTreeSet<(RecordId, usize)>,
    let_reads: &mut Vec<Option<BTreeSet<(RecordId, usize)>>>,
    merged: &mut BTreeSet<usize>,
    depth: usize,
) {
    if depth > 1024 {
        return;
    }
    let mut go = |x: &Node, reads: &mut BTreeSet<(RecordId, usize)>| {
        collect(spec, x, reads, let_reads, merged, depth + 1)
    };
    match &n.kind {
        NodeKind::Input(slot) => {
            reads.insert((0, *slot));
        }
        NodeKind::Field(base, slot) => {
            if let Ty::Record(r) = base.ty {
                reads.insert((r, *slot));
            }
            go(base, reads);
        }
        NodeKind::Let(i) => {
            if !merged.insert(*i) {
                return; // already in `reads`
            }
            if let Some(None) = let_reads.get(*i) {
                let mut s = BTreeSet::new();
                if let Some(def) = spec.lets.get(*i) {
                    collect(
                        spec,
                        &def.value,
                        &mut s,
                        let_reads,
                        &mut BTreeSet::new(),
                        depth + 1,
                    );
                }
                if let Some(slot) = let_reads.get_mut(*i) {
                    *slot = Some(s);
                }
            }
            if let Some(Some(set)) = let_reads.get(*i) {
                reads.extend(set.iter().copied());
            }
        }
        _ => n.children().for_each(|x| go(x, reads)),
    }
}

/// The JSON Schema (draft 2020-12) of a valid submission.
///
/// Unknown keys are allowed (the engine warns about them); `null` is
/// allowed everywhere and means "not answered".
pub fn json_schema(spec: &CompiledSpec) -> Json {
    let mut props = record_properties(spec, 0);
    props.insert("header".into(), header_schema());
    props.insert(
        "assessed_on".into(),
        json!({"description": "No longer read: the assessment date is header.period.end (NS0214).",
               "not": {}}),
    );
    let mut evidence = Map::new();
    for r in &spec.requirements {
        if r.evidence.is_empty() {
            continue;
        }
        let mut keys = Map::new();
        for e in &r.evidence {
            keys.insert(
                e.key.clone(),
                json!({"description": e.description, "type": ["string", "null"]}),
            );
        }
        evidence.insert(
            r.id.clone(),
            json!({"title": r.title, "type": "object", "properties": keys}),
        );
    }
    props.insert(
        "evidence".into(),
        json!({"title": "Evidence given per requirement",
               "type": "object", "properties": evidence,
               "additionalProperties": {"type": "object", "additionalProperties": {"type": ["string", "null"]}}}),
    );
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": spec.info.title,
        "description": format!("A submission for the {} specification", spec.info.id),
        "type": "object",
        "required": ["header"],
        "properties": props,
    });
    if let (Some(v), Some(obj)) = (&spec.info.version, schema.as_object_mut()) {
        obj.insert(
            "$comment".into(),
            Json::String(format!("spec {} version {v}", spec.info.id)),
        );
    }
    schema
}

/// The submission header: who answers, for which organisation and period.
fn header_schema() -> Json {
    let date = |title: &str| {
        json!({"title": title, "type": "string", "format": "date",
               "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
    };
    json!({
        "title": "Submission header",
        "description": "Who answers, for which organisation and assessment period, and who signed it off. The assessment date is period.end unless the caller gives one.",
        "type": "object",
        "required": ["respondent", "organisation", "period", "completed_by"],
        "properties": {
            "respondent": {"title": "Respondent", "description": "A provider service, or the network itself (from its host organisation).",
                           "enum": ["provider", "network"]},
            "organisation": {
                "title": "Organisation", "type": "object", "required": ["ods_code", "name"],
                "properties": {
                    "ods_code": {"title": "ODS code", "description": "The organisation's NHS ODS code: 3 to 6 upper-case letters or digits.",
                                 "type": "string", "pattern": "^[A-Z0-9]{3,6}$"},
                    "name": {"title": "Organisation name", "type": "string"}
                }
            },
            "period": {
                "title": "Assessment period", "type": "object", "required": ["start", "end"],
                "description": "Both days included; the end is not before the start.",
                "properties": {"start": date("First day"), "end": date("Last day")}
            },
            "completed_by": {"title": "Completed by", "type": "string"},
            "signed_off": {
                "title": "Signed off", "type": "object", "required": ["by", "on"],
                "properties": {"by": {"title": "Signed off by", "type": "string"}, "on": date("Signed off on")}
            }
        }
    })
}

fn record_properties(spec: &CompiledSpec, rec: RecordId) -> Map<String, Json> {
    let mut props = Map::new();
    let Some(r) = spec.schema.records.get(rec) else {
        return props;
    };
    for f in &r.fields {
        props.insert(f.name.clone(), field_schema(spec, f));
    }
    props
}

fn field_schema(spec: &CompiledSpec, f: &FieldDef) -> Json {
    let mut s = Map::new();
    s.insert("title".into(), Json::String(f.question.clone()));
    // the description: the help, then the period a count covers, then the
    // bounds by other answers (JSON Schema cannot compare two answers)
    let mut description: Vec<String> = f.help.iter().cloned().collect();
    if let Some(p) = f.period {
        description.push(format!("Count {}.", period_words(p)));
    }
    let rels = relations(spec, f);
    for r in &rels {
        let mut w = r.words.clone();
        if let Some(p) = &r.path {
            w.push_str(&format!(" ({p})"));
        }
        description.push(format!(
            "The answer is {w}; checked when the submission is read."
        ));
    }
    if !description.is_empty() {
        s.insert("description".into(), Json::String(description.join(" ")));
    }
    s.insert("x-respondent".into(), json!(f.respondent.as_str()));
    if let Some(l) = &f.label {
        s.insert("x-label".into(), json!(l));
    }
    if let Some(p) = f.period {
        s.insert("x-period".into(), json!(period_words(p)));
    }
    if !rels.is_empty() {
        let x: Vec<Json> = rels
            .iter()
            .map(|r| json!({"op": r.op, "bound": r.bound, "path": r.path}))
            .collect();
        s.insert("x-relations".into(), Json::Array(x));
    }
    match &f.kind {
        FieldKind::Scalar { ty, min, max } => {
            let pct = *ty == ScalarTy::Percent;
            match ty {
                ScalarTy::Bool => {
                    s.insert("type".into(), json!(["boolean", "null"]));
                }
                ScalarTy::Int => {
                    s.insert("type".into(), json!(["integer", "null"]));
                }
                ScalarTy::Number | ScalarTy::Percent => {
                    s.insert("type".into(), json!(["number", "null"]));
                }
                ScalarTy::Date => {
                    s.insert("type".into(), json!(["string", "null"]));
                    s.insert("format".into(), json!("date"));
                    s.insert("pattern".into(), json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
                }
                ScalarTy::Text => {
                    s.insert("type".into(), json!(["string", "null"]));
                }
                ScalarTy::Enum(e) => {
                    let mut vals: Vec<Json> = spec
                        .schema
                        .enums
                        .get(*e)
                        .map(|d| d.variants.iter().map(|v| Json::String(v.clone())).collect())
                        .unwrap_or_default();
                    vals.push(Json::Null);
                    s.insert("enum".into(), Json::Array(vals));
                    // declared display labels, by value
                    if let Some(d) = spec.schema.enums.get(*e).filter(|d| !d.labels.is_empty()) {
                        let labels: Map<String, Json> = d
                            .variants
                            .iter()
                            .zip(&d.labels)
                            .filter_map(|(v, l)| Some((v.clone(), Json::String(l.clone()?))))
                            .collect();
                        s.insert("x-value-labels".into(), Json::Object(labels));
                    }
                }
            }
            let lo = min
                .map(|b| bound_json(b, pct))
                .or(pct.then(|| Json::from(0)));
            let hi = max
                .map(|b| bound_json(b, pct))
                .or(pct.then(|| Json::from(100)));
            if *ty != ScalarTy::Date {
                if let Some(lo) = lo {
                    s.insert("minimum".into(), lo);
                }
                if let Some(hi) = hi {
                    s.insert("maximum".into(), hi);
                }
            }
            if let Some(u) = &f.unit {
                s.insert("x-unit".into(), Json::String(u.clone()));
            }
        }
        FieldKind::List {
            record,
            min_len,
            max_len,
        } => {
            s.insert("type".into(), json!(["array", "null"]));
            s.insert(
                "items".into(),
                json!({"type": "object", "properties": record_properties(spec, *record)}),
            );
            if let Some(n) = min_len {
                s.insert("minItems".into(), json!(n));
            }
            if let Some(n) = max_len {
                s.insert("maxItems".into(), json!(n));
            }
            if let Some(i) = &f.item {
                s.insert("x-item".into(), json!(i));
            }
        }
        FieldKind::Group { record } if is_checklist(spec, *record) => {
            s.insert("type".into(), json!(["object", "null"]));
            s.insert("x-checklist".into(), json!(true));
            s.insert(
                "properties".into(),
                Json::Object(record_properties(spec, *record)),
            );
        }
        FieldKind::Group { record } => {
            s.insert("type".into(), json!(["object", "null"]));
            s.insert(
                "properties".into(),
                Json::Object(record_properties(spec, *record)),
            );
        }
    }
    Json::Object(s)
}

/// How many elements a blank submission gives a list at most (a list whose
/// `min` is larger gets this many, and is refused as too short when read).
pub const BLANK_MAX_ITEMS: usize = 100;

/// A JSON value written in a given key order.
enum Blank {
    Null,
    Text(String),
    Object(Vec<(String, Blank)>),
    Array(Vec<Blank>),
}

impl Blank {
    fn write(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n("  ", n));
        match self {
            Blank::Null => out.push_str("null"),
            Blank::Text(t) => out.push_str(&Json::from(t.as_str()).to_string()),
            Blank::Object(fields) if fields.is_empty() => out.push_str("{}"),
            Blank::Array(items) if items.is_empty() => out.push_str("[]"),
            Blank::Object(fields) => {
                out.push_str("{\n");
                for (i, (k, v)) in fields.iter().enumerate() {
                    pad(out, indent + 1);
                    out.push_str(&Json::from(k.as_str()).to_string());
                    out.push_str(": ");
                    v.write(out, indent + 1);
                    out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
            Blank::Array(items) => {
                out.push_str("[\n");
                for (i, v) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    v.write(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
        }
    }
}

/// A blank submission for `respondent`, as JSON text (two-space indents, a
/// final newline): the header first, with placeholders to replace
/// (organisation `XXX`, "Organisation name", the assessment period from
/// `period.0` to `period.1`, "Name, role", not signed off), then every
/// question that respondent answers, in declaration order, unanswered
/// (`null`): a group as an object of its fields, a checklist as an object
/// of its items, a list as `items` elements (at least its `min`, at most
/// [`BLANK_MAX_ITEMS`]), each an object of its fields. It is a valid
/// submission; evaluated as it is, what needs an answer is incomplete.
pub fn blank_submission(
    spec: &CompiledSpec,
    respondent: Respondent,
    period: (&str, &str),
    items: usize,
) -> String {
    let text = |t: &str| Blank::Text(t.to_string());
    let obj = |f: Vec<(&str, Blank)>| {
        Blank::Object(f.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    };
    let header = obj(vec![
        ("respondent", text(respondent.as_str())),
        (
            "organisation",
            obj(vec![
                ("ods_code", text("XXX")),
                ("name", text("Organisation name")),
            ]),
        ),
        (
            "period",
            obj(vec![("start", text(period.0)), ("end", text(period.1))]),
        ),
        ("completed_by", text("Name, role")),
        ("signed_off", Blank::Null),
    ]);
    let mut fields = vec![("header".to_string(), header)];
    if let Blank::Object(answers) = blank_record(spec, 0, respondent, items, 0) {
        fields.extend(answers);
    }
    let mut out = String::new();
    Blank::Object(fields).write(&mut out, 0);
    out.push('\n');
    out
}

/// One record's fields of `respondent`, unanswered. `depth` bounds the walk
/// (records nest as deep as the spec's groups and lists).
fn blank_record(
    spec: &CompiledSpec,
    rid: RecordId,
    respondent: Respondent,
    items: usize,
    depth: usize,
) -> Blank {
    let mut out = Vec::new();
    let Some(rec) = spec.schema.records.get(rid) else {
        return Blank::Object(out);
    };
    if depth > 64 {
        return Blank::Object(out);
    }
    for f in &rec.fields {
        if f.respondent != respondent {
            continue;
        }
        let value = match &f.kind {
            FieldKind::Scalar { .. } => Blank::Null,
            FieldKind::Group { record } => {
                blank_record(spec, *record, respondent, items, depth + 1)
            }
            FieldKind::List {
                record,
                min_len,
                max_len,
            } => {
                let n = items
                    .max(min_len.unwrap_or(0))
                    .min(max_len.unwrap_or(usize::MAX))
                    .min(BLANK_MAX_ITEMS);
                Blank::Array(
                    (0..n)
                        .map(|_| blank_record(spec, *record, respondent, items, depth + 1))
                        .collect(),
                )
            }
        };
        out.push((f.name.clone(), value));
    }
    Blank::Object(out)
}
