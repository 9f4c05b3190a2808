#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::limits::Limits;

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if !p.ends_with("target") && !p.ends_with("node_modules") && !p.ends_with(".git") {
                files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "netspec") {
            out.push(p);
        }
    }
}

#[test]
fn every_spec_in_the_repository_is_read_as_the_grammar_reads_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut fs = Vec::new();
    files(&root, &mut fs);
    let mut n = 0;
    let mut bad = 0;
    for f in &fs {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for wt in [true, false] {
            let a = super::super::parser::parse_with_pest(&text, FileId(0), &Limits::default(), wt);
            let b = parse(&text, FileId(0), &Limits::default(), wt);
            n += 1;
            match (a, b) {
                (Ok(x), Some(y)) if x == y => {}
                (Ok(x), Some(y)) => {
                    bad += 1;
                    let i = x.items.iter().zip(&y.items).position(|(a, b)| a != b);
                    eprintln!(
                        "DIFF {} {wt}: {:?}",
                        f.display(),
                        i.map(|i| (&x.items[i], &y.items[i]))
                    );
                }
                (Ok(_), None) => {
                    bad += 1;
                    eprintln!("NONE {} {wt}", f.display());
                }
                (Err(_), Some(_)) => {
                    bad += 1;
                    eprintln!("ACCEPTS {} {wt}", f.display());
                }
                (Err(_), None) => {}
            }
        }
    }
    eprintln!("{n} checked, {bad} bad");
    assert_eq!(bad, 0);
}
