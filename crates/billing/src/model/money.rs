//! Money exactly as Azure sent it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An `Amount {currency, value}`.
///
/// `value` is a [`Decimal`]: the workspace enables serde_json's arbitrary precision, so a JSON
/// number such as `2000.00` keeps its exact digits and scale; a string such as `"2000.00"` is
/// accepted too. Never a float.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Amount {
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub value: Option<Decimal>,
}

impl Amount {
    /// The value, or zero when Azure left it out.
    #[must_use]
    pub fn value_or_zero(&self) -> Decimal {
        self.value.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Amount;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn json_numbers_keep_their_exact_digits() {
        let amount: Amount = serde_json::from_str(r#"{"currency":"USD","value":2000.00}"#).unwrap();
        assert_eq!(amount.value, Some(Decimal::from_str("2000.00").unwrap()));
        assert_eq!(amount.value.unwrap().to_string(), "2000.00");
        let small: Amount = serde_json::from_str(r#"{"value":0.1}"#).unwrap();
        assert_eq!(small.value_or_zero().to_string(), "0.1");
    }

    #[test]
    fn strings_and_integers_are_accepted() {
        let text: Amount = serde_json::from_str(r#"{"currency":"EUR","value":"16.53"}"#).unwrap();
        assert_eq!(text.value.unwrap().to_string(), "16.53");
        let int: Amount = serde_json::from_str(r#"{"value":600}"#).unwrap();
        assert_eq!(int.value_or_zero(), Decimal::from(600));
    }

    #[test]
    fn missing_or_null_value_is_none() {
        let amount: Amount = serde_json::from_str(r#"{"currency":"USD","value":null}"#).unwrap();
        assert_eq!(amount.value, None);
        assert_eq!(amount.value_or_zero(), Decimal::ZERO);
    }

    #[test]
    fn garbage_is_rejected_not_guessed() {
        assert!(serde_json::from_str::<Amount>(r#"{"value":"twelve"}"#).is_err());
    }
}
