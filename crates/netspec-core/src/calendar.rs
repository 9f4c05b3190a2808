//! Dates and durations.
//!
//! Dates are calendar days (no time, no zone). Durations are a count of days,
//! weeks, months or years. Adding months or years keeps the day of the month
//! and clamps to the month's last day when that day does not exist:
//! 2025-01-31 + 1 month = 2025-02-28; 2024-02-29 + 1 year = 2025-02-28;
//! 2024-03-31 - 1 month = 2024-02-29. `d within 12 months` holds when
//! `assessment_date - 12 months <= d <= assessment_date`.

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Serialize, Serializer};

/// A calendar date.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(NaiveDate);

/// The unit of a [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum DurationUnit {
    /// Calendar days.
    Days,
    /// Seven days.
    Weeks,
    /// Calendar months (clamped at month ends).
    Months,
    /// Twelve calendar months.
    Years,
}

/// A length of time such as `12 months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Duration {
    /// How many units.
    pub count: u32,
    /// Which unit.
    pub unit: DurationUnit,
}

impl Date {
    /// Parses `YYYY-MM-DD`; `None` for malformed text or a day that does not exist.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let digits_ok = b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !digits_ok {
            return None;
        }
        let y: i32 = text.get(0..4)?.parse().ok()?;
        let m: u32 = text.get(5..7)?.parse().ok()?;
        let d: u32 = text.get(8..10)?.parse().ok()?;
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }

    /// From year, month, day.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }

    /// Adds a duration; `None` past the calendar's range.
    pub fn plus(self, d: Duration) -> Option<Date> {
        match d.unit {
            DurationUnit::Days => self.0.checked_add_days(Days::new(d.count.into())),
            DurationUnit::Weeks => self.0.checked_add_days(Days::new(u64::from(d.count) * 7)),
            DurationUnit::Months => self.0.checked_add_months(Months::new(d.count)),
            DurationUnit::Years => self
                .0
                .checked_add_months(Months::new(d.count.checked_mul(12)?)),
        }
        .map(Date)
    }

    /// Subtracts a duration; `None` past the calendar's range.
    pub fn minus(self, d: Duration) -> Option<Date> {
        match d.unit {
            DurationUnit::Days => self.0.checked_sub_days(Days::new(d.count.into())),
            DurationUnit::Weeks => self.0.checked_sub_days(Days::new(u64::from(d.count) * 7)),
            DurationUnit::Months => self.0.checked_sub_months(Months::new(d.count)),
            DurationUnit::Years => self
                .0
                .checked_sub_months(Months::new(d.count.checked_mul(12)?)),
        }
        .map(Date)
    }

    /// Whole days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        other.0.signed_duration_since(self.0).num_days()
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.year()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // four digits of year whatever its sign: year -1 is `-0001`
        let year = self.0.year();
        let sign = if year < 0 { "-" } else { "" };
        let (y, m, d) = (year.unsigned_abs(), self.0.month(), self.0.day());
        if y <= 9999 {
            // the usual case, without the formatting machinery (reports
            // write many dates)
            let digit = |n: u32| b'0' + (n % 10) as u8;
            let text = [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(d / 10),
                digit(d),
            ];
            f.write_str(sign)?;
            return f.write_str(std::str::from_utf8(&text).unwrap_or_default());
        }
        write!(
            f,
            "{sign}{:04}-{:02}-{:02}",
            year.unsigned_abs(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Date::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
    }
}

/// In TypeScript a date is its JSON text, `YYYY-MM-DD`: a `string`.
#[cfg(feature = "ts")]
impl ts_rs::TS for Date {
    type WithoutGenerics = Date;
    type OptionInnerType = Date;

    fn name(_: &ts_rs::Config) -> String {
        "string".to_owned()
    }

    fn inline(_: &ts_rs::Config) -> String {
        "string".to_owned()
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match (self.unit, self.count == 1) {
            (DurationUnit::Days, true) => "day",
            (DurationUnit::Days, false) => "days",
            (DurationUnit::Weeks, true) => "week",
            (DurationUnit::Weeks, false) => "weeks",
            (DurationUnit::Months, true) => "month",
            (DurationUnit::Months, false) => "months",
            (DurationUnit::Years, true) => "year",
            (DurationUnit::Years, false) => "years",
        };
        write!(f, "{} {unit}", self.count)
    }
}

impl DurationUnit {
    /// Parses `day`, `days`, `week`, … .
    pub fn parse(text: &str) -> Option<DurationUnit> {
        match text {
            "day" | "days" => Some(DurationUnit::Days),
            "week" | "weeks" => Some(DurationUnit::Weeks),
            "month" | "months" => Some(DurationUnit::Months),
            "year" | "years" => Some(DurationUnit::Years),
            _ => None,
        }
    }
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|| Date::from_ymd(1, 1, 1).unwrap_or(Date(NaiveDate::MIN)))
    }
    fn months(n: u32) -> Duration {
        Duration {
            count: n,
            unit: DurationUnit::Months,
        }
    }

    #[test]
    fn invalid_days_are_rejected() {
        assert!(Date::parse("2025-02-30").is_none());
        assert!(Date::parse("2025-2-3").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2025-13-01").is_none());
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        assert_eq!(d("2025-01-31").plus(months(1)), Some(d("2025-02-28")));
        assert_eq!(d("2024-01-31").plus(months(1)), Some(d("2024-02-29")));
        assert_eq!(d("2024-03-31").minus(months(1)), Some(d("2024-02-29")));
        assert_eq!(
            d("2024-02-29").plus(Duration {
                count: 1,
                unit: DurationUnit::Years
            }),
            Some(d("2025-02-28"))
        );
        assert_eq!(d("2025-06-30").minus(months(12)), Some(d("2024-06-30")));
    }

    #[test]
    fn dates_show_as_the_formatting_machinery_writes_them() {
        // an independent reference: the format the fast path must match
        let reference = |x: Date| {
            let year = x.0.year();
            let sign = if year < 0 { "-" } else { "" };
            format!(
                "{sign}{:04}-{:02}-{:02}",
                year.unsigned_abs(),
                x.0.month(),
                x.0.day()
            )
        };
        let mut seen = 0;
        for y in [
            -10_000, -9999, -1, 0, 1, 9, 10, 99, 100, 999, 1000, 2025, 9999, 10_000, 99_999,
        ] {
            for (m, day) in [(1, 1), (2, 28), (9, 9), (10, 10), (12, 31)] {
                if let Some(x) = Date::from_ymd(y, m, day) {
                    assert_eq!(x.to_string(), reference(x), "{y}-{m}-{day}");
                    seen += 1;
                }
            }
        }
        assert_eq!(d("2025-06-30").to_string(), "2025-06-30");
        assert_eq!(
            Date::from_ymd(-1, 3, 4).map(|x| x.to_string()),
            Some("-0001-03-04".into())
        );
        assert!(seen >= 70, "{seen} dates checked");
    }

    #[test]
    fn days_between_is_signed() {
        assert_eq!(d("2024-02-28").days_until(d("2024-03-01")), 2);
        assert_eq!(d("2025-03-01").days_until(d("2025-02-28")), -1);
    }
}
