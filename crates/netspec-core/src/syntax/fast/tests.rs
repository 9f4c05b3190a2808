//! The hand-written parser against the pest route (the reference).
//!
//! Soundness: whenever [`parse`] gives a tree, the pest route gives `Ok`
//! with that very tree (items, comments, every span). Coverage: on text the
//! grammar accepts, [`parse`] gives a tree. Both are checked on every
//! `.netspec` file of the repository, on specs generated from the grammar,
//! on hand-picked corner cases and, soundness only, on mutated texts and
//! under tight [`Limits`].

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::TestCaseError;

use super::{parse, MOST_NESTED};
use crate::diagnostic::Diagnostic;
use crate::limits::Limits;
use crate::source::FileId;
use crate::syntax::ast::{File, Item};
use crate::syntax::parser::parse_with_pest;

// ---------------------------------------------------------------- checks

fn mode(with_tests: bool) -> &'static str {
    if with_tests {
        "with its tests"
    } else {
        "without its tests"
    }
}

fn first_error(errors: &[Diagnostic]) -> String {
    errors.first().map_or_else(
        || "no diagnostic".to_string(),
        |d| format!("{} {} at {:?}", d.code.as_str(), d.message, d.span),
    )
}

/// A text for a failure message: escaped, so that tabs, carriage returns
/// and byte order marks show.
fn shown(text: &str) -> String {
    const MOST: usize = 3000;
    if text.len() <= MOST {
        format!("text ({} bytes): {text:?}", text.len())
    } else {
        let mut end = MOST;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("text ({} bytes), its start: {:?}", text.len(), &text[..end])
    }
}

/// Soundness: when the fast parser gives a tree, pest gives `Ok` with the
/// same tree.
fn check_sound(text: &str, file: FileId, limits: &Limits, with_tests: bool) -> Result<(), String> {
    on_a_large_stack(|| sound(text, file, limits, with_tests))
}

/// Runs `f` on a thread with a 64 MiB stack. Generated and mutated texts
/// reach the nesting limits (256 `if`s one inside another), where the pest
/// route of a debug build (these tests) needs more than a test thread's
/// 2 MiB; a release build does not. What stack the parsers need is
/// `tests/tests/nesting.rs`'s to check, not these tests'.
fn on_a_large_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(s, f)
            .expect("a thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// [`check_sound`] on the caller's stack.
fn sound(text: &str, file: FileId, limits: &Limits, with_tests: bool) -> Result<(), String> {
    let Some(got) = parse(text, file, limits, with_tests) else {
        return Ok(());
    };
    match parse_with_pest(text, file, limits, with_tests) {
        Ok(expected) if expected == got => Ok(()),
        Ok(expected) => Err(format!(
            "the fast parser read the text {} to another tree than pest's: {}",
            mode(with_tests),
            first_difference(text, &expected, &got)
        )),
        Err(errors) => Err(format!(
            "the fast parser read the text {}, which pest refuses ({}), to {} items",
            mode(with_tests),
            first_error(&errors),
            got.items.len()
        )),
    }
}

/// Coverage and soundness: pest reads the text, and the fast parser reads
/// it to the same tree.
fn check_read(text: &str, file: FileId, limits: &Limits, with_tests: bool) -> Result<(), String> {
    let expected = parse_with_pest(text, file, limits, with_tests).map_err(|errors| {
        format!(
            "pest refuses the text {}: {}",
            mode(with_tests),
            first_error(&errors)
        )
    })?;
    match parse(text, file, limits, with_tests) {
        Some(got) if got == expected => Ok(()),
        Some(got) => Err(format!(
            "the fast parser read the text {} to another tree than pest's: {}",
            mode(with_tests),
            first_difference(text, &expected, &got)
        )),
        None => Err(format!(
            "the fast parser gave up on a text pest reads {} ({} items)",
            mode(with_tests),
            expected.items.len()
        )),
    }
}

fn line_col(text: &str, offset: u32) -> String {
    let offset = (offset as usize).min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |n| offset - n - 1) + 1;
    format!("line {line}, column {col}")
}

/// The first of two sequences' elements that differ, or the first one
/// only one of them has.
fn first_unequal<T: PartialEq + Debug>(what: &str, expected: &[T], got: &[T]) -> Option<String> {
    let n = expected.len().max(got.len());
    (0..n).find_map(|i| match (expected.get(i), got.get(i)) {
        (Some(a), Some(b)) if a == b => None,
        (a, b) => Some(format!(
            "{what} {i}:\n  pest:        {a:?}\n  fast parser: {b:?}"
        )),
    })
}

/// Where two trees first differ: the item (and in an area, inputs block,
/// rating or test, the first differing part of it), or the comments.
fn first_difference(text: &str, expected: &File, got: &File) -> String {
    let n = expected.items.len().max(got.items.len());
    for i in 0..n {
        let (a, b) = (expected.items.get(i), got.items.get(i));
        if a == b {
            continue;
        }
        let at = a
            .or(b)
            .map(|x| line_col(text, x.span().start))
            .unwrap_or_default();
        let inner = match (a, b) {
            (Some(Item::Area(x)), Some(Item::Area(y))) if x.name == y.name && x.span == y.span => x
                .requirements
                .iter()
                .zip(&y.requirements)
                .find(|(r, s)| r != s && r.id == s.id && r.span == s.span)
                .and_then(|(r, s)| first_unequal("clause", &r.clauses, &s.clauses))
                .or_else(|| first_unequal("requirement", &x.requirements, &y.requirements)),
            (Some(Item::Inputs(x)), Some(Item::Inputs(y))) if x.span == y.span => {
                first_unequal("declaration", &x.decls, &y.decls)
            }
            (Some(Item::Rating(x)), Some(Item::Rating(y))) if x.span == y.span => {
                first_unequal("rating rule", &x.rules, &y.rules)
            }
            (Some(Item::Test(x)), Some(Item::Test(y))) if x.span == y.span => {
                first_unequal("test clause", &x.clauses, &y.clauses)
            }
            _ => None,
        };
        return match inner {
            Some(inner) => format!(
                "item {i} (pest's starts at {at}) differs, in its {inner}\n  pest's item: {a:?}"
            ),
            None => {
                format!("item {i} (at {at}) differs:\n  pest:        {a:?}\n  fast parser: {b:?}")
            }
        };
    }
    first_unequal("comment", &expected.comments, &got.comments)
        .unwrap_or_else(|| "the trees are equal".to_string())
}

// ---------------------------------------------------------------- the repository's specs

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` (build output, dependencies and hidden folders
/// left out) that `keep` accepts.
fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !(name.starts_with('.') || name.starts_with("target") || name == "node_modules") {
                files_under(&path, keep, out);
            }
        } else if kind.is_file() && keep(&path) {
            out.push(path);
        }
    }
}

/// A path as the repository names it.
fn relative(path: &Path) -> String {
    let root = repo_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn is_spec(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "netspec")
}

/// Every `.netspec` file of the repository: the bundled specs, the
/// conformance corpus, the diff fixtures, the benchmarks' data, the
/// engine's own, the editors' and any seeded fuzz corpus.
fn repo_specs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files_under(&repo_root(), &is_spec, &mut out);
    out.sort();
    out
}

/// The fuzz corpora and crash artifacts of the targets that read spec text
/// (files without the `.netspec` extension: what the fuzzer found).
fn fuzz_inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for kind in ["corpus", "artifacts"] {
        for target in ["parse", "compile", "fmt"] {
            let dir = repo_root().join("fuzz").join(kind).join(target);
            files_under(&dir, &|p: &Path| !is_spec(p), &mut out);
        }
    }
    out.sort();
    out
}

/// The distinct texts of the repository's `.netspec` files, read once.
fn bundled_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut seen = HashSet::new();
        repo_specs()
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter(|t| seen.insert(t.clone()))
            .collect()
    })
}

#[test]
fn every_bundled_spec_is_read_by_the_fast_parser_as_pest_reads_it() {
    let limits = Limits::default();
    let file = FileId(2);
    let files = repo_specs();
    let mut distinct = HashSet::new();
    let mut read = 0usize;
    let mut refused = 0usize;
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        if !distinct.insert(text.clone()) {
            continue;
        }
        for with_tests in [true, false] {
            let outcome = if parse_with_pest(&text, file, &limits, with_tests).is_ok() {
                read += 1;
                check_read(&text, file, &limits, with_tests)
            } else {
                refused += 1;
                check_sound(&text, file, &limits, with_tests)
            };
            if let Err(m) = outcome {
                failures.push(format!("{}: {m}", relative(path)));
            }
        }
    }
    let specs = distinct.len();
    // what the fuzzer kept: soundness only, as these texts are anything
    let fuzzed = fuzz_inputs();
    for path in fuzzed.iter().take(3000) {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if text.len() > 256 * 1024 || !distinct.insert(text.clone()) {
            continue;
        }
        for with_tests in [true, false] {
            if let Err(m) = check_sound(&text, file, &limits, with_tests) {
                failures.push(format!("{}: {m}", relative(path)));
            }
        }
    }
    assert!(
        files.len() >= 20 && specs >= 20,
        "only {} .netspec files ({specs} distinct) under {}",
        files.len(),
        repo_root().display()
    );
    assert!(
        read >= 40 && refused >= 1,
        "pest read {read} and refused {refused} of the {} readings",
        read + refused
    );
    assert!(
        failures.is_empty(),
        "{} failures in {} readings of {specs} distinct specs and {} fuzzed texts; \
         the first ones:\n\n{}",
        failures.len(),
        read + refused,
        distinct.len() - specs,
        failures
            .iter()
            .take(6)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

// ---------------------------------------------------------------- corner cases

/// Constructs a hand-written parser could take for something else, marked
/// on the generated texts that hold them. Coverage is not asserted on a
/// text holding one listed in [`MAY_GIVE_UP`] (soundness still is).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unusual {
    /// A rule of a requirement that starts with the word of a clause used
    /// as a name (`evidence > 3`, `help == 2`, `basis.x`): which clause it
    /// is shows only after the word.
    ClauseWordStartsRule,
    /// A byte order mark as layout after the start of the file: layout to
    /// the grammar, but not blank to `str::trim_end`, so a span that ends
    /// before one takes it in.
    ByteOrderMarkInside,
}

/// The unusual constructs on which the fast parser may give up (return
/// `None`) on valid text, leaving it to pest: a byte order mark inside a
/// spec is rare, and pest's spans take it in.
const MAY_GIVE_UP: &[Unusual] = &[Unusual::ByteOrderMarkInside];

fn may_give_up(unusual: Option<Unusual>) -> bool {
    unusual.is_some_and(|u| MAY_GIVE_UP.contains(&u))
}

fn in_requirement(body: &str) -> String {
    format!(
        "inputs {{ x: int \"X\" }}\n\
         area workforce {{\n\
         \x20 requirement R-1 must \"T\" {{\n\
         \x20   {body}\n\
         \x20 }}\n\
         }}\n"
    )
}

/// Texts the grammar accepts (at least when test blocks are stepped over)
/// whose reading hangs on a detail.
fn corner_cases() -> Vec<(String, Option<Unusual>)> {
    let mut cases: Vec<(String, Option<Unusual>)> = Vec::new();
    let plain = |t: &str| (t.to_string(), None);
    let rule = |t: &str| (in_requirement(t), None);
    let clause_word = |t: &str| (in_requirement(t), Some(Unusual::ClauseWordStartsRule));
    cases.extend([
        plain(""),
        plain("\u{FEFF}"),
        plain("\u{FEFF}// only a comment\r\n"),
        plain("// c"),
        plain("let x = 1 // no line end"),
        plain("let x = 1 // c\r\nlet y = 2\r\n"),
        plain("let x=(1)let y=[2]"),
        plain("spec s \"T\" // c\nuse \"common/a.netspec\"\n"),
        plain("spec s \"T\"{version\"1\"source\"a \\\"b\\\" \\u{1F600}\"}"),
        plain("spec s \"T\" { }\nspec t \"U\"\n"),
        plain(
            "inputs respondent network { }\n\
             inputs \"T\" {}\n\
             inputs \"T\" respondent provider {}\n\
             inputs{}",
        ),
        plain(
            "inputs { x: int \"Q\" help \"a\" help \"b\" unit \"u\" label \"l\" item \"i\" \
             period assessment period 12 months }",
        ),
        plain(
            "inputs { x: int \"Q\"\n\
             help: int \"H\"\n\
             period: int \"P\"\n\
             unit: text \"U\"\n\
             item: bool \"I\"\n\
             min: int \"M\"\n\
             respondent: int \"R\" }",
        ),
        plain(
            "inputs { x: int min -5 max 10% \"Q\"\n\
             d: date min 2020-01-01 max 2030-12-31 \"D\"\n\
             n: int min 0 max a . b \"N\"\n\
             m: number max min \"M\"\n\
             p: percent min -0.5% max 100 \"P\" }",
        ),
        plain("inputs { p . q: int \"Q\"\np// c\n.r: bool \"R\" }"),
        plain("inputs { e: enum(a \"A\", b, c \"C\",) \"E\"\nf: enum ( yes ) \"F\" }"),
        plain(
            "inputs { xs: list min 1 max 9 \"Q\" item \"x\" period 1 day { \
             y: int \"Y\" period assessment\n\
             zs: list \"Z\" { z: text \"Z\" } }\n\
             g: group \"G\" help \"h\" { }\n\
             c: checklist \"C\" { a \"A\" b \"B\" } }",
        ),
        plain("inputs { d: int \"D\" period 12\nmonths }"),
        plain(
            "let x = a .b .c\n\
             let y = 3.x\n\
             let z = 3.5.x + 5%.y + 2025-01-01.z + true.t + assessment_date.year",
        ),
        plain("let x = -3 months\nlet y = 12.5%\nlet z = 007\nlet w = 12345678901234567890"),
        plain("let x = not not not x\nlet y = - -x\nlet z = -not x\nlet w = not -x.y"),
        plain("let x = a implies b implies c or d and e == f"),
        plain("let x = if a then b else c + 1"),
        plain("let x = all u in units: u.x > 0 and u.y\nlet y = any u in if a then b else c: u"),
        plain("let x = f() + f(a,) + f(a, b, c,) + [] + [1,] + [1, [2], (3)]"),
        plain("let x = \"a\\n\\t\\r\\\"\\\\\\u{41}\\u{1F600} { } // é\""),
        plain("let x = \"two\nlines\""),
        plain(
            "let x = a within next 3 months\n\
             let y = a within next_review\n\
             let z = a within 1 year",
        ),
        plain("let x = a not in [b]\nlet y = a not\n\tin b"),
        plain("let x = sum(u.x for u in units where u.ok) + mean(u for u in units)"),
        plain("let x = count(u in units) + count(u in units where u.ok)"),
        plain(
            "let x = count(u in units, 3) + count(u.x in units) + \
             count(x for u in units where u.ok)",
        ),
        plain("let x = min(u.x for u in units) + max(a, b) + count(a)"),
        plain(
            "let x = letter + iff + inside + note + order + days + month + \
             elsewhere + truex + in_x",
        ),
        plain("area a { }\narea b{requirement R must\"T\"{}}"),
        plain(
            "rating { green when all must met and count(should not_met) <= 2 or \
             not (any may incomplete)\n\
             amber when count ( requirements met ) > 2.5\n\
             blue when count(must met) == 99999999999999999999\n\
             red otherwise }",
        ),
        plain(
            "rating { green when not not no must met or \
             (all should met and any may not_applicable) }",
        ),
        plain("rating { when when all must met otherwise otherwise }"),
        plain(
            "test \"t\" { given { \"a\": \"}{\\\"\", \"b\": [ {}, { \"c\": \"//\" } ] }\n\
             given file \"f.json\"\n\
             assessed_on 2025-06-30\n\
             respondent network\n\
             expect overall green\n\
             expect area workforce red\n\
             expect area-1 met\n\
             expect overall-2 not_met\n\
             expect R-1 not_applicable }",
        ),
        plain("test \"t\" { expect overall given\ngiven{}\nexpect given incomplete }"),
        plain(
            "test \"a } \\\" brace\" {\n\
             \t// a comment with } and { and \"\n\
             \tgiven { \"x\": 1 }\n\
             }\n",
        ),
        plain("test \"t\" { expect nothing here 42 % { } }\n"),
        plain("test \"\\u{D800}\" { }\n"),
        rule("x > 3 months_ago"),
        rule("x > 3\nmonths > 2"),
        rule("x\n- y"),
        rule("x\n(y)"),
        rule("x(y)"),
        rule("x not in_list"),
        rule(
            "applies when x\n\
             x > 0\n\
             evidence e \"d\"\n\
             evidence f \"g\" required\n\
             ref \"r\"\n\
             help \"h\"\n\
             basis estimate\n\
             respondent network",
        ),
        rule("evidence e \"d\" required\nrequired > 1"),
        rule("(evidence)\n(required)\n(basis) standard\n(respondent) provider"),
        clause_word("applies\n(when > 3)"),
        rule("x > 0 // c\n  // d\n"),
        clause_word("evidence > 3"),
        clause_word("help == 2\nhelp \"h\""),
        clause_word("basis.x > 1"),
        clause_word("respondent == network"),
        clause_word("ref != \"x\""),
        clause_word("applies\nwhen > 3"),
        clause_word("respondent.x"),
        clause_word("evidence(1)"),
        (
            "let x = a\u{FEFF}\nlet y = b\u{FEFF}// c\n".to_string(),
            Some(Unusual::ByteOrderMarkInside),
        ),
        (
            in_requirement("x\u{FEFF}\n> 1\u{FEFF}"),
            Some(Unusual::ByteOrderMarkInside),
        ),
        (
            "spec s \"T\"\u{FEFF}\ninputs \"I\"\u{FEFF}{ x: int \"X\" help \"h\"\u{FEFF} }"
                .to_string(),
            Some(Unusual::ByteOrderMarkInside),
        ),
        (
            "let x = a not\u{FEFF}in y + 3\u{FEFF}months\nlet y = 1\u{FEFF}".to_string(),
            Some(Unusual::ByteOrderMarkInside),
        ),
    ]);
    cases.extend(limited_texts().into_iter().map(|(t, _)| plain(t)));
    cases
}

#[test]
fn corner_cases_pest_reads_are_read_by_the_fast_parser_as_pest_reads_them() {
    let limits = Limits::default();
    let mut failures = Vec::new();
    for (text, unusual) in corner_cases() {
        let mut read = false;
        for with_tests in [true, false] {
            let outcome = if parse_with_pest(&text, FileId(1), &limits, with_tests).is_ok() {
                read = true;
                if may_give_up(unusual) {
                    check_sound(&text, FileId(1), &limits, with_tests)
                } else {
                    check_read(&text, FileId(1), &limits, with_tests)
                }
            } else {
                check_sound(&text, FileId(1), &limits, with_tests)
            };
            if let Err(m) = outcome {
                failures.push(format!("{m}\n{}", shown(&text)));
            }
        }
        assert!(read, "pest reads this corner case neither way: {text:?}");
    }
    assert!(
        failures.is_empty(),
        "{} failures; the first ones:\n\n{}",
        failures.len(),
        failures
            .iter()
            .take(6)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// Texts the grammar accepts but the pest route refuses (an escape naming
/// no character, `where` outside `count(x in xs where p)`, nesting past
/// the limits), and texts the grammar refuses.
fn refused_texts() -> Vec<String> {
    let chain = |n: usize, unit: &str, sep: &str| vec![unit; n].join(sep);
    let mut texts: Vec<String> = [
        "let x = \"a\\u{D800}\"",
        "let x = \"\\u{110000}\"",
        "spec s \"\\u{DFFF}\"",
        "test \"\\u{D800}\" { }",
        "let x = sum(u in units where u.ok)",
        "let x = count(u.x in units where u.ok)",
        "let x = count(1 in units where u)",
        "let x = count(u where u)",
        "let x =",
        "let x = a within next",
        "let x = a within next.b",
        "let x = f (a)",
        "let x = a . b",
        "let x = 3 months_ago",
        "let x = 2025-01-01x",
        "let x = f(,)",
        "let in = 1",
        "spec",
        "use x",
        "inputs { x: int }",
        "inputs { x: int \"Q\" min 0 }",
        "inputs { x: enum() \"E\" }",
        "inputs { x: int min 3 months \"Q\" }",
        "area a { requirement R-1 must \"T\" { x > } }",
        "area a { requirement R- must \"T\" { } }",
        "area a { requirement R-1 must \"T\" { evidence e \"d\"\nrequired > 1 } }",
        "area a { requirement R-1 must \"T\" { basis\nstandard > 1 } }",
        "area a { requirement R-1 must \"T\" { respondent\nprovider > 1 } }",
        "area a { requirement R-1 must \"T\" { x > 0 }",
        "rating { green when count(must met) <= -1 }",
        "rating { green when all must }",
        "test \"t\" { expect nothing }",
        "test \"t\" { given { \"a\": 1 }",
        "test \"t\" { // }\n",
        "test { }",
        "let x = 1 /* c */",
        "\u{FEFF}\u{A0}let x = 1",
        "let x = \"open",
    ]
    .iter()
    .map(|t| t.to_string())
    .collect();
    texts.push(format!("let x = {}x{}", "(".repeat(130), ")".repeat(130)));
    texts.push(format!("let x = 1 + {}", chain(130, "1", " + ")));
    texts.push(format!("let x = x{}", ".f".repeat(130)));
    texts.push(format!("let x = {}x", "not ".repeat(65)));
    texts.push(format!("let x = {}x", "-".repeat(65)));
    texts.push(format!("let x = {}", chain(66, "a", " implies ")));
    texts.push(format!("let x = {}c", "if a then b else ".repeat(257)));
    texts.push(in_requirement(&format!("x > {}", chain(130, "1", " * "))));
    texts
}

#[test]
fn texts_pest_refuses_are_not_read_by_the_fast_parser() {
    let limits = Limits::default();
    let mut failures = Vec::new();
    for text in refused_texts() {
        assert!(
            parse_with_pest(&text, FileId(0), &limits, true).is_err(),
            "pest reads {text:?}"
        );
        for with_tests in [true, false] {
            if let Err(m) = check_sound(&text, FileId(0), &limits, with_tests) {
                failures.push(format!("{m}\n{}", shown(&text)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Texts pest reads within the default limits and refuses within the
/// tighter ones (they are corner cases too, so the fast parser is to read
/// them within the default limits).
fn limited_texts() -> Vec<(&'static str, Limits)> {
    let within = |tighten: fn(&mut Limits)| {
        let mut limits = Limits::default();
        tighten(&mut limits);
        limits
    };
    vec![
        ("let x = 1", within(|l| l.max_source_bytes = 8)),
        ("let x = ((1))", within(|l| l.max_depth = 1)),
        (
            "inputs { g: group \"G\" { x: int \"X\" } }",
            within(|l| l.max_depth = 1),
        ),
        ("let x = 1 + 2 + 3", within(|l| l.max_depth = 2)),
        ("let x = a.b.c", within(|l| l.max_depth = 2)),
        ("let x = not not x", within(|l| l.max_prefix_run = 1)),
        ("let x = - - -x", within(|l| l.max_prefix_run = 2)),
        (
            "let x = a implies b implies c",
            within(|l| l.max_implies = 1),
        ),
        (
            "let x = if a then b else c",
            within(|l| l.max_nesting_keywords = 0),
        ),
        (
            "let x = all u in v: any w in u: w",
            within(|l| l.max_nesting_keywords = 1),
        ),
        ("let x = 1 + 2", within(|l| l.max_expression_terms = 0)),
        ("let x = [1, 2, 3]", within(|l| l.max_expression_terms = 1)),
        (
            "let x = a and b or c",
            within(|l| l.max_expression_terms = 1),
        ),
    ]
}

#[test]
fn texts_past_tighter_limits_are_not_read_by_the_fast_parser() {
    for (text, tight) in limited_texts() {
        for with_tests in [true, false] {
            assert!(
                parse_with_pest(text, FileId(0), &Limits::default(), with_tests).is_ok(),
                "pest refuses {text:?} within the default limits"
            );
            assert!(
                parse_with_pest(text, FileId(0), &tight, with_tests).is_err(),
                "pest reads {text:?} within {tight:?}"
            );
            if let Err(m) = check_sound(text, FileId(0), &tight, with_tests) {
                panic!("{m} (within {tight:?})\n{}", shown(text));
            }
        }
    }
}

// ---------------------------------------------------------------- a generator of spec text

/// What may stand between a token and the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Glue {
    /// Any layout (spaces, tabs, line ends, comments), or none where the
    /// two tokens do not run together.
    Free,
    /// Nothing: a call's `(` after its name.
    Tight,
    /// Layout without comments, at least one character: inside `not in`,
    /// `within next` and a duration.
    Blank,
}

/// Something a generated text holds beyond plain valid spec text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    /// A construct listed in [`Unusual`].
    Unusual(Unusual),
    /// A `test` block that is balanced but need not be a test: the text
    /// is valid for certain only when test blocks are stepped over.
    SteppedOverOnly,
    /// Grammatical text the pest route refuses: an escape naming no
    /// character, `where` outside `count`, nesting past the limits.
    Refused,
}

#[derive(Clone, Debug)]
struct Tok {
    text: String,
    glue: Glue,
    mark: Option<Mark>,
}

type Toks = Vec<Tok>;

fn tok(text: impl Into<String>) -> Tok {
    Tok {
        text: text.into(),
        glue: Glue::Free,
        mark: None,
    }
}

fn tight(text: impl Into<String>) -> Tok {
    Tok {
        glue: Glue::Tight,
        ..tok(text)
    }
}

fn blank(text: impl Into<String>) -> Tok {
    Tok {
        glue: Glue::Blank,
        ..tok(text)
    }
}

fn toks(words: &[&str]) -> Toks {
    words.iter().map(|w| tok(*w)).collect()
}

fn marked(mut ts: Toks, mark: Mark) -> Toks {
    if let Some(first) = ts.first_mut() {
        first.mark = Some(mark);
    }
    ts
}

/// A generated text and what it holds.
#[derive(Clone, Debug)]
struct Generated {
    text: String,
    marks: Vec<Mark>,
}

impl Generated {
    /// Whether the pest route is to read it.
    fn valid(&self, with_tests: bool) -> bool {
        let refused = self.marks.contains(&Mark::Refused);
        let not_a_test = with_tests && self.marks.contains(&Mark::SteppedOverOnly);
        !(refused || not_a_test)
    }

    /// Whether the fast parser is to read it (when valid).
    fn plain(&self) -> bool {
        !self
            .marks
            .iter()
            .any(|m| matches!(m, Mark::Unusual(u) if MAY_GIVE_UP.contains(u)))
    }
}

/// Layout between two tokens, in three palettes of growing reach: spaces,
/// tabs and line feeds; then comments and CRLF; then a lone carriage return
/// and byte order marks. The generated layout bytes pick from the palette
/// in turn (all zero: one space everywhere).
const FREE: &[&str] = &[
    " ",
    "",
    "\n  ",
    " ",
    "",
    "\t",
    "  ",
    "\n",
    "\n\t\t",
    // comments and CRLF
    "\r\n",
    " // note\n",
    "// {\"}\n",
    "\n\n  // c // d\r\n  ",
    " //\n",
    "\t// é ☃ \"x\" }{ \\\n\t",
    "//\r\n",
    // the rest of the grammar's layout
    "\u{FEFF}",
    "\r",
    "\u{FEFF}\r\n",
];
const FREE_PALETTES: [usize; 3] = [9, 16, FREE.len()];
/// Layout inside `not in`, `within next` and durations, in the same palettes.
const BLANKS: &[&str] = &[" ", "  ", "\t", "\n", " \n\t", "\r\n", "\u{FEFF}", "\r"];
const BLANK_PALETTES: [usize; 3] = [5, 6, BLANKS.len()];
const HEADS: &[&str] = &[
    "",
    "",
    "\u{FEFF}",
    "// head\n",
    "\u{FEFF}// head \"{\r\n\n",
    "\n\n",
    "  \t",
];
const TAILS: &[&str] = &["", "\n", "\n", " // end", "\n// end\n", "\r\n\r\n", "//"];

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `sep` between a text ending with `prev` and one starting with `next`,
/// with a space added where the two would otherwise run together (two
/// words, `/` and `//`, `<` and `=`, and `min 5%` and a word).
fn separator(prev: Option<char>, sep: &str, next: Option<char>) -> String {
    let Some(p) = prev else {
        return sep.to_string();
    };
    if sep.is_empty() {
        let n = next.unwrap_or(' ');
        let merge = ((is_ident_char(p) || p == '%') && is_ident_char(n))
            || (p == '/' && n == '/')
            || ("<>=!".contains(p) && n == '=');
        return if merge { " " } else { "" }.to_string();
    }
    if p == '/' && sep.starts_with('/') {
        return format!(" {sep}");
    }
    sep.to_string()
}

fn render(head: &str, items: &[Tok], tail: &str, palette: usize, layout: &[u8]) -> Generated {
    let free = &FREE[..FREE_PALETTES[palette]];
    let blanks = &BLANKS[..BLANK_PALETTES[palette]];
    let mut text = head.to_string();
    let mut marks = Vec::new();
    let mut choice = layout.iter().copied().cycle();
    for (i, t) in items.iter().enumerate() {
        marks.extend(t.mark);
        let c = usize::from(choice.next().unwrap_or(0));
        let sep = if i == 0 {
            ""
        } else {
            match t.glue {
                Glue::Free => free[c % free.len()],
                Glue::Tight => "",
                Glue::Blank => blanks[c % blanks.len()],
            }
        };
        let sep = separator(text.chars().last(), sep, t.text.chars().next());
        if sep.contains('\u{FEFF}') {
            marks.push(Mark::Unusual(Unusual::ByteOrderMarkInside));
        }
        text.push_str(&sep);
        text.push_str(&t.text);
    }
    let tail = separator(text.chars().last(), tail, None);
    text.push_str(&tail);
    Generated { text, marks }
}

/// Names, none reserved, many close to a keyword or one where the grammar
/// lets a keyword name an input (`next` is left out: `d within next` reads
/// as `within next` missing its right side).
const NAMES: &[&str] = &[
    "x",
    "units",
    "u",
    "beds",
    "letter",
    "iff",
    "inside",
    "note",
    "order",
    "days",
    "month",
    "evidence",
    "help",
    "min",
    "max",
    "ref",
    "in_x",
    "notes",
    "orx",
    "andy",
    "truex",
    "falsey",
    "ifx",
    "thenx",
    "elsewhere",
    "forx",
    "wherever",
    "within_x",
    "implies_x",
    "assessment_datex",
    "assessment",
    "_",
    "_a1",
    "A",
    "provider",
    "network",
    "standard",
    "basis",
    "respondent",
    "required",
    "applies",
    "when",
    "otherwise",
    "label",
    "item",
    "unit",
    "period",
    "list",
    "group",
    "enum",
    "checklist",
    "spec",
    "use",
    "inputs",
    "let",
    "area",
    "requirement",
    "rating",
    "test",
    "given",
    "file",
    "expect",
    "overall",
    "assessed_on",
    "count",
    "no",
    "sum",
    "mean",
    "int",
    "date",
    "text",
    "must",
    "met",
    "not_met",
    "requirements",
    "next_review",
    "day",
    "years",
    "x1",
];
/// The words that start a clause of a requirement.
const CLAUSE_WORDS: &[&str] = &["applies", "evidence", "ref", "help", "basis", "respondent"];
const REQ_IDS: &[&str] = &[
    "ACC-WF-01",
    "R1",
    "R-1",
    "a_b-C",
    "X-1-2",
    "area-1",
    "overall-2",
    "areas",
    "Q",
    "given-1",
    "expect",
    "met",
    "T-01a",
];
const NUMBERS: &[&str] = &[
    "0",
    "7",
    "42",
    "3.5",
    "0.25",
    "007",
    "100",
    "1.000",
    "12345678901234567890",
];
const PERCENTS: &[&str] = &["85%", "12.5%", "0%", "100%", "0.5%"];
const DATES: &[&str] = &["2025-04-01", "2024-02-29", "1999-12-31", "2025-13-45"];
const SIGNED: &[&str] = &["0", "-5", "1.5", "-0.25", "100%", "-3%", "12.5%", "007"];
const COUNTS: &[&str] = &["1", "3", "12", "0", "007"];
const UNITS: &[&str] = &[
    "day", "days", "week", "weeks", "month", "months", "year", "years",
];
const BINARY: &[&str] = &[
    "implies",
    "or",
    "and",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "within",
    "within next",
    "+",
    "-",
    "*",
    "/",
];
const FUNCTIONS: &[&str] = &[
    "f",
    "ceil",
    "len",
    "min",
    "max",
    "present",
    "days_between",
    "abs",
    "sum",
    "count",
    "mean",
    "round",
    "help",
    "evidence",
    "in_x",
    "if_",
];
const AGGREGATES: &[&str] = &["sum", "mean", "min", "max", "count", "total"];
const STRING_PIECES: &[&str] = &[
    "a",
    "Funded beds",
    " ",
    "{",
    "}",
    "//",
    "é",
    "☃",
    "😀",
    "\\n",
    "\\t",
    "\\r",
    "\\\"",
    "\\\\",
    "\\u{41}",
    "\\u{1F600}",
    "\\u{e9}",
    "'",
    "%",
    "\t",
    "#",
    "\n",
    "0",
    "/*",
];
const JSON_STRING_PIECES: &[&str] = &[
    "a", "x y", "{", "}", "}{", "\\\"", "\\\\", "//", "\\u0041", "é", "\\n", "/",
];
const JSON_SPACE: &[&str] = &["", " ", "\n  ", "\r\n\t"];
/// Pieces of a balanced block that is not a test (no `{` or `}` outside
/// strings and comments, a comment ending its line).
const JUNK: &[&str] = &[
    "expect",
    "nothing",
    "here",
    "42",
    "%",
    "'",
    "#",
    "::",
    "\"a{\"",
    "\"\\q}\"",
    "\"\\\\\"",
    "// } {\" \n",
    "//\n",
    "-",
    "é",
    "\r\n",
    "\"//\"",
    "[",
    "]",
    "(",
    "<",
];

fn name() -> impl Strategy<Value = String> + Clone {
    select(NAMES).prop_map(str::to_string)
}

fn string_lit() -> impl Strategy<Value = String> + Clone {
    vec(select(STRING_PIECES), 0..6).prop_map(|ps| format!("\"{}\"", ps.concat()))
}

fn one(words: &'static [&'static str]) -> impl Strategy<Value = Toks> + Clone {
    select(words).prop_map(|w| vec![tok(w)])
}

fn duration() -> impl Strategy<Value = Toks> + Clone {
    (select(COUNTS), select(UNITS)).prop_map(|(c, u)| vec![tok(c), blank(u)])
}

fn binop() -> impl Strategy<Value = Toks> + Clone {
    select(BINARY).prop_map(|op| match op {
        "not in" => vec![tok("not"), blank("in")],
        "within next" => vec![tok("within"), blank("next")],
        op => vec![tok(op)],
    })
}

fn leaf() -> impl Strategy<Value = Toks> + Clone {
    prop_oneof![
        6 => name().prop_map(|n| vec![tok(n)]),
        2 => one(NUMBERS),
        1 => one(PERCENTS),
        1 => one(DATES),
        1 => duration(),
        1 => string_lit().prop_map(|s| vec![tok(s)]),
        1 => one(&["true", "false", "assessment_date"]),
    ]
}

fn call(f: &str, args: Vec<Toks>, trailing_comma: bool) -> Toks {
    let mut t = vec![tok(f), tight("(")];
    let n = args.len();
    for (i, a) in args.into_iter().enumerate() {
        if i > 0 {
            t.push(tok(","));
        }
        t.extend(a);
    }
    if trailing_comma && n > 0 {
        t.push(tok(","));
    }
    t.push(tok(")"));
    t
}

fn paren(e: Toks) -> Toks {
    let mut t = vec![tok("(")];
    t.extend(e);
    t.push(tok(")"));
    t
}

/// An expression: every operator, prefix runs, fields, calls, aggregates,
/// counts, `if`, quantifiers, lists, brackets and every literal.
fn expr() -> BoxedStrategy<Toks> {
    leaf()
        .prop_recursive(4, 24, 3, |inner| {
            // the list of `count(x in list …)`: what binds tighter than `in`
            let tight_list = prop_oneof![
                name().prop_map(|n| vec![tok(n)]),
                (name(), name()).prop_map(|(a, b)| vec![tok(a), tok(format!(".{b}"))]),
                inner.clone().prop_map(paren),
            ];
            prop_oneof![
                6 => (inner.clone(), binop(), inner.clone())
                    .prop_map(|(a, op, b)| [a, op, b].concat()),
                2 => (vec(select(&["-", "not"][..]), 1..4), inner.clone())
                    .prop_map(|(ops, a)| ops.into_iter().map(tok).chain(a).collect()),
                2 => (inner.clone(), name()).prop_map(|(mut a, f)| {
                    a.push(tok(format!(".{f}")));
                    a
                }),
                2 => (select(FUNCTIONS), vec(inner.clone(), 0..4), any::<bool>())
                    .prop_map(|(f, args, comma)| call(f, args, comma)),
                1 => (
                    select(AGGREGATES),
                    inner.clone(),
                    name(),
                    inner.clone(),
                    option::of(inner.clone()),
                )
                    .prop_map(|(f, body, var, list, filter)| {
                        let mut t = vec![tok(f), tight("(")];
                        t.extend(body);
                        t.extend([tok("for"), tok(var), tok("in")]);
                        t.extend(list);
                        if let Some(filter) = filter {
                            t.push(tok("where"));
                            t.extend(filter);
                        }
                        t.push(tok(")"));
                        t
                    }),
                1 => (name(), tight_list, option::of(inner.clone())).prop_map(
                    |(var, list, filter)| {
                        let mut t = vec![tok("count"), tight("("), tok(var), tok("in")];
                        t.extend(list);
                        if let Some(filter) = filter {
                            t.push(tok("where"));
                            t.extend(filter);
                        }
                        t.push(tok(")"));
                        t
                    }
                ),
                1 => (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| {
                    [vec![tok("if")], c, vec![tok("then")], a, vec![tok("else")], b].concat()
                }),
                1 => (any::<bool>(), name(), inner.clone(), inner.clone()).prop_map(
                    |(all, var, list, body)| {
                        let q = if all { "all" } else { "any" };
                        [vec![tok(q), tok(var), tok("in")], list, vec![tok(":")], body].concat()
                    }
                ),
                1 => (vec(inner.clone(), 0..4), any::<bool>()).prop_map(|(xs, comma)| {
                    let n = xs.len();
                    let mut t = vec![tok("[")];
                    for (i, x) in xs.into_iter().enumerate() {
                        if i > 0 {
                            t.push(tok(","));
                        }
                        t.extend(x);
                    }
                    if comma && n > 0 {
                        t.push(tok(","));
                    }
                    t.push(tok("]"));
                    t
                }),
                1 => inner.prop_map(paren),
            ]
        })
        .boxed()
}

/// `unit` `n` times, then `last`.
fn repeated(unit: &[&str], n: usize, last: &[&str]) -> Toks {
    let mut t = Vec::new();
    for _ in 0..n {
        t.extend(toks(unit));
    }
    t.extend(toks(last));
    t
}

/// Grammatical expressions the pest route refuses.
fn refused_expr() -> impl Strategy<Value = Toks> + Clone {
    let where_outside_count = |f: &str, var: &[&str]| {
        let mut t = vec![tok(f), tight("(")];
        t.extend(toks(var));
        t.extend(toks(&["in", "units", "where", "u", ".ok", ")"]));
        t
    };
    let cases: Vec<Toks> = vec![
        vec![tok("\"a\\u{D800}\"")],
        vec![tok("\"\\u{110000}\"")],
        where_outside_count("sum", &["u"]),
        where_outside_count("count", &["u", ".x"]),
        where_outside_count("count", &["1"]),
        repeated(&["("], 130, &["x"])
            .into_iter()
            .chain(toks(&[")"; 130]))
            .collect(),
        repeated(&["1", "+"], 130, &["1"]),
        repeated(&[], 0, &["x"])
            .into_iter()
            .chain(toks(&[".f"; 130]))
            .collect(),
        repeated(&["not"], 65, &["x"]),
        repeated(&["-"], 65, &["x"]),
        repeated(&["a", "implies"], 65, &["a"]),
        repeated(&["if", "a", "then", "b", "else"], 257, &["c"]),
    ];
    select(cases).prop_map(|t| marked(t, Mark::Refused))
}

fn expr_in(refusals: bool) -> BoxedStrategy<Toks> {
    if refusals {
        prop_oneof![20 => expr(), 1 => refused_expr()].boxed()
    } else {
        expr()
    }
}

fn spec_header() -> impl Strategy<Value = Toks> {
    (
        name(),
        string_lit(),
        option::of(vec((name(), string_lit()), 0..3)),
    )
        .prop_map(|(id, title, attrs)| {
            let mut t = vec![tok("spec"), tok(id), tok(title)];
            if let Some(attrs) = attrs {
                t.push(tok("{"));
                for (k, v) in attrs {
                    t.extend([tok(k), tok(v)]);
                }
                t.push(tok("}"));
            }
            t
        })
}

fn input_path() -> impl Strategy<Value = Toks> + Clone {
    vec(name(), 1..3).prop_map(|ns| {
        let mut t = Vec::new();
        for (i, n) in ns.into_iter().enumerate() {
            if i > 0 {
                t.push(tok("."));
            }
            t.push(tok(n));
        }
        t
    })
}

fn constraint() -> impl Strategy<Value = Toks> + Clone {
    (
        select(&["min", "max"][..]),
        prop_oneof![one(SIGNED), one(DATES), input_path(),],
    )
        .prop_map(|(k, v)| [vec![tok(k)], v].concat())
}

fn input_attr() -> impl Strategy<Value = Toks> + Clone {
    prop_oneof![
        3 => (select(&["help", "unit", "label", "item"][..]), string_lit())
            .prop_map(|(k, s)| vec![tok(k), tok(s)]),
        1 => Just(toks(&["period", "assessment"])),
        1 => duration().prop_map(|d| [vec![tok("period")], d].concat()),
    ]
}

fn scalar_kind() -> impl Strategy<Value = Toks> + Clone {
    prop_oneof![
        4 => one(&["bool", "int", "number", "percent", "date", "text"]),
        1 => (vec((name(), option::of(string_lit())), 1..4), any::<bool>()).prop_map(
            |(values, comma)| {
                let mut t = vec![tok("enum"), tok("(")];
                for (i, (v, label)) in values.into_iter().enumerate() {
                    if i > 0 {
                        t.push(tok(","));
                    }
                    t.push(tok(v));
                    t.extend(label.map(tok));
                }
                if comma {
                    t.push(tok(","));
                }
                t.push(tok(")"));
                t
            }
        ),
    ]
}

fn braced(inner: Vec<Toks>) -> Toks {
    let mut t = vec![tok("{")];
    t.extend(inner.into_iter().flatten());
    t.push(tok("}"));
    t
}

/// An input declaration: every type, constraint and attribute, nested lists
/// and groups.
fn input_decl() -> BoxedStrategy<Toks> {
    let scalar = (
        input_path(),
        scalar_kind(),
        vec(constraint(), 0..3),
        string_lit(),
        vec(input_attr(), 0..3),
    )
        .prop_map(|(path, kind, cs, q, attrs)| {
            [
                path,
                vec![tok(":")],
                kind,
                cs.concat(),
                vec![tok(q)],
                attrs.concat(),
            ]
            .concat()
        });
    let checklist = (
        input_path(),
        string_lit(),
        vec(input_attr(), 0..2),
        vec((name(), string_lit()), 0..4),
    )
        .prop_map(|(path, q, attrs, items)| {
            let items = items
                .into_iter()
                .map(|(k, s)| vec![tok(k), tok(s)])
                .collect();
            [
                path,
                toks(&[":", "checklist"]),
                vec![tok(q)],
                attrs.concat(),
                braced(items),
            ]
            .concat()
        });
    prop_oneof![4 => scalar, 1 => checklist]
        .prop_recursive(2, 10, 3, |inner| {
            prop_oneof![
                (
                    input_path(),
                    vec(constraint(), 0..3),
                    string_lit(),
                    vec(input_attr(), 0..3),
                    vec(inner.clone(), 0..3),
                )
                    .prop_map(|(path, cs, q, attrs, decls)| {
                        [
                            path,
                            toks(&[":", "list"]),
                            cs.concat(),
                            vec![tok(q)],
                            attrs.concat(),
                            braced(decls),
                        ]
                        .concat()
                    }),
                (
                    input_path(),
                    string_lit(),
                    vec(input_attr(), 0..2),
                    vec(inner, 0..3),
                )
                    .prop_map(|(path, q, attrs, decls)| {
                        [
                            path,
                            toks(&[":", "group"]),
                            vec![tok(q)],
                            attrs.concat(),
                            braced(decls),
                        ]
                        .concat()
                    }),
            ]
        })
        .boxed()
}

fn respondent() -> impl Strategy<Value = Toks> + Clone {
    select(&["provider", "network"][..]).prop_map(|r| toks(&["respondent", r]))
}

fn inputs_block() -> impl Strategy<Value = Toks> {
    (
        option::of(string_lit()),
        option::of(respondent()),
        vec(input_decl(), 0..5),
    )
        .prop_map(|(title, resp, decls)| {
            let mut t = vec![tok("inputs")];
            t.extend(title.map(tok));
            t.extend(resp.into_iter().flatten());
            t.extend(braced(decls));
            t
        })
}

fn let_decl(refusals: bool) -> impl Strategy<Value = Toks> {
    (name(), expr_in(refusals)).prop_map(|(n, e)| [vec![tok("let"), tok(n), tok("=")], e].concat())
}

#[derive(Clone, Debug)]
enum ClauseGen {
    /// `evidence key "text"`, and whether `required` follows.
    Evidence(Toks, bool),
    Rule(Toks),
    Other(Toks),
}

fn clause(refusals: bool) -> impl Strategy<Value = ClauseGen> {
    prop_oneof![
        1 => expr_in(refusals)
            .prop_map(|e| ClauseGen::Other([toks(&["applies", "when"]), e].concat())),
        1 => (name(), string_lit(), any::<bool>()).prop_map(|(k, s, req)| {
            let mut t = vec![tok("evidence"), tok(k), tok(s)];
            if req {
                t.push(tok("required"));
            }
            ClauseGen::Evidence(t, req)
        }),
        1 => string_lit().prop_map(|s| ClauseGen::Other(vec![tok("ref"), tok(s)])),
        1 => string_lit().prop_map(|s| ClauseGen::Other(vec![tok("help"), tok(s)])),
        1 => select(&["standard", "derived", "estimate"][..])
            .prop_map(|b| ClauseGen::Other(toks(&["basis", b]))),
        1 => respondent().prop_map(ClauseGen::Other),
        5 => expr_in(refusals).prop_map(ClauseGen::Rule),
        1 => (select(CLAUSE_WORDS), binop(), expr())
            .prop_map(|(w, op, e)| ClauseGen::Rule([vec![tok(w)], op, e].concat())),
    ]
}

/// A requirement's clauses in order. A rule that is only a clause word,
/// or that starts with `required` right after `evidence … "…"`, would be
/// read as part of a clause: it is put in brackets.
fn clauses_text(clauses: Vec<ClauseGen>) -> Toks {
    let mut t = Vec::new();
    let mut open_evidence = false;
    for c in clauses {
        match c {
            ClauseGen::Evidence(e, required) => {
                t.extend(e);
                open_evidence = !required;
            }
            ClauseGen::Other(o) => {
                t.extend(o);
                open_evidence = false;
            }
            ClauseGen::Rule(r) => {
                let first = r.first().map_or("", |f| f.text.as_str());
                let alone = r.len() == 1 && CLAUSE_WORDS.contains(&first);
                if alone || (open_evidence && first == "required") {
                    t.extend(paren(r));
                } else if CLAUSE_WORDS.contains(&first) {
                    t.extend(marked(r, Mark::Unusual(Unusual::ClauseWordStartsRule)));
                } else {
                    t.extend(r);
                }
                open_evidence = false;
            }
        }
    }
    t
}

fn area_block(refusals: bool) -> impl Strategy<Value = Toks> {
    let requirement = (
        select(REQ_IDS),
        select(&["must", "should", "may"][..]),
        string_lit(),
        vec(clause(refusals), 0..6),
    )
        .prop_map(|(id, level, title, clauses)| {
            [
                toks(&["requirement", id, level]),
                vec![tok(title)],
                braced(vec![clauses_text(clauses)]),
            ]
            .concat()
        });
    (name(), vec(requirement, 0..3))
        .prop_map(|(n, reqs)| [vec![tok("area"), tok(n)], braced(reqs)].concat())
}

fn rating_block() -> impl Strategy<Value = Toks> {
    const LEVELS: &[&str] = &["must", "should", "may", "requirements"];
    const OUTCOMES: &[&str] = &["met", "not_met", "not_applicable", "incomplete"];
    let atom = prop_oneof![
        (
            select(&["all", "any", "no"][..]),
            select(LEVELS),
            select(OUTCOMES)
        )
            .prop_map(|(q, l, o)| toks(&[q, l, o])),
        (
            select(LEVELS),
            select(OUTCOMES),
            select(&["<=", ">=", "==", "!=", "<", ">"][..]),
            select(&["0", "2", "2.5", "007", "99999999999999999999"][..]),
        )
            .prop_map(|(l, o, op, n)| toks(&["count", "(", l, o, ")", op, n])),
    ];
    let cond =
        atom.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                (inner.clone(), select(&["and", "or"][..]), inner.clone())
                    .prop_map(|(a, op, b)| [a, vec![tok(op)], b].concat()),
                inner.clone().prop_map(|a| [vec![tok("not")], a].concat()),
                inner.prop_map(paren),
            ]
        });
    let rule = prop_oneof![
        (name(), cond).prop_map(|(n, c)| [vec![tok(n), tok("when")], c].concat()),
        name().prop_map(|n| vec![tok(n), tok("otherwise")]),
    ];
    vec(rule, 0..4).prop_map(|rules| [vec![tok("rating")], braced(rules)].concat())
}

fn json_string() -> impl Strategy<Value = String> + Clone {
    vec(select(JSON_STRING_PIECES), 0..4).prop_map(|ps| format!("\"{}\"", ps.concat()))
}

fn json_object(value: BoxedStrategy<String>) -> impl Strategy<Value = String> + Clone {
    (vec((json_string(), value), 0..4), select(JSON_SPACE)).prop_map(|(kvs, sp)| {
        let body: Vec<String> = kvs.iter().map(|(k, v)| format!("{k}:{sp}{v}")).collect();
        format!("{{{sp}{}{sp}}}", body.join(&format!(",{sp}")))
    })
}

/// A JSON object with nested objects and arrays, and strings holding
/// braces, quotes and `//`.
fn json() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        select(&["1", "-2.5e3", "0", "true", "false", "null"][..]).prop_map(str::to_string),
        json_string(),
    ];
    let value = leaf
        .prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                (vec(inner.clone(), 0..4), select(JSON_SPACE))
                    .prop_map(|(xs, sp)| format!("[{sp}{}{sp}]", xs.join(","))),
                json_object(inner.boxed()),
            ]
        })
        .boxed();
    json_object(value)
}

fn test_block() -> impl Strategy<Value = Toks> {
    const OUTCOMES: &[&str] = &["met", "not_met", "not_applicable", "incomplete"];
    let clause = prop_oneof![
        json().prop_map(|j| vec![tok("given"), tok(j)]),
        string_lit().prop_map(|s| vec![tok("given"), tok("file"), tok(s)]),
        select(DATES).prop_map(|d| toks(&["assessed_on", d])),
        respondent(),
        name().prop_map(|n| vec![tok("expect"), tok("overall"), tok(n)]),
        (name(), name()).prop_map(|(a, r)| vec![tok("expect"), tok("area"), tok(a), tok(r)]),
        (select(REQ_IDS), select(OUTCOMES)).prop_map(|(id, o)| toks(&["expect", id, o])),
    ];
    (string_lit(), vec(clause, 0..5))
        .prop_map(|(n, cs)| [vec![tok("test"), tok(n)], braced(cs)].concat())
}

/// A `test` block that is balanced (braces, strings, comments) but need
/// not be a test: read for certain only when test blocks are stepped over.
fn stepped_over_test() -> impl Strategy<Value = Toks> {
    let part = select(JUNK)
        .prop_map(str::to_string)
        .prop_recursive(2, 12, 4, |inner| {
            vec(inner, 0..5).prop_map(|xs| format!("{{ {} }}", xs.join(" ")))
        });
    (string_lit(), vec(part, 0..6)).prop_map(|(n, parts)| {
        marked(
            vec![
                tok("test"),
                tok(n),
                tok(format!("{{ {} }}", parts.join(" "))),
            ],
            Mark::SteppedOverOnly,
        )
    })
}

/// A whole spec text: items in any order and number, with layout between
/// every two tokens. `refusals`: now and then an expression the pest route
/// refuses.
fn spec_text(refusals: bool) -> BoxedStrategy<Generated> {
    let item = prop_oneof![
        1 => spec_header().boxed(),
        1 => select(&["\"common/a.netspec\"", "\"\"", "\"a\\\\b}.netspec\""][..])
            .prop_map(|s| toks(&["use", s])).boxed(),
        3 => inputs_block().boxed(),
        3 => let_decl(refusals).boxed(),
        4 => area_block(refusals).boxed(),
        1 => rating_block().boxed(),
        2 => test_block().boxed(),
        1 => stepped_over_test().boxed(),
    ];
    (
        select(HEADS),
        vec(item, 0..8),
        select(TAILS),
        prop_oneof![2 => Just(0), 2 => Just(1), 1 => Just(2)],
        vec(any::<u8>(), 1..40),
    )
        .prop_map(|(head, items, tail, palette, layout)| {
            render(head, &items.concat(), tail, palette, &layout)
        })
        .boxed()
}

// ---------------------------------------------------------------- mutations

/// Tokens a mutation inserts: the grammar's words and marks, and bytes it
/// treats specially.
const PIECES: &[&str] = &[
    "\u{FEFF}",
    "//",
    "\"",
    "{",
    "}",
    "-",
    ".",
    "%",
    "not",
    "in",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "*",
    "/",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "within",
    "next",
    "implies",
    "and",
    "or",
    "if",
    "then",
    "else",
    "all",
    "any",
    "for",
    "where",
    "count",
    "sum",
    "when",
    "otherwise",
    "required",
    "evidence",
    "help",
    "ref",
    "basis",
    "respondent",
    "provider",
    "standard",
    "applies",
    "spec",
    "use",
    "inputs",
    "let",
    "area",
    "requirement",
    "rating",
    "test",
    "given",
    "file",
    "expect",
    "overall",
    "assessed_on",
    "list",
    "group",
    "enum",
    "checklist",
    "min",
    "max",
    "period",
    "assessment",
    "12 months",
    "1 day",
    "2025-01-01",
    "12.5%",
    "3.",
    "0",
    "007",
    "x",
    "_",
    "\\",
    "\\u{D800}",
    "\\u{41}",
    "é",
    "\u{0}",
    "must",
    "met",
    "not_met",
    "true",
    "assessment_date",
    "12",
    "months",
    "'",
    "#",
    "\"\"",
    "{}",
    "()",
    "\u{A0}",
    "\u{2028}",
    "-5",
    "not in",
    "within next",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Removes up to the given number of bytes.
    Delete(Index, usize),
    /// Copies a range of up to the given number of bytes to a place.
    Duplicate(Index, usize, Index),
    Insert(Index, &'static str),
    /// Replaces a range of up to the given number of bytes.
    Replace(Index, usize, &'static str),
    /// Swaps two tokens (words, strings, single marks).
    Swap(Index, Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<Index>(), 1usize..24).prop_map(|(a, n)| Mutation::Delete(a, n)),
        1 => (any::<Index>(), 1usize..40, any::<Index>())
            .prop_map(|(a, n, to)| Mutation::Duplicate(a, n, to)),
        2 => (any::<Index>(), select(PIECES)).prop_map(|(a, p)| Mutation::Insert(a, p)),
        1 => (any::<Index>(), 1usize..8, select(PIECES))
            .prop_map(|(a, n, p)| Mutation::Replace(a, n, p)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

/// The char boundary at or before `i`.
fn boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte ranges of a text's tokens: runs of word characters, strings,
/// single other characters; layout left out.
fn token_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        if is_ident_char(c) {
            while let Some(&(i, d)) = chars.peek() {
                if !is_ident_char(d) {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
        } else if c == '"' {
            let mut escaped = false;
            for (i, d) in chars.by_ref() {
                end = i + d.len_utf8();
                if d == '"' && !escaped {
                    break;
                }
                escaped = d == '\\' && !escaped;
            }
        }
        out.push((start, end));
    }
    out
}

impl Mutation {
    fn apply(&self, text: &str) -> String {
        let at = |i: &Index| boundary(text, i.index(text.len() + 1));
        let range = |i: &Index, n: usize| {
            let a = at(i);
            (a, boundary(text, a + n))
        };
        match self {
            Mutation::Delete(i, n) => {
                let (a, b) = range(i, *n);
                [&text[..a], &text[b..]].concat()
            }
            Mutation::Duplicate(i, n, to) => {
                let (a, b) = range(i, *n);
                let to = at(to);
                [&text[..to], &text[a..b], &text[to..]].concat()
            }
            Mutation::Insert(i, piece) => {
                let a = at(i);
                [&text[..a], piece, &text[a..]].concat()
            }
            Mutation::Replace(i, n, piece) => {
                let (a, b) = range(i, *n);
                [&text[..a], piece, &text[b..]].concat()
            }
            Mutation::Swap(i, j) => {
                let ts = token_ranges(text);
                if ts.len() < 2 {
                    return text.to_string();
                }
                let (x, y) = (i.index(ts.len()), j.index(ts.len()));
                let (Some(&(a0, a1)), Some(&(b0, b1))) = (ts.get(x.min(y)), ts.get(x.max(y)))
                else {
                    return text.to_string();
                };
                if x == y {
                    return text.to_string();
                }
                [
                    &text[..a0],
                    &text[b0..b1],
                    &text[a1..b0],
                    &text[a0..a1],
                    &text[b1..],
                ]
                .concat()
            }
        }
    }
}

/// Whole items of a bundled spec (cut where a line starts with an item's
/// keyword): one to three in a row, at most about 6 KB unless one item is
/// longer.
fn bundled_excerpt() -> impl Strategy<Value = String> {
    (any::<Index>(), any::<Index>(), 1usize..4).prop_map(|(f, start, n)| {
        let texts = bundled_texts();
        if texts.is_empty() {
            return String::new();
        }
        let text = &texts[f.index(texts.len())];
        const STARTS: [&str; 7] = [
            "spec ", "use ", "inputs", "let ", "area ", "rating ", "test ",
        ];
        let mut cuts = vec![0];
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if offset > 0 && STARTS.iter().any(|k| line.starts_with(k)) {
                cuts.push(offset);
            }
            offset += line.len();
        }
        cuts.push(text.len());
        let first = start.index(cuts.len() - 1);
        let mut last = first + 1;
        while last + 1 < cuts.len() && last < first + n && cuts[last + 1] - cuts[first] <= 6000 {
            last += 1;
        }
        text[cuts[first]..cuts[last]].to_string()
    })
}

/// The default limits, or one of them made tight.
fn limits() -> impl Strategy<Value = Limits> {
    let d = Limits::default();
    prop_oneof![
        10 => Just(d),
        1 => (1usize..10).prop_map(move |n| Limits { max_depth: n, ..d }),
        1 => (0usize..4).prop_map(move |n| Limits { max_prefix_run: n, ..d }),
        1 => (0usize..3).prop_map(move |n| Limits { max_implies: n, ..d }),
        1 => (0usize..4).prop_map(move |n| Limits { max_nesting_keywords: n, ..d }),
        1 => (0usize..40).prop_map(move |n| Limits { max_expression_terms: n, ..d }),
        1 => (0usize..3000).prop_map(move |n| Limits { max_source_bytes: n, ..d }),
    ]
}

fn failure(m: String, text: &str, limits: &Limits) -> TestCaseError {
    let within = if *limits == Limits::default() {
        String::new()
    } else {
        format!(" (within {limits:?})")
    };
    TestCaseError::fail(format!("{m}{within}\n{}", shown(text)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Soundness on generated specs, some with expressions the pest route
    /// refuses, some under tight limits.
    #[test]
    fn generated_specs_read_by_the_fast_parser_are_read_so_by_pest(
        spec in spec_text(true),
        limits in limits(),
        file in 0u32..4,
    ) {
        for with_tests in [true, false] {
            check_sound(&spec.text, FileId(file), &limits, with_tests)
                .map_err(|m| failure(m, &spec.text, &limits))?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Coverage on generated specs: pest reads them (else the generator is
    /// wrong), and so does the fast parser, to the same tree.
    #[test]
    fn generated_valid_specs_are_read_by_the_fast_parser_as_pest_reads_them(
        spec in spec_text(false),
        file in 0u32..4,
    ) {
        let limits = Limits::default();
        for with_tests in [true, false] {
            if !spec.valid(with_tests) {
                check_sound(&spec.text, FileId(file), &limits, with_tests)
                    .map_err(|m| failure(m, &spec.text, &limits))?;
                continue;
            }
            if let Err(errors) = parse_with_pest(&spec.text, FileId(file), &limits, with_tests) {
                return Err(failure(
                    format!(
                        "the generator made a text pest refuses {}: {}",
                        mode(with_tests),
                        first_error(&errors)
                    ),
                    &spec.text,
                    &limits,
                ));
            }
            let outcome = if spec.plain() {
                check_read(&spec.text, FileId(file), &limits, with_tests)
            } else {
                check_sound(&spec.text, FileId(file), &limits, with_tests)
            };
            outcome.map_err(|m| failure(m, &spec.text, &limits))?;
        }
    }
}

/// An `if` chain at the nesting limits: the fast parser leaves it to the
/// pest route, and gives the same tree below its own bound.
#[test]
fn deep_if_chains_are_read_as_pest_reads_them() {
    let limits = Limits::default();
    for n in [1, 47, 48, 49, 120, 256] {
        let chain = "if a then b else ".repeat(n);
        let text = format!(
            "area quality {{\n  requirement Q-01 must \"t\" {{ {chain}c\n basis standard }}\n}}\n"
        );
        for with_tests in [true, false] {
            let fast = on_a_large_stack(|| parse(&text, FileId(1), &limits, with_tests));
            assert_eq!(fast.is_some(), n < MOST_NESTED, "{n} `if`s");
            check_sound(&text, FileId(1), &limits, with_tests).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Soundness on generated specs and bundled ones, mutated.
    #[test]
    fn mutated_specs_read_by_the_fast_parser_are_read_so_by_pest(
        source in prop_oneof![spec_text(true).prop_map(|g| g.text), bundled_excerpt()],
        mutations in vec(mutation(), 1..4),
        limits in limits(),
    ) {
        let text = mutations.iter().fold(source, |t, m| m.apply(&t));
        for with_tests in [true, false] {
            check_sound(&text, FileId(1), &limits, with_tests)
                .map_err(|m| failure(m, &text, &limits))?;
        }
    }
}
