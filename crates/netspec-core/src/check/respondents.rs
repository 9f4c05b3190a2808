//! Who answers and who is judged: a requirement reads only the answers of
//! its own respondent (NS0028).
//!
//! A provider's submission never holds the network's answers and the other
//! way round, so a requirement judged on one reading an input asked of the
//! other could never be decided. Reads through definitions count.

use super::{Checker, LetSlot};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{Node, NodeKind, RecordId, Requirement, Ty};
use crate::source::Span;
use crate::vocab::Respondent;

/// The first input of the other respondent a node reads: (record, slot,
/// where it is read, the definition it is read through).
pub(super) type Found = (RecordId, usize, Span, Option<String>);

impl Checker<'_> {
    pub(super) fn check_respondents(&mut self, requirements: &[Requirement]) {
        // nothing to check when every input is the provider's and every requirement too
        let mixed = self
            .schema
            .records
            .iter()
            .flat_map(|r| r.fields.iter())
            .any(|f| f.respondent != Respondent::Provider)
            || requirements
                .iter()
                .any(|r| r.respondent != Respondent::Provider);
        if !mixed {
            return;
        }
        // per definition and respondent: the first foreign read (computed once)
        let mut memo: Vec<[Option<Option<Found>>; 2]> = vec![[None, None]; self.lets.len()];
        for r in requirements {
            let mut found = None;
            for n in r.applies.iter().chain(std::iter::once(&r.rule)) {
                found = self.foreign_read(n, r.respondent, &mut memo, 0);
                if found.is_some() {
                    break;
                }
            }
            let Some((rec, slot, span, through)) = found else {
                continue;
            };
            let Some(f) = self
                .schema
                .records
                .get(rec)
                .and_then(|x| x.fields.get(slot))
            else {
                continue;
            };
            let name = f
                .pointer
                .trim_start_matches('/')
                .replace("/*/", "[].")
                .replace('/', ".");
            let other = f.respondent;
            let d = Diagnostic::error(
                Code::WrongRespondent,
                format!(
                    "`{}` is judged on the {}'s submission but reads `{name}`, which the {} answers",
                    r.id,
                    r.respondent.as_str(),
                    other.as_str()
                ),
            )
            .at(span)
            .with_label(format!("asked of the {}", other.as_str()))
            .with_help(format!(
                "add `respondent {}` to the requirement, or ask the question of the {}",
                other.as_str(),
                r.respondent.as_str()
            ))
            .with_note_opt(through.map(|t| format!("read through the definition `{t}`")));
            self.error(d);
        }
    }

    pub(super) fn foreign_read(
        &self,
        n: &Node,
        who: Respondent,
        memo: &mut Vec<[Option<Option<Found>>; 2]>,
        depth: usize,
    ) -> Option<Found> {
        if depth > 1024 {
            return None;
        }
        let idx = usize::from(who == Respondent::Network);
        match &n.kind {
            NodeKind::Input(slot) => self
                .foreign(0, *slot, who)
                .then_some((0, *slot, n.span, None)),
            NodeKind::Field(base, slot) => {
                // the groups on the way are containers, whoever declared
                // them first: only the answers in them count
                if let (Ty::Record(r), false) = (&base.ty, matches!(n.ty, Ty::Record(_))) {
                    if self.foreign(*r, *slot, who) {
                        return Some((*r, *slot, n.span, None));
                    }
                }
                match &base.kind {
                    NodeKind::Input(_) => None,
                    _ => self.foreign_read(base, who, memo, depth + 1),
                }
            }
            NodeKind::Let(i) => {
                if let Some(Some(known)) = memo.get(*i).and_then(|m| m.get(idx)) {
                    return known.clone().map(|(r, s, _, t)| (r, s, n.span, t));
                }
                let (value, name) = match self.lets.get(*i) {
                    Some(LetSlot::Done(v, name)) => (v, name.clone()),
                    _ => return None,
                };
                let inner = self.foreign_read(value, who, memo, depth + 1);
                let result = inner.map(|(r, s, sp, t)| (r, s, sp, Some(t.unwrap_or(name))));
                if let Some(slot) = memo.get_mut(*i).and_then(|m| m.get_mut(idx)) {
                    *slot = Some(result.clone());
                }
                result.map(|(r, s, _, t)| (r, s, n.span, t))
            }
            _ => n
                .children()
                .find_map(|c| self.foreign_read(c, who, memo, depth + 1)),
        }
    }

    fn foreign(&self, rec: RecordId, slot: usize, who: Respondent) -> bool {
        self.schema
            .records
            .get(rec)
            .and_then(|r| r.fields.get(slot))
            .is_some_and(|f| f.respondent != who)
    }
}
