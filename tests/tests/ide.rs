//! The editor queries (`netspec_core::ide`) on every bundled spec, at every
//! name: a hover covers the place asked about and a whole name; a
//! definition lands on the same name, and is among the references;
//! references are all the same name; the semantic tokens are in order, on
//! one line each and inside the text. And on every spec cut short at many
//! places, no query panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use netspec_core::ide::Index;
use netspec_core::Sources;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bundled() -> Vec<(String, Sources)> {
    let specs = repo().join("specs");
    let common = "common/network_governance.netspec";
    let common_text = std::fs::read_to_string(specs.join(common)).unwrap();
    let mut out: Vec<(String, Sources)> = std::fs::read_dir(&specs)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "netspec"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            let sources = Sources::single(name.clone(), text).with(common, common_text.as_str());
            (name, sources)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 12);
    out
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

#[test]
fn every_name_of_every_bundled_spec() {
    for (name, sources) in bundled() {
        let ix = Index::new(&name, &sources);
        assert_eq!(ix.files().count(), 2, "{name}");
        let text = sources.get(&name).unwrap().to_string();
        let bytes = text.as_bytes();
        let mut hovered = 0;
        let mut defined = 0;
        let mut i = 0;
        while i < bytes.len() {
            let starts = is_name_byte(bytes[i]) && (i == 0 || !is_name_byte(bytes[i - 1]));
            if !starts {
                i += 1;
                continue;
            }
            let mut end = i;
            while end < bytes.len() && is_name_byte(bytes[end]) {
                end += 1;
            }
            let at = i + (end - i) / 2;
            if let Some(h) = ix.hover(&name, at) {
                hovered += 1;
                assert!(h.start <= at && at <= h.end, "{name}@{at}");
                assert!(!h.contents.is_empty());
                let word = &text[h.start..h.end];
                assert!(
                    word.bytes().all(is_name_byte) || word.starts_with('"'),
                    "{name}@{at}: {word:?}"
                );
            }
            if let Some(d) = ix.definition(&name, at) {
                if let Some(target_text) = ix.text(&d.file) {
                    defined += 1;
                    let here = ix.hover(&name, at).unwrap();
                    let word = &text[here.start..here.end];
                    if !word.starts_with('"') {
                        assert_eq!(&target_text[d.start..d.end], word, "{name}@{at}");
                        let refs = ix.references(&name, at, true);
                        assert!(refs.contains(&d), "{name}@{at}: {word}");
                        for r in &refs {
                            assert_eq!(
                                &ix.text(&r.file).unwrap()[r.start..r.end],
                                word,
                                "{name}@{at}"
                            );
                        }
                    }
                }
            }
            i = end;
        }
        assert!(hovered > 300, "{name}: {hovered} names hovered");
        assert!(defined > 300, "{name}: {defined} definitions");
        let toks = ix.semantic_tokens(&name);
        assert!(toks.len() > 1000, "{name}");
        for w in toks.windows(2) {
            assert!(w[0].start + w[0].len <= w[1].start, "{name}: {w:?}");
        }
        for t in &toks {
            let piece = &text[t.start..t.start + t.len];
            assert!(!piece.contains('\n'), "{name}: {t:?}");
        }
        // the outline: every requirement under its area
        let reqs: usize = ix.symbols(&name).iter().map(|s| s.children.len()).sum();
        assert!(reqs > 20, "{name}");
    }
}

#[test]
fn cut_short_anywhere_no_query_panics() {
    for (name, sources) in bundled().into_iter().step_by(3) {
        let text = sources.get(&name).unwrap().to_string();
        let mut cut = 0;
        while cut < text.len() {
            while !text.is_char_boundary(cut) {
                cut += 1;
            }
            let part = &text[..cut];
            let ix = Index::new(&name, &Sources::single(name.clone(), part));
            for at in [cut / 3, cut / 2, cut] {
                let _ = ix.hover(&name, at);
                let _ = ix.definition(&name, at);
                let _ = ix.references(&name, at, true);
                let c = ix.complete(&name, at);
                assert!(c.from <= at.min(part.len()), "{name}: cut {cut} at {at}");
            }
            let _ = ix.symbols(&name);
            let _ = ix.semantic_tokens(&name);
            cut += 1 + text.len() / 40;
        }
    }
}
