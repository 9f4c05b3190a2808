//! Generated adult critical care submissions: varied copies of the bundled
//! examples (for the batch benchmark) and submissions with many units (for
//! the scaling benchmark). Deterministic: the same seed gives the same text.

use serde_json::{json, Value};

/// A small deterministic generator (64-bit LCG, high bits out).
pub struct Lcg(u64);

impl Lcg {
    /// Seeded.
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407))
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let span = (hi - lo + 1).max(1) as u64;
        lo + ((self.0 >> 33) % span) as i64
    }

    /// `x` scaled by a percentage in `lo..=hi`, rounded down.
    pub fn share(&mut self, x: i64, lo: i64, hi: i64) -> i64 {
        x * self.range(lo, hi) / 100
    }
}

fn int(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

fn set(v: &mut Value, key: &str, x: i64) {
    if let Some(slot) = v.get_mut(key) {
        *slot = json!(x);
    }
}

/// Varies the counts of one unit, keeping every answer valid.
fn vary_unit(u: &mut Value, rng: &mut Lcg) {
    if let Some(avail) = int(u, "available_bed_days") {
        set(u, "occupied_bed_days", rng.share(avail, 60, 95));
    }
    for (part, whole, lo) in [
        ("l3_shifts_at_1to1", "l3_patient_shifts", 85),
        ("l2_shifts_within_1to2", "l2_patient_shifts", 85),
        ("admissions_within_4h", "admissions", 80),
        ("admissions_ethnicity_recorded", "admissions", 90),
        ("admissions_postcode_recorded", "admissions", 90),
        ("admissions_level_recorded", "admissions", 97),
        ("discharges_out_of_hours", "discharges_to_ward", 0),
    ] {
        if let (Some(_), Some(w)) = (int(u, part), int(u, whole)) {
            let hi = if lo == 0 { 8 } else { 100 };
            set(u, part, rng.share(w, lo, hi));
        }
    }
    if int(u, "mm_meetings").is_some() {
        set(u, "mm_meetings", rng.range(9, 12));
    }
    if int(u, "cmp_months_validated").is_some() {
        set(u, "cmp_months_validated", rng.range(3, 12));
    }
    if int(u, "daytime_consultants").is_some() {
        set(u, "daytime_consultants", rng.range(1, 3));
    }
}

/// The `i`-th generated submission: one of the three decided examples with
/// its counts varied.
pub fn varied(examples: &[Value], i: u64) -> Value {
    let mut rng = Lcg::new(i);
    let pick = examples
        .get((i % examples.len().max(1) as u64) as usize)
        .cloned()
        .unwrap_or(Value::Null);
    let mut v = pick;
    if let Some(units) = v.get_mut("units").and_then(Value::as_array_mut) {
        for u in units {
            vary_unit(u, &mut rng);
        }
    }
    if let Some(s) = v.get_mut("surge") {
        if let Some(shifts) = int(s, "shifts") {
            set(s, "shifts_within_floor", rng.share(shifts, 90, 100));
        }
    }
    v
}

/// A submission with `n` units: the units of `base` repeated (each copy
/// varied), everything else as in `base`.
pub fn with_units(base: &Value, n: usize) -> Value {
    let mut rng = Lcg::new(n as u64);
    let units: Vec<Value> = base
        .get("units")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = base.clone();
    let many: Vec<Value> = units
        .iter()
        .cycle()
        .take(if units.is_empty() { 0 } else { n })
        .enumerate()
        .map(|(i, u)| {
            let mut u = u.clone();
            vary_unit(&mut u, &mut rng);
            if let Some(name) = u.get_mut("name") {
                *name = json!(format!("Unit {i}"));
            }
            u
        })
        .collect();
    if let Some(slot) = out.get_mut("units") {
        *slot = Value::Array(many);
    }
    out
}
