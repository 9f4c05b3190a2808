//! Workload B: a second, independent benchmark workload. 25 provider rules
//! of adult critical care (`benches/data/critical_care_25`) over a
//! submission of about 1 KB (two units), each engine's rules written as its
//! own documentation writes rules:
//!
//! - netspec: the spec file, as `specs/` writes specs;
//! - datalogic-rs: flat JSON Logic, one boolean rule per requirement and,
//!   where the requirement has `applies when`, a second boolean rule for
//!   that (sums as `reduce`, lists as `all`/`some`, `in` lists, dates as
//!   ISO text);
//! - zen-expression: one boolean ZEN expression per rule (`all(units, …)`,
//!   `sum(map(units, #.x))`, `d(…)` dates);
//! - the typed floor: a `#[derive(Deserialize)]` struct read by serde_json
//!   from text, rules in Rust, rates by cross-multiplying integers;
//! - the `serde_json::Value` floor: the same rules in Rust over a `Value`.
//!
//! A rule whose `applies` condition is false is not applicable; otherwise
//! met or not met. [`agreement`] checks every engine's verdict on every
//! rule; the tests run it over generated submissions ([`generate`]).

use datalogic_rs::{Engine, Logic, ParsedData};
use netspec::{EvalOptions, Outcome, Spec};
use serde::Deserialize;
use serde_json::Value;
use zen_expression::{Expression, Variable};

use crate::typed::Ymd;
use crate::Verdict::{self, Met, NotApplicable, NotMet};

/// Where the spec and its example submission live.
pub const DIR: &str = "benches/data/critical_care_25";

/// The example submission's file name in [`DIR`].
pub const EXAMPLE: &str = "submission.json";

/// One rule in each peer's language.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Requirement id, as in the netspec report.
    pub id: &'static str,
    /// JSON Logic of `applies when`, if the requirement has one.
    pub dl_applies: Option<&'static str>,
    /// JSON Logic of the rule.
    pub dl: &'static str,
    /// ZEN expression of `applies when`, if any.
    pub zen_applies: Option<&'static str>,
    /// ZEN expression of the rule.
    pub zen: &'static str,
}

const fn rule(id: &'static str, dl: &'static str, zen: &'static str) -> Rule {
    Rule {
        id,
        dl_applies: None,
        dl,
        zen_applies: None,
        zen,
    }
}

const fn when(
    id: &'static str,
    dl_applies: &'static str,
    dl: &'static str,
    zen_applies: &'static str,
    zen: &'static str,
) -> Rule {
    Rule {
        id,
        dl_applies: Some(dl_applies),
        dl,
        zen_applies: Some(zen_applies),
        zen,
    }
}

/// The 25 rules, in report order.
pub const RULES: [Rule; 25] = [
    when(
        "B-SD-01",
        r#"{">":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]},0]}"#,
        r#"{">=":[{"/":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.within_4h"}]},0]},{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]}]},0.9]}"#,
        "sum(map(units, #.admissions)) > 0",
        "sum(map(units, #.within_4h)) / sum(map(units, #.admissions)) >= 0.9",
    ),
    when(
        "B-SD-02",
        r#"{">":[{"var":"surge.shifts"},0]}"#,
        r#"{">=":[{"var":"surge.within_floor"},{"var":"surge.shifts"}]}"#,
        "surge.shifts > 0",
        "surge.within_floor >= surge.shifts",
    ),
    rule(
        "B-SD-03",
        r#"{"<=":[{"cat":[{"-":[{"substr":[{"var":"header.period.end"},0,4]},1]},{"substr":[{"var":"header.period.end"},4]}]},{"var":"surge.plan_reviewed_on"},{"var":"header.period.end"}]}"#,
        "d(surge.plan_reviewed_on) >= d(header.period.end).sub(1, 'y') and d(surge.plan_reviewed_on) <= d(header.period.end)",
    ),
    rule(
        "B-SD-04",
        r#"{"all":[{"var":"units"},{">=":[{"var":"admissions"},100]}]}"#,
        "all(units, #.admissions >= 100)",
    ),
    rule(
        "B-RE-01",
        r#"{"all":[{"var":"units"},{"<=":[{"/":[{"var":"occupied"},{"var":"available"}]},0.8]}]}"#,
        "all(units, #.occupied / #.available <= 0.8)",
    ),
    rule(
        "B-RE-02",
        r#"{"<=":[0.7,{"/":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.occupied"}]},0]},{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.available"}]},0]}]},0.8]}"#,
        "sum(map(units, #.occupied)) / sum(map(units, #.available)) in [0.7..0.8]",
    ),
    rule(
        "B-RE-03",
        r#"{"<=":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.available"}]},0]},{"*":[366,{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.l3_beds"},{"var":"current.l2_beds"}]},0]}]}]}"#,
        "sum(map(units, #.available)) <= 366 * sum(map(units, #.l3_beds + #.l2_beds))",
    ),
    rule(
        "B-RE-04",
        r#"{"<=":[{"/":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.occupied"}]},0]},365]},{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.l3_beds"},{"var":"current.l2_beds"}]},0]}]}"#,
        "sum(map(units, #.occupied)) / 365 <= sum(map(units, #.l3_beds + #.l2_beds))",
    ),
    when(
        "B-WF-01",
        r#"{"some":[{"var":"units"},{"in":[{"var":"type"},["combined","intensive_care"]]}]}"#,
        r#"{"all":[{"var":"units"},{"or":[{"!":{"in":[{"var":"type"},["combined","intensive_care"]]}},{">=":[{"/":[{"var":"l3_1to1"},{"var":"l3_shifts"}]},0.95]}]}]}"#,
        "some(units, #.type in ['combined', 'intensive_care'])",
        "all(units, not (#.type in ['combined', 'intensive_care']) or #.l3_1to1 / #.l3_shifts >= 0.95)",
    ),
    rule(
        "B-WF-02",
        r#"{"all":[{"var":"units"},{">=":[{"var":"rn_min"},{"+":[{"var":"l3_beds"},{"/":[{"var":"l2_beds"},2]}]}]}]}"#,
        "all(units, #.rn_min >= #.l3_beds + #.l2_beds / 2)",
    ),
    when(
        "B-WF-03",
        r#"{"some":[{"var":"units"},{">":[{"+":[{"var":"l3_beds"},{"var":"l2_beds"}]},6]}]}"#,
        r#"{"all":[{"var":"units"},{"or":[{"<=":[{"+":[{"var":"l3_beds"},{"var":"l2_beds"}]},6]},{">=":[{"var":"coord_shifts"},{"var":"shifts"}]}]}]}"#,
        "some(units, #.l3_beds + #.l2_beds > 6)",
        "all(units, #.l3_beds + #.l2_beds <= 6 or #.coord_shifts >= #.shifts)",
    ),
    rule(
        "B-WF-04",
        r#"{"all":[{"var":"units"},{">=":[{"*":[12,{"var":"consultants"}]},{"+":[{"var":"l3_beds"},{"var":"l2_beds"}]}]}]}"#,
        "all(units, 12 * #.consultants >= #.l3_beds + #.l2_beds)",
    ),
    when(
        "B-WF-05",
        r#"{"some":[{"var":"units"},{"var":"training"}]}"#,
        r#"{"all":[{"var":"units"},{"or":[{"!":{"var":"training"}},{">=":[{"*":[8,{"var":"residents"}]},{"+":[{"var":"l3_beds"},{"var":"l2_beds"}]}]}]}]}"#,
        "some(units, #.training)",
        "all(units, not #.training or 8 * #.residents >= #.l3_beds + #.l2_beds)",
    ),
    rule(
        "B-WF-06",
        r#"{"all":[{"var":"units"},{">=":[{"var":"consultants"},1]}]}"#,
        "all(units, #.consultants >= 1)",
    ),
    rule(
        "B-WF-07",
        r#"{"all":[{"var":"units"},{">=":[{"var":"shifts"},700]}]}"#,
        "all(units, #.shifts >= 700)",
    ),
    rule(
        "B-QU-01",
        r#"{"all":[{"var":"units"},{"var":"cmp"}]}"#,
        "all(units, #.cmp)",
    ),
    when(
        "B-QU-02",
        r#"{">":[{"var":"deaths"},0]}"#,
        r#"{">=":[{"var":"deaths_reviewed"},{"var":"deaths"}]}"#,
        "deaths > 0",
        "deaths_reviewed >= deaths",
    ),
    rule("B-QU-03", r#"{"var":"outreach_24h"}"#, "outreach_24h"),
    rule("B-QU-04", r#"{"var":"follow_up_clinic"}"#, "follow_up_clinic"),
    when(
        "B-QU-05",
        r#"{">":[{"var":"rehab_eligible"},0]}"#,
        r#"{">=":[{"/":[{"var":"rehab_assessed"},{"var":"rehab_eligible"}]},0.8]}"#,
        "rehab_eligible > 0",
        "rehab_assessed / rehab_eligible >= 0.8",
    ),
    when(
        "B-CO-01",
        r#"{">":[{"var":"transfers.out"},0]}"#,
        r#"{">=":[{"var":"transfers.reported"},{"var":"transfers.out"}]}"#,
        "transfers.out > 0",
        "transfers.reported >= transfers.out",
    ),
    rule(
        "B-CO-02",
        r#"{"<=":[{"cat":[{"-":[{"substr":[{"var":"header.period.end"},0,4]},1]},{"substr":[{"var":"header.period.end"},4]}]},{"var":"transfers.audit_on"},{"var":"header.period.end"}]}"#,
        "d(transfers.audit_on) >= d(header.period.end).sub(1, 'y') and d(transfers.audit_on) <= d(header.period.end)",
    ),
    rule(
        "B-TR-01",
        r#"{"or":[{"==":[{"var":"transfers.out"},0]},{"<":[{"var":"transfers.out"},{"var":"transfers.previous"}]}]}"#,
        "transfers.out == 0 or transfers.out < transfers.previous",
    ),
    rule(
        "B-TR-02",
        r#"{"some":[{"var":"units"},{"==":[{"var":"type"},"combined"]}]}"#,
        "some(units, #.type == 'combined')",
    ),
    when(
        "B-PH-01",
        r#"{">":[{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]},0]}"#,
        r#"{">=":[{"/":[{"var":"ethnicity_recorded"},{"reduce":[{"var":"units"},{"+":[{"var":"accumulator"},{"var":"current.admissions"}]},0]}]},0.95]}"#,
        "sum(map(units, #.admissions)) > 0",
        "ethnicity_recorded / sum(map(units, #.admissions)) >= 0.95",
    ),
];

fn verdict(applies: bool, holds: bool) -> Verdict {
    match (applies, holds) {
        (false, _) => NotApplicable,
        (true, true) => Met,
        (true, false) => NotMet,
    }
}

/// Reads the example submission.
pub fn example() -> Result<String, String> {
    let p = crate::repo_root().join(DIR).join(EXAMPLE);
    std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))
}

/// The spec's path and sources.
pub fn sources() -> (String, netspec::Sources) {
    let root = crate::repo_root().join(DIR);
    let path = "critical_care_25.netspec".to_string();
    let sources = netspec::gather_sources(&path, &netspec::CompileOptions::default(), |p| {
        std::fs::read_to_string(root.join(p)).ok()
    });
    (path, sources)
}

/// netspec on workload B, compiled for evaluation only, with each rule's
/// index in the report.
pub struct Netspec {
    /// The compiled spec.
    pub spec: Spec,
    /// For each of [`RULES`], its index in the report.
    pub order: Vec<usize>,
}

impl Netspec {
    /// Compiles the spec (evaluation only, as a service would).
    pub fn new() -> Result<Netspec, String> {
        let (path, sources) = sources();
        let spec = Spec::compile_with_options(
            &path,
            &sources,
            &netspec::CompileOptions::evaluation_only(),
        )
        .map_err(|e| netspec::render::compile_error(&e, netspec::render::Style::Plain))?;
        let ids: Vec<&str> = spec.requirement_ids().collect();
        if ids.len() != RULES.len() {
            return Err(format!(
                "the spec has {} requirements, the peers {}",
                ids.len(),
                RULES.len()
            ));
        }
        let order = RULES
            .iter()
            .map(|r| {
                ids.iter()
                    .position(|id| *id == r.id)
                    .ok_or_else(|| format!("{} is not in the spec", r.id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Netspec { spec, order })
    }

    /// Verdicts from JSON text, through `read_submission` and `outcomes`.
    pub fn verdicts(&self, text: &str) -> Result<Vec<Option<Verdict>>, String> {
        let opts = EvalOptions::default().with_explanations(false);
        let sub = self
            .spec
            .read_submission(text)
            .map_err(|e| format!("{e:?}"))?;
        let outcomes: Vec<Outcome> = self
            .spec
            .outcomes(&sub, &opts)
            .map_err(|e| format!("{e:?}"))?;
        let report = self
            .spec
            .evaluate_str(text, &opts)
            .map_err(|e| format!("{e:?}"))?;
        self.order
            .iter()
            .map(|&i| {
                let o = outcomes.get(i).copied();
                let r = report.requirements.get(i).map(|r| r.outcome);
                if o == r {
                    Ok(o.and_then(Verdict::from_outcome))
                } else {
                    Err(format!("outcomes {o:?} but the report {r:?}"))
                }
            })
            .collect()
    }
}

/// datalogic-rs on workload B: every rule compiled once.
pub struct Datalogic {
    /// The engine (default configuration).
    pub engine: Engine,
    /// Per rule: `applies when` (if any) and the rule.
    pub rules: Vec<(Option<Logic>, Logic)>,
}

impl Datalogic {
    /// Compiles every rule.
    pub fn new() -> Result<Datalogic, String> {
        let engine = Engine::new();
        let compile = |s: &str, id: &str| engine.compile(s).map_err(|e| format!("{id}: {e}"));
        let rules = RULES
            .iter()
            .map(|r| {
                let applies = r.dl_applies.map(|a| compile(a, r.id)).transpose()?;
                Ok((applies, compile(r.dl, r.id)?))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Datalogic { engine, rules })
    }

    /// Parses a submission once.
    pub fn parse(text: &str) -> Result<ParsedData, String> {
        ParsedData::from_json(text).map_err(|e| e.to_string())
    }

    /// Every verdict against pre-parsed data, in one session; `None` where
    /// a rule failed to evaluate.
    pub fn verdicts(
        &self,
        session: &mut datalogic_rs::Session<'_>,
        data: &ParsedData,
        out: &mut Vec<Option<Verdict>>,
    ) {
        out.clear();
        for (applies, logic) in &self.rules {
            let applies = match applies {
                None => Some(true),
                Some(a) => session
                    .eval_borrowed(a, data)
                    .ok()
                    .map(|v| self.engine.truthy(v)),
            };
            let v = match applies {
                Some(true) => session
                    .eval_borrowed(logic, data)
                    .ok()
                    .map(|v| verdict(true, self.engine.truthy(v))),
                Some(false) => Some(NotApplicable),
                None => None,
            };
            out.push(v);
        }
        session.reset();
    }
}

/// zen-expression on workload B: every expression compiled once.
pub struct Zen {
    /// Per rule: `applies when` (if any) and the rule.
    pub rules: Vec<(
        Option<Expression<zen_expression::expression::Standard>>,
        Expression<zen_expression::expression::Standard>,
    )>,
}

impl Zen {
    /// Compiles every expression.
    pub fn new() -> Result<Zen, String> {
        let compile = |s: &str, id: &str| {
            zen_expression::compile_expression(s).map_err(|e| format!("{id}: {e}"))
        };
        let rules = RULES
            .iter()
            .map(|r| {
                let applies = r.zen_applies.map(|a| compile(a, r.id)).transpose()?;
                Ok((applies, compile(r.zen, r.id)?))
            })
            .collect::<Result<Vec<_>, String>>()?;
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
        let mut truth = |e: &Expression<zen_expression::expression::Standard>| {
            e.evaluate_with_scope(&scope, vm)
                .ok()
                .and_then(|v| v.as_bool())
        };
        for (applies, rule) in &self.rules {
            let applies = match applies {
                None => Some(true),
                Some(a) => truth(a),
            };
            let v = match applies {
                Some(true) => truth(rule).map(|h| verdict(true, h)),
                Some(false) => Some(NotApplicable),
                None => None,
            };
            out.push(v);
        }
    }
}

/// The typed floor's submission.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Submission {
    pub header: Header,
    pub units: Vec<Unit>,
    pub surge: Surge,
    pub transfers: Transfers,
    pub deaths: i64,
    pub deaths_reviewed: i64,
    pub rehab_eligible: i64,
    pub rehab_assessed: i64,
    pub ethnicity_recorded: i64,
    pub outreach_24h: bool,
    pub follow_up_clinic: bool,
}

/// The header (only the period is used by the rules).
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Header {
    pub period: Period,
}

/// The assessment period.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Period {
    pub start: Ymd,
    pub end: Ymd,
}

/// Unit kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum UnitType {
    Combined,
    IntensiveCare,
    HighDependency,
}

/// One unit.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Unit {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: UnitType,
    pub l3_beds: i64,
    pub l2_beds: i64,
    pub rn_min: i64,
    pub l3_shifts: i64,
    pub l3_1to1: i64,
    pub shifts: i64,
    pub coord_shifts: i64,
    pub consultants: i64,
    pub training: bool,
    pub residents: i64,
    pub admissions: i64,
    pub within_4h: i64,
    pub occupied: i64,
    pub available: i64,
    pub cmp: bool,
}

/// Surge staffing.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Surge {
    pub shifts: i64,
    pub within_floor: i64,
    pub plan_reviewed_on: Ymd,
}

/// Non-clinical transfers.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Transfers {
    pub out: i64,
    pub reported: i64,
    pub previous: i64,
    pub audit_on: Ymd,
}

/// The typed floor: serde_json from text into [`Submission`].
pub fn typed_parse(text: &str) -> Result<Submission, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The typed floor's verdicts, in [`RULES`] order.
pub fn typed_verdicts(s: &Submission) -> [Verdict; 25] {
    let units = &s.units;
    let adm: i64 = units.iter().map(|u| u.admissions).sum();
    let occ: i64 = units.iter().map(|u| u.occupied).sum();
    let avail: i64 = units.iter().map(|u| u.available).sum();
    let beds: i64 = units.iter().map(|u| u.l3_beds + u.l2_beds).sum();
    let end = s.header.period.end;
    let l3 = |u: &Unit| matches!(u.kind, UnitType::Combined | UnitType::IntensiveCare);
    let big = |u: &Unit| u.l3_beds + u.l2_beds > 6;
    [
        verdict(
            adm > 0,
            10 * units.iter().map(|u| u.within_4h).sum::<i64>() >= 9 * adm,
        ),
        verdict(s.surge.shifts > 0, s.surge.within_floor >= s.surge.shifts),
        verdict(true, s.surge.plan_reviewed_on.within(12, end)),
        verdict(true, units.iter().all(|u| u.admissions >= 100)),
        verdict(
            true,
            units.iter().all(|u| 10 * u.occupied <= 8 * u.available),
        ),
        verdict(true, 10 * occ >= 7 * avail && 10 * occ <= 8 * avail),
        verdict(true, avail <= 366 * beds),
        verdict(true, occ <= 365 * beds),
        verdict(
            units.iter().any(l3),
            units
                .iter()
                .all(|u| !l3(u) || 100 * u.l3_1to1 >= 95 * u.l3_shifts),
        ),
        verdict(
            true,
            units
                .iter()
                .all(|u| 2 * u.rn_min >= 2 * u.l3_beds + u.l2_beds),
        ),
        verdict(
            units.iter().any(big),
            units.iter().all(|u| !big(u) || u.coord_shifts >= u.shifts),
        ),
        verdict(
            true,
            units
                .iter()
                .all(|u| 12 * u.consultants >= u.l3_beds + u.l2_beds),
        ),
        verdict(
            units.iter().any(|u| u.training),
            units
                .iter()
                .all(|u| !u.training || 8 * u.residents >= u.l3_beds + u.l2_beds),
        ),
        verdict(true, units.iter().all(|u| u.consultants >= 1)),
        verdict(true, units.iter().all(|u| u.shifts >= 700)),
        verdict(true, units.iter().all(|u| u.cmp)),
        verdict(s.deaths > 0, s.deaths_reviewed >= s.deaths),
        verdict(true, s.outreach_24h),
        verdict(true, s.follow_up_clinic),
        verdict(
            s.rehab_eligible > 0,
            10 * s.rehab_assessed >= 8 * s.rehab_eligible,
        ),
        verdict(s.transfers.out > 0, s.transfers.reported >= s.transfers.out),
        verdict(true, s.transfers.audit_on.within(12, end)),
        verdict(
            true,
            s.transfers.out == 0 || s.transfers.out < s.transfers.previous,
        ),
        verdict(true, units.iter().any(|u| u.kind == UnitType::Combined)),
        verdict(adm > 0, 100 * s.ethnicity_recorded >= 95 * adm),
    ]
}

/// The `serde_json::Value` floor: serde_json from text into a `Value`.
pub fn value_parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The `Value` floor's verdicts, in [`RULES`] order; `None` if an answer
/// is missing or of the wrong type.
pub fn value_verdicts(s: &Value) -> Option<[Verdict; 25]> {
    let int = |v: &Value, k: &str| v.get(k).and_then(Value::as_i64);
    let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool);
    let date = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).and_then(Ymd::parse);
    let units = s.get("units")?.as_array()?;
    let sum = |f: &dyn Fn(&Value) -> Option<i64>| -> Option<i64> {
        units.iter().try_fold(0i64, |a, u| Some(a + f(u)?))
    };
    let all = |f: &dyn Fn(&Value) -> Option<bool>| -> Option<bool> {
        units.iter().try_fold(true, |a, u| Some(f(u)? && a))
    };
    let any = |f: &dyn Fn(&Value) -> Option<bool>| -> Option<bool> {
        units.iter().try_fold(false, |a, u| Some(f(u)? || a))
    };
    let beds = |u: &Value| Some(int(u, "l3_beds")? + int(u, "l2_beds")?);
    let l3 = |u: &Value| {
        let t = u.get("type")?.as_str()?;
        Some(t == "combined" || t == "intensive_care")
    };
    let adm = sum(&|u| int(u, "admissions"))?;
    let occ = sum(&|u| int(u, "occupied"))?;
    let avail = sum(&|u| int(u, "available"))?;
    let beds_total = sum(&beds)?;
    let end = date(s.get("header")?.get("period")?, "end")?;
    let surge = s.get("surge")?;
    let tr = s.get("transfers")?;
    let (deaths, rehab, out) = (
        int(s, "deaths")?,
        int(s, "rehab_eligible")?,
        int(tr, "out")?,
    );
    Some([
        verdict(adm > 0, 10 * sum(&|u| int(u, "within_4h"))? >= 9 * adm),
        verdict(
            int(surge, "shifts")? > 0,
            int(surge, "within_floor")? >= int(surge, "shifts")?,
        ),
        verdict(true, date(surge, "plan_reviewed_on")?.within(12, end)),
        verdict(true, all(&|u| Some(int(u, "admissions")? >= 100))?),
        verdict(
            true,
            all(&|u| Some(10 * int(u, "occupied")? <= 8 * int(u, "available")?))?,
        ),
        verdict(true, 10 * occ >= 7 * avail && 10 * occ <= 8 * avail),
        verdict(true, avail <= 366 * beds_total),
        verdict(true, occ <= 365 * beds_total),
        verdict(
            any(&l3)?,
            all(&|u| Some(!l3(u)? || 100 * int(u, "l3_1to1")? >= 95 * int(u, "l3_shifts")?))?,
        ),
        verdict(
            true,
            all(&|u| Some(2 * int(u, "rn_min")? >= 2 * int(u, "l3_beds")? + int(u, "l2_beds")?))?,
        ),
        verdict(
            any(&|u| Some(beds(u)? > 6))?,
            all(&|u| Some(beds(u)? <= 6 || int(u, "coord_shifts")? >= int(u, "shifts")?))?,
        ),
        verdict(
            true,
            all(&|u| Some(12 * int(u, "consultants")? >= beds(u)?))?,
        ),
        verdict(
            any(&|u| flag(u, "training"))?,
            all(&|u| Some(!flag(u, "training")? || 8 * int(u, "residents")? >= beds(u)?))?,
        ),
        verdict(true, all(&|u| Some(int(u, "consultants")? >= 1))?),
        verdict(true, all(&|u| Some(int(u, "shifts")? >= 700))?),
        verdict(true, all(&|u| flag(u, "cmp"))?),
        verdict(deaths > 0, int(s, "deaths_reviewed")? >= deaths),
        verdict(true, flag(s, "outreach_24h")?),
        verdict(true, flag(s, "follow_up_clinic")?),
        verdict(rehab > 0, 10 * int(s, "rehab_assessed")? >= 8 * rehab),
        verdict(out > 0, int(tr, "reported")? >= out),
        verdict(true, date(tr, "audit_on")?.within(12, end)),
        verdict(true, out == 0 || out < int(tr, "previous")?),
        verdict(
            true,
            any(&|u| Some(u.get("type")?.as_str()? == "combined"))?,
        ),
        verdict(adm > 0, 100 * int(s, "ethnicity_recorded")? >= 95 * adm),
    ])
}

/// Every engine on workload B, compiled once.
pub struct Engines {
    /// netspec.
    pub netspec: Netspec,
    /// datalogic-rs.
    pub datalogic: Datalogic,
    /// zen-expression.
    pub zen: Zen,
}

impl Engines {
    /// Compiles every engine's rules.
    pub fn new() -> Result<Engines, String> {
        Ok(Engines {
            netspec: Netspec::new()?,
            datalogic: Datalogic::new()?,
            zen: Zen::new()?,
        })
    }
}

/// Checks that netspec, datalogic-rs, zen-expression and both floors reach
/// the same decided verdict on every rule for `text`. Returns the verdicts,
/// or every disagreement.
pub fn agreement(e: &Engines, text: &str) -> Result<Vec<Verdict>, String> {
    let ns = e.netspec.verdicts(text)?;
    let mut dl = Vec::new();
    e.datalogic.verdicts(
        &mut e.datalogic.engine.session(),
        &Datalogic::parse(text)?,
        &mut dl,
    );
    let mut zn = Vec::new();
    e.zen.verdicts(
        &mut zen_expression::vm::VM::new(),
        &Zen::parse(text)?,
        &mut zn,
    );
    let ty = typed_verdicts(&typed_parse(text)?);
    let va = value_verdicts(&value_parse(text)?);
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        let n = ns.get(i).copied().flatten();
        let d = dl.get(i).copied().flatten();
        let z = zn.get(i).copied().flatten();
        let t = ty.get(i).copied();
        let v = va.and_then(|va| va.get(i).copied());
        match n {
            Some(x) if [d, z, t, v].iter().all(|y| *y == Some(x)) => out.push(x),
            _ => problems.push(format!(
                "{}: netspec {n:?}, datalogic {d:?}, zen {z:?}, typed {t:?}, value {v:?}",
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

/// A generated submission of workload B (one to three units, answers
/// drawn around every threshold, every answer valid). Deterministic:
/// the same seed gives the same text.
pub fn generate(seed: u64) -> String {
    let mut r = crate::gen::Lcg::new(seed ^ 0x0005_eedb);
    let n = match r.range(0, 9) {
        0 => 1,
        1 => 3,
        _ => 2,
    };
    let kinds = ["combined", "intensive_care", "high_dependency"];
    let no_admissions = r.range(0, 14) == 0;
    let mut units = Vec::new();
    for i in 0..n {
        let kind = kinds
            .get(r.range(0, 2) as usize)
            .copied()
            .unwrap_or("combined");
        let l3 = if kind == "high_dependency" {
            0
        } else {
            r.range(2, 10)
        };
        let l2 = r.range(0, 8);
        let beds = (l3 + l2).max(1);
        let l3_shifts = r.range(1, 5000);
        let shifts = r.range(690, 740);
        let admissions = if no_admissions || r.range(0, 20) == 0 {
            0
        } else {
            r.range(80, 1200)
        };
        let available = r.range(300, 450) * beds;
        units.push(serde_json::json!({
            "name": format!("Unit {i}"),
            "type": kind,
            "l3_beds": l3,
            "l2_beds": l2,
            "rn_min": (l3 + l2 / 2 + r.range(-1, 1)).max(0),
            "l3_shifts": l3_shifts,
            "l3_1to1": r.share(l3_shifts, 92, 100),
            "shifts": shifts,
            "coord_shifts": shifts - r.range(0, 3) * r.range(0, 1),
            "consultants": r.range(0, 2),
            "training": r.range(0, 1) == 1,
            "residents": r.range(0, 2),
            "admissions": admissions,
            "within_4h": r.share(admissions, 85, 100),
            "occupied": r.share(available, 65, 95),
            "available": available,
            "cmp": r.range(0, 4) > 0,
        }));
    }
    let adm: i64 = units
        .iter()
        .filter_map(|u| u.get("admissions").and_then(Value::as_i64))
        .sum();
    let surge_shifts = r.range(0, 3) * r.range(0, 40);
    let out = r.range(0, 2) * r.range(0, 8);
    let deaths = r.range(0, 9) * r.range(0, 20);
    let eligible = r.range(0, 4) * r.range(0, 100);
    let day = |r: &mut crate::gen::Lcg, y: i64| {
        format!("{y}-{:02}-{:02}", r.range(1, 12), r.range(1, 28))
    };
    let plan_year = r.range(2023, 2025);
    let plan = day(&mut r, plan_year);
    let audit_year = r.range(2023, 2025);
    let audit = day(&mut r, audit_year);
    let v = serde_json::json!({
        "header": {
            "respondent": "provider",
            "organisation": {"ods_code": "RXA", "name": "Eastmoor Hospitals NHS Trust"},
            "period": {"start": "2024-04-01", "end": "2025-03-31"},
            "completed_by": "A. Example"
        },
        "units": units,
        "surge": {
            "shifts": surge_shifts,
            "within_floor": surge_shifts - r.range(0, 1) * r.range(0, 3).min(surge_shifts),
            "plan_reviewed_on": plan
        },
        "transfers": {
            "out": out,
            "reported": out - r.range(0, 1) * r.range(0, 1).min(out),
            "previous": r.range(0, 10),
            "audit_on": audit
        },
        "deaths": deaths,
        "deaths_reviewed": deaths - r.range(0, 1) * r.range(0, 2).min(deaths),
        "rehab_eligible": eligible,
        "rehab_assessed": r.share(eligible, 70, 100),
        "ethnicity_recorded": r.share(adm, 90, 100),
        "outreach_24h": r.range(0, 3) > 0,
        "follow_up_clinic": r.range(0, 2) > 0,
    });
    v.to_string()
}
