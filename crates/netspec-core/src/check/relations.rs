//! Checking `min`/`max` bounds by another answer ("of those shifts, how
//! many …" is at most the shifts): a bound's text → a node the general
//! evaluator evaluates with the bounded field's record as the innermost
//! element ([`crate::eval`] checks the answers against it).
//!
//! A bound names, in this order of lookup: a sibling field (at the top level,
//! another top-level input), a top-level input path (`surge.episodes`), or a
//! `let` definition. Both answers must be of one numeric family, of one unit
//! when both declare one, and of one respondent; bounds between inputs must
//! not form a cycle.

use std::collections::BTreeMap;

use super::{Checker, PendingRelation};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::ir::{
    FieldDef, FieldKind, Node, NodeKind, RecordId, Relation, RelationOp, ScalarTy, Ty,
};
use crate::source::Span;
use crate::vocab::Respondent;

/// Bounds between inputs: bounded input -> (bounding input, where, as written).
type Edges<'a> = BTreeMap<(RecordId, usize), Vec<((RecordId, usize), Span, &'a str)>>;

/// What a bound's name resolved to.
struct Resolved {
    node: Node,
    /// The input it reads, when it is one input: (record, slot).
    input: Option<(RecordId, usize)>,
}

impl<'a> Checker<'a> {
    /// Resolves every pending bound and checks that they form no cycle.
    pub(super) fn resolve_relations(&mut self) {
        let pending = std::mem::take(&mut self.pending_relations);
        // (record, slot) -> (bound input, constraint span), for the cycle check
        let mut edges: Edges<'a> = BTreeMap::new();
        for p in &pending {
            if let Some((relation, input)) = self.relation(p) {
                if let Some(to) = input {
                    edges.entry((p.record, p.slot)).or_default().push((
                        to,
                        p.constraint.span,
                        p.constraint.value.as_str(),
                    ));
                }
                if let Some(f) = self
                    .schema
                    .records
                    .get_mut(p.record)
                    .and_then(|r| r.fields.get_mut(p.slot))
                {
                    f.relations.push(relation);
                }
            }
        }
        self.relation_cycles(&edges);
    }

    /// The input in slot `slot` of record `rec`.
    fn field_at(&self, rec: RecordId, slot: usize) -> Option<&FieldDef> {
        self.schema.records.get(rec)?.fields.get(slot)
    }

    fn field_name(&self, rec: RecordId, slot: usize) -> String {
        self.schema
            .records
            .get(rec)
            .and_then(|r| r.fields.get(slot))
            .map_or_else(String::new, |f| {
                f.pointer
                    .trim_start_matches('/')
                    .replace("/*/", "[].")
                    .replace('/', ".")
            })
    }

    fn relation(&mut self, p: &PendingRelation) -> Option<(Relation, Option<(RecordId, usize)>)> {
        let c = p.constraint;
        let path = c.reference.as_ref()?;
        // what the checks need of the bounded input, read in place: its
        // name and unit are copied only into a message
        let name = |cx: &Self| {
            cx.field_at(p.record, p.slot)
                .map_or_else(String::new, |f| f.name.clone())
        };
        let field = self.field_at(p.record, p.slot)?;
        let respondent = field.respondent;
        let own_ty = match field.kind {
            FieldKind::Scalar {
                ty: ty @ (ScalarTy::Int | ScalarTy::Number | ScalarTy::Percent),
                ..
            } => ty,
            _ => {
                self.error(
                    Diagnostic::error(
                        Code::InvalidConstraint,
                        format!(
                            "`{}` cannot be bounded by another answer: only int, number and percent inputs can",
                            name(self)
                        ),
                    )
                    .at(c.span),
                );
                return None;
            }
        };
        let resolved = self.resolve_bound(p.record, path)?;
        let bound_ty = resolved.node.ty.clone();
        let same_family = match own_ty {
            ScalarTy::Percent => matches!(bound_ty, Ty::Percent | Ty::Error),
            _ => matches!(bound_ty, Ty::Int | Ty::Number | Ty::Error),
        };
        let own_desc = match own_ty {
            ScalarTy::Int => "an int",
            ScalarTy::Number => "a number",
            _ => "a percent",
        };
        if !same_family {
            let d = bound_ty.describe(&self.schema);
            let article = if d.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            self.error(
                Diagnostic::error(
                    Code::InvalidConstraint,
                    format!(
                        "`{}` is {own_desc} but its bound `{}` is {article} {d}: an answer can only be bounded by an answer of the same kind",
                        name(self), c.value
                    ),
                )
                .at(c.span)
                .with_help("bound a count by a count (int or number) and a percent by a percent"),
            );
            return None;
        }
        if resolved.input.is_none() {
            // a definition: it must not read the other respondent's answers
            let mut memo = vec![[None, None]; self.lets.len()];
            if let Some((r, s, _, _)) = self.foreign_read(&resolved.node, respondent, &mut memo, 0)
            {
                self.error(
                    Diagnostic::error(
                        Code::InvalidConstraint,
                        format!(
                            "`{}` is answered by the {} but its bound `{}` reads `{}`, which the {} answers: the answers are never in one submission",
                            name(self),
                            respondent.as_str(),
                            c.value,
                            self.field_name(r, s),
                            match respondent {
                                Respondent::Provider => "network",
                                Respondent::Network => "provider",
                            }
                        ),
                    )
                    .at(c.span),
                );
                return None;
            }
        }
        let mut bound_pointer = None;
        if let Some((r, s)) = resolved.input {
            let other = self.field_at(r, s)?;
            let other_respondent = other.respondent;
            let units = match (
                self.field_at(p.record, p.slot)
                    .and_then(|f| f.unit.as_deref()),
                other.unit.as_deref(),
            ) {
                (Some(a), Some(b)) if a != b => Some((a.to_string(), b.to_string())),
                _ => None,
            };
            let other_pointer = other.pointer.clone();
            if (r, s) == (p.record, p.slot) {
                self.error(
                    Diagnostic::error(
                        Code::InvalidConstraint,
                        format!("`{}` is bounded by itself", name(self)),
                    )
                    .at(c.span),
                );
                return None;
            }
            if let Some((a, b)) = units {
                self.error(
                    Diagnostic::error(
                        Code::InvalidConstraint,
                        format!(
                            "`{}` is in \"{a}\" but its bound `{}` is in \"{b}\": an answer can only be bounded by an answer of the same unit",
                            name(self), c.value
                        ),
                    )
                    .at(c.span),
                );
                return None;
            }
            if respondent != other_respondent {
                self.error(
                    Diagnostic::error(
                        Code::InvalidConstraint,
                        format!(
                            "`{}` is answered by the {} but its bound `{}` by the {}: the two answers are never in one submission",
                            name(self),
                            respondent.as_str(),
                            c.value,
                            other_respondent.as_str()
                        ),
                    )
                    .at(c.span),
                );
                return None;
            }
            bound_pointer = Some(other_pointer);
        }
        let op = if c.is_max {
            RelationOp::AtMost
        } else {
            RelationOp::AtLeast
        };
        Some((
            Relation {
                op,
                bound: resolved.node,
                text: c.value.clone(),
                bound_pointer,
            },
            resolved.input,
        ))
    }

    /// Looks a bound's name up: sibling, then top-level input, then definition.
    fn resolve_bound(
        &mut self,
        rec: RecordId,
        path: &[crate::syntax::ast::Ident],
    ) -> Option<Resolved> {
        let (first, rest) = path.split_first()?;
        let span = path.last().map_or(first.span, |l| first.span.to(l.span));
        let node = |kind: NodeKind, ty: Ty| Node { kind, span, ty };
        // the starting record and node of the walk
        let start = if let Some(slot) = self.field_index(rec, &first.name) {
            let base = if rec == 0 {
                node(NodeKind::Input(slot), self.field_ty(0, slot))
            } else {
                node(
                    NodeKind::Field(Box::new(node(NodeKind::Var(0), Ty::Record(rec))), slot),
                    self.field_ty(rec, slot),
                )
            };
            Some((rec, slot, base))
        } else {
            self.root_field(&first.name)
                .map(|slot| (0, slot, node(NodeKind::Input(slot), self.field_ty(0, slot))))
        };
        let Some((mut r, mut s, mut n)) = start else {
            if rest.is_empty() {
                if let Some(&i) = self.let_index.get(first.name.as_str()) {
                    let ty = self.check_let(i, first.span);
                    return Some(Resolved {
                        node: node(NodeKind::Let(i), ty),
                        input: None,
                    });
                }
            }
            let mut candidates: Vec<String> = Vec::new();
            for id in [rec, 0] {
                if let Some(x) = self.schema.records.get(id) {
                    candidates.extend(x.fields.iter().map(|f| f.name.clone()));
                }
            }
            candidates.extend(self.let_index.keys().cloned());
            candidates.sort();
            let help = did_you_mean(&first.name, candidates.iter().map(String::as_str));
            self.error(
                Diagnostic::error(
                    Code::UnknownName,
                    format!("unknown name `{}` in a bound", first.name),
                )
                .at(first.span)
                .with_label("not a sibling field, a top-level input or a definition")
                .with_help_opt(help),
            );
            return None;
        };
        for seg in rest {
            let group = match self
                .schema
                .records
                .get(r)
                .and_then(|x| x.fields.get(s))
                .map(|f| f.kind.clone())
            {
                Some(FieldKind::Group { record }) => record,
                _ => {
                    self.error(
                        Diagnostic::error(
                            Code::UnknownField,
                            format!(
                                "`{}` is not a group, so it has no field `{}`",
                                self.field_name(r, s),
                                seg.name
                            ),
                        )
                        .at(seg.span),
                    );
                    return None;
                }
            };
            let Some(slot) = self.field_index(group, &seg.name) else {
                let names: Vec<String> = self
                    .schema
                    .records
                    .get(group)
                    .map(|x| x.fields.iter().map(|f| f.name.clone()).collect())
                    .unwrap_or_default();
                self.error(
                    Diagnostic::error(
                        Code::UnknownField,
                        format!("`{}` has no field `{}`", self.field_name(r, s), seg.name),
                    )
                    .at(seg.span)
                    .with_help_opt(did_you_mean(&seg.name, names.iter().map(String::as_str))),
                );
                return None;
            };
            n = node(
                NodeKind::Field(Box::new(n), slot),
                self.field_ty(group, slot),
            );
            r = group;
            s = slot;
        }
        Some(Resolved {
            node: n,
            input: Some((r, s)),
        })
    }

    /// Bounds between inputs that lead back to where they started.
    fn relation_cycles(&mut self, edges: &Edges<'_>) {
        // colour: 0 unvisited, 1 on the path, 2 done
        let mut colour: BTreeMap<(RecordId, usize), u8> = BTreeMap::new();
        for &start in edges.keys() {
            if colour.get(&start).copied().unwrap_or(0) != 0 {
                continue;
            }
            // iterative depth-first walk: (node, next edge index)
            let mut stack: Vec<((RecordId, usize), usize)> = vec![(start, 0)];
            colour.insert(start, 1);
            while let Some(&mut (at, ref mut next)) = stack.last_mut() {
                let out = edges.get(&at).map_or(&[][..], Vec::as_slice);
                let Some((to, span, _)) = out.get(*next) else {
                    colour.insert(at, 2);
                    stack.pop();
                    continue;
                };
                *next += 1;
                match colour.get(to).copied().unwrap_or(0) {
                    0 => {
                        colour.insert(*to, 1);
                        stack.push((*to, 0));
                    }
                    1 => {
                        // a cycle: the path from `to` to here, and back
                        let from = stack.iter().position(|(n, _)| n == to).unwrap_or(0);
                        let mut names: Vec<String> = stack
                            .iter()
                            .skip(from)
                            .map(|(n, _)| self.field_name(n.0, n.1))
                            .collect();
                        names.push(self.field_name(to.0, to.1));
                        let span = *span;
                        self.error(
                            Diagnostic::error(
                                Code::InvalidConstraint,
                                format!("bounds by other answers form a cycle: {}", names.join(" -> ")),
                            )
                            .at(span)
                            .with_help("bound each answer by a larger total, never back by an answer it bounds"),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::eval::{Ctx, V};
    use crate::ir::{FieldKind, NodeKind};
    use crate::number::Num;
    use crate::submission::Stored;
    use crate::{Limits, Sources};

    /// How the submission reader checks a relation: the bound is evaluated by
    /// the general evaluator with the bounded field's record pushed as the
    /// innermost element (nothing pushed for a top-level field).
    #[test]
    fn a_bound_evaluates_on_the_element_it_bounds() {
        let text = r#"spec t "T" { version "1" }
inputs "I" {
  units: list "Units" {
    shifts_total: int min 0 "Shifts"
    with_coordinator: int min 0 max shifts_total "Of those, with a coordinator"
    beds: int max total "Beds"
  }
  total: int "Total beds"
  half: int max limit "Half"
}
let limit = total / 2
area resources {
  requirement RE-01 should "R" {
    all u in units: u.with_coordinator + u.beds >= u.shifts_total and half >= 0
  }
}
"#;
        let compiled =
            crate::check::compile_sources("s.netspec", &Sources::single("s.netspec", text));
        let spec = compiled.checked.expect("compiles");
        let json = serde_json::json!({
            "units": [{"shifts_total": 730, "with_coordinator": 700, "beds": 8},
                      {"shifts_total": 365, "with_coordinator": 400, "beds": 30}],
            "total": 20, "half": 12
        });
        let sub = crate::submission::ingest_with(&spec.schema, &json, &Limits::default()).unwrap();
        let root = &spec.schema.records[0];
        let units_slot = root.fields.iter().position(|f| f.name == "units").unwrap();
        let FieldKind::List { record, .. } = root.fields[units_slot].kind else {
            panic!("a list")
        };
        let fields = &spec.schema.records[record].fields;
        let wc = fields
            .iter()
            .find(|f| f.name == "with_coordinator")
            .unwrap();
        let beds = fields.iter().find(|f| f.name == "beds").unwrap();
        let half = root.fields.iter().find(|f| f.name == "half").unwrap();
        let Some(Stored::List(units)) = sub.answer(&sub.root, units_slot) else {
            panic!("units answered")
        };
        let map = compiled.map;
        let mut cx = Ctx::new(&spec, &map, &sub, None);
        let mut bounds = Vec::new();
        for u in units {
            cx.push(V::Rec(u));
            bounds.push((
                cx.eval(&wc.relations[0].bound),
                cx.eval(&beds.relations[0].bound),
            ));
            cx.pop();
        }
        let n = |x: i128| V::Num(Num::int(x));
        assert_eq!(bounds, [(n(730), n(20)), (n(365), n(20))]);
        // a definition: nothing pushed
        assert!(matches!(half.relations[0].bound.kind, NodeKind::Let(_)));
        assert_eq!(cx.eval(&half.relations[0].bound), V::Num(Num::int(10)));
    }
}
