//! Runs the conformance corpus in `tests/conformance` (see its README).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;

/// The corpus must never pass vacuously.
const MIN_CASES: usize = 80;

#[test]
fn conformance_corpus() {
    let root = netspec_tests::conformance_dir();
    let cases = match netspec_tests::discover(&root) {
        Ok(c) => c,
        Err(errors) => panic!(
            "the conformance corpus in {} is malformed:\n  {}",
            root.display(),
            errors.join("\n  ")
        ),
    };
    let (results, summary) = netspec_tests::run_all(&cases);
    // straight to stderr so the count shows even when the test passes and output is captured
    let _ = std::io::stderr().write_all(summary.as_bytes());
    assert!(
        cases.len() >= MIN_CASES,
        "only {} conformance cases found in {} (at least {MIN_CASES} expected)",
        cases.len(),
        root.display()
    );
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| r.known_bug.is_none() && !r.passed())
        .map(|r| r.id.as_str())
        .collect();
    let fixed: Vec<&str> = results
        .iter()
        .filter(|r| r.known_bug.is_some() && r.passed())
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        failed.is_empty() && fixed.is_empty(),
        "{} conformance case(s) failed: {}\n\
         {} case(s) marked known_bug pass now (remove the known_bug key from each): {}\n{summary}",
        failed.len(),
        failed.join(", "),
        fixed.len(),
        fixed.join(", ")
    );
    assert_eq!(
        results.iter().filter(|r| r.fails_the_corpus()).count(),
        0,
        "{summary}"
    );
}
