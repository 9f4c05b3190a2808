//! Side-by-side benchmarks of netspec and the engines a team would otherwise
//! pick, on the same rules and data: the 34 requirements of the 2025.1
//! edition of `specs/adult_critical_care.netspec`, kept in
//! `benches/data/adult_critical_care_2025_1` (list quantifiers, sums, rates,
//! dates, `in` lists, scalar tests) written for
//!
//! - netspec itself (that spec, unchanged),
//! - datalogic-rs 5.4 (JSON Logic), see [`rules::RULES`],
//! - zen-expression 2.1 (GoRules ZEN), see [`rules::RULES`],
//! - hand-written Rust over a typed struct (the floor), see [`typed`].
//!
//! [`agreement`] checks that every engine reaches the same verdict on every
//! rule for a submission; the benchmark runs it on every submission it
//! times and stops if any engine disagrees.
//!
//! [`workload_b`] is a second, independent workload: 25 rules over a 1 KB
//! submission, each peer's rules written as its documentation writes them,
//! with a typed and a `serde_json::Value` floor, checked equal on 500
//! generated submissions (`tests/workload_b_agreement.rs`).

pub mod gen;
pub mod rules;
pub mod typed;
pub mod workload_b;

use std::path::{Path, PathBuf};

use datalogic_rs::{Engine, Logic, ParsedData};
use netspec::{EvalOptions, Outcome, Sources, Spec};
use zen_expression::{Expression, Variable};

/// A requirement's verdict on a fully answered submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The rule holds.
    Met,
    /// The rule fails.
    NotMet,
    /// Its `applies when` condition is false.
    NotApplicable,
}

impl Verdict {
    fn from_name(s: &str) -> Option<Verdict> {
        match s {
            "met" => Some(Verdict::Met),
            "not_met" => Some(Verdict::NotMet),
            "not_applicable" => Some(Verdict::NotApplicable),
            _ => None,
        }
    }

    /// netspec's outcome as a verdict; `None` for `incomplete`, which the
    /// peers cannot express.
    pub fn from_outcome(o: Outcome) -> Option<Verdict> {
        match o {
            Outcome::Met => Some(Verdict::Met),
            Outcome::NotMet => Some(Verdict::NotMet),
            Outcome::NotApplicable => Some(Verdict::NotApplicable),
            Outcome::Incomplete => None,
        }
    }
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

/// Where the benchmarked adult critical care spec lives: a frozen copy of
/// its 2025.1 edition (34 requirements, all answered by the provider, with
/// its shared governance file and four examples), so that the peer rules in
/// [`rules`] and [`typed`] and the figures in `BENCHMARKS.md` stay
/// comparable while the bundled spec is revised.
pub const FROZEN_ACC: &str = "benches/data/adult_critical_care_2025_1";

/// Reads the bundled spec files (and what they use) into [`Sources`];
/// `adult_critical_care` is read from [`FROZEN_ACC`].
pub fn spec_sources(name: &str) -> (String, Sources) {
    let root = if name == "adult_critical_care" {
        repo_root().join(FROZEN_ACC)
    } else {
        repo_root().join("specs")
    };
    let path = format!("{name}.netspec");
    let sources = netspec::gather_sources(&path, &netspec::CompileOptions::default(), |p| {
        std::fs::read_to_string(root.join(p)).ok()
    });
    (path, sources)
}

/// Compiles a bundled spec, e.g. `adult_critical_care`.
pub fn compile_spec(name: &str) -> Result<Spec, String> {
    let (path, sources) = spec_sources(name);
    Spec::compile(&path, &sources)
        .map_err(|e| netspec::render::compile_error(&e, netspec::render::Style::Plain))
}

/// The names of every bundled spec.
pub fn bundled_specs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("specs"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let p = e.path();
                    (p.extension()? == "netspec")
                        .then(|| Some(p.file_stem()?.to_str()?.to_string()))
                        .flatten()
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Reads an example submission of the frozen adult critical care spec.
pub fn example(name: &str) -> Result<String, String> {
    let p = repo_root().join(format!(
        "{FROZEN_ACC}/examples/adult_critical_care/{name}.json"
    ));
    std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))
}

/// The examples every engine can decide (every rule met, not met or not applicable).
pub const DECIDED_EXAMPLES: [&str; 3] = ["compliant", "partly_compliant", "non_compliant"];

/// netspec with the rules' ids in the peers' order.
pub struct Netspec {
    /// The compiled spec.
    pub spec: Spec,
    /// For each of [`rules::RULES`], its index in the report.
    pub order: Vec<usize>,
}

impl Netspec {
    /// Compiles adult critical care.
    pub fn new() -> Result<Netspec, String> {
        let spec = compile_spec("adult_critical_care")?;
        let ids: Vec<&str> = spec.requirement_ids().collect();
        let order = rules::RULES
            .iter()
            .map(|r| {
                ids.iter()
                    .position(|id| *id == r.id)
                    .ok_or_else(|| format!("{} is not in the spec", r.id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if ids.len() != rules::RULES.len() {
            return Err(format!(
                "the spec has {} requirements, the peers {}",
                ids.len(),
                rules::RULES.len()
            ));
        }
        Ok(Netspec { spec, order })
    }

    /// Options: explanations off.
    pub fn fast() -> EvalOptions {
        EvalOptions::default().with_explanations(false)
    }

    /// Verdicts through the full public API (`Spec::evaluate_str`).
    pub fn verdicts_from_text(&self, text: &str) -> Result<Vec<Option<Verdict>>, String> {
        let report = self
            .spec
            .evaluate_str(text, &Self::fast())
            .map_err(|e| e.to_string())?;
        Ok(self
            .order
            .iter()
            .map(|&i| {
                report
                    .requirements
                    .get(i)
                    .and_then(|r| Verdict::from_outcome(r.outcome))
            })
            .collect())
    }
}

/// datalogic-rs: the rules compiled once.
pub struct Datalogic {
    /// The engine (default configuration).
    pub engine: Engine,
    /// One compiled rule per requirement.
    pub rules: Vec<Logic>,
}

impl Datalogic {
    /// Compiles every rule.
    pub fn new() -> Result<Datalogic, String> {
        let engine = Engine::new();
        let rules = rules::RULES
            .iter()
            .map(|r| {
                engine
                    .compile(r.datalogic)
                    .map_err(|e| format!("{}: {e}", r.id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Datalogic { engine, rules })
    }

    /// Parses a submission once.
    pub fn parse(text: &str) -> Result<ParsedData, String> {
        ParsedData::from_json(text).map_err(|e| e.to_string())
    }

    /// Every verdict against pre-parsed data, in one session.
    pub fn verdicts(
        &self,
        session: &mut datalogic_rs::Session<'_>,
        data: &ParsedData,
        out: &mut Vec<Option<Verdict>>,
    ) {
        out.clear();
        for rule in &self.rules {
            let v = session
                .eval_borrowed(rule, data)
                .ok()
                .and_then(|v| v.as_str())
                .and_then(Verdict::from_name);
            out.push(v);
        }
        session.reset();
    }
}

/// zen-expression: the rules compiled once.
pub struct Zen {
    /// One compiled expression per requirement.
    pub rules: Vec<Expression<zen_expression::expression::Standard>>,
}

impl Zen {
    /// Compiles every rule.
    pub fn new() -> Result<Zen, String> {
        let rules = rules::RULES
            .iter()
            .map(|r| {
                zen_expression::compile_expression(r.zen).map_err(|e| format!("{}: {e}", r.id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Zen { rules })
    }

    /// Parses a submission into zen's value type.
    pub fn parse(text: &str) -> Result<Variable, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// Every verdict against a loaded submission, with one VM.
    pub fn verdicts(
        &self,
        vm: &mut zen_expression::vm::VM,
        data: &Variable,
        out: &mut Vec<Option<Verdict>>,
    ) {
        out.clear();
        let scope = zen_expression::Scope::new(data.clone());
        for rule in &self.rules {
            let v = rule
                .evaluate_with_scope(&scope, vm)
                .ok()
                .and_then(|v| v.as_str().and_then(Verdict::from_name));
            out.push(v);
        }
    }
}

/// The typed floor: parses a submission into [`typed::Submission`].
pub fn typed_parse(text: &str) -> Result<typed::Submission, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Checks that netspec, datalogic-rs, zen-expression and the hand-written
/// rules reach the same verdict on every rule for `text`, and that every
/// verdict is decided. Returns the verdicts, or a description of every
/// disagreement.
pub fn agreement(
    netspec: &Netspec,
    datalogic: &Datalogic,
    zen: &Zen,
    text: &str,
) -> Result<Vec<Verdict>, String> {
    let ns = netspec.verdicts_from_text(text)?;
    let mut dl = Vec::new();
    let parsed = Datalogic::parse(text)?;
    datalogic.verdicts(&mut datalogic.engine.session(), &parsed, &mut dl);
    let mut zn = Vec::new();
    zen.verdicts(
        &mut zen_expression::vm::VM::new(),
        &Zen::parse(text)?,
        &mut zn,
    );
    let ty = typed::verdicts(&typed_parse(text)?);
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, rule) in rules::RULES.iter().enumerate() {
        let n = ns.get(i).copied().flatten();
        let d = dl.get(i).copied().flatten();
        let z = zn.get(i).copied().flatten();
        let t = ty.get(i).copied();
        match n {
            Some(v) if d == Some(v) && z == Some(v) && t == Some(v) => out.push(v),
            _ => problems.push(format!(
                "{}: netspec {n:?}, datalogic {d:?}, zen {z:?}, hand-written {t:?}",
                rule.id
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_agrees_on_the_examples() -> Result<(), String> {
        let (ns, dl, zn) = (Netspec::new()?, Datalogic::new()?, Zen::new()?);
        for name in DECIDED_EXAMPLES {
            agreement(&ns, &dl, &zn, &example(name)?).map_err(|e| format!("{name}:\n{e}"))?;
        }
        Ok(())
    }
}
