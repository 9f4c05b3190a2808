//! Exact numbers.
//!
//! Counts, rates and percents are rationals over `i128` (numerator and
//! denominator each up to about 1.7 × 10³⁸), so `29 / 50 * 100 >= 58` and
//! `0.1 + 0.2 == 0.3` hold exactly. Every operation is checked: overflow and
//! division by zero are reported, never wrapped, rounded or turned into NaN.
//! Decimal text (`3.25`, `1e3`, `85%`) converts exactly.

use std::cmp::Ordering;
use std::fmt;

use num_rational::Ratio;
use num_traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub, Signed, ToPrimitive, Zero};

/// An exact rational number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Num(Ratio<i128>);

/// Why an arithmetic operation has no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithError {
    /// Division by zero.
    DivisionByZero,
    /// The exact result does not fit.
    Overflow,
}

impl fmt::Display for ArithError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArithError::DivisionByZero => f.write_str("division by zero"),
            ArithError::Overflow => f.write_str("number too large to compute exactly"),
        }
    }
}

impl Num {
    /// Zero.
    pub const ZERO: Num = Num(Ratio::new_raw(0, 1));
    /// One.
    pub const ONE: Num = Num(Ratio::new_raw(1, 1));

    /// An integer.
    #[inline]
    pub fn int(i: i128) -> Num {
        Num(Ratio::from_integer(i))
    }

    /// `n / d` in lowest terms; `None` when `d` is zero.
    pub fn ratio(n: i128, d: i128) -> Option<Num> {
        if d == 0 {
            return None;
        }
        // Ratio::new reduces and normalises the sign; guard i128::MIN negation.
        if n == i128::MIN || d == i128::MIN {
            return None;
        }
        Some(Num(Ratio::new(n, d)))
    }

    /// Numerator (sign carrier).
    #[inline]
    pub fn numer(self) -> i128 {
        *self.0.numer()
    }

    /// Denominator (always positive).
    #[inline]
    pub fn denom(self) -> i128 {
        *self.0.denom()
    }

    /// Is it a whole number?
    #[inline]
    pub fn is_integer(self) -> bool {
        self.0.is_integer()
    }

    /// The value as an `i128`, if whole.
    #[inline]
    pub fn to_integer(self) -> Option<i128> {
        self.is_integer().then(|| self.numer())
    }

    /// Checked sum.
    pub fn plus(self, o: Num) -> Result<Num, ArithError> {
        // adding zero (common in explanations' linear forms): nothing to reduce
        if o == Num::ZERO {
            return Ok(self);
        }
        if self == Num::ZERO {
            return Ok(o);
        }
        // whole numbers (counts) need no common denominator
        if self.is_integer() && o.is_integer() {
            return self
                .numer()
                .checked_add(o.numer())
                .map(Num::int)
                .ok_or(ArithError::Overflow);
        }
        self.0
            .checked_add(&o.0)
            .map(Num)
            .ok_or(ArithError::Overflow)
    }

    /// Checked difference.
    pub fn minus(self, o: Num) -> Result<Num, ArithError> {
        if o == Num::ZERO {
            return Ok(self);
        }
        if self == Num::ZERO {
            return o.negate();
        }
        if self.is_integer() && o.is_integer() {
            return self
                .numer()
                .checked_sub(o.numer())
                .map(Num::int)
                .ok_or(ArithError::Overflow);
        }
        self.0
            .checked_sub(&o.0)
            .map(Num)
            .ok_or(ArithError::Overflow)
    }

    /// Checked product.
    pub fn times(self, o: Num) -> Result<Num, ArithError> {
        match (self.is_integer(), o.is_integer()) {
            (true, true) => self
                .numer()
                .checked_mul(o.numer())
                .map(Num::int)
                .ok_or(ArithError::Overflow),
            // a whole number times a fraction (a rate scaled, a percent of a count)
            (true, false) => o.times_whole(self.numer()),
            (false, true) => self.times_whole(o.numer()),
            (false, false) => self
                .0
                .checked_mul(&o.0)
                .map(Num)
                .ok_or(ArithError::Overflow),
        }
    }

    /// `self × m` for a whole `m`, in lowest terms with one 64-bit gcd when
    /// `m` and the denominator fit in 64 bits: with `g = gcd(m, d)`,
    /// `n·(m/g) / (d/g)` is already reduced, since `n` and `d` share nothing.
    fn times_whole(self, m: i128) -> Result<Num, ArithError> {
        let (n, d) = (self.numer(), self.denom());
        if let (Ok(m64), Ok(d64)) = (i64::try_from(m), u64::try_from(d)) {
            let g = gcd_u64(m64.unsigned_abs(), d64).max(1);
            let m = i128::from(m64) / i128::from(g);
            let d = i128::from(d64 / g);
            return n
                .checked_mul(m)
                .map(|n| Num(Ratio::new_raw(n, d)))
                .ok_or(ArithError::Overflow);
        }
        self.0
            .checked_mul(&Ratio::from_integer(m))
            .map(Num)
            .ok_or(ArithError::Overflow)
    }

    /// Checked quotient.
    pub fn over(self, o: Num) -> Result<Num, ArithError> {
        if o.0.is_zero() {
            return Err(ArithError::DivisionByZero);
        }
        // a count over a count (a rate): reduce with a 64-bit gcd when both fit
        if self.is_integer() && o.is_integer() {
            if let (Ok(n), Ok(d)) = (i64::try_from(self.numer()), i64::try_from(o.numer())) {
                return Ok(Num::small_ratio(n, d));
            }
        }
        self.0
            .checked_div(&o.0)
            .map(Num)
            .ok_or(ArithError::Overflow)
    }

    /// `n / d` in lowest terms for 64-bit `n` and non-zero `d`.
    fn small_ratio(n: i64, d: i64) -> Num {
        let g = gcd_u64(n.unsigned_abs(), d.unsigned_abs()).max(1);
        let (n, d) = (i128::from(n), i128::from(d));
        let g = i128::from(g);
        let (n, d) = (n / g, d / g);
        if d < 0 {
            Num(Ratio::new_raw(-n, -d))
        } else {
            Num(Ratio::new_raw(n, d))
        }
    }

    /// Negation.
    pub fn negate(self) -> Result<Num, ArithError> {
        if self.numer() == i128::MIN {
            return Err(ArithError::Overflow);
        }
        Ok(Num(-self.0))
    }

    /// Absolute value.
    pub fn abs(self) -> Result<Num, ArithError> {
        if self.numer() == i128::MIN {
            return Err(ArithError::Overflow);
        }
        Ok(Num(self.0.abs()))
    }

    /// Smallest integer not below.
    pub fn ceil(self) -> Num {
        Num(self.0.ceil())
    }

    /// Largest integer not above.
    pub fn floor(self) -> Num {
        Num(self.0.floor())
    }

    /// Nearest integer, halves away from zero.
    pub fn round(self) -> Num {
        Num(self.0.round())
    }

    /// Is it below zero?
    pub fn is_negative(self) -> bool {
        self.0.is_negative()
    }

    /// Total order.
    #[inline]
    pub fn compare(self, o: Num) -> Ordering {
        let (a, b, c, d) = (self.numer(), self.denom(), o.numer(), o.denom());
        if b == d {
            return a.cmp(&c);
        }
        // a/b against c/d (denominators positive): cross-multiply when the
        // products cannot overflow (every part within 2^63)
        const SMALL: u128 = 1 << 63;
        if a.unsigned_abs() < SMALL
            && b.unsigned_abs() < SMALL
            && c.unsigned_abs() < SMALL
            && d.unsigned_abs() < SMALL
        {
            return (a * d).cmp(&(c * b));
        }
        self.0.cmp(&o.0)
    }

    /// Nearest `f64`, for JSON output only (never for decisions).
    pub fn to_f64(self) -> f64 {
        if let Some(i) = self.to_integer() {
            return i.to_f64().unwrap_or(f64::NAN);
        }
        let n = self.numer().to_f64().unwrap_or(f64::NAN);
        let d = self.denom().to_f64().unwrap_or(f64::NAN);
        n / d
    }

    /// Parses decimal text: `12`, `-3.25`, `1e3`, `2.5E-2`. Exact; `None` if
    /// malformed or too large to hold.
    pub fn parse_decimal(text: &str) -> Option<Num> {
        let t = text.trim();
        let (mantissa, exp) = match t.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().ok()?),
            None => (t, 0),
        };
        let (neg, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((a, b)) => (a, b),
            None => (digits, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        // the digits of both parts, as one run: trailing zeros only scale
        // the value (`3.000…0` is 3 and `1000…0e-50` is 1 whatever their
        // number), so they are dropped first, then leading zeros
        let zeros = |part: &str| part.bytes().rev().take_while(|&b| b == b'0').count();
        let mut dropped = zeros(frac_part);
        if dropped == frac_part.len() {
            dropped += zeros(int_part);
        }
        let significant = int_part.len() + frac_part.len() - dropped;
        let mut n: i128 = 0;
        for b in int_part.bytes().chain(frac_part.bytes()).take(significant) {
            n = n.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        let dropped = i64::try_from(dropped).ok()?;
        let scale = i64::try_from(frac_part.len()).ok()? - i64::from(exp) - dropped;
        let scale = i32::try_from(scale).ok()?;
        let mut d: i128 = 1;
        if n != 0 {
            if scale >= 0 {
                d = pow10(scale)?;
            } else {
                n = n.checked_mul(pow10(scale.checked_neg()?)?)?;
            }
        }
        if neg {
            n = n.checked_neg()?;
        }
        Num::ratio(n, d)
    }

    /// Decimal text for people: exact when the expansion ends within
    /// `max_places` digits, otherwise rounded half away from zero to `places`
    /// digits with trailing zeros removed.
    pub fn display(self, places: u32) -> String {
        let mut s = String::new();
        self.push_display(places, &mut s);
        s
    }

    /// Appends [`Num::display`] to `out`, with no string made on the way.
    pub fn push_display(self, places: u32, out: &mut String) {
        if let Some(i) = self.to_integer() {
            if i < 0 {
                out.push('-');
            }
            push_digits(out, i.unsigned_abs());
            return;
        }
        let ratio = |out: &mut String| {
            if self.numer() < 0 {
                out.push('-');
            }
            push_digits(out, self.numer().unsigned_abs());
            out.push('/');
            push_digits(out, self.denom().unsigned_abs());
        };
        let p = decimal_places(self.denom())
            .filter(|&p| p <= 6)
            .unwrap_or(places);
        let Some(m) = pow10_i(p) else {
            return ratio(out);
        };
        // the value times 10^p, rounded half away from zero
        let Some(scaled) = self.numer().checked_mul(m) else {
            return ratio(out);
        };
        let d = self.denom();
        let (q, rem) = (scaled / d, scaled % d);
        let r = if rem.unsigned_abs() * 2 >= d.unsigned_abs() {
            q + scaled.signum()
        } else {
            q
        };
        let mut buf = [0u8; 40];
        let digits = digits_of(r.unsigned_abs(), &mut buf);
        let p = p as usize;
        // the whole part and the fraction, which has `p` digits (zeros in front)
        let (int_s, lead, frac_s) = if digits.len() > p {
            let (a, b) = digits.split_at(digits.len() - p);
            (a, 0, b)
        } else {
            (&b"0"[..], p - digits.len(), digits)
        };
        // trailing zeros off the fraction (all of it when it is all zeros)
        let frac_s = match frac_s.iter().rposition(|&c| c != b'0') {
            Some(last) => frac_s.get(..=last).unwrap_or_default(),
            None => &[][..],
        };
        if r < 0 {
            out.push('-');
        }
        push_ascii(out, int_s);
        if !frac_s.is_empty() {
            out.push('.');
            for _ in 0..lead {
                out.push('0');
            }
            push_ascii(out, frac_s);
        }
    }
}

/// The decimal digits of `n`, written at the end of `buf`.
fn digits_of(n: u128, buf: &mut [u8; 40]) -> &[u8] {
    let mut i = buf.len();
    // in 64 bits when it fits (no 128-bit division)
    match u64::try_from(n) {
        Ok(mut n) => loop {
            i -= 1;
            if let Some(d) = buf.get_mut(i) {
                // n % 10 < 10: the cast keeps it
                *d = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 || i == 0 {
                break;
            }
        },
        Err(_) => {
            let mut n = n;
            loop {
                i -= 1;
                if let Some(d) = buf.get_mut(i) {
                    *d = b'0' + (n % 10) as u8;
                }
                n /= 10;
                if n == 0 || i == 0 {
                    break;
                }
            }
        }
    }
    buf.get(i..).unwrap_or_default()
}

/// Appends ASCII digits (no UTF-8 check needed).
fn push_ascii(out: &mut String, digits: &[u8]) {
    out.reserve(digits.len());
    for &b in digits {
        out.push(char::from(b));
    }
}

/// Appends the decimal digits of `n`.
fn push_digits(out: &mut String, n: u128) {
    let mut buf = [0u8; 40];
    push_ascii(out, digits_of(n, &mut buf));
}

/// The fewest decimal places that show `1/d` exactly (`d` a power of two
/// times a power of five), or `None` when no number of places does.
fn decimal_places(d: i128) -> Option<u32> {
    let mut d = u64::try_from(d).ok().filter(|&d| d > 0)?;
    let twos = d.trailing_zeros();
    d >>= twos;
    let mut fives = 0;
    while d % 5 == 0 {
        d /= 5;
        fives += 1;
    }
    (d == 1).then_some(twos.max(fives))
}

/// Greatest common divisor (binary); `gcd(0, x) = x`.
fn gcd_u64(mut a: u64, mut b: u64) -> u64 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

fn pow10(p: i32) -> Option<i128> {
    pow10_i(u32::try_from(p).ok()?)
}

fn pow10_i(p: u32) -> Option<i128> {
    10i128.checked_pow(p)
}

impl fmt::Debug for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_integer() {
            write!(f, "{}", self.numer())
        } else {
            write!(f, "{}/{}", self.numer(), self.denom())
        }
    }
}

/// In a compiled document: `"n"` or `"n/d"` in lowest terms (a string, so
/// that every `i128` survives a JSON reader; read back by
/// [`crate::document`]).
impl serde::Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_integer() {
            s.collect_str(&format_args!("{}", self.0.numer()))
        } else {
            s.collect_str(&format_args!("{}/{}", self.0.numer(), self.0.denom()))
        }
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display(2))
    }
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;

    fn n(s: &str) -> Num {
        Num::parse_decimal(s).unwrap_or_else(|| Num::int(i128::MAX))
    }

    #[test]
    fn decimal_text_is_exact() {
        assert_eq!(n("0.1").plus(n("0.2")), Ok(n("0.3")));
        assert_eq!(n("1e3"), Num::int(1000));
        assert_eq!(n("2.5E-2"), Num::ratio(1, 40).unwrap_or(Num::ZERO));
        assert_eq!(n("-3.50"), Num::ratio(-7, 2).unwrap_or(Num::ZERO));
        assert_eq!(Num::parse_decimal("1e400"), None);
        // exact whatever the trailing zeros or the exponent
        let zeros = "0".repeat(60);
        assert_eq!(Num::parse_decimal(&format!("3.{zeros}")), Some(Num::int(3)));
        assert_eq!(
            Num::parse_decimal(&format!("100.{zeros}")),
            Some(Num::int(100))
        );
        assert_eq!(
            Num::parse_decimal(&format!("1{zeros}e-60")),
            Some(Num::int(1))
        );
        assert_eq!(
            Num::parse_decimal(&format!("25{zeros}e-61")),
            Num::ratio(5, 2)
        );
        assert_eq!(Num::parse_decimal(&format!("0.{zeros}")), Some(Num::int(0)));
        assert_eq!(Num::parse_decimal("1e-39"), None);
        assert_eq!(Num::parse_decimal("abc"), None);
        assert_eq!(Num::parse_decimal("."), None);
        // leading zeros, zeros on both sides of the point
        assert_eq!(n("000123.4500"), Num::ratio(2469, 20).unwrap_or(Num::ZERO));
        assert_eq!(n("1000.000"), Num::int(1000));
        assert_eq!(n("0.0"), Num::ZERO);
        // the significant digits must fit in an i128
        assert_eq!(
            Num::parse_decimal("170141183460469231731687303715884105727"),
            Some(Num::int(i128::MAX))
        );
        assert_eq!(
            Num::parse_decimal("170141183460469231731687303715884105728"),
            None
        );
        assert_eq!(
            Num::parse_decimal("1701411834604692317316873037158841057270e-1"),
            Some(Num::int(i128::MAX))
        );
    }

    #[test]
    fn rates_from_counts_compare_exactly() {
        let rate = Num::int(29)
            .over(Num::int(50))
            .and_then(|r| r.times(Num::int(100)));
        assert_eq!(rate.map(|r| r.compare(Num::int(58))), Ok(Ordering::Equal));
    }

    #[test]
    fn sums_and_differences_with_zero_are_those_of_the_rationals() {
        let values = [
            Num::ZERO,
            Num::ONE,
            Num::int(-7),
            Num::int(i128::MAX),
            Num::int(i128::MIN + 1),
            Num::ratio(1, 3).unwrap_or(Num::ZERO),
            Num::ratio(-22, 7).unwrap_or(Num::ZERO),
            Num::ratio(i128::MAX, 3).unwrap_or(Num::ZERO),
        ];
        // the general path, by num_rational itself
        let add = |a: Num, b: Num| a.0.checked_add(&b.0).map(Num).ok_or(ArithError::Overflow);
        let sub = |a: Num, b: Num| a.0.checked_sub(&b.0).map(Num).ok_or(ArithError::Overflow);
        for x in values {
            assert_eq!(x.plus(Num::ZERO), add(x, Num::ZERO), "{x:?} + 0");
            assert_eq!(Num::ZERO.plus(x), add(Num::ZERO, x), "0 + {x:?}");
            assert_eq!(x.minus(Num::ZERO), sub(x, Num::ZERO), "{x:?} - 0");
            assert_eq!(Num::ZERO.minus(x), sub(Num::ZERO, x), "0 - {x:?}");
        }
        assert_eq!(Num::ZERO.minus(Num::int(5)), Ok(Num::int(-5)));
    }

    #[test]
    fn overflow_and_zero_division_are_errors() {
        assert_eq!(Num::int(1).over(Num::ZERO), Err(ArithError::DivisionByZero));
        assert_eq!(
            Num::int(i128::MAX).plus(Num::ONE),
            Err(ArithError::Overflow)
        );
    }

    #[test]
    fn products_with_whole_numbers_are_in_lowest_terms() {
        let cases = [
            (1, 3),
            (-2, 3),
            (5, 12),
            (7, 10),
            (1, 1_000_000),
            (-999, 1_000),
        ];
        for (n, d) in cases {
            let x = Num::ratio(n, d).unwrap_or(Num::ZERO);
            for m in [
                -100,
                -3,
                0,
                1,
                2,
                3,
                10,
                12,
                100,
                1_000_000,
                i64::MAX as i128,
            ] {
                let fast = x.times(Num::int(m));
                let slow = x.0.checked_mul(&Ratio::from_integer(m)).map(Num);
                assert_eq!(fast.ok(), slow, "{x:?} × {m}");
                assert_eq!(Num::int(m).times(x).ok(), slow, "{m} × {x:?}");
            }
        }
    }

    /// An independent reference for `display`: the decimal expansion of
    /// `n / d` written out digit by digit by long division, exact when it
    /// ends within 6 places, else cut after `places` digits and rounded half
    /// away from zero by carrying into the digits written (no `Num`, no
    /// `round`).
    fn reference_display(n: i128, d: i128, places: usize) -> String {
        assert!(d > 0);
        let neg = n < 0;
        let (whole, mut rem) = (n.unsigned_abs() / d as u128, n.unsigned_abs() % d as u128);
        let d = d as u128;
        // up to 7 fraction digits, to see whether the expansion ends within 6
        let mut frac: Vec<u8> = Vec::new();
        while rem != 0 && frac.len() < 7 {
            rem *= 10;
            frac.push((rem / d) as u8);
            rem %= d;
        }
        let exact = rem == 0 && frac.len() <= 6;
        let mut int_digits: Vec<u8> = whole.to_string().bytes().map(|b| b - b'0').collect();
        if !exact {
            // the digits after `places`, from the expansion (continued as far as needed)
            while frac.len() < places + 1 {
                rem *= 10;
                frac.push((rem / d) as u8);
                rem %= d;
            }
            // half away from zero: the first digit dropped is 5 or more
            let up = frac[places] >= 5;
            frac.truncate(places);
            if up {
                let mut carry = true;
                for x in frac.iter_mut().rev().chain(int_digits.iter_mut().rev()) {
                    if !carry {
                        break;
                    }
                    *x += 1;
                    carry = *x == 10;
                    if carry {
                        *x = 0;
                    }
                }
                if carry {
                    int_digits.insert(0, 1);
                }
            }
        }
        while frac.last() == Some(&0) {
            frac.pop();
        }
        let int_s: String = int_digits.iter().map(|x| char::from(b'0' + x)).collect();
        let frac_s: String = frac.iter().map(|x| char::from(b'0' + x)).collect();
        let zero = int_digits.iter().all(|x| *x == 0) && frac.is_empty();
        let sign = if neg && !zero { "-" } else { "" };
        if frac_s.is_empty() {
            format!("{sign}{int_s}")
        } else {
            format!("{sign}{int_s}.{frac_s}")
        }
    }

    #[test]
    fn reference_display_by_hand() {
        for (n, d, want) in [
            (1, 3, "0.33"),
            (2, 3, "0.67"),
            (-5, 3, "-1.67"),
            (1, 7, "0.14"),
            (-1, 8, "-0.125"),
            (1, 64, "0.015625"),
            (1, 128, "0.01"),
            (1, 1_000_000, "0.000001"),
            (1, 2_000_000, "0"),
            (-1, 300, "0"),
            (199, 200, "0.995"),
            (1999, 2000, "0.9995"),
            (-2, 3, "-0.67"),
            (299, 3, "99.67"),
            (2999, 3000, "1"),
            (6, 2, "3"),
        ] {
            assert_eq!(reference_display(n, d, 2), want, "{n}/{d}");
        }
    }

    #[test]
    fn display_rounds_as_the_reference() {
        for n in -250..250 {
            for d in [
                1, 2, 3, 4, 6, 7, 8, 16, 25, 64, 125, 128, 200, 1_000, 3_000, 1_000_000, 2_000_000,
            ] {
                let x = Num::ratio(n, d).unwrap_or(Num::ZERO);
                for places in [0, 1, 2, 3] {
                    assert_eq!(
                        x.display(places),
                        reference_display(n, d, places as usize),
                        "{n}/{d} to {places} places"
                    );
                }
            }
        }
    }

    #[test]
    fn display_of_whole_numbers_and_of_what_cannot_be_scaled() {
        for i in [
            0,
            1,
            -1,
            9,
            10,
            -10,
            12_345,
            i128::MAX,
            i128::MIN,
            i128::MIN + 1,
        ] {
            assert_eq!(Num::int(i).display(2), i.to_string());
        }
        // too large to scale by 10^places: the fraction as it is
        let big = Num::ratio(i128::MAX, 3).unwrap_or(Num::ZERO);
        assert_eq!(big.display(2), format!("{}/3", i128::MAX));
        let neg = Num::ratio(-i128::MAX, 7).unwrap_or(Num::ZERO);
        assert_eq!(neg.display(2), format!("-{}/7", i128::MAX));
        // appended to what is there
        let mut s = String::from("x = ");
        Num::ratio(-5, 3)
            .unwrap_or(Num::ZERO)
            .push_display(2, &mut s);
        assert_eq!(s, "x = -1.67");
    }

    #[test]
    fn display_is_exact_or_rounded() {
        assert_eq!(n("0.58").display(2), "0.58");
        assert_eq!(
            Num::ratio(1, 3).map(|x| x.display(2)),
            Some("0.33".to_string())
        );
        assert_eq!(
            Num::ratio(-2, 3).map(|x| x.display(2)),
            Some("-0.67".to_string())
        );
        assert_eq!(n("12.5").display(2), "12.5");
        assert_eq!(n("0.125").display(2), "0.125");
    }
}
