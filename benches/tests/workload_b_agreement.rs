//! Workload B's verdicts are the same from every engine (netspec,
//! datalogic-rs, zen-expression, the typed and the `serde_json::Value`
//! floors) on every rule, for the example and for 500 generated
//! submissions: the check the benchmark makes before timing, run by CI.

use netspec_bench::workload_b::{agreement, example, generate, Engines, RULES};
use netspec_bench::Verdict;

/// Generated submissions checked.
const SUBMISSIONS: u64 = 500;

#[test]
fn every_engine_agrees_on_the_example() -> Result<(), String> {
    let engines = Engines::new()?;
    let text = example()?;
    assert!(
        (900..=1200).contains(&text.len()),
        "about 1 KB: {} bytes",
        text.len()
    );
    let v = agreement(&engines, &text)?;
    // checked by hand against the example's answers
    let met = v.iter().filter(|x| **x == Verdict::Met).count();
    let not_met = v.iter().filter(|x| **x == Verdict::NotMet).count();
    assert_eq!((v.len(), met, not_met), (25, 19, 6), "{v:?}");
    Ok(())
}

#[test]
fn every_engine_agrees_on_500_generated_submissions() -> Result<(), String> {
    let engines = Engines::new()?;
    // per rule: how often met, not met, not applicable
    let mut seen = vec![[0u32; 3]; RULES.len()];
    let mut bytes = 0usize;
    for seed in 0..SUBMISSIONS {
        let text = generate(seed);
        bytes += text.len();
        let v = agreement(&engines, &text).map_err(|e| format!("seed {seed}:\n{e}\n{text}"))?;
        for (i, x) in v.iter().enumerate() {
            if let Some(s) = seen.get_mut(i) {
                s[*x as usize] += 1;
            }
        }
    }
    for (rule, s) in RULES.iter().zip(&seen) {
        println!("{}: met/not met/n.a. {s:?}", rule.id);
    }
    // the generator reaches both sides of every rule, and the
    // not-applicable side of every rule that has one
    for (rule, s) in RULES.iter().zip(&seen) {
        assert!(
            s[0] >= 10 && s[1] >= 10,
            "{}: met/not met/n.a. {s:?}",
            rule.id
        );
        if rule.dl_applies.is_some() {
            assert!(s[2] >= 5, "{}: met/not met/n.a. {s:?}", rule.id);
        }
    }
    let mean = bytes / SUBMISSIONS as usize;
    assert!((700..=1500).contains(&mean), "mean size {mean} bytes");
    Ok(())
}
