//! Checking input declarations: `inputs` blocks (from every file) → the
//! record schemas of [`crate::ir::Schema`]; record 0 is the submission root,
//! and lists and groups get records of their own. Dotted names
//! (`provider.role: …`) declare a field inside a group, creating the group
//! when needed.

use std::sync::Arc;

use super::{Checker, PendingRelation};
use crate::calendar::{Date, Duration, DurationUnit};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{
    Bound, CountPeriod, EnumDef, EnumId, FieldDef, FieldKind, RecordId, RecordSchema, ScalarTy,
    CHECKLIST_VALUES,
};
use crate::number::Num;
use crate::syntax::ast::{self, ScalarKind, TypeKind};
use crate::vocab::Respondent;

/// What every declaration in one `inputs` block shares.
#[derive(Clone, Copy)]
struct Block<'s> {
    section: Option<&'s Arc<str>>,
    respondent: Respondent,
}

/// `provider` / `network` as written in a `respondent` clause.
pub(crate) fn respondent_of(word: &str) -> Respondent {
    if word == "network" {
        Respondent::Network
    } else {
        Respondent::Provider
    }
}

/// Names a submission uses for itself.
pub const RESERVED_KEYS: [&str; 2] = ["assessed_on", "evidence"];

impl<'a> Checker<'a> {
    pub(super) fn build_schema(&mut self, blocks: &[&'a ast::InputsBlock]) {
        let top = blocks.iter().map(|b| b.decls.len()).sum();
        self.schema.records.push(RecordSchema {
            fields: Vec::with_capacity(top),
            ..RecordSchema::default()
        });
        for b in blocks {
            let section: Option<Arc<str>> = b.title.as_ref().map(|t| t.value.as_str().into());
            let block = Block {
                section: section.as_ref(),
                respondent: b
                    .respondent
                    .as_ref()
                    .map_or(Respondent::Provider, |r| respondent_of(&r.name)),
            };
            for d in &b.decls {
                self.declare(0, "", d, block);
            }
        }
        for r in &mut self.schema.records {
            r.label_slot = r.fields.iter().position(|f| {
                matches!(
                    f.kind,
                    FieldKind::Scalar {
                        ty: ScalarTy::Text,
                        ..
                    }
                )
            });
        }
    }

    /// Slot of a root input by name.
    pub(crate) fn root_field(&self, name: &str) -> Option<usize> {
        self.schema
            .records
            .first()?
            .fields
            .iter()
            .position(|f| f.name == name)
    }

    fn declare(
        &mut self,
        record: RecordId,
        pointer: &str,
        d: &'a ast::InputDecl,
        block: Block<'_>,
    ) {
        let section = block.section;
        if !self.count_inputs(1, d.span) {
            return;
        }
        let Some((last, groups)) = d.path.split_last() else {
            return;
        };
        // walk or create the groups named by a dotted path
        let mut rec = record;
        let mut ptr = pointer.to_string();
        for g in groups {
            if record == 0 && ptr.is_empty() && RESERVED_KEYS.contains(&g.name.as_str()) {
                self.reserved(g);
                return;
            }
            let existing = self.field_index(rec, &g.name);
            ptr = format!("{ptr}/{}", g.name);
            rec = match existing {
                Some(i) => match self
                    .schema
                    .records
                    .get(rec)
                    .and_then(|r| r.fields.get(i))
                    .map(|f| f.kind.clone())
                {
                    Some(FieldKind::Group { record }) => record,
                    _ => {
                        self.error(
                            Diagnostic::error(
                                Code::DuplicateInput,
                                format!("`{}` is already an input that is not a group", g.name),
                            )
                            .at(g.span),
                        );
                        return;
                    }
                },
                None => {
                    let new = self.new_record(0);
                    self.push_field(
                        rec,
                        plain_field(
                            g.name.to_string(),
                            humanize(&g.name),
                            FieldKind::Group { record: new },
                            ptr.clone(),
                            g.span,
                            block.respondent,
                            section,
                        ),
                    );
                    new
                }
            };
        }
        if rec == 0 && RESERVED_KEYS.contains(&last.name.as_str()) {
            self.reserved(last);
            return;
        }
        let field_ptr = format!("{ptr}/{}", last.name);
        let ty = &d.ty;
        let existing = self.field_index(rec, &last.name);
        // an explicit group may extend a group created by a dotted path
        if let (Some(i), TypeKind::Group(fields)) = (existing, &ty.kind) {
            let target = self
                .schema
                .records
                .get(rec)
                .and_then(|r| r.fields.get(i))
                .map(|f| f.kind.clone());
            if let Some(FieldKind::Group { record: g }) = target {
                if let Some(f) = self
                    .schema
                    .records
                    .get_mut(rec)
                    .and_then(|r| r.fields.get_mut(i))
                {
                    f.question = ty.question.value.clone();
                    f.help = ty.help.as_ref().map(|h| h.value.clone());
                }
                for fd in fields {
                    self.declare(g, &field_ptr, fd, block);
                }
                return;
            }
        }
        if let Some(i) = existing {
            let first = self
                .schema
                .records
                .get(rec)
                .and_then(|r| r.fields.get(i))
                .and_then(|f| self.map.locate(f.span))
                .map(|l| format!("first declared at {}:{}:{}", l.file, l.line, l.column));
            let mut d = Diagnostic::error(
                Code::DuplicateInput,
                format!("input `{}` is declared twice", last.name),
            )
            .at(last.span);
            if let Some(n) = first {
                d = d.with_note(n);
            }
            self.error(d);
            return;
        }
        let kind = match &ty.kind {
            TypeKind::Scalar(k) => {
                let sty = match k {
                    ScalarKind::Bool => ScalarTy::Bool,
                    ScalarKind::Int => ScalarTy::Int,
                    ScalarKind::Number => ScalarTy::Number,
                    ScalarKind::Percent => ScalarTy::Percent,
                    ScalarKind::Date => ScalarTy::Date,
                    ScalarKind::Text => ScalarTy::Text,
                    ScalarKind::Enum(vals, value_labels) => {
                        if !self.count_inputs(vals.len(), ty.span) {
                            return;
                        }
                        let mut variants: Vec<String> = Vec::new();
                        let mut labels: Vec<Option<String>> = Vec::new();
                        let mut seen = std::collections::HashSet::new();
                        for (i, v) in vals.iter().enumerate() {
                            if !seen.insert(v.name.as_str()) {
                                self.error(
                                    Diagnostic::error(
                                        Code::DuplicateInput,
                                        format!("enum value `{}` listed twice", v.name),
                                    )
                                    .at(v.span),
                                );
                            } else {
                                variants.push(v.name.to_string());
                                labels.push(
                                    value_labels
                                        .get(i)
                                        .and_then(|l| l.as_ref())
                                        .map(|l| l.value.clone()),
                                );
                            }
                        }
                        if labels.iter().all(Option::is_none) {
                            labels.clear();
                        }
                        self.schema.enums.push(EnumDef { variants, labels });
                        ScalarTy::Enum(self.schema.enums.len() - 1)
                    }
                };
                let (min, max) = self.scalar_bounds(sty, &ty.constraints);
                if let Some(slot_rec) = self.schema.records.get(rec) {
                    let slot = slot_rec.fields.len();
                    for c in ty.constraints.iter().filter(|c| c.reference.is_some()) {
                        self.pending_relations.push(PendingRelation {
                            record: rec,
                            slot,
                            constraint: c,
                        });
                    }
                }
                FieldKind::Scalar { ty: sty, min, max }
            }
            TypeKind::List(fields) => {
                let (min_len, max_len) = self.length_bounds(&ty.constraints);
                let new = self.new_record(fields.len());
                let elem_ptr = format!("{field_ptr}/*");
                for fd in fields {
                    self.declare(new, &elem_ptr, fd, block);
                }
                if fields.is_empty() {
                    self.error(
                        Diagnostic::error(
                            Code::InvalidConstraint,
                            format!("list `{}` declares no fields", last.name),
                        )
                        .at(last.span),
                    );
                }
                FieldKind::List {
                    record: new,
                    min_len,
                    max_len,
                }
            }
            TypeKind::Group(fields) => {
                for c in &ty.constraints {
                    self.error(
                        Diagnostic::error(Code::InvalidConstraint, "a group takes no min/max")
                            .at(c.span),
                    );
                }
                let new = self.new_record(fields.len());
                for fd in fields {
                    self.declare(new, &field_ptr, fd, block);
                }
                FieldKind::Group { record: new }
            }
            TypeKind::Checklist(items) => {
                for c in &ty.constraints {
                    self.error(
                        Diagnostic::error(
                            Code::InvalidConstraint,
                            "a checklist takes no min/max: it has exactly the items it lists",
                        )
                        .at(c.span),
                    );
                }
                if items.is_empty() {
                    self.error(
                        Diagnostic::error(
                            Code::InvalidConstraint,
                            format!("checklist `{}` lists no items", last.name),
                        )
                        .at(last.span)
                        .with_help("list the items as `key \"What the item says\"`"),
                    );
                }
                if !self.count_inputs(items.len(), ty.span) {
                    return;
                }
                let e = self.checklist_enum();
                let new = self.new_record(items.len());
                if let Some(r) = self.schema.records.get_mut(new) {
                    r.checklist = true;
                }
                for item in items {
                    if self.field_index(new, &item.name.name).is_some() {
                        self.error(
                            Diagnostic::error(
                                Code::DuplicateInput,
                                format!("checklist item `{}` is listed twice", item.name.name),
                            )
                            .at(item.name.span),
                        );
                        continue;
                    }
                    self.push_field(
                        new,
                        plain_field(
                            item.name.name.to_string(),
                            item.text.value.clone(),
                            FieldKind::Scalar {
                                ty: ScalarTy::Enum(e),
                                min: None,
                                max: None,
                            },
                            format!("{field_ptr}/{}", item.name.name),
                            item.name.span,
                            block.respondent,
                            section,
                        ),
                    );
                }
                FieldKind::Group { record: new }
            }
        };
        let period = self.period(&kind, ty);
        if let Some(item) = &ty.item {
            if !matches!(kind, FieldKind::List { .. }) {
                self.error(
                    Diagnostic::error(
                        Code::InvalidConstraint,
                        format!(
                            "`item` names what one element of a list is called, but `{}` is not a list",
                            last.name
                        ),
                    )
                    .at(item.span)
                    .with_help("remove `item`, or use `label` for a short name of the question"),
                );
            }
        }
        self.push_field(
            rec,
            FieldDef {
                name: last.name.to_string(),
                question: ty.question.value.clone(),
                help: ty.help.as_ref().map(|h| h.value.clone()),
                unit: ty.unit.as_ref().map(|u| u.value.clone()),
                label: ty.label.as_ref().map(|l| l.value.clone()),
                item: ty.item.as_ref().map(|i| i.value.clone()),
                respondent: block.respondent,
                period,
                relations: Vec::new(),
                section: section.cloned(),
                kind,
                pointer: field_ptr,
                span: last.span,
            },
        );
    }

    /// The one enum every checklist item is answered with (made on first use).
    fn checklist_enum(&mut self) -> EnumId {
        if let Some(e) = self.checklist_enum {
            return e;
        }
        self.schema.enums.push(EnumDef {
            variants: CHECKLIST_VALUES.iter().map(|v| (*v).to_string()).collect(),
            labels: Vec::new(),
        });
        let e = self.schema.enums.len() - 1;
        self.checklist_enum = Some(e);
        e
    }

    /// A declaration's `period`: for counts (int, number) and lists only.
    fn period(&mut self, kind: &FieldKind, ty: &ast::InputType) -> Option<CountPeriod> {
        let p = ty.period.as_ref()?;
        let (span, period) = match p {
            ast::Period::Assessment(span) => (*span, Some(CountPeriod::Assessment)),
            ast::Period::Rolling(n, u, span) => {
                let d = match (n.parse::<u32>().ok(), DurationUnit::parse(u)) {
                    (Some(count), Some(unit)) if count > 0 => {
                        Some(CountPeriod::Rolling(Duration { count, unit }))
                    }
                    _ => {
                        self.error(
                            Diagnostic::error(
                                Code::InvalidLiteral,
                                format!("`{n} {u}` is not a valid period"),
                            )
                            .at(*span)
                            .with_help("write `period assessment` or a duration such as `period 12 months`"),
                        );
                        None
                    }
                };
                (*span, d)
            }
        };
        let counts = matches!(
            kind,
            FieldKind::Scalar {
                ty: ScalarTy::Int | ScalarTy::Number,
                ..
            } | FieldKind::List { .. }
        );
        if !counts {
            self.error(
                Diagnostic::error(
                    Code::InvalidConstraint,
                    "`period` says what time a count covers: it applies to int, number and list inputs",
                )
                .at(span),
            );
            return None;
        }
        period
    }

    fn reserved(&mut self, id: &ast::Ident) {
        self.error(
            Diagnostic::error(
                Code::ReservedName,
                format!("`{}` is a reserved submission key", id.name),
            )
            .at(id.span)
            .with_help("choose another input name"),
        );
    }

    /// Counts `n` more inputs (or enum values) towards [`Limits::max_inputs`];
    /// false once past it (the first time with an NS0302 error).
    ///
    /// [`Limits::max_inputs`]: crate::Limits::max_inputs
    fn count_inputs(&mut self, n: usize, span: crate::source::Span) -> bool {
        let before = self.inputs_declared;
        self.inputs_declared = before.saturating_add(n);
        let max = self.limits.max_inputs;
        if self.inputs_declared <= max {
            return true;
        }
        if before <= max {
            self.error(
                Diagnostic::error(
                    Code::TooManyInputs,
                    format!("more than {max} inputs and enum values; the rest are not checked"),
                )
                .at(span)
                .with_help("raise `max_inputs` in `netspec::Limits` if the spec needs them"),
            );
        }
        false
    }

    /// A new record, with room for `fields` fields (the number declared).
    fn new_record(&mut self, fields: usize) -> RecordId {
        self.schema.records.push(RecordSchema {
            fields: Vec::with_capacity(fields),
            ..RecordSchema::default()
        });
        self.schema.records.len() - 1
    }

    fn push_field(&mut self, rec: RecordId, f: FieldDef) {
        if let Some(r) = self.schema.records.get_mut(rec) {
            r.fields.push(f);
        }
    }

    pub(crate) fn field_index(&self, rec: RecordId, name: &str) -> Option<usize> {
        self.schema
            .records
            .get(rec)?
            .fields
            .iter()
            .position(|f| f.name == name)
    }

    fn scalar_bounds(
        &mut self,
        ty: ScalarTy,
        cs: &[ast::Constraint],
    ) -> (Option<Bound>, Option<Bound>) {
        let mut min = None;
        let mut max = None;
        for c in cs.iter().filter(|c| c.reference.is_none()) {
            let b = match ty {
                ScalarTy::Int | ScalarTy::Number | ScalarTy::Percent => {
                    let text = c.value.trim_end_matches('%');
                    if c.value.ends_with('%') && ty != ScalarTy::Percent {
                        self.error(
                            Diagnostic::error(
                                Code::InvalidConstraint,
                                "a percent bound on an input that is not a percent",
                            )
                            .at(c.span),
                        );
                        continue;
                    }
                    match Num::parse_decimal(text) {
                        Some(n) if ty == ScalarTy::Percent => match n.over(Num::int(100)) {
                            Ok(f) => Bound::Num(f),
                            Err(_) => continue,
                        },
                        Some(n) => {
                            if ty == ScalarTy::Int && !n.is_integer() {
                                self.error(
                                    Diagnostic::error(
                                        Code::InvalidConstraint,
                                        "an int bound must be a whole number",
                                    )
                                    .at(c.span),
                                );
                            }
                            Bound::Num(n)
                        }
                        None => {
                            self.error(
                                Diagnostic::error(
                                    Code::InvalidConstraint,
                                    format!("`{}` is not a number", c.value),
                                )
                                .at(c.span),
                            );
                            continue;
                        }
                    }
                }
                ScalarTy::Date => match Date::parse(&c.value) {
                    Some(d) => Bound::Date(d),
                    None => {
                        self.error(
                            Diagnostic::error(
                                Code::InvalidConstraint,
                                format!("`{}` is not a date (YYYY-MM-DD)", c.value),
                            )
                            .at(c.span),
                        );
                        continue;
                    }
                },
                _ => {
                    self.error(
                        Diagnostic::error(
                            Code::InvalidConstraint,
                            "min/max only apply to int, number, percent and date inputs",
                        )
                        .at(c.span),
                    );
                    continue;
                }
            };
            if c.is_max {
                max = Some(b);
            } else {
                min = Some(b);
            }
        }
        let inverted = match (min, max) {
            (Some(Bound::Num(a)), Some(Bound::Num(b))) => a > b,
            (Some(Bound::Date(a)), Some(Bound::Date(b))) => a > b,
            _ => false,
        };
        if inverted {
            if let Some(c) = cs.iter().rfind(|c| c.reference.is_none()) {
                self.error(
                    Diagnostic::error(Code::InvalidConstraint, "`min` is greater than `max`")
                        .at(c.span),
                );
            }
        }
        (min, max)
    }

    fn length_bounds(&mut self, cs: &[ast::Constraint]) -> (Option<usize>, Option<usize>) {
        let mut min = None;
        let mut max = None;
        for c in cs {
            if c.reference.is_some() {
                self.error(
                    Diagnostic::error(
                        Code::InvalidConstraint,
                        format!(
                            "a list's length is bounded by a number, not by another answer (`{}`)",
                            c.value
                        ),
                    )
                    .at(c.span),
                );
                continue;
            }
            match c.value.parse::<usize>() {
                Ok(n) if c.is_max => max = Some(n),
                Ok(n) => min = Some(n),
                Err(_) => self.error(
                    Diagnostic::error(
                        Code::InvalidConstraint,
                        "a list length bound must be a whole number",
                    )
                    .at(c.span),
                ),
            }
        }
        if let (Some(a), Some(b)) = (min, max) {
            if a > b {
                if let Some(c) = cs.last() {
                    self.error(
                        Diagnostic::error(Code::InvalidConstraint, "`min` is greater than `max`")
                            .at(c.span),
                    );
                }
            }
        }
        (min, max)
    }
}

/// `service_delivery` → `Service delivery`.
pub fn humanize(name: &str) -> String {
    let s = name.replace('_', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

/// A field with no help, unit, label, period or bounds: a group made by a
/// dotted name, or a checklist's item.
#[allow(
    clippy::too_many_arguments,
    reason = "the parts of a field that differ between its two callers"
)]
fn plain_field(
    name: String,
    question: String,
    kind: FieldKind,
    pointer: String,
    span: crate::source::Span,
    respondent: Respondent,
    section: Option<&Arc<str>>,
) -> FieldDef {
    FieldDef {
        name,
        question,
        help: None,
        unit: None,
        label: None,
        item: None,
        respondent,
        period: None,
        relations: Vec::new(),
        section: section.cloned(),
        kind,
        pointer,
        span,
    }
}
