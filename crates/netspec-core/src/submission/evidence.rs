//! The evidence a submission gives ([`Evidence`]): per requirement id,
//! evidence key → reference text, kept flat: one string and one list, which
//! grow as they are read, rather than allocations for every reference.

use std::cmp::Ordering;

/// Evidence a submission gives: per requirement id, evidence key →
/// reference text. Ids and keys are unique and kept in order (byte order of
/// the text, as a `BTreeMap<String, _>` keeps them); an id may be given with
/// no reference at all.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Every id, key and reference given, one after another.
    text: String,
    /// Sorted by id, then key: one per reference, and one without a
    /// reference for an id given with none.
    items: Vec<Item>,
}

/// Where a text is in [`Evidence::text`].
type Span = (usize, usize);

#[derive(Debug, Clone, Copy)]
struct Item {
    /// The first bytes of the id ([`prefix`]): most items are put in
    /// order by them alone.
    first: u64,
    id: Span,
    /// The key and its reference.
    given: Option<(Span, Span)>,
    /// Which id given (in the order read) this came from: two ids spelt
    /// alike are told apart by it.
    group: usize,
}

impl Evidence {
    /// Whether no requirement id is given.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many requirement ids are given.
    pub fn len(&self) -> usize {
        self.ids().count()
    }

    fn text(&self, (from, to): Span) -> &str {
        self.text.get(from..to).unwrap_or_default()
    }

    /// The bytes of a text, for putting items in order.
    fn bytes(&self, (from, to): Span) -> &[u8] {
        self.text.as_bytes().get(from..to).unwrap_or_default()
    }

    /// The key and reference of `item`, if it has them.
    fn pair(&self, item: &Item) -> Option<(&str, &str)> {
        item.given.map(|(k, r)| (self.text(k), self.text(r)))
    }

    /// Each requirement id given, in order, with its keys and references
    /// in order.
    pub fn ids(&self) -> impl Iterator<Item = (&str, References<'_>)> {
        self.items.chunk_by(|a, b| a.group == b.group).map(|items| {
            let id = items.first().map_or("", |i| self.text(i.id));
            (
                id,
                References {
                    evidence: self,
                    items: items.iter(),
                },
            )
        })
    }

    /// The reference given under `key` for requirement `id`.
    pub fn reference(&self, id: &str, key: &str) -> Option<&str> {
        let at = self
            .items
            .binary_search_by(|i| {
                self.text(i.id).cmp(id).then_with(|| match self.pair(i) {
                    None => Ordering::Less,
                    Some((k, _)) => k.cmp(key),
                })
            })
            .ok()?;
        self.items
            .get(at)
            .and_then(|i| self.pair(i))
            .map(|(_, r)| r)
    }

    /// The order of two items: by id, then key, an id without a reference
    /// first.
    fn order(&self, a: &Item, b: &Item) -> Ordering {
        a.first.cmp(&b.first).then_with(|| {
            self.bytes(a.id).cmp(self.bytes(b.id)).then_with(|| {
                let key = |i: &Item| i.given.map(|(k, _)| self.bytes(k));
                key(a).cmp(&key(b))
            })
        })
    }
}

/// The first 8 bytes of `s` as a number, zeros after its end: numbers in
/// the order of the texts they start, except that two texts whose first 8
/// bytes (with those zeros) are alike must be compared in full.
#[inline]
fn prefix(s: &str) -> u64 {
    if let Some(&first) = s.as_bytes().first_chunk::<8>() {
        return u64::from_be_bytes(first);
    }
    let mut word = [0u8; 8];
    for (w, b) in word.iter_mut().zip(s.as_bytes()) {
        *w = *b;
    }
    u64::from_be_bytes(word)
}

/// Equal when they give the same references under the same keys of the
/// same ids, however the texts are laid out.
impl PartialEq for Evidence {
    fn eq(&self, other: &Evidence) -> bool {
        self.items.len() == other.items.len()
            && self.ids().zip(other.ids()).all(|((a, ra), (b, rb))| {
                a == b && ra.len() == rb.len() && ra.zip(rb).all(|(x, y)| x == y)
            })
    }
}

impl Eq for Evidence {}

/// The keys and references given for one requirement id, in key order.
#[derive(Debug, Clone)]
pub struct References<'e> {
    evidence: &'e Evidence,
    items: std::slice::Iter<'e, Item>,
}

impl<'e> Iterator for References<'e> {
    type Item = (&'e str, &'e str);

    fn next(&mut self) -> Option<(&'e str, &'e str)> {
        let evidence = self.evidence;
        self.items.by_ref().find_map(|i| evidence.pair(i))
    }
}

impl References<'_> {
    /// How many references are left.
    pub fn len(&self) -> usize {
        self.items
            .as_slice()
            .iter()
            .filter(|i| i.given.is_some())
            .count()
    }

    /// Whether no reference is left.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Puts [`Evidence`] together in any order.
#[derive(Debug, Default)]
pub(crate) struct EvidenceBuilder {
    evidence: Evidence,
    /// The id being given, its first bytes ([`prefix`]), its group, and
    /// whether it had a reference yet.
    id: Option<(Span, u64, usize, bool)>,
    groups: usize,
}

impl EvidenceBuilder {
    /// A builder with room for `bytes` bytes of text and `items` references.
    #[cfg(any(feature = "fast-read", test))]
    pub(crate) fn with_capacity(bytes: usize, items: usize) -> EvidenceBuilder {
        EvidenceBuilder {
            evidence: Evidence {
                text: String::with_capacity(bytes),
                items: Vec::with_capacity(items),
            },
            id: None,
            groups: 0,
        }
    }

    #[inline]
    fn put(&mut self, s: &str) -> Span {
        let from = self.evidence.text.len();
        self.evidence.text.push_str(s);
        (from, self.evidence.text.len())
    }

    /// Starts the references of requirement `id`.
    #[inline]
    pub(crate) fn id(&mut self, id: &str) {
        self.close();
        let span = self.put(id);
        self.id = Some((span, prefix(id), self.groups, false));
        self.groups += 1;
    }

    /// A reference of the current id ([`EvidenceBuilder::id`] comes first).
    #[inline]
    pub(crate) fn reference(&mut self, key: &str, reference: &str) {
        if let Some((id, first, group, given)) = &mut self.id {
            *given = true;
            // key and reference written here, back to back, rather than by
            // two `put`s: fewer instructions on the benchmark submission
            let text = &mut self.evidence.text;
            let at = text.len();
            text.push_str(key);
            text.push_str(reference);
            let k = (at, at + key.len());
            self.evidence.items.push(Item {
                first: *first,
                id: *id,
                given: Some((k, (k.1, text.len()))),
                group: *group,
            });
        }
    }

    /// Ends the current id: one given without a reference is still given.
    fn close(&mut self) {
        if let Some((id, first, group, false)) = self.id.take() {
            self.evidence.items.push(Item {
                first,
                id,
                given: None,
                group,
            });
        }
    }

    /// The evidence, or `None` when an id is given twice, or a key twice
    /// for one id, or when more than [`FEW`] items come out of order (the
    /// fast reader then leaves the section to the full one, whose objects
    /// come in order).
    pub(crate) fn finish(mut self) -> Option<Evidence> {
        self.close();
        let mut ev = self.evidence;
        let mut items = std::mem::take(&mut ev.items);
        if items.len() <= FEW {
            // put in order one by one: a few items, most often in order
            // already, which the slice sort's set-up would outweigh
            for k in 1..items.len() {
                let mut j = k;
                while j > 0 {
                    match (items.get(j - 1), items.get(j)) {
                        (Some(a), Some(b)) if ev.order(a, b) == Ordering::Greater => {
                            items.swap(j - 1, j);
                            j -= 1;
                        }
                        _ => break,
                    }
                }
            }
        } else if !items.is_sorted_by(|a, b| ev.order(a, b) != Ordering::Greater) {
            return None;
        }
        // an id's items lie together: it was given twice if they come from
        // two groups, a key twice if two are equal
        let twice = items.windows(2).any(|w| match w {
            [a, b] => {
                a.first == b.first
                    && ev.bytes(a.id) == ev.bytes(b.id)
                    && (a.group != b.group || ev.order(a, b) == Ordering::Equal)
            }
            _ => false,
        });
        if twice {
            return None;
        }
        ev.items = items;
        Some(ev)
    }
}

/// At most how many items [`EvidenceBuilder::finish`] puts in order; more
/// must come in order.
pub(crate) const FEW: usize = 16;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use std::collections::BTreeMap;

    type Map = BTreeMap<String, BTreeMap<String, String>>;

    fn built(given: &[(&str, &[(&str, &str)])]) -> Option<Evidence> {
        let mut b = EvidenceBuilder::default();
        for (id, refs) in given {
            b.id(id);
            for (k, r) in *refs {
                b.reference(k, r);
            }
        }
        b.finish()
    }

    fn as_map(e: &Evidence) -> Map {
        e.ids()
            .map(|(id, refs)| {
                let m = refs.map(|(k, r)| (k.to_string(), r.to_string())).collect();
                (id.to_string(), m)
            })
            .collect()
    }

    #[test]
    fn keeps_ids_and_keys_in_order_whatever_order_they_come_in() {
        let e = built(&[
            ("B-01", &[("z", "3"), ("a", "1")]),
            ("A-01", &[]),
            ("AB", &[("k", "2")]),
        ])
        .unwrap();
        let ids: Vec<(&str, Vec<(&str, &str)>)> =
            e.ids().map(|(id, r)| (id, r.collect())).collect();
        assert_eq!(
            ids,
            vec![
                ("A-01", vec![]),
                ("AB", vec![("k", "2")]),
                ("B-01", vec![("a", "1"), ("z", "3")]),
            ]
        );
        assert_eq!(e.len(), 3);
        assert_eq!(e.reference("B-01", "z"), Some("3"));
        assert_eq!(e.reference("B-01", "b"), None);
        assert_eq!(e.reference("A-01", ""), None);
        assert_eq!(e.reference("AB", "k"), Some("2"));
    }

    #[test]
    fn refuses_an_id_or_a_key_given_twice() {
        assert!(built(&[("A", &[("k", "1")]), ("A", &[("j", "2")])]).is_none());
        assert!(built(&[("A", &[]), ("A", &[])]).is_none());
        assert!(built(&[("B", &[("k", "1"), ("k", "2")])]).is_none());
        assert!(built(&[("A", &[("k", "1")]), ("B", &[("k", "1")])]).is_some());
    }

    #[test]
    fn equal_whatever_the_layout() {
        let a = built(&[("A", &[("k", "1")]), ("B", &[])]).unwrap();
        let b = built(&[("B", &[]), ("A", &[("k", "1")])]).unwrap();
        let c = built(&[("A", &[("k", "1")])]).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(Evidence::default(), built(&[]).unwrap());
    }

    proptest::proptest! {
        /// Refused exactly when an id, or a key of one id, is given twice,
        /// or more than [`FEW`] items come out of order; otherwise the same
        /// ids, keys and references, in the same order, as a map of maps
        /// of the same entries.
        #[test]
        fn agrees_with_a_map_of_maps(
            given in proptest::collection::vec(
                // texts alike in their first 8 bytes, and with zero bytes
                (
                    "(ABCDEFGH)?[AB\\x00]{0,2}",
                    proptest::collection::vec(("(abcdefgh)?[ab\\x00]{0,2}", "[xy]{0,2}"), 0..6),
                ),
                0..8,
            )
        ) {
            let mut b = EvidenceBuilder::with_capacity(4, 2);
            let mut map = Map::new();
            let mut twice = false;
            let mut items = Vec::new();
            for (id, refs) in &given {
                b.id(id);
                if refs.is_empty() {
                    items.push((id.as_str(), None));
                }
                let mut m = BTreeMap::new();
                for (k, r) in refs {
                    b.reference(k, r);
                    items.push((id.as_str(), Some(k.as_str())));
                    twice |= m.insert(k.clone(), r.clone()).is_some();
                }
                twice |= map.insert(id.clone(), m).is_some();
            }
            let out_of_order = items.len() > FEW && !items.is_sorted();
            match b.finish() {
                None => proptest::prop_assert!(twice || out_of_order),
                Some(e) => {
                    proptest::prop_assert!(!twice && !out_of_order);
                    proptest::prop_assert_eq!(as_map(&e), map.clone());
                    for (id, m) in &map {
                        for (k, r) in m {
                            proptest::prop_assert_eq!(e.reference(id, k), Some(r.as_str()));
                        }
                        proptest::prop_assert_eq!(e.reference(id, "zz"), None);
                    }
                    proptest::prop_assert_eq!(e.len(), map.len());
                    proptest::prop_assert_eq!(e.is_empty(), map.is_empty());
                }
            }
        }
    }

    /// Many items are kept when they come in order, as the full reader
    /// gives them, and refused when they do not.
    #[test]
    fn many_items_must_come_in_order() {
        let keys: Vec<String> = (0..FEW + 5).map(|k| format!("k{k:02}")).collect();
        let refs: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "r")).collect();
        let e = built(&[("A", &refs)]).unwrap();
        assert_eq!(e.ids().next().map(|(_, r)| r.len()), Some(FEW + 5));
        let mut reversed = refs.clone();
        reversed.reverse();
        assert!(built(&[("A", &reversed)]).is_none());
        assert!(built(&[("A", &reversed[..FEW])]).is_some());
    }
}
