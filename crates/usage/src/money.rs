//! Exact amounts: fixed-point integers at 18 decimal places.
//!
//! A cost details file writes each cost as the text of a decimal (`12.345678`, `-0.5`,
//! `1.2E-05`). Each is read straight from its digits into an `i128` count of 10⁻¹⁸ units, so
//! sums are integer additions: exact, the same in any order, and cheap. The range is ±1.7 × 10²⁰,
//! far beyond any bill; digits past the 18th decimal place (only ever seen in exponent forms of
//! tiny amounts) are rounded half to even.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Decimal places kept.
pub const SCALE: u32 = 18;
const ONE: i128 = 10_i128.pow(SCALE);
/// Significant digits read into the mantissa; later ones are far below the scale.
const MAX_DIGITS: u32 = 38;

/// An exact amount of money, serialised as a decimal string (`"1234.56"`, `"-0.000012"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", specta(transparent))]
pub struct Money(#[cfg_attr(feature = "specta", specta(type = String))] i128);

/// Why a text is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a decimal number.
    Invalid,
    /// A number too large to hold.
    OutOfRange,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Invalid => "is not a number",
            Self::OutOfRange => "is too large",
        })
    }
}

impl std::error::Error for MoneyError {}

impl Money {
    pub const ZERO: Money = Money(0);

    /// The amount in units of 10⁻¹⁸.
    #[must_use]
    pub const fn units(self) -> i128 {
        self.0
    }

    #[must_use]
    pub const fn from_units(units: i128) -> Self {
        Self(units)
    }

    /// `self + other`, `None` past the range.
    #[must_use]
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    #[must_use]
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The same amount as a [`Decimal`] (for comparing with invoice amounts), `None` when it
    /// needs more than the 28 digits a `Decimal` has: the last places are then rounded.
    #[must_use]
    pub fn to_decimal(self) -> Option<Decimal> {
        Decimal::try_from_i128_with_scale(self.0, SCALE)
            .ok()
            .map(|d| d.normalize())
            .or_else(|| {
                // Too many digits at full scale: drop places, half to even, until it fits.
                (1..=SCALE).find_map(|drop| {
                    let units = round_div(self.0, 10_i128.pow(drop));
                    Decimal::try_from_i128_with_scale(units, SCALE - drop).ok()
                })
            })
    }

    /// Reads a decimal number: optional sign, digits with an optional point, an optional
    /// exponent (`1.2E-05`). Surrounding spaces are ignored.
    pub fn parse(text: &[u8]) -> Result<Money, MoneyError> {
        parse_units(text).map(Money)
    }
}

/// `value / divisor`, rounded half to even. `divisor` > 0.
fn round_div(value: i128, divisor: i128) -> i128 {
    let quotient = value / divisor;
    let rest = (value % divisor).abs() * 2;
    let away = if value < 0 { -1 } else { 1 };
    if rest > divisor || (rest == divisor && quotient % 2 != 0) {
        quotient + away
    } else {
        quotient
    }
}

fn trim(text: &[u8]) -> &[u8] {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let end = text
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &text[start..end]
}

/// The parser behind [`Money::parse`]: units of 10⁻¹⁸.
pub(crate) fn parse_units(text: &[u8]) -> Result<i128, MoneyError> {
    let text = trim(text);
    let (negative, mut rest) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    // Fast path: plain digits with an optional point and at most 18 decimals, as nearly every
    // cost is written.
    let mut mantissa: u128 = 0;
    let mut digits = 0u32; // significant digits kept in the mantissa
    let mut seen_digit = false;
    let mut decimals: i64 = 0; // digits kept after the point
    let mut dropped_integer_digits: i64 = 0; // integer digits past MAX_DIGITS (out of range)
    let mut point = false;
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'0'..=b'9' => {
                seen_digit = true;
                if digits < MAX_DIGITS {
                    if mantissa != 0 || b != b'0' {
                        digits += 1;
                    }
                    mantissa = mantissa * 10 + u128::from(b - b'0');
                    if point {
                        decimals += 1;
                    }
                } else if !point {
                    dropped_integer_digits += 1;
                }
            }
            b'.' if !point => point = true,
            b'e' | b'E' => break,
            _ => return Err(MoneyError::Invalid),
        }
        rest = tail;
    }
    if !seen_digit {
        return Err(MoneyError::Invalid);
    }
    let mut exponent: i64 = 0;
    if let Some((_, tail)) = rest.split_first() {
        // An exponent: sign and at least one digit.
        let (sign, mut tail) = match tail.first() {
            Some(b'-') => (-1, &tail[1..]),
            Some(b'+') => (1, &tail[1..]),
            _ => (1, tail),
        };
        if tail.is_empty() {
            return Err(MoneyError::Invalid);
        }
        while let Some((&b, more)) = tail.split_first() {
            if !b.is_ascii_digit() {
                return Err(MoneyError::Invalid);
            }
            // Saturates: anything this far out is zero or out of range anyway.
            exponent = (exponent * 10 + i64::from(b - b'0')).min(1_000_000);
            tail = more;
        }
        exponent *= sign;
    }
    if mantissa == 0 {
        return Ok(0);
    }
    // value = mantissa × 10^(shift - SCALE), in units: mantissa × 10^shift.
    let shift = i64::from(SCALE) - decimals + exponent + dropped_integer_digits;
    let magnitude: i128 = if shift >= 0 {
        let factor = u32::try_from(shift)
            .ok()
            .and_then(|s| 10_u128.checked_pow(s))
            .ok_or(MoneyError::OutOfRange)?;
        let units = mantissa.checked_mul(factor).ok_or(MoneyError::OutOfRange)?;
        i128::try_from(units).map_err(|_| MoneyError::OutOfRange)?
    } else {
        let m = i128::try_from(mantissa).map_err(|_| MoneyError::OutOfRange)?;
        match u32::try_from(-shift)
            .ok()
            .and_then(|s| 10_i128.checked_pow(s))
        {
            Some(divisor) => round_div(m, divisor),
            // Below 10⁻³⁸ of a unit: nothing at this scale.
            None => 0,
        }
    };
    Ok(if negative { -magnitude } else { magnitude })
}

impl fmt::Display for Money {
    /// The exact amount with at least two decimals and no trailing zeros past them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let one = ONE.unsigned_abs();
        let (whole, fraction) = (abs / one, abs % one);
        let mut decimals = format!("{fraction:018}");
        while decimals.len() > 2 && decimals.ends_with('0') {
            decimals.pop();
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{whole}.{decimals}")
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s.as_bytes())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl std::ops::Add for Money {
    type Output = Money;

    /// Saturates at the range (which no summary reaches: the parser refuses amounts past it).
    fn add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Money {
        Money::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn plain_negative_and_exponent_forms_are_read_exactly() {
        assert_eq!(m("12.345678").units(), 12_345_678 * 10_i128.pow(12));
        assert_eq!(m("-0.5").units(), -ONE / 2);
        assert_eq!(m("1.2E-05").units(), 12 * 10_i128.pow(12));
        assert_eq!(m("1.2e-05"), m("0.000012"));
        assert_eq!(m("1.5E+3"), m("1500"));
        assert_eq!(m("2E2"), m("200"));
        assert_eq!(m("+.5"), m("0.5"));
        assert_eq!(m("5."), m("5"));
        assert_eq!(m("  7.25 "), m("7.25"));
        assert_eq!(m("0"), Money::ZERO);
        assert_eq!(m("-0.0"), Money::ZERO);
        assert_eq!(m("0E-999999999"), Money::ZERO);
        assert_eq!(m("000123.4500"), m("123.45"));
        assert_eq!(m("0.000000000000000001").units(), 1);
        // Past the 18th place: half to even.
        assert_eq!(m("0.0000000000000000015").units(), 2);
        assert_eq!(m("0.0000000000000000025").units(), 2);
        assert_eq!(m("-0.0000000000000000025").units(), -2);
        assert_eq!(m("1E-40"), Money::ZERO);
        assert_eq!(m("1.23456789012345E-10").units(), 123_456_789);
    }

    #[test]
    fn what_is_not_a_number_or_too_large_is_refused() {
        for bad in [
            "", " ", "-", ".", "e5", "1e", "1e+", "1.2.3", "abc", "1,5", "NaN", "Infinity", "1 2",
            "--1", "0x10", "1e5x",
        ] {
            assert_eq!(
                Money::parse(bad.as_bytes()),
                Err(MoneyError::Invalid),
                "{bad:?}"
            );
        }
        for big in ["1e21", "1E999999999999", &"9".repeat(60)] {
            assert_eq!(
                Money::parse(big.as_bytes()),
                Err(MoneyError::OutOfRange),
                "{big}"
            );
        }
    }

    #[test]
    fn amounts_print_exactly_with_two_decimals_at_least() {
        assert_eq!(m("1234.5").to_string(), "1234.50");
        assert_eq!(m("-0.000012").to_string(), "-0.000012");
        assert_eq!(m("3").to_string(), "3.00");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(
            serde_json::to_string(&m("0.1")).unwrap(),
            "\"0.10\"",
            "a string, not a float"
        );
        let back: Money = serde_json::from_str("\"-12.000000000000000001\"").unwrap();
        assert_eq!(back.units(), -12 * ONE - 1);
    }

    #[test]
    fn decimals_carry_the_same_amount() {
        assert_eq!(m("12.3456").to_decimal(), Some(Decimal::new(123_456, 4)));
        let big = m("123456789012.000000000000000001");
        assert_eq!(
            big.to_decimal(),
            Some(
                "123456789012.00000000000000000"
                    .parse::<Decimal>()
                    .unwrap()
                    .normalize()
            )
        );
    }
}
